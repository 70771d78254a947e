"""Prepared fonts: slim TrueType copies of installed fonts for the PDF writer, cached on disk.

reportlab embeds only TrueType (glyf) outlines: it refuses fonts with PostScript (CFF)
outlines, such as Noto Serif/Sans CJK, and it copies each font's hinting programs and
whole name table (43 KB in the AR PL fonts) into every 256-glyph subset it embeds.
`prepare(path, index)` therefore makes, once per installed font face, a copy with

- TrueType outlines on a grid of 1/256 em (PREPARED_UPM): CFF outlines are scaled and
  converted to quadratic curves (cu2qu, within half a unit), which takes about 10 s for
  the GB2312 set of a CJK face; TrueType outlines are scaled point for point;
- no hinting: no fpgm, prep or cvt table and no glyph instructions (they only snap
  outlines to a coarse pixel grid; poppler renders the sample speech pixel for pixel
  as before);
- a name table of the English copyright, family, style, full and PostScript names only
  (no license texts, no version strings, no other languages);
- only head, hhea, maxp, OS/2, hmtx, cmap, loca, glyf, name and post (format 3, no
  glyph names): no layout, kerning, vertical-metrics, bitmap, device-metrics or
  signature tables, which reportlab never embeds and our layout never reads;
- the glyphs of one *part* of the characters the source has. The base part holds
  GB2312, ASCII, Latin-1 and the punctuation and full-width blocks (`base_chars()`),
  which is what a Chinese speech needs; every other character the source has is
  prepared on demand, in parts of the 256 code points around it (`part(block)`), so
  coverage is the source's and a rare character costs a fraction of a second once.

Metrics (advance widths, ascent, descent, bounding boxes) are the source's on the coarser
grid: CJK advances exactly, proportional ones within 1/512 em; the layout reads them from the
prepared font, so what is measured is what is drawn.

The cache: `$SPEECH_PIPELINE_FONT_CACHE`, else `$XDG_CACHE_HOME/speech-pipeline/fonts`
(`~/.cache/...`), else a folder in the temporary directory when those cannot be written.
An entry is a TrueType file and a JSON file describing it (the source, its size and
mtime, the fontTools version, this module's recipe, the file's length and CRC-32, and
for the base part the source's character coverage). Its name holds a hash of exactly
those inputs, so a font updated by the package manager (whose old entries are then
removed), a new fontTools or a new recipe makes a new entry. Writes go to a temporary
file renamed into place, under a lock file, so parallel processes neither corrupt an
entry nor convert the same font twice; an entry whose length or checksum does not
match is rebuilt. Where no cache folder can be written, `prepare` warns once and returns
None: the PDF writer then embeds TrueType fonts as installed and skips CFF fonts.

API:
    prepare(path, index) -> PreparedFont | None   None: no cache folder can be written
    PreparedFont.base -> Part                     the base part (built on first use)
    PreparedFont.covers(cp) -> bool               whether the source font has code point cp
    PreparedFont.part(block) -> Part | None       the characters of cp >> 8 == block outside the base
    Part.path, Part.data, Part.crc32              the TrueType file, its (checked) bytes, their CRC-32

`python -m pipeline.fonts.prepare [--profile NAME]` prepares the base part of every installed
candidate font of a profile (setup runs it, so the first conversion is not a user's wait).
"""
from __future__ import annotations

import bisect
import glob
import hashlib
import io
import json
import os
import re
import sys
import tempfile
import time
import zlib
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

RECIPE = 5  # bump when what `_build` makes changes: old cache entries are then not used
BLOCK_BITS = 8  # on-demand parts: the characters of one block of 256 code points
# Outlines on a grid of 1/256 em: at the 22 pt of a title one unit is 0.03 mm, under one dot
# of a 600 dpi printer, and every coordinate delta fits in one byte (the sample's PDF: 26 %
# smaller than at the sources' 1000 or 2048 units). CJK advances (1000, 1024, 2048 units) stay
# exact; proportional Latin advances move by at most 1/512 em.
PREPARED_UPM = 256
# What the PDF writer sets one to a grid cell, as it sets Chinese (see _full_width_forms):
# punctuation, symbols and CJK from U+2000 on, and the Latin-1 signs × ÷ ·.
FULL_CELL_FROM = 0x2000
FULL_CELL_SIGNS = frozenset(map(ord, "×÷·"))
MAX_ERR_EM = 1 / PREPARED_UPM  # cu2qu: largest distance of a quadratic from its cubic curve
KEEP_NAMES = (0, 1, 2, 4, 6)  # copyright, family, style, full name, PostScript name
ENV_CACHE = "SPEECH_PIPELINE_FONT_CACHE"
TMP_PREFIX = ".tmp-"  # files being written; a killed process may leave one, removed an hour later

