"""The Word writer: every layout rule read back from the produced bytes."""
from __future__ import annotations

import dataclasses
import io
import re
import shutil
import subprocess
import zipfile

import docx
import pytest
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.shared import Mm, Pt
from lxml import etree

from pipeline.model import Block, Document
from pipeline.write.typesetter import render_docx

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
NS = {"w": W[1:-1]}
THEME_FONT_ATTRS = ("asciiTheme", "eastAsiaTheme", "hAnsiTheme", "cstheme")


@pytest.fixture
def data(document, profile) -> bytes:
    return render_docx(document, profile)


@pytest.fixture
def out(data):
    return docx.Document(io.BytesIO(data))


def xml(data: bytes, part: str):
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return etree.fromstring(z.read(part))


def style_xml(data: bytes, style_id: str):
    return xml(data, "word/styles.xml").find(f"w:style[@w:styleId='{style_id}']", NS)


def fonts_of(el) -> dict:
    rfonts = el.find(".//w:rFonts", NS)
    return {k.replace(W, ""): v for k, v in rfonts.attrib.items()}


def test_page_size_and_margins(out, profile):
    s = out.sections[0]
    page = profile.page
    tol = Mm(0.5)
    for got, mm in [(s.page_width, 210), (s.page_height, 297), (s.top_margin, 37), (s.bottom_margin, 35),
                    (s.left_margin, 28), (s.right_margin, 26)]:
        assert abs(got - Mm(mm)) <= tol
    assert abs(s.right_margin - Mm(page.margin_right_mm)) <= tol


def test_line_grid(data, profile):
    grid = xml(data, "word/document.xml").find(".//w:sectPr/w:docGrid", NS)
    assert grid.get(W + "type") == "lines"  # not linesAndChars: LibreOffice sets 14 chars a line with it
    assert grid.get(W + "linePitch") == "579" == str(round(profile.grid.line_pitch_pt * 20))


def test_normal_style_is_the_body(out, data):
    normal = out.styles["Normal"]
    assert normal.font.size == Pt(16)
    assert normal.font.name == "Times New Roman"
    pf = normal.paragraph_format
    assert pf.line_spacing_rule == WD_LINE_SPACING.EXACTLY and pf.line_spacing == Pt(28.95)
    assert pf.space_before == 0 and pf.space_after == 0
    el = style_xml(data, "Normal")
    assert fonts_of(el) == {"ascii": "Times New Roman", "hAnsi": "Times New Roman", "cs": "Times New Roman",
                            "eastAsia": "仿宋_GB2312", "hint": "eastAsia"}
    assert el.find("w:rPr/w:spacing", NS).get(W + "val") == "-6"
    assert el.find("w:rPr/w:lang", NS).get(W + "eastAsia") == "zh-CN"
    assert el.find("w:pPr/w:widowControl", NS).get(W + "val") == "0"  # keeps 22 lines on every page


def test_no_theme_fonts_or_colours(data):
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        for name in z.namelist():
            if name.endswith(".xml") and "theme/" not in name:
                text = z.read(name).decode("utf-8")
                for attr in THEME_FONT_ATTRS:
                    assert f"w:{attr}=" not in text, (name, attr)
    styles = etree.tostring(xml(data, "word/styles.xml")).decode()
    assert "themeColor" not in styles and "Calibri" not in styles


def test_body_holds_exactly_the_blocks(out, document):
    assert len(out.paragraphs) == len(document.blocks)
    texts = [p.text.replace("\n", "") for p in out.paragraphs]
    assert texts == [b.text for b in document.blocks]


def test_markup_like_text_is_literal(profile):
    text = "A&B <b>x</b> “引号”……——"
    out = docx.Document(io.BytesIO(render_docx(Document([Block("paragraph", text)]), profile)))
    assert [p.text for p in out.paragraphs] == [text]


def test_long_title_is_centred_on_balanced_lines(out, document, profile):
    title = out.paragraphs[0]
    assert title.style.name == "Title"
    assert title.style.paragraph_format.alignment == WD_ALIGN_PARAGRAPH.CENTER
    assert title.style.font.size == Pt(22)
    assert fonts_of(title.style.element)["eastAsia"] == "方正小标宋简体"
    lines = title.text.split("\n")
    assert len(lines) == 2 and "".join(lines) == document.blocks[0].text
    assert all(len(x) <= profile.roles["title"].max_chars_per_line for x in lines)
    assert len(title._p.findall(".//w:br", NS)) == 1


def test_title_line_limit_defaults_to_the_block_width(document, profile):
    roles = dict(profile.roles, title=dataclasses.replace(profile.roles["title"], max_chars_per_line=None))
    data = render_docx(document, dataclasses.replace(profile, roles=roles))
    lines = docx.Document(io.BytesIO(data)).paragraphs[0].text.split("\n")
    assert len(lines) == 2 and max(map(len, lines)) <= 20  # 156 mm / 22 pt = 20.1


