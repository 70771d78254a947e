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
import time
from pathlib import Path

import pytest
from fontTools.misc.roundTools import otRound
from fontTools.pens.areaPen import AreaPen
from fontTools.pens.boundsPen import BoundsPen
from fontTools.ttLib import TTFont as FTFont
from pypdf import PdfReader
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

from conftest import HINTING, ROOT, SAMPLE_TEXT, built, cff_cjk_face, draw, small_truetype_face, truetype_face
from pipeline.fonts import prepare as fontprep


def entries(folder: Path, suffix: str = ".ttf") -> list[Path]:
    return sorted(folder.glob(f"*{suffix}"))


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
    """A prepared part registered with reportlab under a face name of its own: reportlab hands
    every font of one face name the font registered first, and the writer's must stay its own."""
    font = FTFont(io.BytesIO(part.data))
    font["name"].setName(name, 6, 3, 1, 0x409)
    renamed = io.BytesIO()
    font.save(renamed)
    tt = TTFont(name, io.BytesIO(renamed.getvalue()))
    pdfmetrics.registerFont(tt)
    return tt


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
    assert FTFont(io.BytesIO(part.data))["name"].getDebugName(6) == "TestCFF-Regular-u0095"


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
    assert not list(cache.glob(".*.part"))  # no temporary file left behind


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
