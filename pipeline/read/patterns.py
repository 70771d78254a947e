"""Shapes of speech lines that more than one reading stage needs to recognise.

strip needs to know where the speech starts (its title) and what a sentence looks
like before structure builds the model, so the shared shapes live here, once.
"""
from __future__ import annotations

import re

from ..chars import CJK, CJK_PUNCT, HAN  # noqa: F401 — the stages take them from here

NUM_ZH = "一二三四五六七八九十百零〇"
# Section headings by level (document-model.md): 1 一、 · 2 （一） · 3 1. or 1． · 4 （1）
HEADING_LEVELS = (
    (1, re.compile(rf"^[{NUM_ZH}]+、")),
    (2, re.compile(rf"^[（(][{NUM_ZH}]+[）)]")),
    (3, re.compile(r"^[0-9０-９]+[.．、](?![0-9])")),
    (4, re.compile(r"^[（(][0-9０-９]+[）)]")),
)

# A sentence ends here: a line ending so is running text, not a banner or heading.
SENTENCE_END = re.compile(r"[。！？；：!?;:…][”’」』）)]?$")

SALUTATION = re.compile(r"^[^。！？!?]{1,80}[：:]$")
ADDRESS_WORDS = re.compile(r"同志|各位|朋友|代表|来宾|领导|女士|先生|老师|同学|嘉宾|大家|战友|青年|委员")
# What a long salutation is made of besides address words: 尊敬的×××书记、各位来宾，女士们：
ADDRESS_FILLER = re.compile(r"尊敬的|亲爱的|在座的|全体|各位|们|和|及|以及|[、，,：:\s×]")

SUBTITLE = re.compile(r"^(——|--|—|－－)")
DATE = re.compile(r"[0-9０-９〇零一二三四五六七八九十×]{2,4}\s*年\s*[0-9０-９一二三四五六七八九十×]{1,2}\s*月"
                  r"(\s*[0-9０-９一二三四五六七八九十×]{1,3}\s*日)?"
                  r"|(?<![0-9])(19|20)[0-9]{2}\s*[.\-/／．]\s*[0-9]{1,2}\s*[.\-/／．]\s*[0-9]{1,2}(?![0-9])")
# "县委书记 刘××", "区长 陈××": an office and a name, separated by a space or ending in ××
OFFICE = re.compile(r"(书记|县长|市长|区长|省长|镇长|乡长|主任|主席|部长|局长|厅长|校长|经理|董事长|院长|委员|秘书长|处长"
                    r"|科长|司令|政委|组长|队长|厂长|行长|会长|理事长|总裁|总监|所长|站长|馆长|社长|署长|司长|巡视员|调研员)")

# Words of a speech title: the line that names the occasion (讲话, but not the genre 讲话稿).
TITLE_WORDS = re.compile(r"(讲话|发言|致辞|报告|动员|总结|辅导|党课|演讲|贺词|祝酒词|主持词)(?![稿范])")
# A title complete in itself: "在全市经济工作会议上的讲话"
COMPLETE_TITLE = re.compile(r"^在.{2,}[上中时]的(讲话|发言|致辞|报告|总结讲话|动员讲话|主持词)$")


def heading_level(text: str) -> int | None:
    """The heading level a line's enumerator implies (1–4), or None."""
    for level, pattern in HEADING_LEVELS:
        if pattern.match(text):
            return level
    return None


def is_sentence(text: str) -> bool:
    return bool(SENTENCE_END.search(text))


def is_salutation(text: str) -> bool:
    """The address before the body: 同志们：, or a list of addressees (尊敬的各位领导、各位来宾，女士们、先生们：)."""
    if not SALUTATION.match(text) or heading_level(text) is not None:
        return False
    words = ADDRESS_WORDS.findall(text)
    if not words:
        return False
    if len(text) <= 12:
        return True
    # A long line is a salutation only when it is addressees and little else: not
    # "下面，我代表县委向各位领导和同志们汇报三个方面的情况："
    rest = ADDRESS_FILLER.sub("", OFFICE.sub("", ADDRESS_WORDS.sub("", text)))
    return len(rest) <= max(4, len(words) * 2)


def is_byline(text: str) -> bool:
    """A speaker or date line by the title: short, no sentence, a date, or an office and a name."""
    if len(text) > 40 or is_sentence(text) or heading_level(text) in (1, 3, 4):
        return False
    bare = text.strip("（）() ")
    if DATE.search(text) and len(bare) <= 20:
        return True
    # "（2024年3月12日在全县乡村振兴工作推进会上）": the date and occasion in brackets
    if re.match(r"^[（(]", text) and DATE.match(bare) and len(text) <= 50:
        return True
    # "县委书记 刘××", "市委常委、组织部部长 王××": the name after the last space, or ××
    name = re.search(r"[ \u3000]+(\S{1,4})$", text)
    return bool(OFFICE.search(text)) and (bool(name) or text.endswith("×")) and not TITLE_WORDS.search(text)


def is_subtitle(text: str) -> bool:
    return bool(SUBTITLE.match(text)) and len(text) <= 60


def looks_like_title_line(text: str) -> bool:
    """Short, not a sentence, not an enumerated heading: the shape of a title line."""
    return (0 < len(text) <= 60 and not is_sentence(text) and heading_level(text) is None
            and not text.endswith(("，", ",", "、")))
