"""The edges: reading an input file and writing its outputs, atomically.

Each output is written to a temporary file in the output folder and renamed into
place, so an interrupted run never leaves a truncated .docx or .pdf and never
destroys the previous good one.
"""
from __future__ import annotations

import contextlib
import errno
import gc
import os
import pickle
import signal
import stat
import tempfile
import threading
from dataclasses import dataclass, field
from pathlib import Path

from ..chars import REPLACEMENT
from ..model import Document, TypesetPdf
from ..typeset.profile import Profile

# read.Rules appears in annotations only (strings here): the reading stages are imported
# when a speech is read, after a PdfProcess has forked (typing's TYPE_CHECKING would cost 4 ms).

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


def read_file(path: Path, encoding: str | None = None, rules: Rules | None = None) -> Document:  # noqa: F821
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
    from ..read import read_speech  # here, not above: a PdfProcess forks before the reading stages load
    return read_speech(raw, str(path), encoding=encoding, rules=rules)


def font_warning(missing: list[str]) -> list[str]:
    return [f"no installed font can draw these characters (printed as {REPLACEMENT} in the PDF): "
            + " ".join(f"{ch} (U+{ord(ch):04X})" for ch in missing)] if missing else []


def add_font_warnings(document: Document, profile: Profile) -> None:
    """Warn about characters no installed font of the profile can draw (the PDF prints them as REPLACEMENT)."""
    from ..write.pdf import missing_characters
    document.warnings += font_warning(missing_characters(document, profile))


def render(document: Document, profile: Profile, fmt: str) -> bytes:
    """The bytes of one format, "docx" or "pdf"; renderers are imported only when needed.
    Characters no font can draw are added to the document's warnings."""
    if fmt == "docx":
        from ..write.docx import render_docx
        return render_docx(document, profile)
    from ..write.pdf import typeset_pdf
    pdf = typeset_pdf(document, profile)
    document.warnings += font_warning(pdf.missing)
    return pdf.data


def write_atomically(path: Path, data: bytes) -> None:
    """Write `path` whole or not at all: a temporary file beside it, renamed into place."""
    with ctrl_c_deferred():
        tmp = _write_temporary(path, data)
        try:
            os.replace(tmp, path)
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise


@contextlib.contextmanager
def ctrl_c_deferred():
    """Take a Ctrl-C that comes inside only once the block is done. Files are written there:
    raised at any point (as KeyboardInterrupt is), it could leave a temporary file that nothing
    knows of, or some of a speech's outputs renamed into place and not the others. The block
    is short (a few writes and renames); the handler there was before then gets the signal."""
    if threading.current_thread() is not threading.main_thread() or \
            signal.getsignal(signal.SIGINT) in (signal.SIG_IGN, None):  # nothing to defer
        yield
        return
    caught: list[int] = []
    previous = signal.signal(signal.SIGINT, lambda signum, frame: caught.append(signum))
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
    if caught:
        signal.raise_signal(signal.SIGINT)


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


