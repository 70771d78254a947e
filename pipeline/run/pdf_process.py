"""A forked process that typesets one speech's PDF, started before the speech is read.

    with PdfProcess.start(typesetter) as pdf_process:   # None where fork is missing or fails
        pdf_process.send(document)
        pdf = pdf_process.result()                       # TypesetPdf, or the child's exception

Why not concurrent.futures (a pool of one, fork context, an initializer)? It was built and
measured: importing it (multiprocessing, and through it logging and socket) takes 18-20 ms
before the fork can happen, and a cold convert of the sample, both formats, took 15-18 ms
longer (25 runs interleaved with these: fastest 0.216 s against 0.198, median 0.312 against
0.297 on a busy machine); and where fork fails, CPython's popen_fork leaks the four pipe ends
it opened. So it is os.fork, two pipes and pickle, with what a pool would not do for us:
Ctrl-C held back across the fork, objects frozen for the garbage collector (else the child
copies the parent's heap), the child's exit status named when it dies.
"""
from __future__ import annotations

import gc
import os
import pickle
import signal
import threading

from ..model import Document
from ..write.pdf import TypesetPdf
from ..write.typesetter import Typesetter
from .convert import one_line


class PdfProcessError(RuntimeError):
    """The child ended without sending its result (killed, or interrupted)."""


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
    def start(cls, typesetter: Typesetter) -> PdfProcess | None:
        """A PdfProcess for `typesetter`, or None where fork is missing or fails (no processes or
        memory left): the PDF is then typeset in this process, as for several files."""
        if not (hasattr(os, "fork") and hasattr(signal, "pthread_sigmask")):
            return None
        try:
            return cls(typesetter)
        except OSError:
            return None

    def __init__(self, typesetter: Typesetter):
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
                self._child(typesetter, held, doc_read, result_write)  # never returns
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

    def _child(self, typesetter: Typesetter, held, doc_read: int, result_write: int) -> None:
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
                typesetter.load_fonts()
                reader.join()
                if not received or not received[0]:
                    os._exit(0)
                outcome = ("ok", typesetter.pdf(pickle.loads(received[0])))
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
            raise PdfProcessError(f"the PDF writer process {how}")
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
