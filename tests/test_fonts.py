"""Prepared fonts (fontprep): PostScript-outline fonts converted to TrueType, slim copies of
TrueType fonts, the on-disk cache (reuse, corruption, parallel processes, no writable folder),
characters beyond the base part, and fontconfig style candidates (fonts.py)."""
from __future__ import annotations

import io
import json
import os
import shutil
import subprocess
import sys
import textwrap
import time
import zlib
from pathlib import Path

import pytest
from fontTools.misc.roundTools import otRound
from fontTools.pens.areaPen import AreaPen
from fontTools.pens.boundsPen import BoundsPen
from fontTools.ttLib import TTFont as FTFont
from pypdf import PdfReader
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

from conftest import ROOT, make_document
from pipeline.fonts import prepare as fontprep
from pipeline.fonts.find import FontFile, _index, find_fonts, installed_fonts
from pipeline.model import Block, Document
from pipeline.typeset.profile import FontFamily
from pipeline.write.pdf import render_pdf

SAMPLE_TEXT = "中华人民共和国全面从严治党工作会议，讲话。"
HINTING = {"fpgm", "prep", "cvt ", "hdmx", "LTSH", "VDMX", "kern", "DSIG", "GSUB", "GPOS", "vmtx", "CFF "}


@pytest.fixture
def cache(tmp_path, monkeypatch) -> Path:
    """A fresh, empty font cache for one test."""
    folder = tmp_path / "cache"
    monkeypatch.setenv(fontprep.ENV_CACHE, str(folder))
    return folder


def built() -> int:
    return fontprep.STATS["built"]


def entries(folder: Path, suffix: str = ".ttf") -> list[Path]:
    return sorted(folder.glob(f"*{suffix}"))


def face_of(family: str) -> FontFile | None:
    found = find_fonts([family])
    return found[0] if found else None


def is_cff(ff: FontFile) -> bool:
    font = FTFont(ff.path, fontNumber=ff.index, lazy=True)
    return "CFF " in font or "CFF2" in font


def cff_cjk_face() -> FontFile | None:
    """An installed CJK font with PostScript outlines: Noto Sans/Serif CJK SC (fonts-noto-cjk)."""
    for family in ("Noto Sans CJK SC", "Noto Serif CJK SC", "Source Han Sans SC", "Source Han Serif SC"):
        ff = face_of(family)
        if ff and is_cff(ff):
            return ff
    return None


def truetype_face() -> FontFile:
    for family in ("AR PL SungtiL GB", "AR PL UMing CN", "WenQuanYi Micro Hei", "Liberation Serif", "DejaVu Serif"):
        ff = face_of(family)
        if ff and not is_cff(ff):
            return ff
    pytest.skip("no TrueType font of the profile's candidates is installed")


def small_truetype_face() -> FontFile:
    """A Latin TrueType face: prepared in a fraction of a second, where a CJK face's base part
    takes seconds (for the tests of the cache's workings, which any font shows)."""
    for family in ("Liberation Serif", "DejaVu Serif"):
        ff = face_of(family)
        if ff and not is_cff(ff):
            return ff
    return truetype_face()


def make_cff_font(path: Path) -> Path:
    """A small OpenType/CFF font: cubic outlines for 一 丁 (GB2312, the base part) and 镕 (GBK
    only, a part of its own), 1000 units per em."""
    from fontTools.fontBuilder import FontBuilder
    from fontTools.pens.t2CharStringPen import T2CharStringPen

    chars = {0x4E00: 0, 0x4E01: 1, 0x9555: 2}
    names = [".notdef"] + [f"uni{cp:04X}" for cp in chars]
    fb = FontBuilder(1000, isTTF=False)
    fb.setupGlyphOrder(names)
    fb.setupCharacterMap({cp: f"uni{cp:04X}" for cp in chars})
    charstrings = {}
    for k, name in enumerate(names):
        pen = T2CharStringPen(1000, None)
        pen.moveTo((100, 100 + 10 * k))
        pen.curveTo((100, 600), (400, 800), (500, 800))
        pen.curveTo((700, 800), (900, 500), (900, 100))
        pen.closePath()
        charstrings[name] = pen.getCharString()
    fb.setupCFF("TestCFF-Regular", {"FullName": "Test CFF"}, charstrings, {})
    fb.setupHorizontalMetrics({n: (1000, 100) for n in names})
    fb.setupHorizontalHeader(ascent=880, descent=-120)
    fb.setupNameTable({"familyName": "Test CFF", "styleName": "Regular", "psName": "TestCFF-Regular"})
    fb.setupOS2(sTypoAscender=880, sTypoDescender=-120, usWinAscent=880, usWinDescent=120)
    fb.setupPost()
    fb.save(str(path))
    return path


