"""The layout profile: every number both renderers use, read from a TOML file.

The default, data/profiles/gbt9704.toml, implements GB/T 9704-2012; each value
there names its clause. Renderers read a `Profile`; they never hard-code a number.
"""
from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

PROFILE_DIR = Path(__file__).parent / "data" / "profiles"
DEFAULT_PROFILE = PROFILE_DIR / "gbt9704.toml"

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


def _build(cls, table: dict, where: str, **extra):
    """Construct a dataclass from a TOML table, naming the key on any mistake."""
    names = {f for f in cls.__dataclass_fields__} - set(extra)
    unknown = set(table) - names
    if unknown:
        raise ProfileError(f"{where}: unknown key {sorted(unknown)[0]!r}")
    try:
        obj = cls(**table, **extra)
    except TypeError as e:  # a missing key
        raise ProfileError(f"{where}: {e}") from None
    for name, f in cls.__dataclass_fields__.items():
        value = getattr(obj, name)
        kind = f.type if isinstance(f.type, str) else f.type.__name__
        if kind in ("float", "int") and (isinstance(value, bool) or not isinstance(value, (int, float))):
            raise ProfileError(f"{where}.{name}: expected a number, got {value!r}")
        if kind in ("float", "int") and value < 0 and name != "docx_char_spacing_pt":
            raise ProfileError(f"{where}.{name}: must not be negative, got {value!r}")
    return obj


def parse_profile(data: dict, source: str = "profile") -> Profile:
    try:
        page = _build(Page, data["page"], f"{source}: page")
        grid = _build(Grid, data["grid"], f"{source}: grid")
        fonts = {}
        for key, t in data["fonts"].items():
            t = dict(t)
            t["candidates"] = tuple(t.get("candidates", ()))
            fonts[key] = _build(FontFamily, t, f"{source}: fonts.{key}", key=key)
        roles = {name: _build(Role, t, f"{source}: roles.{name}", name=name) for name, t in data["roles"].items()}
        page_number = _build(PageNumber, data["page_number"], f"{source}: page_number")
    except KeyError as e:
        raise ProfileError(f"{source}: missing table {e.args[0]!r}") from None
    for name in REQUIRED_ROLES:
        if name not in roles:
            raise ProfileError(f"{source}: missing table 'roles.{name}'")
    for role in list(roles.values()) + [page_number]:
        if role.font not in fonts:
            raise ProfileError(f"{source}: font {role.font!r} is not defined under [fonts]")
    for role in roles.values():
        if role.align not in ("left", "center", "justify"):
            raise ProfileError(f"{source}: roles.{role.name}.align: expected left, center or justify")
    return Profile(name=data.get("name", source), page=page, grid=grid, fonts=fonts, roles=roles,
                   page_number=page_number)


@lru_cache(maxsize=8)
def load_profile(path: str | Path = DEFAULT_PROFILE) -> Profile:
    """Read a profile file; a bad file raises ProfileError naming the file and key."""
    path = Path(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as e:
        raise ProfileError(f"{path}: cannot read profile: {e.strerror}") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as e:
        raise ProfileError(f"{path}: not a valid TOML file: {e}") from None
    return parse_profile(data, str(path))
