"""The PDF renderer: the document model set on the GB/T 9704-2012 grid with reportlab's canvas.

API:
    render_pdf(doc, profile) -> bytes          the PDF (the caller writes it)
    missing_characters(doc, profile) -> list   characters no font of their role can draw
    layout(doc, profile) -> list[PageLayout]   the pure layout, for tests and checkers

Two stages. `layout` breaks every block into lines and places each line's glyphs on
the grid (text block, line pitch, character cell, indents, fonts: all from the
profile) as runs of one font with one character spacing. The drawing stage only
writes those runs with canvas text objects. reportlab's Paragraph is not used: its
CJK wrapping ignores the GB/T 15834 line-breaking rules, its justification only
stretches spaces, and its markup would interpret `<b>` and `&` in a speech.

Layout rules (layout.md): a CJK character takes one cell, text width / chars_per_line
at body size, scaled with the role's size; digits and Latin take their own widths in
the Latin font and are never split; no line starts with a closing mark or ends with
an opening mark (the character before the break moves down to the next line); full
lines of justified roles are stretched flush to both edges, a paragraph's last line
keeps natural spacing; headings stay with the next paragraph.

Fonts: each character is drawn by the first font of its role's fallback chain whose
character map has it; a character no font has is reported by `missing_characters`
and drawn as REPLACEMENT. Fonts are embedded as TrueType subsets.

The PDF: outline entries for the title (level 0) and every heading, nested under the
title (heading N at level N, or N - 1 without a title, never skipping a level);
metadata title, author, subject, creator; /Lang zh-CN; reportlab's invariant mode,
so the same input gives the same bytes.
"""
from __future__ import annotations

import io
import math
import re
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFError, TTFont
from reportlab.pdfgen.canvas import Canvas

from .fonts import find_fonts
from .model import Block, Document, block_role, lead_role
from .profile import MM, FontFamily, Profile, Role

CREATOR = "pipeline"
SUBJECT = "讲话稿"
LANG = "zh-CN"
LATIN_FONT = "latin"  # the profile's font key for digits and Latin letters
REPLACEMENT = "□"  # drawn where no font has the character
FAKE_BOLD_EM = 0.03  # outline stroke of fake bold, in em: the free CJK fonts have no bold face

# GB/T 15834 / W3C clreq: marks that may not start a line, and that may not end one.
NO_START = frozenset("，。、；：？！”’）》〉」』】〕〗〙〛｝］…—‥·～％‰々〃!),.:;?]}%")
NO_END = frozenset("“‘（《〈「『【〔〖〘〚｛［([{")

# Tokens: a space, a run of Latin letters/digits/ASCII signs (never split), or one character.
_LATIN = "!-~À-ÖØ-öø-ɏ"  # ASCII and Latin letters, but not × ÷
_TOKEN = re.compile(rf"[^\S\u3000]|[{_LATIN}]+|.", re.S)
_IS_LATIN = re.compile(rf"[{_LATIN}\s]")


# --- fonts -------------------------------------------------------------------------------

@dataclass(frozen=True, eq=False)
class Font:
    """A registered reportlab TTF font and the metrics the layout needs (1/1000 em)."""
    name: str
    path: str
    index: int
    cmap: dict
    widths: dict
    default_width: float
    ascent: float
    descent: float

    def width(self, ch: str, size: float) -> float:
        return self.widths.get(ord(ch), self.default_width) * size / 1000


_LOADED: dict[tuple[str, int], Font | None] = {}  # per process: fonts load and register once


def _load(path: str, index: int) -> Font | None:
    key = (path, index)
    if key not in _LOADED:
        name = f"{Path(path).stem}-{index}"
        try:
            tt = TTFont(name, path, subfontIndex=index)
        except (TTFError, OSError):  # e.g. CFF "postscript outlines are not supported": skip it
            _LOADED[key] = None
        else:
            pdfmetrics.registerFont(tt)
            face = tt.face
            _LOADED[key] = Font(name, path, index, face.charToGlyph, face.charWidths,
                                face.defaultWidth, face.ascent, face.descent)
    return _LOADED[key]