def register(part: fontprep.Part, name: str) -> TTFont:
    font = TTFont(name, io.BytesIO(part.data))
    pdfmetrics.registerFont(font)
    return font


def draw(font_name: str, text: str) -> bytes:
    buf = io.BytesIO()
    c = Canvas(buf, invariant=1, initialFontName=font_name)
    c.setFont(font_name, 24)
    c.drawString(72, 720, text)
    c.showPage()
    c.save()
    return buf.getvalue()


def same_outline(source, converted, name_src: str, name_conv: str, upm: int) -> None:
    """The prepared outline is the source's on the prepared grid: bounds within 2 units of
    1/256 em (cu2qu keeps within one, rounding adds half) and area within 3 %, both in em."""
    grid = fontprep.PREPARED_UPM

    def measure(glyphs, name, units):
        bounds, area = BoundsPen(glyphs), AreaPen(glyphs)
        glyphs[name].draw(bounds)
        glyphs[name].draw(area)
        return [v / units for v in bounds.bounds], abs(area.value) / units ** 2
    (b1, a1), (b2, a2) = measure(source, name_src, upm), measure(converted, name_conv, grid)
    assert all(abs(x - y) <= 2 / grid for x, y in zip(b1, b2)), (name_src, b1, b2)
    assert abs(a1 - a2) <= 0.03 * a1, (name_src, a1, a2)  # a thin stroke, rounded, gains or loses more


def on_grid(value: float, upm: int) -> int:
    """A source measure in font units, on the prepared grid."""
    return otRound(value * fontprep.PREPARED_UPM / upm)


# --- PostScript (CFF) outlines --------------------------------------------------------------

def test_a_cff_font_is_converted_to_truetype(cache, tmp_path):
    source = make_cff_font(tmp_path / "test-cff.otf")
    font = fontprep.prepare(str(source))
    assert font.outlines == "CFF"
    prepared = FTFont(io.BytesIO(font.base.data))
    assert "glyf" in prepared and "CFF " not in prepared
    assert sorted(prepared.getBestCmap()) == [0x4E00, 0x4E01]  # the base part: GB2312, not 镕
    src = FTFont(str(source))
    for cp in (0x4E00, 0x4E01):
        same_outline(src.getGlyphSet(), prepared.getGlyphSet(), src.getBestCmap()[cp], prepared.getBestCmap()[cp], 1000)
    assert prepared["head"].unitsPerEm == fontprep.PREPARED_UPM
    assert prepared["hmtx"][prepared.getBestCmap()[0x4E00]][0] == fontprep.PREPARED_UPM  # a full em, exactly
    tt = register(font.base, "test-cff-base")
    assert abs(tt.face.ascent - 880) <= 2 and abs(tt.face.descent + 120) <= 2  # on the 1/256 em grid
    assert "一丁" in PdfReader(io.BytesIO(draw("test-cff-base", "一丁"))).pages[0].extract_text()


def test_characters_beyond_the_base_part_are_prepared_on_demand(cache, tmp_path):
    font = fontprep.prepare(str(make_cff_font(tmp_path / "test-cff.otf")))
    assert font.covers(0x9555) and not font.covers(0x9556)
    assert font.part(0x4F) is None  # the font has nothing in U+4F00…U+4FFF
    part = font.part(0x95)
    assert sorted(FTFont(io.BytesIO(part.data)).getBestCmap()) == [0x9555]
    register(part, "test-cff-u0095")
    assert "镕" in PdfReader(io.BytesIO(draw("test-cff-u0095", "镕"))).pages[0].extract_text()
    # its own PostScript name: reportlab would take it for the base part's font otherwise
    assert pdfmetrics.getFont("test-cff-u0095").face.name == b"TestCFF-Regular-u0095"


