"""Speeches in traditional script, read through a simplified view.

Many 范文 sites also serve their pages converted to traditional script (同誌們：, 講話, 小編).
The promotion rules and the shapes of speech lines are written in simplified script, so a
traditional page is read as its simplified view — the same text character for character,
converted by OpenCC (the maintained converter; its t2s conversion maps one character to
one) — and the original characters are put back into every block and removal afterwards.
Nothing of the speech is ever printed converted.

`frequent_levels` is shared with the noise stage: which characters are the frequent ones
of simplified and of traditional text.
"""
from __future__ import annotations

from dataclasses import replace
from functools import lru_cache

from ..model import Document
from .clean import FULL_WIDTH

_ASCII_OF = {v: k for k, v in FULL_WIDTH.items()}


@lru_cache(maxsize=8192)
def frequent_levels(ch: str) -> tuple[bool, bool]:
    """(in GB 2312's level 1, in Big5's level 1): the 3,755 most frequent simplified characters
    (codes 0xB0A1-0xD7F9) and the 5,401 most frequent traditional ones (0xA440-0xC67E), the
    sets each standard chose by frequency."""
    try:
        code = ch.encode("gb2312")
        gb = len(code) == 2 and 0xB0 <= code[0] <= 0xD7
    except UnicodeEncodeError:
        gb = False
    try:
        code = ch.encode("big5")
        big5 = len(code) == 2 and 0xA440 <= (code[0] << 8 | code[1]) <= 0xC67E
    except UnicodeEncodeError:
        big5 = False
    return gb, big5


def _han(ch: str) -> bool:
    return "\u3400" <= ch <= "\u9fff" or "\uf900" <= ch <= "\ufaff" or ch >= "\U00020000"


@lru_cache(maxsize=None)
def _script_sign(ch: str) -> int:
    """1 for a character frequent only in traditional text, -1 only in simplified, else 0."""
    if not _han(ch):
        return 0
    gb, big5 = frequent_levels(ch)
    return int(big5) - int(gb)


def is_traditional(text: str) -> bool:
    """More of the text's characters are frequent only in traditional text than only in simplified."""
    return sum(map(_script_sign, text)) > 0  # a cached call a character: it runs on every line


@lru_cache(maxsize=1)
def _t2s_table() -> dict[int, str] | None:
    """Big5's characters to their simplified forms, one to one, by OpenCC's t2s; None where
    OpenCC is missing (the page is then read as it is)."""
    try:
        import opencc
    except ImportError:  # pragma: no cover — a dependency; a broken install reads without the view
        return None
    chars = []
    for hi in range(0xA4, 0xFA):
        for lo in (*range(0x40, 0x7F), *range(0xA1, 0xFF)):
            try:
                chars.append(bytes((hi, lo)).decode("big5"))
            except UnicodeDecodeError:
                pass
    # One character a line, so that no phrase is converted as a whole.
    converted = opencc.OpenCC("t2s").convert("\n".join(chars)).split("\n")
    if len(converted) != len(chars):
        return None
    return {ord(t): s for t, s in zip(chars, converted) if len(s) == 1 and s != t}


def simplified_view(text: str) -> str | None:
    """The text in simplified script, character for character, when it is traditional; else None."""
    if not is_traditional(text):
        return None
    table = _t2s_table()
    return text.translate(table) if table else None


class RestoreError(ValueError):
    """A block could not be matched back to the original text."""


def restore(doc: Document, original: str, view: str) -> Document:
    """The document read from the view, with the original's characters in its blocks and removals."""
    at = 0
    blocks = []
    for block in doc.blocks:
        text, at = _align(block.text, original, view, at)
        lead = text[:len(block.lead)] if block.lead else None
        blocks.append(replace(block, text=text, lead=lead))
    lines_o, lines_v = original.removeprefix("\ufeff").splitlines(), view.removeprefix("\ufeff").splitlines()
    removed = []
    for r in doc.removed:
        o, v = (lines_o[r.line - 1], lines_v[r.line - 1]) if 0 < r.line <= len(lines_o) else ("", "")
        try:
            text, _ = _align(r.text, o, v, 0)
        except RestoreError:
            text = r.text
        removed.append(replace(r, text=text))
    # The warnings quote the texts they are about: in the original's characters too.
    pairs = [(a.text, b.text) for a, b in [*zip(doc.removed, removed), *zip(doc.blocks, blocks)] if a.text != b.text]
    warnings = [_quoted_in_original(w, pairs) for w in doc.warnings]
    return replace(doc, blocks=blocks, removed=removed, warnings=warnings)


def _quoted_in_original(warning: str, pairs: list[tuple[str, str]]) -> str:
    """`warning` with each quoted start of a view's text (a removal's, a block's) in its
    original characters; `pairs` are (view's text, original's text), aligned character for
    character."""
    for view_text, original_text in pairs:
        key = view_text[:12]
        at = warning.find(key)
        while at >= 0:
            k = 0
            while at + k < len(warning) and k < len(view_text) and warning[at + k] == view_text[k]:
                k += 1
            warning = warning[:at] + original_text[:k] + warning[at + k:]
            at = warning.find(key, at + k)
    return warning


def _align(text: str, original: str, view: str, at: int) -> tuple[str, int]:
    """`text` (made of the view's characters, in order, with punctuation made full-width and
    spaces tidied) in the original's characters; and where the match ended."""
    out = []
    for ch in text:
        if ch.isspace():
            if at < len(view) and view[at].isspace():
                out.append(original[at])
                at += 1
            else:
                out.append(ch)  # spaces the reading stages tidied
            continue
        ascii_form = _ASCII_OF.get(ch)
        q = at
        while q < len(view) and view[q] != ch and view[q] != ascii_form:
            q += 1
        if q == len(view):
            raise RestoreError(f"character {ch!r} not found")
        out.append(original[q] if view[q] == ch else ch)
        at = q + 1
    return "".join(out), at