class FontChain:
    """One font family's usable installed fonts in fallback order, with a per-character cache."""

    def __init__(self, family: FontFamily):
        self.fonts = [f for f in (_load(ff.path, ff.index) for ff in find_fonts(family.candidates)) if f]
        if not self.fonts:
            raise RuntimeError(f"no usable font installed for [fonts.{family.key}]: "
                               f"tried {', '.join(family.candidates)}")
        self._picks: dict[str, Font | None] = {}

    def pick(self, ch: str) -> Font | None:
        """The first font that has `ch`, or None."""
        try:
            return self._picks[ch]
        except KeyError:
            font = self._picks[ch] = next((f for f in self.fonts if ord(ch) in f.cmap), None)
            return font

    def glyph(self, ch: str, missing: dict) -> tuple[str, Font]:
        """What to draw for `ch` and with which font; a character no font has goes into `missing`
        and is drawn as REPLACEMENT (or as the first font's .notdef if no font has that)."""
        font = self.pick(ch)
        if font:
            return ch, font
        missing[ch] = None
        box = self.pick(REPLACEMENT)
        return (REPLACEMENT, box) if box else (ch, self.fonts[0])


@lru_cache(maxsize=None)
def font_chain(family: FontFamily) -> FontChain:
    return FontChain(family)


def _chain_for(ch: str, role: Role, profile: Profile) -> FontChain:
    """Digits, Latin and spaces use the Latin font; everything else the role's font."""
    key = LATIN_FONT if _IS_LATIN.match(ch) and ch != "\u3000" else role.font
    return font_chain(profile.fonts[key])


@lru_cache(maxsize=None)
def _ink_middle(font: Font, ch: str) -> float:
    """Vertical middle of `ch`'s outline above the baseline, in 1/1000 em (TrueType glyf bbox)."""
    from fontTools.ttLib import TTFont as FTFont

    ft = FTFont(font.path, fontNumber=font.index, lazy=True)
    glyph = ft["glyf"][ft.getGlyphName(font.cmap[ord(ch)])]
    if not getattr(glyph, "numberOfContours", 0):  # blank glyph: use the em box's middle
        return (font.ascent + font.descent) / 2
    return (glyph.yMin + glyph.yMax) / 2 * 1000 / ft["head"].unitsPerEm


def _segments(block: Block, profile: Profile) -> list[tuple[str, Role]]:
    """The block's text split into its run-in lead (in the lead's role) and the rest."""
    role = profile.role(block_role(block))
    if block.lead:
        return [(block.lead, profile.role(lead_role(block.lead))), (block.text[len(block.lead):], role)]
    return [(block.text, role)]


def missing_characters(doc: Document, profile: Profile) -> list[str]:
    """Characters that no font in their role's fallback chain can draw, in order of appearance.
    render_pdf draws each as REPLACEMENT; the caller should put them in the warnings."""
    missing: dict[str, None] = {}
    for block in doc.blocks:
        for text, role in _segments(block, profile):
            for ch in text:
                _chain_for(ch, role, profile).glyph(ch, missing)
    numbers = font_chain(profile.fonts[profile.page_number.font])
    for ch in profile.page_number.text(1234567890):  # every digit, and the format's own marks
        numbers.glyph(ch, missing)
    return list(missing)


# --- layout --------------------------------------------------------------------------------

@dataclass(frozen=True)
class Run:
    """Characters drawn from (x, y) in one font, each advancing its width + char_space."""
    x: float
    y: float
    text: str
    font: str  # registered reportlab font name
    size: float
    char_space: float = 0.0
    bold: bool = False


@dataclass(frozen=True)
class Mark:
    """An outline entry: the block's text, its level, and the top of its first line."""
    title: str
    level: int
    top: float


@dataclass
class PageLayout:
    number: int
    runs: list[Run] = field(default_factory=list)  # in reading order; the page number last
    marks: list[Mark] = field(default_factory=list)


@dataclass(frozen=True)
class _Token:
    """An unbreakable unit: one CJK character (one grid cell), a Latin run, or a space."""
    text: str
    glyphs: tuple[tuple[str, Font, float], ...]  # (character drawn, font, natural advance)
    role: Role
    width: float
    cell: bool
    space: bool


