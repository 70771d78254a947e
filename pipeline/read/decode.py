"""Stage 1, decode: bytes to text, naming the encoding, never silently wrong.

Order of evidence: a byte-order mark; strict UTF-8 (random GBK bytes almost never
pass it); strict GB18030 when the result reads as Chinese text; UTF-16 without a
mark, in the byte order under which it reads as text. Only when all of those fail is charset-normalizer
(a maintained detector) asked, and its answer is reported as a guess in warnings.
"""
from __future__ import annotations

import codecs
import re
import unicodedata
from dataclasses import dataclass, field


class DecodeError(ValueError):
    """The bytes are not a text file we can read; the message says why."""


@dataclass
class Decoded:
    text: str
    encoding: str  # the codec name as inspect reports it: utf-8, utf-8-sig, utf-16, gb18030, …
    warnings: list[str] = field(default_factory=list)


BOMS = ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))

# What a renamed binary file starts with, so the message can say what it is.
MAGIC = ((b"\x89PNG", "a PNG image"), (b"PK\x03\x04", "a ZIP archive (or .docx/.xlsx)"),
         (b"%PDF", "a PDF document"), (b"\xff\xd8\xff", "a JPEG image"), (b"GIF8", "a GIF image"),
         (b"\xd0\xcf\x11\xe0", "an old Word/Excel document"), (b"\x1f\x8b", "a gzip archive"),
         (b"Rar!", "a RAR archive"), (b"7z\xbc\xaf", "a 7-Zip archive"))

CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")
def _readable_share(text: str) -> float:
    """Share of characters that text is made of: not control characters, unassigned code
    points or private-use ones (what a wrong decoding of bytes produces), nor U+FFFD."""
    sample = text[:20000]
    odd = sum(1 for ch in sample if ch not in "\t\n\r\f" and unicodedata.category(ch) in ("Cc", "Cn", "Co", "Cs")
              or ch == "\ufffd")
    return 1 - odd / max(1, len(sample))


def _utf16_without_bom(raw: bytes) -> tuple[str, str] | None:
    """UTF-16 text without a byte-order mark: the byte order under which it reads as text."""
    if len(raw) % 2:
        return None
    for codec in ("utf-16-le", "utf-16-be"):
        try:
            text = raw.decode(codec)
        except UnicodeDecodeError:
            continue
        if _readable_share(text) >= 0.95:
            return text, codec
    return None


