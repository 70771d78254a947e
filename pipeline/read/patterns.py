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
    (3, re.compile(r"^(?:[0-9０-９]+[.．、](?![0-9])|[⒈-⒛])")),  # ⒈: one character, as Word's lists copy
    (4, re.compile(r"^[（(][0-9０-９]+[）)]")),
)

# A sentence ends here: a line ending so is running text, not a banner or heading.
# (an ASCII full stop after a Chinese character ends a sentence too, as some authors type it)
SENTENCE_END = re.compile(r"(?:[。！？；：!?;:…]|(?<=[\u4e00-\u9fff”])\.)[”’」』）)]?$")

SALUTATION = re.compile(r"^[^。！？!?]{1,80}[：:]$")
ADDRESS_WORDS = re.compile(r"同志|各位|朋友|代表|来宾|领导|女士|先生|老师|同学|嘉宾|大家|战友|青年|委员|职工|员工|病友|家长"
                           r"|校友|乡亲|同仁|同事|贵宾|专家|成员|人士|学员|姐妹|兄弟|同胞|伙伴|网友|村民|居民|市民|会员|党员"
                           r"|师生|队员|运动员|裁判员|教师|教职工|学生")
# What a long salutation is made of besides address words: 尊敬的×××书记、各位来宾，女士们：
ADDRESS_FILLER = re.compile(r"尊敬的|亲爱的|在座的|全体|各位|们|們|和|及|以及|[、，,：:\s×]")
# A list of addressees: its first item opens with 尊敬的/各位/…, its last is people addressed.
_ADDRESSEE_LAST = re.compile(r"(同志|朋友|来宾|嘉宾|代表|老师|同学|女士|先生|领导|战友|委员|青年|家长|校友|职工|员工|干部"
                             r"|工作者|模范|同仁|同事|乡亲|父老|学子|贵宾|专家|成员|人士|学员|姐妹|兄弟|同胞|伙伴|网友|村民|居民"
                             r"|市民|会员|党员|师生|队员|运动员|裁判员|教师|教职工|学生|家人|各位)(们|們)?$")
_ADDRESSEE_FIRST = re.compile(r"^(尊敬的|亲爱的|各位|在座的|全体)")

SUBTITLE = re.compile(r"^(——|--|—|－－|一一(?=在|于))")  # 一一: a dash as a copy's OCR reads it
# A date; X, x and × stand for digits a site or an author left out (X年X月X日).
DATE = re.compile(r"(?:[0-9０-９〇零一二三四五六七八九十×]{2,4}|[×Xx]{1,4})\s*年\s*[0-9０-９一二三四五六七八九十×Xx]{1,2}\s*月"
                  r"(\s*[0-9０-９一二三四五六七八九十×Xx]{1,3}\s*日)?"
                  r"|(?<![0-9])(19|20)[0-9]{2}\s*[.\-/／．]\s*[0-9]{1,2}\s*[.\-/／．]\s*[0-9]{1,2}(?![0-9])")
# "县委书记 刘××", "区长 陈××": an office and a name, separated by a space or ending in ××
OFFICE = re.compile(r"(书记|常委|负责人|负责同志|县长|市长|区长|省长|镇长|乡长|主任|主席|部长|局长|厅长|校长|经理|董事长|院长|委员|秘书长|处长"
                    r"|科长|司令|政委|组长|队长|厂长|行长|会长|理事长|总裁|总监|所长|站长|馆长|社长|署长|司长|巡视员|调研员)")

# Words of a speech title: the line that names the occasion (讲话, but not the genre 讲话稿).
TITLE_WORDS = re.compile(r"(讲话|发言|致辞|致词|报告|动员|总结|辅导|党课|演讲|贺词|祝词|祝酒词|主持词|欢迎词|欢送词|答谢词"
                         r"|开幕词|闭幕词|开场白|结束语|串词|献词|寄语|感言|欢迎辞|欢送辞|答谢辞|开幕辞|闭幕辞|贺辞)(?![稿范])")
# A title names the occasion at its end: …会议上的讲话, 院长新春致辞, …讲话（摘要）
NAMES_OCCASION = re.compile(r"(讲话|发言|致辞|致词|报告|动员|总结|辅导|党课|演讲|贺词|祝词|祝酒词|主持词|欢迎词|欢送词|答谢词"
                            r"|开幕词|闭幕词|开场白|结束语|串词|献词|寄语|感言|欢迎辞|欢送辞|答谢辞|开幕辞|闭幕辞|贺辞"
                            r"|讲话提纲|发言提纲|讲稿|发言稿"
                            r"|讲话稿|致辞稿|发言材料|讲话材料|发言稿材料)\s*(?:[（(][^（）()]{1,12}[）)])?$")
