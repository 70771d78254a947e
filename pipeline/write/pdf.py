"""The PDF renderer: the document model set on the GB/T 9704-2012 grid with reportlab's canvas.

API:
    render_pdf(doc, profile) -> bytes          the PDF (the caller writes it)
    missing_characters(doc, profile) -> list   characters no font of their role can draw
    layout(doc, profile) -> list[PageLayout]   the pure layout, for tests and checkers

Two stages. `layout` breaks every block into lines and places each line's glyphs on
the grid (text block, line pitch, character cell, indents, fonts: all from the
profile) as runs of one font with one character spacing. The drawing stage only
writes those runs, as PDF text operators on reportlab's canvas. reportlab's Paragraph
is not used: its CJK wrapping ignores the GB/T 15834 line-breaking rules, its justification only
stretches spaces, and its markup would interpret `<b>` and `&` in a speech.

Layout rules (layout.md): a CJK character takes one cell, text width / chars_per_line
at body size, scaled with the role's size; digits and Latin take their own widths in
the Latin font and are never split; no line starts with a closing mark or ends with
an opening mark (the character before the break moves down to the next line); full
lines of justified roles are stretched flush to both edges, a paragraph's last line
keeps natural spacing; headings stay with the next paragraph.

Fonts: each character is drawn by the first font of its role's fallback chain whose
character map has it (then the Latin chain, for symbols such as € only it has); a
character no font has is reported by `missing_characters` and drawn as REPLACEMENT.
Fonts are embedded as TrueType subsets (our subsetter makes reportlab's bytes, faster) of
prepared copies (fontprep.py: PostScript outlines converted, hinting and unused tables
dropped, cached on disk), part by part: a face's base
part holds the characters a Chinese speech needs, the others load when a character needs
them. Titles are split with titles.split_title, so the PDF and the Word file break them alike.

The PDF: outline entries for the title (level 0) and every heading, nested under the
title (heading N at level N, or N - 1 without a title, never skipping a level);
metadata title, author, subject, creator; /Lang zh-CN; reportlab's invariant mode,
so the same input gives the same bytes.
"""
from __future__ import annotations

import glob
import importlib.util
import io
import itertools
import marshal
import operator
import re
import struct
import sys
import threading
import zlib
from contextlib import contextmanager
from dataclasses import dataclass, field
import functools
import weakref
from functools import lru_cache
from pathlib import Path


def _import_lazily(name: str) -> None:
    """Import module `name` only when one of its attributes is first used (importlib's
    LazyLoader). reportlab imports Pillow's Image at start-up for the images we never draw:
    14 ms of every cold start."""
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


_import_lazily("PIL.Image")

from reportlab import Version as REPORTLAB_VERSION  # noqa: E402 — after the lazy import above
from reportlab import rl_config
from reportlab.lib.rl_accel import fp_str
from reportlab.pdfbase import pdfdoc, pdfmetrics
from reportlab.pdfbase.ttfonts import TTEncoding, TTFError, TTFNameBytes, TTFont, TTFontFace, TTFontMaker
from reportlab.pdfgen.canvas import Canvas

from ..fonts import prepare as fontprep
from ..fonts.find import FontFile, find_fonts
from ..chars import NO_LINE_END, NO_LINE_START, REPLACEMENT
from ..model import Block, Document, TypesetPdf, block_role, lead_role
from ..typeset.profile import LATIN as LATIN_FONT, MM, FontFamily, Profile, Role
from ..typeset.titles import split_title  # the same balanced title lines as the Word file

CREATOR = "pipeline"
SUBJECT = "讲话稿"
LANG = "zh-CN"
FAKE_BOLD_EM = 0.03  # outline stroke of fake bold, in em: the free CJK fonts have no bold face

# GB/T 15834 / W3C clreq: marks that may not start a line, and that may not end one (as sets:
# one lookup per break).
NO_START, NO_END = frozenset(NO_LINE_START), frozenset(NO_LINE_END)
# Where a glyph narrower than its cell (a font's proportional quotes) goes in the cell:
# opening marks against the character they open, closing ones and stops against the one
# they close, as in the full-width forms; anything else centred.
_CELL_RIGHT = NO_END
_CELL_LEFT = frozenset("，。、；：？！”’）》〉」』】〕〗〙〛｝］")

