"""The PDF renderer: read its output back (pypdf, poppler) and check it against layout.md."""
from __future__ import annotations

import io
import re
import shutil
import subprocess

import pytest
from pypdf import PdfReader

from conftest import make_document
from pipeline.model import Block, Document
from pipeline.pdfcheck import body_lines, check, read_lines
from pipeline.typeset.profile import MM, load_profile

PROFILE = load_profile()
from pipeline.typeset.titles import split_title
from pipeline.chars import REPLACEMENT
from pipeline.write.typesetter import missing_characters, render_pdf, typeset_pdf
from pipeline.write.pdf.layout import NO_END, NO_START
from pipeline.write.typesetter import typesetter_for


def layout(doc, profile):
    return typesetter_for(profile).pdf_pages(doc)


def font_chain(*families):
    return typesetter_for(PROFILE).pdf_fonts.chain(*families)

PAGE_NUMBER = re.compile(r"—\s*\d+\s*—")
needs_poppler = pytest.mark.skipif(not shutil.which("pdftotext"), reason="poppler-utils not installed")


@pytest.fixture(scope="module")
def long_doc() -> Document:
    return make_document(30)


@pytest.fixture(scope="module")
def pdf(long_doc, profile) -> bytes:
    return render_pdf(long_doc, profile)


@pytest.fixture(scope="module")
def reader(pdf) -> PdfReader:
    return PdfReader(io.BytesIO(pdf))


@pytest.fixture(scope="module")
def lines(pdf):
    if not shutil.which("pdftotext"):
        pytest.skip("poppler-utils not installed")
    return read_lines(pdf)


def block_edges(profile):
    """Left and right edges of the text block, its top and bottom from the page top (points)."""
    p = profile.page
    return (p.margin_left_mm * MM, (p.margin_left_mm + p.text_width_mm) * MM,
            p.margin_top_mm * MM, (p.margin_top_mm + p.text_height_mm) * MM)


def layout_lines(doc, profile):
    """Per page, the body lines of the pure layout as text, top to bottom."""
    bottom = (profile.page.height_mm - profile.page.margin_top_mm - profile.page.text_height_mm) * MM
    pages = []
    for page in layout(doc, profile):
        rows: dict[float, list] = {}
        for run in page.runs:
            if run.y > bottom:  # not the page number
                rows.setdefault(round(run.y, 3), []).append(run)
        pages.append(["".join(r.text for r in sorted(rs, key=lambda r: r.x))
                      for _, rs in sorted(rows.items(), reverse=True)])
    return pages


def paragraph(text: str) -> Document:
    return Document([Block("paragraph", text)])


# --- the file ---------------------------------------------------------------------------

def test_a4_pages(reader, profile):
    assert len(reader.pages) > 1
    for page in reader.pages:
        assert abs(float(page.mediabox.width) - profile.page.width_mm * MM) < 0.5
        assert abs(float(page.mediabox.height) - profile.page.height_mm * MM) < 0.5
        assert abs(float(page.mediabox.width) - 595.28) < 0.5 and abs(float(page.mediabox.height) - 841.89) < 0.5


def test_text_extracts_in_reading_order(reader, long_doc):
    text = "".join(page.extract_text() for page in reader.pages)
    text = re.sub(r"\s", "", PAGE_NUMBER.sub("", text))
    assert text == re.sub(r"\s", "", "".join(b.text for b in long_doc.blocks))
    assert "A&B公司与<b>标记</b>照原样打印" in text  # markup-like text stays literal
    assert "\x00" not in text


def test_metadata_and_language(reader, long_doc):
    meta = reader.metadata
    assert meta.title == long_doc.title
    assert meta.author == "县委书记 刘××" == long_doc.author
    assert meta.subject == "讲话稿"
    assert meta.creator == "pipeline"
    assert reader.trailer["/Root"]["/Lang"] == "zh-CN"


def test_outline_has_title_and_headings_nested(reader, long_doc):
    def walk(items, level=0):
        for item in items:
            if isinstance(item, list):
                yield from walk(item, level + 1)
            else:
                yield item.title, level
    wanted = [(b.text, 0 if b.type == "title" else b.level)
              for b in long_doc.blocks if b.type in ("title", "heading")]
    assert list(walk(reader.outline)) == wanted


def test_every_font_is_an_embedded_truetype_subset(reader):
    names = set()
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            names.add(font["/BaseFont"])
            assert "/FontFile2" in font["/FontDescriptor"], font["/BaseFont"]
            assert "/ToUnicode" in font
    assert all(re.match(r"/[A-Z]{6}\+", n) for n in names), names


