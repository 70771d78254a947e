"""Finding font files on this machine for the candidate names in a profile.

fontconfig (`fc-list`) knows every installed font on Linux, with family names in
all their languages and the index of each face inside .ttc collections, so it is
asked first. Where it is missing (Windows, a bare macOS) the usual font folders
are scanned and fonts are found by file name (simfang.ttf) or by the family names
fontTools reads from their name tables.

A candidate is a family name ("Noto Serif CJK SC": its upright face), a family name with a
style in fontconfig's syntax ("Noto Serif CJK SC:style=Bold": that face only; any of the
face's style names, in any language fontconfig lists, case-insensitive), or a file name
("simfang.ttf", "NotoSerifCJK-Bold.ttc": its first face).
"""
from __future__ import annotations

import os
import re
import shutil
import subprocess
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

FONT_DIRS = [
    "/usr/share/fonts", "/usr/local/share/fonts", "~/.fonts", "~/.local/share/fonts",
    "C:/Windows/Fonts", "~/AppData/Local/Microsoft/Windows/Fonts",
    "/Library/Fonts", "/System/Library/Fonts", "~/Library/Fonts",
]
FONT_SUFFIXES = (".ttf", ".ttc", ".otf", ".otc")


STYLE = ":style="  # candidate syntax: FAMILY:style=STYLE


@dataclass(frozen=True)
class FontFile:
    path: str
    index: int  # face index inside a .ttc collection, 0 for plain files
    family: str
    style: str = ""  # the style the candidate asked for ("Bold"); "" for a family's upright face

    @property
    def label(self) -> str:
        """The family, with the style where one was asked for: "Noto Serif CJK SC Bold"."""
        return f"{self.family} {self.style}" if self.style else self.family


def _key(name: str) -> str:
    family, *style = re.split(r"\s*:\s*style\s*=\s*", name.strip(), maxsplit=1, flags=re.I)
    return family.casefold() + (STYLE + style[0].casefold() if style else "")


def _style_rank(styles: str) -> int:
    """0 for a plain upright face, 1 for one that is also called Regular (Light,Regular), 2 else."""
    names = [s.strip().casefold() for s in styles.split(",")]
    upright = ("regular", "book", "normal", "roman", "medium")
    return 0 if names[0] in upright else 1 if any(n in upright for n in names) else 2


def _index(rows: list[tuple[str, int, list[str], list[str]]], file_names: bool = True) -> dict[str, FontFile]:
    """Faces (path, index, family names, style names) by family, by family:style=style and by
    file name. Regular faces first, so a family name finds its upright face, not Bold or Italic;
    then by path and index, so every run gives the same answer."""
    rows = sorted(rows, key=lambda r: (_style_rank(",".join(r[3]) or "regular"), r[0], r[1]))
    found: dict[str, FontFile] = {}
    for path, index, families, styles in rows:
        font = FontFile(path, index, families[0])
        for fam in families:
            found.setdefault(_key(fam), font)
            for style in styles:
                found.setdefault(_key(f"{fam}{STYLE}{style}"), FontFile(path, index, font.family, style))
        if file_names or index == 0:
            found.setdefault(_key(os.path.basename(path)), font)
    return found


def _from_fontconfig() -> dict[str, FontFile]:
    fc = shutil.which("fc-list")
    if not fc:
        return {}
    rows = _kept_listing()
    if rows is None:
        try:
            out = subprocess.run([fc, "--format", "%{file}\t%{index}\t%{family}\t%{style}\n"],
                                 capture_output=True, text=True, timeout=30).stdout
        except (OSError, subprocess.SubprocessError):
            return {}
        rows = [(path, int(index or 0), families.split(","), [s.strip() for s in styles.split(",") if s.strip()])
                for path, index, families, styles in (line.split("\t") for line in out.splitlines()
                                                      if line.count("\t") == 3)
                if path.lower().endswith(FONT_SUFFIXES)]
        _keep_listing(rows)
    return _index(rows)


# --- fc-list's answer, kept -----------------------------------------------------------------
# fc-list takes 8 ms, a tenth of a cold conversion. Its answer is kept in the font cache with
# the modification times of what it depends on: the folders holding fonts (and theirs, up to
# the font roots, where a new font folder would appear) and fontconfig's configuration. Any
# change there, as installing or removing a font makes, asks fc-list again.

LISTING_FORMAT = 1
CONFIG_DIRS = ["/etc/fonts", "/etc/fonts/conf.d", "~/.config/fontconfig", "~/.config/fontconfig/conf.d"]


def _listing_file() -> Path | None:
    from .prepare import cache_dirs

    folders = cache_dirs()
    return folders[0] / f"fc-list.{LISTING_FORMAT}.json" if folders else None


def _stamps(rows) -> dict[str, int | None]:
    folders = {os.path.expanduser(d) for d in FONT_DIRS + CONFIG_DIRS}
    for path, *_ in rows:
        d = os.path.dirname(path)
        while d and d not in folders and len(d) > 1:
            folders.add(d)
            d = os.path.dirname(d)
    out = {}
    for d in sorted(folders):
        try:
            out[d] = os.stat(d).st_mtime_ns
        except OSError:
            out[d] = None
    return out


def _kept_listing() -> list | None:
    import json

    try:
        path = _listing_file()
        kept = json.loads(path.read_bytes()) if path else None
        if not isinstance(kept, dict) or kept.get("stamps") != _stamps(kept["rows"]):
            return None
        return [(p, i, f, s) for p, i, f, s in kept["rows"]]
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _keep_listing(rows) -> None:
    import json

    from ..files import write_atomically

    try:
        path = _listing_file()
        if path:
            path.parent.mkdir(parents=True, exist_ok=True)
            write_atomically(path, json.dumps({"stamps": _stamps(rows), "rows": rows}).encode())
    except OSError:  # a cache that cannot be written: fc-list is asked each time
        pass


def _from_folders() -> dict[str, FontFile]:
    from fontTools.ttLib import TTCollection, TTFont  # only needed without fontconfig

    rows = []
    for folder in FONT_DIRS:
        root = Path(folder).expanduser()
        if not root.is_dir():
            continue
        for path in sorted(root.rglob("*")):
            if path.suffix.lower() not in FONT_SUFFIXES:
                continue
            try:
                faces = (TTCollection(str(path), lazy=True).fonts if path.suffix.lower() in (".ttc", ".otc")
                         else [TTFont(str(path), lazy=True)])
            except Exception:  # an unreadable or broken font file is simply not a candidate
                continue
            for index, face in enumerate(faces):
                table = face["name"].names if "name" in face else []
                families = sorted({str(n) for n in table if n.nameID in (1, 16)}) or [path.stem]
                styles = sorted({str(n) for n in table if n.nameID in (2, 17)})
                rows.append((str(path), index, families, styles))
    return _index(rows, file_names=False)


@lru_cache(maxsize=1)
def installed_fonts() -> dict[str, FontFile]:
    """Every installed font, by case-folded family name and by file name."""
    return _from_fontconfig() or _from_folders()


def find_fonts(candidates: tuple[str, ...] | list[str]) -> list[FontFile]:
    """The installed fonts among `candidates`, in the profile's order, each file face once."""
    fonts = installed_fonts()
    chain: list[FontFile] = []
    for name in candidates:
        font = fonts.get(_key(name))
        if font and all((f.path, f.index) != (font.path, font.index) for f in chain):
            chain.append(font)
    return chain