# Tokens: a space, a run of Latin letters/digits/ASCII signs (never split), or one character.
_LATIN = "!-~À-ÖØ-öø-ɏ"  # ASCII and Latin letters, but not × ÷
_TOKEN = re.compile(rf"[^\S\u3000]|[{_LATIN}]+|.", re.S)
_IN_LATIN_FONT = re.compile(rf"[{_LATIN}]|[^\S\u3000]")  # and spaces, but not the ideographic one


# --- fonts -------------------------------------------------------------------------------

@dataclass(frozen=True, eq=False)
class Font:
    """A registered reportlab TTF font and the metrics the layout needs (1/1000 em)."""
    name: str
    path: str  # the TrueType file its glyphs come from: a prepared copy (fontprep) or the installed file
    index: int
    family: str  # the installed face's family (and style, where the profile asked for one)
    cmap: dict
    widths: dict
    default_width: float
    ascent: float
    descent: float

    def width(self, ch: str, size: float) -> float:
        return self.widths.get(ord(ch), self.default_width) * size / 1000


_LOADED: dict[tuple, Font | None] = {}  # per process, by (file, face[, part]): fonts register once


def _register(ff: FontFile, file: str, index: int = 0, part: fontprep.Part | None = None) -> Font | None:
    """Register a TrueType font file (or its bytes) with reportlab; None if reportlab refuses it.
    Not asciiReadable: reportlab would put all of ASCII into every font's first subset, and the
    CJK fonts draw none of it (digits and Latin letters come from the Latin font)."""
    name = f"{Path(ff.path).stem}-{ff.index}-{len(_LOADED)}"  # unique even for equal file names
    try:
        if part is not None:  # a prepared font, whose parse is kept beside it
            tt = _parsed_font(name, part)
        else:
            tt = TTFont(name, file, subfontIndex=index, asciiReadable=0)
    except (TTFError, OSError):  # e.g. CFF "postscript outlines are not supported"
        return None
    pdfmetrics.registerFont(tt)
    face = tt.face
    return Font(name, file, index, ff.label, face.charToGlyph, face.charWidths,
                face.defaultWidth, face.ascent, face.descent)


def _named_bytes(data: bytes, file: str) -> io.BytesIO:
    buf = io.BytesIO(data)
    buf.name = file  # what reportlab calls the font in its messages
    return buf


# reportlab parses a font's character map, widths and glyph offsets in pure Python: 20-40 ms
# for the base part of a CJK face, each time a process loads it, which is most of a cold
# start. The parse of a prepared font is therefore kept beside it in the font cache, in
# marshal's format (plain data: reading it runs no code), keyed by reportlab's version
# and the font's length and CRC-32; a missing, stale or unreadable one is made anew.
# KEPT_FORMAT counts changes to what is kept; a part's parses in other formats (of the same
# reportlab) are removed when its new one is written.
KEPT_FORMAT = 3
_PARSE_SUFFIX = f".rl{REPORTLAB_VERSION}.k{KEPT_FORMAT}.parse"
_NOT_KEPT = ("_ttf_data", "_pdfScale", "filename", "makeSubset")  # the part has the bytes; the rest is remade
# reportlab reads glyphToChar while parsing, and for HarfBuzz shaping, which we never use (a
# speech is set glyph by glyph); a list per glyph, it was half the time of loading a kept
# parse, so it is emptied in every face (kept or parsed).
_EMPTIED = ("glyphToChar",)


def _parsed_font(name: str, part: fontprep.Part) -> TTFont:
    """reportlab's TTFont of a prepared font, from its kept parse if there is one."""
    file, data = str(part.path), part.data
    key = (len(data), part.crc32)
    kept = part.path.with_suffix(_PARSE_SUFFIX)
    try:
        stored_key, state, names = marshal.loads(kept.read_bytes())
        if tuple(stored_key) == key:
            return _font_from_state(name, file, data, state, names)
    except (OSError, EOFError, ValueError, TypeError, KeyError):
        pass
    tt = TTFont(name, _named_bytes(data, file), asciiReadable=0)
    for k in _EMPTIED:
        setattr(tt.face, k, {})
    state = {k: v for k, v in vars(tt.face).items() if k not in _NOT_KEPT}
    names = [k for k, v in state.items() if isinstance(v, TTFNameBytes)]
    state.update({k: state[k].ustr for k in names})
    try:
        fontprep.write_atomically(kept, marshal.dumps((key, state, names)))
        # Other formats of this reportlab's parse; another reportlab's may serve another checkout.
        stem = glob.escape(f"{part.path.stem}.rl{REPORTLAB_VERSION}")
        for old in [*kept.parent.glob(f"{stem}.parse"), *kept.parent.glob(f"{stem}.k*.parse")]:
            if old != kept:
                old.unlink(missing_ok=True)
    except OSError:  # a read-only cache: parse again next time
        pass
    tt.face.makeSubset = _fast_subsetter(tt.face)
    return tt


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