@pytest.fixture(scope="module")
def noto(tmp_path_factory):
    """An installed CFF CJK face, prepared into an empty cache: (face, prepared font, seconds)."""
    ff = cff_cjk_face()
    if not ff:
        pytest.skip("no CJK font with PostScript (CFF) outlines is installed (Debian: apt-get install fonts-noto-cjk)")
    folder = tmp_path_factory.mktemp("noto-cache")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv(fontprep.ENV_CACHE, str(folder))
        start = time.perf_counter()
        font = fontprep.prepare(ff.path, ff.index)
        seconds = time.perf_counter() - start
    return ff, font, seconds, folder


def test_an_installed_cff_cjk_font_converts_and_draws(noto, tmp_path):
    ff, font, seconds, _ = noto
    assert font.outlines == "CFF"
    assert seconds < 120, f"converting {ff.label} took {seconds:.0f} s"
    src = FTFont(ff.path, fontNumber=ff.index, lazy=True)
    prepared = FTFont(io.BytesIO(font.base.data))
    assert "glyf" in prepared and not HINTING & set(prepared.keys())
    cmap = prepared.getBestCmap()
    assert all(ord(ch) in cmap for ch in SAMPLE_TEXT)
    assert len(cmap) >= 7000  # GB2312's 6763 hanzi and its signs
    upm = src["head"].unitsPerEm
    for ch in "中国党一、":
        same_outline(src.getGlyphSet(), prepared.getGlyphSet(), src.getBestCmap()[ord(ch)], cmap[ord(ch)], upm)
        assert prepared["hmtx"][cmap[ord(ch)]][0] == on_grid(src["hmtx"][src.getBestCmap()[ord(ch)]][0], upm)
    register(font.base, "noto-base")
    pdf = draw("noto-base", SAMPLE_TEXT)
    assert SAMPLE_TEXT in PdfReader(io.BytesIO(pdf)).pages[0].extract_text()
    if shutil.which("pdffonts"):
        path = tmp_path / "noto.pdf"
        path.write_bytes(pdf)
        rows = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout.splitlines()[2:]
        assert len(rows) == 1 and rows[0].split()[-5] == "yes" and "TrueType" in rows[0], rows


def test_the_converted_glyphs_look_like_the_originals(noto):
    """Rasterised by FreeType (Pillow) at 96 px, the converted TrueType glyphs cover the CFF ones'
    pixels: no ink of one is more than two pixels away from ink of the other (FreeType's hinting
    of the CFF original moves a stroke by up to one; the prepared grid of 1/256 em, by up to
    0.56 px at this size). A lost contour or a flipped curve leaves thousands."""
    ImageFont = pytest.importorskip("PIL.ImageFont")
    from PIL import Image, ImageChops, ImageDraw, ImageFilter

    ff, font, _, _ = noto
    def raster(path, index):
        face = ImageFont.truetype(str(path), 96, index=index)
        img = Image.new("L", (96 * len(SAMPLE_TEXT), 130), 0)
        ImageDraw.Draw(img).text((0, 0), SAMPLE_TEXT, font=face, fill=255)
        return img.point(lambda v: 255 if v > 96 else 0)
    def count(img):
        return img.histogram()[255]
    a, b = raster(ff.path, ff.index), raster(font.base.path, 0)
    near_a, near_b = a.filter(ImageFilter.MaxFilter(5)), b.filter(ImageFilter.MaxFilter(5))
    stray = count(ImageChops.subtract(a, near_b)) + count(ImageChops.subtract(b, near_a))
    assert count(a) > 10000
    assert stray < 0.001 * count(a), (stray, count(a))


