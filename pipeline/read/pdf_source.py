"""A PDF's text layer, page by page, by pdfminer.six: it places every character (pypdf's text
visitor reports runs, not characters, so a line whose quotation marks a PDF draws in another
font after the rest came out of order, measured on LibreOffice's PDFs).

Characters on one baseline make a line, left to right; a line that starts further in than the page's
left edge opens a paragraph (an indent). What a page draws but nobody sees — text in render
mode 3, filled white, of no size, or off the page (how document sites hide filler) — is
dropped and recorded. Running heads and page numbers are known by where they stand (the
page's top or bottom band) and by repeating from page to page, not only by their shape.

A PDF with no text layer is a scan: an error that says so, never an empty handout. An
encrypted PDF is read if it opens without a password (most are only protected from
editing), else refused with the reason.
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from io import BytesIO

from ..model import Removal
from .decode import DecodeError
from .patterns import heading_level, is_sentence
from .sources import CENTRED, INDENT, Source

BAND = 0.09  # of the page's height, at the top and the bottom: where running heads and folios stand
MIN_TEXT = 20  # characters in the whole PDF: fewer is a scan (or pictures of text)


@dataclass
class _Line:
    text: str
    x: float  # left edge, from the page's left
    y: float  # baseline, from the page's foot
    right: float  # right edge
    size: float  # the characters' size
    page: int
    page_width: float


def _white(color) -> bool:
    """A fill colour that is white: gray 1, RGB 1 1 1, CMYK 0 0 0 0."""
    if isinstance(color, (int, float)):
        return color >= 0.97
    if isinstance(color, (list, tuple)) and color and all(isinstance(v, (int, float)) for v in color):
        return all(v <= 0.03 for v in color) if len(color) == 4 else all(v >= 0.97 for v in color)
    return False


def _pages(raw: bytes):
    """Per page: its lines (text, left edge, baseline, right edge, size), the rows of what it
    draws unseen, its width and height, and how many pictures it holds. pdfminer gives each
    character with its place, size, colour and render mode; _rows makes the lines."""
    from pdfminer.converter import PDFPageAggregator
    from pdfminer.layout import LTChar, LTFigure, LTImage
    from pdfminer.pdfinterp import PDFPageInterpreter, PDFResourceManager
    from pdfminer.pdfpage import PDFPage

    class Device(PDFPageAggregator):
        """Keeps each character's text render mode (3: invisible), which pdfminer drops: the one
        place this module reaches inside pdfminer (its device's string and character hooks,
        and the page's list of objects), verified with pdfminer.six 20260107 (pyproject pins
        the year). Where a later version moves them, characters are still read, and what is
        white, of no size or off the page is still dropped; only render mode 3 goes unseen."""
        mode = 0

        def render_string(self, textstate, *args, **kwargs):
            self.mode = getattr(textstate, "render", 0)
            return super().render_string(textstate, *args, **kwargs)

        def render_char(self, *args, **kwargs):
            width = super().render_char(*args, **kwargs)
            objs = getattr(self.cur_item, "_objs", None)
            if objs and isinstance(objs[-1], LTChar):
                objs[-1].invisible_mode = self.mode == 3
            return width

    manager = PDFResourceManager()
    device = Device(manager, laparams=None)  # no layout analysis: _rows groups the characters itself
    interpreter = PDFPageInterpreter(manager, device)
    for page in PDFPage.get_pages(BytesIO(raw), password="", check_extractable=False):
        interpreter.process_page(page)
        x0, y0, x1, y1 = page.mediabox
        width, height = x1 - x0, y1 - y0
        shown, gone = [], []
        for ch in _chars(device.get_result(), LTChar):
            off = ch.x1 < x0 - 2 or ch.x0 > x1 + 2 or ch.y1 < y0 - 2 or ch.y0 > y1 + 2
            if getattr(ch, "invisible_mode", False) or _white(ch.graphicstate.ncolor) or ch.size < 0.5 or off:
                gone.append(ch)
            else:
                shown.append(ch)  # spaces too: a text's own spaces part its words (a title from its date)
        lines = []
        for row in _rows(shown):
            ink = [c for c in row if not c.get_text().isspace()]  # where the line's ink starts and ends
            if ink:
                lines.append((_joined(row), ink[0].x0 - x0, ink[0].y0 - y0, ink[-1].x1 - x0, max(c.size for c in ink)))
        hidden = [_joined(row) for row in _rows(gone)]
        pictures = sum(1 for _ in _chars(device.get_result(), (LTImage, LTFigure)))
        yield lines, hidden, width, height, pictures


def _chars(item, kind):
    """Every character of a page's layout, whatever box pdfminer put it in."""
    for obj in item:
        if isinstance(obj, kind):
            yield obj
        elif hasattr(obj, "__iter__"):
            yield from _chars(obj, kind)


