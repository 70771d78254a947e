"""The document model: what the reading stages produce and the writers consume.

The JSON form is the contract in ../shared/docs/document-model.md; `Document.to_json()`
is exactly what `python -m pipeline inspect` prints.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

BLOCK_TYPES = ("title", "subtitle", "byline", "salutation", "heading", "paragraph")


@dataclass
class Block:
    type: str
    text: str
    level: int | None = None  # headings only: 1 一、 · 2 （一） · 3 1. · 4 （1）
    lead: str | None = None  # paragraphs only: run-in opening sentence, a prefix of text

    def __post_init__(self):
        if self.type not in BLOCK_TYPES:
            raise ValueError(f"unknown block type {self.type!r}")
        if self.lead is not None and not self.text.startswith(self.lead):
            raise ValueError("a lead must be a prefix of its paragraph")

    def to_json(self) -> dict:
        out = {"type": self.type}
        if self.type == "heading":
            out["level"] = self.level
        out["text"] = self.text
        if self.lead:
            out["lead"] = self.lead
        return out


@dataclass
class Removal:
    line: int  # 1-based line in the decoded text
    text: str
    reason: str

    def to_json(self) -> dict:
        return {"line": self.line, "text": self.text, "reason": self.reason}


@dataclass
class Document:
    blocks: list[Block]
    source: str = ""
    encoding: str = ""
    removed: list[Removal] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    reader: str = "text"  # which reader read the file: text, docx, pdf, html

    @property
    def title(self) -> str:
        """The speech's title, or the first block's text when it has none."""
        for b in self.blocks:
            if b.type == "title":
                return b.text
        return self.blocks[0].text if self.blocks else ""

    @property
    def author(self) -> str:
        """The first byline that is not a date: the speaker, for PDF/DOCX metadata."""
        for b in self.blocks:
            if b.type == "byline" and not re.search(r"\d{4}\s*年", b.text):
                return b.text
        return ""

    def to_json(self) -> dict:
        return {
            "source": self.source,
            "encoding": self.encoding,
            "reader": self.reader,
            "blocks": [b.to_json() for b in self.blocks],
            # Longest first (each has its line): a reader that cuts the segments out of the raw
            # lines to account for them must cut 过(zhe) before 和(he), or "he" splits "zhe".
            # The report (report.py) lists them in the file's order.
            "removed": [r.to_json() for r in sorted(self.removed, key=lambda r: (-len(r.text), r.line))],
            "warnings": list(self.warnings),
        }
