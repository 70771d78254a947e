"""Build tests/corpus_formats/: real pages of tests/corpus_real as people download them in
other formats (issue 14). Run once; the outputs are committed.

For each page named below:
- NAME.docx: the page's lines as the body's paragraphs (its site chrome included), a header
  part with the site's name and a watermark shape (WordArt, as Word writes one), and a footer
  with the site's address and a PAGE field;
- NAME.pdf: that Word file exported by LibreOffice: a real text layer, the header and footer
  on every page, page numbers;
- NAME.html: the page's lines in the body of a page shaped like a real one: navigation, a
  breadcrumb, the article, a sidebar of related links, comments, a footer.
NAME.expected.json is the labelled page's answer: every format must read as the .txt does.
"""
from __future__ import annotations

import html
import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import docx
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import parse_xml
from docx.shared import Mm, Pt

ROOT = Path(__file__).resolve().parent.parent
REAL = ROOT / "tests" / "corpus_real"
SHARED = ROOT.parent / "shared" / "corpus"  # seed_original: the real speech the project started from
OUT = ROOT / "tests" / "corpus_formats"
PAGES = ["r_wendang9_huansong", "r_xbkfb_kaixue_plain", "r_sdut_xiaozhang_jiaodaihui", "r_wenyg_gongan_jixi",
         "h_1mishu_zhengxie", "r_wmjy_lianghui", "r_0149_wusi_biaozhang", "r_laobiganzi_zhuchi",
         "r_kankanews_guoqing_zhici", "seed_original"]
SITE = "公文范文网"
WATERMARK = "仅供学习 禁止外传"
WORDART = (
    '<w:r xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" '
    'xmlns:v="urn:schemas-microsoft-com:vml" xmlns:o="urn:schemas-microsoft-com:office:office">'
    '<w:pict><v:shape id="PowerPlusWaterMarkObject1" o:spid="_x0000_s2049" type="#_x0000_t136" '
    'style="position:absolute;margin-left:0;margin-top:0;width:415pt;height:138pt;rotation:315;z-index:-1" '
    'fillcolor="silver" stroked="f"><v:fill opacity=".5"/>'
    f'<v:textpath style="font-family:&quot;宋体&quot;;font-size:1pt" string="{WATERMARK}"/></v:shape></w:pict></w:r>')
PAGE_FIELD = ('<w:fldSimple xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" '
              'w:instr=" PAGE "><w:r><w:t>1</w:t></w:r></w:fldSimple>')


def source(name: str) -> Path:
    return REAL / f"{name}.txt" if (REAL / f"{name}.txt").exists() else SHARED / f"{name}.txt"


def layout(name: str) -> list[tuple[str, str]]:
    """The page's lines with their layout as a Word file or a page sets it: a line set far in
    ("centre", if short), one set in ("indent"), or neither (""). A blank line stays (an empty
    paragraph), as when the text is pasted into Word."""
    out = []
    for line in source(name).read_text(encoding="utf-8").splitlines():
        lead = len(line) - len(line.lstrip(" \t\u3000"))
        # a short line set far in is centred (a title); a long one is a paragraph set in
        out.append((line.strip(), "centre" if lead >= 6 and len(line.strip()) <= 40 else "indent" if lead else ""))
    return out


def lines(name: str) -> list[str]:
    return [text for text, _ in layout(name)]


def make_docx(name: str, path: Path) -> None:
    d = docx.Document()
    # A4 and 三号 (16 pt), as offices set a speech: a page of a real download holds two to five pages
    d.sections[0].page_width, d.sections[0].page_height = Mm(210), Mm(297)
    d.styles["Normal"].font.size = Pt(16)
    for line, how in layout(name):
        p = d.add_paragraph(line)
        if how == "centre":
            p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        elif how == "indent":
            p.paragraph_format.first_line_indent = Pt(21)
    section = d.sections[0]
    header = section.header.paragraphs[0]
    header.text = f"{SITE} www.gongwen-example.cn"
    header._p.append(parse_xml(WORDART))
    footer = section.footer.paragraphs[0]
    footer.text = "更多范文请访问 www.gongwen-example.cn  第 "
    footer._p.append(parse_xml(PAGE_FIELD))
    footer.add_run(" 页")
    d.save(path)


def make_html(name: str, path: Path) -> None:
    style = {"centre": ' style="text-align:center"', "indent": ' style="text-indent:2em"', "": ""}
    body = "\n".join(f"<p{style[how]}>{html.escape(l) or '&nbsp;'}</p>" for l, how in layout(name))
    path.write_text(f"""<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="gb2312"><title>{html.escape(next(l for l in lines(name) if l))} - {SITE}</title>
<style>body {{ font-family: SimSun; }} .nav li {{ display: inline; }}</style>
<script>var _hmt = _hmt || []; (function() {{ var hm = document.createElement("script"); }})();</script>
</head><body>
<div id="top" class="topbar"><a href="/">登录</a> | <a href="/reg">注册</a></div>
<header><nav class="nav"><ul><li><a href="/">首页</a></li><li><a href="/jh">讲话稿</a></li>
<li><a href="/zj">工作总结</a></li><li><a href="/fa">方案</a></li></ul></nav></header>
<div class="breadcrumb">当前位置：<a href="/">首页</a> &gt; <a href="/jh">讲话稿</a> &gt; 正文</div>
<div class="main"><article class="content">
{body}
</article>
<aside class="sidebar"><h3>相关推荐</h3><ul><li><a href="/a1">在全县安全生产工作会议上的讲话</a></li>
<li><a href="/a2">在全市经济工作会议上的讲话</a></li></ul></aside></div>
<div class="comments" id="comments"><h3>网友评论</h3><p>写得很好，收藏了！</p><p>感谢分享。</p></div>
<footer class="footer"><p>Copyright © 2024 {SITE} 版权所有 京ICP备00000000号</p></footer>
</body></html>
""", encoding="gb18030")


def main(argv: list[str]) -> int:
    """`make_format_fixtures.py` builds the committed set; `--all DIR` builds every page of
    tests/corpus_real into DIR, to measure the readers more widely than the committed set."""
    global OUT, PAGES
    if argv[:1] == ["--all"] and len(argv) == 2:
        OUT = Path(argv[1])
        PAGES = sorted(p.stem for p in REAL.glob("*.txt"))
    OUT.mkdir(exist_ok=True)
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if not soffice:
        sys.exit("make_format_fixtures: LibreOffice is needed for the PDFs")
    with tempfile.TemporaryDirectory() as tmp:
        for name in PAGES:
            make_docx(name, OUT / f"{name}.docx")
            make_html(name, OUT / f"{name}.html")
            expected = json.loads(source(name).with_suffix(".expected.json").read_text(encoding="utf-8"))
            (OUT / f"{name}.expected.json").write_text(json.dumps(expected, ensure_ascii=False, indent=1) + "\n",
                                                       encoding="utf-8")
        subprocess.run([soffice, f"-env:UserInstallation=file://{tmp}/profile", "--headless", "--convert-to", "pdf",
                        "--outdir", str(OUT), *[str(OUT / f"{n}.docx") for n in PAGES]], check=True,
                       capture_output=True, timeout=600)
    print(f"make_format_fixtures: {len(PAGES)} pages as .docx, .pdf and .html in {OUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
