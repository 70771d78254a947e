"""A prepared font made: the glyphs of some characters of an installed face as a slim TrueType
font on the prepared grid (what fonts/prepare.py keeps in its cache; its docstring says why).

    build(path, index, chars, part) -> (bytes, description)

PostScript (CFF) outlines are scaled and converted to quadratic curves (cu2qu, within half a
unit); TrueType glyphs are chosen, with their components and without their instructions, by
fontTools.subset, and scaled point for point. The tables are only head, hhea, maxp, OS/2,
hmtx, cmap, loca, glyf, name and post (format 3); the name table holds the English copyright,
family, style, full and PostScript names; characters set one to a grid cell take the font's
full-width forms.
"""
from __future__ import annotations

import io
import sys
from contextlib import contextmanager
from pathlib import Path

# What the PDF writer sets one to a grid cell, as it sets Chinese (see _full_width_forms):
# punctuation, symbols and CJK from U+2000 on, and the Latin-1 signs × ÷ ·.
FULL_CELL_FROM = 0x2000
FULL_CELL_SIGNS = frozenset(map(ord, "×÷·"))
KEEP_NAMES = (0, 1, 2, 4, 6)  # copyright, family, style, full name, PostScript name
KEPT_TABLES = ("head", "hhea", "maxp", "OS/2", "hmtx", "cmap", "loca", "glyf", "name", "post")
# Outlines on a grid of 1/256 em: at the 22 pt of a title one unit is 0.03 mm, under one dot
# of a 600 dpi printer, and every coordinate delta fits in one byte (the sample's PDF: 26 %
# smaller than at the sources' 1000 or 2048 units). CJK advances (1000, 1024, 2048 units) stay
# exact; proportional Latin advances move by at most 1/512 em.
PREPARED_UPM = 256
MAX_ERR_EM = 1 / PREPARED_UPM  # cu2qu: largest distance of a quadratic from its cubic curve


class FontPrepError(Exception):
    """The font cannot be prepared (unreadable, no Unicode character map, no outlines)."""


@contextmanager
def _quiet_fonttools():
    """fontTools logs warnings about harmless quirks of old fonts ("too much 'glyf' table data")."""
    import logging  # here: only building needs it, and loading fonts is on every cold start's path

    logger = logging.getLogger("fontTools")
    level = logger.level
    logger.setLevel(logging.ERROR)
    try:
        yield
    finally:
        logger.setLevel(level)


def build(path: str, index: int, chars: frozenset[int], part: str) -> tuple[bytes, dict]:
    """The prepared TrueType font with the source's glyphs for `chars`, and its description."""
    try:
        with _quiet_fonttools():
            return _make(path, index, chars, part)
    except FontPrepError:
        raise
    except Exception as e:  # noqa: BLE001 — a broken font file: fontTools raises anything
        raise FontPrepError(f"{path} (face {index}): cannot be read: {e}") from e


def _make(path: str, index: int, chars: frozenset[int], part: str) -> tuple[bytes, dict]:
    from fontTools.ttLib import TTFont, newTable
    from fontTools.misc.roundTools import otRound
    from fontTools.ttLib.scaleUpem import scale_upem

    src = TTFont(path, fontNumber=index, lazy=True, recalcBBoxes=False, recalcTimestamp=False)
    if "glyf" in src:
        cff = False
    elif "CFF " in src or "CFF2" in src:
        cff = True
    else:
        raise FontPrepError(f"{path} (face {index}): no outlines (a bitmap font?)")
    if cff and part == "base" and sys.stderr.isatty():  # a wait of seconds deserves a word
        print(f"fonts: converting {Path(path).name} (face {index}) to TrueType, once (about 10 s)", file=sys.stderr)
    best = src.getBestCmap()
    if not best:
        raise FontPrepError(f"{path} (face {index}): no Unicode character map")
    notdef = src.getGlyphOrder()[0]
    best = {cp: g for cp, g in best.items() if g != notdef}
    cmap = _full_width_forms(src, {cp: g for cp, g in best.items() if cp in chars})

    glyphs, metrics = (_cff_glyphs if cff else _tt_glyphs)(src, [notdef, *cmap.values()])
    order = sorted(glyphs, key=src.getGlyphID)  # .notdef first, the source's order

    font = TTFont(recalcBBoxes=cff, recalcTimestamp=False)  # TrueType glyphs keep their (scaled) boxes
    font.setGlyphOrder(order)
    for tag in ("head", "hhea", "OS/2"):
        font[tag] = src[tag]
    font["head"].glyphDataFormat = 0
    font["name"] = _slim_names(src, path, "" if part == "base" else part)
    font["post"] = post = src["post"]
    post.formatType = 3.0
    font["maxp"] = _maxp(src["maxp"] if not cff else None, len(order))
    scale = PREPARED_UPM / src["head"].unitsPerEm
    scale_upem(font, PREPARED_UPM)  # the header tables; glyphs and metrics are scaled below
    if not cff:  # (CFF glyphs were drawn on the prepared grid)
        _scale_tt_glyphs(glyphs, src["glyf"], scale)
        metrics = {g: (otRound(adv * scale), otRound(lsb * scale)) for g, (adv, lsb) in metrics.items()}
    font["hmtx"] = hmtx = newTable("hmtx")
    hmtx.metrics = {g: metrics[g] for g in order}
    font["cmap"] = _cmap(cmap)
    font["loca"] = newTable("loca")
    font["glyf"] = glyf = newTable("glyf")
    glyf.glyphOrder, glyf.glyphs = order, glyphs
    if cff:  # TrueType's left side bearing is the glyph's xMin
        for g in order:
            glyphs[g].recalcBounds(glyf)
            hmtx.metrics[g] = (hmtx.metrics[g][0], getattr(glyphs[g], "xMin", 0))
    buf = io.BytesIO()
    font.save(buf, reorderTables=True)
    meta = {"outlines": "CFF" if cff else "glyf", "glyphs": len(order)}
    if part == "base":
        meta["coverage"] = _ranges(sorted(best))
    return buf.getvalue(), meta