STATS = {"built": 0}  # parts built by this process (tests check the cache is reused)


class FontPrepError(Exception):
    """The font cannot be prepared (unreadable, no Unicode character map, no outlines)."""


@lru_cache(maxsize=1)
def base_chars() -> frozenset[int]:
    """GB2312 (its 6763 hanzi and 682 signs), ASCII, Latin-1, general punctuation, letterlike
    symbols, number forms, arrows, enclosed numbers, box drawing and geometric shapes, CJK
    punctuation and the full-width forms."""
    chars: set[int] = set()
    for hi in range(0xA1, 0xF8):
        for lo in range(0xA1, 0xFF):
            try:
                chars.update(map(ord, bytes((hi, lo)).decode("gb2312")))
            except UnicodeDecodeError:
                pass
    for lo, hi in ((0x20, 0x7E), (0xA0, 0xFF), (0x2000, 0x206F), (0x2100, 0x218F), (0x2190, 0x21FF),
                   (0x2460, 0x24FF), (0x2500, 0x25FF), (0x3000, 0x303F), (0xFF00, 0xFFEF)):
        chars.update(range(lo, hi + 1))
    return frozenset(chars)


# --- the cache ------------------------------------------------------------------------------

def cache_dirs() -> list[Path]:
    """Where prepared fonts are kept, in order of preference."""
    if os.environ.get(ENV_CACHE):
        first = Path(os.environ[ENV_CACHE]).expanduser()
    else:
        xdg = os.environ.get("XDG_CACHE_HOME")
        first = (Path(xdg) if xdg and os.path.isabs(xdg) else Path.home() / ".cache") / "speech-pipeline" / "fonts"
    user = str(os.getuid()) if hasattr(os, "getuid") else os.environ.get("USERNAME", "user")
    return [first, Path(tempfile.gettempdir()) / f"speech-pipeline-fonts-{user}"]


@dataclass(frozen=True)
class Part:
    """A prepared TrueType file and its bytes (checked against the entry's length and CRC-32)."""
    path: Path
    data: bytes
    crc32: int


def _read(path: Path, meta: dict) -> Part | None:
    try:
        data = path.read_bytes()
    except OSError:
        return None
    if len(data) != meta.get("length") or zlib.crc32(data) != meta.get("crc32"):
        return None
    return Part(path, data, meta["crc32"])


