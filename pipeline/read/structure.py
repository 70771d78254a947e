"""Stage 5, structure: paragraphs of speech text to the document model's blocks.

The front matter (title, subtitle, bylines, salutation) is what the strip stage found
(frontmatter.py) and marked on its lines. Every other paragraph is a heading (an
enumerator of levels 1–4 standing alone, one sentence at most) or a body paragraph,
which gets a run-in `lead` when it opens with an enumerator and a first sentence.
"""
from __future__ import annotations

import re

from ..model import Block
from .clean import Line
from .patterns import NUM_ZH, heading_level

MAX_HEADING_CHARS = 80
MAX_EXCLAIMED_HEADING_CHARS = 40

# Enumerators that open a paragraph with a run-in lead (document-model.md):
# 一是/一要, 第一，, （一）…。, 1.…。
LEAD_START = re.compile(rf"^([{NUM_ZH}]+[是要]|第[{NUM_ZH}]+[，,、]|[（(][{NUM_ZH}]+[）)]|[0-9０-９]+[.．、](?![0-9])"
                        r"|[（(][0-9０-９]+[）)]|[⒈-⒛])")


def build_blocks(paras: list[Line]) -> tuple[list[Block], list[str]]:
    """The blocks of a speech from its paragraphs, and warnings for a person to check.

    The front matter's paragraphs carry the role the strip stage found for them (title lines,
    one block however many lines the copy broke it over; subtitle; bylines; salutation);
    every other paragraph is a heading or a body paragraph."""
    blocks: list[Block] = []
    prev_role = None
    for p in paras:
        if p.role in ("title", "subtitle", "salutation") and p.role == prev_role:
            blocks[-1] = Block(p.role, blocks[-1].text + p.text)
        elif p.role:
            blocks.append(Block(p.role, p.text))
        else:
            blocks.append(body_block(p.text))
        prev_role = p.role
    warnings = [] if any(b.type == "title" for b in blocks) else ["no title found: no line before the text reads as its title"]
    return blocks, warnings


def body_block(text: str) -> Block:
    level = heading_level(text)
    if level is not None and len(text) <= MAX_HEADING_CHARS and _heading_ending(text):
        return Block("heading", text, level=level)
    return Block("paragraph", text, lead=lead_of(text))


def _heading_ending(text: str) -> bool:
    """A heading is at most one sentence: no sentence ends inside it, a 。 only as its last
    character ((三)作风建设永远在路上。), a ！ or ？ only as its last mark on a short line
    (一、为什么要持续抓作风建设？)."""
    if "。" in text[:-1] or re.search(r"[！？!?；;]", text[:-1]):
        return False
    # 四、大会进行第四项：请… is an agenda item, not a heading; a time's colon is no such colon
    # (一、上午10:00-11:00，大会开幕式)
    if re.search(r"[：:].", re.sub(r"(?<=[0-9])[：:](?=[0-9])", "", text)):
        return False
    return not text.endswith(("！", "？", "!", "?")) or len(text) <= MAX_EXCLAIMED_HEADING_CHARS


def lead_of(text: str) -> str | None:
    """The run-in lead: from an opening enumerator up to and including the first 。, when more
    text follows it."""
    if not LEAD_START.match(text) or "。" not in text[:-1]:
        return None
    return text[:text.index("。") + 1]
