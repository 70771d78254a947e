"""The layout profile: every number both renderers use, read from a TOML file.

The default, data/profiles/gbt9704.toml, implements GB/T 9704-2012; each value
there names its clause. Renderers read a `Profile`; they never hard-code a number.

    load_profile(name_or_path) -> Profile   a built-in profile by name (builtin_profiles():
                                            gbt9704, large-print, letter) or a TOML file
    parse_profile(data, source) -> Profile  a complete profile from its TOML tables

A profile file holds only what differs from its base: `base = "NAME"` names a built-in
profile or another file (relative to this one); without it the base is gbt9704, the one
profile that stands alone. Tables merge key by key, everything else (lists too) replaces
the base's value. A mistake raises ProfileError naming the file and the key: unknown keys
and roles, wrong types, sizes that are not positive, undefined fonts, and grids, sizes or
page numbers that do not fit the page.
"""
from __future__ import annotations

import math
import tomllib
import types
from dataclasses import MISSING, dataclass
from functools import lru_cache
from pathlib import Path
from typing import get_args, get_origin, get_type_hints

PROFILE_DIR = Path(__file__).parent.parent / "data" / "profiles"
ROOT = "gbt9704"  # every profile's base in the end; it has none itself
DEFAULT_PROFILE = PROFILE_DIR / f"{ROOT}.toml"

MM = 72 / 25.4  # points per millimetre


class ProfileError(ValueError):
    """A profile file that cannot be used; the message names the file and key."""


@dataclass(frozen=True)
class Page:
    width_mm: float
    height_mm: float
    margin_top_mm: float
    margin_left_mm: float
    text_width_mm: float
    text_height_mm: float

    @property
    def margin_right_mm(self) -> float:
        return self.width_mm - self.margin_left_mm - self.text_width_mm

    @property
    def margin_bottom_mm(self) -> float:
        return self.height_mm - self.margin_top_mm - self.text_height_mm


@dataclass(frozen=True)
class Grid:
    lines_per_page: int
    chars_per_line: int
    line_pitch_pt: float
    docx_char_spacing_pt: float
    han_latin_space_em: float = 0.2  # between a Chinese character and a Latin letter or digit


@dataclass(frozen=True)
class FontFamily:
    key: str
    word: str  # the name written into a .docx
    word_alt: str  # the alternate name in the .docx font table
    candidates: tuple[str, ...]  # fallback chain for the PDF: family or file names


@dataclass(frozen=True)
class Role:
    name: str
    font: str  # key into Profile.fonts
    size_pt: float
    align: str = "justify"  # left | center | justify
    indent_chars: float = 0
    bold: bool = False
    outline_level: int | None = None
    max_chars_per_line: int | None = None
    space_after_lines: int = 0


@dataclass(frozen=True)
class PageNumber:
    font: str
    size_pt: float
    format: str
    below_text_mm: float
    indent_chars: float

    def text(self, n: int) -> str:
        return self.format.format(n=n)


@dataclass(frozen=True)
class Profile:
    name: str
    page: Page
    grid: Grid
    fonts: dict[str, FontFamily]
    roles: dict[str, Role]
    page_number: PageNumber
    sources: tuple[Path, ...] = ()  # the files it was read from, base first: outputs depend on them

    def __hash__(self) -> int:  # a value (its dicts would make the generated hash fail)
        return hash((self.name, self.page, self.grid, tuple(self.fonts.items()), tuple(self.roles.items()),
                     self.page_number, self.sources))

    @property
    def body(self) -> Role:
        """The body text role: its size sets the character unit of indents."""
        return self.roles["paragraph"]

    def role(self, name: str) -> Role:
        return self.roles[name]

    def font(self, role_or_key: str) -> FontFamily:
        """The font family of a role name, or of a family key itself."""
        key = self.roles[role_or_key].font if role_or_key in self.roles else role_or_key
        return self.fonts[key]


REQUIRED_ROLES = ("title", "subtitle", "byline", "salutation", "paragraph",
                  "heading1", "heading2", "heading3", "heading4", "lead", "lead_numbered")
LATIN = "latin"  # the font key both renderers use for digits and Latin letters
TABLES = {"page": Page, "grid": Grid, "page_number": PageNumber}
# Numbers that must be positive; the others must not be negative, except a character spacing.
POSITIVE = {"width_mm", "height_mm", "text_width_mm", "text_height_mm", "lines_per_page", "chars_per_line",
            "line_pitch_pt", "size_pt", "max_chars_per_line", "outline_level"}
SIGNED = {"docx_char_spacing_pt"}
WORD_UNIT = 20  # Word stores spacing and pitch in twentieths of a point
TOLERANCE_PT = 0.01  # rounding in the file's numbers, far below what a printer shows
# A field's type: the test its TOML value must pass, and what the error says it expected.
KINDS = {
    float: (lambda v: isinstance(v, (int, float)) and not isinstance(v, bool), "a number"),
    int: (lambda v: isinstance(v, int) and not isinstance(v, bool), "a whole number"),
    str: (lambda v: isinstance(v, str), "a string"),
    bool: (lambda v: isinstance(v, bool), "true or false"),
    tuple: (lambda v: isinstance(v, list) and all(isinstance(x, str) for x in v), "a list of strings"),
}


