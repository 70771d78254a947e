"""The Word writer: a speech's document model typeset as a GB/T 9704-2012 .docx.

    empty_document(profile) -> bytes           the styled, empty document of a profile
    write_docx(plan, empty, date) -> bytes     a layout plan written into a copy of it

(A Typesetter keeps the empty document; write/typesetter.py's render_docx(doc, profile).)

Every number (page, grid, sizes, indents, fonts, page numbers) comes from the layout
profile, and what is set where from the plan (typeset/plan.py): each block's role maps to
one paragraph style, so the file stays editable in Word (headings are real "Heading N"
styles with outline levels); its segments become runs, a title's planned lines line breaks,
the planned blank lines space after the paragraph.

The python-docx default template is cleaned on the way: its US Letter page, theme
fonts, coloured headings, unused styles, thumbnail and "python-docx" metadata go.

Same document, profile and date, same bytes: the dates are never the time of rendering
(SOURCE_DATE_EPOCH, else the caller's `date`, else 2000-01-01), and the zip is rewritten
with those dates on its entries, in name order.
"""
from __future__ import annotations

import io
import re
import os
import zipfile
from datetime import datetime, timezone

import docx
from docx.enum.style import WD_STYLE_TYPE
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.shared import Emu, Mm, Pt
from lxml import etree

from ..chars import QUOTES, WIDE_IN_CHINESE

QUOTE_AFTER_LATIN = f"[{QUOTES}]"
from ..typeset.plan import CREATOR, LANGUAGE, BlockPlan, Plan, keeps_with_next
from ..typeset.profile import LATIN, FontFamily, Profile, Role
from .docx_xml import check, paragraph_xml, qn, run_xml, section_xml, set_blob, w as _el

# One paragraph style per block role; the built-in names make Word list headings
# in its navigation pane.
STYLES = {
    "paragraph": "Normal", "title": "Title", "subtitle": "Subtitle", "byline": "Byline",
    "salutation": "Salutation", "heading1": "Heading 1", "heading2": "Heading 2",
    "heading3": "Heading 3", "heading4": "Heading 4",
}
CUSTOM_STYLES = {"Byline", "Salutation"}
KEPT_STYLES = {"DefaultParagraphFont", "TableNormal", "NoList"}  # the template's empty defaults
STYLES_WITH_EFFECTS = "http://schemas.microsoft.com/office/2007/relationships/stylesWithEffects"
JC = {"left": "left", "center": "center", "justify": "both"}
DEFAULT_DATE = datetime(2000, 1, 1)  # the date reportlab's invariant mode gives the PDF
ZIP_EARLIEST = datetime(1980, 1, 1)  # a zip entry's date cannot be earlier

# --- XML helpers (python-docx's own XML: docx_xml.py) ---------------------------

def _twips(pt: float) -> int:
    return round(pt * 20)


def _fonts(east: FontFamily, latin: FontFamily) -> etree._Element:
    # hint="eastAsia" keeps “”‘’…— (shared by both scripts) in the Chinese font.
    return _el("rFonts", ascii=latin.word, hAnsi=latin.word, cs=latin.word, eastAsia=east.word,
               hint="eastAsia")


def _rpr(east: FontFamily, latin: FontFamily, size_pt: float | None = None, bold: bool = False,
         spacing_pt: float | None = None, lang: bool = False) -> etree._Element:
    """A w:rPr, children in schema order."""
    rpr = _el("rPr")
    rpr.append(_fonts(east, latin))
    if bold:
        rpr.extend([_el("b"), _el("bCs")])
    if spacing_pt is not None:
        rpr.append(_el("spacing", val=_twips(spacing_pt)))
    if size_pt is not None:  # half-points
        rpr.extend([_el("sz", val=round(size_pt * 2)), _el("szCs", val=round(size_pt * 2))])
    if lang:
        rpr.append(_el("lang", eastAsia=LANGUAGE))
    return rpr


def _spacing(line_pt: float, after_pt: float = 0) -> etree._Element:
    return _el("spacing", before=0, after=_twips(after_pt), line=_twips(line_pt), lineRule="exact")


def _ind(chars: float, size_pt: float, left_pt: float = 0, right_pt: float = 0) -> etree._Element:
    # firstLineChars for Word (it scales with the font), firstLine in twips for the rest.
    return _el("ind", left=_twips(left_pt), right=_twips(right_pt),
               firstLineChars=round(chars * 100), firstLine=_twips(chars * size_pt))


