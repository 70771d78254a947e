"""The layout plan: what both writers set, decided once, from the document and the profile.

    plan(doc, profile) -> Plan

Per block: the profile role it is set in; its text as segments (a run-in lead in the lead's
role, then the rest); the lines it must be set on where they are decided here (a title's
balanced lines, titles.split_title); the blank grid lines after it; whether it stays on the
page of the block after it; its level in the PDF's outline. And the document's metadata.
The Word writer and the PDF writer read a Plan and decide none of these themselves; what is
left to each is how its format expresses them (Word: styles, runs and breaks; the PDF: the
grid rows and glyph positions it lays out).

Pure: no files, no fonts, no libraries beyond the standard one.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from ..model import Block, Document
from .profile import MM, Profile, Role
from .titles import split_title

LANGUAGE = "zh-CN"  # both files' language (Word's core properties and lang, the PDF's /Lang)
SUBJECT = "讲话稿"  # both files' subject
CREATOR = "pipeline"  # the application both files name
# Blocks that stay with the block before them in the title group: the title's blank line
# (7.3.2 标题下空一行) comes after the whole group.
TITLE_FOLLOWERS = ("subtitle", "byline")

# Leads are set in the font of their level (layout.md, "lead (run-in)"):
# 一是/一要/第一 and （一） leads in 楷体; 1. leads in bold 仿宋.
_NUMBERED_LEAD = re.compile(r"^\s*[0-9０-９]+\s*[.．、]")


def lead_role(lead: str) -> str:
    """The profile role a run-in lead is set in: 'lead_numbered' for 1. leads, else 'lead'."""
    return "lead_numbered" if _NUMBERED_LEAD.match(lead) else "lead"


def block_role(block: Block) -> str:
    """The profile role (key of [roles.*]) a block is set in."""
    if block.type == "heading":
        return f"heading{block.level}"
    return block.type


def keeps_with_next(role: Role) -> bool:
    """Whether a block of this role stays on the page of the block after it: headings (the
    roles with an outline level) do, so that none ends a page."""
    return role.outline_level is not None


@dataclass(frozen=True)
class Segment:
    text: str
    role: Role


@dataclass(frozen=True)
class BlockPlan:
    block: Block
    role: Role
    segments: tuple[Segment, ...]  # the block's text in order, none empty
    lines: tuple[str, ...] | None  # the lines it is set on, when decided here (a title's); else None
    space_after_lines: int  # blank grid lines between it and the next block
    keep_with_next: bool
    outline_level: int | None  # its entry in the PDF's outline (0: the title); None: no entry


@dataclass(frozen=True)
class Plan:
    profile: Profile
    blocks: tuple[BlockPlan, ...]
    title: str
    author: str
    subject: str = SUBJECT
    language: str = LANGUAGE
    creator: str = CREATOR


def _segments(block: Block, role: Role, profile: Profile) -> tuple[Segment, ...]:
    if block.lead:
        rest = block.text[len(block.lead):]
        lead = Segment(block.lead, profile.role(lead_role(block.lead)))
        return (lead, Segment(rest, role)) if rest else (lead,)
    return (Segment(block.text, role),) if block.text else ()


def _lines(block: Block, role: Role, profile: Profile) -> tuple[str, ...] | None:
    """A title's balanced lines (GB/T 9704 7.3.1), at most the role's max_chars_per_line each, or
    as many characters of its size as fill the text block; None for blocks the writers break."""
    if block.type != "title" and not role.max_chars_per_line:
        return None
    limit = role.max_chars_per_line or int(profile.page.text_width_mm * MM // role.size_pt)
    return tuple(split_title(block.text, limit))


def _spaces(blocks: list[Block], roles: list[Role]) -> list[int]:
    """Blank lines after each block: the largest space_after_lines of the blocks since the last
    space, given to the block after which neither a subtitle nor a byline follows."""
    out, pending = [0] * len(blocks), 0
    for i, role in enumerate(roles):
        pending = max(pending, role.space_after_lines)
        if i + 1 == len(blocks) or blocks[i + 1].type not in TITLE_FOLLOWERS:
            out[i], pending = pending, 0
    return out


def _outline_levels(blocks: list[Block], roles: list[Role]) -> list[int | None]:
    """The title at level 0 and headings nested under it (heading N at level N, or N - 1
    without a title), never skipping a level: a reader's outline cannot."""
    has_title = any(b.type == "title" for b in blocks)
    out, level = [], -1
    for block, role in zip(blocks, roles):
        if block.type != "title" and role.outline_level is None:
            out.append(None)
            continue
        wanted = 0 if block.type == "title" else role.outline_level - (0 if has_title else 1)
        level = max(0, min(wanted, level + 1))
        out.append(level)
    return out


def plan(doc: Document, profile: Profile) -> Plan:
    """What the writers set for `doc` under `profile`."""
    blocks = doc.blocks
    roles = [profile.role(block_role(b)) for b in blocks]
    spaces, levels = _spaces(blocks, roles), _outline_levels(blocks, roles)
    planned = tuple(
        BlockPlan(b, role, _segments(b, role, profile), _lines(b, role, profile), space,
                  keeps_with_next(role), level)
        for b, role, space, level in zip(blocks, roles, spaces, levels))
    return Plan(profile, planned, doc.title, doc.author)
