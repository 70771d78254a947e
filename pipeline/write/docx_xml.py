"""Where the Word writer reaches inside python-docx: every such access is here, nowhere else.

python-docx writes paragraphs, runs, styles and sections; GB/T 9704 also needs what it has no
API for (the line grid, East Asian fonts and language, character spacing, first-line indents
in characters, the page-number field, the font table, the template's leftovers dropped). Those
are written as WordprocessingML into the lxml elements python-docx keeps, reached through:

    w(tag, **attrs)               a new w: element with w: attributes
    qn(name)                      a qualified name ("w:jc" -> "{…main}jc")
    paragraph_xml(p), section_xml(s), run_xml(r)   the elements python-docx holds
    set_blob(part, data)          a package part's bytes replaced (the font table, app.xml)

Verified on python-docx 1.2.0 (VERIFIED; tests/write/test_docx.py fails on any other until it
is checked again). The attributes used have not changed since python-docx 0.8; on a version
where one is missing, importing this module says so in one line rather than write a broken
file. There is no public path to fall back to: python-docx has no API for any of this.
"""
from __future__ import annotations

from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.opc.part import Part
from docx.section import Section
from docx.text.paragraph import Paragraph
from docx.text.run import Run

VERIFIED = ("1.2.0",)  # python-docx versions this module was checked against
_NEEDED = ((Paragraph, "_p"), (Section, "_sectPr"), (Part, "_blob"))  # instance attributes, set in __init__

__all__ = ["VERIFIED", "paragraph_xml", "qn", "run_xml", "section_xml", "set_blob", "w"]


def w(tag: str, **attrs):
    """A w: element with w: attributes: w("jc", val="both") -> <w:jc w:val="both"/>."""
    el = OxmlElement(f"w:{tag}")
    for name, value in attrs.items():
        el.set(qn(f"w:{name}"), str(value))
    return el


def paragraph_xml(p: Paragraph):
    return p._p


def section_xml(section: Section):
    return section._sectPr


def run_xml(run: Run):
    return run.element  # public since python-docx 1.0


def set_blob(part: Part, data: bytes) -> None:
    part._blob = data


def check(section: Section, part: Part) -> None:
    """One line, naming python-docx's version, if an attribute this module uses is missing."""
    for obj in (Paragraph(w("p"), None), section, part):
        for cls, name in _NEEDED:
            if isinstance(obj, cls) and not hasattr(obj, name):
                from importlib import metadata  # here: importing it costs a cold start 10 ms
                raise RuntimeError(f"python-docx {metadata.version('python-docx')} has no {cls.__name__}.{name}: "
                                   f"the Word writer was verified on {', '.join(VERIFIED)}")
