"""The PDF's layout: a plan's blocks broken into lines and placed on the GB/T 9704 grid.

    LineSetter(profile, fonts).pages(plan, missing) -> list[PageLayout]

Pure given font metrics, and no reportlab: `fonts` is anything with `chain(*families)`
returning a font chain (`first`, `glyph(ch, missing)`; fonts.py makes them from reportlab's
fonts), and a `Font` here is only the metrics the layout reads.

Rules (layout.md): a CJK character takes one cell, text width / chars_per_line at body size,
scaled with the role's size; digits and Latin take their own widths in the Latin font and are
never split; no line starts with a closing mark or ends with an opening mark (the character
before the break moves down to the next line); full lines of justified roles are stretched
flush to both edges, a paragraph's last line keeps natural spacing. What the plan decides
(title lines, blank lines, keep-with-next, outline levels) is taken as it is.
"""
from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace

from ...chars import NO_LINE_END, NO_LINE_START, QUOTES
from ...typeset.plan import BlockPlan, Plan, Segment
from ...typeset.profile import LATIN, MM, Profile, Role

# GB/T 15834 / W3C clreq, as sets: one lookup per break.
NO_START, NO_END = frozenset(NO_LINE_START), frozenset(NO_LINE_END)
# Where a glyph narrower than its cell (a font's proportional quotes) goes in the cell:
# opening marks against the character they open, closing ones and stops against the one
# they close, as in the full-width forms; anything else centred.
_CELL_RIGHT = NO_END
_CELL_LEFT = frozenset("，。、；：？！”’）》〉」』】〕〗〙〛｝］")

# Tokens: a space, a run of Latin letters/digits/ASCII signs (never split), or one character.
_LATIN = "!-~À-ÖØ-öø-ɏ"  # ASCII and Latin letters, but not × ÷
_TOKEN = re.compile(rf"[^\S\u3000]|[{_LATIN}]+|.", re.S)
_HAN = re.compile("[\u3400-\u9fff\uf900-\ufaff\U00020000-\U0003134f]")
_IN_LATIN_FONT = re.compile(rf"[{_LATIN}]|[^\S\u3000]")  # and spaces, but not the ideographic one
_URL = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*://|www\.", re.I)
_AFTER_SLASH = re.compile(r"(?<=/)(?=[0-9A-Za-z])")
_TOKENS_KEPT = 50_000  # per role; past that (Latin runs are many) the role's tokens start again


@dataclass(frozen=True, eq=False)
class Font:
    """A font as the layout sees it: its name for drawing, and metrics in 1/1000 em."""
    name: str  # what the drawing stage draws it by (a registered reportlab font)
    family: str  # the installed face's family (and style, where the profile asked for one)
    cmap: dict
    widths: dict
    default_width: float
    ascent: float
    descent: float
    ink: Callable[[str], float]  # a glyph's vertical middle above the baseline (1/1000 em)
    _inks: dict = field(default_factory=dict)

    def width(self, ch: str, size: float) -> float:
        return self.widths.get(ord(ch), self.default_width) * size / 1000

    def ink_middle(self, ch: str) -> float:
        if ch not in self._inks:
            self._inks[ch] = self.ink(ch)
        return self._inks[ch]


@dataclass(frozen=True)
class Run:
    """Characters drawn from (x, y) in one font, each advancing its width + char_space."""
    x: float
    y: float
    text: str
    font: str  # the Font's name
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
    missing: tuple[str, ...] = ()  # characters of it that no font has (drawn as REPLACEMENT)
    lead: float = 0.0  # space before its glyphs: a Latin run's distance from a Chinese character
    trail: float = 0.0  # and after them
    fit: float = 0.0  # its width as the Word file measures it, which decides where lines break
    end: float = 0.0  # what ending a line adds to `fit`: LibreOffice fits a line's last character at its
                      # full advance, without the character spacing, and no autospace after it


@dataclass(frozen=True)
class Geometry:
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
    def of(cls, profile: Profile) -> Geometry:
        p, g = profile.page, profile.grid
        width = p.text_width_mm * MM
        top = (p.height_mm - p.margin_top_mm) * MM
        return cls(p.width_mm * MM, p.height_mm * MM, p.margin_left_mm * MM, top, width,
                   top - p.text_height_mm * MM, g.line_pitch_pt, g.lines_per_page,
                   width / g.chars_per_line / profile.body.size_pt)

    def cell(self, size: float) -> float:
        return size * self.cell_per_pt


