"""The edges: reading an input file and writing its outputs, atomically.

Each output is written to a temporary file in the output folder and renamed into
place, so an interrupted run never leaves a truncated .docx or .pdf and never
destroys the previous good one.
"""
from __future__ import annotations

import errno
import gc
import os
import pickle
import signal
import stat
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from .model import Document
from .profile import Profile
from .read import read_speech
from .strip import Rules

# A speech is tens of KB. 1 MB (about 330,000 characters, some 800 pages) converts in
# about 8 s and 130 MB; anything bigger is refused rather than left to run for minutes.
MAX_INPUT_BYTES = 1024 * 1024


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


def read_file(path: Path, encoding: str | None = None, rules: Rules | None = None) -> Document:
    """Read one speech file through the reading stages; file problems become a ConvertError."""
    path = Path(path)
    try:
        st = path.stat()
        if stat.S_ISDIR(st.st_mode):
            raise ConvertError("is a folder, not a text file")
        if not stat.S_ISREG(st.st_mode):
            raise ConvertError("is not a regular file")
        if st.st_size > MAX_INPUT_BYTES:
            raise ConvertError(f"too large for a speech ({st.st_size / 2**20:.1f} MB; the limit is "
                               f"{MAX_INPUT_BYTES / 2**20:.0f} MB)")
        raw = path.read_bytes()
    except FileNotFoundError:
        raise ConvertError("no such file") from None
    except PermissionError:
        raise ConvertError("cannot read: permission denied") from None
    except OSError as e:
        what = "a symbolic link that loops" if e.errno == errno.ELOOP else (e.strerror or str(e))
        raise ConvertError(f"cannot read: {what}") from None
    return read_speech(raw, str(path), encoding=encoding, rules=rules)


def font_warning(missing: list[str]) -> list[str]:
    return ["no installed font can draw these characters (printed as □ in the PDF): "
            + " ".join(f"{ch} (U+{ord(ch):04X})" for ch in missing)] if missing else []


def add_font_warnings(document: Document, profile: Profile) -> None:
    """Warn about characters no installed font of the profile can draw (the PDF prints them as □)."""
    from .render_pdf import missing_characters
    document.warnings += font_warning(missing_characters(document, profile))


def render(document: Document, profile: Profile, fmt: str) -> bytes:
    """The bytes of one format, "docx" or "pdf"; renderers are imported only when needed.
    Characters no font can draw are added to the document's warnings."""
    if fmt == "docx":
        from .render_docx import render_docx
        return render_docx(document, profile)
    from .render_pdf import typeset_pdf
    pdf = typeset_pdf(document, profile)
    document.warnings += font_warning(pdf.missing)
    return pdf.data


def write_atomically(path: Path, data: bytes) -> None:
    """Write `path` whole or not at all: a temporary file beside it, renamed into place."""
    tmp = _write_temporary(path, data)
    try:
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def _write_temporary(path: Path, data: bytes) -> Path:
    """`data` in a new hidden NAME.….part file beside `path`, synced to disk; removed again on failure."""
    fd, tmp = tempfile.mkstemp(prefix=f".{path.stem[:40]}.", suffix=path.suffix + ".part", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, 0o644)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return Path(tmp)


# What convert can write for a speech NAME: NAME.<output>.
OUTPUTS = ("docx", "pdf", "booklet.pdf", "2up.pdf", "report.txt")


