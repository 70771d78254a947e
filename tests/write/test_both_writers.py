"""Both writers read one plan: fed the same plan, the Word file (read back with python-docx)
and the PDF (read back with poppler) set the same title lines and the same blank lines. Also
for a plan no document would give, so that neither writer can be deciding on its own."""
from __future__ import annotations

import dataclasses
import io
import math
import shutil

import docx
import pytest
from docx.shared import Pt

from pipeline.model import Block, Document
from pipeline.pdfcheck import body_lines, read_lines
from pipeline.typeset.plan import plan
from pipeline.typeset.profile import MM

pytestmark = pytest.mark.skipif(not shutil.which("pdftotext"), reason="poppler-utils not installed")

DOC = Document([Block("title", "在全县教育系统全面从严治党暨基层党建述职评议工作会议上的讲话"),
                Block("byline", "县委书记 刘××"), Block("salutation", "同志们："),
                Block("paragraph", "按照县委要求，今天我们组织召开会议。"), Block("paragraph", "大家要认真抓好落实。")])


def as_word(data: bytes, profile):
    """Per paragraph: its lines (a title's line breaks) and its blank lines after."""
    pitch = profile.grid.line_pitch_pt
    out = []
    for p in docx.Document(io.BytesIO(data)).paragraphs:
        after = p.paragraph_format.space_after
        out.append((p.text.split("\n"), round(after / Pt(pitch)) if after else 0))
    return out


def as_pdf(data: bytes, profile):
    """Per text line of the first page: its text and its grid row."""
    top, pitch = profile.page.margin_top_mm * MM, profile.grid.line_pitch_pt
    return [(ln.chars, math.floor((ln.top - top) / pitch)) for ln in body_lines(read_lines(data)[0], profile)]


def check_both(planned, typesetter, profile):
    word = as_word(typesetter.write_docx(planned), profile)
    pdf = as_pdf(typesetter.write_pdf(planned).data, profile)
    title = planned.blocks[0]
    assert word[0][0] == list(title.lines)  # the Word file's title lines
    assert [text for text, _ in pdf[:len(title.lines)]] == list(title.lines)  # the PDF's
    assert [after for _, after in word] == [bp.space_after_lines for bp in planned.blocks]
    # in the PDF: each block's first row is the row after the last one's, plus its blank lines
    firsts, row = [], 0
    for bp in planned.blocks:
        firsts.append(row)
        row += len(bp.lines or [None]) + bp.space_after_lines  # every block here fits on one line
    assert [r for _, r in pdf] == [r + k for bp, r in zip(planned.blocks, firsts)
                                   for k in range(len(bp.lines or [None]))]


def test_the_writers_set_what_the_plan_says(typesetter, profile):
    planned = plan(DOC, profile)
    assert len(planned.blocks[0].lines) == 2 and planned.blocks[1].space_after_lines == 1
    check_both(planned, typesetter, profile)


def test_the_writers_follow_a_plan_no_document_gives(typesetter, profile):
    planned = plan(DOC, profile)
    blocks = list(planned.blocks)
    blocks[0] = dataclasses.replace(blocks[0], lines=("在全县教育系统", "全面从严治党暨基层党建", "述职评议工作会议上的讲话"))
    blocks[1] = dataclasses.replace(blocks[1], space_after_lines=0)
    blocks[2] = dataclasses.replace(blocks[2], space_after_lines=2)
    check_both(dataclasses.replace(planned, blocks=tuple(blocks)), typesetter, profile)
