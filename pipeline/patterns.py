"""Shapes of speech lines that more than one reading stage needs to recognise.

strip needs to know where the speech starts (its title) and what a sentence looks
like before structure builds the model, so the shared shapes live here, once.
"""
from __future__ import annotations

import re

# Han ideographs (BMP, extension A, compatibility, supplementary planes) and the
# full-width punctuation that sits between them in Chinese text.
HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f"
CJK_PUNCT = "\u3000-\u303f\uff01-\uff0f\uff1a-\uff20\uff3b-\uff40\uff5b-\uff65\u2018\u2019\u201c\u201d\u2026\u2014\u00d7\u00b7"
CJK = HAN + CJK_PUNCT

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

SALUTATION = re.compile(r"^[^。！？!?]{1,30}[：:]$")
ADDRESS_WORDS = re.compile(r"同志|各位|朋友|代表|来宾|领导|女士|先生|老师|同学|嘉宾|大家|战友|青年|委员")

SUBTITLE = re.compile(r"^(——|--|—|－－)")
DATE = re.compile(r"[0-9０-９〇零一二三四五六七八九十×]{2,4}\s*年\s*[0-9０-９一二三四五六七八九十×]{1,2}\s*月"
                  r"(\s*[0-9０-９一二三四五六七八九十×]{1,3}\s*日)?")
# "县委书记 刘××", "区长 陈××": an office and a name, separated by a space or ending in ××
OFFICE = re.compile(r"(书记|县长|市长|区长|省长|镇长|乡长|主任|主席|部长|局长|厅长|校长|经理|董事长|院长|委员|秘书长|处长|科长|司令|政委)")

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
    return bool(SALUTATION.match(text)) and bool(ADDRESS_WORDS.search(text)) and heading_level(text) is None


def is_byline(text: str) -> bool:
    """A speaker or date line under the title: short, no sentence, a date or an office and a name."""
    if len(text) > 30 or is_sentence(text) or heading_level(text) in (1, 3, 4):
        return False
    bare = text.strip("（）() ")
    if DATE.search(text) and len(bare) <= 20:
        return True
    return bool(OFFICE.search(text)) and (" " in text or "\u3000" in text or "×" in text) and len(text) <= 20


def is_subtitle(text: str) -> bool:
    return bool(SUBTITLE.match(text)) and len(text) <= 60


def looks_like_title_line(text: str) -> bool:
    """Short, not a sentence, not an enumerated heading: the shape of a title line."""
    return (0 < len(text) <= 60 and not is_sentence(text) and heading_level(text) is None
            and not text.endswith(("，", ",", "、")))
