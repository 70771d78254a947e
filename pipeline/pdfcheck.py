"""Reading a typeset PDF back as lines, to check it against the layout rules.

`read_lines` asks poppler's `pdftotext -bbox-layout` (any PDF: ours, or one LibreOffice
exported from our .docx) for every text line with its box, in points from the page's
top-left corner. `check` reports what a typesetter would look at: lines per page,
characters per line, lines that start with a closing mark or end with an opening
mark, and how far full lines miss the block's right edge.
"""
from __future__ import annotations

import shutil
import subprocess
import xml.etree.ElementTree as ET
from dataclasses import dataclass

from .profile import MM, Profile
from .render_pdf import NO_END, NO_START

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
    """A summary per page: line count, characters per line, bad line starts/ends, and the
    largest distance between a full line's right end and the block's right edge.
    A line counts as full when it ends within half a body character of the edge. Only lines
    flush with the left edge can be continuation lines, so only they are checked for a
    bad start (an indented or centred line starts a block, and "——" may open a subtitle)."""
    left = profile.page.margin_left_mm * MM
    right = left + profile.page.text_width_mm * MM
    cell = profile.page.text_width_mm * MM / profile.grid.chars_per_line
    report = []
    for page in read_lines(pdf):
        lines = body_lines(page, profile)
        full = [ln for ln in lines if ln.x1 > right - cell / 2]
        report.append({
            "lines": len(lines),
            "chars": [len(ln.chars) for ln in lines],
            "bad_starts": [ln.text for ln in lines if ln.chars[:1] in NO_START and ln.x0 < left + 1],
            "bad_ends": [ln.text for ln in lines if ln.chars[-1:] in NO_END],
            "right_edge_deviation": max((abs(ln.x1 - right) for ln in full), default=0.0),
        })
    return {"pages": report}