def test_a_cjk_character_beyond_gb2312_is_drawn_by_its_own_face(noto, monkeypatch):
    ff, font, _, folder = noto
    monkeypatch.setenv(fontprep.ENV_CACHE, str(folder))
    if not font.covers(ord("镕")):
        pytest.skip(f"{ff.label} has no 镕")
    part = font.part(ord("镕") >> 8)
    assert ord("镕") in FTFont(io.BytesIO(part.data)).getBestCmap()
    register(part, "noto-u0095")
    assert "镕" in PdfReader(io.BytesIO(draw("noto-u0095", "镕"))).pages[0].extract_text()


# --- the cache ------------------------------------------------------------------------------

def test_a_prepared_font_is_read_from_the_cache_not_made_again(noto, monkeypatch):
    ff, first, _, folder = noto
    monkeypatch.setenv(fontprep.ENV_CACHE, str(folder))
    n = built()
    start = time.perf_counter()
    again = fontprep.prepare(ff.path, ff.index)
    assert again.base.data == first.base.data
    assert built() == n and time.perf_counter() - start < 1
    # nor in another process
    code = (f"from pipeline.fonts import prepare as fontprep; f = fontprep.prepare({ff.path!r}, {ff.index}); "
            f"f.base; print(fontprep.STATS['built'])")
    proc = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60,
                          env={**os.environ, fontprep.ENV_CACHE: str(folder)})
    assert proc.stdout.strip() == "0", proc.stderr


def test_a_second_load_reads_the_cache_in_this_and_other_processes(cache, tmp_path):
    source = str(make_cff_font(tmp_path / "test-cff.otf"))
    n = built()
    first = fontprep.prepare(source).base
    assert built() == n + 1
    assert fontprep.prepare(source).base == first and built() == n + 1
    code = f"from pipeline.fonts import prepare as fontprep; fontprep.prepare({source!r}).base; print(fontprep.STATS['built'])"
    proc = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60,
                          env={**os.environ, fontprep.ENV_CACHE: str(cache)})
    assert proc.stdout.strip() == "0", proc.stderr


def test_the_cache_key_follows_the_font_file(cache, tmp_path):
    source = make_cff_font(tmp_path / "test-cff.otf")
    fontprep.prepare(str(source)).base  # noqa: B018
    assert len(entries(cache)) == 1
    n = built()
    os.utime(source, ns=(time.time_ns(), time.time_ns() + 10**9))  # "the package was updated"
    fontprep.prepare(str(source)).base  # noqa: B018
    assert built() == n + 1
    assert len(entries(cache)) == 1  # the entry made from the old file is gone


