"""Imposition: which source page lands where on which sheet, read back from the PDF."""
from __future__ import annotations

import io
import math
import re
import shutil
import subprocess

import pytest
from pypdf import PdfReader
from reportlab.lib.pagesizes import A4, letter
from reportlab.pdfgen.canvas import Canvas

from pipeline.write.impose import booklet, booklet_sides, two_up, two_up_sides
from pipeline.write.typesetter import render_pdf

from conftest import make_document

COUNTS = (1, 2, 3, 4, 5, 8, 9)


def numbered(n: int, size=A4) -> bytes:
    """n pages, each showing its own number big in the middle; with a title and /Lang."""
    buf = io.BytesIO()
    c = Canvas(buf, pagesize=size, invariant=1, lang="zh-CN")
    c.setTitle("讲话")
    for k in range(1, n + 1):
        c.setFont("Helvetica", 120)
        c.drawString(size[0] / 2, size[1] / 2, str(k))  # the text origin marks the page's centre
        c.showPage()
    c.save()
    return buf.getvalue()


def placed(page) -> list[tuple[float, float, str]]:
    """The page's text pieces with their position on the sheet (x, y of the text origin)."""
    found = []

    def visit(text, cm, tm, font, size):
        if text.strip():
            x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
            y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
            found.append((x, y, text.strip()))

    page.extract_text(visitor_text=visit)
    return found


def sides_of(pdf: bytes) -> list[tuple[int | None, int | None]]:
    """Per output page: the number drawn in its left half and in its right half (None: blank)."""
    out = []
    for page in PdfReader(io.BytesIO(pdf)).pages:
        half = float(page.mediabox.width) / 2
        halves = [None, None]
        for x, _, text in placed(page):
            assert halves[x >= half] is None, "two pages in one half"
            halves[x >= half] = int(text)
        out.append(tuple(halves))
    return out


def folded(sides: list) -> list:
    """Reading order of a printed, flipped-on-the-short-edge, folded stack of sheets
    (sides alternate front, back; the first sheet outermost): outer to inner the front's right
    half then the back's left half (behind it), then inner to outer the back's right half and
    the front's left half."""
    sheets = list(zip(sides[::2], sides[1::2]))
    first = [p for front, back in sheets for p in (front[1], back[0])]
    second = [p for front, back in reversed(sheets) for p in (back[1], front[0])]
    return first + second


@pytest.mark.parametrize("n", COUNTS)
def test_booklet_folds_into_reading_order(n):
    sides = sides_of(booklet(numbered(n)))
    assert len(sides) == math.ceil(n / 4) * 2
    total = len(sides) * 2
    assert folded(sides) == list(range(1, n + 1)) + [None] * (total - n)  # blanks at the end


@pytest.mark.parametrize("n", range(1, 65))
def test_booklet_order_for_any_length(n):
    sides = booklet_sides(n)
    assert len(sides) % 2 == 0 and folded(sides) == list(range(n)) + [None] * (len(sides) * 2 - n)


def test_booklet_of_8_pages():
    assert sides_of(booklet(numbered(8))) == [(8, 1), (2, 7), (6, 3), (4, 5)]
    assert booklet_sides(8) == [(7, 0), (1, 6), (5, 2), (3, 4)]


@pytest.mark.parametrize("n", COUNTS)
def test_two_up_in_reading_order(n):
    sides = sides_of(two_up(numbered(n)))
    assert len(sides) == math.ceil(n / 2)
    flat = [p for side in sides for p in side]
    assert flat == list(range(1, n + 1)) + [None] * (len(flat) - n)
    assert two_up_sides(n) == [tuple(None if p is None else p - 1 for p in s) for s in sides]


@pytest.mark.parametrize("impose", [booklet, two_up])
@pytest.mark.parametrize("size, sheet", [(A4, (841.89, 595.28)), (letter, (792, 612))])
def test_sheets_are_the_page_turned_landscape_with_pages_fitted_and_centred(impose, size, sheet):
    for page in PdfReader(io.BytesIO(impose(numbered(4, size)))).pages:
        box = page.mediabox
        assert (round(float(box.width), 2), round(float(box.height), 2)) == sheet
        # Each number starts at its page's centre: it lands at the centre of its half.
        for x, y, _ in placed(page):
            assert min(abs(x - sheet[0] / 4), abs(x - sheet[0] * 3 / 4)) < 1
            assert abs(y - sheet[1] / 2) < 1


def test_a4_pages_are_scaled_to_a5():
    page = PdfReader(io.BytesIO(two_up(numbered(2)))).pages[0]
    content = page.get_contents().get_data().decode("latin-1")
    scales = {float(m) for m in re.findall(r"([\d.]+) 0\.0 0\.0 \1 [-\d.]+ [-\d.]+ cm", content)}
    assert len(scales) == 1 and abs(scales.pop() - 1 / math.sqrt(2)) < 1e-3  # A4 is 1:1.414


def test_metadata_language_and_same_bytes():
    src = numbered(5)
    for impose in (booklet, two_up):
        out = impose(src)
        assert out == impose(src)
        reader = PdfReader(io.BytesIO(out))
        assert reader.metadata.title == "讲话"
        assert reader.trailer["/Root"]["/Lang"] == "zh-CN"
    prefs = PdfReader(io.BytesIO(booklet(src))).viewer_preferences
    assert prefs.duplex == "/DuplexFlipShortEdge"


def test_empty_pdf_is_refused():
    buf = io.BytesIO()
    from pypdf import PdfWriter
    PdfWriter().write(buf)
    with pytest.raises(ValueError, match="no pages"):
        booklet(buf.getvalue())


def test_speech_booklet_keeps_page_numbers_outside_and_checks(profile, tmp_path):
    src = render_pdf(make_document(40), profile)
    n = len(PdfReader(io.BytesIO(src)).pages)
    assert n > 4
    out = booklet(src)
    reader = PdfReader(io.BytesIO(out))
    for side, page in zip(booklet_sides(n), reader.pages):
        half = float(page.mediabox.width) / 2
        numbers = {int(m[1]): x >= half for x, _, t in placed(page) if (m := re.fullmatch(r"—\s*(\d+)\s*—", t))}
        # every page's number is in its half: odd numbers on the right-hand pages, all outside
        assert numbers == {p + 1: slot == 1 for slot, p in enumerate(side) if p is not None}
        assert all(right == (p % 2 == 1) for p, right in numbers.items())
    if shutil.which("qpdf"):
        (tmp_path / "b.pdf").write_bytes(out)
        subprocess.run(["qpdf", "--check", str(tmp_path / "b.pdf")], check=True, capture_output=True)
