"""Stage 2, clean: raw text to tidy lines.

`clean_lines(text)`: line endings, indentation and trailing space, page marks and
running headers (recorded as removed), ASCII punctuation between Chinese characters
made full-width. Nothing else is rewritten. Joining hard-wrapped lines back into
paragraphs is `unwrap`'s job, after `strip`.
"""
from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, replace

from ..model import Removal
from .patterns import TITLE_WORDS, is_byline, is_salutation, is_sentence, is_subtitle

INDENT = " \t\u3000\u00a0\u2002\u2003"  # what a paragraph's indentation is made of
BULLETS = "·•‧∙・●"  # a list's bullets a copy left before a line: stripped like indentation
INVISIBLE = "\u200b\u200c\u200d\u2060\ufeff"  # zero-width characters left at line ends by copying
CENTRED_INDENT = 6  # spaces before a line: more than a paragraph's indentation


@dataclass(frozen=True)
class Line:
    no: int  # 1-based line number in the decoded text (first line of a joined paragraph)
    text: str  # without indentation or trailing whitespace
    indented: bool = False  # the raw line started with indentation
    blank_before: bool = False  # a blank line (or the start of the file) precedes it
    after_break: bool = False  # a removed page mark or running header stands right before it
    before_break: bool = False  # a page mark stands right after it
    after_removed: bool = False  # a removed promotion or watermark line stands right before it
    role: str | None = None  # front matter the strip stage found: title, subtitle, byline, salutation
    centred: bool = False  # set far in from the left, as a flip-book or PDF copy centres a title


# Page marks a PDF copy leaves between pages: "- 3 -", "—3—", "第 2 页 共 7 页", "Page 3 of 9", "3/9", "3".
# Page marks a PDF copy leaves between pages: "- 3 -", "—3—", "- 3 / 12 -", "第 2 页 共 7 页",
# "Page 3 of 9", "3/9", "·3·"; bare numbers are judged apart (_bare_page_numbers).
_N = r"[0-9０-９]{1,4}"
_PAGE = rf"{_N}(?:\s*(?:/|／|of)\s*{_N})?"  # a page number, perhaps with the total
PAGE_MARK = re.compile(
    rf"^(?:[-－—–─]+\s*{_PAGE}\s*[-－—–─]+"
    rf"|[·•]\s*{_PAGE}\s*[·•]"
    rf"|第\s*{_N}\s*页(?:\s*[，,/／]?\s*共\s*{_N}\s*页)?"
    rf"|共\s*{_N}\s*页\s*[，,]?\s*第\s*{_N}\s*页"
    rf"|(?:page|p\.)\s*{_PAGE}"
    rf"|{_N}\s*(?:/|／)\s*{_N})$", re.IGNORECASE)

# ASCII punctuation next to a Chinese character or a full-width mark, on either side,
# becomes full-width (document-model.md); between two digits it stays (1,000, 10:30, ××,×××).
FULL_WIDTH = {",": "，", ":": "：", ";": "；", "?": "？", "!": "！", "(": "（", ")": "）"}
_ASCII_MARKS = frozenset(FULL_WIDTH)
_WIDE_MARKS = frozenset("‘’“”…—×·")  # set full width in Chinese text, though Unicode calls them ambiguous


def _chinese(ch: str) -> bool:
    """A Chinese character or a full-width mark: what makes a neighbouring ASCII mark Chinese punctuation."""
    return ch in _WIDE_MARKS or (ch > "⹿" and unicodedata.east_asian_width(ch) in "WF" and not ch.isalnum()
                                 or "㐀" <= ch <= "鿿" or "豈" <= ch <= "﫿" or ch >= "𠀀")


def _digit(ch: str) -> bool:
    """A digit, or × standing for one (××,×××名师生: a thousands separator between placeholders)."""
    return ch.isdigit() or ch == "×"


def _neighbours(text: str, i: int, j: int) -> tuple[str, str]:
    """The characters left of text[i] and right of text[j], spaces skipped."""
    k, m = i - 1, j + 1
    while k >= 0 and text[k] in " \t":
        k -= 1
    while m < len(text) and text[m] in " \t":
        m += 1
    return (text[k] if k >= 0 else ""), (text[m] if m < len(text) else "")


