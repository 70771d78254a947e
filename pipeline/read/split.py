"""Glued lines split where any editor would (document-model.md, "Lines that a site glued").

Web pages and document previews often lose line breaks: a title, the salutation and the
body come on one line (`在…上的讲话同志们：今天…`), a heading and its first sentence too,
or a whole page with its paragraphs one space apart. `split_glued` cuts such lines into
the pieces a printed speech has, each a `Line` of its own (same line number, a paragraph
break before it), so that the later stages see them as if the site had kept its breaks:

- at a paragraph break the copy turned into spaces: after a sentence end, a salutation,
  a title or a heading, before text;
- before and after the first salutation, when it is glued to a title or to the body;
- inside the front matter glued before that salutation: a date in brackets, a speaker,
  a subtitle, a title ending in its occasion (…上的讲话), a page's file number or date;
- after a heading (split_headings.py): one that ends in 。 (一、忧患意识要长存。), which no
  lead does; before a level-2 heading glued to a level-1 one; and where a heading is glued
  to its paragraph with nothing between them but the paragraph's first word
  (`（一）…的必要性我县非煤矿山点多面广，…`, `一、…扩大共识共识，是…`).

Nothing is removed here and no character changes: the pieces joined give the line back,
but for the spaces at a break.
"""
from __future__ import annotations

import re
from dataclasses import replace

from . import split_headings
from .clean import Line
from .patterns import (
    NUM_ZH,
    OFFICE,
    SPEAKER_TAG,
    heading_level,
    is_byline,
    is_salutation,
    is_sentence,
)

# A title ends with the occasion's kind of speech: 讲话, 发言, 致辞, 主持词 …
TITLE_END = r"(?:讲话稿|发言稿|致辞稿|讲话|发言|致辞|致词|主持词|讲稿|演讲|报告|贺词|祝词|欢迎词|欢送词|答谢词|开幕词|闭幕词|欢迎辞|欢送辞|答谢辞|开幕辞|闭幕辞|开场白|结束语|献词|党课)"
_SPACES = re.compile(r"[ \t\u3000\u00a0]+")
_SENTENCE_END = "。！？；：!?;:…”’」』）)"
MIN_SPACED_PAGE = 150  # characters: a shorter line is a paragraph with a stray space, not a page
MAX_FRONT_PIECE = 80
MIN_GLUED_PAGE = 300
MIN_KEPT_BREAKS = 4  # lines that end a sentence  # a line this long with headings inside is a page that lost its breaks