def _fast_subsetter(face: TTFontFace):
    """reportlab's makeSubset for this face, the same bytes in a fraction of the time (it was a
    sixth of a PDF's): reportlab reads each glyph's header through its file reader, builds the
    tables number by number, and copies the whole glyf table (megabytes for a CJK face) once
    per subset. Here glyphs are sliced out of the font's bytes, and only composite glyphs
    (few in our prepared fonts) are read further, for their components; tests compare the
    two on composite glyphs too."""
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


def _font_from_state(name: str, file: str, data: bytes, state: dict, names: list) -> TTFont:
    """What TTFont(name, file, asciiReadable=0) makes, without parsing (tests compare the two)."""
    face = TTFontFace.__new__(TTFontFace)
    pdfmetrics.TypeFace.__init__(face, None)
    vars(face).update(state)
    vars(face).update({k: TTFNameBytes(state[k].encode("utf8")) for k in names})
    face._ttf_data, face.filename = data, file
    face.makeSubset = _fast_subsetter(face)
    upm = face.unitsPerEm
    face._pdfScale = (lambda x: x) if upm == 1000 else functools.partial(operator.mul, 1000 / upm)
    tt = TTFont.__new__(TTFont)
    tt.fontName, tt.face, tt.encoding = name, face, TTEncoding()
    tt.state = weakref.WeakKeyDictionary()
    tt._asciiReadable, tt.shapable = 0, True  # as TTFont(…) sets them
    return tt


class _Face:
    """An installed font face as the chains see it: the font of its prepared base part (the
    characters a Chinese speech needs) and, loaded when a character needs them, the fonts of
    its other parts (fontprep). Without a prepared copy it is the installed file itself."""

    def __init__(self, ff: FontFile, prepared: fontprep.PreparedFont | None, base: Font):
        self.ff, self.prepared, self.base = ff, prepared, base

    def font_for(self, cp: int) -> Font | None:
        """The font of this face that draws code point `cp`, or None if the face has no glyph."""
        if cp in self.base.cmap:
            return self.base
        if self.prepared is None or not self.prepared.covers(cp):
            return None
        block = cp >> fontprep.BLOCK_BITS
        key = (self.ff.path, self.ff.index, block)
        if key not in _LOADED:
            part = self.prepared.part(block)
            _LOADED[key] = _register(self.ff, str(part.path), part=part) if part else None
        font = _LOADED[key]
        return font if font and cp in font.cmap else None


_FACES: dict[tuple[str, int], _Face | None] = {}


def _load(ff: FontFile) -> _Face | None:
    """The installed face `ff`, prepared (fontprep: TrueType outlines, no hinting, slim tables,
    cached on disk), or as installed when no cache can be written; None if it is unusable."""
    key = (ff.path, ff.index)
    if key not in _FACES:
        _FACES[key] = _open_face(ff)
    return _FACES[key]


def _open_face(ff: FontFile) -> _Face | None:
    try:
        prepared = fontprep.prepare(ff.path, ff.index)
    except (fontprep.FontPrepError, OSError) as e:
        fontprep.warn(f"fonts: {ff.label} is not used: {e}")
        return None
    if prepared is not None:
        font = _register(ff, str(prepared.base.path), part=prepared.base)
        if font is None:  # e.g. its license forbids embedding
            fontprep.warn(f"fonts: {ff.label} is not used: reportlab cannot embed it")
    else:  # no writable cache: the installed file, if reportlab can embed it as it is
        font = _register(ff, ff.path, ff.index)
        if font is None:
            fontprep.warn(f"fonts: {ff.label} is not used: its outlines need converting, "
                          f"and there is no font cache to keep the conversion in")
    _LOADED[(ff.path, ff.index)] = font
    return _Face(ff, prepared, font) if font else None