# …or names its kind first: 党课讲稿：“大就要有大的样子”, 讲话：在…
NAMES_KIND_FIRST = re.compile(r"^[^，。：:]{0,10}?(党课讲稿|党课|讲话稿|发言稿|讲话|致辞|发言)\s*[：:]\s*\S")
# A sentence that announces the speech after a report about it: 以下为董事长致辞摘要：
ANNOUNCES_SPEECH = re.compile(r"(以下为|以下是|下面是).{0,30}(讲话|致辞|发言|报告|演讲)(摘要|全文|原文|实录|要点)?\s*[：:]$"
                              r"|(讲话|致辞|发言|演讲)[，,]?(全文|摘要|原文|实录|要点)?如下\s*[：:]$")  # …发表致辞，全文如下：
# A title complete in itself: "在全市经济工作会议上的讲话"
COMPLETE_TITLE = re.compile(r"^[^在，。]{0,12}在.{2,}[上中时]的(讲话|发言|致辞|报告|总结讲话|动员讲话|主持词)$")


def heading_level(text: str) -> int | None:
    """The heading level a line's enumerator implies (1–4), or None."""
    for level, pattern in HEADING_LEVELS:
        if pattern.match(text):
            return level
    return None


def is_sentence(text: str) -> bool:
    return bool(SENTENCE_END.search(text))


# A host script's speaker before a line (男：尊敬的各位领导… 女：老师们、同学们：): the line is the
# host's, spoken, never the speech's salutation.
SPEAKER_TAG = re.compile(r"^(?:男|女|合|甲|乙|丙|丁|男女|主持人|主持|[AB])\s*[：:]")


def is_salutation(text: str) -> bool:
    """The address before the body: 同志们：, or a list of addressees (尊敬的各位领导、各位来宾，女士们、先生们：)."""
    if not SALUTATION.match(text) or heading_level(text) is not None or SPEAKER_TAG.match(text):
        return False
    words = ADDRESS_WORDS.findall(text)
    if not words:
        return False
    # A salutation is addressees and little else: not "代表们郑重承诺：", nor
    # "下面，我代表县委向各位领导和同志们汇报三个方面的情况："
    rest = ADDRESS_FILLER.sub("", OFFICE.sub("", ADDRESS_WORDS.sub("", text)))
    if len(rest) <= (2 if len(words) == 1 else max(4, len(words) * 2)):
        return True
    # 尊敬的各位五一劳动模范、优秀工作者、亲爱的同志们：
    # 亲爱的2022届毕业生同学们：
    items = [i for i in re.split(r"[、，,\s]+", text[:-1]) if i]
    if not (len(text) <= 60 and items and all(len(i) <= 16 for i in items)):
        return False
    if _ADDRESSEE_FIRST.match(items[0]) and _ADDRESSEE_LAST.search(items[-1]):
        return True
    # People named in the plural, every one (同学们，红卫兵战士们，同志们：), or each addressed
    # (中華人民共和國主席先生，劉淇先生，奧組委的成員們，親愛的運動員們：), no verb among them.
    if len(items) >= 2 and not any(re.search("[请要是在把将对向我你他她感欢谢]", i) for i in items) and (
            all(re.fullmatch(r"[\u4e00-\u9fff]{1,8}[们們]", i) for i in items)
            or all(_ADDRESSEE_LAST.search(i) for i in items)):
        return bool(_ADDRESSEE_LAST.search(items[-1]))
    # Whom, described, in the plural: 2012届硕士毕业研究生同学们：
    if (len(items) == 1 and len(items[0]) <= 20 and re.search("[们們]$", items[0])
            and _ADDRESSEE_LAST.search(items[0]) and not re.search("[请要是在把将对说应能都也就还已我你他她的了]", items[0])):
        return True
    # 各位 and whom, alone: 各位高邻友朋： (not 各位请注意：, a sentence's start)
    return (len(items) == 1 and bool(re.fullmatch(r"各位[\u4e00-\u9fff]{2,4}", items[0]))
            and not re.search("[请要是在把将对说应能都也就还已]", items[0][2:]))


def is_byline(text: str) -> bool:
    """A speaker or date line by the title: short, no sentence, a date, or an office and a name."""
    if len(text) > 40 or is_sentence(text) or heading_level(text) in (1, 3, 4) or re.search("[。！？!?]", text):
        return False  # a sentence end inside: a wrapped paragraph's line (…到这里。 刚才，*局长宣读了 《关)
    bare = text.strip("（）() ")
    if DATE.search(text) and len(bare) <= 20:
        return True
    # "（2024年3月12日在全县乡村振兴工作推进会上）": the date and occasion in brackets
    if re.match(r"^[（(]", text) and DATE.match(bare) and len(text) <= 50:
        return True
    # "2019年2月26日在镇第十四届人民代表大会第三次会议": the date and occasion, brackets lost
    date = DATE.match(text)
    if date and text[date.end():].lstrip().startswith("在") and len(text) <= 50:
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


def closes_speech(text: str) -> bool:
    """A line that may end a speech without being a sentence: a date, a signature
    (述职人：李××), a stage direction in brackets （掌声）."""
    return (bool(DATE.search(text)) and len(text) <= 30 or is_byline(text)
            or bool(re.match(r"^\S{1,6}[：:]\s*\S{1,6}$", text)) or bool(re.match(r"^[（(][^（）()]{1,10}[）)]$", text)))
