"""Processes and signals: two converts writing the same outputs, Ctrl-C while outputs are
written, during a build, in a script and under make, a killed worker. Real processes.
"""
from __future__ import annotations

import io
import os
import re
import shlex
import shutil
import signal
import subprocess
import sys
import time

import pytest

from conftest import (ROOT, SAMPLE, check_docx, check_outputs, check_pdf, children, commands_in_group,
                      convert_an_earlier_version, default_sigint, outputs_of, part_files, snapshot)
from pipeline import cli
from pipeline.cli import INTERRUPTED


def test_two_processes_writing_the_same_outputs_at_once(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    procs = [subprocess.Popen([sys.executable, "-m", "pipeline", "convert", str(SAMPLE), "-o", str(out)],
                              cwd=ROOT, stderr=subprocess.PIPE, text=True) for _ in range(2)]
    results = [(p.wait(timeout=120), p.stderr.read()) for p in procs]
    for p in procs:
        p.stderr.close()
    for code, err in results:
        assert code == 0, err
    assert outputs_of(out, SAMPLE.stem) == sorted(f"{SAMPLE.stem}.{x}" for x in ("docx", "pdf", "report.txt"))
    assert len(check_outputs(out)) == 2


def test_an_interrupted_convert_keeps_the_previous_outputs(tmp_path, monkeypatch, capsys):
    """Ctrl-C while the outputs are being written: exit 130, one line, the old outputs untouched."""
    src = tmp_path / "讲话.txt"
    out = tmp_path / "out"
    out.mkdir()
    convert_an_earlier_version(src, out)
    before = snapshot(out)
    src.write_bytes(SAMPLE.read_bytes())
    real = os.replace

    def interrupted(a, b):
        if str(a).endswith(".part") and str(b).endswith(".docx"):
            raise KeyboardInterrupt
        return real(a, b)

    capsys.readouterr()
    monkeypatch.setattr(os, "replace", interrupted)
    assert cli.main(["convert", str(src), "-o", str(out)]) == 130
    monkeypatch.undo()
    assert capsys.readouterr().err == INTERRUPTED + "\n"
    assert part_files(out) == []
    assert snapshot(out) == before


def build_under_way(tmp_path, then: str = "", **popen):
    """`build` of 30 copies of the sample on 2 workers, returned once its first output exists;
    with `then`, build runs in a bash script that goes on with that command."""
    inputs, out = tmp_path / "in", tmp_path / "out"
    inputs.mkdir()
    out.mkdir()
    for i in range(30):
        shutil.copy(SAMPLE, inputs / f"s{i:02}.txt")
    command = [sys.executable, "-m", "pipeline", "build", str(inputs), "-o", str(out), "-j", "2"]
    if then:
        command = ["bash", "-c", f"{shlex.join(command)}\n{then}"]
    proc = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, **popen)
    deadline = time.monotonic() + 60
    while not list(out.glob("*.pdf")) and time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.02)
    return inputs, out, proc


def test_a_ctrl_c_while_the_outputs_are_written_is_taken_after_them(tmp_path, monkeypatch, capsys):
    """The SIGINT comes as the first output is synced to disk: all three outputs are written
    (none half, no temporary file), then the convert ends as interrupted."""
    out = tmp_path / "out"
    out.mkdir()
    real, signalled = os.fsync, []

    def fsync_and_ctrl_c(fd):
        if not signalled:
            signalled.append(fd)
            os.kill(os.getpid(), signal.SIGINT)
        return real(fd)

    monkeypatch.setattr(os, "fsync", fsync_and_ctrl_c)
    before = signal.getsignal(signal.SIGINT)
    assert cli.main(["convert", str(SAMPLE), "-o", str(out)]) == 130
    assert signal.getsignal(signal.SIGINT) is before
    assert signalled
    assert capsys.readouterr().err.splitlines()[-1] == INTERRUPTED
    assert part_files(out) == []
    assert outputs_of(out, SAMPLE.stem) == sorted(f"{SAMPLE.stem}.{x}" for x in ("docx", "pdf", "report.txt"))
    check_outputs(out)


@pytest.mark.parametrize("whom", ["group", "main"], ids=["Ctrl-C (process group)", "kill -INT (main process)"])
def test_sigint_during_a_build(tmp_path, whom):
    """30 speeches on 2 workers, SIGINT once the first outputs appear: exit 130, one line, no traceback
    (nor from a worker), whole outputs for every speech reported done and none for the others."""
    inputs, out, proc = build_under_way(tmp_path, start_new_session=True, preexec_fn=default_sigint)
    if whom == "group":
        os.killpg(proc.pid, signal.SIGINT)
    else:
        proc.send_signal(signal.SIGINT)
    stdout, stderr = proc.communicate(timeout=60)
    assert proc.returncode == -signal.SIGINT, stderr  # a shell shows it as 130
    assert "Traceback" not in stderr and "KeyboardInterrupt" not in stderr
    lines = stderr.splitlines()
    assert lines[-1] == INTERRUPTED
    done = sorted(re.fullmatch(rf"\[\d+/30\] {re.escape(str(inputs))}/(s\d\d)\.txt: ok( \(\d+ warnings\))?", line)[1]
                  for line in lines[:-1])
    assert 1 <= len(done) < 30
    assert sorted({p.name.split(".")[0] for p in out.iterdir()}) == done  # whole speeches only
    for stem in done:
        assert len(outputs_of(out, stem)) == 3
    check_outputs(out)
    time.sleep(0.2)
    with pytest.raises(ProcessLookupError):  # no worker left behind
        os.killpg(proc.pid, 0)


