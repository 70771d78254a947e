"""The Word, PDF and web-page readers (issue 14): each ends in the same text, blocks and model
as the labelled .txt of the same page.

tests/corpus_formats holds real pages of tests/corpus_real (and the seed speech) as people
download them: a Word file with the site's header, footer (a PAGE field) and a WordArt
watermark in its header part; the PDF LibreOffice exports from it (a real text layer, running
heads and page numbers on every page); and a saved web page with navigation, breadcrumb,
sidebar, comments and footer around the text, declared GB2312. scripts/make_format_fixtures.py
made them.
"""
from __future__ import annotations

import email.policy
import io
import json
from email.message import EmailMessage

import docx
import pytest
from docx.oxml import parse_xml
from reportlab.lib.pagesizes import A4
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas

from conftest import REAL_CORPUS, ROOT, SHARED
from pipeline.read import read_speech
from pipeline.read.docx_source import read_docx
from pipeline.read.html_source import read_html
from pipeline.read.pdf_source import read_pdf
from pipeline.read.sources import kind_of

FORMATS = ROOT / "tests" / "corpus_formats"
PAGES = sorted(p.name.removesuffix(".expected.json") for p in FORMATS.glob("*.expected.json"))
# What make_format_fixtures.py put around each page: none of it may reach the speech.
FURNITURE = ["gongwen-example", "公文范文网", "更多范文请访问", "仅供学习", "网友评论", "写得很好", "相关推荐",
             "版权所有", "京ICP备", "注册"]


def raw_txt(name: str) -> bytes:
    path = REAL_CORPUS / f"{name}.txt"
    return (path if path.exists() else SHARED / "corpus" / f"{name}.txt").read_bytes()


@pytest.fixture(scope="module")
def read(scorer):
    """page, format -> (score, model JSON)"""
    out = {}
    for name in PAGES:
        expected = json.loads((FORMATS / f"{name}.expected.json").read_text(encoding="utf-8"))
        for fmt in ("docx", "pdf", "html"):
            path = FORMATS / f"{name}.{fmt}"
            got = read_speech(path.read_bytes(), str(path)).to_json()
            out[name, fmt] = (scorer.score(expected, got, scorer.decode_raw(raw_txt(name))), got)
    return out


def test_the_fixtures_are_real_pages_of_several_sites():
    sources = [json.loads((FORMATS / f"{n}.expected.json").read_text(encoding="utf-8"))["source"] for n in PAGES]
    sites = {s.split("/")[2] for s in sources if "://" in s}  # and the seed speech, downloaded before the project
    assert len(PAGES) >= 10 and len(sites) >= 8
    assert all((FORMATS / f"{n}.{fmt}").exists() for n in PAGES for fmt in ("docx", "pdf", "html"))


@pytest.mark.parametrize("fmt", ["docx", "pdf", "html"])
def test_each_format_reads_as_the_labelled_text(read, fmt):
    """The acceptance of issue 14, per format: blocks >= 97%, nothing lost, nothing leaked."""
    right = total = lost = 0
    leaked = []
    for name in PAGES:
        score, got = read[name, fmt]
        right, total = right + score["blocks"][0], total + score["blocks"][1]
        lost += score["lost"]
        leaked += score["leaked"]
        assert got["reader"] == fmt
        text = "".join(b["text"] for b in got["blocks"])
        assert not [f for f in FURNITURE if f in text], (name, fmt)
    assert right / total >= 0.97, f"{fmt}: blocks {right}/{total}"
    assert lost == 0 and leaked == []


def test_the_word_files_header_footer_and_watermark_are_recorded_as_furniture(read):
    for name in PAGES:
        reasons = {r["reason"]: r["text"] for r in read[name, "docx"][1]["removed"] if r["line"] == 0}
        assert "公文范文网" in reasons["the Word file's header (site furniture)"]
        assert "更多范文请访问" in reasons["the Word file's footer (site furniture)"]
        assert reasons["a shape in the Word file's header: a watermark (site furniture)"] == "仅供学习 禁止外传"


