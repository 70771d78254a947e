"""The layout plan (typeset/plan.py): what both writers set, decided from the document and the profile."""
from __future__ import annotations

import dataclasses

import pytest

from pipeline.model import Block, Document
from pipeline.typeset.plan import plan
from pipeline.typeset.titles import split_title

TITLE = "在全县教育系统全面从严治党暨基层党建述职评议工作会议上的讲话"


def planned(profile, *blocks):
    return plan(Document(list(blocks)), profile).blocks


def test_roles_and_segments(profile):
    heading, lead, numbered, plain = planned(
        profile, Block("heading", "（一）经济", level=2), Block("paragraph", "一要加强。其余", lead="一要加强。"),
        Block("paragraph", "1.抓好。其余", lead="1.抓好。"), Block("paragraph", "同志们"))
    assert heading.role.name == "heading2" and heading.keep_with_next
    assert [(s.text, s.role.name) for s in lead.segments] == [("一要加强。", "lead"), ("其余", "paragraph")]
    assert [s.role.name for s in numbered.segments] == ["lead_numbered", "paragraph"]
    assert [(s.text, s.role.name) for s in plain.segments] == [("同志们", "paragraph")] and not plain.keep_with_next
    whole_lead, = planned(profile, Block("paragraph", "一是加强。", lead="一是加强。"))
    assert [s.text for s in whole_lead.segments] == ["一是加强。"]  # no empty rest


def test_a_title_is_set_on_balanced_lines_and_nothing_else_is(profile):
    title, paragraph = planned(profile, Block("title", TITLE), Block("paragraph", TITLE))
    assert title.lines == tuple(split_title(TITLE, profile.roles["title"].max_chars_per_line))
    assert len(title.lines) == 2 and paragraph.lines is None


def test_without_a_limit_a_title_fills_the_block(profile):
    roles = dict(profile.roles, title=dataclasses.replace(profile.roles["title"], max_chars_per_line=None))
    title, = planned(dataclasses.replace(profile, roles=roles), Block("title", TITLE))
    assert max(map(len, title.lines)) <= 20  # 156 mm / 22 pt = 20.1


def test_a_role_with_a_line_limit_is_split_too(profile):
    roles = dict(profile.roles, subtitle=dataclasses.replace(profile.roles["subtitle"], max_chars_per_line=10))
    subtitle, = planned(dataclasses.replace(profile, roles=roles), Block("subtitle", "——在全县乡村振兴工作推进会上的讲话"))
    assert subtitle.lines and all(len(line) <= 10 for line in subtitle.lines)


@pytest.mark.parametrize("types, spaced", [
    (["title", "subtitle", "byline", "byline", "salutation", "paragraph"], 3),  # after the whole group
    (["title", "salutation"], 0),
    (["byline", "title", "paragraph"], 1),  # a byline before the title
    (["title"], 0),  # the last block keeps it (Word writes it; the PDF has no line after)
    (["byline", "salutation", "paragraph"], None),  # no title, no blank line
])
def test_one_blank_line_after_the_title_group(profile, types, spaced):
    spaces = [bp.space_after_lines for bp in planned(profile, *(Block(t, "甲乙") for t in types))]
    assert spaces == [int(i == spaced) for i in range(len(types))]


def test_every_roles_space_after_is_honoured(profile):
    roles = dict(profile.roles, heading1=dataclasses.replace(profile.roles["heading1"], space_after_lines=2))
    spaces = [bp.space_after_lines for bp in planned(dataclasses.replace(profile, roles=roles),
                                                     Block("heading", "一、甲", level=1), Block("paragraph", "乙"))]
    assert spaces == [2, 0]


def test_outline_levels_nest_under_the_title_and_never_skip(profile):
    levels = [bp.outline_level for bp in planned(
        profile, Block("title", "讲话"), Block("paragraph", "甲"), Block("heading", "1.乙", level=3),
        Block("heading", "一、丙", level=1), Block("heading", "（一）丁", level=2))]
    assert levels == [0, None, 1, 1, 2]
    untitled = [bp.outline_level for bp in planned(profile, Block("heading", "（一）甲", level=2),
                                                   Block("heading", "1.乙", level=3), Block("heading", "一、丙", level=1))]
    assert untitled == [0, 1, 0]


def test_the_metadata(profile):
    doc = Document([Block("title", "讲话"), Block("byline", "2024年3月12日"), Block("byline", "县委书记 刘××")])
    p = plan(doc, profile)
    assert (p.title, p.author, p.subject, p.language) == ("讲话", "县委书记 刘××", "讲话稿", "zh-CN")