def _render_alongside(document: Document, profile: Profile):
    """The DOCX, rendered here, and the TypesetPdf, typeset meanwhile in a forked process
    (which sends it back through a pipe, or the exception it raised, raised here then).

    A single cold conversion spends most of its time importing reportlab and python-docx and
    loading fonts; on two cores the two writers do that side by side (0.40 -> 0.3 s for the
    sample). Only where fork exists, and only for one file: a process converting many keeps
    its fonts loaded instead. Ctrl-C is held back across the fork, until each process is
    inside the block that handles it: the child never runs on as a second parent, and this
    process never leaves a child behind."""
    read_end, write_end = os.pipe()
    # Objects the garbage collector would walk in the child are written to (its bookkeeping),
    # which copies every page of the parent's heap into the child: frozen, they are left alone.
    gc.freeze()
    held = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    pid = os.fork()
    if pid == 0:  # the child: typeset, send the result or the exception, and leave at once
        status = 0
        try:
            gc.disable()  # it lives a fraction of a second; collecting would only copy pages
            os.close(read_end)
            signal.pthread_sigmask(signal.SIG_SETMASK, held)
            try:
                from .render_pdf import typeset_pdf  # imported here, in parallel with python-docx
                outcome = ("ok", typeset_pdf(document, profile))
            except BaseException as e:  # noqa: BLE001 — the parent raises it
                outcome = ("error", e)
            try:
                data = pickle.dumps(outcome)
            except Exception:  # noqa: BLE001 — an exception that cannot be pickled: its words
                data = pickle.dumps(("error", RuntimeError(one_line(outcome[1]))))
            with os.fdopen(write_end, "wb") as pipe:
                pipe.write(data)
        except BaseException:  # noqa: BLE001 — e.g. the parent is gone: nothing to tell
            status = 1
        os._exit(status)  # no atexit handlers, no flushing of the parent's buffers
    done = False
    try:
        gc.unfreeze()
        os.close(write_end)
        signal.pthread_sigmask(signal.SIG_SETMASK, held)
        docx = render(document, profile, "docx")
        with os.fdopen(read_end, "rb") as pipe:
            read_end = None
            data = pipe.read()
        done = True
    finally:
        if not done:  # an error or Ctrl-C here: the child's work is not wanted
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            if read_end is not None:
                os.close(read_end)
        # Reap the child whatever happens; a Ctrl-C now waits until it is reaped (moments).
        mask = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
        try:
            _, status = os.waitpid(pid, 0)
        finally:
            signal.pthread_sigmask(signal.SIG_SETMASK, mask)
    if not data:
        how = (f"was stopped by signal {os.WTERMSIG(status)}" if os.WIFSIGNALED(status)
               else f"exited with status {os.waitstatus_to_exitcode(status)}")
        raise ConvertError(f"the PDF writer process {how}")
    kind, value = pickle.loads(data)
    if kind == "error":
        raise value
    return docx, value


def convert_file(path: Path, outdir: Path, profile: Profile, formats=("docx", "pdf", "report.txt"),
                 encoding: str | None = None, rules: Rules | None = None,
                 alongside: bool = False) -> ConvertResult:
    """Read one speech and write OUTDIR/NAME.<format> for each of `formats` (see OUTPUTS).
    alongside: typeset the PDF in a second process while the DOCX is rendered (one cold file).

    Everything is rendered before anything is written, so a failure leaves no output.
    """
    outdir = Path(outdir)
    if not outdir.is_dir():
        raise ConvertError(f"output folder {outdir} " + ("is not a folder" if outdir.exists() else "does not exist"))
    if not os.access(outdir, os.W_OK):
        raise ConvertError(f"output folder {outdir} is not writable")
    document = read_file(path, encoding=encoding, rules=rules)
    result = ConvertResult(document)
    rendered: dict[str, bytes] = {}
    pdf, wants_pdf = None, bool(set(formats) & {"pdf", "booklet.pdf", "2up.pdf"})
    if alongside and wants_pdf and "docx" in formats and hasattr(os, "fork") and hasattr(signal, "pthread_sigmask"):
        rendered["docx"], pdf = _render_alongside(document, profile)
    elif "docx" in formats:
        rendered["docx"] = render(document, profile, "docx")
    if wants_pdf:
        if pdf is None:
            from .render_pdf import typeset_pdf
            pdf = typeset_pdf(document, profile)
        document.warnings += font_warning(pdf.missing)
        if "pdf" in formats:
            rendered["pdf"] = pdf.data
    if "booklet.pdf" in formats or "2up.pdf" in formats:
        from . import impose
        if "booklet.pdf" in formats:
            rendered["booklet.pdf"] = impose.booklet(pdf.data)
        if "2up.pdf" in formats:
            rendered["2up.pdf"] = impose.two_up(pdf.data)
    if "report.txt" in formats:
        from .report import speech_report
        facts = (pdf.pages, pdf.fonts) if pdf is not None else None
        rendered["report.txt"] = speech_report(document, profile.name, facts).encode("utf-8")
    # Two phases: every output to a temporary file first, then the renames. A full disk or
    # any other write error thus leaves none of this speech's new outputs, and its old ones intact.
    pending: dict[Path, Path] = {}
    try:
        for fmt, data in rendered.items():
            out = outdir / f"{Path(path).stem}.{fmt}"
            try:
                pending[out] = _write_temporary(out, data)
            except OSError as e:
                raise ConvertError(f"cannot write {out}: {e.strerror or e}") from None
        for out in list(pending):
            try:
                os.replace(pending[out], out)
            except OSError as e:
                raise ConvertError(f"cannot write {out}: {e.strerror or e}") from None
            del pending[out]
            result.outputs.append(out)
    finally:
        for tmp in pending.values():  # not renamed: a failure or an interrupt
            tmp.unlink(missing_ok=True)
    return result