def decode(raw: bytes, encoding: str | None = None) -> Decoded:
    """Decode `raw`; `encoding` forces a codec. Raises DecodeError for non-text input."""
    if encoding:
        try:
            codecs.lookup(encoding)
            return Decoded(raw.decode(encoding), encoding)
        except LookupError:
            raise DecodeError(f"unknown encoding {encoding!r}") from None
        except UnicodeDecodeError as e:
            raise DecodeError(f"not valid {encoding}: byte {e.start} cannot be decoded") from None

    for bom, name in BOMS:
        if raw.startswith(bom):
            try:
                return _checked(raw.decode(name), name)
            except UnicodeDecodeError as e:
                raise DecodeError(f"starts with a {name} byte-order mark but byte {e.start} is not {name}") from None

    for magic, what in MAGIC:
        if raw.startswith(magic):
            raise DecodeError(f"not a text file: it is {what}")

    try:
        return _checked(raw.decode("utf-8"), "utf-8")
    except UnicodeDecodeError:
        pass

    mostly = _mostly_utf8(raw)
    if mostly:
        return mostly

    if b"\x00" not in raw[:20000]:
        # GB18030, allowing a few bytes that are not (a file cut inside a character);
        # each is shown as U+FFFD and its line named.
        text = raw.decode("gb18030", "replace")
        bad = text.count("\ufffd")
        if _readable_share(text) >= 0.95 and bad <= max(3, len(text) // 1000):
            warnings = [f"line(s) {_numbers(_lines_with(text, chr(0xFFFD)))} hold bytes that are not GB18030: "
                        "shown as \ufffd; check them"] if bad else []
            return _checked(text, "gb18030", warnings)

    utf16 = _utf16_without_bom(raw)
    if utf16:
        text, codec = utf16
        return _checked(text, "utf-16", [f"encoding guessed as {codec} (no byte-order mark); "
                                         "use --encoding to force another"])

    if b"\x00" in raw:
        raise DecodeError("not a text file: it contains NUL bytes")

    return _guess(raw)


def _mostly_utf8(raw: bytes) -> Decoded | None:
    """UTF-8 with a few bad lines: a file cut inside a character, or pasted together from
    UTF-8 and GB18030 pieces. Each bad line is read as GB18030 where that reads as
    Chinese, else with its bad bytes replaced by U+FFFD, and every such line is named."""
    lines = raw.splitlines(keepends=True)
    bad = []
    for i, line in enumerate(lines):
        try:
            line.decode("utf-8")
        except UnicodeDecodeError:
            bad.append(i)
    non_ascii = sum(1 for line in lines if not line.isascii())
    if len(bad) > max(2, 0.2 * non_ascii) or len(bad) > 0.5 * non_ascii:
        return None
    text_lines, as_gb, replaced = [], [], []
    for i, line in enumerate(lines):
        if i not in bad:
            text_lines.append(line.decode("utf-8"))
            continue
        try:
            gb = line.decode("gb18030")
            if _readable_share(gb) < 0.95:
                raise UnicodeDecodeError("gb18030", line, 0, 1, "does not read as text")
            text_lines.append(gb)
            as_gb.append(i + 1)
        except UnicodeDecodeError:
            text_lines.append(line.decode("utf-8", "replace"))
            replaced.append(i + 1)
    warnings = []
    if as_gb:
        warnings.append(f"the file is UTF-8 but line(s) {_numbers(as_gb)} are GB18030: read them as GB18030; check them")
    if replaced:
        warnings.append(f"line(s) {_numbers(replaced)} hold bytes that are not UTF-8: shown as \ufffd; check them")
    return _checked("".join(text_lines), "utf-8", warnings)


def _numbers(ns: list[int]) -> str:
    return ", ".join(map(str, ns[:10])) + (f" and {len(ns) - 10} more" if len(ns) > 10 else "")


def _guess(raw: bytes) -> Decoded:
    try:
        from charset_normalizer import (
            from_bytes,  # only for files no rule above recognised
        )
    except ImportError:  # run outside the project's environment: say so rather than guess
        raise DecodeError("not UTF-8, UTF-16 or GB18030, and the detector (charset-normalizer) is not "
                          "installed to tell what it is; use --encoding") from None
    best = from_bytes(raw).best()
    if best is None or best.encoding is None:
        raise DecodeError("not a text file: no text encoding fits its bytes")
    text = str(best)
    if _readable_share(text) < 0.8:
        raise DecodeError(f"cannot tell the encoding: the best guess ({best.encoding}) does not read as text;"
                          " use --encoding to name it")
    return _checked(text, best.encoding,
                    [f"encoding guessed as {best.encoding}: the file is neither valid UTF-8 nor GB18030;"
                     " check the text, or use --encoding"])


def _lines_with(text: str, ch: str) -> list[int]:
    return [n for n, line in enumerate(text.splitlines(), 1) if ch in line]


def _checked(text: str, encoding: str, warnings: list[str] | None = None) -> Decoded:
    """Text has no control characters: many mean a binary file; a stray few are dropped and named."""
    warnings = list(warnings or [])
    controls = CONTROL.findall(text)
    if len(controls) > max(3, len(text) // 1000):
        raise DecodeError(f"not a text file: control characters after decoding as {encoding}")
    if controls:
        lines = sorted({n for ch in set(controls) for n in _lines_with(text, ch)})
        text = CONTROL.sub("", text)
        warnings.append(f"line(s) {_numbers(lines)} held invisible control characters, which were dropped")
    return Decoded(text, encoding, warnings)