class FontChain:
    """Font families' usable installed fonts in fallback order, with a per-character cache.

    Faces load on demand, and their parts beyond the base characters too: most text never
    needs the fallbacks.
    """

    def __init__(self, *families: FontFamily):
        self.families = families
        self._files = [ff for family in families for ff in find_fonts(family.candidates)]
        self._next = 0  # the next file of _files to load
        self._loaded: list[_Face] = []
        self._picks: dict[str, Font | None] = {}

    def _load_next(self) -> bool:
        """Load the next usable face of the chain; False when there is none left."""
        while self._next < len(self._files):
            ff = self._files[self._next]
            self._next += 1
            face = _load(ff)
            if face and face not in self._loaded:
                self._loaded.append(face)
                return True
        return False

    @property
    def first(self) -> Font:
        """The chain's first usable font: the role's own face."""
        if not self._loaded and not self._load_next():
            family = self.families[0]
            raise RuntimeError(f"no usable font installed for [fonts.{family.key}]: "
                               f"tried {', '.join(family.candidates)}")
        return self._loaded[0].base

    def pick(self, ch: str) -> Font | None:
        """The first font that has `ch`, or None."""
        if ch not in self._picks:
            self.first  # noqa: B018 — raises when the chain has no font at all
            cp, i, font = ord(ch), 0, None
            while i < len(self._loaded) or self._load_next():
                font = self._loaded[i].font_for(cp)
                if font:
                    break
                i += 1
            self._picks[ch] = font
        return self._picks[ch]

    def glyph(self, ch: str, missing: dict) -> tuple[str, Font]:
        """What to draw for `ch` and with which font; a character no font has goes into `missing`
        and is drawn as REPLACEMENT (or as the first font's .notdef if no font has that)."""
        font = self.pick(ch)
        if font:
            return ch, font
        missing[ch] = None
        box = self.pick(REPLACEMENT)
        return (REPLACEMENT, box) if box else (ch, self.first)


@lru_cache(maxsize=None)
def font_chain(*families: FontFamily) -> FontChain:
    return FontChain(*families)


def _chain_for(ch: str, role: Role, profile: Profile) -> FontChain:
    """Digits, Latin and spaces use the Latin font; everything else the role's font, then the
    Latin font for symbols only it has (€, ™)."""
    latin = profile.fonts[LATIN_FONT]
    if _IN_LATIN_FONT.match(ch):
        return font_chain(latin)
    return font_chain(profile.fonts[role.font], latin)


def load_fonts(profile: Profile) -> None:
    """Load each role's own font and the Latin font ahead of a document: a process that typesets
    while the speech is still being read (convert.PdfProcess) gets this done meanwhile. A font
    that cannot be loaded is left for the document that needs it to report."""
    for family in dict.fromkeys([*(profile.fonts[role.font] for role in profile.roles.values()), profile.fonts[LATIN_FONT]]):
        try:
            font_chain(family).first  # noqa: B018 — loads it
        except RuntimeError:
            pass


@lru_cache(maxsize=None)
def _ink_middle(font: Font, ch: str) -> float:
    """Vertical middle of `ch`'s outline above the baseline, in 1/1000 em, from the TrueType
    glyph header's yMin/yMax, read from the font data reportlab holds (not the file again)."""
    face = pdfmetrics.getFont(font.name).face
    gid = font.cmap[ord(ch)]
    start, end = face.glyphPos[gid], face.glyphPos[gid + 1]
    if start == end:  # a blank glyph: use the em box's middle
        return (font.ascent + font.descent) / 2
    at = face.get_table_pos("glyf")[0] + start
    y_min, _, y_max = struct.unpack(">hhh", face._ttf_data[at + 4:at + 10])
    return (y_min + y_max) / 2 * 1000 / face.unitsPerEm


def _segments(block: Block, profile: Profile) -> list[tuple[str, Role]]:
    """The block's text split into its run-in lead (in the lead's role) and the rest."""
    role = profile.role(block_role(block))
    if block.lead:
        return [(block.lead, profile.role(lead_role(block.lead))), (block.text[len(block.lead):], role)]
    return [(block.text, role)]


def missing_characters(doc: Document, profile: Profile) -> list[str]:
    """Characters that no font in their role's fallback chain can draw, in order of appearance.
    render_pdf draws each as REPLACEMENT; the caller should put them in the warnings."""
    missing: dict[str, None] = {}
    for block in doc.blocks:
        for text, role in _segments(block, profile):
            for ch in text:
                _chain_for(ch, role, profile).glyph(ch, missing)
    numbers = font_chain(profile.fonts[profile.page_number.font])
    for ch in profile.page_number.text(1234567890):  # every digit, and the format's own marks
        numbers.glyph(ch, missing)
    return list(missing)


