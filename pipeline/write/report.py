"""NAME.report.txt: the page a person reads before printing.

It says what was read (encoding, title, blocks), what was removed and why, what
to check (warnings), and what was made (pages, fonts), so that nobody has to
trust blindly that nothing of the speech was dropped.
"""
from __future__ import annotations

from collections import Counter

from ..model import Document

NAMES = {"title": "title", "subtitle": "subtitle", "byline": "bylines", "salutation": "salutation",
         "heading": "headings", "paragraph": "paragraphs"}


READERS = {"text": "a text file", "docx": "a Word file (.docx)", "pdf": "a PDF (its text layer)",
           "doc": "an old Word file (.doc), converted by LibreOffice", "html": "a saved web page"}


def speech_report(doc: Document, profile_name: str, pdf_facts: tuple[int, list[str]] | None = None) -> str:
    """The report's text; `pdf_facts` (pages, font families) when a PDF was made."""
    counts = Counter(b.type for b in doc.blocks)
    leads = sum(1 for b in doc.blocks if b.lead)
    chars = sum(len(b.text) for b in doc.blocks)
    out = [f"讲话稿转换报告 — {doc.title}", "",
           f"source:    {doc.source}",
           f"read as:   {READERS.get(doc.reader, doc.reader)}",
           f"encoding:  {doc.encoding}",
           f"profile:   {profile_name}",
           "blocks:    " + ", ".join(f"{n} {NAMES[t]}" for t, n in counts.items())
           + (f" ({leads} with a run-in lead)" if leads else ""),
           f"text:      {chars} characters"]
    if pdf_facts is not None:
        pages, fonts = pdf_facts
        out += [f"pages:     {pages} (PDF)", f"fonts:     {', '.join(fonts)}"]
    out += ["", f"warnings ({len(doc.warnings)}):" if doc.warnings else "warnings: none — nothing to check"]
    out += [f"  - {w}" for w in doc.warnings]
    dropped = sum(1 for r in doc.removed if r.line == 0)
    if dropped:  # what the reader dropped is not a line of the text: line 0
        out += ["", f"the reader dropped {dropped} piece(s) of the file's furniture (headers, footers, "
                    "watermarks, hidden text, navigation): listed as line 0 below"]
    out += ["", f"removed lines ({len(doc.removed)}), each with its reason:" if doc.removed
            else "removed lines: none"]
    out += [f"  line {r.line:>4}: {r.text}    [{r.reason}]" for r in doc.removed]
    return "\n".join(out) + "\n"