def test_blank_line_after_title_group(out):
    styles = [p.style.name for p in out.paragraphs[:5]]
    assert styles == ["Title", "Subtitle", "Byline", "Byline", "Salutation"]
    assert out.paragraphs[3].paragraph_format.space_after == Pt(28.95)  # the last byline
    assert all(p.paragraph_format.space_after is None for p in out.paragraphs[:3])


def test_paragraph_first_line_indent(out, data):
    p = out.paragraphs[5]
    assert p.style.name == "Normal"
    ind = style_xml(data, "Normal").find("w:pPr/w:ind", NS)
    assert ind.get(W + "firstLineChars") == "200" and ind.get(W + "firstLine") == "640"
    assert ind.get(W + "left") == "0"
    assert out.styles["Normal"].paragraph_format.alignment == WD_ALIGN_PARAGRAPH.JUSTIFY
    sal = out.paragraphs[4]
    assert sal.style.paragraph_format.first_line_indent == 0
    assert sal.style.paragraph_format.alignment == WD_ALIGN_PARAGRAPH.LEFT


@pytest.mark.parametrize("level, font, bold", [(1, "黑体", False), (2, "楷体_GB2312", False),
                                               (3, "仿宋_GB2312", True), (4, "仿宋_GB2312", False)])
def test_heading_styles(out, data, level, font, bold):
    style = out.styles[f"Heading {level}"]
    assert style.element.find("w:name", NS).get(W + "val") == f"heading {level}"  # Word's built-in name
    assert any(p.style.name == f"Heading {level}" for p in out.paragraphs)
    el = style.element
    assert el.find("w:pPr/w:outlineLvl", NS).get(W + "val") == str(level - 1)
    assert fonts_of(el)["eastAsia"] == font and fonts_of(el)["ascii"] == "Times New Roman"
    assert bool(style.font.bold) == bold
    assert style.font.size == Pt(16) and style.element.find("w:rPr/w:color", NS) is None
    pf = style.paragraph_format
    assert pf.keep_with_next and pf.first_line_indent == Pt(32)
    assert pf.line_spacing == Pt(28.95) and pf.space_before == 0 and pf.space_after == 0


def test_leads_are_run_in(out, document):
    kai = next(p for p in out.paragraphs if p.text.startswith("一要加强政治建设。"))
    assert kai.runs[0].text == "一要加强政治建设。" and fonts_of(kai.runs[0]._r)["eastAsia"] == "楷体_GB2312"
    assert not kai.runs[0].bold and fonts_of(kai.runs[1]._r)["eastAsia"] == "仿宋_GB2312"
    num = next(p for p in out.paragraphs if p.text.startswith("1.抓好"))
    assert num.runs[0].text == "1.抓好危险化学品安全。" and num.runs[0].bold
    assert fonts_of(num.runs[0]._r)["eastAsia"] == "仿宋_GB2312" and not num.runs[1].bold


def test_every_run_keeps_quotes_in_the_chinese_font(data):
    for r in xml(data, "word/document.xml").iter(W + "r"):
        f = fonts_of(r)
        assert f["hint"] == "eastAsia" and f["eastAsia"] and f["ascii"]


def test_font_table_has_alternate_names(data, profile):
    table = {f.get(W + "name"): f.find("w:altName", NS).get(W + "val")
             for f in xml(data, "word/fontTable.xml").findall("w:font", NS)}
    for key in ("fangsong", "kai", "hei", "xiaobiaosong", "song", "latin"):
        assert table[profile.fonts[key].word] == profile.fonts[key].word_alt
    assert table["仿宋_GB2312"] == "仿宋"


def test_page_numbers_odd_right_even_left(out, data, profile):
    assert out.settings.odd_and_even_pages_header_footer
    assert xml(data, "word/settings.xml").find("w:evenAndOddHeaders", NS) is not None
    s = out.sections[0]
    for footer, align, side in [(s.footer, WD_ALIGN_PARAGRAPH.RIGHT, "right"),
                                (s.even_page_footer, WD_ALIGN_PARAGRAPH.LEFT, "left")]:
        (p,) = footer.paragraphs
        assert p.alignment == align
        assert p._p.find("w:pPr/w:ind", NS).get(W + side) == "280"  # one 14 pt character
        # The PAGE field's cached result between the em dashes.
        assert "".join(t.text for t in p._p.iter(W + "t")) == "— 1 —"
        assert p._p.find("w:fldSimple", NS).get(W + "instr").strip() == "PAGE"
        for r in p._p.iter(W + "r"):
            assert fonts_of(r)["eastAsia"] == fonts_of(r)["ascii"] == "宋体"
    footer = out.styles["Footer"]
    assert footer.font.size == Pt(14) and footer.paragraph_format.line_spacing == Pt(14)
    # The em dashes (middle of the 14 pt line) lie 7 mm under the text block's bottom edge.
    dash = s.footer_distance + Pt(14) / 2
    assert abs(dash - (s.bottom_margin - Mm(profile.page_number.below_text_mm))) <= Mm(0.1)


