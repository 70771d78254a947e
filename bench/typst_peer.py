"""Typst as a bench peer: the same speeches typeset by Typst with bench/gbt9704.typ.

Typst comes from the PyPI package `typst` (the compiler, embedded), installed into .venv by
`make bench` only: it is never a dependency of the tool. Without it, typst() returns None
and the table says "not installed".

Each speech is read by our own reader (pipeline.run.convert.read_file) and written out as
Typst markup before anything is timed, so that only Typst's compile is measured: the
reading is ours in both cases, the typesetting is what is compared. The fonts are the files
the profile resolves here (the first of each family's candidates), linked into one folder
that Typst gets as its only font path, so that both PDFs embed the same fonts.
"""
from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

TEMPLATE = Path(__file__).resolve().parent / "gbt9704.typ"
FAMILIES = ("fangsong", "kai", "hei", "xiaobiaosong", "song", "latin")  # the template's faces


def installed() -> bool:
    try:
        import typst  # noqa: F401
    except ImportError:
        return False
    return True


def version() -> str:
    from importlib import metadata
    try:
        return f"typst {metadata.version('typst')} (PyPI)"
    except metadata.PackageNotFoundError:
        return "not installed"


def font_folder(folder: Path) -> list[str]:
    """Link the profile's first font file of each family into `folder`: Typst takes folders,
    not files, and must find these files and no others. Returns the files linked."""
    from pipeline.fonts.find import find_fonts
    from pipeline.typeset.profile import DEFAULT_PROFILE, load_profile

    profile = load_profile(DEFAULT_PROFILE)
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.iterdir():
        old.unlink()
    files = []
    for key in FAMILIES:
        found = find_fonts(profile.fonts[key].candidates)
        if found and not (folder / Path(found[0].path).name).exists():
            (folder / Path(found[0].path).name).symlink_to(found[0].path)
            files.append(found[0].path)
    return files


def _string(text: str) -> str:
    """A Typst string literal: the text stays text, whatever markup characters it holds."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def markup(path: Path) -> str:
    """One speech, read by our reader, as a Typst document using the template."""
    from pipeline.run.convert import read_file
    from pipeline.typeset.plan import lead_role

    lines = ['#import "gbt9704.typ": *', "#show: speech"]
    blocks = read_file(path).blocks
    for i, block in enumerate(blocks):
        if block.type == "heading":
            lines.append(f"#heading{block.level}({_string(block.text)})")
        elif block.type == "paragraph" and block.lead:
            numbered = "true" if lead_role(block.lead) == "lead_numbered" else "false"
            rest = block.text[len(block.lead):]
            lines.append(f"#paragraph({_string(rest)}, lead: {_string(block.lead)}, numbered: {numbered})")
        else:
            lines.append(f"#{block.type}({_string(block.text)})")
        following = blocks[i + 1].type if i + 1 < len(blocks) else ""
        if block.type in ("title", "subtitle", "byline") and following not in ("title", "subtitle", "byline"):
            lines.append("#title-end()")
    return "\n".join(lines) + "\n"


def prepare(paths: list[Path], folder: Path) -> list[Path]:
    """Each speech as folder/NAME.typ, with the template beside it (Typst's root is `folder`)."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / TEMPLATE.name).write_text(TEMPLATE.read_text(encoding="utf-8"), encoding="utf-8")
    out = []
    for path in paths:
        target = folder / f"{path.stem}.typ"
        target.write_text(markup(path), encoding="utf-8")
        out.append(target)
    return out


def cold_cmd(py: str, source: Path, output: Path, fonts: Path) -> list:
    """A new Python process that imports typst and compiles one file: Typst's cold start as a
    Python user meets it, as ours is `python -m pipeline convert`."""
    code = (f"import typst; typst.compile({str(source)!r}, output={str(output)!r}, "
            f"font_paths=[{str(fonts)!r}], ignore_system_fonts=True)")
    return [py, "-c", code]


BATCH_SCRIPT = """
import sys, time, typst
fonts, out, *sources = sys.argv[1:]
# One Compiler for the batch: the fonts are searched and loaded once, as our build's workers
# keep theirs (typst.compile() would search the font folder again for every speech).
compiler = typst.Compiler(font_paths=[fonts], ignore_system_fonts=True)
for source in sources:
    compiler.compile(input=source, output=out + "/" + source.rsplit("/", 1)[-1][:-4] + ".pdf")
"""


def batch_cmd(py: str, sources: list[Path], outdir: Path, fonts: Path) -> list:
    """One process compiling every source in turn, to outdir/NAME.pdf."""
    return [py, "-c", BATCH_SCRIPT, fonts, outdir, *sources]


def warnings_of(source: Path, fonts: Path) -> list[str]:
    """Typst's warnings for one file (an unknown font family shows here), untimed."""
    import typst
    _, warnings = typst.compile_with_warnings(str(source), font_paths=[str(fonts)], ignore_system_fonts=True)
    return sorted({str(getattr(w, "message", w)) for w in warnings})


if __name__ == "__main__":  # development: one speech to PDF, timed in this process
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    import typst
    work = Path(__file__).resolve().parent / ".work" / "typst-dev"
    print(font_folder(work / "fonts"))
    [source] = prepare([Path(sys.argv[1])], work / "src")
    print(warnings_of(source, work / "fonts"))
    times = []
    for _ in range(5):
        t0 = time.perf_counter()
        typst.compile(str(source), output=str(work / f"{source.stem}.pdf"), font_paths=[str(work / "fonts")],
                      ignore_system_fonts=True)
        times.append(time.perf_counter() - t0)
    print(f"{statistics.median(times) * 1000:.0f} ms, {(work / f'{source.stem}.pdf').stat().st_size:,} bytes")