def _full_width_forms(src, cmap: dict[int, str]) -> dict[int, str]:
    """`cmap` with the full-width forms (the font's own 'fwid' substitutions) of the characters
    set one to a cell, where the default glyph is narrower: Noto CJK's dash is 0.89 em, so
    "——" would show a gap in the middle, and its × would leave a centred line's end short."""
    upem, advances = src["head"].unitsPerEm, src["hmtx"].metrics
    narrow = {cp: g for cp, g in cmap.items()
              if (cp >= FULL_CELL_FROM or cp in FULL_CELL_SIGNS) and advances[g][0] < upem}
    if not narrow or "GSUB" not in src:
        return cmap
    gsub = src["GSUB"].table
    if not gsub.FeatureList or not gsub.LookupList:
        return cmap
    wide: dict[str, str] = {}
    for record in gsub.FeatureList.FeatureRecord:
        if record.FeatureTag != "fwid":
            continue
        for index in record.Feature.LookupListIndex:
            lookup = gsub.LookupList.Lookup[index]
            for sub in lookup.SubTable:
                sub = getattr(sub, "ExtSubTable", sub)  # extension lookups (type 7) wrap the real one
                wide.update(getattr(sub, "mapping", None) or {})  # single substitutions only
    out = dict(cmap)
    for cp, g in narrow.items():
        if g in wide and advances[wide[g]][0] == upem:
            out[cp] = wide[g]
    return out


def _scale_tt_glyphs(glyphs: dict, glyf, scale: float) -> None:
    """TrueType glyphs onto the prepared grid, rounded as fontTools rounds (floor(v + 0.5)).
    A whole glyph's coordinates at once: fontTools' scale_upem goes point by point, and takes
    ten seconds for a CJK face's base part."""
    from array import array
    from math import floor

    for g in glyphs.values():
        g.expand(glyf)
        if g.isComposite():
            for c in g.components:
                c.x, c.y = floor(c.x * scale + 0.5), floor(c.y * scale + 0.5)
        elif g.numberOfContours > 0:
            coords = g.coordinates.array
            coords[:] = array(coords.typecode, [floor(v * scale + 0.5) for v in coords])
        for bound in ("xMin", "yMin", "xMax", "yMax"):
            if hasattr(g, bound):
                setattr(g, bound, floor(getattr(g, bound) * scale + 0.5))


def _tt_glyphs(src, names: list[str]):
    """TrueType glyphs `names` and the components their composite glyphs are made of, without
    instructions, and their metrics: fontTools.subset, on the source font itself (which is read
    lazily and not saved), told to keep the tables the prepared font takes and to change
    nothing of them but the glyphs: no layout closure (the full-width forms are chosen before),
    no recalculated bounds, ranges or dates."""
    from fontTools import subset

    options = subset.Options()
    options.hinting = False  # no glyph instructions, no fpgm, prep or cvt
    options.notdef_outline = True
    options.layout_features = []
    options.drop_tables = sorted(set(src.keys()) - set(KEPT_TABLES) - {"GlyphOrder"})  # MATH etc. add glyphs
    options.name_IDs = options.name_languages = ["*"]  # the name table is made by _slim_names
    options.name_legacy = True
    for kept in ("recalc_bounds", "recalc_timestamp", "prune_unicode_ranges", "prune_codepage_ranges",
                 "recalc_max_context"):
        setattr(options, kept, False)
    subsetter = subset.Subsetter(options)
    subsetter.populate(glyphs=list(dict.fromkeys(names)))
    subsetter.subset(src)
    glyf, hm = src["glyf"], src["hmtx"].metrics
    glyphs = {g: glyf[g] for g in src.getGlyphOrder()}
    return glyphs, {g: hm[g] for g in glyphs}


