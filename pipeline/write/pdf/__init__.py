"""The PDF writer: a speech set on the GB/T 9704-2012 grid with reportlab.

    layout.py   the plan's blocks broken into lines and placed on the grid (no reportlab)
    fonts.py    installed faces, prepared and registered with reportlab, in fallback chains
    draw.py     the pages on reportlab's canvas: text, outline, metadata, embedded subsets
    fast.py     what is done inside reportlab, for speed, on the versions it was verified on

reportlab's Paragraph is not used: its CJK wrapping ignores the GB/T 15834 line-breaking
rules, its justification only stretches spaces, and its markup would interpret `<b>` and `&`
in a speech. A Typesetter (write/typesetter.py) holds the fonts and the layout's tokens from
one speech to the next, and puts the stages together.

This module imports no reportlab: a process given a TypesetPdf (typeset in a worker process)
need not import it to unpickle one.
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass
class TypesetPdf:
    """What the PDF writer hands back: the PDF, and what the report and the warnings need."""
    data: bytes
    pages: int
    fonts: list[str]  # families of the fonts drawn with
    missing: list[str]  # characters no font has, drawn as REPLACEMENT, in order of appearance
