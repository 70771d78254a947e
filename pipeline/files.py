"""Files written whole or not at all, and a Ctrl-C held back while they are: the one writer
of the outputs and of the font cache.

    write_all({path: data, ...})   each to a hidden temporary file beside it (.NAME.….part,
                                   synced to disk), then all renamed into place
    write_atomically(path, data)   one file so
    ctrl_c_deferred()              a block in which a Ctrl-C is taken only at its end

An interrupted or failed write never leaves a truncated file, never destroys the previous
good one, and leaves no temporary file behind (a killed process may: TEMPORARY names them).
"""
from __future__ import annotations

import contextlib
import os
import signal
import threading
from pathlib import Path

TEMPORARY = ".*.part"  # the temporary files' names, as a glob


class WriteError(OSError):
    """A file that could not be written; `path` names it (not its temporary file)."""

    def __init__(self, path: Path, error: OSError):
        super().__init__(error.errno, error.strerror or str(error))
        self.path = path


def write_all(outputs: dict[Path, bytes]) -> None:
    """Write every file, in two phases: all to temporary files first, then the renames. A full
    disk or any other write error thus leaves none of the new files, and the old ones intact;
    a Ctrl-C meanwhile is taken once they are all in place."""
    pending: dict[Path, Path] = {}
    with ctrl_c_deferred():
        try:
            for path, data in outputs.items():
                try:
                    pending[path] = _write_temporary(Path(path), data)
                except OSError as e:
                    raise WriteError(path, e) from None
            for path in list(pending):
                try:
                    os.replace(pending[path], path)
                except OSError as e:
                    raise WriteError(path, e) from None
                del pending[path]
        finally:
            for tmp in pending.values():  # not renamed: a write error
                tmp.unlink(missing_ok=True)


def write_atomically(path: Path, data: bytes) -> None:
    """Write `path` whole or not at all."""
    write_all({Path(path): data})


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
    """`data` in a new hidden .NAME.….part file beside `path`, synced to disk, readable by all
    (mkstemp's 0600 would hide a shared font cache from other users); removed again on failure."""
    import tempfile  # here: 3 ms of every start otherwise, before anything is written

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
