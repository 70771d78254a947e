"""Is a produced file whole and well-formed? Helpers the tests share.

check_pdf(path)        `qpdf --check` passes (structure, cross-reference table, streams)
check_docx(path)       a valid zip (every member's CRC) whose XML parts all parse, with the
                       parts Word needs to open it
check_outputs(folder)  both of the above for every .pdf/.docx in folder, and no *.part left
"""
from __future__ import annotations

import shutil
import subprocess
import zipfile
from pathlib import Path

from lxml import etree

QPDF = shutil.which("qpdf")
DOCX_PARTS = {"[Content_Types].xml", "_rels/.rels", "word/document.xml"}


def check_pdf(path: Path) -> None:
    path = Path(path)
    assert path.read_bytes()[:5] == b"%PDF-", f"{path}: not a PDF"
    assert path.read_bytes().rstrip().endswith(b"%%EOF"), f"{path}: truncated (no %%EOF at the end)"
    if QPDF is None:  # make test installs qpdf; without it, the reading-back below still runs
        from pypdf import PdfReader
        assert len(PdfReader(str(path), strict=True).pages) > 0
        return
    proc = subprocess.run([QPDF, "--check", str(path)], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, f"{path}: qpdf --check exit {proc.returncode}:\n{proc.stdout}{proc.stderr}"


def check_docx(path: Path) -> None:
    path = Path(path)
    assert zipfile.is_zipfile(path), f"{path}: not a zip file"
    with zipfile.ZipFile(path) as z:
        bad = z.testzip()
        assert bad is None, f"{path}: member {bad} is corrupt"
        names = set(z.namelist())
        assert DOCX_PARTS <= names, f"{path}: missing parts {sorted(DOCX_PARTS - names)}"
        for name in names:
            if name.endswith((".xml", ".rels")):
                try:
                    etree.fromstring(z.read(name))
                except etree.XMLSyntaxError as e:
                    raise AssertionError(f"{path}: {name} does not parse: {e}") from None


def part_files(folder: Path) -> list[Path]:
    """Temporary files of an atomic write (hidden .NAME.xxxx.pdf.part) left in folder."""
    return sorted(p for p in Path(folder).iterdir() if p.name.endswith(".part"))


def check_outputs(folder: Path) -> list[Path]:
    """Check every PDF and DOCX in folder and that no temporary file is left; return them."""
    assert part_files(folder) == [], f"temporary files left in {folder}: {part_files(folder)}"
    checked = []
    for p in sorted(Path(folder).iterdir()):
        if p.suffix == ".pdf":
            check_pdf(p)
        elif p.suffix == ".docx":
            check_docx(p)
        else:
            continue
        checked.append(p)
    return checked