def test_a_pdfs_running_heads_and_page_numbers_are_known_by_their_place(read):
    """seed_original runs to seven pages: a head and a foot on each, every one recorded."""
    removed = [r for r in read["seed_original", "pdf"][1]["removed"] if r["line"] == 0]
    pages = {r["reason"].split("on page ")[1].split()[0] for r in removed if "running head or foot" in r["reason"]}
    assert pages == {str(n) for n in range(1, 8)}
    assert "更多范文请访问 www.gongwen-example.cn 第 7 页" in {r["text"] for r in removed}


def test_a_web_pages_frame_is_recorded_as_site_chrome(read):
    for name in PAGES:
        removed = read[name, "html"][1]["removed"]
        chrome = " ".join(r["text"] for r in removed if "site chrome" in r["reason"] and r["line"] == 0)
        for frame in ("首页", "当前位置", "相关推荐", "网友评论", "版权所有"):
            assert frame in chrome, (name, frame)


def test_a_web_page_is_decoded_by_its_own_declaration():
    page = FORMATS / "r_wmjy_lianghui.html"
    source = read_html(page.read_bytes())
    assert source.encoding == "gb18030 (web page)"  # declared gb2312: read as its superset
    assert "决战决胜脱贫攻坚" in source.text


def test_a_saved_web_archive_reads_as_the_page(scorer):
    """.mhtml, as Chrome and Edge save a page: a MIME message holding the HTML part."""
    page = FORMATS / "r_wmjy_lianghui.html"
    message = EmailMessage(policy=email.policy.SMTP)
    message["Subject"] = "saved page"
    message.make_related()
    message.add_related(page.read_bytes(), maintype="text", subtype="html", cte="quoted-printable")
    message.get_payload()[0].set_param("charset", "gb2312")
    mhtml = b"MIME-Version: 1.0\r\n" + message.as_bytes()
    assert kind_of(mhtml) == "mhtml"
    got = read_speech(mhtml, "page.mhtml").to_json()
    expected = json.loads((FORMATS / "r_wmjy_lianghui.expected.json").read_text(encoding="utf-8"))
    assert got["blocks"] == read_speech(page.read_bytes(), "page.html").to_json()["blocks"]
    assert scorer.score(expected, got, "")["blocks"][0] == len(expected["blocks"])


def test_a_file_is_read_for_what_it_is_whatever_its_name():
    pdf = (FORMATS / "r_wmjy_lianghui.pdf").read_bytes()
    docx_bytes = (FORMATS / "r_wmjy_lianghui.docx").read_bytes()
    assert read_speech(pdf, "讲话.txt").reader == "pdf"
    assert read_speech(docx_bytes, "讲话.pdf").reader == "docx"
    assert read_speech(raw_txt("r_wmjy_lianghui"), "讲话.docx").reader == "text"


def _docx_bytes(document) -> bytes:
    buf = io.BytesIO()
    document.save(buf)
    return buf.getvalue()


W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'


def test_a_word_files_fields_hyperlinks_and_line_breaks_are_its_visible_text():
    d = docx.Document()
    d.add_paragraph("在全县工作会议上的讲话")
    p = d.add_paragraph("同志们：今天是")
    p._p.append(parse_xml(f'<w:fldSimple {W} w:instr=" DATE "><w:r><w:t>2024年3月1日</w:t></w:r></w:fldSimple>'))
    p._p.append(parse_xml(f'<w:r {W}><w:fldChar w:fldCharType="begin"/></w:r>'))
    p._p.append(parse_xml(f'<w:r {W}><w:instrText> HYPERLINK "http://x.cn" </w:instrText></w:r>'))
    p._p.append(parse_xml(f'<w:r {W}><w:fldChar w:fldCharType="separate"/></w:r>'))
    p._p.append(parse_xml(f'<w:r {W}><w:t>，我们召开会议</w:t></w:r>'))
    p._p.append(parse_xml(f'<w:r {W}><w:fldChar w:fldCharType="end"/></w:r>'))
    p._p.append(parse_xml(f'<w:hyperlink {W}><w:r><w:t>。</w:t></w:r></w:hyperlink>'))
    p._p.append(parse_xml(f'<w:r {W}><w:delText>删去的字</w:delText></w:r>'))
    q = d.add_paragraph("第一行")
    q.add_run().add_break()
    q.add_run("第二行")
    source = read_docx(_docx_bytes(d))
    assert source.text.splitlines() == ["在全县工作会议上的讲话", "同志们：今天是2024年3月1日，我们召开会议。", "第一行",
                                        "第二行"]