def fix_punctuation(text: str) -> str:
    """ASCII , : ; ? ! ( ) next to Chinese text made full-width (document-model.md): a bracket
    pair together, when either bracket has a Chinese neighbour or it encloses Chinese text.
    A run of marks goes whole, each one next to the one made full-width before it (彩虹?? → 彩虹？？)."""
    while not _ASCII_MARKS.isdisjoint(text):
        fixed = _fix_punctuation_once(text)
        if fixed == text:
            break
        text = fixed
    return text


def _fix_punctuation_once(text: str) -> str:
    out = list(text)
    stack: list[int] = []
    pairs: dict[int, int] = {}
    for i, ch in enumerate(text):
        if ch == "(":
            stack.append(i)
        elif ch == ")" and stack:
            pairs[stack.pop()] = i
    closing = {j for j in pairs.values()}
    for i, j in pairs.items():
        (before, first), (last, after) = _neighbours(text, i, i), _neighbours(text, j, j)
        if any(map(_chinese, (before, first, last, after))) or any(map(_chinese, text[i + 1:j])):
            out[i], out[j] = "（", "）"
    for i, ch in enumerate(text):
        if ch not in _ASCII_MARKS or i in pairs or i in closing:
            continue
        left, right = _neighbours(text, i, i)
        if _digit(left) and _digit(right) or not (_chinese(left) or _chinese(right)):
            continue
        out[i] = FULL_WIDTH[ch]
        k = i - 1  # the spaces a copy left before the mark go with it: 同志们 : → 同志们：
        while ch not in "(" and k >= 0 and out[k] in " \t":
            out[k] = ""
            k -= 1
    return "".join(out)


def clean_lines(text: str) -> tuple[list[Line], list[Removal]]:
    """Tidy every line; drop blank lines, page marks and running headers (the latter two recorded)."""
    # str.splitlines: every Unicode line boundary (CR, LF, CRLF, form feed, U+2028 …),
    # so line numbers agree with any other tool that reads the file as lines.
    raw = text.removeprefix("\ufeff").splitlines()
    bare_pages = _bare_page_numbers(raw)
    gap = _line_gap(raw)
    lines: list[Line] = []
    removed: list[Removal] = []
    blanks = gap + 1  # the start of the file counts as a paragraph break
    broke = False
    for no, original in enumerate(raw, 1):
        content = original.strip().strip(INVISIBLE).strip()
        if content[:1] in BULLETS and len(content) > 2 and "\u4e00" <= content.lstrip(BULLETS + INDENT).lstrip("“‘《（(【「")[:1] <= "\u9fff":
            content = content.lstrip(BULLETS + INDENT)
        if not content:
            blanks += 1
            continue
        if _is_page_mark(content, no - 1, bare_pages):
            removed.append(Removal(no, content, "page mark"))
            if lines and not broke:
                lines[-1] = replace(lines[-1], before_break=True)
            broke = True
            continue
        lead = len(original) - len(original.lstrip(INDENT + INVISIBLE))
        # ASCII punctuation is made full-width after noise is cut (segments.cut_noise): a forum's
        # jammer holds ASCII marks too, which must go with it.
        lines.append(Line(no, content, original[:1] in INDENT, blanks > gap, broke,
                          centred=lead >= CENTRED_INDENT))
        blanks = 0
        broke = False
    lines = _cut_preview_page_numbers(lines, removed)
    return _drop_running_headers(lines, removed)


_PREVIEW_PAGE = re.compile(r"^([0-9]{1,3})、")
MIN_PREVIEW_PAGE = 80  # characters: a document preview's page is a long line