def split_glued(lines: list[Line]) -> list[Line]:
    out: list[Line] = []
    salutation_seen = False
    numbering = 0
    # Without a salutation, a title glued into a line after a sentence is found by its occasion.
    title_wanted = not any(_has_salutation(l.text) for l in lines[:FRONT_LINES])
    # Paragraphs each on a line of its own: the page kept its breaks.
    kept_breaks = sum(1 for l in lines if len(l.text) >= 40 and l.text.rstrip()[-1:] in "。！？!?") >= MIN_KEPT_BREAKS
    page_titles: list[str] = []  # short lines at the top: a page title the text may start with again
    for index, line in enumerate(lines):
        copy = None
        if index < FRONT_LINES and len(line.text) <= MAX_FRONT_PIECE and not is_sentence(line.text):
            page_titles.append(_WORD_COUNT_END.sub("", line.text))
        elif index < FRONT_LINES and page_titles:
            copy = _title_copy_at_start(line.text, page_titles)
        wrapped = _flattened_wrap(line.text)
        if wrapped:  # a hard-wrapped page whose line breaks became spaces: its lines again, for unwrap
            out += [replace(line, text=p, blank_before=line.blank_before if k == 0 else False,
                            indented=line.indented if k == 0 else False) for k, p in enumerate(wrapped)]
            continue
        pieces = _at_spaced_breaks(line.text) if len(line.text) >= MIN_SPACED_PAGE else [line.text]
        if len(pieces) == 2 and kept_breaks:  # one space after a sentence, in a page that kept its breaks:
            pieces = [line.text]              # a stray space (…祝贺！ 祝贺你们…), not a lost break
        if len(line.text) >= MIN_GLUED_PAGE:
            pieces = [q for p in pieces for q in _at_glued_headings(p)]
        if not salutation_seen:
            expanded = []
            for p in pieces:
                if salutation_seen:
                    expanded.append(p)
                    continue
                cut = _around_salutation(p)
                if cut is not None or is_salutation(p):
                    salutation_seen = True
                expanded += cut if cut is not None else [p]
            pieces = expanded
            pieces = [q for p in pieces for q in _date_and_name(p)]
            pieces = [q for p in pieces for q in _title_then_speaker(p)]
            if index < FRONT_LINES:
                pieces = [q for p in pieces for q in _title_before_address(p)]
        if title_wanted:
            cut = _around_complete_title(line.text)
            if cut is not None:
                pieces, sure = cut
                title_wanted = not sure  # a later line may still hold the title with its speaker
        pieces = [q for p in pieces for q in _at_next_item(p, numbering)]
        pieces = [q for p in pieces for q in split_headings.sub_heading_glued(p)]
        pieces = [q for p in pieces for q in split_headings.after_heading(p)]
        for p in pieces:
            if (m := _LEVEL1_NUMBER.match(p)) and m.group(1) in NUM_ZH:
                numbering = NUM_ZH.index(m.group(1)) + 1  # the last 一、二、… that opened a line
        if copy and pieces and (first := pieces[0]).startswith(copy) and _is_text(first[len(copy):]):
            pieces = [copy, first[len(copy):], *pieces[1:]]  # the page title's copy apart from the text
        pieces = [p.strip() for p in pieces if p.strip()] if len(pieces) > 1 else pieces  # no spaces at a break
        for k, p in enumerate(pieces):
            out.append(line if len(pieces) == 1 else
                       replace(line, text=p, blank_before=line.blank_before if k == 0 else True,
                               indented=line.indented if k == 0 else False))
    return out


FRONT_LINES = 12  # lines: where a speech's front matter may stand
_WORD_COUNT_END = re.compile(r"\s*[（(]?[0-9]{3,5}\s*字[）)]?(?:\.[A-Za-z]{3,4})?$")  # …始终难守9500字
MIN_TITLE_COPY = 8


def _title_copy_at_start(text: str, page_titles: list[str]) -> str | None:
    """The page's title again at the start of the text's first line, with the text glued on
    (学校七一党课：初心易得 始终难守 / 七一党课：初心易得 始终难守按照市委统一要求，…): the copy,
    the title's end or all of it, when a sentence follows it."""
    for title in page_titles:
        for start in range(0, len(title) - MIN_TITLE_COPY + 1):
            copy = title[start:]
            if text.startswith(copy) and _is_text(text[len(copy):]):
                return copy
    return None


def _is_text(rest: str) -> bool:
    return len(rest) >= 20 and re.search("[。！？]", rest) is not None


def _has_salutation(text: str) -> bool:
    return is_salutation(text) or _around_salutation(text) is not None


# --- paragraph breaks turned into spaces -------------------------------------------------------

def _at_spaced_breaks(text: str) -> list[str]:
    """Split at spaces that stand where paragraphs broke: after a sentence end (Chinese text
    puts no space there), after a salutation, title or heading, before Chinese text."""
    parts = _SPACES.split(text)
    if len(parts) == 1:
        return [text]
    gaps = [m.group(0) for m in _SPACES.finditer(text)]
    out = [parts[0]]
    for gap, part in zip(gaps, parts[1:]):
        left = out[-1]
        if part and left and _break_between(left, part):
            out.append(part)
        else:
            out[-1] = left + gap + part
    return out


_OPENS_TEXT = re.compile(r"[\u3400-\u9fff“‘（(《【0-9０-９—A-Za-z*×\"]")  # —— opens a paragraph of a parallel series


MIN_FLATTENED_LINES = 6


