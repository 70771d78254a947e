"""The reading stages in order: bytes → source (decode a text file, or read a Word file, a PDF, a
web page) → clean → (noise cut) → split glued lines → strip
→ unwrap → structure → Document.

A pure function of its inputs; the CLI and `convert` call it with a file's bytes.
"""
from __future__ import annotations

from ..model import Document, Removal
from . import clean, script, segments, sources, split, strip, structure, unwrap
from .patterns import NAMES_OCCASION
from .rules import Rules, RulesError, load_rules

__all__ = ["NoSpeechError", "Rules", "RulesError", "load_rules", "read_speech"]


class NoSpeechError(ValueError):
    """Nothing of a speech is left after stripping promotion and page marks."""


def read_speech(raw: bytes, source: str = "", encoding: str | None = None,
                rules: Rules | None = None) -> Document:
    decoded = sources.open_source(raw, encoding)  # the reader the content calls for
    rules = rules or load_rules()
    view = script.simplified_view(decoded.text)
    doc = None
    if view is not None:  # traditional script: read the simplified view, print the original
        try:
            doc = script.restore(_read(view, decoded, source, rules), decoded.text, view)
        except script.RestoreError:
            pass  # read as it is
    doc = doc or _read(decoded.text, decoded, source, rules)
    doc.reader = decoded.reader
    doc.removed = decoded.removed + doc.removed  # what the reader dropped (line 0) first
    return doc


def _read(text: str, decoded: sources.Source, source: str, rules: Rules) -> Document:
    lines, removed = clean.clean_lines(text)
    cleaned = {l.no: l.text for l in lines}
    lines, noise = segments.cut_noise(lines)
    lines = split.split_glued(lines)
    lines, promo, strip_warnings = strip.strip_lines(lines, rules)
    noise, promo = _whole_lines(noise, promo, cleaned, {l.no for l in lines})
    paras = unwrap.join_wrapped(lines)
    blocks, structure_warnings = structure.build_blocks(paras)
    if not blocks:
        what = "it is empty" if not text.strip() else "only promotional lines and page marks"
        raise NoSpeechError(f"no speech text found: {what}")
    removed = sorted(removed + noise + promo, key=lambda r: r.line)
    if not any(b.type == "title" for b in blocks):  # a title the header took is named, not lost silently
        structure_warnings += [f"line {r.line} was removed ({r.reason}) but may be the title: {r.text[:40]}"
                               for r in promo if r.reason.startswith("promotion: header")
                               and NAMES_OCCASION.search(r.text)][:3]
    return Document(blocks=blocks, source=source, encoding=decoded.encoding, removed=removed, reader=decoded.reader,
                    warnings=decoded.warnings + strip_warnings + structure_warnings)


def _whole_lines(noise: list[Removal], promo: list[Removal], cleaned: dict[int, str],
                 kept: set[int]) -> tuple[list[Removal], list[Removal]]:
    """A line removed piece by piece (its pinyin glosses as noise, the rest as promotion) and
    none of it kept is recorded as the one line it was, with the reason of its longest piece:
    what a reader of the report looks for, and the line as it stood."""
    pieces: dict[int, list[Removal]] = {}
    for r in noise + promo:
        pieces.setdefault(r.line, []).append(r)
    whole = {n for n, rs in pieces.items() if len(rs) > 1 and n not in kept and n in cleaned}
    if not whole:
        return noise, promo
    merged = [Removal(n, cleaned[n], max(pieces[n], key=lambda r: len(r.text)).reason) for n in sorted(whole)]
    return [r for r in noise if r.line not in whole], [r for r in promo if r.line not in whole] + merged
