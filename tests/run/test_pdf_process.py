"""convert_file with the PDF typeset by a PdfProcess, forked before the speech is read (a single cold file)."""
from __future__ import annotations

import os
import signal
from pathlib import Path

import pytest

from conftest import ROOT, no_child_left, running_in_group
from pipeline import cli
from pipeline.run import convert
from pipeline.run.convert import convert_file
from pipeline.run.pdf_process import PdfProcess, PdfProcessError
from pipeline.write.typesetter import Typesetter

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="no fork here: the PDF is typeset in this process")

SAMPLE = sorted((ROOT / "inputs").glob("*.txt"))[0]




def fails_and_writes_nothing(typesetter, tmp_path: Path, error: type, match: str) -> None:
    """convert_file with a PdfProcess raises `error`, writes nothing and leaves no process."""
    with pytest.raises(error, match=match):
        with PdfProcess(typesetter) as pdf_process:
            convert_file(SAMPLE, tmp_path, typesetter, pdf_process=pdf_process)
    assert list(tmp_path.iterdir()) == []
    assert no_child_left()


def test_a_pdf_process_writes_the_same_files_as_one_process(typesetter, tmp_path):
    (tmp_path / "one").mkdir()
    (tmp_path / "two").mkdir()
    alone = convert_file(SAMPLE, tmp_path / "one", typesetter)
    with PdfProcess(Typesetter(typesetter.profile)) as pdf_process:
        forked = convert_file(SAMPLE, tmp_path / "two", typesetter, pdf_process=pdf_process)
    assert [p.name for p in forked.outputs] == [p.name for p in alone.outputs]
    for a, b in zip(alone.outputs, forked.outputs):
        assert a.read_bytes() == b.read_bytes(), a.name
    assert forked.warnings == alone.warnings
    assert no_child_left()


def test_an_error_in_the_pdf_process_is_raised_here_and_nothing_is_written(typesetter, tmp_path, monkeypatch):
    def broken(self, document):
        raise RuntimeError("no usable font installed for [fonts.fangsong]")
    monkeypatch.setattr(Typesetter, "pdf", broken)  # the forked child inherits the patch
    fails_and_writes_nothing(typesetter, tmp_path, RuntimeError, r"no usable font installed for \[fonts.fangsong\]")


def test_a_pdf_process_that_dies_is_named_and_nothing_is_written(typesetter, tmp_path, monkeypatch):
    def killed(self, document):
        os.kill(os.getpid(), signal.SIGKILL)
    monkeypatch.setattr(Typesetter, "pdf", killed)
    fails_and_writes_nothing(typesetter, tmp_path, PdfProcessError, "the PDF writer process was stopped by signal 9")


def test_a_docx_error_stops_the_pdf_process(typesetter, tmp_path, monkeypatch):
    def broken(self, document, date=None):
        raise ValueError("docx broke")
    monkeypatch.setattr(Typesetter, "docx", broken)
    fails_and_writes_nothing(typesetter, tmp_path, ValueError, "docx broke")


def test_without_a_pdf_nothing_is_forked(tmp_path, monkeypatch):
    def no_fork():
        raise AssertionError("forked for a Word file alone")
    monkeypatch.setattr(convert.os, "fork", no_fork)
    assert cli.main(["convert", str(SAMPLE), "-o", str(tmp_path), "--format", "docx"]) == 0
    assert sorted(p.suffix for p in tmp_path.iterdir()) == [".docx", ".txt"]


@pytest.mark.parametrize("args", [["--format", "pdf"], ["--format", "pdf", "--no-report"],
                                  ["--format", "docx", "--booklet"]])
def test_a_pdf_alone_is_typeset_by_the_pdf_process_too(tmp_path, monkeypatch, args):
    """The speech is read here while the PDF process loads reportlab and the fonts."""
    forks = []
    real_fork = os.fork

    def counted_fork():
        forks.append(1)
        return real_fork()
    monkeypatch.setattr(convert.os, "fork", counted_fork)
    (tmp_path / "forked").mkdir()
    (tmp_path / "here").mkdir()
    assert cli.main(["convert", str(SAMPLE), "-o", str(tmp_path / "forked"), *args]) == 0
    assert forks == [1]
    assert no_child_left()
    monkeypatch.setattr(PdfProcess, "start", classmethod(lambda cls, typesetter: None))
    assert cli.main(["convert", str(SAMPLE), "-o", str(tmp_path / "here"), *args]) == 0
    for made in (tmp_path / "here").iterdir():
        assert (tmp_path / "forked" / made.name).read_bytes() == made.read_bytes(), made.name


def test_two_files_are_converted_in_one_process(tmp_path, monkeypatch):
    """A process converting several files keeps its fonts loaded: forking would not help."""
    def no_fork():
        raise AssertionError("forked for two files")
    monkeypatch.setattr(convert.os, "fork", no_fork)
    other = tmp_path / "other.txt"
    other.write_bytes(SAMPLE.read_bytes())
    (tmp_path / "out").mkdir()
    assert cli.main(["convert", str(SAMPLE), str(other), "-o", str(tmp_path / "out")]) == 0
    assert len(list((tmp_path / "out").iterdir())) == 6


def test_an_unreadable_speech_ends_the_waiting_pdf_process(typesetter, tmp_path):
    with PdfProcess(typesetter) as pdf_process:
        with pytest.raises(convert.ConvertError, match="no such file"):
            convert_file(tmp_path / "missing.txt", tmp_path, typesetter, pdf_process=pdf_process)
    assert list(tmp_path.iterdir()) == []
    assert no_child_left()