class PdfProcess:
    """A forked process that typesets one speech's PDF, started before the speech is read.

    A single cold conversion spends most of its time importing reportlab and python-docx and
    loading fonts. Forked first thing, the child imports reportlab and loads the profile's
    fonts while this process reads the speech; it is then sent the document, and typesets it
    while this process renders the DOCX, if one is wanted (the sample, both formats: 0.44 ->
    0.25 s on two cores). Only where fork exists, and only for one file with a PDF: a
    process converting many keeps its fonts loaded.

    Use it as a context manager: leaving the block kills the child if its PDF was not taken,
    and always reaps it. Ctrl-C is held back across the fork, until each process is inside
    the block that handles it: the child never runs on as a second parent, and this process
    never leaves a child behind."""

    @classmethod
    def start(cls, profile: Profile) -> PdfProcess | None:
        """A PdfProcess for `profile`, or None where fork is missing or fails (no processes or
        memory left): the PDF is then typeset in this process, as for several files."""
        if not (hasattr(os, "fork") and hasattr(signal, "pthread_sigmask")):
            return None
        try:
            return cls(profile)
        except OSError:
            return None

    def __init__(self, profile: Profile):
        self.pid = self._status = self._doc_write = self._result_read = None
        child_ends: list[int] = []  # the pipes' ends the child uses: closed here once it has them
        # Objects the garbage collector would walk in the child are written to (its bookkeeping),
        # which copies pages of this process's heap into the child: frozen, they are left alone.
        gc.freeze()
        held = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
        try:
            doc_read, self._doc_write = os.pipe()
            child_ends.append(doc_read)
            self._result_read, result_write = os.pipe()
            child_ends.append(result_write)
            self.pid = os.fork()
            if self.pid == 0:
                self._child(profile, held, doc_read, result_write)  # never returns
        finally:  # in this process only: the child never comes back from _child
            gc.unfreeze()
            for fd in child_ends:
                os.close(fd)
            if self.pid is None:  # no pipe or no fork (OSError): nothing was started
                self._close_pipes()
                signal.pthread_sigmask(signal.SIG_SETMASK, held)
        try:  # a Ctrl-C held back during the fork arrives now: the child must not outlive it
            signal.pthread_sigmask(signal.SIG_SETMASK, held)
        except BaseException:
            self.close()
            raise

    def _child(self, profile: Profile, held, doc_read: int, result_write: int) -> None:
        """Get ready, typeset the document when it comes, send the PDF or the exception back,
        and leave at once. A closed pipe without a document (the speech could not be read)
        ends it quietly."""
        status = 0
        try:
            gc.disable()  # it lives a fraction of a second; collecting would only copy pages
            os.close(self._doc_write)
            os.close(self._result_read)
            signal.pthread_sigmask(signal.SIG_SETMASK, held)
            # A document bigger than the pipe's buffer must not wait for the fonts: a thread takes it in.
            received: list[bytes] = []
            reader = threading.Thread(target=lambda: received.append(_read_all(doc_read)))
            reader.start()
            try:
                from ..write import pdf as render_pdf
                render_pdf.load_fonts(profile)
                reader.join()
                if not received or not received[0]:
                    os._exit(0)
                outcome = ("ok", render_pdf.typeset_pdf(pickle.loads(received[0]), profile))
            except BaseException as e:  # noqa: BLE001 — the parent raises it
                outcome = ("error", e)
            try:
                data = pickle.dumps(outcome)
                if outcome[0] == "error":
                    pickle.loads(data)  # some exceptions pickle but cannot be made again from it
            except Exception:  # noqa: BLE001 — an exception that cannot travel: its words
                data = pickle.dumps(("error", RuntimeError(one_line(outcome[1]))))
            # What is left to do is one write; a Ctrl-C now would only cut the result short.
            signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
            with os.fdopen(result_write, "wb") as pipe:
                pipe.write(data)
        except BaseException:  # noqa: BLE001 — e.g. the parent is gone: nothing to tell
            status = 1
        os._exit(status)  # no atexit handlers, no flushing of the parent's buffers

    def send(self, document: Document) -> None:
        """Hand the child the document to typeset (once)."""
        fd, self._doc_write = self._doc_write, None
        try:
            with os.fdopen(fd, "wb") as pipe:
                pipe.write(pickle.dumps(document))
        except BrokenPipeError:  # the child is gone: result() says how it ended
            pass

    def result(self) -> TypesetPdf:
        """The typeset PDF, once the child has sent it; its exception is raised here. A child
        that ended without sending all of it (killed, or interrupted) is named instead."""
        fd, self._result_read = self._result_read, None
        data = _read_all(fd)
        self._reap()
        status = self._status
        try:
            kind, value = pickle.loads(data) if data and status == 0 else (None, None)
        except Exception:  # noqa: BLE001 — cut short
            kind = value = None
        if kind == "error":
            raise value
        if kind != "ok":
            how = (f"was stopped by signal {os.WTERMSIG(status)}" if os.WIFSIGNALED(status)
                   else f"exited with status {os.waitstatus_to_exitcode(status)}" if status
                   else "sent no readable result")
            raise ConvertError(f"the PDF writer process {how}")
        return value

    def close(self) -> None:
        """Stop the child unless its result was taken, and reap it."""
        self._close_pipes()
        if self._status is None and self.pid:
            try:
                os.kill(self.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            self._reap()

    def _close_pipes(self) -> None:
        for fd in (self._doc_write, self._result_read):
            if fd is not None:
                os.close(fd)
        self._doc_write = self._result_read = None

    def _reap(self) -> None:
        # A Ctrl-C now waits until the child is reaped (moments).
        mask = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
        try:
            _, self._status = os.waitpid(self.pid, 0)
        finally:
            signal.pthread_sigmask(signal.SIG_SETMASK, mask)

    def __enter__(self) -> PdfProcess:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def _read_all(fd: int) -> bytes:
    with os.fdopen(fd, "rb") as pipe:
        return pipe.read()


def convert_file(path: Path, outdir: Path, profile: Profile, formats=("docx", "pdf", "report.txt"),
                 encoding: str | None = None, rules: Rules | None = None,  # noqa: F821
                 pdf_process: PdfProcess | None = None) -> ConvertResult:
    """Read one speech and write OUTDIR/NAME.<format> for each of `formats` (see OUTPUTS).
    pdf_process: a PdfProcess started for this speech, which typesets the PDF (while the DOCX
    is rendered here, if one is wanted); the caller closes it.

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
    if pdf_process is not None and wants_pdf:
        pdf_process.send(document)
    if "docx" in formats:
        rendered["docx"] = render(document, profile, "docx")
    if pdf_process is not None and wants_pdf:
        pdf = pdf_process.result()
    if wants_pdf:
        if pdf is None:
            from ..write.pdf import typeset_pdf
            pdf = typeset_pdf(document, profile)
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
        rendered["report.txt"] = speech_report(document, profile.name, facts).encode("utf-8")
    # Two phases: every output to a temporary file first, then the renames. A full disk or
    # any other write error thus leaves none of this speech's new outputs, and its old ones intact.
    # A Ctrl-C meanwhile is taken once they are all in place (ctrl_c_deferred).
    pending: dict[Path, Path] = {}
    with ctrl_c_deferred():
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
            for tmp in pending.values():  # not renamed: a write error
                tmp.unlink(missing_ok=True)
    return result
