"""Files that cannot be read or written: an unreadable input, an unwritable or missing output
folder, a full disk. One line naming the file, nothing half-written, previous outputs intact.
Faults are made by patching, through cli.main in this process.
"""
from __future__ import annotations

import errno
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from conftest import SAMPLE, check_outputs, convert_an_earlier_version, outputs_of, part_files, snapshot
from pipeline import cli
from pipeline.run.convert import ConvertError, convert_file


def test_an_unreadable_input(tmp_path, monkeypatch, capsys, typesetter):
    """Root reads everything, so reading the file raises as it would for another user."""
    src = tmp_path / "locked.txt"
    src.write_bytes(SAMPLE.read_bytes())
    out = tmp_path / "out"
    out.mkdir()
    real = Path.open

    def open_(self, *args, **kwargs):
        if self == src:
            raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(self))
        return real(self, *args, **kwargs)

    monkeypatch.setattr(Path, "open", open_)
    with pytest.raises(ConvertError, match="^cannot read: permission denied$"):
        convert_file(src, out, typesetter)
    assert list(out.iterdir()) == []
    assert cli.main(["convert", str(src), str(SAMPLE), "-o", str(out)]) == 1
    err = capsys.readouterr().err
    assert f"{src}: error: cannot read: permission denied" in err.splitlines()
    assert "Traceback" not in err
    assert outputs_of(out, "locked") == [] and len(outputs_of(out, SAMPLE.stem)) == 3
    check_outputs(out)


def test_an_unwritable_output_folder(tmp_path, monkeypatch, capsys):
    real = os.access
    monkeypatch.setattr(os, "access", lambda p, mode, **kw: False if Path(p) == tmp_path and mode & os.W_OK
                        else real(p, mode, **kw))
    assert cli.main(["convert", str(SAMPLE), "-o", str(tmp_path)]) == 1
    err = capsys.readouterr().err
    assert err == f"{SAMPLE}: error: output folder {tmp_path} is not writable\n"
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("command", ["convert", "build"])
@pytest.mark.parametrize("kind", ["a file", "missing"])
def test_an_output_folder_that_is_a_file_or_missing(tmp_path, capsys, command, kind):
    target = tmp_path / "out"
    if kind == "a file":
        target.write_text("not a folder")
    source = SAMPLE if command == "convert" else SAMPLE.parent
    assert cli.main([command, str(source), "-o", str(target)]) == 1
    err = capsys.readouterr().err
    problem = "is not a folder" if kind == "a file" else "does not exist"
    assert f"output folder {target} {problem}" in err and len(err.splitlines()) == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == (["out"] if kind == "a file" else [])


class FullDisk:
    """A file object whose writes fail as on a full disk."""

    def __init__(self, f):
        self.f = f

    def write(self, data):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.f.close()

    def __getattr__(self, name):
        return getattr(self.f, name)


@pytest.mark.parametrize("previous", [True, False], ids=["over previous outputs", "into an empty folder"])
def test_a_full_disk_leaves_nothing_half_written(tmp_path, monkeypatch, capsys, previous):
    """The second temporary file (the PDF, after the DOCX) hits ENOSPC: no output of this run is kept."""
    src = tmp_path / "讲话.txt"
    out = tmp_path / "out"
    out.mkdir()
    if previous:
        convert_an_earlier_version(src, out)
    before = snapshot(out)
    src.write_bytes(SAMPLE.read_bytes())
    real = os.fdopen
    parts = []

    def fdopen(fd, *args, **kwargs):
        f = real(fd, *args, **kwargs)
        if os.readlink(f"/proc/self/fd/{fd}").endswith(".part"):
            parts.append(fd)
            if len(parts) == 2:
                return FullDisk(f)
        return f

    capsys.readouterr()
    monkeypatch.setattr(os, "fdopen", fdopen)
    assert cli.main(["convert", str(src), "-o", str(out)]) == 1
    monkeypatch.undo()
    err = capsys.readouterr().err
    assert err == f"{src}: error: cannot write {out / '讲话.pdf'}: No space left on device\n"
    assert part_files(out) == []
    assert snapshot(out) == before  # the old DOCX was not replaced by the new one either


@pytest.fixture
def tiny_filesystem(tmp_path):
    """A 512 KB tmpfs, where mounting is permitted (root, and a sandbox that allows it)."""
    mnt = tmp_path / "tiny"
    mnt.mkdir()
    if os.geteuid() != 0 or not shutil.which("mount"):
        pytest.skip("mounting a tmpfs needs root")
    proc = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=512k", "tmpfs", str(mnt)],
                          capture_output=True, text=True)
    if proc.returncode:
        pytest.skip(f"cannot mount a tmpfs here: {proc.stderr.strip()}")
    try:
        yield mnt
    finally:
        subprocess.run(["umount", "-l", str(mnt)], capture_output=True)


def test_a_really_full_filesystem(tmp_path, tiny_filesystem, capsys):
    out = tiny_filesystem
    src = tmp_path / "讲话.txt"
    src.write_text("在全县工作会议上的讲话\n同志们：\n这是上一次的讲话稿。\n", encoding="utf-8")
    assert cli.main(["convert", str(src), "-o", str(out)]) == 0
    check_outputs(out)
    before = snapshot(out)
    with open(out / "filler", "wb", buffering=0) as f:  # fill the disk up to the last block
        try:
            while True:
                f.write(bytes(4096))
        except OSError as e:
            assert e.errno == errno.ENOSPC
    src.write_bytes(SAMPLE.read_bytes())
    capsys.readouterr()
    assert cli.main(["convert", str(src), "-o", str(out)]) == 1
    err = capsys.readouterr().err
    assert re.fullmatch(rf"{re.escape(str(src))}: error: cannot write {re.escape(str(out))}/讲话\.\S+: "
                        r"No space left on device\n", err), err
    assert part_files(out) == []
    (out / "filler").unlink()
    assert snapshot(out) == before