def test_core_properties(out, data, document):
    core = out.core_properties
    assert core.title == document.title and core.author == "县委书记 刘××"
    assert core.language == "zh-CN" and core.revision == 1
    assert core.comments == core.keywords == core.last_modified_by == ""
    assert core.subject == "讲话稿"
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        names = z.namelist()
        assert not any("thumbnail" in n or "customXml" in n or "numbering" in n for n in names)
        assert b"<Application>pipeline</Application>" in z.read("docProps/app.xml")
        assert b"Microsoft" not in z.read("docProps/app.xml")
        assert "thumbnail" not in z.read("_rels/.rels").decode()
        for name in names:
            assert b"python-docx" not in z.read(name), name


def test_source_date_epoch_fixes_the_dates(document, profile, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1710201600")
    core = docx.Document(io.BytesIO(render_docx(document, profile))).core_properties
    assert core.created.isoformat().startswith("2024-03-12T00:00:00")
    assert core.modified == core.created


def test_libreoffice_renders_a4(data, tmp_path):
    soffice = shutil.which("soffice")
    if not soffice:
        pytest.skip("LibreOffice (soffice) is not installed")
    from pypdf import PdfReader

    src = tmp_path / "speech.docx"
    src.write_bytes(data)
    subprocess.run([soffice, f"-env:UserInstallation=file://{tmp_path}/lo", "--headless",
                    "--convert-to", "pdf", "--outdir", str(tmp_path), str(src)],
                   check=True, capture_output=True, timeout=120)
    pdf = PdfReader(tmp_path / "speech.pdf")
    box = pdf.pages[0].mediabox
    assert abs(float(box.width) - 595.3) < 1.5 and abs(float(box.height) - 841.9) < 1.5
    assert len(pdf.pages) >= 2
    text = re.sub(r"\s", "", pdf.pages[1].extract_text())
    assert "—2—" in text


def test_the_python_docx_reached_inside_is_a_verified_one():
    """write/docx_xml.py reaches into python-docx's private attributes: an upgrade must be
    checked (the golden test, then VERIFIED) before it is trusted."""
    from importlib import metadata

    from pipeline.write import docx_xml

    assert metadata.version("python-docx") in docx_xml.VERIFIED


def test_a_python_docx_without_its_internals_is_one_clear_error(monkeypatch, document, profile):
    from docx.text.paragraph import Paragraph

    from pipeline.write import docx_xml
    from pipeline.write.docx import empty_document

    monkeypatch.setattr(docx_xml, "_NEEDED", ((Paragraph, "_no_such_attribute"),))
    with pytest.raises(RuntimeError, match=r"python-docx [\d.]+ has no Paragraph._no_such_attribute: "
                                           r"the Word writer was verified on"):
        empty_document(profile)


def test_characters_set_a_cell_wide_are_in_the_chinese_font_for_latin_too(profile):
    # LibreOffice takes × … — · ° for Latin script whatever w:hint says: in a run of their own
    # whose Latin font is the Chinese one, it draws them a cell wide, as the PDF does
    doc = Document([Block("paragraph", "全市有××个党支部……近3年")])
    body = docx.Document(io.BytesIO(render_docx(doc, profile))).paragraphs[-1]
    runs = [(r.text, r._r.find("w:rPr/w:rFonts", NS).get(W + "ascii")) for r in body.runs]
    assert ("××", "仿宋_GB2312") in runs and ("……", "仿宋_GB2312") in runs
    assert any(t.startswith("个党支部") and f == "Times New Roman" for t, f in runs)


def test_a_quotation_mark_after_a_number_is_in_the_chinese_font_for_latin_too(profile):
    # LibreOffice gives ” the script of the 0 before it, and drew it narrow in Times (“12350”)
    doc = Document([Block("paragraph", "畅通“12350”安全生产举报热线，“好”字当头")])
    body = docx.Document(io.BytesIO(render_docx(doc, profile))).paragraphs[-1]
    runs = [(r.text, r._r.find("w:rPr/w:rFonts", NS).get(W + "ascii")) for r in body.runs]
    assert ("”", "仿宋_GB2312") in runs
    assert "".join(t for t, _ in runs) == "畅通“12350”安全生产举报热线，“好”字当头"
    assert sum(t in "“”" for t, _ in runs) == 1  # after Chinese characters quotes stay in the text's runs