# --- layout --------------------------------------------------------------------------------

@dataclass(frozen=True)
class Run:
    """Characters drawn from (x, y) in one font, each advancing its width + char_space."""
    x: float
    y: float
    text: str
    font: str  # registered reportlab font name
    size: float
    char_space: float = 0.0
    bold: bool = False


@dataclass(frozen=True)
class Mark:
    """An outline entry: the block's text, its level, and the top of its first line."""
    title: str
    level: int
    top: float


@dataclass
class PageLayout:
    number: int
    runs: list[Run] = field(default_factory=list)  # in reading order; the page number last
    marks: list[Mark] = field(default_factory=list)


@dataclass(frozen=True)
class _Token:
    """An unbreakable unit: one CJK character (one grid cell), a Latin run, or a space."""
    text: str
    glyphs: tuple[tuple[str, Font, float], ...]  # (character drawn, font, natural advance)
    role: Role
    width: float
    cell: bool
    space: bool
    missing: tuple[str, ...] = ()  # characters of it that no font has (drawn as REPLACEMENT)


@dataclass(frozen=True)
class _Geometry:
    """The page and grid in PDF points (origin bottom left), from the profile."""
    page_width: float
    page_height: float
    left: float
    top: float  # the text block's top edge
    width: float
    bottom: float  # the text block's bottom edge
    pitch: float
    lines: int
    cell_per_pt: float  # a CJK cell's width per point of font size

    @classmethod
    def of(cls, profile: Profile) -> _Geometry:
        p, g = profile.page, profile.grid
        width = p.text_width_mm * MM
        top = (p.height_mm - p.margin_top_mm) * MM
        return cls(p.width_mm * MM, p.height_mm * MM, p.margin_left_mm * MM, top, width,
                   top - p.text_height_mm * MM, g.line_pitch_pt, g.lines_per_page,
                   width / g.chars_per_line / profile.body.size_pt)

    def cell(self, size: float) -> float:
        return size * self.cell_per_pt


# Tokens by profile, then role name, then text: a speech repeats its few hundred characters
# thousands of times, and a batch of speeches shares most of them. (The profile is held too,
# so that its id is not reused while the entry exists.)
_TOKEN_CACHES: dict[int, tuple[Profile, dict[str, dict[str, _Token]]]] = {}
_TOKENS_KEPT = 50_000  # per role; past that (Latin runs are many) the role's tokens start again


