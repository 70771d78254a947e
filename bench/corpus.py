"""A deterministic benchmark corpus of distinct speeches, made from the labelled ones.

Each source file is kept as it is, then variants are added until there are `count`
files, all different: the body's paragraphs shuffled (乱序), mixed with another
speech's (合编), cut to half to three quarters of its length (节选), or shuffled and
saved in another encoding and line ending (转码). The head (download-site header,
title, byline, salutation: everything before the first paragraph of prose) and the
last paragraph (with any footer) stay in place, so every variant still reads as a
speech to the pipeline. Encodings (UTF-8 with and without BOM, GB18030,
UTF-16 LE/BE with BOM) and line endings are those of the source unless 转码.
Names carry a Chinese tag and no spaces, so `make` can build them.

`write_utf8_copies` writes each file again as plain UTF-8 for the tools that
cannot detect GB18030 or UTF-16 on their own (LibreOffice, pandoc).
"""
from __future__ import annotations

import codecs
import hashlib
import random
import re
from pathlib import Path

# How a file's text was stored: the codec to encode it with and the mark to put first.
ENCODINGS = {"utf-8": b"", "utf-8-sig": codecs.BOM_UTF8, "gb18030": b"",
             "utf-16-le": codecs.BOM_UTF16_LE, "utf-16-be": codecs.BOM_UTF16_BE}
NEWLINES = ("\n", "\r\n", "\r")
# A line ending in one of these closes a paragraph, however it was wrapped.
PARAGRAPH_END = re.compile(r"[。！？：；…”」）!?:;]\s*$")
PROSE_MIN_CHARS = 40  # the first paragraph this long that ends a sentence starts the body


def decode(raw: bytes) -> tuple[str, str]:
    """The text of a source file and the name (a key of ENCODINGS) it was stored in."""
    for name, bom in ENCODINGS.items():
        if bom and raw.startswith(bom):
            return raw[len(bom):].decode(name.removesuffix("-sig")), name
    try:
        return raw.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        return raw.decode("gb18030"), "gb18030"


def encode(text: str, encoding: str) -> bytes:
    return ENCODINGS[encoding] + text.encode(encoding.removesuffix("-sig"))


def newline_of(text: str) -> str:
    return "\r\n" if "\r\n" in text else "\r" if "\r" in text else "\n"


def paragraphs(text: str, newline: str) -> list[list[str]]:
    """The text's lines grouped into paragraphs: runs of lines up to one that ends a sentence."""
    units, current = [], []
    for line in text.split(newline):
        current.append(line)
        if not line.strip() or PARAGRAPH_END.search(line):
            units.append(current)
            current = []
    return units + [current] if current else units


def is_prose(unit: list[str]) -> bool:
    text = "".join(line.strip() for line in unit)
    return len(text) >= PROSE_MIN_CHARS and text[-1] in "。！？”"


class Source:
    def __init__(self, path: Path):
        self.path = path
        self.text, self.encoding = decode(path.read_bytes())
        self.newline = newline_of(self.text)
        units = paragraphs(self.text, self.newline)
        start = max(1, next((i for i, unit in enumerate(units) if is_prose(unit)), 1))  # the title at least
        self.head, self.body, self.tail = units[:start], units[start:-1], units[-1:]

    def join(self, body: list[list[str]], newline: str | None = None) -> str:
        return (newline or self.newline).join(line for unit in self.head + body + self.tail for line in unit)


def _shuffled(a: Source, rng: random.Random) -> list[list[str]]:
    return rng.sample(a.body, len(a.body))


def variant(kind: str, a: Source, b: Source, rng: random.Random) -> tuple[str, str]:
    """The text and encoding of one variant of `a` (`b` lends paragraphs to 合编)."""
    if kind == "乱序":
        return a.join(_shuffled(a, rng)), a.encoding
    if kind == "合编":
        mixed = a.body + rng.sample(b.body, min(len(b.body), max(1, len(a.body) // 2)))
        return a.join(rng.sample(mixed, len(mixed))), a.encoding
    if kind == "节选":
        return a.join(a.body[:rng.randint(max(3, len(a.body) // 2), max(3, len(a.body) * 3 // 4))]), a.encoding
    if kind == "转码":
        encoding = rng.choice([e for e in ENCODINGS if e != a.encoding])
        newline = rng.choice([n for n in NEWLINES if n != a.newline])
        return a.join(_shuffled(a, rng), newline), encoding
    raise ValueError(kind)


KINDS = ("乱序", "合编", "节选", "转码")


def build_corpus(source_paths: list[Path], dest: Path, count: int = 200, seed: int = 9704) -> list[Path]:
    """Write `count` distinct speech files into `dest` (emptied first) and return their paths."""
    dest.mkdir(parents=True, exist_ok=True)
    for old in dest.glob("*.txt"):
        old.unlink()
    rng = random.Random(seed)
    sources = []
    for path in source_paths:
        try:
            sources.append(Source(path))
        except UnicodeDecodeError:  # a deliberately broken test file: not a speech to vary
            continue
    seen: set[bytes] = set()
    written: list[Path] = []

    def add(kind: str, stem: str, data: bytes) -> None:
        digest = hashlib.sha256(data).digest()
        if digest in seen or len(written) >= count:
            return
        seen.add(digest)
        safe_stem = re.sub(r"\s+", "_", stem)  # make cannot build a name with a space
        path = dest / f"{len(written) + 1:03d}_{kind}_{safe_stem}.txt"
        path.write_bytes(data)
        written.append(path)

    for s in sources:
        add("原文", s.path.stem, s.path.read_bytes())
    for _ in range(count * 20):  # a bound, never reached with the labelled corpus
        if len(written) >= count:
            break
        a, b = rng.sample(sources, 2)
        kind = rng.choice(KINDS)
        text, encoding = variant(kind, a, b, rng)
        add(kind, a.path.stem, encode(text, encoding))
    if len(written) < count:
        raise RuntimeError(f"only {len(written)} distinct speeches could be made from {len(sources)} sources")
    return written


def write_utf8_copies(paths: list[Path], dest: Path) -> list[Path]:
    """Each file again, as UTF-8 without BOM and with LF line ends, under the same name in `dest`."""
    dest.mkdir(parents=True, exist_ok=True)
    for old in dest.glob("*.txt"):
        old.unlink()
    copies = []
    for path in paths:
        text = decode(path.read_bytes())[0]
        copy = dest / path.name
        copy.write_text(text.replace("\r\n", "\n").replace("\r", "\n"), encoding="utf-8", newline="\n")
        copies.append(copy)
    return copies
