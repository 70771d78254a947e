"""The PDF's fonts: embedded as installed without a cache, slim subsets, and the fast path's
kept parse and subsetter, which must make what reportlab makes (write/pdf/fonts.py, fast.py)."""
from __future__ import annotations

import io
import os
import subprocess
import sys
import textwrap
import zlib

import pytest
from fontTools.ttLib import TTFont as FTFont
from pypdf import PdfReader
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

from conftest import (HINTING, ROOT, SAMPLE_TEXT, cff_cjk_face, face_of, is_cff, make_document,
                      small_truetype_face)
from pipeline.fonts import prepare as fontprep
from pipeline.model import Block, Document
from pipeline.typeset.profile import FontFamily, load_profile
from pipeline.write.pdf import fast
from pipeline.write.typesetter import render_pdf
from pipeline.write.typesetter import typesetter_for


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
        from pipeline.write.typesetter import render_pdf
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


def test_a_kept_parse_makes_the_same_font_as_parsing(cache):
    ff = small_truetype_face()
    part = fontprep.prepare(ff.path, ff.index).base
    fresh = TTFont("fresh", io.BytesIO(part.data), asciiReadable=0)
    first = fast.parsed_font("first", part)  # parses, keeps the parse
    kept = list(cache.glob(f"*{fast.PARSE_SUFFIX}"))
    assert len(kept) == 1
    mtime = kept[0].stat().st_mtime_ns
    again = fast.parsed_font("again", part)  # from the kept parse
    assert kept[0].stat().st_mtime_ns == mtime
    for tt in (first, again):
        assert set(vars(tt)) == set(vars(fresh))
        assert (tt._asciiReadable, tt.shapable) == (fresh._asciiReadable, fresh.shapable)
        mine, theirs = vars(tt.face), vars(fresh.face)
        # our subsetter (same_subsets_as_reportlab); what reportlab reads only while parsing, emptied
        assert set(mine) == set(theirs) | {"makeSubset"}
        assert all(mine[k] == {} for k in fast.EMPTIED)
        assert tt.face.get_table("glyf") == fresh.face.get_table("glyf")
        for key in set(theirs) - set(fast.EMPTIED):
            if key == "_pdfScale":
                assert mine[key](1234) == theirs[key](1234)
            elif key != "filename":
                assert mine[key] == theirs[key] and type(mine[key]) is type(theirs[key]), key
    # and they number a text's glyphs and embed its subset alike (not through reportlab's
    # registry, which would hand both names the font of the face registered first)
    class Doc:  # what splitString keeps its numbering by
        pass
    text = "Speech 2026, page 1."
    (subset, codes), = again.splitString(text, Doc())
    assert [(subset, codes)] == fresh.splitString(text, Doc())
    used = sorted({ord(ch) for ch in text})
    assert again.face.makeSubset(used) == fresh.face.makeSubset(used)


@pytest.mark.parametrize("family", ["Noto Serif CJK SC", "LXGW WenKai", "Liberation Serif"])
def test_subsets_are_reportlabs_bytes(family):
    """The prepared faces the speeches are set in: converted CFF (Noto), TrueType (the others)."""

    if not face_of(family):
        pytest.skip(f"{family} is not installed")
    font = typesetter_for(load_profile()).pdf_fonts.chain(FontFamily("test", family, family, (family,))).first
    same_subsets_as_reportlab(pdfmetrics.getFont(font.name).face)


def test_a_damaged_or_stale_kept_parse_is_made_anew(cache):

    ff = small_truetype_face()
    part = fontprep.prepare(ff.path, ff.index).base
    fast.parsed_font("one", part)
    kept, = cache.glob(f"*{fast.PARSE_SUFFIX}")
    for damage in (b"", b"\x00garbage", kept.read_bytes()[:100]):
        kept.write_bytes(damage)
        tt = fast.parsed_font("two", part)
        assert tt.face.charToGlyph[ord("A")]
        assert kept.read_bytes() not in (b"", b"\x00garbage") and len(kept.read_bytes()) > 1000
    # a parse kept for other bytes (a font rebuilt under the same name) is not used
    other_face = next((f for f in map(face_of, ("DejaVu Serif", "Liberation Serif", "DejaVu Sans"))
                       if f and not is_cff(f) and f.path != ff.path), None)
    if other_face:
        other = fontprep.prepare(other_face.path, other_face.index).base.data
        tt = fast.parsed_font("three", fontprep.Part(part.path, other, zlib.crc32(other)))
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
    wqy_profile = load_profile(str(path))
    doc = Document([Block("title", "在全县工作会议上的讲话"),
                                        Block("paragraph", SAMPLE_TEXT * 3)])
    for _ in range(2):  # the first run may parse and keep; the second reads the kept parse
        pdf = render_pdf(doc, wqy_profile)
        text = "".join(PdfReader(io.BytesIO(pdf)).pages[0].extract_text().split())
        assert SAMPLE_TEXT in text

    font = typesetter_for(wqy_profile).pdf_fonts.chain(wqy_profile.fonts["fangsong"]).first
    same_subsets_as_reportlab(pdfmetrics.getFont(font.name).face, composites_at_least=50)


def same_subsets_as_reportlab(face, composites_at_least: int = 0) -> None:
    """Our subsetter (fast.fast_subsetter) makes reportlab's bytes: for subsets of
    256 codes in the order a speech meets them, codes the font lacks, and composite glyphs."""
    import random
    import struct

    from reportlab.pdfbase.ttfonts import TTFontFile

    # on the fast path the registered faces embed through it (on the public path, reportlab's own)
    assert face.makeSubset.__qualname__.startswith("fast_subsetter") == fast.ACTIVE
    ours = fast.fast_subsetter(face)
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
            assert ours(subset) == TTFontFile.makeSubset(face, subset)


def test_subsets_of_every_kind_of_composite_glyph_are_reportlabs_bytes():
    """Composite glyphs with word arguments, a scale, x and y scales, a 2x2 transform, nested
    two deep, and subsets big enough for a long loca table: the installed fonts have none of
    these, so a font is built here with them."""
    from fontTools.fontBuilder import FontBuilder
    from fontTools.pens.ttGlyphPen import TTGlyphPen
    from fontTools.ttLib.tables._g_l_y_f import Glyph, GlyphComponent
    from reportlab.pdfbase.ttfonts import TTFontFile


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
        made = fast.fast_subsetter(face)(subset)
        assert made == TTFontFile.makeSubset(face, subset), what
    assert len(fast.fast_subsetter(face)(subsets["long loca"])) > 2 * 0xFFFF  # the long loca format
