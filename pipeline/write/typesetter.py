"""A Typesetter: both writers for one profile, with what they keep from one speech to the next.

    Typesetter(profile)
        .plan(doc) -> Plan                 the layout plan both writers read
        .docx(doc, date=None) -> bytes     the Word file
        .pdf(doc) -> TypesetPdf            the PDF, its pages, fonts and missing characters
        .write_docx(plan, date), .write_pdf(plan)   the same, of a plan
        .pdf_pages(doc, missing) -> pages  the PDF's pure layout, for tests and checkers
        .missing_characters(doc) -> list   characters no font of their role can draw
        .load_fonts()                      the profile's fonts loaded ahead of a document
    typesetter_for(profile)                a process's Typesetter of a profile (a few kept)
    render_docx(doc, profile), render_pdf(doc, profile), typeset_pdf(doc, profile),
    missing_characters(doc, profile)       through it

What it keeps: the Word writer's styled empty document, the PDF's font chains and the
layout's tokens. A process that converts many speeches (build's workers, convert of several
files) keeps one Typesetter; the libraries are imported when a format is first wanted.
"""
from __future__ import annotations

from datetime import datetime
from functools import lru_cache

from ..model import Document
from ..typeset.plan import Plan, plan
from ..typeset.profile import LATIN, Profile
from .pdf import TypesetPdf


class Typesetter:
    def __init__(self, profile: Profile):
        self.profile = profile
        self._empty_docx: bytes | None = None
        self._fonts = self._lines = None

    def plan(self, doc: Document) -> Plan:
        return plan(doc, self.profile)

    def docx(self, doc: Document, date: datetime | None = None) -> bytes:
        """The .docx of `doc`. Its dates are SOURCE_DATE_EPOCH if set, else `date` (the caller may
        pass the input's modification time), else docx.DEFAULT_DATE."""
        return self.write_docx(self.plan(doc), date)

    def write_docx(self, plan: Plan, date: datetime | None = None) -> bytes:
        from . import docx

        if self._empty_docx is None:
            self._empty_docx = docx.empty_document(self.profile)
        return docx.write_docx(plan, self._empty_docx, date)

    @property
    def pdf_fonts(self):
        """The PDF's font chains (write/pdf/fonts.py), made on first use."""
        if self._fonts is None:
            from .pdf import fonts, layout

            self._fonts = fonts.Fonts(fonts.FontLibrary.one())
            self._lines = layout.LineSetter(self.profile, self._fonts)
        return self._fonts

    def pdf_pages(self, doc: Document, missing: dict | None = None) -> list:
        """The PDF's pages as laid out (write/pdf/layout.py); characters no font has go into `missing`."""
        self.pdf_fonts  # noqa: B018 — sets up the fonts and the line setter
        return self._lines.pages(self.plan(doc), {} if missing is None else missing)

    def pdf(self, doc: Document) -> TypesetPdf:
        return self.write_pdf(self.plan(doc))

    def write_pdf(self, plan: Plan) -> TypesetPdf:
        from .pdf import draw

        missing: dict[str, None] = {}
        fonts = self.pdf_fonts
        pages = self._lines.pages(plan, missing)
        body = fonts.chain(self.profile.fonts[self.profile.body.font]).first.name
        data = draw.draw(pages, plan, body, fonts.library.fast_path)
        family_of = fonts.library.family_of
        used = sorted({family_of.get(r.font, r.font) for p in pages for r in p.runs})
        return TypesetPdf(data, len(pages), used, list(missing))

    def missing_characters(self, doc: Document) -> list[str]:
        """Characters no font in their role's fallback chain can draw, in order of appearance;
        the PDF draws each as REPLACEMENT, the caller should put them in the warnings."""
        self.pdf_fonts  # noqa: B018
        return self._lines.missing_characters(self.plan(doc))

    def load_fonts(self) -> None:
        """Each role's own font and the Latin font, loaded ahead of a document."""
        p = self.profile
        self.pdf_fonts.load([*(p.fonts[role.font] for role in p.roles.values()), p.fonts[LATIN]])


@lru_cache(maxsize=8)
def typesetter_for(profile: Profile) -> Typesetter:
    """This process's Typesetter of `profile` (equal profiles share one), for the functions that
    take a profile; a few are kept, the least recently used go."""
    return Typesetter(profile)


def render_docx(doc: Document, profile: Profile, *, date: datetime | None = None) -> bytes:
    """The .docx file of `doc`, typeset by `profile`."""
    return typesetter_for(profile).docx(doc, date)


def typeset_pdf(doc: Document, profile: Profile) -> TypesetPdf:
    return typesetter_for(profile).pdf(doc)


def render_pdf(doc: Document, profile: Profile) -> bytes:
    """The speech as a GB/T 9704 PDF; characters no font has are drawn as REPLACEMENT."""
    return typeset_pdf(doc, profile).data


def missing_characters(doc: Document, profile: Profile) -> list[str]:
    return typesetter_for(profile).missing_characters(doc)