class _Setter:
    """Sets one document: the geometry, plus what one layout run collects (missing characters)."""

    def __init__(self, profile: Profile, missing: dict):
        self.profile, self.geo, self.missing = profile, _Geometry.of(profile), missing
        kept = _TOKEN_CACHES.get(id(profile))
        if kept is None or kept[0] is not profile:
            kept = _TOKEN_CACHES[id(profile)] = (profile, {})
        self._by_role = kept[1]

    def token(self, t: str, role: Role) -> _Token:
        known = self._by_role.setdefault(role.name, {})
        tok = known.get(t)
        if tok is None:
            size, glyphs, missing = role.size_pt, [], {}
            for ch in t:
                drawn, font = _chain_for(ch, role, self.profile).glyph(ch, missing)
                glyphs.append((drawn, font, font.width(drawn, size)))
            cell = len(t) == 1 and not _IN_LATIN_FONT.match(t)
            width = self.geo.cell(size) if cell else sum(g[2] for g in glyphs)
            if len(known) >= _TOKENS_KEPT:
                known.clear()
            tok = known[t] = _Token(t, tuple(glyphs), role, width, cell, t.isspace() and not cell, tuple(missing))
        if tok.missing:
            self.missing.update(dict.fromkeys(tok.missing))
        return tok

    def tokens(self, segments: list[tuple[str, Role]]) -> list[_Token]:
        out, limit = [], self.geo.width
        for text, role in segments:
            known = self._by_role.setdefault(role.name, {})  # one lookup a token where it is known
            for t in _TOKEN.findall(text):
                tok = known.get(t)
                if tok is None or tok.missing:
                    tok = self.token(t, role)
                if tok.width > limit:  # a Latin run longer than a line: split it after all
                    out += [self.token(ch, role) for ch in t]
                else:
                    out.append(tok)
        return out

    def block_lines(self, block: Block) -> list[tuple[list[tuple], float]]:
        """The block's lines: glyphs (x, char, font, size, bold, natural advance) and the
        baseline's offset from the top of the line's grid band."""
        geo, role = self.geo, self.profile.role(block_role(block))
        size = role.size_pt
        if role.max_chars_per_line:
            pieces = [[(t, role)] for t in split_title(block.text, role.max_chars_per_line)]
        else:
            pieces = [_segments(block, self.profile)]
        # The em box of the role's main font sits in the middle of the grid line.
        main = font_chain(self.profile.fonts[role.font]).first
        baseline = -geo.pitch / 2 - (main.ascent + main.descent) / 2000 * size
        indent = role.indent_chars * geo.cell(size) if role.align != "center" else 0
        out = []
        for p, segments in enumerate(pieces):
            first = geo.width - (indent if p == 0 else 0)
            lines = _break(self.tokens(segments), first, geo.width)
            for k, line in enumerate(lines):
                avail = first if k == 0 else geo.width
                natural = sum(t.width for t in line)
                x, gap = geo.left + geo.width - avail, 0.0
                if role.align == "center":
                    x = geo.left + (geo.width - natural) / 2
                elif role.align == "justify" and k < len(lines) - 1 and len(line) > 1:
                    gap = (avail - natural) / (len(line) - 1)
                out.append((_place(line, x, gap), baseline))
        return out

    def page_number(self, n: int) -> list[Run]:
        """ "— N —" in the page-number font at natural widths; odd pages end one character in
        from the block's right edge, even pages start one character in from its left edge."""
        geo, pn = self.geo, self.profile.page_number
        chain = font_chain(self.profile.fonts[pn.font])
        glyphs, x = [], 0.0
        for ch in pn.text(n):
            drawn, font = chain.glyph(ch, self.missing)
            natural = font.width(drawn, pn.size_pt)
            glyphs.append((x, drawn, font, pn.size_pt, False, natural))
            x += natural
        indent = pn.indent_chars * pn.size_pt
        left = geo.left + geo.width - indent - x if n % 2 else geo.left + indent
        # The standard puts the em-dash line below_text_mm under the block's bottom edge: the
        # dash's vertical middle (its outline's bbox) goes there, so the baseline is that line
        # minus the dash's middle height above the baseline.
        first = next((g for g in glyphs if not g[1].isspace()), glyphs[0])
        y = geo.bottom - pn.below_text_mm * MM - _ink_middle(first[2], first[1]) * pn.size_pt / 1000
        return _runs([(left + g[0],) + g[1:] for g in glyphs], y)


def _break(tokens: list[_Token], first: float, rest: float) -> list[list[_Token]]:
    """Greedy line breaking by available width, then GB/T 15834: while the next line would
    start with a closing mark or this one end with an opening mark, move a token down."""
    lines, i, n = [], 0, len(tokens)
    while i < n:
        avail = rest if lines else first
        j, used = i, 0.0
        while j < n and used + tokens[j].width <= avail + 1e-6:
            used += tokens[j].width
            j += 1
        j = max(j, i + 1)  # a token wider than the line still goes somewhere
        if j < n:
            k = j
            while k > i + 1 and _bad_break(tokens, k):
                k -= 1
            if not _bad_break(tokens, k):  # else no break obeys the rules: keep the greedy one
                j = k
        line = tokens[i:j]
        while line and line[-1].space:  # spaces at a break are not drawn
            line.pop()
        lines.append(line)
        i = j
        while i < n and tokens[i].space:
            i += 1
    return lines


def _bad_break(tokens: list[_Token], k: int) -> bool:
    """Would a break before tokens[k] start a line with a closing mark or end one with an opening mark?"""
    return tokens[k].text[0] in NO_START or tokens[k - 1].text[-1] in NO_END


def _place(line: list[_Token], x: float, gap: float) -> list[tuple]:
    """Glyphs (x, char, font, size, bold, natural advance) of one line, tokens `gap` apart."""
    glyphs = []
    for tok in line:
        size, bold = tok.role.size_pt, tok.role.bold
        if tok.cell:
            (drawn, font, natural), = tok.glyphs
            room = max(0.0, tok.width - natural)
            offset = 0.0 if drawn in _CELL_LEFT else room if drawn in _CELL_RIGHT else room / 2
            glyphs.append((x + offset, drawn, font, size, bold, natural))
            x += tok.width + gap
            continue
        for drawn, font, natural in tok.glyphs:
            glyphs.append((x, drawn, font, size, bold, natural))
            x += natural
        x += gap
    return glyphs


