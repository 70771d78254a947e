"""The PDF drawn: laid-out pages on reportlab's canvas, with outline, metadata and embedded
font subsets.

    draw(pages, plan, body_font, fast_path) -> bytes

The outline has an entry for each mark (the plan's levels); metadata title, author, subject,
creator and /Lang come from the plan; reportlab's invariant mode makes the same input give
the same bytes. Page text goes through fast.draw_runs on the fast path, else through
reportlab's own text objects, one per run (its public API: each run's font, size, spacing and
render mode, and the stroke width of fake bold, set on the canvas).
"""
from __future__ import annotations

import io
from contextlib import nullcontext

from . import fast  # noqa: I001 — before reportlab: on the fast path it makes PIL.Image lazy first
from reportlab.pdfgen.canvas import Canvas  # noqa: E402

from ...typeset.plan import Plan
from .layout import Geometry, PageLayout, Run


def _draw_runs_public(c: Canvas, runs: list[Run]) -> None:
    for r in runs:
        c.saveState()
        if r.bold:
            c.setLineWidth(r.size * fast.FAKE_BOLD_EM)
        text = c.beginText(r.x, r.y)
        text.setFont(r.font, r.size)
        text.setCharSpace(r.char_space)
        text.setTextRenderMode(2 if r.bold else 0)  # fill + stroke: fake bold
        text.textOut(r.text)
        c.drawText(text)
        c.restoreState()


def draw(pages: list[PageLayout], plan: Plan, body_font: str, fast_path: bool) -> bytes:
    """The PDF of `pages`; `body_font` is the canvas's initial font (reportlab's default,
    Helvetica, would be an unembedded font)."""
    geo = Geometry.of(plan.profile)
    draw_runs = fast.draw_runs if fast_path else _draw_runs_public
    buf = io.BytesIO()
    with fast.tuned() if fast_path else nullcontext():
        c = Canvas(buf, pagesize=(geo.page_width, geo.page_height), invariant=1, pageCompression=1,
                   lang=plan.language, initialFontName=body_font)
        c.setTitle(plan.title)
        c.setAuthor(plan.author)
        c.setSubject(plan.subject)
        c.setCreator(plan.creator)
        marks = 0
        for page in pages:
            for m in page.marks:
                key = f"m{marks}"
                marks += 1
                c.bookmarkPage(key, fit="XYZ", left=0, top=m.top)
                c.addOutlineEntry(m.title, key, level=m.level)
            draw_runs(c, page.runs)
            c.showPage()
        if marks:
            c.showOutline()
        c.save()
    return buf.getvalue()
