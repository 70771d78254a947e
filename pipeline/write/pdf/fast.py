"""reportlab's fast path: everything the PDF writer does inside reportlab, in one place, only
on the reportlab versions it was verified on.

    ACTIVE                 whether this process takes it: reportlab's version is in VERIFIED and
                           $SPEECH_PIPELINE_REPORTLAB is not "public"
    parsed_font(name, part) -> TTFont    a prepared font from its kept parse
    ink_middle(face, ch) -> float        a glyph's vertical middle, from the font's bytes
    draw_runs(canvas, runs)              a page's text as our own operators
    tuned()                              reportlab's writer with libdeflate and no ASCII85

Each piece and what it is worth (the sample, or 60 labelled speeches in one process):

- kept parse: reportlab parses a font's character map, widths and glyph offsets in pure
  Python, 20-40 ms for a CJK face's base part each time a process loads it, most of a cold
  start. The parse is kept beside the prepared font in marshal's format (plain data: reading
  it runs no code), keyed by reportlab's version and the font's length and CRC-32.
- subsetter: reportlab's makeSubset reads each glyph's header through its file reader and
  copies the whole glyf table once per subset; ours slices glyphs out of the font's bytes
  and makes reportlab's bytes (tests compare the two): a fifth of a PDF's time.
- page text operators: reportlab's text objects measure every string again and write each
  glyph code as a 4-byte octal escape; ours write 2 hex digits and relative moves: page
  streams 6.8 KB instead of 8.7, a PDF 15 % less time.
- writer tuning, while one PDF is drawn and restored after (reportlab's settings are the
  process's: a lock makes it one PDF at a time): libdeflate instead of zlib for Flate (half
  the time at the same size), at level 1: the font subsets are TrueType outlines, which no
  level packs much (50 speeches: level 6 took 237 ms of deflate, level 1 110 ms, for 2.5 %
  more bytes; level 9 444 ms for 0.6 % fewer); no ASCII85 on top of Flate (page streams a
  quarter bigger without it). About a quarter of a PDF's time.
- Widths arrays in one call (FastTTFont): reportlab formats each of a subset's 256 widths
  through its generic formatter; the same bytes in one fp_str call a line of ten, 8 % of a
  PDF's time.
- PIL.Image imported lazily: reportlab imports it at start-up for images we never draw
  (11 ms of a cold start).

Dropped, worth under 1 %: a cache of reportlab's PDF names (it patched reportlab's classes).

On any other version, or with SPEECH_PIPELINE_REPORTLAB=public, nothing here runs: fonts.py
has reportlab parse the fonts and make its own subsets, draw.py writes text with reportlab's
text objects, and no setting is touched. Same pages, valid PDFs, slower and bigger (README).
"""
from __future__ import annotations

import functools
import glob
import importlib.util
import io
import itertools
import marshal
import operator
import os
import struct
import sys
import threading
import weakref
import zlib
from contextlib import contextmanager

import reportlab

VERIFIED = ("5.1.0",)  # reportlab versions whose internals this module was checked against
ENV = "SPEECH_PIPELINE_REPORTLAB"  # "public": reportlab's public path even on a verified version
ACTIVE = reportlab.Version in VERIFIED and os.environ.get(ENV, "").strip().lower() != "public"


def _import_lazily(name: str) -> None:
    """Import module `name` only when one of its attributes is first used (importlib's LazyLoader)."""
    if name in sys.modules:
        return
    spec = importlib.util.find_spec(name)
    if spec is None or spec.loader is None:
        return  # reportlab's own import then says what is missing
    spec.loader = importlib.util.LazyLoader(spec.loader)
    module = sys.modules[name] = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    parent, _, child = name.rpartition(".")
    setattr(sys.modules[parent], child, module)  # as an import binds it: `import PIL.Image` still works


if ACTIVE:
    _import_lazily("PIL.Image")

from reportlab import rl_config  # noqa: E402 — after the lazy import above
from reportlab.lib.rl_accel import fp_str  # noqa: E402
from reportlab.pdfbase import pdfdoc, pdfmetrics  # noqa: E402
from reportlab.pdfbase.ttfonts import TTEncoding, TTFNameBytes, TTFont, TTFontFace, TTFontMaker  # noqa: E402

from ...fonts.prepare import Part  # noqa: E402
from ...files import write_atomically  # noqa: E402