@dataclass(frozen=True)
class _Geometry:
    """The page and grid in PDF points (origin bottom left), from the profile."""
    page_width: float
    page_height: float
    left: float
    top: float  # the text block's top edge
    width: float
    bottom: float  # the text block's bottom edge
    pitch: float
    lines: int
    cell_per_pt: float  # a CJK cell's width per point of font size

    @classmethod
    def of(cls, profile: Profile) -> _Geometry:
        p, g = profile.page, profile.grid
        width = p.text_width_mm * MM
        top = (p.height_mm - p.margin_top_mm) * MM
        return cls(p.width_mm * MM, p.height_mm * MM, p.margin_left_mm * MM, top, width,
                   top - p.text_height_mm * MM, g.line_pitch_pt, g.lines_per_page,
                   width / g.chars_per_line / profile.body.size_pt)

    def cell(self, size: float) -> float:
        return size * self.cell_per_pt


def _tokens(segments: list[tuple[str, Role]], profile: Profile, geo: _Geometry,
            missing: dict) -> list[_Token]:
    out = []
    for text, role in segments:
        size = role.size_pt
        for t in _TOKEN.findall(text):
            glyphs = []
            for ch in t:
                drawn, font = _chain_for(ch, role, profile).glyph(ch, missing)
                glyphs.append((drawn, font, font.width(drawn, size)))
            cell = len(t) == 1 and not _IS_LATIN.match(t) or t == "\u3000"
            width = geo.cell(size) if cell else sum(g[2] for g in glyphs)
            if width > geo.width:  # a Latin run longer than a line: the only case it is split
                out += _tokens([(ch, role) for ch in t], profile, geo, missing)
                continue
            out.append(_Token(t, tuple(glyphs), role, width, cell, t.isspace() and not cell))
    return out


def _break(tokens: list[_Token], first: float, rest: float) -> list[list[_Token]]:
    """Greedy line breaking by available width, then GB/T 15834: while the next line would
    start with a closing mark or this one end with an opening mark, move a token down."""
    lines, i, n = [], 0, len(tokens)
    while i < n:
        avail = rest if lines else first
        j, used = i, 0.0
        while j < n and used + tokens[j].width <= avail + 1e-6:
            used += tokens[j].width
            j += 1
        j = max(j, i + 1)  # a token wider than the line still goes somewhere
        k = j
        while i + 1 < k < n and (tokens[k].text[0] in NO_START or tokens[k - 1].text[-1] in NO_END):
            k -= 1
        if k > i + 1 or j == i + 1:
            j = k if k < n or j == n else j
        line = tokens[i:j]
        while line and line[-1].space:  # spaces at a break are not drawn
            line.pop()
        lines.append(line)
        i = j
        while i < n and tokens[i].space:
            i += 1
    return lines


def _place(line: list[_Token], x: float, gap: float, size_of_bold) -> list[tuple]:
    """Glyphs (x, char, font, size, bold, natural advance) of one line, tokens `gap` apart."""
    glyphs = []
    for tok in line:
        size, bold = tok.role.size_pt, tok.role.bold
        for drawn, font, natural in tok.glyphs:
            glyphs.append((x, drawn, font, size, bold, natural))
            x += natural
        if tok.cell:  # a cell is wider or narrower than the glyph: the next token starts a cell on
            x += tok.width - tok.glyphs[0][2]
        x += gap
    return glyphs


def _runs(glyphs: list[tuple], y: float) -> list[Run]:
    """Merge glyphs into runs: same font, size and weight, and evenly spaced."""
    runs: list[Run] = []
    last = None  # (font, size, bold, next x at current spacing)
    for x, ch, font, size, bold, natural in glyphs:
        if runs and last[:3] == (font, size, bold):
            r = runs[-1]
            if len(r.text) == 1:  # the second glyph fixes the run's spacing
                runs[-1] = r = replace(r, text=r.text + ch, char_space=x - r.x - last[4])
                last = (font, size, bold, x + natural + r.char_space, natural)
                continue
            if abs(x - last[3]) < 1e-6:
                runs[-1] = replace(r, text=r.text + ch)
                last = (font, size, bold, x + natural + r.char_space, natural)
                continue
        runs.append(Run(x, y, ch, font.name, size, 0.0, bold))
        last = (font, size, bold, x + natural, natural)
    return runs


