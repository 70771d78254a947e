"""convert_file with the PDF typeset alongside, in a forked process (a single cold file)."""
from __future__ import annotations

import os
import signal
from pathlib import Path

import pytest

from conftest import ROOT
from pipeline import convert, render_docx, render_pdf
from pipeline.convert import ConvertError, convert_file

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="no fork here: the PDF is typeset in this process")

SAMPLE = sorted((ROOT / "inputs").glob("*.txt"))[0]


def no_child_left() -> bool:
    try:
        os.waitpid(-1, os.WNOHANG)
    except ChildProcessError:
        return True
    return False


def test_alongside_writes_the_same_files_as_one_process(profile, tmp_path):
    (tmp_path / "one").mkdir()
    (tmp_path / "two").mkdir()
    alone = convert_file(SAMPLE, tmp_path / "one", profile)
    forked = convert_file(SAMPLE, tmp_path / "two", profile, alongside=True)
    assert [p.name for p in forked.outputs] == [p.name for p in alone.outputs]
    for a, b in zip(alone.outputs, forked.outputs):
        assert a.read_bytes() == b.read_bytes(), a.name
    assert forked.warnings == alone.warnings
    assert no_child_left()


def test_an_error_in_the_pdf_process_is_raised_here_and_nothing_is_written(profile, tmp_path, monkeypatch):
    def broken(document, profile):
        raise RuntimeError("no usable font installed for [fonts.fangsong]")
    monkeypatch.setattr(render_pdf, "typeset_pdf", broken)  # the forked child inherits the patch
    with pytest.raises(RuntimeError, match=r"no usable font installed for \[fonts.fangsong\]"):
        convert_file(SAMPLE, tmp_path, profile, alongside=True)
    assert list(tmp_path.iterdir()) == []
    assert no_child_left()


def test_a_pdf_process_that_dies_is_named_and_nothing_is_written(profile, tmp_path, monkeypatch):
    def killed(document, profile):
        os.kill(os.getpid(), signal.SIGKILL)
    monkeypatch.setattr(render_pdf, "typeset_pdf", killed)
    with pytest.raises(ConvertError, match="the PDF writer process was stopped by signal 9"):
        convert_file(SAMPLE, tmp_path, profile, alongside=True)
    assert list(tmp_path.iterdir()) == []
    assert no_child_left()


def test_a_docx_error_stops_the_pdf_process(profile, tmp_path, monkeypatch):
    def broken(document, profile):
        raise ValueError("docx broke")
    monkeypatch.setattr(render_docx, "render_docx", broken)
    with pytest.raises(ValueError, match="docx broke"):
        convert_file(SAMPLE, tmp_path, profile, alongside=True)
    assert list(tmp_path.iterdir()) == []
    assert no_child_left()


def test_without_both_formats_nothing_is_forked(profile, tmp_path, monkeypatch):
    def no_fork():
        raise AssertionError("forked for one format")
    monkeypatch.setattr(convert.os, "fork", no_fork)
    result = convert_file(SAMPLE, tmp_path, profile, formats=("pdf", "report.txt"), alongside=True)
    assert [p.suffix for p in result.outputs] == [".pdf", ".txt"]


@pytest.mark.parametrize("delay", [0.1, 0.2, 0.3])
def test_ctrl_c_during_one_conversion_leaves_no_process_and_no_part_file(tmp_path, delay):
    """Ctrl-C reaches both processes (the terminal signals the process group): exit 130 with
    nothing written, or (if it came too late) exit 0 with everything; never a part of it,
    never a .part file, never a PDF writer process left behind."""
    import subprocess
    import sys
    import time

    proc = subprocess.Popen([sys.executable, "-m", "pipeline", "convert", str(SAMPLE), "-o", str(tmp_path)],
                            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            start_new_session=True, preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    time.sleep(delay)
    os.killpg(proc.pid, signal.SIGINT)
    _, err = proc.communicate(timeout=60)
    written = sorted(p.name for p in tmp_path.iterdir())
    # 130, or ended by the SIGINT itself when it lands as Python exits (a shell shows both as
    # $? = 130); all three files or none of them
    assert proc.returncode in (0, 130, -signal.SIGINT), err
    assert len(written) in ((3,) if proc.returncode == 0 else (0, 3)), (written, err)
    assert "Traceback" not in err or delay < 0.05, err
    time.sleep(0.2)
    assert running_in_group(proc.pid) == []


def running_in_group(pgid: int) -> list[str]:
    """The processes of a process group still running (not zombies: a child that ended with its
    parent, such as fc-list, waits for init to reap it, and some containers' init never does)."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue  # ended meanwhile
        state, pgrp = fields[0], int(fields[2])
        if pgrp == pgid and state != "Z":
            found.append(stat.parent.name)
    return found
