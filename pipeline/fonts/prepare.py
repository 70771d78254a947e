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
match is rebuilt (the checksum is computed when the file's size and mtime are not those it was
written with). Where no cache folder can be written, `prepare` warns once and returns
None: the PDF writer then embeds TrueType fonts as installed and skips CFF fonts.

API:
    prepare(path, index) -> PreparedFont | None   None: no cache folder can be written
    PreparedFont.base -> Part                     the base part (built on first use)
    PreparedFont.covers(cp) -> bool               whether the source font has code point cp
    PreparedFont.part(block) -> Part | None       the characters of cp >> 8 == block outside the base
    Part.path, Part.data, Part.crc32              the TrueType file, its (checked) bytes, their CRC-32

How a copy is made is fonts/slim.py; `python -m pipeline.fonts [--profile NAME]` prepares the
base part of every installed candidate font of a profile (setup runs it, so the first conversion
is not a user's wait).
"""
from __future__ import annotations

import bisect
import glob
import hashlib
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

from ..files import TEMPORARY, write_atomically
from . import slim
from .slim import PREPARED_UPM, FontPrepError  # noqa: F401 — callers take them from here

RECIPE = 5  # bump when what slim.build makes changes: old cache entries are then not used
BLOCK_BITS = 8  # on-demand parts: the characters of one block of 256 code points
ENV_CACHE = "SPEECH_PIPELINE_FONT_CACHE"

STATS = {"built": 0}  # parts built by this process (tests check the cache is reused)


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
        stamp = _stamp(path)
        data = path.read_bytes()
    except OSError:
        return None
    # The file as it was written (its size and mtime, as pyc files are checked): no checksum
    # of its megabytes at every start (5 ms of a cold one). Else the checksum decides.
    if len(data) != meta.get("length") or (stamp != meta.get("file") and zlib.crc32(data) != meta.get("crc32")):
        return None
    return Part(path, data, meta["crc32"])


def _stamp(path: Path) -> list[int]:
    st = os.stat(path)
    return [st.st_size, st.st_mtime_ns]


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
                        built = slim.build(self.source, self.index, chars(), name)
                        STATS["built"] += 1
                    data, meta = built
                    meta.update(self._facts, part=name, length=len(data), crc32=zlib.crc32(data))
                    write_atomically(folder / f"{stem}.ttf", data)
                    meta["file"] = _stamp(folder / f"{stem}.ttf")
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
        if part and meta.get("file") is None:  # an entry from before the stamps: checked, now stamped
            try:
                meta["file"] = _stamp(part.path)
                write_atomically(folder / f"{stem}.json", json.dumps(meta).encode())
            except OSError:
                pass
        return (part, meta) if part else None

    def _remove_stale(self, folder: Path) -> None:
        """Entries of this face made from another version of its file (the package was updated),
        and temporary files a killed process left. Entries made by another fontTools or recipe
        stay: another checkout may use them."""
        for tmp in folder.glob(TEMPORARY):  # a killed process may leave one: removed an hour later
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


def _parse_ranges(text: str) -> tuple[list[int], list[int]]:
    starts, ends = [], []
    for item in filter(None, text.split(",")):
        a, _, b = item.partition("-")
        starts.append(int(a, 16))
        ends.append(int(b or a, 16))
    return starts, ends