def _runs(glyphs: list[tuple], y: float) -> list[Run]:
    """Merge glyphs (x, char, font, size, bold, advance) into runs: same font, size and
    weight, and evenly spaced (the second glyph of a run fixes its spacing: the space
    between one glyph's advance and the next glyph)."""
    runs: list[Run] = []
    i, n = 0, len(glyphs)
    while i < n:
        x, ch, font, size, bold, advance = glyphs[i]
        chars, space, j = [ch], 0.0, i + 1
        if j < n and glyphs[j][2] is font and glyphs[j][3] == size and glyphs[j][4] == bold:
            space = glyphs[j][0] - x - advance
            last_x, last_advance = x, advance
            while j < n:
                gx, gch, gfont, gsize, gbold, gadvance = glyphs[j]
                if (gfont is not font or gsize != size or gbold != bold
                        or abs((gx - last_x - last_advance) - space) >= 1e-6):
                    break
                chars.append(gch)
                last_x, last_advance = gx, gadvance
                j += 1
        runs.append(Run(x, y, "".join(chars), font.name, size, space, bold))
        i = j
    return runs


def _keep_with_next(blocks: list[Block], lines: list[list]) -> list[int]:
    """Per block: how many lines must share its page (a heading, any headings after it,
    and the first line of the paragraph that follows); 0 for other blocks."""
    keep = [0] * len(blocks)
    for i in reversed(range(len(blocks))):
        if blocks[i].type == "heading":
            nxt = (keep[i + 1] or min(1, len(lines[i + 1]))) if i + 1 < len(blocks) else 0
            keep[i] = len(lines[i]) + nxt
    return keep


def layout(doc: Document, profile: Profile, missing: dict | None = None) -> list[PageLayout]:
    """Pages of positioned runs and outline marks; characters no font has go into `missing`."""
    setter = _Setter(profile, {} if missing is None else missing)
    geo, blocks = setter.geo, doc.blocks
    lines = [setter.block_lines(b) for b in blocks]
    keep = _keep_with_next(blocks, lines)
    has_title = any(b.type == "title" for b in blocks)
    pages = [PageLayout(1)]
    row, space, level = 0, 0, -1
    for block, block_lines, need in zip(blocks, lines, keep):
        role = profile.role(block_role(block))
        if block.type not in ("subtitle", "byline"):  # the title's space follows its whole group
            row, space = row + space, 0
        if row >= geo.lines or (need and row + need > geo.lines >= need and row > 0):
            pages.append(PageLayout(len(pages) + 1))
            row = 0
        if block.type == "title" or role.outline_level is not None:
            wanted = 0 if block.type == "title" else role.outline_level - (0 if has_title else 1)
            level = max(0, min(wanted, level + 1))  # reportlab allows no skipped level
            pages[-1].marks.append(Mark(block.text, level, geo.top - row * geo.pitch))
        for glyphs, baseline in block_lines:
            if row >= geo.lines:
                pages.append(PageLayout(len(pages) + 1))
                row = 0
            pages[-1].runs += _runs(glyphs, geo.top - row * geo.pitch + baseline)
            row += 1
        space = max(space, role.space_after_lines)
    for page in pages:
        page.runs += setter.page_number(page.number)
    return pages


# --- drawing --------------------------------------------------------------------------------

def _draw(pages: list[PageLayout], doc: Document, profile: Profile) -> bytes:
    geo = _Geometry.of(profile)
    buf = io.BytesIO()
    # The initial font is one of ours: reportlab's default, Helvetica, would be an unembedded font.
    body = font_chain(profile.fonts[profile.body.font]).first.name
    c = Canvas(buf, pagesize=(geo.page_width, geo.page_height), invariant=1, pageCompression=1,
               lang=LANG, initialFontName=body)
    c.setTitle(doc.title)
    c.setAuthor(doc.author)
    c.setSubject(SUBJECT)
    c.setCreator(CREATOR)
    marks = 0
    for page in pages:
        for m in page.marks:
            key = f"m{marks}"
            marks += 1
            c.bookmarkPage(key, fit="XYZ", left=0, top=m.top)
            c.addOutlineEntry(m.title, key, level=m.level)
        _draw_runs(c, page.runs)
        c.showPage()
    if marks:
        c.showOutline()
    c.save()
    return buf.getvalue()