def _rows(chars: list) -> list[list]:
    """Characters on one baseline (within a third of their size), left to right; rows top down.
    A quotation mark a PDF draws in another font after the rest still takes its place."""
    rows: list[list] = []
    for ch in sorted(chars, key=lambda c: -c.y0):
        if rows and abs(rows[-1][0].y0 - ch.y0) <= max(1.5, 0.3 * ch.size):
            rows[-1].append(ch)
        else:
            rows.append([ch])
    return [sorted(row, key=lambda c: c.x0) for row in rows]


def _joined(row: list) -> str:
    """A row's characters, with a space where the text draws one or leaves the room of one."""
    out, last = "", None
    for ch in row:
        text = ch.get_text()
        if last is not None and not text.isspace() and ch.x0 - last.x1 > 0.25 * ch.size and out[-1:] != " ":
            out += " "
        out += " " if text.isspace() else text
        last = ch
    return re.sub(" +", " ", out).strip()


_FOLIO = re.compile(r"^[-—–－·\s第]*[0-9０-９]{1,4}[\s页]*(?:/\s*[0-9]{1,4})?[-—–－·\s]*$")


def read_pdf(raw: bytes) -> Source:
    from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect
    from pdfminer.pdfparser import PDFSyntaxError
    from pdfminer.psparser import PSException

    per_page, removed, pictures = [], [], 0
    try:
        for n, (lines, hidden, width, height, images) in enumerate(_pages(raw), 1):
            pictures += images
            per_page.append(([_Line(t, x, y, r, size, n, width) for t, x, y, r, size in lines if t], height))
            removed += [Removal(0, h, f"text the PDF draws invisible on page {n} (hidden filler)") for h in hidden]
    except (PDFPasswordIncorrect, PDFEncryptionError):
        raise DecodeError("an encrypted PDF that needs a password to open: open it, print it to a new PDF "
                          "or save it as Word, and convert that") from None
    except (PDFSyntaxError, PSException, ValueError, KeyError, TypeError, AttributeError, OSError,
            RecursionError, AssertionError) as e:
        raise DecodeError(f"a damaged PDF: it cannot be read ({type(e).__name__})") from None
    if sum(len(l.text) for lines, _ in per_page for l in lines) < MIN_TEXT:
        if not pictures:
            raise DecodeError("no text in this PDF: its pages are blank")
        raise DecodeError("no text layer: this PDF is a scan (pictures of pages); run OCR on it first "
                          "(for example ocrmypdf) or get the Word file")
    text_lines, furniture = _without_running_heads(per_page)
    removed += furniture
    return Source("\n".join(text_lines), "pdf", "pdf", removed)


def _key(text: str) -> str:
    return re.sub(r"[0-9０-９]+", "#", re.sub(r"\s+", "", text))


def _without_running_heads(per_page: list[tuple[list[_Line], float]]) -> tuple[list[str], list[Removal]]:
    """The pages' lines in order, without what stands in the top or bottom band and repeats
    from page to page (a running head or foot, digits aside) or is a page number there; the
    lines that open a paragraph (set in from the page's left edge) keep that indent."""
    banded = Counter()
    for lines, height in per_page:
        for key in {_key(l.text) for l in lines if _in_band(l, height)}:
            banded[key] += 1
    repeated = {k for k, n in banded.items() if n >= 2}
    kept, removed = [], []
    for lines, height in per_page:
        for l in lines:
            if _in_band(l, height):
                folio = _FOLIO.match(l.text) or _own_folio(l)
                if folio or _key(l.text) in repeated and len(per_page) > 1:
                    what = "page number" if _FOLIO.match(l.text) else "running head or foot"
                    removed.append(Removal(0, l.text, f"the PDF's {what} on page {l.page} (by its place)"))
                    continue
            kept.append(l)
    return _paragraphs(kept), removed


def _in_band(line: _Line, height: float) -> bool:
    return line.y > height * (1 - BAND) or line.y < height * BAND


def _own_folio(line: _Line) -> bool:
    """A line in the band that ends with its own page's number (…第1页, 1/3): a running foot,
    known even on a one-page PDF where nothing can repeat."""
    n = line.page
    return bool(re.search(rf"(?:第\s*{n}\s*页|(?<![0-9]){n}\s*/\s*[0-9]{{1,4}}|[-—]\s*{n}\s*[-—])\s*$", line.text))