# --- styles -------------------------------------------------------------------

def _style(styles, name: str, ppr: list, rpr: etree._Element):
    """Rebuild paragraph style `name` from nothing but its name: no template leftovers."""
    try:
        style = styles[name]
    except KeyError:
        style = styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH, builtin=name not in CUSTOM_STYLES)
    el = style.element
    for child in list(el):
        if child.tag != qn("w:name"):
            el.remove(child)
    if name != "Normal":
        el.extend([_el("basedOn", val="Normal"), _el("next", val="Normal")])
    el.append(_el("qFormat"))
    el.append(_el("pPr"))
    el.pPr.extend(ppr)
    el.append(rpr)


def _role_style(styles, profile: Profile, role: Role) -> None:
    body = role.name == "paragraph"
    ppr = [_el("keepNext")] if keeps_with_next(role) else []
    if body:
        # No widow control: it would leave pages of 21 lines. overflowPunct=1 is Word's
        # default (punctuation may hang), written out because LibreOffice reads it the
        # other way round: 1 stops its hanging, which drops hanging commas at page breaks.
        ppr += [_el("widowControl", val=0), _el("overflowPunct", val=1),
                _el("autoSpaceDE", val=1), _el("autoSpaceDN", val=1)]  # Latin and digits stand apart (clreq)
    if role.size_pt > profile.body.size_pt:
        # A larger size (the 22 pt title) would snap to two grid lines a line in LibreOffice;
        # its exact line spacing is one grid pitch already.
        ppr.append(_el("snapToGrid", val=0))
    ppr += [_spacing(profile.grid.line_pitch_pt), _ind(role.indent_chars, role.size_pt),
            _el("jc", val=JC[role.align])]
    if role.outline_level:  # w:outlineLvl counts from 0
        ppr.append(_el("outlineLvl", val=role.outline_level - 1))
    rpr = _rpr(profile.font(role.name), profile.fonts[LATIN], role.size_pt, role.bold,
               spacing_pt=profile.grid.docx_char_spacing_pt if body else None, lang=body)
    _style(styles, STYLES[role.name], ppr, rpr)


def _footer_style(styles, profile: Profile) -> None:
    num = profile.page_number
    song = profile.fonts[num.font]
    ppr = [_el("snapToGrid", val=0), _spacing(num.size_pt), _ind(0, num.size_pt)]
    _style(styles, "Footer", ppr, _rpr(song, song, num.size_pt, spacing_pt=0))


def _setup_styles(d, profile: Profile) -> None:
    root = d.styles.element
    body = profile.body
    latin = profile.fonts[LATIN]
    rpr_default, ppr_default, ppr = _el("rPrDefault"), _el("pPrDefault"), _el("pPr")
    rpr_default.append(_rpr(profile.font(body.name), latin, body.size_pt, lang=True))
    ppr.append(_spacing(profile.grid.line_pitch_pt))
    ppr_default.append(ppr)
    defaults = root.find(qn("w:docDefaults"))
    defaults.clear()  # the template's theme fonts and 11 pt Calibri
    defaults.extend([rpr_default, ppr_default])
    for style in root.findall(qn("w:style")):
        if style.get(qn("w:styleId")) not in KEPT_STYLES | {"Normal"}:
            root.remove(style)
    _role_style(d.styles, profile, body)  # Normal first: the others are based on it
    for role, name in STYLES.items():
        if name != "Normal":
            _role_style(d.styles, profile, profile.role(role))
    _footer_style(d.styles, profile)


# --- page, blocks, footers ----------------------------------------------------

def _setup_page(section, profile: Profile) -> None:
    page, num = profile.page, profile.page_number
    section.page_width, section.page_height = Mm(page.width_mm), Mm(page.height_mm)
    section.top_margin, section.bottom_margin = Mm(page.margin_top_mm), Mm(page.margin_bottom_mm)
    section.left_margin, section.right_margin = Mm(page.margin_left_mm), Mm(page.margin_right_mm)
    # GB/T 9704 7.5: the em dashes of "— N —" lie below_text_mm under the text block,
    # whose bottom edge is margin_bottom_mm above the paper edge. Word puts the bottom
    # of the footer's one line (exact height size_pt) w:footer above the paper edge, and
    # an em dash sits at the middle of that line: so footer = edge-to-dash - size_pt / 2.
    section.footer_distance = Emu(Mm(page.margin_bottom_mm - num.below_text_mm) - Pt(num.size_pt / 2))
    grid = section_xml(section).find(qn("w:docGrid"))
    grid.attrib.clear()
    # A line-only grid: "linesAndChars" made LibreOffice set 14 characters a line.
    grid.set(qn("w:type"), "lines")
    grid.set(qn("w:linePitch"), str(_twips(profile.grid.line_pitch_pt)))