@contextmanager
def _locked(folder: Path, stem: str):
    """An exclusive lock on one entry across processes (a no-op where fcntl is missing)."""
    try:
        import fcntl
    except ImportError:  # Windows: two processes may convert the same font; the renames stay atomic
        yield
        return
    with open(folder / f"{stem}.lock", "a+b") as f:
        fcntl.flock(f, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(f, fcntl.LOCK_UN)


def write_atomically(path: Path, data: bytes) -> None:
    """Write a cache file whole or not at all (a temporary file renamed into place)."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=TMP_PREFIX, suffix=path.suffix)
    try:
        if hasattr(os, "fchmod"):
            os.fchmod(fd, 0o644)  # mkstemp's 0600 would hide a shared cache from other users
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:  # also Ctrl-C: no temporary file is left behind
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


_WARNED: set[str] = set()


def warn(message: str) -> None:
    """One line on stderr, once per process."""
    if message not in _WARNED:
        _WARNED.add(message)
        print(f"warning: {message}", file=sys.stderr)


class PreparedFont:
    """One installed font face, prepared part by part in the cache."""

    def __init__(self, source: str, index: int):
        self.source, self.index = source, index
        st = os.stat(source)
        ident = f"{os.path.realpath(source)}\0{index}"
        version = f"{RECIPE}\0{st.st_size}\0{st.st_mtime_ns}\0{_fonttools_version()}"
        stem = re.sub(r"[^A-Za-z0-9_.-]+", "_", Path(source).stem)[:40]
        self._prefix = f"{stem}-{index}-{_digest(ident)}-"
        self._stem = self._prefix + _digest(ident + "\0" + version)
        self._facts = {"recipe": RECIPE, "source": os.path.realpath(source), "index": index,
                       "size": st.st_size, "mtime_ns": st.st_mtime_ns, "fonttools": _fonttools_version()}
        self._base: Part | None = None
        self._coverage_text = ""
        self._coverage: tuple[list[int], list[int]] | None = None
        self._parts: dict[int, Part | None] = {}
        self.outlines = ""  # "glyf" or "CFF", from the base entry

    @property
    def base(self) -> Part:
        if self._base is None:
            self._base, meta = self._entry("base", base_chars)
            self._coverage_text = meta["coverage"]
            self.outlines = meta["outlines"]
        return self._base

    def covers(self, cp: int) -> bool:
        """Whether the source font has a glyph for code point `cp`."""
        if self._coverage is None:
            self.base  # noqa: B018 — reads the coverage
            self._coverage = _parse_ranges(self._coverage_text)
        starts, ends = self._coverage
        i = bisect.bisect_right(starts, cp) - 1
        return i >= 0 and cp <= ends[i]

    def part(self, block: int) -> Part | None:
        """The part with the source's characters of code points block*256…block*256+255 that
        are not in the base part; None when there are none."""
        if block not in self._parts:
            lo, hi = block << BLOCK_BITS, (block + 1) << BLOCK_BITS
            base = base_chars()
            wanted = [cp for cp in range(lo, hi) if cp not in base and self.covers(cp)]
            try:
                self._parts[block] = self._entry(f"u{block:04x}", lambda: frozenset(wanted))[0] if wanted else None
            except (CacheUnwritable, FontPrepError) as e:
                warn(f"fonts: {self.source}: characters U+{lo:04X}–U+{hi - 1:04X} not prepared: {e}")
                self._parts[block] = None
        return self._parts[block]

    def _entry(self, name: str, chars) -> tuple[Part, dict]:
        """The cache entry `name`: read, or built from the source's glyphs for chars()."""
        stem = f"{self._stem}.{name}"
        for folder in cache_dirs():
            found = self._load(folder, stem)
            if found:
                return found
        problems, built = [], None
        for folder in cache_dirs():
            try:
                folder.mkdir(parents=True, exist_ok=True)
                with _locked(folder, stem):
                    found = self._load(folder, stem)  # another process may just have built it
                    if found:
                        return found
                    if built is None:  # once, even if the first folder turns out to be full
                        built = _build(self.source, self.index, chars(), name)
                        STATS["built"] += 1
                    data, meta = built
                    meta.update(self._facts, part=name, length=len(data), crc32=zlib.crc32(data))
                    write_atomically(folder / f"{stem}.ttf", data)
                    write_atomically(folder / f"{stem}.json", json.dumps(meta).encode())
                    if name == "base":
                        self._remove_stale(folder)
                    return Part(folder / f"{stem}.ttf", data, meta["crc32"]), meta
            except OSError as e:
                problems.append(f"{folder}: {e.strerror or e}")
        raise CacheUnwritable("; ".join(problems))

    def _load(self, folder: Path, stem: str) -> tuple[Part, dict] | None:
        try:
            meta = json.loads((folder / f"{stem}.json").read_bytes())
        except (OSError, ValueError):
            return None
        if not isinstance(meta, dict) or any(meta.get(k) != v for k, v in self._facts.items()):
            return None
        part = _read(folder / f"{stem}.ttf", meta)
        return (part, meta) if part else None

    def _remove_stale(self, folder: Path) -> None:
        """Entries of this face made from another version of its file (the package was updated),
        and temporary files a killed process left. Entries made by another fontTools or recipe
        stay: another checkout may use them."""
        for tmp in folder.glob(f"{TMP_PREFIX}*"):
            try:
                if time.time() - tmp.stat().st_mtime > 3600:
                    tmp.unlink()
            except OSError:
                pass
        for meta_path in folder.glob(f"{glob.escape(self._prefix)}*.json"):
            if meta_path.name.startswith(self._stem + "."):
                continue
            try:
                meta = json.loads(meta_path.read_bytes())
                if (meta.get("size"), meta.get("mtime_ns")) == (self._facts["size"], self._facts["mtime_ns"]):
                    continue
                for suffix in (".ttf", ".lock", ".json"):
                    meta_path.with_suffix(suffix).unlink(missing_ok=True)
            except (OSError, ValueError, AttributeError):
                pass


class CacheUnwritable(OSError):
    """No cache folder could be written."""


def _digest(s: str) -> str:
    return hashlib.sha256(s.encode("utf-8", "surrogatepass")).hexdigest()[:16]


@lru_cache(maxsize=1)
def _fonttools_version() -> str:
    import fontTools

    return fontTools.version


def prepare(path: str, index: int = 0) -> PreparedFont | None:
    """The prepared font for face `index` of the font file `path`, its base part ready. None when
    no cache folder can be written (the caller then uses the original file, or skips a CFF font);
    FontPrepError when the font itself cannot be prepared."""
    font = PreparedFont(path, index)
    try:
        font.base  # noqa: B018
    except CacheUnwritable as e:
        warn(f"fonts: no font cache folder can be written ({e}); fonts are embedded as installed "
             f"and fonts with PostScript outlines cannot be used")
        return None
    return font


# --- building -------------------------------------------------------------------------------

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


def _build(path: str, index: int, chars: frozenset[int], part: str) -> tuple[bytes, dict]:
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


def _closure(glyf, names: list[str]) -> list[str]:
    """`names` and the components their composite glyphs are made of."""
    out, todo = dict.fromkeys(names), list(names)
    while todo:
        g = glyf.glyphs[todo.pop()]
        if hasattr(g, "data") and len(g.data) >= 2 and int.from_bytes(g.data[:2], "big", signed=True) < 0:
            g.expand(glyf)
        for c in getattr(g, "components", ()):
            if c.glyphName not in out:
                out[c.glyphName] = None
                todo.append(c.glyphName)
    return list(out)


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
    """TrueType glyphs without their instructions (fontTools trims packed glyphs without
    unpacking them; composites are unpacked, as their component ids change), and their metrics."""
    glyf = src["glyf"]
    glyphs = {}
    for name in _closure(glyf, names):
        g = glyf.glyphs[name]
        g.trim(remove_hinting=True)
        glyphs[name] = g
    hm = src["hmtx"].metrics
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


def _parse_ranges(text: str) -> tuple[list[int], list[int]]:
    starts, ends = [], []
    for item in filter(None, text.split(",")):
        a, _, b = item.partition("-")
        starts.append(int(a, 16))
        ends.append(int(b or a, 16))
    return starts, ends


# --- prepare a profile's fonts ahead ---------------------------------------------------------

def _prepare_one(face: tuple[str, int, str]) -> tuple[str, str, int]:
    """(family, outlines or a problem, parts built) for one face; in a worker process."""
    path, index, family = face
    try:
        font = prepare(path, index)
    except (FontPrepError, OSError) as e:
        return family, f"not usable: {e}", 0
    return family, font.outlines if font else "not prepared (no writable cache)", STATS["built"]


def _has_cff(path: str, index: int) -> bool:
    from fontTools.ttLib import TTFont

    try:
        font = TTFont(path, fontNumber=index, lazy=True)
    except Exception:  # noqa: BLE001 — prepare() will say what is wrong with it
        return False
    return "CFF " in font or "CFF2" in font


def main(argv: list[str] | None = None) -> int:
    """Prepare the base part of every installed candidate face of a profile, several at once."""
    import argparse
    from concurrent.futures import ProcessPoolExecutor

    from .find import find_fonts
    from ..typeset.profile import DEFAULT_PROFILE, load_profile

    p = argparse.ArgumentParser(prog="python -m pipeline.fonts.prepare",
                                description="Prepare (convert, slim, cache) the installed fonts of a profile.")
    p.add_argument("--profile", default=DEFAULT_PROFILE, help="profile name or TOML file")
    args = p.parse_args(argv)
    profile = load_profile(args.profile)
    faces = list(dict.fromkeys((f.path, f.index, f.label) for fam in profile.fonts.values()
                               for f in find_fonts(fam.candidates)))
    faces.sort(key=lambda f: not _has_cff(f[0], f[1]))  # the slow ones first, so they run side by side
    start = time.perf_counter()
    with ProcessPoolExecutor() as pool:
        results = list(pool.map(_prepare_one, faces))
    converted = [family for family, outlines, built in results if built and outlines == "CFF"]
    for family, outlines, _ in results:
        if outlines not in ("CFF", "glyf"):
            print(f"fontprep: {family}: {outlines}", file=sys.stderr)
    print(f"fontprep: {len(faces)} fonts ready in {time.perf_counter() - start:.1f} s"
          + (f" ({', '.join(converted)} converted to TrueType)" if converted else ""), file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