def test_a_script_stops_at_a_ctrl_c_too(tmp_path):
    """Ctrl-C while a shell script runs build: the script stops there. bash goes on when its child
    catches the Ctrl-C and exits (with 130, say); it stops when the child ends by SIGINT."""
    went_on = tmp_path / "went on"
    *_, proc = build_under_way(tmp_path, then=f": > {shlex.quote(str(went_on))}",
                               start_new_session=True, preexec_fn=default_sigint)
    os.killpg(proc.pid, signal.SIGINT)
    _, stderr = proc.communicate(timeout=60)
    assert stderr.splitlines()[-1] == INTERRUPTED
    assert proc.returncode == -signal.SIGINT
    assert not went_on.exists()


class SigintOnFirstLine(io.StringIO):
    """A log that sends this process a SIGINT as the first progress line is written, so that the
    handler runs in the middle of reporting a file (a KeyboardInterrupt raised there once lost
    the file's line, or cut it from its newline)."""

    def write(self, text):
        if text.startswith("[") and "[" not in self.getvalue():
            os.kill(os.getpid(), signal.SIGINT)
        return super().write(text)


def test_a_ctrl_c_while_a_line_is_written_leaves_whole_lines(tmp_path, monkeypatch):
    """A Ctrl-C lands while build writes a progress line (as it once did in CI): the line is still
    whole, and every file whose outputs exist is reported, before the one interrupted line."""
    inputs, out = tmp_path / "in", tmp_path / "out"
    inputs.mkdir()
    out.mkdir()
    for i in range(8):
        shutil.copy(SAMPLE, inputs / f"s{i}.txt")
    log = SigintOnFirstLine()
    monkeypatch.setattr(sys, "stderr", log)
    before = signal.getsignal(signal.SIGINT)
    assert cli.main(["build", str(inputs), "-o", str(out), "-j", "2"]) == 130
    assert signal.getsignal(signal.SIGINT) is before
    lines = log.getvalue().splitlines()
    assert lines[-1] == INTERRUPTED
    done = sorted(re.fullmatch(rf"\[\d+/8\] {re.escape(str(inputs))}/(s\d)\.txt: ok( \(\d+ warnings\))?", line)[1]
                  for line in lines[:-1])
    assert 1 <= len(done) < 8
    assert sorted({p.name.split(".")[0] for p in out.iterdir()}) == done
    check_outputs(out)


def test_a_killed_worker_is_one_line_per_file_not_a_traceback(tmp_path):
    """The OOM killer or kill -9 takes a worker: the files it leaves are failures, each named."""
    inputs, out, proc = build_under_way(tmp_path)
    os.kill(children(proc.pid)[0], signal.SIGKILL)
    _, stderr = proc.communicate(timeout=60)
    assert proc.returncode == 1 and "Traceback" not in stderr, stderr
    died = "not converted: a worker process died (killed, or out of memory)"
    progress = [line for line in stderr.splitlines() if line.startswith("[")]
    assert len(progress) == 30 and all(line.endswith((": ok", died)) for line in progress), stderr
    assert sum(line.endswith(died) for line in progress) >= 1
    done = sorted(re.search(r"(s\d\d)\.txt: ok$", line)[1] for line in progress if line.endswith(": ok"))
    for stem in done:
        assert len(outputs_of(out, stem)) == 3
    # The killed worker's speech, and the one its sibling (stopped by the broken pool) was on,
    # are reported failed; they may have been written whole before the workers died.
    assert len({p.name.split(".")[0] for p in out.glob("s*")} - set(done)) <= 2
    for p in out.iterdir():  # a worker killed while writing may leave its .part behind, nothing worse
        if p.suffix == ".pdf":
            check_pdf(p)
        elif p.suffix == ".docx":
            check_docx(p)


@pytest.mark.skipif(not shutil.which("make"), reason="make is not installed")
def test_an_interrupted_make_keeps_the_outputs_written(tmp_path):
    """Ctrl-C while make runs a convert that has already renamed its outputs into place: make must
    not delete them as it does by default with an interrupted target (.PRECIOUS in the Makefile)."""
    for name in ("pipeline", "scripts", ".venv"):
        os.symlink(ROOT / name, tmp_path / name)
    for name in ("Makefile", "pyproject.toml"):
        shutil.copy2(ROOT / name, tmp_path / name)  # keeps the mtime: .venv/.installed stays newer
    (tmp_path / "inputs").mkdir()
    shutil.copy(SAMPLE, tmp_path / "inputs" / "甲.txt")
    subprocess.run(["make", ".venv/.compiled"], cwd=tmp_path, check=True, capture_output=True)  # not via slowpy
    # The converter, then a pause in which to interrupt: the Ctrl-C comes once the converter has
    # ended and the pause has begun. (`exec`, so that no shell is starting a command then: a
    # SIGINT that lands while dash starts one can be lost, and the sleep then runs its 30 s.)
    slow = tmp_path / "slowpy"
    slow.write_text(f'#!/bin/sh\n"{sys.executable}" "$@"\nexec sleep 30\n')
    slow.chmod(0o755)
    proc = subprocess.Popen(["make", f"PY={slow}"], cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            text=True, start_new_session=True, preexec_fn=default_sigint)
    outputs = [tmp_path / "outputs" / f"甲.{x}" for x in ("docx", "pdf", "report.txt")]
    deadline = time.monotonic() + 60
    while "sleep" not in commands_in_group(proc.pid) and time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.05)
    os.killpg(proc.pid, signal.SIGINT)
    log = proc.communicate(timeout=30)[0]
    # make stopped (under load, GNU make 4.3 sometimes says "wait: No child processes" instead of
    # "Interrupt"), and deleted nothing
    assert proc.returncode != 0 and "Deleting file" not in log, log
    assert all(p.exists() for p in outputs), log
    assert len(check_outputs(tmp_path / "outputs")) == 2