def _add_run(p, text: str, east: FontFamily, latin: FontFamily, role: Role | None = None):
    """A run with its fonts set; a role (a lead's) also sets size and weight. The text goes
    into one w:t as it is (python-docx's run.text walks it character by character, looking
    for tabs and line breaks that cleaned text does not have)."""
    pieces = _WIDE_RUNS.split(text) if text else [text]
    for k, piece in enumerate(pieces):
        if not piece and k:
            continue
        wide = bool(piece) and (piece[0] in WIDE_IN_CHINESE or piece in QUOTES)
        run = p.add_run()
        face = east if wide else latin  # × … — · ° set a cell wide, in the Chinese font (chars.py)
        rpr = _rpr(east, face, role.size_pt, role.bold) if role else _rpr(east, face)
        run_xml(run).insert(0, rpr)
        if piece:
            t = _el("t")
            t.text = piece
            t.set(qn("xml:space"), "preserve")
            run_xml(run).append(t)
    return run


# A quotation mark after a Latin word or number takes its script in LibreOffice, which then
# draws it narrow in the Latin font (“12350”): it too goes in a run of its own.
_WIDE_RUNS = re.compile(f"([{re.escape(WIDE_IN_CHINESE)}]+|(?<=[!-~]){QUOTE_AFTER_LATIN})")


def _add_block(d, bp: BlockPlan, profile: Profile, styles: dict) -> None:
    """One paragraph in the block role's style: the planned lines as line breaks, or the
    segments as runs (a lead's in its own role's font, size and weight)."""
    role = bp.role
    p = d.add_paragraph(style=styles[STYLES[role.name]])
    east, latin = profile.font(role.name), profile.fonts[LATIN]
    if bp.lines is not None:
        for i, line in enumerate(bp.lines):
            run = _add_run(p, "", east, latin)
            if i:
                run.add_break()
            run.add_text(line)
    else:
        for seg in bp.segments:
            if seg.role is role:
                _add_run(p, seg.text, east, latin)
            else:
                _add_run(p, seg.text, profile.font(seg.role.name), latin, seg.role)
    if bp.space_after_lines:
        pitch = profile.grid.line_pitch_pt
        paragraph_xml(p).get_or_add_pPr().append(_spacing(pitch, bp.space_after_lines * pitch))


def _page_number(footer, profile: Profile, odd: bool) -> None:
    """ "— N —" with a PAGE field: odd pages right, even pages left, one character in."""
    num = profile.page_number
    song = profile.fonts[num.font]
    footer.is_linked_to_previous = False
    p = footer.paragraphs[0]  # the template footer's one empty paragraph
    p.style = "Footer"  # by name: python-docx gives the built-in style the id "footer"
    indent = num.indent_chars * num.size_pt
    paragraph_xml(p).get_or_add_pPr().extend([
        _ind(0, num.size_pt, left_pt=0 if odd else indent, right_pt=indent if odd else 0),
        _el("jc", val="right" if odd else "left"),
    ])
    before, after = num.format.split("{n}")
    _add_run(p, before, song, song)
    number = _add_run(p, "1", song, song)  # the field's cached result, until it updates
    field = _el("fldSimple", instr=" PAGE ")
    paragraph_xml(p).replace(run_xml(number), field)
    field.append(run_xml(number))
    _add_run(p, after, song, song)


# --- package ------------------------------------------------------------------