def _flattened_wrap(text: str) -> list[str] | None:
    """A PDF copy's page pasted as one line: its wrapped lines' breaks became single spaces,
    standing every 20-45 characters however the sentences run (…中和 省市县…). Its pieces, or None."""
    if len(text) < MIN_FLATTENED_LINES * 20 or " " not in text:
        return None
    pieces = text.split(" ")
    if len(pieces) < MIN_FLATTENED_LINES or any(not p for p in pieces):
        return None
    lengths = [len(p) for p in pieces[:-1]]
    # The page's width: the length most pieces have, within two characters; paragraphs' last
    # lines are shorter, and hardly any piece is longer.
    width, near = max(((w, sum(1 for n in lengths if abs(n - w) <= 2)) for w in range(18, 46)), key=lambda x: x[1])
    longer = sum(1 for n in lengths if n > width + 3)
    # Cut inside clauses: many pieces end with neither a stop nor a comma.
    mid_clause = sum(1 for p in pieces[:-1] if p[-1] not in "。！？；：，、”）")
    if near >= max(MIN_FLATTENED_LINES, 0.35 * len(lengths)) and longer <= 0.15 * len(lengths) \
            and mid_clause >= 0.4 * len(lengths):
        return pieces
    return None


def _break_between(left: str, right: str) -> bool:
    if not _OPENS_TEXT.match(right):
        return False
    if left[-1] in "。！？!?" or left.endswith(("。”", "！”", "？”")):
        return True
    if left[-1] in "：:；;" and heading_level(right) is not None:
        return True  # 下面，我讲几点意见： 一、…
    tail = _last_unit(left)
    if left[-1] in "：:" and is_salutation(tail):
        return True
    # A heading or a title standing alone before the text that follows it.
    if heading_level(tail) is not None and len(tail) <= 50 and not is_sentence(tail) and len(right) >= 10:
        return True
    return bool(re.search(rf"{TITLE_END}$", tail)) and len(tail) <= MAX_FRONT_PIECE and "，" not in tail[-12:]


def _last_unit(text: str) -> str:
    """The text after the last sentence end: what a space break would close."""
    m = re.search(r"[。！？!?](?=[^。！？!?]*$)", text)
    return text[m.end():] if m else text


def _at_glued_headings(text: str) -> list[str]:
    """Before each level-1 heading (二、…) that follows a sentence end inside a page-long line."""
    out, at = [], 0
    for m in re.finditer(rf"(?<=[。！？：])[{NUM_ZH}]{{1,3}}、", text):
        out.append(text[at:m.start()])
        at = m.start()
    return out + [text[at:]]


_LEVEL1_NUMBER = re.compile(rf"^([{NUM_ZH}])、")


def _at_next_item(text: str, numbering: int) -> list[str]:
    """Before the next level-1 number glued after a sentence (…李娟老师讲话。三、一所好的学校…),
    when the lines so far opened with the numbers before it: the copy lost that line break."""
    if (m := _LEVEL1_NUMBER.match(text)) and m.group(1) in NUM_ZH:
        numbering = NUM_ZH.index(m.group(1)) + 1  # this line opens with the number before
    if not numbering or numbering >= len(NUM_ZH) - 3:
        return [text]
    m = re.search(rf"(?<=[。！？]){NUM_ZH[numbering]}、", text)
    if m and m.start() >= 10:
        return [text[:m.start()], text[m.start():]]
    return [text]


# --- the salutation and what was glued before it ----------------------------------------------

# The salutation's own start: 尊敬的…, 各位…, 亲爱的…, or the first addressee.
_ADDRESS_START = re.compile(r"尊敬的|各位|亲爱的|在座的|全体|同志|女士|先生|朋友|老师|同学|领导|来宾|代表|大家|青年")


def _around_salutation(text: str) -> list[str] | None:
    """[front pieces…, salutation, body] when a salutation stands in the text with something
    glued before or after it; None when there is none (or it stands alone)."""
    if SPEAKER_TAG.match(text):
        return None  # 女：老师们、同学们：, a host's line
    for m in re.finditer(r"[：:]", text[:400]):
        colon = m.end()
        for s in _salutation_starts(text, colon):
            salutation = text[s:colon]
            if not is_salutation(salutation):
                continue
            front, body = text[:s].strip(), text[colon:].strip()
            if body and is_salutation(body) and is_salutation(salutation + body):
                salutation, body = salutation + body, ""  # 各位领导：同志们： is one address
            if not front and not body:
                return None
            return _split_front(front) + [salutation] + ([body] if body else [])
    return None