def test_a_text_box_in_the_body_is_furniture_not_speech():
    d = docx.Document()
    d.add_paragraph("在全县工作会议上的讲话")
    p = d.add_paragraph("同志们：今天我们召开会议。")
    p._p.append(parse_xml(
        f'<w:r {W} xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape">'
        '<w:txbxContent><w:p><w:r><w:t>扫码关注公众号</w:t></w:r></w:p></w:txbxContent></w:r>'))
    source = read_docx(_docx_bytes(d))
    assert "扫码" not in source.text
    assert [(r.text, r.reason) for r in source.removed] == [
        ("扫码关注公众号", "the Word file's text box or shape (site furniture)")]


def test_a_word_files_centred_and_indented_paragraphs_are_shown_as_a_text_copy_shows_them():
    d = docx.Document()
    d.add_paragraph("在全县工作会议上的讲话").alignment = 1  # centred
    d.add_paragraph("同志们：")
    d.add_paragraph("今天我们召开会议。").paragraph_format.first_line_indent = docx.shared.Pt(32)
    lines = read_docx(_docx_bytes(d)).text.splitlines()
    assert lines[0].startswith(" " * 6) and lines[2] == "\u3000\u3000今天我们召开会议。"


def _pdf(draw) -> bytes:
    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4)
    c.setFont("STSong-Light", 16)
    draw(c)
    c.save()
    return buf.getvalue()


def test_text_a_pdf_draws_but_nobody_sees_is_dropped_and_recorded():
    def draw(c):
        c.drawString(90, 700, "在全县工作会议上的讲话")
        c.drawString(90, 670, "同志们：今天我们召开全县工作会议。")
        c.setFillColorRGB(1, 1, 1)
        c.drawString(90, 640, "白色的范文网关键词")
        c.setFillColorRGB(0, 0, 0)
        t = c.beginText(90, 610)
        t.setFont("STSong-Light", 16)
        t.setTextRenderMode(3)
        t.textLine("不可见的文字")
        c.drawText(t)
        c.drawString(700, 580, "页面外的文字")
        c.setFont("STSong-Light", 0.1)
        c.drawString(90, 550, "极小的文字")

    source = read_pdf(_pdf(draw))
    assert source.text.splitlines() == ["在全县工作会议上的讲话", "同志们：今天我们召开全县工作会议。"]
    assert sorted(r.text for r in source.removed) == sorted(["白色的范文网关键词", "不可见的文字", "页面外的文字", "极小的文字"])
    assert {r.reason for r in source.removed} == {"text the PDF draws invisible on page 1 (hidden filler)"}


def test_a_line_the_pdfs_edge_broke_is_joined_and_a_paragraphs_end_is_not():
    """Wrapped at the right edge: one paragraph; a short line ends its paragraph; a line whose
    next word (a character with its closing mark) would not have fitted was broken by the edge."""
    def draw(c):
        c.drawString(90, 760, "在全县工作会议上的讲话")
        c.drawString(90, 730, "同志们：" + "今天我们召开全县工作会议主要任务是总结去年工作部")  # 29 characters: to the edge
        c.drawString(90, 710, "署今年任务。")
        c.drawString(90, 690, "这是第二段。")
        c.drawString(90, 670, "下面我讲三点意见请大家认真抓好落实确保各项工作取")  # 24: three short of it
        c.drawString(90, 650, "得，实效。")

    lines = read_pdf(_pdf(draw)).text.splitlines()
    assert lines == ["在全县工作会议上的讲话", "同志们：今天我们召开全县工作会议主要任务是总结去年工作部署今年任务。", "这是第二段。",
                     "下面我讲三点意见请大家认真抓好落实确保各项工作取得，实效。"]
