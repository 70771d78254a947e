"""A heading and its paragraph on one line, cut apart (split.py's part for headings).

Web copies lose the break after a heading: 一、忧患意识要长存。新冠肺炎疫情发生以来…, a level-1
heading and the level-2 heading after it, a heading and its paragraph one space apart, or with
nothing between them but where the paragraph's first word shows.
"""
from __future__ import annotations

import re

from ..words import word_starts
from .patterns import HEADING_LEVELS, NUM_ZH, heading_level, is_sentence

_SPACES = re.compile(r"[ \t\u3000\u00a0]+")

_LEVEL1 = HEADING_LEVELS[0][1]


_SUBHEADING_GLUED = re.compile(rf"(?<=[\u4e00-\u9fff”》）])(?=[（(][{NUM_ZH}]{{1,3}}[）)])")


def sub_heading_glued(text: str) -> list[str]:
    """A level-1 heading with the next heading glued on (一、…扎实开展专项整治工作（一）开展…):
    the copy lost the break between two headings."""
    if not _LEVEL1.match(text):
        return [text]
    m = _SUBHEADING_GLUED.search(text, 4)
    if m and m.start() <= 50 and not re.search("[。！？；：]", text[:m.start()]):
        return [text[:m.start()], *sub_heading_glued(text[m.start():])]
    return [text]


# A paragraph of a speech opens with its subject far more often than a heading has one inside:
# the speaker or the place (我们, 我县, 我将), the Party (党的十九大以来), a time (今年以来).
_PARAGRAPH_OPENER = re.compile(r"我(?:们|县|市|区|省|州|镇|乡|村|校|院|局|委|厅|所|司|部|行|社|公司|单位|将|想|认为)"
                               r"|党的|今年|去年|近年来|多年来|近几年")
_HEADING_ONE_OR_TWO = re.compile(rf"^(?:[{NUM_ZH}]{{1,3}}、|[（(][{NUM_ZH}]{{1,3}}[）)])")
MIN_GLUED_HEADING = 8  # characters after the number: shorter is a verb before its object (一、全面加强党的建设)
MAX_GLUED_HEADING = 45
LONG_CLAUSE = 20  # characters: a first clause this long is heading and sentence together


def _heading_then_text(text: str) -> list[str] | None:
    """A level-1 or level-2 heading and its paragraph with no break between them: cut where the
    paragraph's first word starts. The evidence is a word doubled across the seam (…扩大共识共识，
    是…) or, in a first clause too long for a heading, a subject that opens sentences, at a word
    boundary; the heading part holds no comma or sentence end, its quotes are closed."""
    m = _HEADING_ONE_OR_TWO.match(text)
    if not m:
        return None
    clause = re.search(r"[，。！？；：,;:!?]|$", text[m.end():]).start()
    first = m.end() + clause  # end of the first clause
    for i in range(m.end() + MIN_GLUED_HEADING // 2, min(first, m.end() + MAX_GLUED_HEADING)):
        head, rest = text[:i], text[i:]
        if head.count("“") != head.count("”") or head.count("《") != head.count("》") or not _HAN_AT(head[-1]):
            continue
        doubled = next((k for k in (2, 3, 4) if head[-k:] == rest[:k] and all(map(_HAN_AT, rest[:k]))
                        and rest[k:k + 1] in ("，", "是")), None)
        opener = (i - m.end() >= MIN_GLUED_HEADING and clause >= LONG_CLAUSE and _PARAGRAPH_OPENER.match(rest)
                  and head[-1] not in _NOT_A_HEADING_END)
        if not (doubled or opener) or len(rest) < 8 or not re.search("[，。]", rest[:40]):
            continue
        if not doubled and i - m.end() not in word_starts(text[m.end():first]):
            continue  # 一、持续深化全面从严治党的…: 党的 inside 从严治党 opens nothing
        return [head, rest]
    return None


_NOT_A_HEADING_END = "的之和与及或在对把将了为向从以于被让使"


def _HAN_AT(ch: str) -> bool:
    return "\u3400" <= ch <= "\u9fff"


MAX_HEADING_SENTENCE = 40  # characters: a first sentence longer than that is a paragraph's


def _heading_then_quotation(text: str) -> list[str] | None:
    """A level-1 heading whose paragraph opens with a quotation (一、回顾初心，不忘根本“不忘初心”这个词
    最早出自…。): cut before the quotation mark when the heading so cut is short and whole, and
    what follows is a sentence too long to be part of it."""
    m = _LEVEL1.match(text)
    if not m:
        return None
    at = text.find("“")
    stop = text.find("。")
    first_sentence = stop if stop >= 0 else len(text)  # a preview may cut it short
    if not (m.end() + 6 <= at <= m.end() + 30) or first_sentence <= MAX_HEADING_SENTENCE:
        return None
    head = text[:at]
    if is_sentence(head) or re.search(r"[：:；;]", head) or head[-1] in _NOT_A_HEADING_END:
        return None
    return [head, text[at:]]


def _parallel_heading_glued(text: str) -> list[str] | None:
    """A level-1 heading of two parallel phrases (拥抱时代，引领未来: as long as each other) glued to
    its paragraph, whose first sentence is too long to be part of it: cut after the second
    phrase, where a word starts."""
    m = _LEVEL1.match(text)
    stop = text.find("。")
    if not m or (stop if stop >= 0 else len(text)) <= MAX_HEADING_SENTENCE:
        return None
    comma = text.find("，", m.end())
    first = comma - m.end()
    halves = text[m.end():comma] + text[comma + 1:comma + 1 + first]
    if not 3 <= first <= 8 or re.search(r"[^\u4e00-\u9fff]", halves):
        return None
    cut = comma + 1 + first
    if text[comma + 1] in "我你他她它咱大":  # 一、形势严峻，我们全县上下…: a sentence, its subject after the comma
        return None
    rest = text[cut:]
    if len(rest) < 15 or rest[0] in "，、；：。" or cut - m.end() not in word_starts(text[m.end():]):
        return None
    return [text[:cut], rest]


def after_heading(text: str) -> list[str]:
    """A level-1 heading ending in 。 with its paragraph glued on (leads never open with 一、);
    a heading of any level with its paragraph one space apart."""
    glued = _heading_then_text(text)
    if glued:
        return glued
    quoted = _heading_then_quotation(text) or _parallel_heading_glued(text)
    if quoted:
        return quoted
    if _LEVEL1.match(text):
        stop = text.find("。")
        # Shaped like a heading: no clause that ends a sentence or opens a quotation or a list
        # (一、俗话说得好："…"。 is an agenda item's first sentence, not a heading); quoted words
        # are a heading's own (…做到从“学什么”到“怎么信”的思想淬炼。).
        if 0 < stop <= 60 and stop + 1 < len(text) and not re.search(r"[！？；：:]|“[^”]{10,}”", text[:stop]):
            return [text[:stop + 1], *(_heading_then_text(text[stop + 1:]) or [text[stop + 1:]])]
    if heading_level(text) is not None:
        m = _SPACES.search(text)
        if m and text[m.start() - 1:m.start()].isdigit():
            m = None  # a column's wrap inside a date or number (今年7 月13日), not a heading's end
        if m and 4 <= m.start() <= 50 and not is_sentence(text[:m.start()]) and "。" not in text[:m.start()]:
            rest = text[m.end():]
            if len(rest) >= 20 and re.search("[，。]", rest):
                return [text[:m.start()], rest]
    return [text]
