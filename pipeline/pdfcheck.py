"""Reading a typeset PDF back as lines, to check it against the layout rules.

`read_lines` asks poppler's `pdftotext -bbox-layout` (any PDF: ours, or one LibreOffice
exported from our .docx) for every text line with its box, in points from the page's
top-left corner. `check` reports what a typesetter would look at: lines per page,
characters per line, lines that start with a closing mark or end with an opening
mark, and how far full lines miss the block's right edge.
"""
from __future__ import annotations

import math
import shutil
import subprocess
import xml.etree.ElementTree as ET
from dataclasses import dataclass

from .typeset.profile import MM, Profile
from .chars import NO_LINE_END, NO_LINE_START

_NS = "{http://www.w3.org/1999/xhtml}"


@dataclass(frozen=True)
class Line:
    """One text line: its words joined by single spaces, and its box (points, y downwards)."""
    text: str
    x0: float
    x1: float
    top: float
    bottom: float

    @property
    def chars(self) -> str:
        """The line's characters without spaces."""
        return self.text.replace(" ", "")


def read_lines(pdf: bytes) -> list[list[Line]]:
    """Per page, the text lines top to bottom (poppler's reading order within equal tops)."""
    exe = shutil.which("pdftotext")
    if not exe:
        raise RuntimeError("pdftotext (poppler-utils) is needed to read PDF lines")
    out = subprocess.run([exe, "-bbox-layout", "-", "-"], input=pdf, capture_output=True, check=True).stdout
    root = ET.fromstring(out)
    pages = []
    for page in root.iter(f"{_NS}page"):
        lines = []
        for line in page.iter(f"{_NS}line"):
            words = [w.text or "" for w in line.iter(f"{_NS}word")]
            box = [float(line.get(k)) for k in ("xMin", "xMax", "yMin", "yMax")]
            lines.append(Line(" ".join(words), *box))
        pages.append(sorted(lines, key=lambda ln: (round(ln.top, 1), ln.x0)))
    return pages


def body_lines(page: list[Line], profile: Profile) -> list[Line]:
    """The lines inside the text block (so not the page number under it)."""
    bottom = (profile.page.margin_top_mm + profile.page.text_height_mm) * MM
    return [ln for ln in page if ln.bottom <= bottom + 1]


def check(pdf: bytes, profile: Profile) -> dict:
    """A summary per page: line count, the grid row of each line, characters per line (and
    how many a full line should hold after its indent), bad line starts/ends, and the
    largest distance between a full line's right end and the block's right edge.

    A line is full when the line after it (on this page or the next) carries on its
    paragraph, starting flush with the block's left edge; a paragraph's last line is
    not. Title lines, set larger than the body, are left out of that. Only lines flush
    with the left edge can be continuation lines, so only they are checked for a bad
    start, and only when the line before them is full (so it carries on a paragraph): an
    indented or centred line starts a block, and "——" may open a subtitle."""
    left = profile.page.margin_left_mm * MM
    right = left + profile.page.text_width_mm * MM
    top = profile.page.margin_top_mm * MM
    cell = profile.page.text_width_mm * MM / profile.grid.chars_per_line
    pitch = profile.grid.line_pitch_pt
    pages = [body_lines(page, profile) for page in read_lines(pdf)]
    flat = [ln for lines in pages for ln in lines]
    tall = {id(ln): ln.bottom - ln.top > 1.2 * profile.body.size_pt for ln in flat}
    def on_grid(ln):  # starts flush left or at a paragraph's two-character indent, not centred
        return any(abs(ln.x0 - (left + k * cell)) < 1 for k in (0, 2))

    full = {id(ln): not tall[id(ln)] and on_grid(ln) and nxt.x0 < left + 1 and not tall[id(nxt)]
            for ln, nxt in zip(flat, flat[1:])}
    report = []
    for lines in pages:
        report.append({
            "lines": len(lines),
            "rows": [math.floor((ln.top - top) / pitch) for ln in lines],  # grid line each text line sits on
            "texts": [ln.chars for ln in lines],
            "chars": [len(ln.chars) for ln in lines],
            "full": [full.get(id(ln), False) for ln in lines],
            "tall": [tall[id(ln)] for ln in lines],  # title lines
            "room": [profile.grid.chars_per_line - round((ln.x0 - left) / cell) for ln in lines],
            "bad_starts": [ln.text for ln, prev in zip(lines, [None] + lines[:-1])
                           if ln.chars[:1] and ln.chars[0] in NO_LINE_START and ln.x0 < left + 1 and (prev is None or full.get(id(prev)))],
            "bad_ends": [ln.text for ln in lines if ln.chars[-1:] and ln.chars[-1] in NO_LINE_END],
            "right_edge_deviation": max((abs(ln.x1 - right) for ln in lines if full.get(id(ln))), default=0.0),
        })
    return {"pages": report}