@needs_poppler
def test_pdffonts_says_embedded(pdf, tmp_path):
    path = tmp_path / "a.pdf"
    path.write_bytes(pdf)
    rows = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout.splitlines()[2:]
    assert rows and all(row.split()[-5] == "yes" for row in rows), rows  # the "emb" column


def test_same_input_same_bytes(document, profile):
    assert render_pdf(document, profile) == render_pdf(document, profile)


# --- the grid ---------------------------------------------------------------------------

def test_full_pages_have_22_lines_of_28_characters(lines, profile):
    left, right, _, _ = block_edges(profile)
    grid = profile.grid
    plain = [body_lines(page, profile) for page in lines[3:-1]]  # only BODY paragraphs here
    assert plain
    for page in plain:
        assert len(page) == grid.lines_per_page
        tops = [ln.top for ln in page]
        assert all(abs(b - a - grid.line_pitch_pt) < 0.01 for a, b in zip(tops, tops[1:]))
        full = [(ln, nxt) for ln, nxt in zip(page, page[1:])
                if abs(ln.x0 - left) < 0.5 and abs(ln.x1 - right) < 0.5]
        assert len(full) > 10
        for ln, nxt in full:
            # 28 characters, or 27 where the 28th went down with a closing mark that follows it
            pulled = nxt.chars[1:2] in NO_START
            assert len(ln.chars) in (grid.chars_per_line, grid.chars_per_line - pulled), (ln.text, nxt.text)
        indented = [ln for ln in page if abs(ln.x0 - left - 2 * (right - left) / 28) < 0.5]
        assert indented and all(len(ln.chars) <= grid.chars_per_line - 2 for ln in indented)


@needs_poppler
def test_line_breaking_and_justification_in_the_file(pdf, profile):
    report = check(pdf, profile)["pages"]
    assert all(not p["bad_starts"] and not p["bad_ends"] for p in report), report
    assert max(p["right_edge_deviation"] for p in report) <= 0.5


def test_title_lines_are_balanced_and_centred(lines, long_doc, profile):
    left, right, _, _ = block_edges(profile)
    title = split_title(long_doc.blocks[0].text, profile.roles["title"].max_chars_per_line)
    assert title == ["在全县教育系统全面从严治党暨", "基层党建述职评议工作会议上的讲话"]
    first = body_lines(lines[0], profile)
    assert [ln.chars for ln in first[:2]] == title
    # Title, subtitle, bylines: centred. The text's extent ends short of the last cell where a
    # narrow glyph is centred in it (LXGW WenKai's ×: 0.35 em), which moves the measured centre
    # by up to 2 pt; a line centred wrongly is off by a cell or more.
    for ln in first[:5]:
        assert abs((ln.x0 + ln.x1) / 2 - (left + right) / 2) < 2, ln


def test_page_numbers_sit_under_the_block(lines, pdf, profile):
    left, right, _, bottom = block_edges(profile)
    pn = profile.page_number
    for n in (1, 2):
        line = next(ln for ln in lines[n - 1] if PAGE_NUMBER.fullmatch(ln.text))
        assert line.chars == pn.text(n).replace(" ", "")
        if n % 2:  # odd: right-aligned, one character in
            assert abs(line.x1 - (right - pn.indent_chars * pn.size_pt)) < 0.5
        else:
            assert abs(line.x0 - (left + pn.indent_chars * pn.size_pt)) < 0.5
        # The dashes' ink, measured on the rendered page, is centred below_text_mm under the block.
        assert abs(dash_middle(pdf, n, line) - (bottom + pn.below_text_mm * MM)) < 0.5


def dash_middle(pdf: bytes, page: int, line) -> float:
    """The vertical middle of the dark pixels in the first em dash's box, in points from the top."""
    scale = 4  # 288 dpi
    x, y = int(line.x0 * scale), int((line.top - 10) * scale)
    w, h = int(10 * scale), int((line.bottom - line.top + 20) * scale)
    pgm = subprocess.run(["pdftoppm", "-r", "288", "-f", str(page), "-l", str(page), "-x", str(x), "-y", str(y),
                          "-W", str(w), "-H", str(h), "-gray"], input=pdf, capture_output=True, check=True).stdout
    width, height = map(int, pgm.split(b"\n")[1].split())
    pixels = pgm[-width * height:]
    dark = [r for r in range(height) if min(pixels[r * width:(r + 1) * width]) < 128]
    assert dark
    return (y + (dark[0] + dark[-1] + 1) / 2) / scale


# --- line breaking (pure layout) ---------------------------------------------------------

def test_paragraph_indent_and_continuation(profile):
    text = "中" * 60
    assert [len(t) for t in layout_lines(paragraph(text), profile)[0]] == [26, 28, 6]