# What a line break never parts: opening marks from what follows them, closing marks from what
# precedes them, and quotation marks from either side (Unicode's line breaking, LB19, which
# LibreOffice and Word follow): the start of a line that could not have ended the line before.
_UNIT = re.compile(r"^[“‘（《【〔(\[]*.[，。、；：！？”’）》】〕,.;:!?)\]…—]*(?:(?<=[”’])[“‘（《【〔(\[]*.|[“‘]+.)?")


def _at_edge(line: _Line, right: float) -> bool:
    """The line ends at the right edge (within a character: a justified or full line)."""
    return line.right >= right - 1.2 * line.size


def _broken_by_edge(line: _Line, following: _Line, right: float) -> bool:
    """Whether the page's edge broke `line` before `following`: it ends at the edge, or near it
    without ending a sentence, or the first unit of the next line (a character with the marks
    a break never parts from it: 过：“人) would not have fitted in the room left (a ragged edge)."""
    if _at_edge(line, right) or line.right >= right - 2.5 * line.size and not is_sentence(line.text):
        return True
    unit = _UNIT.match(following.text)
    needed = sum(0.5 if ch.isascii() else 1.0 for ch in unit.group(0)) * following.size if unit else 0
    return line.right + needed > right - 0.2 * line.size


def _spacing(lines: list[_Line], right: float) -> tuple[float, float]:
    """The text's line pitch, and how far below a paragraph's last line the next paragraph
    starts: the pitch, or more where the document sets paragraphs apart (a gap of less than
    two lines that recurs after paragraphs' ends)."""
    steps = [(a, a.y - b.y) for a, b in zip(lines, lines[1:]) if a.page == b.page and a.y > b.y]
    if not steps:
        return float("inf"), float("inf")
    pitch = Counter(round(d) for _, d in steps).most_common(1)[0][0]
    ends = [d for a, d in steps if not _at_edge(a, right)]  # after a paragraph's last line
    spaced = [round(d) for d in ends if 1.2 * pitch < d < 1.9 * pitch]
    end_gap = Counter(spaced).most_common(1)[0][0] if len(spaced) >= max(2, 0.2 * len(ends)) else pitch
    return pitch, end_gap


def _paragraphs(lines: list[_Line]) -> list[str]:
    """The lines as the clean stage reads them: a line that opens a paragraph (set in from the
    left edge) keeps a two-character indent, and a line that runs to the right edge is joined
    with the next, which the page's edge broke off (on this page or the next), unless that
    one is set in or stands after a paragraph's gap. What is left unjoined the clean stage
    judges by its text."""
    if not lines:
        return []
    # The text's left edge: where its leftmost lines start, not where most do (in a speech of
    # short paragraphs most lines are first lines, set in).
    lefts = sorted(l.x for l in lines)
    left = lefts[int(0.03 * (len(lefts) - 1))]
    # The text's right edge: as far in from the page's right as its left edge is from the left
    # (margins are set alike), unless most long lines run further (a narrower right margin).
    # Not where most lines end: in a copy whose every line is a short paragraph, none reaches it.
    rights = sorted(l.right for l in lines)
    right = max(lines[0].page_width - left, rights[int(0.9 * (len(rights) - 1))])
    pitch, end_gap = _spacing(lines, right)
    blank_after = end_gap + 0.8 * pitch  # room for one more line past a paragraph's own space
    # a first-line indent is two characters (0.74 cm at least); less is jitter
    set_in = [l.x - left > l.size for l in lines]
    # How this document shows where a paragraph starts: by an indent, or by a space above it.
    # Without either, a full line that ends a sentence may end its paragraph: the clean stage
    # judges it by its text, as a text file's line.
    shows_starts = sum(set_in) >= 2 or end_gap > 1.2 * pitch
    out: list[str] = []
    prev = None
    for l, indented in zip(lines, set_in):
        below = prev is not None and l.page == prev.page and prev.y - l.y
        gap = below and below > blank_after
        # the next line, with no paragraph's space between (a page's break hides that space)
        next_line = prev is not None and (l.page != prev.page or below <= 1.2 * pitch)
        said = shows_starts and (l.page == prev.page or sum(set_in) >= 2) if prev is not None else False
        if next_line and not indented and _broken_by_edge(prev, l, right) and heading_level(l.text) is None \
                and (said or not is_sentence(prev.text)):
            out[-1] += (" " if out[-1][-1:].isascii() and out[-1][-1:].isalnum() and l.text[:1].isascii()
                        and l.text[:1].isalnum() else "") + l.text
        else:
            if gap:
                out.append("")  # a paragraph's gap (or an empty paragraph) is a blank line
            # set in as far from the right edge as from the left: centred (a title)
            centred = l.x - left > 2 * l.size and abs((l.x - left) - (right - l.right)) < 2 * l.size
            out.append((CENTRED if centred else INDENT if indented else "") + l.text)
        prev = l
    return out
