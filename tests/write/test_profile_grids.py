"""Every built-in profile, rendered: the Word file and the PDF set the same page and grid, and
LibreOffice lays the Word file out on that grid too."""
from __future__ import annotations

import io
import shutil
import statistics
import subprocess
from collections import Counter

import docx
import pytest
from docx.shared import Mm, Pt
from pypdf import PdfReader

from pipeline.pdfcheck import check
from pipeline.typeset.profile import MM, load_profile
from pipeline.write.typesetter import render_docx
from pipeline.write.typesetter import render_pdf

from conftest import make_document


W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


BUILTIN = ("gbt9704", "large-print", "letter")


PAGES = {"gbt9704": (210, 297), "large-print": (210, 297), "letter": (215.9, 279.4)}


BODY = {"gbt9704": 16, "large-print": 18, "letter": 16}


GRID = {"gbt9704": (22, 28), "large-print": (19, 24), "letter": (22, 28)}


@pytest.fixture(scope="module")
def speech():
    return make_document(30)


@pytest.fixture(scope="module", params=BUILTIN)
def rendered(request, speech):
    profile = load_profile(request.param)
    return request.param, profile, render_docx(speech, profile), render_pdf(speech, profile)


def test_docx_page_grid_and_body_size(rendered):
    name, profile, data, _ = rendered
    out = docx.Document(io.BytesIO(data))
    section = out.sections[0]
    width, height = PAGES[name]
    assert abs(section.page_width - Mm(width)) <= Mm(0.1) and abs(section.page_height - Mm(height)) <= Mm(0.1)
    assert abs(section.left_margin - Mm(profile.page.margin_left_mm)) <= Mm(0.1)
    assert abs(section.top_margin - Mm(profile.page.margin_top_mm)) <= Mm(0.1)
    assert out.styles["Normal"].font.size == Pt(BODY[name])
    grid = section._sectPr.find(f"{W}docGrid")
    assert grid.get(f"{W}linePitch") == str(round(profile.grid.line_pitch_pt * 20))


def body_size(pdf: bytes) -> float:
    """The font size most characters of the PDF are set in."""
    sizes = Counter()
    for page in PdfReader(io.BytesIO(pdf)).pages:
        page.extract_text(visitor_text=lambda text, cm, tm, font, size: sizes.update({size * tm[0]: len(text)}))
    return sizes.most_common(1)[0][0]


def test_pdf_page_grid_and_body_size(rendered):
    name, profile, _, pdf = rendered
    reader = PdfReader(io.BytesIO(pdf))
    width, height = PAGES[name]
    for page in reader.pages:
        assert abs(float(page.mediabox.width) - width * MM) < 0.5
        assert abs(float(page.mediabox.height) - height * MM) < 0.5
    assert body_size(pdf) == BODY[name]
    lines, chars = GRID[name]
    full = check(pdf, profile)["pages"][1:-1]  # pages of body text only
    assert full and all(p["lines"] == lines and not p["bad_starts"] and not p["bad_ends"] for p in full)
    assert statistics.mode(c for p in full for c in p["chars"]) == chars


@pytest.mark.parametrize("name", ["large-print", "letter"])
def test_word_sets_the_same_grid(name, speech, tmp_path):
    """LibreOffice, standing in for Word, sets the .docx on the same grid as the PDF."""
    soffice = shutil.which("soffice")
    if not soffice:
        pytest.skip("LibreOffice (soffice) is not installed")
    profile = load_profile(name)
    (tmp_path / "s.docx").write_bytes(render_docx(speech, profile))
    subprocess.run([soffice, f"-env:UserInstallation=file://{tmp_path}/lo", "--headless", "--convert-to", "pdf",
                    "--outdir", str(tmp_path), str(tmp_path / "s.docx")], check=True, capture_output=True, timeout=120)
    word = check((tmp_path / "s.pdf").read_bytes(), profile)["pages"]
    ours = check(render_pdf(speech, profile), profile)["pages"]
    assert len(word) == len(ours)
    lines, chars = GRID[name]
    assert all(p["lines"] == lines for p in word[1:-1])
    assert statistics.mode(c for p in word[1:-1] for c in p["chars"]) == chars


def test_a_bigger_body_with_its_grid(tmp_path):
    text = ("[roles.paragraph]\nsize_pt = 18\n"
            "[grid]\nchars_per_line = 24\ndocx_char_spacing_pt = 0.4\n"
            "[roles.title]\nmax_chars_per_line = 19\n")  # 20 of 22 pt no longer fit
    path = tmp_path / "mine.toml"
    path.write_text(text, encoding="utf-8")
    profile = load_profile(path)
    pdf = render_pdf(make_document(3), profile)
    assert body_size(pdf) == 18