def test_bad_promotion_rules_end_the_pdf_process_with_a_usage_error(tmp_path, capsys):
    rules = tmp_path / "rules.toml"
    rules.write_text("this is not = = toml", encoding="utf-8")
    (tmp_path / "out").mkdir()
    assert cli.main(["convert", str(SAMPLE), "-o", str(tmp_path / "out"), "--rules", str(rules)]) == 2
    assert "error:" in capsys.readouterr().err
    assert list((tmp_path / "out").iterdir()) == []
    assert no_child_left()


def big_speech(tmp_path: Path) -> Path:
    big = tmp_path / "big.txt"
    paragraph = SAMPLE.read_text(encoding="utf-8").split("\n", 3)[-1]
    big.write_text(paragraph * 12, encoding="utf-8")
    assert big.stat().st_size > 2 * 65536  # a pipe holds 64 KB
    return big


def test_a_document_bigger_than_the_pipe_reaches_the_pdf_process_whole(typesetter, tmp_path):
    big = big_speech(tmp_path)
    (tmp_path / "out").mkdir()
    with PdfProcess(typesetter) as pdf_process:
        result = convert_file(big, tmp_path / "out", typesetter, formats=("docx", "pdf"), pdf_process=pdf_process)
    assert [p.suffix for p in result.outputs] == [".docx", ".pdf"]
    assert no_child_left()


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
    # ended by SIGINT (a shell shows $? = 130), or done; all three files or none of them
    assert proc.returncode in (0, -signal.SIGINT), err
    assert len(written) in ((3,) if proc.returncode == 0 else (0, 3)), (written, err)
    assert "Traceback" not in err or delay < 0.05, err
    time.sleep(0.2)
    assert running_in_group(proc.pid) == []



def test_sending_a_big_document_does_not_wait_for_the_fonts(typesetter, tmp_path, monkeypatch):
    """The child takes the document in while it still loads fonts: this process goes on to
    the DOCX at once instead of waiting on a full pipe."""
    import time

    document = convert.read_file(big_speech(tmp_path))
    monkeypatch.setattr(Typesetter, "load_fonts", lambda self: time.sleep(3))  # inherited by the child
    with PdfProcess(typesetter) as pdf_process:
        start = time.monotonic()
        pdf_process.send(document)
        assert time.monotonic() - start < 1.5
        assert pdf_process.result().pages > 1
    assert no_child_left()


def test_a_failed_fork_typesets_here_instead(tmp_path, monkeypatch):
    """No process left (EAGAIN) or no memory to fork: the conversion goes on in one process,
    and leaves nothing behind (Ctrl-C held back, the garbage collector frozen, pipes open)."""
    import gc

    def no_fork():
        raise BlockingIOError(11, "Resource temporarily unavailable")
    monkeypatch.setattr(convert.os, "fork", no_fork)
    open_before = len(os.listdir("/proc/self/fd")) if os.path.isdir("/proc/self/fd") else None
    assert cli.main(["convert", str(SAMPLE), "-o", str(tmp_path)]) == 0
    assert sorted(p.suffix for p in tmp_path.iterdir()) == [".docx", ".pdf", ".txt"]
    assert signal.SIGINT not in signal.pthread_sigmask(signal.SIG_BLOCK, set())
    assert gc.get_freeze_count() == 0
    if open_before is not None:
        assert len(os.listdir("/proc/self/fd")) == open_before


def test_a_ctrl_c_held_back_during_the_fork_leaves_no_child(typesetter, monkeypatch):
    real_fork = os.fork

    def fork_while_ctrl_c_is_pressed():
        os.kill(os.getpid(), signal.SIGINT)  # pending: SIGINT is blocked across the fork
        return real_fork()
    monkeypatch.setattr(convert.os, "fork", fork_while_ctrl_c_is_pressed)
    with pytest.raises(KeyboardInterrupt):
        PdfProcess(typesetter)
    assert no_child_left()


def test_a_result_cut_short_names_the_pdf_process(typesetter, monkeypatch):
    """The child killed while it writes its result: the part that came is not unpickled."""
    import time

    from pipeline.model import Block, Document
    from pipeline.write.pdf import TypesetPdf

    monkeypatch.setattr(Typesetter, "load_fonts", lambda self: None)
    monkeypatch.setattr(Typesetter, "pdf", lambda self, document: TypesetPdf(b"%" * 8_000_000, 1, [], []))
    with PdfProcess(typesetter) as pdf_process:
        pdf_process.send(Document([Block("paragraph", "同志们：")]))
        time.sleep(0.5)  # the child is blocked writing to the full pipe
        os.kill(pdf_process.pid, signal.SIGKILL)
        with pytest.raises(PdfProcessError, match="the PDF writer process was stopped by signal 9"):
            pdf_process.result()
    assert no_child_left()



class _FontBroke(Exception):
    def __init__(self, font, why):  # two arguments: pickles, but cannot be made again from it
        super().__init__(f"{font}: {why}")


def test_an_exception_that_cannot_travel_keeps_its_words(typesetter, tmp_path, monkeypatch):
    def broken(self, document):
        raise _FontBroke("simfang.ttf", "bad glyf table")
    monkeypatch.setattr(Typesetter, "pdf", broken)
    fails_and_writes_nothing(typesetter, tmp_path, RuntimeError, "simfang.ttf: bad glyf table")