FAKE_BOLD_EM = 0.03  # outline stroke of fake bold, in em: the free CJK fonts have no bold face


# --- the kept parse ---------------------------------------------------------------------------

# KEPT_FORMAT counts changes to what is kept; a part's parses in other formats (of the same
# reportlab) are removed when its new one is written.
KEPT_FORMAT = 3
PARSE_SUFFIX = f".rl{reportlab.Version}.k{KEPT_FORMAT}.parse"
_NOT_KEPT = ("_ttf_data", "_pdfScale", "filename", "makeSubset")  # the part has the bytes; the rest is remade
# reportlab reads glyphToChar while parsing, and for HarfBuzz shaping, which we never use (a
# speech is set glyph by glyph); a list per glyph, it was half the time of loading a kept
# parse, so it is emptied in every face (kept or parsed).
EMPTIED = ("glyphToChar",)


def named_bytes(data: bytes, file: str) -> io.BytesIO:
    buf = io.BytesIO(data)
    buf.name = file  # what reportlab calls the font in its messages
    return buf


def parsed_font(name: str, part: Part) -> TTFont:
    """reportlab's TTFont of a prepared font, from its kept parse if there is one."""
    file, data = str(part.path), part.data
    key = (len(data), part.crc32)
    kept = part.path.with_suffix(PARSE_SUFFIX)
    try:
        stored_key, state, names = marshal.loads(kept.read_bytes())
        if tuple(stored_key) == key:
            return _font_from_state(name, file, data, state, names)
    except (OSError, EOFError, ValueError, TypeError, KeyError):
        pass
    tt = FastTTFont(name, named_bytes(data, file), asciiReadable=0)
    for k in EMPTIED:
        setattr(tt.face, k, {})
    state = {k: v for k, v in vars(tt.face).items() if k not in _NOT_KEPT}
    names = [k for k, v in state.items() if isinstance(v, TTFNameBytes)]
    state.update({k: state[k].ustr for k in names})
    try:
        write_atomically(kept, marshal.dumps((key, state, names)))
        # Other formats of this reportlab's parse; another reportlab's may serve another checkout.
        stem = glob.escape(f"{part.path.stem}.rl{reportlab.Version}")
        for old in [*kept.parent.glob(f"{stem}.parse"), *kept.parent.glob(f"{stem}.k*.parse")]:
            if old != kept:
                old.unlink(missing_ok=True)
    except OSError:  # a read-only cache: parse again next time
        pass
    tt.face.makeSubset = fast_subsetter(tt.face)
    return tt


def _font_from_state(name: str, file: str, data: bytes, state: dict, names: list) -> TTFont:
    """What TTFont(name, file, asciiReadable=0) makes, without parsing (tests compare the two)."""
    face = TTFontFace.__new__(TTFontFace)
    pdfmetrics.TypeFace.__init__(face, None)
    vars(face).update(state)
    vars(face).update({k: TTFNameBytes(state[k].encode("utf8")) for k in names})
    face._ttf_data, face.filename = data, file
    face.makeSubset = fast_subsetter(face)
    upm = face.unitsPerEm
    face._pdfScale = (lambda x: x) if upm == 1000 else functools.partial(operator.mul, 1000 / upm)
    tt = TTFont.__new__(FastTTFont)
    tt.fontName, tt.face, tt.encoding = name, face, TTEncoding()
    tt.state = weakref.WeakKeyDictionary()
    tt._asciiReadable, tt.shapable = 0, True  # as TTFont(…) sets them
    return tt


class _Numbers(pdfdoc.PDFObject):
    """A PDF array of numbers, written as reportlab's PDFArray writes it (the same bytes: ten
    numbers a line), in one call rather than a call per number."""

    def __init__(self, numbers: list):
        lines = (fp_str(*numbers[i:i + 10]) for i in range(0, len(numbers), 10))
        self.data = b"[ " + " \n  ".join(lines).encode() + b" ]"

    def format(self, document):
        return self.data


class FastTTFont(TTFont):
    """reportlab's TTFont, whose subsets' Widths arrays are written in one call each: formatted a
    number at a time, the 256 widths of every subset were a fifth of a PDF's time."""

    def addObjects(self, doc):
        subsets = len(self.state[doc].subsets) if doc in self.state else 0
        names = [self.getSubsetInternalName(n, doc)[1:] for n in range(subsets)]
        super().addObjects(doc)
        fonts = doc.idToObject["BasicFonts"].dict
        for name in names:
            widths = fonts[name].Widths
            if isinstance(widths, pdfdoc.PDFArray):
                fonts[name].Widths = _Numbers(widths.sequence)


