"""The PDF's fonts: installed faces, prepared (fonts/prepare.py) and registered with reportlab,
in each role's fallback order.

    FontLibrary.one()               this process's registered faces
    Fonts(library).chain(*families) -> FontChain   the families' usable faces, in order
    FontChain.first, .pick(ch), .glyph(ch, missing)

Each character is drawn by the first face of its role's chain whose character map has it; a
character no face has is reported and drawn as REPLACEMENT. A face's base part (the
characters a Chinese speech needs) registers when the chain first needs the face, its other
parts when a character needs them.

reportlab's font registry (pdfmetrics) is the process's: a registered font keeps its bytes
for good, and every font registered with a face name already known is handed the font
registered first. So the library that registers them is one per process, every Typesetter
of the process draws from it, and the process takes one path: on the fast path (fast.py) a
prepared font comes from its kept parse with our subsetter; on the public path reportlab
parses it itself (TTFont) and makes its own subsets, and a glyph's outline box is read with
fontTools.
"""
from __future__ import annotations

import io
import itertools
from pathlib import Path

from . import fast  # noqa: I001 — before reportlab: on the fast path it makes PIL.Image lazy first
from reportlab.pdfbase import pdfmetrics  # noqa: E402
from reportlab.pdfbase.ttfonts import TTFError, TTFont  # noqa: E402

from ...chars import REPLACEMENT
from ...fonts import prepare
from ...fonts.find import FontFile, find_fonts
from ...typeset.profile import FontFamily
from .layout import Font

_NAMES = itertools.count()  # registered names, unique in the process (a name registered twice replaces the first)


class _Face:
    """An installed face as the chains see it: the font of its prepared base part and, loaded
    when a character needs them, the fonts of its other parts. Without a prepared copy it is
    the installed file itself."""

    def __init__(self, library: FontLibrary, ff: FontFile, prepared: prepare.PreparedFont | None, base: Font):
        self.library, self.ff, self.prepared, self.base = library, ff, prepared, base
        self._parts: dict[int, Font | None] = {}

    def font_for(self, cp: int) -> Font | None:
        """The font of this face that draws code point `cp`, or None if the face has no glyph."""
        if cp in self.base.cmap:
            return self.base
        if self.prepared is None or not self.prepared.covers(cp):
            return None
        block = cp >> prepare.BLOCK_BITS
        if block not in self._parts:
            part = self.prepared.part(block)
            self._parts[block] = self.library.register(self.ff, str(part.path), part=part) if part else None
        font = self._parts[block]
        return font if font and cp in font.cmap else None