@lru_cache(maxsize=None)
def _kinds(cls) -> dict[str, tuple]:
    """Each field's KINDS entry, from its resolved type: tuple[str, ...] is a tuple, and
    `int | None` an int (None is only the default: TOML has no null)."""
    out = {}
    for name, hint in get_type_hints(cls).items():
        if isinstance(hint, types.UnionType):
            hint, = (a for a in get_args(hint) if a is not type(None))
        out[name] = KINDS[get_origin(hint) or hint]
    return out


def _table(data: dict, *keys: str) -> dict:
    """The table data[keys[0]][keys[1]]…; errors name the dotted key."""
    for i, key in enumerate(keys):
        where = ".".join(keys[:i + 1])
        if key not in data:
            raise ProfileError(f"{where}: missing table")
        data = data[key]
        if not isinstance(data, dict):
            raise ProfileError(f"{where}: expected a table, got {data!r}")
    return data


def _down_to_word_unit(pt: float) -> float:
    return math.floor(pt * WORD_UNIT) / WORD_UNIT


def _build(cls, table: dict, where: str, **extra):
    """A dataclass from a TOML table, every value checked; errors name `where`.field."""
    fields = {name: f for name, f in cls.__dataclass_fields__.items() if name not in extra}
    for name in table:
        if name not in fields:
            raise ProfileError(f"{where}.{name}: unknown key (known: {', '.join(fields)})")
    for name, f in fields.items():
        if name not in table:
            if f.default is MISSING:
                raise ProfileError(f"{where}.{name}: missing")
            continue
        value = table[name]
        test, expected = _kinds(cls)[name]
        if not test(value):
            raise ProfileError(f"{where}.{name}: expected {expected}, got {value!r}")
        if name in POSITIVE and value <= 0:
            raise ProfileError(f"{where}.{name}: must be positive, got {value!r}")
        if isinstance(value, (int, float)) and value < 0 and name not in SIGNED:
            raise ProfileError(f"{where}.{name}: must not be negative, got {value!r}")
    values = {k: tuple(v) if isinstance(v, list) else v for k, v in table.items()}
    return cls(**values, **extra)