def _block_lines(block: Block, profile: Profile, geo: _Geometry, missing: dict) -> list[list[Run]]:
    """The block's lines as runs, y relative to the top of the line's grid band."""
    role = profile.role(block_role(block))
    size = role.size_pt
    indent = role.indent_chars * geo.cell(size)
    if role.max_chars_per_line:
        pieces = [[(t, role)] for t in split_title(block.text, role.max_chars_per_line)]
    else:
        pieces = [_segments(block, profile)]
    # The em box of the role's main font sits in the middle of the grid line.
    main = font_chain(profile.fonts[role.font]).fonts[0]
    baseline = -geo.pitch / 2 - (main.ascent + main.descent) / 2000 * size
    out = []
    for p, segments in enumerate(pieces):
        first = geo.width - indent if p == 0 and role.align != "center" else geo.width
        lines = _break(_tokens(segments, profile, geo, missing), first, geo.width)
        for k, line in enumerate(lines):
            avail = first if k == 0 else geo.width
            natural = sum(t.width for t in line)
            x, gap = geo.left + geo.width - avail, 0.0
            if role.align == "center":
                x = geo.left + (geo.width - natural) / 2
            elif role.align == "justify" and k < len(lines) - 1 and len(line) > 1:
                gap = (avail - natural) / (len(line) - 1)
            out.append(_runs(_place(line, x, gap, None), baseline))
    return out


def _keep_with_next(blocks: list[Block], lines: list[list]) -> list[int]:
    """Per block: how many lines must share its page (a heading, any headings after it,
    and the first line of the paragraph that follows); 0 for other blocks."""
    keep = [0] * len(blocks)
    for i in reversed(range(len(blocks))):
        if blocks[i].type == "heading":
            nxt = keep[i + 1] or min(1, len(lines[i + 1])) if i + 1 < len(blocks) else 0
            keep[i] = len(lines[i]) + nxt
    return keep


def _page_number(n: int, profile: Profile, geo: _Geometry, missing: dict) -> list[Run]:
    """ "— N —" in the page-number font at natural widths; odd pages end one character in
    from the block's right edge, even pages start one character in from its left edge."""
    pn = profile.page_number
    chain = font_chain(profile.fonts[pn.font])
    glyphs, x = [], 0.0
    for ch in pn.text(n):
        drawn, font = chain.glyph(ch, missing)
        natural = font.width(drawn, pn.size_pt)
        glyphs.append((x, drawn, font, pn.size_pt, False, natural))
        x += natural
    indent = pn.indent_chars * pn.size_pt
    left = geo.left + geo.width - indent - x if n % 2 else geo.left + indent
    # The standard puts the em-dash line below_text_mm under the block's bottom edge: the
    # dash's vertical middle (its outline's bbox) goes there, so baseline = that line minus
    # the dash's middle height above the baseline.
    first = next((g for g in glyphs if not g[1].isspace()), glyphs[0])
    y = geo.bottom - pn.below_text_mm * MM - _ink_middle(first[2], first[1]) * pn.size_pt / 1000
    return _runs([(left + g[0],) + g[1:] for g in glyphs], y)


def layout(doc: Document, profile: Profile, missing: dict | None = None) -> list[PageLayout]:
    """Pages of positioned runs and outline marks. Characters no font has go into `missing`."""
    missing = {} if missing is None else missing
    geo = Geometry = _Geometry.of(profile)
    blocks = doc.blocks
    lines = [_block_lines(b, profile, geo, missing) for b in blocks]
    keep = _keep_with_next(blocks, lines)
    has_title = any(b.type == "title" for b in blocks)
    pages = [PageLayout(1)]
    row, space, level = 0, 0, -1
    for block, block_lines, need in zip(blocks, lines, keep):
        role = profile.role(block_role(block))
        if block.type not in ("subtitle", "byline"):  # the title's space follows its whole group
            row, space = row + space, 0
        if row >= Geometry.lines or (need and row + need > geo.lines >= need and row > 0):
            pages.append(PageLayout(len(pages) + 1))
            row = 0
        if block.type == "title" or role.outline_level is not None:
            wanted = 0 if block.type == "title" else role.outline_level - (0 if has_title else 1)
            level = max(0, min(wanted, level + 1))
            pages[-1].marks.append(Mark(block.text, level, geo.top - row * geo.pitch))
        for line in block_lines:
            if row >= geo.lines:
                pages.append(PageLayout(len(pages) + 1))
                row = 0
            band_top = geo.top - row * geo.pitch
            pages[-1].runs += [replace(r, y=band_top + r.y) for r in line]
            row += 1
        space = max(space, role.space_after_lines)
    for page in pages:
        page.runs += _page_number(page.number, profile, geo, missing)
    return pages