def test_closing_mark_never_starts_a_line(profile):
    first, second = layout_lines(paragraph("中" * 26 + "，" + "中" * 5), profile)[0]
    assert first == "中" * 25 and second == "中，" + "中" * 5
    first, second = layout_lines(paragraph("中" * 25 + "”，" + "中" * 5), profile)[0]
    assert first == "中" * 24 and second.startswith("中”，")


def test_opening_mark_never_ends_a_line(profile):
    first, second = layout_lines(paragraph("中" * 25 + "《中中》" + "中" * 5), profile)[0]
    assert first == "中" * 25 and second.startswith("《中中》")


def test_latin_runs_are_never_split(profile):
    first, second = layout_lines(paragraph("中" * 24 + "GDP2024增长6.5%" + "中" * 5), profile)[0]
    assert first == "中" * 24 and second.startswith("GDP2024增长6.5%")


def test_rules_hold_in_any_long_text(profile):
    text = "“一是”、（二）《三》，四……五——六。" * 30
    for page in layout_lines(paragraph(text), profile):
        for line in page[1:]:
            assert line[0] not in NO_START and line[-1] not in NO_END, line
        assert page[0][-1] not in NO_END


def test_ascii_spaces_stay_and_no_spaces_are_added(profile):
    doc = Document([Block("byline", "县委书记 刘××"), Block("paragraph", "按照县委要求，今天我们")])
    assert layout_lines(doc, profile)[0] == ["县委书记 刘××", "按照县委要求，今天我们"]


def test_heading_is_kept_with_the_next_paragraph(profile):
    blocks = [Block("paragraph", "中" * 26) for _ in range(profile.grid.lines_per_page - 1)]
    blocks += [Block("heading", "一、标题", level=1), Block("paragraph", "中" * 40)]
    pages = layout(Document(blocks), profile)
    assert [m.title for m in pages[1].marks] == ["一、标题"]
    assert layout_lines(Document(blocks), profile)[1][0] == "一、标题"


def test_outline_levels_never_skip(profile):
    doc = Document([Block("heading", "（一）甲", level=2), Block("heading", "1.乙", level=3),
                    Block("heading", "一、丙", level=1)])
    assert [m.level for page in layout(doc, profile) for m in page.marks] == [0, 1, 0]


# --- fonts and missing characters --------------------------------------------------------

def test_fallback_font_draws_what_the_first_font_lacks(profile):
    chain = font_chain(profile.fonts["fangsong"], profile.fonts["latin"])
    if chain.first.cmap.get(ord("镕")) or not chain.pick("镕"):
        pytest.skip("needs a first body font without 镕 and a fallback with it")
    doc = paragraph("朱镕基同志")
    run = next(r for page in layout(doc, profile) for r in page.runs if "镕" in r.text)
    assert run.font == chain.pick("镕").name != chain.first.name
    assert missing_characters(doc, profile) == []
    assert "朱镕基同志" in PdfReader(io.BytesIO(render_pdf(doc, profile))).pages[0].extract_text()


def test_characters_no_font_has_are_reported_and_drawn_visibly(profile):
    chain = font_chain(profile.fonts["fangsong"], profile.fonts["latin"])
    absent = [ch for ch in ("\U00020000", "\ue000", "\U0010fffd") if not chain.pick(ch)]
    if not absent:
        pytest.skip("every candidate character has a font here")
    doc = paragraph("甲" + "乙".join(absent) + "丙")
    assert missing_characters(doc, profile) == absent
    text = PdfReader(io.BytesIO(render_pdf(doc, profile))).pages[0].extract_text()
    assert "甲" + "乙".join(REPLACEMENT * len(absent)) + "丙" in text


def test_every_document_reports_its_own_missing_characters(profile):
    """Tokens are kept from one document to the next: a character no font has is still
    reported by each document that has it, in the order it appears there, and by no other."""
    chain = font_chain(profile.fonts["fangsong"], profile.fonts["latin"])
    absent = [ch for ch in ("\ue000", "\U0010fffd", "\U000e0100") if not chain.pick(ch)]
    if len(absent) < 2:
        pytest.skip("needs two characters no font has here")
    a, b = absent[:2]
    assert typeset_pdf(paragraph(f"甲{a}乙{b}丙"), profile).missing == [a, b]
    assert typeset_pdf(paragraph(f"丁{b}戊{a}己"), profile).missing == [b, a]
    assert typeset_pdf(paragraph("庚辛"), profile).missing == []
    assert typeset_pdf(paragraph(f"壬{b}"), profile).missing == [b]


