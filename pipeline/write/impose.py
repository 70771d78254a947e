"""Imposition: a typeset PDF's pages arranged on sheets for printing handouts.

API (pure functions on PDF bytes):
    booklet(pdf) -> bytes          a saddle-stitched booklet: print double-sided, flip on the
                                   short edge, fold the stack in the middle, staple
    two_up(pdf) -> bytes           two pages side by side per sheet in reading order, 1|2, 3|4, …
    booklet_sides(n), two_up_sides(n) -> list[(left, right)]   0-based page indexes per sheet
                                   side, None where the slot stays blank

A sheet is the first source page turned landscape (A4 portrait → A4 landscape); every page is
scaled to fit half of it and centred in its half (A4 on half an A4: 1/√2, i.e. A5). The output
keeps the source's document information (title, author, subject, dates) and /Lang; outlines
are dropped, their pages no longer exist as such. Same input, same bytes: pypdf writes no file
ID and no date of its own.
"""
from __future__ import annotations

import io
from collections.abc import Callable

from pypdf import PdfReader, PdfWriter, Transformation
from pypdf.errors import PdfReadError
from pypdf.generic import NameObject, TextStringObject

Side = tuple[int | None, int | None]


def booklet_sides(n: int) -> list[Side]:
    """Sides of a booklet of n pages, padded with blanks to N, a multiple of 4. Sheet i (from the
    outside in) has front [N-1-2i | 2i] and back [2i+1 | N-2-2i]: flipped on the short edge, the
    back's left half lies behind the front's right half, so page 2i+1 follows 2i."""
    total = -(-n // 4) * 4
    sides = []
    for i in range(total // 4):
        sides += [(total - 1 - 2 * i, 2 * i), (2 * i + 1, total - 2 - 2 * i)]
    return [tuple(p if p < n else None for p in side) for side in sides]


def two_up_sides(n: int) -> list[Side]:
    return [(i, i + 1 if i + 1 < n else None) for i in range(0, n, 2)]


def _impose(pdf: bytes, sides_for: Callable[[int], list[Side]], duplex: str | None = None) -> bytes:
    """The sheets sides_for(number of pages) lists, each source page fitted into its half."""
    if b"%PDF-" not in pdf[:1024]:  # else pypdf logs its own warnings to stderr before it fails
        raise ValueError("not a PDF file")
    try:
        reader = PdfReader(io.BytesIO(pdf))
        pages = len(reader.pages)
    except PdfReadError as e:
        raise ValueError(f"not a PDF that can be read: {e}") from None
    if not pages:
        raise ValueError("the PDF has no pages to impose")
    first = reader.pages[0].mediabox
    sheet_w, sheet_h = float(first.height), float(first.width)  # the page turned landscape
    writer = PdfWriter()
    for side in sides_for(len(reader.pages)):
        sheet = writer.add_blank_page(sheet_w, sheet_h)
        for slot, index in enumerate(side):
            if index is None:
                continue
            page = reader.pages[index]
            box = page.mediabox
            w, h = float(box.width), float(box.height)
            scale = min(sheet_w / 2 / w, sheet_h / h)
            x = slot * sheet_w / 2 + (sheet_w / 2 - w * scale) / 2
            y = (sheet_h - h * scale) / 2
            move = Transformation().translate(-float(box.left), -float(box.bottom)).scale(scale).translate(x, y)
            sheet.merge_transformed_page(page, move)
        sheet.compress_content_streams()
    if reader.metadata:  # its text entries: pypdf would turn a name such as /Trapped /False into text
        writer.metadata = {k: v for k, v in reader.metadata.items() if not isinstance(v, NameObject)}
    lang = reader.trailer["/Root"].get("/Lang")
    if lang:
        writer.root_object[NameObject("/Lang")] = TextStringObject(lang)
    if duplex:  # the print dialog's default, so the backs come out the right way up
        writer.create_viewer_preferences().duplex = NameObject(duplex)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def booklet(pdf: bytes) -> bytes:
    """The pages as a booklet of half-size pages; blank padding pages stay blank."""
    return _impose(pdf, booklet_sides, duplex="/DuplexFlipShortEdge")


def two_up(pdf: bytes) -> bytes:
    """Two pages per sheet in reading order; an odd last page leaves the right half empty."""
    return _impose(pdf, two_up_sides)
