"""Stage 2, clean: raw text to tidy lines, and hard-wrapped lines back to paragraphs.

Two pure functions, run on either side of `strip` (a watermark line inside a
hard-wrapped paragraph must be removed before the paragraph is joined):

- `clean_lines(text)`: line endings, indentation and trailing space, page marks
  and running headers (recorded as removed), ASCII punctuation between Chinese
  characters made full-width. Nothing else is rewritten.
- `join_wrapped(lines)`: lines that a PDF copy broke at a fixed width joined back
  into one paragraph each, without inserting spaces.
"""
from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, replace
from functools import lru_cache

from .model import Removal
from .patterns import CJK, COMPLETE_TITLE, TITLE_WORDS, heading_level, is_byline, is_salutation, is_sentence, is_subtitle

CLOSING_MARKS = "，。、；：？！”’）》〉」』】…—,.;:?!)"  # may not start a line (GB/T 15834)
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


# --- hard wraps -------------------------------------------------------------

@lru_cache(maxsize=4096)  # wrap_width measures each line a dozen ways
def cells(text: str) -> int:
    """Display width: two cells for a wide (Chinese) character, one for a narrow one.
    Quotes, × and … count as wide, as Chinese fonts set them."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WFA" else 1 for ch in text)


@lru_cache(maxsize=4096)
def narrow_cells(text: str) -> int:
    """Display width counting quotes, × and … narrow, as a Western font (or wcwidth) does."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


_FIRST_TOKEN = re.compile(r"[!-~]+|.")  # a run of ASCII that a wrapper never splits, or one character


@dataclass(frozen=True)
class Wrap:
    """How a PDF copy wrapped its lines: at `width`, counted by `measure`.

    Some copies count characters (28 a line, digits included), others display cells
    (a digit is half a Chinese character); `unit` is one character in that measure.
    Whether a copy counted “” as wide or narrow cannot be known, so a line's length
    is a range from `low` (narrow) to `measure` (wide).
    """
    width: int
    measure: Callable[[str], int]
    unit: int
    low: Callable[[str], int] = len

    def is_full(self, text: str, slack: int = 1, indented: bool = False) -> bool:
        """As long as a wrapped line, within `slack` characters; an indented line may have
        had its two characters of indentation counted in the width."""
        extras = (0, 2 * self.unit) if indented else (0,)
        return any(self.low(text) + e - slack * self.unit <= self.width <= self.measure(text) + e + slack * self.unit
                   for e in extras)

    def is_short(self, text: str, by: int = 3) -> bool:
        """Clearly shorter than a wrapped line, however its quotes were counted."""
        return self.measure(text) <= self.width - by * self.unit

    def broke(self, text: str, indented: bool, following: str) -> bool:
        """Whether the page edge broke the line `text`: the first token of `following`
        would not have fitted after it. A line longer than the page was never wrapped."""
        if self.low(text) > self.width + 2 * self.unit:
            return False
        room = self.width - (2 * self.unit if indented else 0)  # an indented first line holds less
        token = _FIRST_TOKEN.match(following)
        needed = self.measure(text) + self.measure(token.group(0) if token else "")
        if needed > room:
            return True
        # One unit of slack, for wrappers that carry a character down rather than start a line
        # with a closing mark; but a full stop one unit short of the edge ends its paragraph.
        return needed > room - self.unit and not (is_sentence(text) and following[1:2] not in CLOSING_MARKS)


def wrap_width(lines: list[Line]) -> Wrap | None:
    """How the text was hard-wrapped, or None when it was not.

    Wrapped text has many lines of (nearly) the same length, the width of the page it
    was copied from; natural paragraphs vary widely in length. Indented lines are left
    out: they open paragraphs and are shorter by their stripped indentation. Both
    measures are tried, and the one under which more lines agree wins.
    """
    texts = [l.text for l in lines if len(l.text) >= 10 and not l.indented]
    indented = [l.text for l in lines if len(l.text) >= 10 and l.indented]
    every = texts + indented
    if len(every) < 6:
        return None
    best = None
    # Indented lines open paragraphs: a copy counted their indentation in the width, or not.
    for measure, low, unit in ((len, len, 1), (cells, narrow_cells, 2)):
        for indent in (None, 0, 2 * unit):  # None: leave indented lines out
            sample = [(t, 0) for t in texts] + ([] if indent is None else [(t, indent) for t in indented])
            if len(sample) < 6:
                continue
            lengths = [measure(t) + e for t, e in sample]
            width, _ = Counter(lengths).most_common(1)[0]
            # A line agrees with the width however its quotes were counted (wide or narrow).
            near = sum(1 for (t, e), n in zip(sample, lengths)
                       if abs(n - width) <= unit or abs(low(t) + e - width) <= unit)
            longer = sum(1 for t in every if low(t) > width + 2 * unit)
            # Many lines end at the page edge, and hardly any line, indented or not, runs past it.
            if (near >= max(4, 0.25 * len(sample)) and longer <= max(2, 0.15 * len(every))
                    and 12 * unit <= width <= 80 * unit and (best is None or near > best[0])):
                best = (near, Wrap(width, measure, unit, low))
    return best[1] if best else None


def join_wrapped(lines: list[Line]) -> list[Line]:
    """Join lines that continue the line before them into paragraphs; other lines pass through.

    Punctuation is fixed again on a joined paragraph: a comma or bracket at a line
    break only now has its Chinese neighbours on both sides.
    """
    wrap = wrap_width(lines)
    uses_indent = sum(l.indented for l in lines) >= 2
    out: list[Line] = []
    last = None  # the last physical line joined into out[-1]
    for line in lines:
        if out and _continues(last, line, wrap, uses_indent, out[-1]):
            out[-1] = replace(out[-1], text=fix_punctuation(out[-1].text + line.text))
        else:
            out.append(line)
        last = line
    return out


def _continues(last: Line, line: Line, wrap: Wrap | None, uses_indent: bool, prev: Line) -> bool:
    """Whether `line` continues the paragraph `prev`, whose last physical line was `last`."""
    if uses_indent and line.indented:
        return False
    if is_salutation(line.text) or is_subtitle(line.text):
        return False
    # Front matter is complete on its line: nothing continues a subtitle or a whole title.
    if is_subtitle(prev.text) or COMPLETE_TITLE.search(prev.text) or is_byline(prev.text) and prev is last:
        return False
    # After a full stop, an enumerated line opens a paragraph, unless the file marks
    # paragraph starts by indentation and this one is not indented (a wrapped "2.…。")
    if is_sentence(prev.text) and heading_level(line.text) is not None and (
            not uses_indent or "。" not in line.text):
        return False
    if wrap is None:
        # Not hard-wrapped, but a page break can still cut a paragraph mid-sentence.
        return (line.after_break and len(last.text) >= 20 and not is_sentence(last.text)
                and heading_level(last.text) is None and not last.text.endswith(("：", ":")))
    if line.blank_before and not (line.after_break or line.after_removed):
        return False
    return wrap.broke(last.text, last.indented and prev is last, line.text)