def _cff_glyphs(src, names: list[str]):
    """CFF glyphs converted to TrueType quadratic outlines on the prepared grid (scaled first,
    so that the curves are fitted and rounded once), and their advance widths on that grid."""
    from fontTools.misc.roundTools import otRound
    from fontTools.pens.cu2quPen import Cu2QuPen
    from fontTools.pens.transformPen import TransformPen
    from fontTools.pens.ttGlyphPen import TTGlyphPen

    scale = PREPARED_UPM / src["head"].unitsPerEm
    glyph_set = src.getGlyphSet()
    glyphs = {}
    for name in dict.fromkeys(names):
        pen = TTGlyphPen(None)
        quadratic = Cu2QuPen(pen, MAX_ERR_EM * PREPARED_UPM, reverse_direction=True)
        glyph_set[name].draw(TransformPen(quadratic, (scale, 0, 0, scale, 0, 0)))
        glyphs[name] = pen.glyph()
    hm = src["hmtx"].metrics
    return glyphs, {g: (otRound(hm[g][0] * scale), 0) for g in glyphs}


def _maxp(source, glyph_count: int):
    """maxp 1.0 without instruction limits; the outline maxima are the source's (an upper bound
    for a subset) or, for converted CFF outlines, computed when the font is saved."""
    from fontTools.ttLib import newTable

    maxp = newTable("maxp")
    maxp.tableVersion = 0x00010000
    for field in ("maxPoints", "maxContours", "maxCompositePoints", "maxCompositeContours",
                  "maxComponentElements", "maxComponentDepth"):
        setattr(maxp, field, getattr(source, field, 0) if source else 0)
    maxp.maxZones = 1
    for field in ("maxTwilightPoints", "maxStorage", "maxFunctionDefs", "maxInstructionDefs",
                  "maxStackElements", "maxSizeOfInstructions"):
        setattr(maxp, field, 0)
    maxp.numGlyphs = glyph_count
    return maxp


def _cmap(cmap: dict[int, str]):
    """One Windows Unicode subtable (reportlab reads the last platform-3 one): format 4 for the
    basic plane, format 12 when there are characters beyond it."""
    from fontTools.ttLib import newTable
    from fontTools.ttLib.tables._c_m_a_p import CmapSubtable

    table = newTable("cmap")
    table.tableVersion = 0
    wide = any(cp > 0xFFFF for cp in cmap)
    sub = CmapSubtable.newSubtable(12 if wide else 4)
    sub.platformID, sub.platEncID, sub.language = 3, 10 if wide else 1, 0
    sub.cmap = dict(cmap)
    table.tables = [sub]
    return table


def _slim_names(src, path: str, part: str):
    """The records reportlab and PDF tools read (KEEP_NAMES), in English (Windows, else Mac).
    A part other than the base gets its own PostScript name ("UMingCN-u0095"): reportlab takes
    a font whose PostScript name it knows for that font."""
    from fontTools.ttLib import newTable

    old = src["name"]
    table = newTable("name")
    table.names = []
    for name_id in KEEP_NAMES:
        rec = old.getName(name_id, 3, 1, 0x409) or old.getName(name_id, 1, 0, 0)
        if rec is not None:
            table.names.append(rec)
    if not any(r.nameID in (1, 4, 6) for r in table.names):
        # reportlab would name such a font after its file: keep that name, not the cache file's
        table.setName(f"_RL_{Path(path).stem}_TTF", 6, 3, 1, 0x409)
    if part:
        for rec in table.names:
            if rec.nameID == 6:
                rec.string = f"{rec.toUnicode()}-{part}"
    return table


def _ranges(cps: list[int]) -> str:
    """Sorted code points as text, "20-7e,a0,…": one JSON string, split only when needed."""
    out: list[list[int]] = []
    for cp in cps:
        if out and cp == out[-1][1] + 1:
            out[-1][1] = cp
        else:
            out.append([cp, cp])
    return ",".join(f"{a:x}" if a == b else f"{a:x}-{b:x}" for a, b in out)
