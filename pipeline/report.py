"""NAME.report.txt: the page a person reads before printing.

It says what was read (encoding, title, blocks), what was removed and why, what
to check (warnings), and what was made (pages, fonts), so that nobody has to
trust blindly that nothing of the speech was dropped.
"""
from __future__ import annotations

import io
from collections import Counter

from .model import Document

NAMES = {"title": "title", "subtitle": "subtitle", "byline": "bylines", "salutation": "salutation",
         "heading": "headings", "paragraph": "paragraphs"}


def pdf_facts(pdf: bytes) -> tuple[int, list[str]]:
    """Page count and the names of the fonts embedded in a PDF (subset prefixes dropped)."""
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(pdf))
    fonts = set()
    for page in reader.pages:
        for font in (page.get("/Resources", {}).get("/Font", {}) or {}).values():
            fonts.add(str(font.get_object().get("/BaseFont", "")).lstrip("/").split("+")[-1])
    return len(reader.pages), sorted(f for f in fonts if f)


def speech_report(doc: Document, profile_name: str, pdf: bytes | None = None) -> str:
    counts = Counter(b.type for b in doc.blocks)
    leads = sum(1 for b in doc.blocks if b.lead)
    chars = sum(len(b.text) for b in doc.blocks)
    out = [f"讲话稿转换报告 — {doc.title}", "",
           f"source:    {doc.source}",
           f"encoding:  {doc.encoding}",
           f"profile:   {profile_name}",
           "blocks:    " + ", ".join(f"{n} {NAMES[t]}" for t, n in counts.items())
           + (f" ({leads} with a run-in lead)" if leads else ""),
           f"text:      {chars} characters"]
    if pdf is not None:
        pages, fonts = pdf_facts(pdf)
        out += [f"pages:     {pages} (PDF)", f"fonts:     {', '.join(fonts)}"]
    out += ["", f"warnings ({len(doc.warnings)}):" if doc.warnings else "warnings: none — nothing to check"]
    out += [f"  - {w}" for w in doc.warnings]
    out += ["", f"removed lines ({len(doc.removed)}), each with its reason:" if doc.removed
            else "removed lines: none"]
    out += [f"  line {r.line:>4}: {r.text}    [{r.reason}]" for r in doc.removed]
    return "\n".join(out) + "\n"
