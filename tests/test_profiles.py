"""Layout profiles: the built-in ones render as they say, user files inherit, mistakes name their key."""
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
from pipeline.typeset.profile import MM, ProfileError, builtin_profiles, load_profile
from pipeline.write.docx import render_docx
from pipeline.write.pdf import render_pdf

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


def test_builtin_names():
    assert builtin_profiles() == sorted(BUILTIN)
    assert load_profile("gbt9704") == load_profile()
    for name in BUILTIN:
        assert load_profile(name).name == name


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


# --- inheritance --------------------------------------------------------------------------

def write(tmp_path, text: str, name: str = "mine.toml"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_a_user_file_overrides_only_what_it_names(tmp_path):
    base = load_profile()
    mine = load_profile(write(tmp_path, '[fonts.fangsong]\ncandidates = ["LXGW WenKai"]\n'
                                        '[page_number]\nformat = "- {n} -"\n'
                                        '[roles.heading1]\nsize_pt = 18\n'))
    assert mine.name == "mine" and mine.sources == (base.sources[0], tmp_path / "mine.toml")
    assert mine.fonts["fangsong"].candidates == ("LXGW WenKai",)  # lists replace
    assert mine.fonts["fangsong"].word == base.fonts["fangsong"].word  # tables merge
    assert mine.page_number.text(3) == "- 3 -" and mine.page_number.size_pt == base.page_number.size_pt
    assert mine.roles["heading1"].size_pt == 18 and mine.roles["heading1"].font == "hei"
    assert (mine.page, mine.grid, mine.roles["paragraph"]) == (base.page, base.grid, base.roles["paragraph"])


def test_a_base_by_name_or_by_file(tmp_path):
    assert load_profile(write(tmp_path, 'base = "large-print"\n[page_number]\nindent_chars = 0\n')).grid.lines_per_page == 19
    write(tmp_path, 'base = "letter"\nname = "ours"\n', "ours.toml")
    mine = load_profile(write(tmp_path, 'base = "ours.toml"\n[roles.title]\nmax_chars_per_line = 18\n'))
    assert mine.name == "mine" and mine.page.width_mm == 215.9 and mine.roles["title"].max_chars_per_line == 18
    assert [p.name for p in mine.sources] == ["gbt9704.toml", "letter.toml", "ours.toml", "mine.toml"]


def test_a_bigger_body_with_its_grid(tmp_path):
    text = ("[roles.paragraph]\nsize_pt = 18\n"
            "[grid]\nchars_per_line = 24\ndocx_char_spacing_pt = 0.4\n"
            "[roles.title]\nmax_chars_per_line = 19\n")  # 20 of 22 pt no longer fit
    profile = load_profile(write(tmp_path, text))
    pdf = render_pdf(make_document(3), profile)
    assert body_size(pdf) == 18


# --- mistakes -------------------------------------------------------------------------------

BAD = [
    ("colour = 1", "colour: unknown key"),
    ("page = 3", "page: expected a table"),
    ("[grid]\nlines_per_pag = 22", "grid.lines_per_pag: unknown key"),
    ("[roles.paragrah]\nsize_pt = 18", "roles.paragrah: unknown role"),
    ("[roles.paragraph]\nsize_pt = '16'", "roles.paragraph.size_pt: expected a number"),
    ("[roles.heading1]\nbold = 1", "roles.heading1.bold: expected true or false"),
    ("[grid]\nlines_per_page = 22.5", "grid.lines_per_page: expected a whole number"),
    ("[fonts.kai]\ncandidates = 'LXGW WenKai'", "fonts.kai.candidates: expected a list of strings"),
    ("[fonts.new]\nword = 'x'", "fonts.new.word_alt: missing"),
    ("[page]\nwidth_mm = -210", "page.width_mm: must be positive"),
    ("[roles.title]\nsize_pt = 0", "roles.title.size_pt: must be positive"),
    ("[page_number]\nbelow_text_mm = -7", "page_number.below_text_mm: must not be negative"),
    ("[roles.heading1]\nfont = 'heiti'", "roles.heading1.font: 'heiti' is not defined under [fonts]"),
    ("[page_number]\nfont = 'heiti'", "page_number.font: 'heiti' is not defined"),
    ("[roles.title]\nalign = 'centre'", "roles.title.align: expected left, center or justify"),
    ("[page_number]\nformat = '- N -'", "page_number.format: needs {n}"),
    ("[page_number]\nformat = '{n} / {total}'", "page_number.format: needs {n}"),
    ("[grid]\nline_pitch_pt = 30", "grid.lines_per_page: 22 lines × grid.line_pitch_pt 30 pt exceed page.text_height_mm"),
    ("[grid]\nlines_per_page = 20", "grid.lines_per_page: 20 lines × grid.line_pitch_pt 28.95 pt do not fill"),
    ("[roles.paragraph]\nsize_pt = 18", "grid.chars_per_line: page.text_width_mm 156 mm (442.2 pt) holds 24"),
    ("[grid]\ndocx_char_spacing_pt = 0", "grid.chars_per_line"),
    ("[page]\nmargin_left_mm = 60", "page.text_width_mm: page.margin_left_mm + page.text_width_mm = 216 mm"),
    ("[roles.title]\nsize_pt = 30", "roles.title.size_pt: 30 pt is more than grid.line_pitch_pt"),
    ("[roles.title]\nmax_chars_per_line = 22", "roles.title.max_chars_per_line"),
    ("[page_number]\nbelow_text_mm = 33", "page_number.below_text_mm"),
    ("base = 3", "base: expected a profile name or file"),
    ("base = 'nonexistent'", "nonexistent: cannot read profile"),
    ("[grid\n", "not a valid TOML file"),
]


@pytest.mark.parametrize("text, message", BAD)
def test_a_mistake_names_its_file_and_key(tmp_path, text, message):
    path = write(tmp_path, text + "\n")
    with pytest.raises(ProfileError, match="^" + str(tmp_path).replace(".", r"\.")) as e:
        load_profile(path)
    assert message in str(e.value)


def test_no_such_profile_lists_the_builtin_ones():
    with pytest.raises(ProfileError, match="gbt9704, large-print, letter"):
        load_profile("large_print")


def test_bases_in_a_loop(tmp_path):
    write(tmp_path, 'base = "b.toml"\n', "a.toml")
    write(tmp_path, 'base = "a.toml"\n', "b.toml")
    with pytest.raises(ProfileError, match="loop"):
        load_profile(tmp_path / "a.toml")