class LineSetter:
    """Sets a profile's plans on pages; keeps its tokens from one speech to the next (a speech
    repeats its few hundred characters thousands of times, and speeches share most of them)."""

    def __init__(self, profile: Profile, fonts):
        self.profile, self.fonts, self.geo = profile, fonts, Geometry.of(profile)
        self._by_role: dict[str, dict[str, _Token]] = {}

    def chain(self, ch: str, role: Role):
        """Digits, Latin and spaces use the Latin font; everything else the role's font, then
        the Latin font for symbols only it has (€, ™)."""
        latin = self.profile.fonts[LATIN]
        if _IN_LATIN_FONT.match(ch):
            return self.fonts.chain(latin)
        return self.fonts.chain(self.profile.fonts[role.font], latin)

    def token(self, t: str, role: Role, missing: dict) -> _Token:
        known = self._by_role.setdefault(role.name, {})
        tok = known.get(t)
        if tok is None:
            size, glyphs, lacking = role.size_pt, [], {}
            for ch in t:
                drawn, font = self.chain(ch, role).glyph(ch, lacking)
                glyphs.append((drawn, font, font.width(drawn, size)))
            cell = len(t) == 1 and not _IN_LATIN_FONT.match(t)
            width = self.geo.cell(size) if cell else sum(g[2] for g in glyphs)
            # The Word file sets each character at its advance plus the grid's character
            # spacing (−0.30 pt): lines break where they break there, then are justified here.
            spacing = self.profile.grid.docx_char_spacing_pt
            fit = size + spacing if cell else sum(g[2] + spacing for g in glyphs)
            if len(known) >= _TOKENS_KEPT:
                known.clear()
            tok = known[t] = _Token(t, tuple(glyphs), role, width, cell, t.isspace() and not cell, tuple(lacking),
                                    fit=fit, end=-spacing)
        if tok.missing:
            missing.update(dict.fromkeys(tok.missing))
        return tok

    def tokens(self, segments: tuple[Segment, ...], missing: dict) -> list[_Token]:
        out, limit = [], self.geo.width
        for seg in segments:
            known = self._by_role.setdefault(seg.role.name, {})  # one lookup a token where it is known
            for t in _TOKEN.findall(seg.text):
                if "/" in t and _URL.match(t):  # a web address may break after a slash (UAX #14, as Word and
                    parts = _AFTER_SLASH.split(t)   # LibreOffice break it), never elsewhere
                    if len(parts) > 1:
                        out += [self.token(p, seg.role, missing) for p in parts]
                        continue
                tok = known.get(t)
                if tok is None or tok.missing:
                    tok = self.token(t, seg.role, missing)
                if tok.width > limit:  # a Latin run longer than a line: split it after all
                    out += [self.token(ch, seg.role, missing) for ch in t]
                else:
                    out.append(tok)
        return self._spaced_from_han(out)

    def _spaced_from_han(self, tokens: list[_Token]) -> list[_Token]:
        """A Latin word or number next to a Chinese character stands han_latin_space_em apart
        from it on that side (clreq; as Word's and LibreOffice's autospace): 占GDP的 → 占 GDP 的."""
        em = self.profile.grid.han_latin_space_em
        if not em:
            return tokens
        out = list(tokens)
        for i, tok in enumerate(tokens):
            if tok.space or tok.cell:
                continue
            left = tok.text[0].isalnum() and i > 0 and _HAN.match(tokens[i - 1].text)
            right = tok.text[-1].isalnum() and i + 1 < len(tokens) and _HAN.match(tokens[i + 1].text)
            if left or right:
                space = em * tok.role.size_pt
                pads = space * (bool(left) + bool(right))
                out[i] = replace(tok, width=tok.width + pads, fit=tok.fit + pads, lead=space if left else 0.0,
                                 trail=space if right else 0.0, end=tok.end - (space if right else 0.0))
        # The Word file's character spacing stands between the characters of one portion of
        # text: the character before a change of script or run (a Latin word, a × in its own
        # run) has none, nor has a × alone in its run (LibreOffice, measured).
        loss = -self.profile.grid.docx_char_spacing_pt
        portions = [_portion(t) for t in out]
        for i in range(1, len(out)):  # a quotation mark after a Latin word: a run of its own there
            if out[i].text in QUOTES and portions[i - 1] == "latin":
                portions[i] = "own"
        for i in range(len(out) - 1):
            if portions[i] != portions[i + 1]:
                out[i] = replace(out[i], fit=out[i].fit + loss, end=out[i].end - loss)
        return out

    def block_lines(self, bp: BlockPlan, missing: dict) -> list[tuple[list[tuple], float]]:
        """The block's lines: glyphs (x, char, font, size, bold, natural advance) and the
        baseline's offset from the top of the line's grid band."""
        geo, role = self.geo, bp.role
        size = role.size_pt
        pieces = [(Segment(t, role),) for t in bp.lines] if bp.lines is not None else [bp.segments]
        # The em box of the role's main font sits in the middle of the grid line.
        main = self.fonts.chain(self.profile.fonts[role.font]).first
        baseline = -geo.pitch / 2 - (main.ascent + main.descent) / 2000 * size
        indent = role.indent_chars * geo.cell(size) if role.align != "center" else 0
        out = []
        # Where lines break is measured as in the Word file: its indent is the role's size a
        # character, its characters their advance plus the character spacing, but the last one
        # its advance alone, and no space from a Chinese character at either end (`_break`).
        word_indent = role.indent_chars * size if role.align != "center" else 0
        for p, segments in enumerate(pieces):
            first = geo.width - (indent if p == 0 else 0)
            lines = _break(self.tokens(segments, missing), geo.width - (word_indent if p == 0 else 0), geo.width)
            lines = [_trimmed(line) for line in lines]
            for k, line in enumerate(lines):
                avail = first if k == 0 else geo.width
                natural = sum(t.width for t in line)
                x, gap = geo.left + geo.width - avail, 0.0
                if role.align == "center":
                    x = geo.left + (geo.width - natural) / 2
                elif role.align == "justify" and k < len(lines) - 1 and len(line) > 1:
                    gap = (avail - natural) / (len(line) - 1)
                out.append((_place(line, x, gap), baseline))
        return out

    def page_number(self, n: int, missing: dict) -> list[Run]:
        """ "— N —" in the page-number font at natural widths; odd pages end one character in
        from the block's right edge, even pages start one character in from its left edge."""
        geo, pn = self.geo, self.profile.page_number
        chain = self.fonts.chain(self.profile.fonts[pn.font])
        glyphs, x = [], 0.0
        for ch in pn.text(n):
            drawn, font = chain.glyph(ch, missing)
            natural = font.width(drawn, pn.size_pt)
            glyphs.append((x, drawn, font, pn.size_pt, False, natural))
            x += natural
        indent = pn.indent_chars * pn.size_pt
        left = geo.left + geo.width - indent - x if n % 2 else geo.left + indent
        # The standard puts the em-dash line below_text_mm under the block's bottom edge: the
        # dash's vertical middle (its outline's bbox) goes there, so the baseline is that line
        # minus the dash's middle height above the baseline.
        first = next((g for g in glyphs if not g[1].isspace()), glyphs[0])
        y = geo.bottom - pn.below_text_mm * MM - first[2].ink_middle(first[1]) * pn.size_pt / 1000
        return _runs([(left + g[0],) + g[1:] for g in glyphs], y)

    def pages(self, plan: Plan, missing: dict) -> list[PageLayout]:
        """Pages of positioned runs and outline marks; characters no font has go into `missing`."""
        geo, blocks = self.geo, plan.blocks
        lines = [self.block_lines(bp, missing) for bp in blocks]
        keep = _keep_with_next(blocks, lines)
        pages = [PageLayout(1)]
        row, space = 0, 0
        for bp, block_lines, need in zip(blocks, lines, keep):
            row += space
            if row >= geo.lines or (need and row + need > geo.lines >= need and row > 0):
                pages.append(PageLayout(len(pages) + 1))
                row = 0
            if bp.outline_level is not None:
                pages[-1].marks.append(Mark(bp.block.text, bp.outline_level, geo.top - row * geo.pitch))
            for glyphs, baseline in block_lines:
                if row >= geo.lines:
                    pages.append(PageLayout(len(pages) + 1))
                    row = 0
                pages[-1].runs += _runs(glyphs, geo.top - row * geo.pitch + baseline)
                row += 1
            space = bp.space_after_lines
        for page in pages:
            page.runs += self.page_number(page.number, missing)
        return pages

    def missing_characters(self, plan: Plan) -> list[str]:
        """Characters that no font in their role's fallback chain can draw, in order of appearance."""
        missing: dict[str, None] = {}
        for bp in plan.blocks:
            for seg in bp.segments:
                for ch in seg.text:
                    self.chain(ch, seg.role).glyph(ch, missing)
        numbers = self.fonts.chain(self.profile.fonts[self.profile.page_number.font])
        for ch in self.profile.page_number.text(1234567890):  # every digit, and the format's own marks
            numbers.glyph(ch, missing)
        return list(missing)