def _salutation_starts(text: str, colon: int) -> list[int]:
    """Where a salutation ending at `colon` may start, longest first: the line's start, or a
    point right after a sentence end, a bracket, a title's end or a name, before an addressee."""
    starts = []
    for m in _ADDRESS_START.finditer(text, max(0, colon - 60), colon):
        s = m.start()
        before = text[:s]
        if (not before or before[-1] in _SENTENCE_END or before[-1] in " \u3000】"
                or re.search(rf"{TITLE_END}$|[xX×＊*]{{2,}}$|日[）)]?$", before)
                or _speaker_end(before)):
            starts.append(s)
    return sorted(set(starts))


def _speaker_end(text: str) -> bool:
    """Text ending in an office and a name (县长 XXX, 中信工程董事长金志宏)."""
    return bool(re.search(rf"{OFFICE.pattern}\s*\S{{1,4}}$", text[-30:]))


_BRACKETED_DATE = re.compile(r"[（(][^（）()]{0,20}(?:年|月|日|[0-9X×xＸ]{4})[^（）()]{0,20}[）)]$")
_SUBTITLE_IN = re.compile(r"(?:——|一一|－－|--)(?=在|于|—)")
_FILE_FACT = re.compile(r"编号\s*[：:]\s*[0-9]+|(?<![0-9A-Za-z])[0-9Xx×]{2,4}\s*[/／.\-]\s*[0-9Xx×]{1,2}\s*[/／.\-]\s*[0-9Xx×]{1,2}(?![0-9])")


def _split_front(front: str) -> list[str]:
    """The front matter a site glued into one line before the salutation, in its pieces:
    file numbers and dates of the page, titles (each ending in its occasion), a subtitle,
    a speaker, a date in brackets. Which piece is the title is decided later (frontmatter)."""
    if not front:
        return []
    pieces = [front]
    for cut in (_cut_brackets, _cut_file_facts, _cut_trailing_date, _cut_after_title_end, _cut_subtitle,
                _cut_letter_spaced):
        pieces = [q.strip() for p in pieces for q in cut(p) if q.strip()]
    return pieces


def _cut_brackets(text: str) -> list[str]:
    """A title a site set in 【】 (【小学校长开学典礼致辞】尊敬的…): the brackets apart, as its chrome."""
    m = re.fullmatch(r"(【)([^【】]{4,60})(】)", text)
    return list(m.groups()) if m else [text]


def _cut_file_facts(text: str) -> list[str]:
    out, at = [], 0
    for m in _FILE_FACT.finditer(text):
        out += [text[at:m.start()], text[m.start():m.end()]]
        at = m.end()
    return out + [text[at:]]


def _cut_trailing_date(text: str) -> list[str]:
    m = _BRACKETED_DATE.search(text)
    if m and m.start() > 0:
        return [text[:m.start()], text[m.start():]]
    return [text]


def _cut_after_title_end(text: str) -> list[str]:
    """After each occasion word that ends a title, when more text follows (a speaker, or the
    title again)."""
    out, at = [], 0
    for m in re.finditer(rf"[上中时]的{TITLE_END}|{TITLE_END}(?=[^，。、；：“”《》（）()\s精稿范中时上的会]|$)", text):
        if m.end() < len(text) and m.end() - at >= 6:
            out.append(text[at:m.end()])
            at = m.end()
    return out + [text[at:]]


def _title_then_speaker(text: str) -> list[str]:
    """A title and its speaker on one line, above the salutation: …工作报告市城管局党组书记、局长 杜宇."""
    if len(text) > MAX_FRONT_PIECE or is_sentence(text):
        return [text]
    for m in re.finditer(TITLE_END, text):
        rest = text[m.end():].strip()
        if m.end() >= 6 and rest and is_byline(rest) and not re.match(r"[稿词]", rest):
            return [text[:m.end()], rest]
    return [text]


