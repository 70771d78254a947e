"""Stage 1, the source: a file's bytes to the raw text the reading stages take, by the reader
its content calls for (magic bytes, not the file name): plain text (decode.py), a Word file
(docx_source.py), a PDF (pdf_source.py), a saved web page (html_source.py).

Like pandoc's readers, each ends in the same thing: the text as lines, and what the reader
itself dropped as site furniture (a Word file's headers and footers, a PDF's running heads
and invisible text, a page's navigation), which goes to the document's `removed` with its
reason. What cannot be read is a DecodeError that says what the file is and what to do.
"""
from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass, field
from io import BytesIO

from ..model import Removal
from .decode import DecodeError, decode

# A Word or PDF file may hold pictures and fonts; its text is what counts. Past this it is
# no speech (about 800 pages of text, with room for a few pictures).
MAX_DOCUMENT_BYTES = 50 * 1024 * 1024


@dataclass
class Source:
    text: str  # the text as lines (page breaks as form feeds, for the clean stage)
    encoding: str  # the codec of a text file; for other files the reader's name
    reader: str  # "text", "docx", "pdf", "html"
    removed: list[Removal] = field(default_factory=list)  # what the reader dropped (line 0: not in the text)
    warnings: list[str] = field(default_factory=list)


# A speech as text is tens of KB. 1 MB (about 330,000 characters, some 800 pages) converts in
# about 8 s and 130 MB; a bigger text file is refused rather than left to run for minutes.
MAX_TEXT_BYTES = 1024 * 1024


def size_limit(head: bytes) -> int:
    """The largest file accepted, by what its first bytes say it is: a Word file, PDF or saved
    page may carry pictures and fonts; a text file is all text."""
    return MAX_TEXT_BYTES if kind_of(head, whole=False) == "text" else MAX_DOCUMENT_BYTES


def kind_of(raw: bytes, whole: bool = True) -> str:
    """What the bytes are, by their content: docx, doc, pdf, html, mhtml, zip or text
    (`whole`: `raw` is the whole file, not only its first bytes, so a ZIP's names are known)."""
    head = raw[:4096]
    if raw.startswith(b"%PDF"):
        return "pdf"
    if raw.startswith(b"PK\x03\x04"):
        if not whole:
            return "zip"
        try:
            names = set(zipfile.ZipFile(BytesIO(raw)).namelist())
        except zipfile.BadZipFile:
            return "broken zip"
        return "docx" if "word/document.xml" in names else "zip"
    if raw.startswith(b"\xd0\xcf\x11\xe0"):
        return "doc"
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if text.startswith(b"mime-version:") or b"content-type: multipart/related" in text[:2000]:
        return "mhtml"
    if text.startswith((b"<!doctype html", b"<html", b"<?xml")) and b"<html" in text or b"<body" in text[:4096]:
        return "html"
    return "text"


def open_source(raw: bytes, encoding: str | None = None) -> Source:
    """The raw text of a file's bytes, by the reader its content calls for."""
    kind = kind_of(raw)
    if kind == "text":
        decoded = decode(raw, encoding)
        return Source(decoded.text, decoded.encoding, "text", warnings=decoded.warnings)
    if len(raw) > MAX_DOCUMENT_BYTES:
        raise DecodeError(too_large(len(raw), MAX_DOCUMENT_BYTES))
    if kind in ("docx", "broken zip"):
        from .docx_source import read_docx
        return read_docx(raw)
    if kind == "doc":
        from .docx_source import read_doc
        return read_doc(raw)
    if kind == "pdf":
        from .pdf_source import read_pdf
        return read_pdf(raw)
    if kind in ("html", "mhtml"):
        from .html_source import read_html
        return read_html(raw, mhtml=kind == "mhtml", encoding=encoding)
    raise DecodeError("not a text file: it is a ZIP archive (not a Word file)")


# How a reader shows the clean stage a paragraph's layout, as a text copy of the page shows it:
# a first-line indent as two ideographic spaces, a centred line set far in (clean.CENTRED_INDENT).
INDENT = "\u3000\u3000"
CENTRED = " " * 8


def too_large(size: int, limit: int) -> str:
    return f"too large for a speech ({size / 2**20:.1f} MB; the limit for this kind of file is {limit // 2**20} MB)"


def raw_lines(lines: list[str]) -> str:
    """A file's lines (a Word file's paragraphs, a page's blocks) as the clean stage reads a text
    file's: one a line, an empty one a blank line (as a person pasting the speech into Word
    leaves it), no run of blank lines longer than one."""
    text = "\n".join(re.sub(r"[\r\v]+", " ", t).rstrip() for t in lines)
    return re.sub(r"\n(?:[ \t\u3000]*\n)+", "\n\n", text).strip("\n")