def _check_fit(p: Profile) -> None:
    """The numbers must agree with each other: Word and the PDF set the same grid on the page."""
    page, grid, body = p.page, p.grid, p.body
    for size, margin, block, what in ((page.width_mm, "margin_left_mm", "text_width_mm", "width_mm"),
                                      (page.height_mm, "margin_top_mm", "text_height_mm", "height_mm")):
        used = getattr(page, margin) + getattr(page, block)
        if used > size:
            raise ProfileError(f"page.{block}: page.{margin} + page.{block} = {used:g} mm exceeds "
                               f"page.{what} = {size:g} mm")
    height, width = page.text_height_mm * MM, page.text_width_mm * MM
    # Word fits as many lines of exact pitch as the block holds; the PDF sets lines_per_page.
    fit = int((height + TOLERANCE_PT) // grid.line_pitch_pt)
    if fit != grid.lines_per_page:
        raise ProfileError(
            f"grid.lines_per_page: {grid.lines_per_page} lines × grid.line_pitch_pt {grid.line_pitch_pt:g} pt "
            f"{'exceed' if fit < grid.lines_per_page else 'do not fill'} page.text_height_mm "
            f"{page.text_height_mm:g} mm ({height:.1f} pt), which holds {fit}: make lines_per_page {fit}, "
            f"or line_pitch_pt {_down_to_word_unit(height / grid.lines_per_page):g} for {grid.lines_per_page}")
    # Word advances each body character by its size plus the spacing; the PDF's cell is width / chars.
    advance = body.size_pt + grid.docx_char_spacing_pt
    fit = int((width + TOLERANCE_PT) // advance) if advance > 0 else 0
    if fit != grid.chars_per_line:
        raise ProfileError(
            f"grid.chars_per_line: page.text_width_mm {page.text_width_mm:g} mm ({width:.1f} pt) holds {fit} "
            f"characters of roles.paragraph.size_pt {body.size_pt:g} pt + grid.docx_char_spacing_pt "
            f"{grid.docx_char_spacing_pt:g} pt, not {grid.chars_per_line}: make chars_per_line {fit}, or "
            f"docx_char_spacing_pt {_down_to_word_unit(width / grid.chars_per_line - body.size_pt):g} "
            f"for {grid.chars_per_line}")
    for role in p.roles.values():
        if role.size_pt > grid.line_pitch_pt:
            raise ProfileError(f"roles.{role.name}.size_pt: {role.size_pt:g} pt is more than "
                               f"grid.line_pitch_pt {grid.line_pitch_pt:g} pt: its lines would overlap")
        # Characters take cells scaled from the body's: max × size must fit chars × body size.
        if role.max_chars_per_line and role.max_chars_per_line * role.size_pt > \
                grid.chars_per_line * body.size_pt + TOLERANCE_PT:
            raise ProfileError(f"roles.{role.name}.max_chars_per_line: {role.max_chars_per_line} characters "
                               f"of {role.size_pt:g} pt do not fit page.text_width_mm")
    num = p.page_number
    if num.below_text_mm + num.size_pt / MM > page.margin_bottom_mm:
        raise ProfileError(f"page_number.below_text_mm: a {num.size_pt:g} pt number {num.below_text_mm:g} mm "
                           f"below the text block does not fit the {page.margin_bottom_mm:g} mm bottom margin")


def parse_profile(data: dict, source: str = "profile", sources: tuple[Path, ...] = ()) -> Profile:
    """A profile from its complete TOML tables; ProfileError names `source` and the key."""
    try:
        known = {"name", *TABLES, "fonts", "roles"}
        for key in data:
            if key not in known:
                raise ProfileError(f"{key}: unknown key (known: {', '.join(sorted(known))})")
        name = data.get("name", source)
        if not isinstance(name, str):
            raise ProfileError(f"name: expected a string, got {name!r}")
        built = {key: _build(cls, _table(data, key), key) for key, cls in TABLES.items()}
        fonts = {key: _build(FontFamily, _table(data, "fonts", key), f"fonts.{key}", key=key)
                 for key in _table(data, "fonts")}
        for key in _table(data, "roles"):
            if key not in REQUIRED_ROLES:
                raise ProfileError(f"roles.{key}: unknown role (known: {', '.join(REQUIRED_ROLES)})")
        roles = {key: _build(Role, _table(data, "roles", key), f"roles.{key}", name=key) for key in REQUIRED_ROLES}
        _table(data, "fonts", LATIN)  # digits and Latin letters
        uses = [(f"roles.{r.name}", r.font) for r in roles.values()] + [("page_number", built["page_number"].font)]
        for key, font in uses:
            if font not in fonts:
                raise ProfileError(f"{key}.font: {font!r} is not defined under [fonts] "
                                   f"(defined: {', '.join(fonts)})")
        for role in roles.values():
            if role.align not in ("left", "center", "justify"):
                raise ProfileError(f"roles.{role.name}.align: expected left, center or justify, got {role.align!r}")
        fmt = built["page_number"].format
        if fmt.count("{n}") != 1 or "{" in fmt.replace("{n}", "") or "}" in fmt.replace("{n}", ""):
            raise ProfileError(f"page_number.format: needs {{n}} once, where the number goes, and no other "
                               f"braces, got {fmt!r}")
        profile = Profile(name=name, page=built["page"], grid=built["grid"], fonts=fonts, roles=roles,
                          page_number=built["page_number"], sources=sources)
        _check_fit(profile)
    except ProfileError as e:
        raise ProfileError(f"{source}: {e}") from None
    return profile


def builtin_profiles() -> list[str]:
    """The names load_profile accepts besides file paths."""
    return sorted(p.stem for p in PROFILE_DIR.glob("*.toml"))


def _merge(base: dict, over: dict) -> dict:
    """`over` on top of `base`: tables merge key by key, other values replace."""
    out = dict(base)
    for key, value in over.items():
        both = isinstance(value, dict) and isinstance(out.get(key), dict)
        out[key] = _merge(out[key], value) if both else value
    return out


def _read(path: Path) -> dict:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as e:
        raise ProfileError(f"{path}: cannot read profile: {e.strerror} "
                           f"(built-in profiles: {', '.join(builtin_profiles())})") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as e:
        raise ProfileError(f"{path}: not a valid TOML file: {e}") from None


def _locate(ref: str | Path, relative_to: Path = Path()) -> Path:
    """A built-in profile's file by name, else a path (relative to the file that names it)."""
    if str(ref) in builtin_profiles():
        return PROFILE_DIR / f"{ref}.toml"
    return relative_to / ref


def _layers(path: Path, seen: tuple[Path, ...] = ()) -> list[tuple[Path, dict]]:
    """The profile file and its bases, the root first."""
    if path.resolve() in seen:
        raise ProfileError(f"{path}: base: the profiles name each other as base in a loop")
    data = _read(path)
    if path.resolve() == DEFAULT_PROFILE.resolve():
        return [(path, data)]
    base = data.pop("base", ROOT)
    if not isinstance(base, str):
        raise ProfileError(f"{path}: base: expected a profile name or file, got {base!r}")
    data.setdefault("name", path.stem)  # not the base's name
    return _layers(_locate(base, path.parent), seen + (path.resolve(),)) + [(path, data)]


def load_profile(profile: str | Path = DEFAULT_PROFILE) -> Profile:
    """A built-in profile by name, or a profile file on top of its base (gbt9704 unless it names
    one); a bad file raises ProfileError naming the file and key."""
    path = _locate(profile)
    layers = _layers(path)
    data: dict = {}
    for _, layer in layers:
        data = _merge(data, layer)
    return parse_profile(data, str(path), tuple(p for p, _ in layers))