@pytest.mark.parametrize("ch", ["镕", "堃", "喆", "\U00020000"])
def test_characters_outside_gb2312_are_drawn_by_a_fallback_or_reported(ch, profile):
    """Each character is either drawn (by a fallback font where the body font lacks it) and
    extracted as itself, or reported as missing and drawn as a visible box: never blank."""
    chain = font_chain(profile.fonts["fangsong"], profile.fonts["latin"])
    doc = paragraph(f"甲{ch}乙")
    text = PdfReader(io.BytesIO(render_pdf(doc, profile))).pages[0].extract_text()
    if chain.pick(ch):
        assert missing_characters(doc, profile) == [] and f"甲{ch}乙" in text
        run = next(r for page in layout(doc, profile) for r in page.runs if ch in r.text)
        assert run.font == chain.pick(ch).name
    else:
        assert missing_characters(doc, profile) == [ch] and f"甲{REPLACEMENT}乙" in text
    assert "\x00" not in text


# --- the line-end policy shared with the Word file (README, "Line ends") --------------------

def _runs_of(doc, profile):
    page, = layout(doc, profile)[:1]
    return [r for r in page.runs if r.y > 100]


def test_a_latin_word_stands_apart_from_chinese_characters(profile):
    # 占GDP的: 0.2 em on each side of GDP (clreq; Word's and LibreOffice's autospace)
    runs = _runs_of(Document([Block("paragraph", "经济总量占GDP的一半")]), profile)
    zhan = next(r for r in runs if r.text.endswith("占"))
    gdp = next(r for r in runs if r.text == "GDP")
    cell = profile.page.text_width_mm * MM / profile.grid.chars_per_line
    assert gdp.x - (zhan.x + cell * len(zhan.text)) == pytest.approx(0.2 * 16, abs=0.6)


def test_lines_break_where_the_word_file_breaks_them(profile):
    # 28 Chinese characters fit a line at 16 − 0.30 pt each; a Latin word's space costs room
    assert [len(t) for t in layout_lines(paragraph("中" * 60), profile)[0]] == [26, 28, 6]
    first = layout_lines(paragraph("中" * 20 + "GDP" + "中" * 30), profile)[0][0]
    assert first.count("中") < 26


def test_a_lines_last_character_fits_at_its_full_advance(profile):
    # As LibreOffice measures our Word file (verify, line parity): a line's last character is
    # fitted at its advance without the character spacing, so this line holds 个百, not 个百分
    text = "同比增长12.3%，占GDP比重达到8.6%，比上年提高0.9个百分点，对全市GDP增长6.5%的贡献率超过20%。"
    lines = layout_lines(paragraph("中" * 26 + text), profile)[0]
    assert lines[1].endswith("个百") and lines[2].startswith("分点")


def test_a_latin_word_opening_a_line_costs_no_space_before_it(profile):
    # …占 / GDP比重…: the autospace before GDP is not on this line, so 设 still fits
    text = "中" * 25 + "占GDP比重达到42.8%。从全省看，省委、省政府出台了加快建设数字经济强省的若干措施。"
    lines = layout_lines(paragraph(text), profile)[0]
    assert lines[1].startswith("GDP") and lines[1].endswith("加快建设")


def test_no_break_between_a_pause_mark_and_a_number(profile):
    # LibreOffice never breaks …税收、/ 80%…: 值、 goes down with 90%
    text = "5.6万户，贡献了70%以上的税收、80%以上的地区生产总值、90%以上的城镇劳动就业。"
    lines = layout_lines(paragraph("中" * 26 + text), profile)[0]
    assert lines[1].endswith("生产总") and lines[2].startswith("值、90%")


def test_a_web_address_breaks_after_a_slash_only(profile):
    # as Word and LibreOffice break it (UAX #14): …登录https:// / zwfw.example.gov.cn/…, rather than
    # the whole address pushed down; never inside a word, a number or km/h
    url = "https://zwfw.example.gov.cn/banjian/query"
    splits = []
    for pad in range(28):
        lines = layout_lines(paragraph("中" * pad + "群众可以登录" + url + "查询办件进度。"), profile)[0]
        cut = next((k for k, line in enumerate(lines) if "https" in line and not line.endswith("进度。")
                    and url not in line), None)
        if cut is not None:
            splits.append(lines[cut][lines[cut].index("https"):])
    assert splits and all(s.endswith("/") for s in splits) and "https://" in splits
    for pad in range(28):
        lines = layout_lines(paragraph("中" * pad + "时速120km/h以上"), profile)[0]
        assert any("120km/h" in line for line in lines)


def test_a_line_keeps_no_latin_space_at_its_ends(profile):
    # a Latin word that ends a full line ends at the block's right edge, justified
    doc = paragraph("中" * 24 + "ABCD" + "中" * 20)
    runs = _runs_of(doc, profile)
    right = profile.page.margin_left_mm * MM + profile.page.text_width_mm * MM
    first_line_y = max(r.y for r in runs)
    last = max((r for r in runs if r.y == first_line_y), key=lambda r: r.x)
    assert last.x < right