def _cut_preview_page_numbers(lines: list[Line], removed: list[Removal]) -> list[Line]:
    """Document-sharing previews number their pages at the start of each page's text (1、读书…
    / 2、软实力的…), where a page may start mid-sentence. Such numbers count up from the first,
    on long lines, and at least one of them cuts a sentence: they are page marks."""
    numbered = [(i, int(m.group(1))) for i, l in enumerate(lines) if (m := _PREVIEW_PAGE.match(l.text))
                and len(l.text) >= MIN_PREVIEW_PAGE]
    if len(numbered) < 2 or any(b[1] != a[1] + 1 for a, b in zip(numbered, numbered[1:])):
        return lines
    if not any(i > 0 and not is_sentence(lines[i - 1].text) for i, _ in numbered[1:]):
        return lines
    out = list(lines)
    for i, n in numbered:
        mark = f"{n}、"
        removed.append(Removal(lines[i].no, mark, "page mark (a preview's page number)"))
        out[i] = replace(lines[i], text=lines[i].text[len(mark):], after_break=i > 0)
    removed.sort(key=lambda r: r.line)
    return out


def _line_gap(raw: list[str]) -> int:
    """Blank lines a double-spaced copy puts between the lines of one paragraph (else 0).

    A copy is double-spaced when most lines are one blank line apart and paragraphs
    stand further apart (two or more): then only the wider gap breaks a paragraph.
    """
    gaps, run = [], 0
    for line in raw:
        if line.strip():
            gaps.append(run)
            run = 0
        else:
            run += 1
    gaps = gaps[1:]  # the first line's gap is the top of the file
    singles = sum(1 for g in gaps if g == 1)
    wider = sum(1 for g in gaps if g >= 2)
    adjacent = sum(1 for g in gaps if g == 0)  # a double-spaced copy has hardly any
    return 1 if gaps and singles >= 0.4 * len(gaps) and wider >= 3 and adjacent <= 0.1 * len(gaps) else 0


BARE_NUMBER = re.compile(r"[0-9]{1,3}")
MIN_PAGE_LINES = 10  # a page holds at least this many lines of a PDF copy


def _bare_page_numbers(raw: list[str]) -> set[int]:
    """Indexes of lines that are bare page numbers ("3" alone between two pages).

    A bare number is a page number only as one of a sequence: counting up by one,
    a page's worth of lines apart. Numbers in a list, years on a timeline (2024 /
    2025) and a lone count do not qualify.
    """
    numbers = [(i, int(line.strip())) for i, line in enumerate(raw) if BARE_NUMBER.fullmatch(line.strip())]
    if not numbers:
        return set()
    steps = list(zip(numbers, numbers[1:]))
    sequence = all(b[1] == a[1] + 1 and b[0] - a[0] >= MIN_PAGE_LINES for a, b in steps)
    first_line, first_value = numbers[0]
    plausible = first_value <= 3 and first_line >= MIN_PAGE_LINES
    return {i for i, _ in numbers} if sequence and plausible else set()


def _is_page_mark(content: str, i: int, bare_pages: set[int]) -> bool:
    """A page mark: one of PAGE_MARK's forms, or a bare number of the page sequence."""
    if BARE_NUMBER.fullmatch(content):
        return i in bare_pages
    return bool(PAGE_MARK.match(content))


def _drop_running_headers(lines: list[Line], removed: list[Removal]) -> tuple[list[Line], list[Removal]]:
    """A line that stands at two or more page breaks is a running header (or footer).

    All its occurrences go, except the first when it is the title itself (a title
    repeated at the top of every page); a unit name printed above the title goes too.
    """
    at_breaks = Counter(l.text for l in lines if l.after_break or l.before_break)
    headers = {t for t, n in at_breaks.items() if n >= 2 and len(t) <= 40 and not is_sentence(t)}
    if not headers:
        return lines, removed
    first = {}
    for i, line in enumerate(lines):
        first.setdefault(line.text, i)
    out: list[Line] = []
    broke = False
    for i, line in enumerate(lines):
        following = lines[i + 1].text if i + 1 < len(lines) else ""
        is_title = first[line.text] == i and not line.after_break and (
            TITLE_WORDS.search(line.text) or is_subtitle(following) or is_byline(following) or is_salutation(following))
        if line.text in headers and not is_title:
            removed.append(Removal(line.no, line.text, "running header"))
            broke = True
            if out and line.before_break:
                out[-1] = replace(out[-1], before_break=True)
            continue
        out.append(replace(line, after_break=True) if broke else line)
        broke = False
    removed.sort(key=lambda r: r.line)
    return out, removed
