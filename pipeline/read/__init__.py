"""The reading stages in order: bytes → source (decode a text file, or read a Word file, a PDF, a
web page) → clean → (noise cut) → split glued lines → strip
→ unwrap → structure → Document.

A pure function of its inputs; the CLI and `convert` call it with a file's bytes.
"""
from __future__ import annotations

from ..model import Document
from . import clean, script, segments, sources, split, strip, structure, unwrap
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
    lines, noise = segments.cut_noise(lines)
    lines = split.split_glued(lines)
    lines, promo, strip_warnings = strip.strip_lines(lines, rules)
    paras = unwrap.join_wrapped(lines)
    blocks, structure_warnings = structure.build_blocks(paras)
    if not blocks:
        what = "it is empty" if not text.strip() else "only promotional lines and page marks"
        raise NoSpeechError(f"no speech text found: {what}")
    removed = sorted(removed + noise + promo, key=lambda r: r.line)
    return Document(blocks=blocks, source=source, encoding=decoded.encoding, removed=removed, reader=decoded.reader,
                    warnings=decoded.warnings + strip_warnings + structure_warnings)