def ink_middle(face: TTFontFace, ch: str) -> float:
    """Vertical middle of `ch`'s outline above the baseline, in 1/1000 em, from the TrueType
    glyph header's yMin/yMax, read from the font data reportlab holds (not the file again)."""
    gid = face.charToGlyph[ord(ch)]
    start, end = face.glyphPos[gid], face.glyphPos[gid + 1]
    if start == end:  # a blank glyph: use the em box's middle
        return (face.ascent + face.descent) / 2
    at = face.get_table_pos("glyf")[0] + start
    y_min, _, y_max = struct.unpack(">hhh", face._ttf_data[at + 4:at + 10])
    return (y_min + y_max) / 2 * 1000 / face.unitsPerEm


# --- the subsetter ----------------------------------------------------------------------------

# Component flags of a composite glyph (the TrueType spec's glyf table): what follows each
# component's flags and glyph id.
_MORE_COMPONENTS, _WORD_ARGS, _SCALE, _XY_SCALE, _TWO_BY_TWO = 0x20, 0x01, 0x08, 0x40, 0x80


def _component_ids(glyph, at: int):
    """The offsets of a composite glyph's component glyph ids, from `at` (its first component)."""
    flags = _MORE_COMPONENTS
    while flags & _MORE_COMPONENTS:
        flags = struct.unpack_from(">H", glyph, at)[0]
        yield at + 2
        at += 4 + (4 if flags & _WORD_ARGS else 2)
        at += 2 if flags & _SCALE else 4 if flags & _XY_SCALE else 8 if flags & _TWO_BY_TWO else 0


def fast_subsetter(face: TTFontFace):
    """reportlab's makeSubset for this face, the same bytes in a fraction of the time: glyphs
    are sliced out of the font's bytes, and only composite glyphs (few in our prepared fonts)
    are read further, for their components."""
    data, pos, hmetrics = face._ttf_data, face.glyphPos, face.hmetrics
    glyf_at = face.get_table_pos("glyf")[0]

    def is_composite(g: int) -> bool:  # numberOfContours < 0
        return pos[g + 1] - pos[g] > 2 and data[glyf_at + pos[g]] & 0x80

    def with_ushort(table: bytes, at: int, value: int) -> bytes:
        return table[:at] + struct.pack(">H", value) + table[at + 2:]

    def make_subset(subset: list[int]) -> bytes:
        # Glyph 0 first, then each code's glyph once, then components, breadth first.
        glyph_map, new_id, codes = [0], {0: 0}, []
        for code in subset:
            g = face.charToGlyph.get(code, 0)
            if g not in new_id:
                new_id[g] = len(glyph_map)
                glyph_map.append(g)
            codes.append(new_id[g])
        composites = []
        n = 0
        while n < len(glyph_map):
            g = glyph_map[n]
            if is_composite(g):
                composites.append(n)
                for at in _component_ids(data, glyf_at + pos[g] + 10):
                    c = struct.unpack_from(">H", data, at)[0]
                    if c not in new_id:
                        new_id[c] = len(glyph_map)
                        glyph_map.append(c)
            n += 1
        out = TTFontMaker()
        for tag in ("name", "OS/2", "cvt ", "fpgm", "prep"):
            try:
                out.add(tag, face.get_table(tag))
            except KeyError:  # cvt, fpgm and prep are optional
                pass
        out.add("post", b"\x00\x03\x00\x00" + face.get_table("post")[4:16] + b"\x00" * 16)
        hmtx = list(map(int, itertools.chain.from_iterable(map(hmetrics.__getitem__, glyph_map))))
        k = len(hmtx) - 2  # trailing glyphs of one advance keep only their side bearings
        while k and hmtx[k] == hmtx[k - 2]:
            k -= 2
        k += 2
        hmtx = hmtx[:k] + hmtx[k + 1::2]
        out.add("hmtx", struct.pack(f">{len(hmtx)}H", *hmtx))
        out.add("hhea", with_ushort(face.get_table("hhea"), 34, k >> 1))
        out.add("maxp", with_ushort(face.get_table("maxp"), 4, len(glyph_map)))
        cmap = [0, 1, 1, 0, 0, 12, 6, 10 + 2 * len(subset), 0, 0, len(subset), *codes]
        out.add("cmap", struct.pack(f">{len(cmap)}H", *cmap))
        glyphs = [data[glyf_at + pos[g]:glyf_at + pos[g + 1]] for g in glyph_map]
        for n in composites:  # their components' new ids
            glyph = bytearray(glyphs[n])
            for at in _component_ids(glyph, 10):
                struct.pack_into(">H", glyph, at, new_id[struct.unpack_from(">H", glyph, at)[0]])
            glyphs[n] = bytes(glyph)
        padded = [(len(glyph) + 3) & ~3 for glyph in glyphs]  # each glyph on a 4-byte boundary
        offsets = [0, *itertools.accumulate(padded)]
        out.add("glyf", b"".join(map(bytes.ljust, glyphs, padded, itertools.repeat(b"\0"))))
        long_loca = (offsets[-1] + 1) >> 1 > 0xFFFF
        out.add("loca", struct.pack(f">{len(offsets)}{'L' if long_loca else 'H'}",
                                    *(offsets if long_loca else [o >> 1 for o in offsets])))
        out.add("head", with_ushort(face.get_table("head"), 50, int(long_loca)))
        return out.makeStream()

    return make_subset


