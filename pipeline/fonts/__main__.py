"""`python -m pipeline.fonts [--profile NAME]`: prepare the base part of every installed candidate
font of a profile, several at once (setup runs it, so that the first conversion is not a user's
wait of half a minute)."""
from __future__ import annotations

import sys
import time

from .prepare import STATS, FontPrepError, prepare


def _prepare_one(face: tuple[str, int, str]) -> tuple[str, str, int]:
    """(family, outlines or a problem, parts built) for one face; in a worker process."""
    path, index, family = face
    try:
        font = prepare(path, index)
    except (FontPrepError, OSError) as e:
        return family, f"not usable: {e}", 0
    return family, font.outlines if font else "not prepared (no writable cache)", STATS["built"]


def _has_cff(path: str, index: int) -> bool:
    from fontTools.ttLib import TTFont

    try:
        font = TTFont(path, fontNumber=index, lazy=True)
    except Exception:  # noqa: BLE001 — prepare() will say what is wrong with it
        return False
    return "CFF " in font or "CFF2" in font


def main(argv: list[str] | None = None) -> int:
    """Prepare the base part of every installed candidate face of a profile, several at once."""
    import argparse
    from concurrent.futures import ProcessPoolExecutor

    from ..typeset.profile import DEFAULT_PROFILE, load_profile
    from .find import find_fonts

    p = argparse.ArgumentParser(prog="python -m pipeline.fonts",
                                description="Prepare (convert, slim, cache) the installed fonts of a profile.")
    p.add_argument("--profile", default=DEFAULT_PROFILE, help="profile name or TOML file")
    args = p.parse_args(argv)
    profile = load_profile(args.profile)
    faces = list(dict.fromkeys((f.path, f.index, f.label) for fam in profile.fonts.values()
                               for f in find_fonts(fam.candidates)))
    faces.sort(key=lambda f: not _has_cff(f[0], f[1]))  # the slow ones first, so they run side by side
    start = time.perf_counter()
    with ProcessPoolExecutor() as pool:
        results = list(pool.map(_prepare_one, faces))
    converted = [family for family, outlines, built in results if built and outlines == "CFF"]
    for family, outlines, _ in results:
        if outlines not in ("CFF", "glyf"):
            print(f"fontprep: {family}: {outlines}", file=sys.stderr)
    print(f"fontprep: {len(faces)} fonts ready in {time.perf_counter() - start:.1f} s"
          + (f" ({', '.join(converted)} converted to TrueType)" if converted else ""), file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