# A short title that names the kind of speech, glued before the addressees it opens with (a
# preview's chunk number 1、 may stand before it): 1、模拟政协发言稿老师们,同学们,大家好,…
_TITLE_BEFORE_ADDRESS = re.compile(
    rf"^([0-9]{{1,2}}、)?([^，。！？：、\s]{{2,24}}?{TITLE_END})(?=(?:尊敬的|亲爱的|各位|老师们|同学们|同志们|女士们|朋友们|家长们)[^：:]{{0,30}}[，,：:])")


def _title_before_address(text: str) -> list[str]:
    m = _TITLE_BEFORE_ADDRESS.match(text)
    if not m or len(text) - m.end() < 20:
        return [text]
    return [p for p in (m.group(1), m.group(2), text[m.end():]) if p]


def _cut_letter_spaced(text: str) -> list[str]:
    """A letter-spaced title and the speaker after it: 我 爱 我 们 的 研 究 会 陈浩元."""
    m = re.fullmatch(r"((?:[\u4e00-\u9fff] ){3,}[\u4e00-\u9fff])\s+([\u4e00-\u9fff]{2,4})", text)
    return [m.group(1), m.group(2)] if m else [text]


def _cut_subtitle(text: str) -> list[str]:
    m = _SUBTITLE_IN.search(text)
    if m and m.start() >= 4:
        return [text[:m.start()], text[m.start():]]
    return [text]


_DATE_THEN_NAME = re.compile(r"^([（(][^（）()]{4,24}[）)])\s*([\u4e00-\u9fff]{2,4}|[xX×]{2,4})$")
_NAME_THEN_DATE = re.compile(r"^([\u4e00-\u9fff]{2,4}|[xX×]{2,4})\s*([（(][^（）()]{4,24}[）)])$")


def _date_and_name(text: str) -> list[str]:
    """A byline line holding the date and the speaker: （2020 年 3 月 10 日）胡和平."""
    m = _DATE_THEN_NAME.match(text) or _NAME_THEN_DATE.match(text)
    if m and re.search("[年月日]", text):
        return [m.group(1), m.group(2)]
    return [text]


# A title complete in itself, glued into a line after a sentence (a 公众号 blurb before it),
# with the speaker and the date in brackets after it, then the body.
_GLUED_TITLE = re.compile(
    rf"(?:^|(?<=[。！？]))(在[^。！？，\s]{{2,40}}?[上中时]的(?:讲话|发言|致辞|报告|主持词))"
    rf"([^。！？，\s（(]{{0,14}}?(?:{OFFICE.pattern.replace('(', '(?:', 1)})[^。！？，\s（(]{{0,4}})?"
    rf"\s*([（(][^（）()]{{4,24}}[）)])?(?=\s|$|[（(]|[\u4e00-\u9fff])")


_TITLE_AT_START = re.compile(r"^([^。！？，\s]{0,12}?在[^。！？，\s]{2,40}?[上中时]的(?:讲话|发言|致辞|报告|主持词))(?=[^，。、的精中时])")


_CITATION = re.compile(r"\[(?:J|M|C|D|N|R|S|P|Z|EB/OL)\]\s*[.．]")  # GB/T 7714's document types


def _around_complete_title(text: str) -> tuple[list[str], bool] | None:
    """The pieces, and whether the title came with its speaker or date (the surest sign)."""
    if _CITATION.search(text):
        return None  # 周慕冰.在…上的讲话[J].重庆市人民政府公报,2006(10).: a reference names the speech
    for m in _GLUED_TITLE.finditer(text):
        if not (m.group(2) or m.group(3)) and m.end() < len(text) and not text[m.end()].isspace():
            continue  # 在…会议上的讲话精神: a sentence that names a speech
        pieces = [text[:m.start()], m.group(1), m.group(2) or "", m.group(3) or "", text[m.end():]]
        pieces = [p.strip() for p in pieces if p and p.strip()]
        if len(pieces) > 1:
            return pieces, bool(m.group(2) or m.group(3))
    m = _TITLE_AT_START.match(text)
    if m and len(text) - m.end() >= 20 and re.search("[，。]", text[m.end():m.end() + 60]):
        return [m.group(1), text[m.end():].strip()], False  # 市长在…会上的讲话这次招商引资督查观摩活动，…
    return None
