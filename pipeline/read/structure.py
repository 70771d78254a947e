"""Stage 4, structure: paragraphs of speech text to the document model's blocks.

The front matter is read in the order a speech prints it: title (possibly broken
over lines), subtitle, bylines, salutation. Then every paragraph is a heading
(an enumerator of levels 1–4 standing alone, with no sentence-ending 。) or a
body paragraph, which gets a run-in `lead` when it opens with an enumerator.
"""
from __future__ import annotations

import re

from .clean import Line
from ..model import Block
from .patterns import NUM_ZH, TITLE_WORDS, heading_level, is_byline, is_salutation, is_subtitle, looks_like_title_line

MAX_TITLE_LINES = 3
MAX_TITLE_CHARS = 60
MAX_BYLINES = 4
MAX_HEADING_CHARS = 80
MAX_EXCLAIMED_HEADING_CHARS = 40

# Enumerators that open a paragraph with a run-in lead (document-model.md):
# 一是/一要, 第一，, （一）…。, 1.…。
LEAD_START = re.compile(rf"^([{NUM_ZH}]+[是要]|第[{NUM_ZH}]+[，,、]|[（(][{NUM_ZH}]+[）)]|[0-9０-９]+[.．](?![0-9])"
                        r"|[（(][0-9０-９]+[）)])")


def build_blocks(paras: list[Line]) -> tuple[list[Block], list[str]]:
    """The blocks of a speech from its paragraphs, and warnings for a person to check."""
    blocks: list[Block] = []
    warnings: list[str] = []
    # A speaker's line may stand above the title ("县委书记 张××" / title).
    first = 0
    while first < min(2, len(paras) - 1) and is_byline(paras[first].text):
        first += 1
    n = _title_end(paras[first:]) if first else 0
    if n:
        blocks += [Block("byline", p.text) for p in paras[:first]]
    else:
        first = 0
        n = _title_end(paras)
    i = first + n
    if n:
        blocks.append(Block("title", "".join(p.text for p in paras[first:i])))
    else:
        warnings.append("no title found: the first line is not a title")
    while i < len(paras) and is_subtitle(paras[i].text):
        blocks.append(Block("subtitle", paras[i].text))
        i += 1
    bylines = 0
    while i < len(paras) and bylines < MAX_BYLINES and is_byline(paras[i].text):
        blocks.append(Block("byline", paras[i].text))
        i += 1
        bylines += 1
    if i < len(paras) and is_salutation(paras[i].text):
        blocks.append(Block("salutation", paras[i].text))
        i += 1
    blocks.extend(body_block(p.text) for p in paras[i:])
    return blocks, warnings


def _title_end(paras: list[Line]) -> int:
    """How many leading paragraphs make up the title: 0 when the speech has none."""
    if not paras or not _title_shaped(paras[0].text):
        return 0
    n = 1
    while (n < min(len(paras), MAX_TITLE_LINES) and not paras[n].blank_before and _title_shaped(paras[n].text)
           and not TITLE_WORDS.search(paras[n - 1].text)
           and sum(len(p.text) for p in paras[:n + 1]) <= MAX_TITLE_CHARS):
        n += 1
    follows = paras[n].text if n < len(paras) else ""
    # A title announces the occasion, or is followed by the speech's front matter.
    front = is_subtitle(follows) or is_byline(follows) or is_salutation(follows)
    joined = "".join(p.text for p in paras[:n])
    return n if front or TITLE_WORDS.search(joined) else 0


def _title_shaped(text: str) -> bool:
    return (looks_like_title_line(text) and not is_salutation(text) and not is_subtitle(text)
            and not is_byline(text))


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
    return not text.endswith(("！", "？", "!", "?")) or len(text) <= MAX_EXCLAIMED_HEADING_CHARS


def lead_of(text: str) -> str | None:
    """The run-in lead: from an opening enumerator up to and including the first 。."""
    if not LEAD_START.match(text) or "。" not in text:
        return None
    return text[:text.index("。") + 1]