def _font_table(d, profile: Profile) -> None:
    """Only the fonts used, each with the alternate name Word falls back to."""
    used = {r.font for r in profile.roles.values()} | {profile.page_number.font, LATIN}
    root = _el("fonts")
    for key in sorted(used):
        font = profile.fonts[key]
        entry = _el("font", name=font.word)
        # charset 86 (GB2312) tells Word that the font is Chinese.
        entry.extend([_el("altName", val=font.word_alt), _el("charset", val="00" if key == LATIN else "86"),
                      _el("family", val="roman" if key == LATIN else "auto"), _el("pitch", val="variable")])
        root.append(entry)
    part = d.part.part_related_by(RT.FONT_TABLE)
    set_blob(part, etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True))


def _timestamp(date: datetime | None) -> datetime:
    """SOURCE_DATE_EPOCH if set (reproducible builds), else `date`, else DEFAULT_DATE: never the
    time of rendering, so the same document gives the same bytes. Naive UTC, as python-docx wants."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch.isdigit():
        return datetime.fromtimestamp(int(epoch), timezone.utc).replace(tzinfo=None)
    if date is None:
        return DEFAULT_DATE
    return date.astimezone(timezone.utc).replace(tzinfo=None) if date.tzinfo else date


def _properties(d, plan: Plan, date: datetime) -> None:
    core = d.core_properties
    for name in ("keywords", "comments", "category", "content_status", "identifier", "version", "last_modified_by"):
        setattr(core, name, "")
    core.subject = plan.subject
    # Word's core properties hold at most 255 characters (python-docx enforces it).
    core.title, core.author, core.language = plan.title[:255], plan.author[:255], plan.language
    core.created = core.modified = date
    core.revision = 1


APP_PROPERTIES = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                  '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties">'
                  f'<Application>{CREATOR}</Application></Properties>')


def _drop_leftovers(d) -> None:
    """The template's thumbnail, "Microsoft Macintosh Word" app properties, bibliography
    stub (customXml), unused numbering, Word 2010 copy of the styles, preview flag and
    Japanese language."""
    package = d.part.package
    for rid, rel in list(package.rels.items()):
        if rel.reltype == RT.THUMBNAIL:
            del package.rels[rid]
        elif rel.reltype == RT.EXTENDED_PROPERTIES:
            set_blob(rel.target_part, APP_PROPERTIES.encode("utf-8"))
    for rid, rel in list(d.part.rels.items()):
        if rel.reltype in (STYLES_WITH_EFFECTS, RT.CUSTOM_XML, RT.NUMBERING):
            d.part.drop_rel(rid)
    d.settings.element.remove_all("w:savePreviewPicture")
    d.settings.element.find(qn("w:themeFontLang")).set(qn("w:eastAsia"), LANGUAGE)
    d.settings.odd_and_even_pages_header_footer = True


def _repack(data: bytes, date: datetime) -> bytes:
    """The package with every entry dated `date` (python-docx stamps the time of saving), in name
    order ("[Content_Types].xml" first, as Word writes it) and made on no particular system."""
    stamp = max(date, ZIP_EARLIEST).timetuple()[:6]
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w") as dst:
        for name in sorted(src.namelist()):
            info = zipfile.ZipInfo(name, stamp)
            info.create_system = 0  # else 3 on Unix and 0 on Windows
            dst.writestr(info, src.read(name), compress_type=zipfile.ZIP_DEFLATED)
    return out.getvalue()


def empty_document(profile: Profile) -> bytes:
    """The empty document of a profile: page, styles, footers, font table. A Typesetter makes
    it once; each speech starts from a copy of its bytes."""
    d = docx.Document()
    section = d.sections[0]
    check(section, d.part)  # python-docx's internals as verified
    _drop_leftovers(d)
    _setup_styles(d, profile)
    _setup_page(section, profile)
    _page_number(section.footer, profile, odd=True)
    _page_number(section.even_page_footer, profile, odd=False)
    _font_table(d, profile)
    out = io.BytesIO()
    d.save(out)
    return out.getvalue()


def write_docx(plan: Plan, empty: bytes, date: datetime | None = None) -> bytes:
    """The .docx of a plan, written into a copy of its profile's empty document. Its dates are
    SOURCE_DATE_EPOCH if set, else `date`, else DEFAULT_DATE."""
    d = docx.Document(io.BytesIO(empty))
    styles = {name: d.styles[name] for name in STYLES.values()}
    for bp in plan.blocks:
        _add_block(d, bp, plan.profile, styles)
    date = _timestamp(date)
    _properties(d, plan, date)
    out = io.BytesIO()
    d.save(out)
    return _repack(out.getvalue(), date)

