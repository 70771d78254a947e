"""Stage 2, clean: raw text to tidy lines.

`clean_lines(text)`: line endings, indentation and trailing space, page marks and
running headers (recorded as removed), ASCII punctuation between Chinese characters
made full-width. Nothing else is rewritten. Joining hard-wrapped lines back into
paragraphs is `unwrap`'s job, after `strip`.
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, replace
from functools import lru_cache

from ..model import Removal
from .patterns import CJK, TITLE_WORDS, is_byline, is_salutation, is_sentence, is_subtitle

from ..chars import NO_LINE_START as CLOSING_MARKS  # may not start a line (GB/T 15834)
INDENT = " \t\u3000\u00a0\u2002\u2003"  # what a paragraph's indentation is made of
INVISIBLE = "\u200b\u200c\u200d\u2060\ufeff"  # zero-width characters left at line ends by copying


@dataclass(frozen=True)
class Line:
    no: int  # 1-based line number in the decoded text (first line of a joined paragraph)
    text: str  # without indentation or trailing whitespace
    indented: bool = False  # the raw line started with indentation
    blank_before: bool = False  # a blank line (or the start of the file) precedes it
    after_break: bool = False  # a removed page mark or running header stands right before it
    before_break: bool = False  # a page mark stands right after it
    after_removed: bool = False  # a removed promotion or watermark line stands right before it


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

# ASCII punctuation with a Chinese character (or full-width mark) on its left, or,
# for an opening bracket, on its right. Nothing else is touched.
FULL_WIDTH = {",": "，", ":": "：", ";": "；", "?": "？", "!": "！", "(": "（", ")": "）"}
_ASCII_MARKS = frozenset(FULL_WIDTH)


@lru_cache(maxsize=1)
def _punctuation_patterns() -> tuple[re.Pattern, ...]:
    """Compiled when a speech first has ASCII punctuation: their classes of Chinese characters
    take 10 ms to compile, on every cold start, and many speeches have none."""
    return (re.compile(rf"(?<=[{CJK}])\s*([,:;?!])(?=\s*(?:[{CJK}]|$))"),  # after a Chinese character
            re.compile(rf"^\(([0-9０-９]{{1,3}})\)(?=[{CJK}])"),  # an enumerator opening Chinese text
            re.compile(rf"\(([^()]*[{CJK}][^()]*)\)"),  # a pair enclosing Chinese text
            re.compile(rf"(?<=[{CJK}])[()](?=[{CJK}])"))  # a lone bracket between Chinese characters


def fix_punctuation(text: str) -> str:
    """ASCII , : ; ? ! ( ) between Chinese characters made full-width (document-model.md)."""
    if _ASCII_MARKS.isdisjoint(text):
        return text
    after_cjk, enumerator, pair, lone = _punctuation_patterns()
    text = after_cjk.sub(lambda m: FULL_WIDTH[m.group(1)], text)
    # An enumerator in brackets opening Chinese text is a heading's or lead's: (1)强化 → （1）强化
    text = enumerator.sub(lambda m: "（" + m.group(1) + "）", text)
    # A bracket pair is made full-width when it encloses Chinese text: (一), (2024年3月12日)
    text = pair.sub(lambda m: "（" + m.group(1) + "）", text)
    # A lone bracket between Chinese characters: （三)持续, 各县(市、区）
    return lone.sub(lambda m: FULL_WIDTH[m.group(0)], text)


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
        if not content:
            blanks += 1
            continue
        if _is_page_mark(content, no - 1, bare_pages):
            removed.append(Removal(no, content, "page mark"))
            if lines and not broke:
                lines[-1] = replace(lines[-1], before_break=True)
            broke = True
            continue
        lines.append(Line(no, fix_punctuation(content), original[:1] in INDENT, blanks > gap, broke))
        blanks = 0
        broke = False
    return _drop_running_headers(lines, removed)


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