# Set a cell wide in Chinese text, but Latin script to Word and LibreOffice, which space them
# from Chinese characters as they do a Latin word: 在×台, ×%.
LATIN_SCRIPT_MARKS = "×·°∶℃"


def _trimmed(line: list[_Token]) -> list[_Token]:
    """A line's ends keep no space from a Chinese character that is on the other line."""
    if line and line[0].lead:
        line[0] = replace(line[0], width=line[0].width - line[0].lead, lead=0.0)
    if line and line[-1].trail:
        line[-1] = replace(line[-1], width=line[-1].width - line[-1].trail, trail=0.0)
    return line


def _portion(tok: _Token) -> str:
    """The kind of text portion a token falls in for the Word file: Latin, its own run (×),
    or Chinese."""
    return "latin" if not tok.cell else "own" if tok.text in LATIN_SCRIPT_MARKS else "chinese"


def _break(tokens: list[_Token], first: float, rest: float) -> list[list[_Token]]:
    """Greedy line breaking by available width, then GB/T 15834: while the next line would
    start with a closing mark or this one end with an opening mark, move a token down."""
    lines, i, n = [], 0, len(tokens)
    while i < n:
        avail = rest if lines else first
        # As LibreOffice measures a line of our Word file: a token fits if it fits as the line's
        # last (`end`); a Latin run opening the line has no space before it (`lead`).
        j, used = i, -tokens[i].lead
        while j < n and used + tokens[j].fit + tokens[j].end <= avail + 1e-6:
            used += tokens[j].fit
            j += 1
        j = max(j, i + 1)  # a token wider than the line still goes somewhere
        if j < n:
            k = j
            while k > i + 1 and _bad_break(tokens, k):
                k -= 1
            if not _bad_break(tokens, k):  # else no break obeys the rules: keep the greedy one
                j = k
        line = tokens[i:j]
        while line and line[-1].space:  # spaces at a break are not drawn
            line.pop()
        lines.append(line)
        i = j
        while i < n and tokens[i].space:
            i += 1
    return lines