class FontLibrary:
    """The faces this process registered with reportlab, by file and face index."""

    _ONE: list[FontLibrary] = []  # the process's

    @classmethod
    def one(cls) -> FontLibrary:
        if not cls._ONE:
            cls._ONE.append(cls(fast.ACTIVE))
        return cls._ONE[0]

    def __init__(self, fast_path: bool):
        self.fast_path = fast_path
        self._faces: dict[tuple[str, int], _Face | None] = {}
        self.family_of: dict[str, str] = {}  # registered name -> the installed face's family (and style)

    def register(self, ff: FontFile, file: str, index: int = 0, part: prepare.Part | None = None) -> Font | None:
        """Register a TrueType font file (a prepared part, or the installed file) with reportlab;
        None if reportlab refuses it. Not asciiReadable: reportlab would put all of ASCII into
        every font's first subset, and the CJK fonts draw none of it (digits and Latin letters
        come from the Latin font)."""
        name = f"{Path(ff.path).stem}-{ff.index}-{next(_NAMES)}"
        try:
            if part is not None and self.fast_path:
                tt = fast.parsed_font(name, part)
            elif part is not None:
                tt = TTFont(name, fast.named_bytes(part.data, file), asciiReadable=0)
            else:
                tt = TTFont(name, file, subfontIndex=index, asciiReadable=0)
        except (TTFError, OSError):  # e.g. CFF "postscript outlines are not supported"
            return None
        pdfmetrics.registerFont(tt)
        tt = pdfmetrics.getFont(name)  # another font of this face name, if one was registered before
        self.family_of[name] = ff.label
        face = tt.face
        if self.fast_path:
            def ink(ch: str) -> float:
                return fast.ink_middle(face, ch)
        else:
            def ink(ch: str) -> float:
                return _ink_middle(part.data if part else None, file, index, face.charToGlyph[ord(ch)],
                                   face.ascent, face.descent)
        return Font(name, ff.label, face.charToGlyph, face.charWidths, face.defaultWidth,
                    face.ascent, face.descent, ink)

    def face(self, ff: FontFile) -> _Face | None:
        """The installed face `ff`, prepared (fonts/prepare.py: TrueType outlines, no hinting,
        slim tables, cached on disk), or as installed when no cache can be written; None if it
        is unusable."""
        key = (ff.path, ff.index)
        if key not in self._faces:
            self._faces[key] = self._open(ff)
        return self._faces[key]

    def _open(self, ff: FontFile) -> _Face | None:
        try:
            prepared = prepare.prepare(ff.path, ff.index)
        except (prepare.FontPrepError, OSError) as e:
            prepare.warn(f"fonts: {ff.label} is not used: {e}")
            return None
        if prepared is not None:
            font = self.register(ff, str(prepared.base.path), part=prepared.base)
            if font is None:  # e.g. its license forbids embedding
                prepare.warn(f"fonts: {ff.label} is not used: reportlab cannot embed it")
        else:  # no writable cache: the installed file, if reportlab can embed it as it is
            font = self.register(ff, ff.path, ff.index)
            if font is None:
                prepare.warn(f"fonts: {ff.label} is not used: its outlines need converting, "
                             f"and there is no font cache to keep the conversion in")
        return _Face(self, ff, prepared, font) if font else None


def _ink_middle(data: bytes | None, file: str, index: int, gid: int, ascent: float, descent: float) -> float:
    """The public path's glyph box (fast.ink_middle reads reportlab's copy of the bytes): the
    TrueType glyph header's yMin/yMax, through fontTools, in 1/1000 em."""
    from fontTools.ttLib import TTFont as FontToolsFont

    font = FontToolsFont(io.BytesIO(data) if data is not None else file, fontNumber=index, lazy=True)
    glyph = font["glyf"][font.getGlyphName(gid)]
    if not glyph.numberOfContours:  # a blank glyph: the em box's middle
        return (ascent + descent) / 2
    return (glyph.yMin + glyph.yMax) / 2 * 1000 / font["head"].unitsPerEm


class FontChain:
    """Font families' usable installed faces in fallback order, with a per-character cache.
    Faces load on demand, and their parts beyond the base characters too: most text never
    needs the fallbacks."""

    def __init__(self, library: FontLibrary, *families: FontFamily):
        self.library, self.families = library, families
        self._files = [ff for family in families for ff in find_fonts(family.candidates)]
        self._next = 0  # the next file of _files to load
        self._loaded: list[_Face] = []
        self._picks: dict[str, Font | None] = {}

    def _load_next(self) -> bool:
        """Load the next usable face of the chain; False when there is none left."""
        while self._next < len(self._files):
            ff = self._files[self._next]
            self._next += 1
            face = self.library.face(ff)
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


class Fonts:
    """One Typesetter's font chains, by the families they run through."""

    def __init__(self, library: FontLibrary):
        self.library = library
        self._chains: dict[tuple[FontFamily, ...], FontChain] = {}

    def chain(self, *families: FontFamily) -> FontChain:
        if families not in self._chains:
            self._chains[families] = FontChain(self.library, *families)
        return self._chains[families]

    def load(self, families) -> None:
        """Load each family's own face ahead of a document (a process that typesets while the
        speech is still being read gets this done meanwhile). A face that cannot be loaded is
        left for the document that needs it to report."""
        for family in dict.fromkeys(families):
            try:
                self.chain(family).first  # noqa: B018 — loads it
            except RuntimeError:
                pass
