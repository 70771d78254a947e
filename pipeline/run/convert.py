"""One speech file in, its outputs out: read it, typeset it, write every output atomically.

    read_file(path, encoding, rules) -> Document     file problems become a ConvertError
    convert_file(path, outdir, typesetter, formats, …) -> ConvertResult

Everything is rendered before anything is written, and the outputs are written together
(files.write_all): a failure leaves no output, an interruption no half-written one.
"""
from __future__ import annotations

import errno
import os
import stat
from dataclasses import dataclass, field
from pathlib import Path

from ..chars import REPLACEMENT
from ..files import WriteError, write_all
from ..model import Document
from ..write.typesetter import Typesetter

# read.Rules appears in annotations only (strings here): the reading stages are imported when a
# speech is read, after a PdfProcess has forked (typing's TYPE_CHECKING would cost 4 ms).

class ConvertError(RuntimeError):
    """A problem with an input or output file, said in one line."""


def one_line(error: BaseException, limit: int = 300) -> str:
    """An error's message as one short line: some libraries put newlines, or the whole
    offending value, into theirs (python-docx quotes a too-long title in full)."""
    text = " ".join(str(error).split()) or type(error).__name__
    return text if len(text) <= limit else text[:limit - 1] + "…"


@dataclass
class ConvertResult:
    document: Document
    outputs: list[Path] = field(default_factory=list)

    @property
    def warnings(self) -> list[str]:
        return self.document.warnings


def read_file(path: Path, encoding: str | None = None, rules: Rules | None = None) -> Document:  # noqa: F821
    """Read one speech file through the reading stages; file problems become a ConvertError."""
    path = Path(path)
    # here, not above: a PdfProcess forks before the reading stages load (30 ms)
    from ..read import read_speech, sources
    try:
        st = path.stat()
        if stat.S_ISDIR(st.st_mode):
            raise ConvertError("is a folder, not a text file")
        if not stat.S_ISREG(st.st_mode):
            raise ConvertError("is not a regular file")
        with path.open("rb") as f:
            head = f.read(4096)
            # the limit by what the file is (sources: text 1 MB, a Word file or PDF 50 MB), known
            # from its first bytes: a 100 MB file is refused before it is read
            limit = sources.size_limit(head)
            if st.st_size > limit:
                raise ConvertError(sources.too_large(st.st_size, limit))
            raw = head + f.read()
    except FileNotFoundError:
        raise ConvertError("no such file") from None
    except PermissionError:
        raise ConvertError("cannot read: permission denied") from None
    except OSError as e:
        what = "a symbolic link that loops" if e.errno == errno.ELOOP else (e.strerror or str(e))
        raise ConvertError(f"cannot read: {what}") from None
    return read_speech(raw, str(path), encoding=encoding, rules=rules)


def font_warning(missing: list[str]) -> list[str]:
    return [f"no installed font can draw these characters (printed as {REPLACEMENT} in the PDF): "
            + " ".join(f"{ch} (U+{ord(ch):04X})" for ch in missing)] if missing else []


def add_font_warnings(document: Document, typesetter: Typesetter) -> None:
    """Warn about characters no installed font of the profile can draw (the PDF prints them as REPLACEMENT)."""
    document.warnings += font_warning(typesetter.missing_characters(document))


def render(document: Document, typesetter: Typesetter, fmt: str) -> bytes:
    """The bytes of one format, "docx" or "pdf". Characters no font can draw are added to the
    document's warnings."""
    if fmt == "docx":
        return typesetter.docx(document)
    pdf = typesetter.pdf(document)
    document.warnings += font_warning(pdf.missing)
    return pdf.data


# What convert can write for a speech NAME: NAME.<output>.
OUTPUTS = ("docx", "pdf", "booklet.pdf", "2up.pdf", "report.txt")
PDF_OUTPUTS = {"pdf", "booklet.pdf", "2up.pdf"}


def same_outputs(sources: list[Path]) -> dict[Path, str]:
    """The sources that would write the same outputs as another (讲话.txt and 讲话.docx both make
    讲话.pdf): an error for each, rather than one file's outputs silently overwriting the other's."""
    by_stem: dict[str, list[Path]] = {}
    for source in sources:
        by_stem.setdefault(source.stem, []).append(source)
    return {source: "its outputs would overwrite those of " + ", ".join(o.name for o in group if o != source)
                    + ": rename one of them"
            for group in by_stem.values() if len(group) > 1 for source in group}


def convert_file(path: Path, outdir: Path, typesetter: Typesetter, formats=("docx", "pdf", "report.txt"),
                 encoding: str | None = None, rules: Rules | None = None,  # noqa: F821
                 pdf_process=None) -> ConvertResult:
    """Read one speech and write OUTDIR/NAME.<format> for each of `formats` (see OUTPUTS).
    pdf_process: a PdfProcess (pdf_process.py) started for this speech, which typesets the PDF
    (while the DOCX is rendered here, if one is wanted); the caller closes it."""
    outdir = Path(outdir)
    if not outdir.is_dir():
        raise ConvertError(f"output folder {outdir} " + ("is not a folder" if outdir.exists() else "does not exist"))
    if not os.access(outdir, os.W_OK):
        raise ConvertError(f"output folder {outdir} is not writable")
    targets = {fmt: outdir / f"{Path(path).stem}.{fmt}" for fmt in formats}
    for target in targets.values():  # a PDF converted into its own folder: NAME.pdf is the input
        if target.exists() and target.resolve() == Path(path).resolve():
            raise ConvertError(f"the output {target.name} would overwrite this input: choose another output folder")
    document = read_file(path, encoding=encoding, rules=rules)
    rendered: dict[str, bytes] = {}
    pdf, wants_pdf = None, bool(set(formats) & PDF_OUTPUTS)
    if pdf_process is not None and wants_pdf:
        pdf_process.send(document)
    if "docx" in formats:
        rendered["docx"] = typesetter.docx(document)
    if wants_pdf:
        pdf = pdf_process.result() if pdf_process is not None else typesetter.pdf(document)
        document.warnings += font_warning(pdf.missing)
        if "pdf" in formats:
            rendered["pdf"] = pdf.data
    if "booklet.pdf" in formats or "2up.pdf" in formats:
        from ..write import impose
        if "booklet.pdf" in formats:
            rendered["booklet.pdf"] = impose.booklet(pdf.data)
        if "2up.pdf" in formats:
            rendered["2up.pdf"] = impose.two_up(pdf.data)
    if "report.txt" in formats:
        from ..write.report import speech_report
        facts = (pdf.pages, pdf.fonts) if pdf is not None else None
        rendered["report.txt"] = speech_report(document, typesetter.profile.name, facts).encode("utf-8")
    outputs = {targets[fmt]: data for fmt, data in rendered.items()}
    try:
        write_all(outputs)
    except WriteError as e:
        raise ConvertError(f"cannot write {e.path}: {e.strerror}") from None
    return ConvertResult(document, list(outputs))