def _bad_break(tokens: list[_Token], k: int) -> bool:
    """Would a break before tokens[k] start a line with a closing mark or end one with an opening mark,
    or fall between 、 and a number or Latin word, where LibreOffice never breaks (…税收、80%…)?"""
    return (tokens[k].text[0] in NO_START or tokens[k - 1].text[-1] in NO_END
            or tokens[k - 1].text == "、" and not tokens[k].cell and tokens[k].text[0].isalnum())


def _place(line: list[_Token], x: float, gap: float) -> list[tuple]:
    """Glyphs (x, char, font, size, bold, natural advance) of one line, tokens `gap` apart."""
    glyphs = []
    for tok in line:
        size, bold = tok.role.size_pt, tok.role.bold
        if tok.cell:
            (drawn, font, natural), = tok.glyphs
            room = max(0.0, tok.width - tok.lead - tok.trail - natural)
            offset = 0.0 if drawn in _CELL_LEFT else room if drawn in _CELL_RIGHT else room / 2
            glyphs.append((x + tok.lead + offset, drawn, font, size, bold, natural))
            x += tok.width + gap
            continue
        start, x = x, x + tok.lead
        for drawn, font, natural in tok.glyphs:
            glyphs.append((x, drawn, font, size, bold, natural))
            x += natural
        x = start + tok.width + gap
    return glyphs


def _runs(glyphs: list[tuple], y: float) -> list[Run]:
    """Merge glyphs (x, char, font, size, bold, advance) into runs: same font, size and
    weight, and evenly spaced (the second glyph of a run fixes its spacing: the space
    between one glyph's advance and the next glyph)."""
    runs: list[Run] = []
    i, n = 0, len(glyphs)
    while i < n:
        x, ch, font, size, bold, advance = glyphs[i]
        chars, space, j = [ch], 0.0, i + 1
        if j < n and glyphs[j][2] is font and glyphs[j][3] == size and glyphs[j][4] == bold:
            space = glyphs[j][0] - x - advance
            last_x, last_advance = x, advance
            while j < n:
                gx, gch, gfont, gsize, gbold, gadvance = glyphs[j]
                if (gfont is not font or gsize != size or gbold != bold
                        or abs((gx - last_x - last_advance) - space) >= 1e-6):
                    break
                chars.append(gch)
                last_x, last_advance = gx, gadvance
                j += 1
        runs.append(Run(x, y, "".join(chars), font.name, size, space, bold))
        i = j
    return runs


def _keep_with_next(blocks: tuple[BlockPlan, ...], lines: list[list]) -> list[int]:
    """Per block: how many lines must share its page (a block kept with the next, any such
    blocks after it, and the first line of the block that follows them); 0 for other blocks."""
    keep = [0] * len(blocks)
    for i in reversed(range(len(blocks))):
        if blocks[i].keep_with_next:
            nxt = (keep[i + 1] or min(1, len(lines[i + 1]))) if i + 1 < len(blocks) else 0
            keep[i] = len(lines[i]) + nxt
    return keep