# --- page text and the writer -----------------------------------------------------------------

def draw_runs(c, runs) -> None:
    """All runs of a page as one text object, whose operators are written here: a glyph code is
    2 hex digits, each run moves from the one before (Td), and spacing, render mode and font
    are set when they change. reportlab still numbers each font subset's glyphs (splitString,
    which needs the canvas's document) and embeds the subsets."""
    doc = c._doc
    ops = ["q", "BT"]  # q … Q: spacing, render mode and stroke width end with the page's text
    x0 = y0 = 0.0  # where the last run started: Td is relative to it
    font = width = None
    space, mode = "0", False  # a page starts with no character spacing, and text filled (Tr 0)
    for r in runs:
        if r.bold and width != r.size * FAKE_BOLD_EM:
            width = r.size * FAKE_BOLD_EM  # the stroke of fake bold: a graphics state, allowed in BT
            ops.append(f"{fp_str(width)} w")
        # On a grid of 1/10000 pt, every move within a page (under 1000 pt) is written exactly
        # (fp_str keeps 7 digits), so the moves add up to the positions, and a line's move is
        # the same -28.95 each time.
        x, y = round(r.x, 4), round(r.y, 4)
        ops.append(f"{fp_str(x - x0, y - y0)} Td")
        x0, y0 = x, y
        if space != (written := fp_str(r.char_space)):
            space = written
            ops.append(f"{space} Tc")
        if mode != r.bold:
            mode = r.bold
            ops.append("2 Tr" if r.bold else "0 Tr")  # fill + stroke: fake bold
        tt = pdfmetrics.getFont(r.font)
        for subset, codes in tt.splitString(r.text, doc):
            if font != (r.font, subset, r.size):
                font = (r.font, subset, r.size)
                ops.append(f"{tt.getSubsetInternalName(subset, doc)} {fp_str(r.size)} Tf")
            ops.append(f"<{codes.hex()}> Tj")
    ops += ["ET", "Q"]
    c.addLiteral("\n".join(ops))


try:
    import deflate as _deflate
except ImportError:  # pragma: no cover — a platform without a wheel: zlib, as reportlab has it
    _deflate = None
FLATE_LEVEL = 1


class _Flate(pdfdoc.PDFStreamFilterZCompress):
    """reportlab's Flate filter with libdeflate instead of zlib."""

    def encode(self, text):
        if isinstance(text, str):
            text = text.encode("utf8")
        return bytes(_deflate.zlib_compress(text, FLATE_LEVEL)) if _deflate else zlib.compress(text)


_FLATE = _Flate()
_TUNING = threading.RLock()


@contextmanager
def tuned():
    """reportlab's PDF writer with libdeflate and no ASCII85, while one PDF is drawn, and as
    it was after."""
    with _TUNING:  # reportlab's settings are the whole process's: one PDF at a time is tuned
        saved = rl_config.useA85, pdfdoc.PDFZCompress
        rl_config.useA85, pdfdoc.PDFZCompress = 0, _FLATE
        try:
            yield
        finally:
            rl_config.useA85, pdfdoc.PDFZCompress = saved
