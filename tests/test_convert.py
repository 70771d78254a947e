"""convert_file with the PDF typeset alongside, in a forked process (a single cold file)."""
from __future__ import annotations

import os
import signal

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
