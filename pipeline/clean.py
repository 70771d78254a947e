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
from collections import Counter
from dataclasses import dataclass, replace
from statistics import median

from .model import Removal
from .patterns import CJK, heading_level, is_sentence

INDENT = " \t\u3000\u00a0\u2002\u2003"  # what a paragraph's indentation is made of
INVISIBLE = "\u200b\u200c\u200d\u2060\ufeff"  # zero-width characters left at line ends by copying


@dataclass(frozen=True)
class Line:
    no: int  # 1-based line number in the decoded text (first line of a joined paragraph)
    text: str  # without indentation or trailing whitespace
    indented: bool = False  # the raw line started with indentation
    blank_before: bool = False  # a blank line (or the start of the file) precedes it
    after_break: bool = False  # a removed page mark or running header stands right before it


# Page marks a PDF copy leaves between pages: "- 3 -", "—3—", "第 2 页 共 7 页", "Page 3 of 9", "3/9", "3".
PAGE_MARK = re.compile(
    r"^(?:[-－—–─]+\s*[0-9０-９]{1,4}\s*[-－—–─]+"
    r"|第\s*[0-9０-９]{1,4}\s*页(?:\s*[，,/]?\s*共\s*[0-9０-９]{1,4}\s*页)?"
    r"|共\s*[0-9０-９]{1,4}\s*页\s*第\s*[0-9０-９]{1,4}\s*页"
    r"|(?:page|p\.)\s*[0-9]{1,4}(?:\s*(?:of|/)\s*[0-9]{1,4})?"
    r"|[0-9]{1,4}\s*/\s*[0-9]{1,4}"
    r"|[0-9]{1,4})$", re.IGNORECASE)

# ASCII punctuation with a Chinese character (or full-width mark) on its left, or,
# for an opening bracket, on its right. Nothing else is touched.
FULL_WIDTH = {",": "，", ":": "：", ";": "；", "?": "？", "!": "！", "(": "（", ")": "）"}
_AFTER_CJK = re.compile(rf"(?<=[{CJK}])\s*([,:;?!])(?=\s*(?:[{CJK}]|$))")
_PAREN_PAIR = re.compile(rf"\(([^()]*[{CJK}][^()]*)\)")


def fix_punctuation(text: str) -> str:
    """ASCII , : ; ? ! ( ) between Chinese characters made full-width (document-model.md)."""
    text = _AFTER_CJK.sub(lambda m: FULL_WIDTH[m.group(1)], text)
    # A bracket pair is made full-width when it encloses Chinese text: (一), (2024年3月12日)
    return _PAREN_PAIR.sub(lambda m: "（" + m.group(1) + "）", text)


def clean_lines(text: str) -> tuple[list[Line], list[Removal]]:
    """Tidy every line; drop blank lines, page marks and running headers (the latter two recorded)."""
    # str.splitlines: every Unicode line boundary (CR, LF, CRLF, form feed, U+2028 …),
    # so line numbers agree with any other tool that reads the file as lines.
    raw = text.removeprefix("\ufeff").splitlines()
    lines: list[Line] = []
    removed: list[Removal] = []
    blank = True
    broke = False
    for no, original in enumerate(raw, 1):
        content = original.strip().strip(INVISIBLE).strip()
        if not content:
            blank = True
            continue
        if _is_page_mark(content, raw, no - 1):
            removed.append(Removal(no, content, "page mark"))
            broke = True
            continue
        lines.append(Line(no, fix_punctuation(content), original[:1] in INDENT, blank, broke))
        blank = broke = False
    return _drop_running_headers(lines, removed)


def _is_page_mark(content: str, raw: list[str], i: int) -> bool:
    """A page mark; a bare number counts only where it stands alone between pages, not in a list."""
    if not PAGE_MARK.match(content):
        return False
    if not re.fullmatch(r"[0-9]{1,4}", content):
        return True
    # A bare number: a page mark only when its neighbours are text, not more numbers.
    neighbours = [raw[j].strip() for j in (i - 1, i + 1) if 0 <= j < len(raw)]
    return not any(re.fullmatch(r"[0-9]{1,4}", n) for n in neighbours)


def _drop_running_headers(lines: list[Line], removed: list[Removal]) -> tuple[list[Line], list[Removal]]:
    """A line that stands right after two or more page breaks is a running header (or footer).

    Only its occurrences at page breaks go: a title repeated as a running header
    keeps its first occurrence, the title itself.
    """
    at_breaks = Counter(l.text for l in lines if l.after_break)
    headers = {t for t, n in at_breaks.items() if n >= 2 and len(t) <= 40}
    if not headers:
        return lines, removed
    out: list[Line] = []
    broke = False
    for line in lines:
        if line.after_break and line.text in headers:
            removed.append(Removal(line.no, line.text, "running header"))
            broke = True
            continue
        out.append(replace(line, after_break=True) if broke else line)
        broke = False
    removed.sort(key=lambda r: r.line)
    return out, removed


# --- hard wraps -------------------------------------------------------------

def wrap_width(lines: list[Line]) -> int | None:
    """The width a PDF copy wrapped its lines at, or None when the text is not hard-wrapped.

    Wrapped text has many lines of (nearly) the same length, the width of the page it
    was copied from; natural paragraphs vary widely in length.
    """
    lengths = [len(l.text) for l in lines if len(l.text) >= 10]
    if len(lengths) < 6:
        return None
    width, count = Counter(lengths).most_common(1)[0]
    near = sum(1 for n in lengths if abs(n - width) <= 1)
    # Take the mode's neighbourhood: a width of 28 ± 1 (digits make lines a little longer).
    if near >= 0.4 * len(lengths) and 12 <= width <= 80:
        return round(median(n for n in lengths if abs(n - width) <= 1))
    return None


def join_wrapped(lines: list[Line]) -> list[Line]:
    """Join lines that continue the line before them into paragraphs; other lines pass through."""
    width = wrap_width(lines)
    if width is None:
        return list(lines)
    uses_indent = sum(l.indented for l in lines) >= 2
    out: list[Line] = []
    last_len = 0  # length of the last physical line joined into out[-1]
    for line in lines:
        if out and _continues(last_len, line, width, uses_indent, out[-1]):
            out[-1] = replace(out[-1], text=out[-1].text + line.text)
        else:
            out.append(line)
        last_len = len(line.text)
    return out


def _continues(last_len: int, line: Line, width: int, uses_indent: bool, prev: Line) -> bool:
    """Whether `line` continues the paragraph `prev`, whose last physical line was `last_len` long."""
    if line.blank_before and not line.after_break:
        return False
    if uses_indent and line.indented:
        return False
    # The line before must have been broken by the page edge: about the wrap width
    # long (a paragraph's first line is shorter by its stripped indentation), and not
    # longer than the page (a line that was never wrapped, such as a long heading).
    if not width - 3 <= last_len <= width + 2:
        return False
    if heading_level(line.text) is not None and is_sentence(prev.text):
        return False
    return True