# --- titles --------------------------------------------------------------------------------

_TITLE_JOINTS = "的暨和与及、，：；》"  # a title line may well end after these


def split_title(text: str, max_chars: int) -> list[str]:
    """Balanced title lines of at most max_chars characters: as few lines as possible, as
    equal as possible, preferring breaks after natural joints, never leaving one character
    alone, never inside 《》 or a Latin/digit run, and obeying the line-breaking rules."""
    n = len(text)
    if n <= max_chars:
        return [text]
    count = math.ceil(n / max_chars)
    ideal = n / count
    depth, ok = 0, [False] * (n + 1)
    for i, ch in enumerate(text):  # ok[i]: a break between text[i-1] and text[i] is allowed
        depth += (ch == "《") - (ch == "》")
        if i + 1 < n:
            ok[i + 1] = (depth == 0 and text[i + 1] not in NO_START and ch not in NO_END
                         and not (_IS_LATIN.match(ch) and _IS_LATIN.match(text[i + 1])))
    ok[n] = True
    inf = float("inf")
    best = {(0, 0): (0.0, [])}  # (lines so far, position) -> (cost, break positions)
    for lines in range(count):
        for (k, a), (cost, cuts) in list(best.items()):
            if k != lines:
                continue
            for b in range(a + 2, min(a + max_chars, n) + 1):
                if not ok[b] or (lines == count - 1) != (b == n):
                    continue
                c = cost + (b - a - ideal) ** 2 - (3 if b < n and text[b - 1] in _TITLE_JOINTS else 0)
                if c < best.get((lines + 1, b), (inf,))[0]:
                    best[(lines + 1, b)] = (c, cuts + [b])
    if (count, n) not in best:  # no allowed split: fall back to equal pieces
        size = math.ceil(n / count)
        return [text[i:i + size] for i in range(0, n, size)]
    cuts = [0] + best[(count, n)][1]
    return [text[a:b] for a, b in zip(cuts, cuts[1:])]


# --- drawing --------------------------------------------------------------------------------

def _draw(pages: list[PageLayout], doc: Document, profile: Profile) -> bytes:
    geo = _Geometry.of(profile)
    buf = io.BytesIO()
    c = Canvas(buf, pagesize=(geo.page_width, geo.page_height), invariant=1, pageCompression=1,
               lang=LANG)
    c.setTitle(doc.title)
    c.setAuthor(doc.author)
    c.setSubject(SUBJECT)
    c.setCreator(CREATOR)
    marks = 0
    for page in pages:
        for m in page.marks:
            key = f"m{marks}"
            marks += 1
            c.bookmarkPage(key, fit="XYZ", left=0, top=m.top)
            c.addOutlineEntry(m.title, key, level=m.level)
        _draw_runs(c, page.runs)
        c.showPage()
    if marks:
        c.showOutline()
    c.save()
    return buf.getvalue()


def _draw_runs(c: Canvas, runs: list[Run]) -> None:
    """All runs of a page in one text object; a new one only where fake bold needs another
    stroke width (a graphics-state setting, which text objects cannot carry)."""
    text, width, state = c.beginText(), None, (None, None, None, None)
    for r in runs:
        if r.bold and width != r.size * FAKE_BOLD_EM:
            c.drawText(text)
            width = r.size * FAKE_BOLD_EM
            c.setLineWidth(width)
            text, state = c.beginText(), (None, None, None, None)
        text.setTextOrigin(r.x, r.y)
        if state[:2] != (r.font, r.size):
            text.setFont(r.font, r.size)
        if state[2] != r.char_space:
            text.setCharSpace(r.char_space)
        text.setTextRenderMode(2 if r.bold else 0)  # fill + stroke: fake bold
        text.textOut(r.text)
        state = (r.font, r.size, r.char_space, r.bold)
    c.drawText(text)


def render_pdf(doc: Document, profile: Profile) -> bytes:
    """The speech as a GB/T 9704 PDF. Characters no font has are drawn as REPLACEMENT;
    report them with missing_characters()."""
    return _draw(layout(doc, profile), doc, profile)