@pytest.mark.parametrize("damage", ["truncated", "garbage", "meta"])
def test_a_corrupt_cache_file_is_rebuilt(cache, tmp_path, damage):
    ff = small_truetype_face()
    good = fontprep.prepare(ff.path, ff.index).base.data
    (ttf,), (meta,) = entries(cache), entries(cache, ".json")
    if damage == "truncated":
        ttf.write_bytes(good[: len(good) // 2])
    elif damage == "garbage":
        ttf.write_bytes(bytes(len(good)))
    else:
        meta.write_text("{not json")
    n = built()
    again = fontprep.prepare(ff.path, ff.index)
    assert built() == n + 1
    assert again.base.data == good == ttf.read_bytes()
    assert json.loads(meta.read_text())["crc32"]
    TTFont("rebuilt-" + damage, io.BytesIO(again.base.data))  # reportlab reads it


def test_two_processes_preparing_the_same_font_convert_it_once(cache, tmp_path):
    source = truetype_face()  # a CJK face: seconds of work, so that the two overlap
    code = (f"from pipeline.fonts import prepare as fontprep; f = fontprep.prepare({source.path!r}, {source.index}); "
            f"print(fontprep.STATS['built'], len(f.base.data))")
    env = {**os.environ, fontprep.ENV_CACHE: str(cache)}
    procs = [subprocess.Popen([sys.executable, "-c", code], cwd=ROOT, env=env, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True) for _ in range(2)]
    results = [p.communicate(timeout=120) for p in procs]
    assert all(p.returncode == 0 for p in procs), results
    counts = [out.split() for out, _ in results]
    assert sum(int(c[0]) for c in counts) == 1 and counts[0][1] == counts[1][1], results
    assert not list(cache.glob(".tmp-*"))  # no temporary file left behind


def test_without_a_writable_cache_truetype_fonts_are_embedded_as_installed(tmp_path):
    """Neither the cache folder nor the temporary folder can be created (a file is in the way):
    the PDF still renders, with the TrueType fonts as installed and a warning; CFF fonts are
    skipped with a warning."""
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    code = textwrap.dedent(f"""
        import io, tempfile
        tempfile.tempdir = {str(blocker / 'tmp')!r}
        from pypdf import PdfReader
        from pipeline.model import Block, Document
        from pipeline.typeset.profile import load_profile
        from pipeline.write.pdf import render_pdf
        pdf = render_pdf(Document([Block("title", "讲话"), Block("paragraph", "同志们，大家好。")]), load_profile())
        print("".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages).replace("\\n", ""))
    """)
    proc = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120,
                          env={**os.environ, fontprep.ENV_CACHE: str(blocker / "cache")})
    assert proc.returncode == 0, proc.stderr
    assert "讲话同志们，大家好。" in proc.stdout
    assert "warning: fonts: no font cache folder can be written" in proc.stderr
    assert proc.stderr.count("no font cache folder") == 1  # once per process, not per font
    if cff_cjk_face():
        assert "is not used: its outlines need converting" in proc.stderr


# --- slim TrueType copies ---------------------------------------------------------------------

def test_a_truetype_font_is_slimmed_with_its_metrics_kept(cache):
    ff = truetype_face()
    font = fontprep.prepare(ff.path, ff.index)
    assert font.outlines == "glyf"
    prepared = FTFont(io.BytesIO(font.base.data))
    assert sorted(prepared.keys()) == sorted(["GlyphOrder", "head", "hhea", "maxp", "OS/2", "hmtx", "cmap",
                                              "loca", "glyf", "name", "post"])
    assert len(prepared.reader["name"]) < 2000
    glyf, order = prepared["glyf"], prepared.getGlyphOrder()
    for g in order[::40] + [prepared.getBestCmap()[cp] for cp in map(ord, "中国党") if cp in prepared.getBestCmap()]:
        if glyf[g].numberOfContours > 0:
            assert not glyf[g].program.getBytecode(), g  # no instructions
    original = TTFont("original", ff.path, subfontIndex=ff.index).face
    slim = TTFont("slim", io.BytesIO(font.base.data)).face
    # reportlab's metrics are in 1/1000 em: the prepared grid's half unit is 2 of them
    for a, b in zip([original.ascent, original.descent, *original.bbox], [slim.ascent, slim.descent, *slim.bbox]):
        assert abs(a - b) <= 2, (original.ascent, original.descent, original.bbox, slim.ascent, slim.descent, slim.bbox)
    assert original.name.startswith(slim.name)  # reportlab adds "-N" to a collection's face
    for ch in "中国，。“”（）—" + "Ab1":
        if ord(ch) in original.charToGlyph and ord(ch) in fontprep.base_chars():
            exact = original.charWidths[ord(ch)] == 1000  # a CJK cell stays exactly one em
            assert abs(original.charWidths[ord(ch)] - slim.charWidths[ord(ch)]) <= (0 if exact else 2), ch
    src = FTFont(ff.path, fontNumber=ff.index, lazy=True)
    upm = src["head"].unitsPerEm
    for ch in "中国党":
        if ord(ch) in src.getBestCmap():
            same_outline(src.getGlyphSet(), prepared.getGlyphSet(), src.getBestCmap()[ord(ch)],
                         prepared.getBestCmap()[ord(ch)], upm)


def test_embedded_fonts_carry_no_hinting_long_names_or_unused_ascii(profile, tmp_path):
    pdf = render_pdf(make_document(2), profile)
    reader = PdfReader(io.BytesIO(pdf))
    seen = set()
    for page in reader.pages:
        for ref in page["/Resources"]["/Font"].values():
            font = ref.get_object()
            stream = font["/FontDescriptor"]["/FontFile2"].get_object()
            if id(stream) in seen:
                continue
            seen.add(id(stream))
            embedded = FTFont(io.BytesIO(stream.get_data()))
            assert not HINTING & set(embedded.reader.keys()), font["/BaseFont"]
            assert len(embedded.reader["name"]) < 2000, font["/BaseFont"]
    # a font's first subset holds what is drawn, not all of ASCII besides
    one = PdfReader(io.BytesIO(render_pdf(Document([Block("paragraph", "一二三")]), profile))).pages[0]
    sizes = [FTFont(io.BytesIO(f.get_object()["/FontDescriptor"]["/FontFile2"].get_object().get_data()))["maxp"].numGlyphs
             for f in one["/Resources"]["/Font"].values()]
    assert sum(sizes) <= len(set("一二三—1")) + 2 * len(sizes), sizes  # and .notdef and the space per font


# --- style candidates -------------------------------------------------------------------------

def test_a_candidate_can_name_a_style():
    rows = [("/f/Serif-Bold.ttc", 2, ["Noto Serif CJK SC"], ["Bold"]),
            ("/f/Serif-Regular.ttc", 2, ["Noto Serif CJK SC"], ["Regular"]),
            ("/f/Kai-Light.ttf", 0, ["LXGW WenKai", "霞鹜文楷"], ["Light", "Regular"])]
    found = _index(rows)
    assert found["noto serif cjk sc"] == FontFile("/f/Serif-Regular.ttc", 2, "Noto Serif CJK SC")
    bold = found["noto serif cjk sc:style=bold"]
    assert (bold.path, bold.index, bold.label) == ("/f/Serif-Bold.ttc", 2, "Noto Serif CJK SC Bold")
    assert found["霞鹜文楷:style=light"].path == "/f/Kai-Light.ttf"
    assert "noto serif cjk sc:style=black" not in found


def test_installed_noto_bold_is_found_by_its_style():
    if not face_of("Noto Serif CJK SC"):
        pytest.skip("Noto Serif CJK SC is not installed (Debian: fonts-noto-cjk)")
    regular, = find_fonts(["Noto Serif CJK SC"])
    bold, = find_fonts(["Noto Serif CJK SC:style=Bold"])
    assert "Bold" in bold.path and "Bold" not in regular.path and bold.label == "Noto Serif CJK SC Bold"
    assert find_fonts(["Noto Serif CJK SC : Style = bold"]) == [bold]
    assert find_fonts(["Noto Serif CJK SC:style=NoSuchStyle"]) == []
    assert installed_fonts()  # fontconfig or the font folders answered


# --- reportlab's parse of a prepared font, kept in the cache --------------------------------

def test_a_kept_parse_makes_the_same_font_as_parsing(cache):
    from pipeline.write import pdf as render_pdf

    ff = small_truetype_face()
    part = fontprep.prepare(ff.path, ff.index).base
    fresh = TTFont("fresh", io.BytesIO(part.data), asciiReadable=0)
    first = render_pdf._parsed_font("first", part)  # parses, keeps the parse
    kept = list(cache.glob(f"*{render_pdf._PARSE_SUFFIX}"))
    assert len(kept) == 1
    mtime = kept[0].stat().st_mtime_ns
    again = render_pdf._parsed_font("again", part)  # from the kept parse
    assert kept[0].stat().st_mtime_ns == mtime
    for tt in (first, again):
        assert set(vars(tt)) == set(vars(fresh))
        assert (tt._asciiReadable, tt.shapable) == (fresh._asciiReadable, fresh.shapable)
        mine, theirs = vars(tt.face), vars(fresh.face)
        # our subsetter (same_subsets_as_reportlab); what reportlab reads only while parsing, emptied
        assert set(mine) == set(theirs) | {"makeSubset"}
        assert all(mine[k] == {} for k in render_pdf._EMPTIED)
        assert tt.face.get_table("glyf") == fresh.face.get_table("glyf")
        for key in set(theirs) - set(render_pdf._EMPTIED):
            if key == "_pdfScale":
                assert mine[key](1234) == theirs[key](1234)
            elif key != "filename":
                assert mine[key] == theirs[key] and type(mine[key]) is type(theirs[key]), key
    # and they draw the same PDF, glyph for glyph
    pdfmetrics.registerFont(again)
    pdfmetrics.registerFont(fresh)
    text = "Speech 2026, page 1."
    assert draw("again", text).replace(b"again", b"fresh") == draw("fresh", text)


@pytest.mark.parametrize("family", ["Noto Serif CJK SC", "LXGW WenKai", "Liberation Serif"])
def test_subsets_are_reportlabs_bytes(family):
    """The prepared faces the speeches are set in: converted CFF (Noto), TrueType (the others)."""
    from pipeline.write import pdf as rp

    if not face_of(family):
        pytest.skip(f"{family} is not installed")
    font = rp.font_chain(FontFamily("test", family, family, (family,))).first
    same_subsets_as_reportlab(pdfmetrics.getFont(font.name).face)


def test_a_damaged_or_stale_kept_parse_is_made_anew(cache):
    from pipeline.write import pdf as render_pdf

    ff = small_truetype_face()
    part = fontprep.prepare(ff.path, ff.index).base
    render_pdf._parsed_font("one", part)
    kept, = cache.glob(f"*{render_pdf._PARSE_SUFFIX}")
    for damage in (b"", b"\x00garbage", kept.read_bytes()[:100]):
        kept.write_bytes(damage)
        tt = render_pdf._parsed_font("two", part)
        assert tt.face.charToGlyph[ord("A")]
        assert kept.read_bytes() not in (b"", b"\x00garbage") and len(kept.read_bytes()) > 1000
    # a parse kept for other bytes (a font rebuilt under the same name) is not used
    other_face = next((f for f in map(face_of, ("DejaVu Serif", "Liberation Serif", "DejaVu Sans"))
                       if f and not is_cff(f) and f.path != ff.path), None)
    if other_face:
        other = fontprep.prepare(other_face.path, other_face.index).base.data
        tt = render_pdf._parsed_font("three", fontprep.Part(part.path, other, zlib.crc32(other)))
        assert tt.face._ttf_data == other
        assert tt.face.charWidths == TTFont("direct", io.BytesIO(other)).face.charWidths


def test_composite_glyphs_embed_from_a_kept_parse(profile, tmp_path):
    """WenQuanYi Micro Hei builds its hanzi from shared components (composite glyphs, whose
    component ids reportlab rewrites for each subset): drawn through a kept parse, twice."""
    wqy = face_of("WenQuanYi Micro Hei")
    if not wqy or is_cff(wqy):
        pytest.skip("WenQuanYi Micro Hei is not installed (Debian: apt-get install fonts-wqy-microhei)")
    path = tmp_path / "wqy.toml"
    path.write_text('base = "gbt9704"\n[fonts.fangsong]\nword = "仿宋_GB2312"\nword_alt = "仿宋"\n'
                    'candidates = ["WenQuanYi Micro Hei"]\n')
    from pipeline.typeset.profile import load_profile

    wqy_profile = load_profile(str(path))
    doc = Document([Block("title", "在全县工作会议上的讲话"),
                                        Block("paragraph", SAMPLE_TEXT * 3)])
    for _ in range(2):  # the first run may parse and keep; the second reads the kept parse
        pdf = render_pdf(doc, wqy_profile)
        text = "".join(PdfReader(io.BytesIO(pdf)).pages[0].extract_text().split())
        assert SAMPLE_TEXT in text
    from pipeline.write import pdf as rp

    font = rp.font_chain(wqy_profile.fonts["fangsong"]).first
    same_subsets_as_reportlab(pdfmetrics.getFont(font.name).face, composites_at_least=50)


def same_subsets_as_reportlab(face, composites_at_least: int = 0) -> None:
    """Our subsetter (render_pdf._fast_subsetter) makes reportlab's bytes: for subsets of
    256 codes in the order a speech meets them, codes the font lacks, and composite glyphs."""
    import random
    import struct

    from reportlab.pdfbase.ttfonts import TTFontFile

    assert face.makeSubset.__qualname__.startswith("_fast_subsetter")
    codes = sorted(face.charToGlyph)
    glyf = face.get_table_pos("glyf")[0]
    composites = [c for c in codes if face.glyphPos[face.charToGlyph[c] + 1] > face.glyphPos[face.charToGlyph[c]]
                  and struct.unpack_from(">h", face._ttf_data, glyf + face.glyphPos[face.charToGlyph[c]])[0] < 0]
    assert len(composites) >= composites_at_least
    rng = random.Random(9704)
    subsets = [codes[:256], rng.sample(codes, min(256, len(codes))), composites[:256],
               [0x10FFFF, *rng.sample(codes, 20), 0xE000], rng.sample(codes, 1)]
    for subset in subsets:
        if subset:
            assert face.makeSubset(subset) == TTFontFile.makeSubset(face, subset)


def test_subsets_of_every_kind_of_composite_glyph_are_reportlabs_bytes():
    """Composite glyphs with word arguments, a scale, x and y scales, a 2x2 transform, nested
    two deep, and subsets big enough for a long loca table: the installed fonts have none of
    these, so a font is built here with them."""
    from fontTools.fontBuilder import FontBuilder
    from fontTools.pens.ttGlyphPen import TTGlyphPen
    from fontTools.ttLib.tables._g_l_y_f import Glyph, GlyphComponent
    from reportlab.pdfbase.ttfonts import TTFontFile

    from pipeline.write import pdf as rp

    def simple(points: int):
        pen = TTGlyphPen(None)
        pen.moveTo((0, 0))
        for i in range(1, points):
            pen.lineTo((i * 3 % 500, i * 7 % 700 - i % 3 * 50))
        pen.closePath()
        return pen.glyph()

    def composite(*parts):
        g = Glyph()
        g.numberOfContours, g.components = -1, []
        for name, x, y, transform in parts:
            c = GlyphComponent()
            c.glyphName, c.x, c.y, c.flags = name, x, y, 0
            if transform is not None:
                c.transform = transform
            g.components.append(c)
        return g

    names = [".notdef", *(f"g{i}" for i in range(400)), "cA", "cB", "cC", "cD"]
    glyphs = {n: simple(200) for n in names[:-4]}
    glyphs["cA"] = composite(("g1", 300, -400, [[0.5, 0], [0, 0.5]]))  # word arguments, a scale
    glyphs["cB"] = composite(("cA", 1, 2, [[0.5, 0], [0, 0.75]]), ("g399", 0, 0, None))  # nested, x and y scales
    glyphs["cC"] = composite(("cB", 1000, 1, [[0.5, 0.2], [0.1, 0.75]]), ("g2", 5, 5, None))  # 2x2, two deep
    glyphs["cD"] = composite(("g398", 10, 10, None))
    fb = FontBuilder(1000, isTTF=True)
    fb.setupGlyphOrder(names)
    fb.setupCharacterMap({0x4E00 + i: n for i, n in enumerate(names[1:])})
    fb.setupGlyf(glyphs)
    fb.setupHorizontalMetrics({n: (600 if i >= 300 else 500 + i % 2 * 100, 0) for i, n in enumerate(names)})
    fb.setupHorizontalHeader(ascent=800, descent=-200)
    fb.setupNameTable({"familyName": "Composites", "styleName": "Regular"})
    fb.setupOS2()
    fb.setupPost()
    fb.setupMaxp()
    buf = io.BytesIO()
    fb.save(buf)
    face = TTFont("composites", io.BytesIO(buf.getvalue()), asciiReadable=0).face
    code = {n: 0x4E00 + names.index(n) - 1 for n in ("cA", "cB", "cC", "cD")}
    subsets = {"composites": [code["cC"], code["cD"], code["cA"], code["cB"]],
               "long loca": sorted(face.charToGlyph)[:256],
               "with a composite": sorted(face.charToGlyph)[100:350] + [code["cC"]],
               "missing codes": [0x10FFFF, 0x4E01]}
    for what, subset in subsets.items():
        made = rp._fast_subsetter(face)(subset)
        assert made == TTFontFile.makeSubset(face, subset), what
    assert len(rp._fast_subsetter(face)(subsets["long loca"])) > 2 * 0xFFFF  # the long loca format