def _draw_runs(c: Canvas, runs: list[Run]) -> None:
    """All runs of a page as one text object, whose operators are written here: reportlab's
    text objects measure every string again, write each glyph code as a 4-byte octal escape
    and set the leading with every font. Here a glyph code is 2 hex digits, each run moves
    from the one before (Td), and spacing, render mode and font are set when they change:
    the sample's page streams take 6.8 KB instead of 8.7, and a PDF 15 % less time.
    reportlab still numbers each font subset's glyphs (splitString) and embeds the subsets."""
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


class _Flate(pdfdoc.PDFStreamFilterZCompress):
    """reportlab's Flate filter with libdeflate instead of zlib: a PDF's streams (mostly its
    fonts' glyphs) compress in half the time at the same size (the sample, both at level 6:
    5 ms against 12, 137.2 KB against 137.0 KB); zlib where the deflate package is missing."""

    def encode(self, text):
        if isinstance(text, str):
            text = text.encode("utf8")
        return bytes(_deflate.zlib_compress(text, FLATE_LEVEL)) if _deflate else zlib.compress(text)


try:
    import deflate as _deflate
except ImportError:  # pragma: no cover — a platform without a wheel: zlib, as reportlab has it
    _deflate = None
# Level 8 rather than libdeflate's default 6: 0.5 % smaller PDFs (the sample 149.4 KB against
# 150.1) for 2 % more time; 10-12 would save another 1 % at twice the time.
FLATE_LEVEL = 8
_FLATE = _Flate()


_PLAIN_ARRAY_FORMAT = pdfdoc.PDFArray.format


def _format_array(self, document, IND=b"\n "):
    """reportlab's PDFArray.format, but an array of plain numbers (a font subset's widths,
    256 of them) formatted by one call of rl_accel's fp_str rather than one format() call
    per number: the same bytes (ten to a line), and a twentieth of a PDF's time less."""
    seq = self.sequence
    if (self.multiline and rl_config.pdfMultiLine) or self.multiline == "forced" or not seq \
            or not all(type(e) in (int, float) for e in seq):
        return _PLAIN_ARRAY_FORMAT(self, document, IND)
    lines = [fp_str(*seq[i:i + 10]).encode("ascii") for i in range(0, len(seq), 10)]
    return b"[ " + b" \n  ".join(lines) + b" ]"


@contextmanager
def _reportlab_tuned():
    """reportlab's PDF writer as we use it, while one PDF is drawn (and as it was after):
    no ASCII85 on top of Flate (it makes page streams a quarter bigger and costs time),
    libdeflate for Flate (_Flate), arrays of numbers in one call (_format_array), and PDF
    names, which it escapes character by character for every key of every dictionary,
    remembered (a PDF has a few dozen distinct names and writes them 300 times)."""
    with _TUNING:  # reportlab's globals are the whole process's: one PDF at a time is tuned
        saved = rl_config.useA85, pdfdoc.PDFZCompress, pdfdoc.PDFArray.format, pdfdoc.PDFName
        rl_config.useA85, pdfdoc.PDFZCompress, pdfdoc.PDFArray.format = 0, _FLATE, _format_array
        pdfdoc.PDFName = _pdf_name
        try:
            yield
        finally:
            rl_config.useA85, pdfdoc.PDFZCompress, pdfdoc.PDFArray.format, pdfdoc.PDFName = saved


_TUNING = threading.RLock()


_pdf_name = lru_cache(maxsize=4096)(pdfdoc.PDFName)


def typeset_pdf(doc: Document, profile: Profile) -> TypesetPdf:
    """The speech as a GB/T 9704 PDF, laid out once, with its page count, fonts and missing characters."""
    missing: dict[str, None] = {}
    pages = layout(doc, profile, missing)
    with _reportlab_tuned():
        data = _draw(pages, doc, profile)
    by_name = {f.name: f.family for f in _LOADED.values() if f}
    fonts = sorted({by_name.get(r.font, r.font) for p in pages for r in p.runs})
    return TypesetPdf(data, len(pages), fonts, list(missing))


def render_pdf(doc: Document, profile: Profile) -> bytes:
    """The speech as a GB/T 9704 PDF. Characters no font has are drawn as REPLACEMENT;
    typeset_pdf or missing_characters() reports them."""
    return typeset_pdf(doc, profile).data
