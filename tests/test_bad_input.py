"""Bad input and faults: a clear answer every time, nothing half-written, nothing injected.

Each row of the matrix asserts the exit status, the one line on stderr that names the file
and the problem (no traceback without --debug), and what is or is not written: no output
for a failed input, the other files of a batch still converted, no *.part temporary file
left, a previous good output never destroyed. Every PDF and DOCX produced is checked with
tests/validity.py (qpdf --check; a sound zip whose XML parts parse).

Most rows share one `convert` run over a folder of bad inputs and the sample (one process
start instead of twenty); faults that need patching (unreadable input, full disk, an
unwritable folder) run in-process through cli.main; signals and concurrency use real
processes.
"""
from __future__ import annotations

import builtins
import errno
import io
import os
import random
import re
import shlex
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

import pytest
from docx import Document as DocxDocument
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from pypdf import PdfReader, PdfWriter

from conftest import ROOT, SAMPLE
from pipeline import cli
from pipeline.run.convert import MAX_INPUT_BYTES, ConvertError, convert_file
from pipeline.read.decode import DecodeError
from pipeline.read import NoSpeechError
from validity import check_docx, check_outputs, check_pdf, part_files

SPEECH = SAMPLE.read_text(encoding="utf-8")
LINES = SPEECH.split("\n")
# The two longest lines of the sample (body paragraphs), 1-based as warnings number them.
LONG_LINES = sorted(sorted(range(len(LINES)), key=lambda i: -len(LINES[i]))[:2])
INTERRUPTED = "interrupted: the files converted so far are complete; nothing half-written was left"

INJECTION = ('A&B公司<b>粗体</b>和</para><font name="x" color="red">字</font><a href="x">链接</a>'
             '<img src="/etc/hostname"/>与&amp;&lt;&#20013;以及<w:t>x</w:t>]]><![CDATA[照原样打印。')
MARKUP_SPEECH = f"在全县工作会议上的讲话\n同志们：\n{INJECTION}\n"


def run(*args, timeout=120):
    return subprocess.run([sys.executable, "-m", "pipeline", *map(str, args)], cwd=ROOT, capture_output=True,
                          text=True, timeout=timeout)


def squash(s: str) -> str:
    return re.sub(r"\s+", "", s)


def pdf_text(path: Path) -> str:
    return "".join(p.extract_text() for p in PdfReader(str(path)).pages)


def docx_text(path: Path) -> str:
    return "\n".join(p.text for p in DocxDocument(str(path)).paragraphs)


def outputs_of(folder: Path, stem: str) -> list[str]:
    return sorted(p.name for p in folder.glob(f"{stem}.*"))


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()}


def lines_about(stderr: str, path: Path) -> list[str]:
    return [line for line in stderr.splitlines() if line.startswith((f"{path}: ", f"{path} -> "))]


def tiny_pdf() -> bytes:
    w = PdfWriter()
    w.add_blank_page(100, 100)
    buf = io.BytesIO()
    w.write(buf)
    return buf.getvalue()


def tiny_zip() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("讲话.txt", "同志们：")
    return buf.getvalue()


def with_bad_utf8(line: int) -> bytes:
    raw = [s.encode("utf-8") for s in LINES]
    raw[line] = raw[line][:9] + b"\xff\xfe" + raw[line][9:]
    return b"\n".join(raw)


def with_gb18030_lines(*lines: int) -> bytes:
    return b"\n".join(s.encode("gb18030" if i in lines else "utf-8") for i, s in enumerate(LINES))


# name: (bytes, or a maker of a non-file), the error on its one line (None: converted)
FAILING = {
    "empty": (b"", "no speech text found: it is empty"),
    "blank": ("  \n\t\n\r\n\u3000\u3000\n".encode("utf-8"), "no speech text found: it is empty"),
    "png": (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(64), "not a text file: it is a PNG image"),
    "zip": (tiny_zip(), "not a text file: it is a ZIP archive"),
    "pdf": (tiny_pdf(), "not a text file: it is a PDF document"),
    "promo": ("仅供学习 禁止外传\n会员群：123456789\n客服QQ：123456789\n".encode("utf-8"),
              "no speech text found: only promotional lines"),
    "folder": ("mkdir", "is a folder, not a text file"),
    "loop": ("symlink loop", "cannot read: a symbolic link that loops"),
    "missing": ("nothing", "no such file"),
}
CONVERTED = {
    "bad_utf8": (with_bad_utf8(LONG_LINES[0]),
                 f"line(s) {LONG_LINES[0] + 1} hold bytes that are not UTF-8: shown as \ufffd"),
    "mixed": (with_gb18030_lines(*LONG_LINES),
              f"the file is UTF-8 but line(s) {LONG_LINES[0] + 1}, {LONG_LINES[1] + 1} are GB18030"),
    "utf16": (SPEECH.encode("utf-16-le"), "encoding guessed as utf-16-le (no byte-order mark)"),
    "untitled": ("同志们：\n今天我们召开全县工作会议，主要任务是总结去年的工作，部署今年的任务。\n大家要认真抓好落实。\n"
                 .encode("utf-8"), "title"),
    "glyphless": ("在全县工作会议上的讲话\n同志们：\n私用区字符\ue000和扩展B区字符\U00020000都要报告。\n".encode("utf-8"),
                  "U+E000"),
    "markup": (MARKUP_SPEECH.encode("utf-8"), None),
    "good": (SAMPLE.read_bytes(), None),
}


def make_input(folder: Path, name: str, content) -> Path:
    path = folder / f"{name}.txt"
    if content == "mkdir":
        path.mkdir()
    elif content == "symlink loop":
        path.symlink_to(path.name)
    elif content == "nothing":
        pass
    else:
        path.write_bytes(content)
    return path


@pytest.fixture(scope="module")
def batch(tmp_path_factory):
    """One `convert` of every bad and odd input, the good sample last."""
    root = tmp_path_factory.mktemp("batch")
    inputs, out = root / "in", root / "out"
    inputs.mkdir()
    out.mkdir()
    paths = {name: make_input(inputs, name, content) for name, (content, _) in {**FAILING, **CONVERTED}.items()}
    proc = run("convert", *paths.values(), "-o", out)
    return paths, out, proc


def test_batch_exits_1_without_a_traceback_and_checks_out(batch):
    paths, out, proc = batch
    assert proc.returncode == 1, proc.stderr
    assert "Traceback" not in proc.stderr
    assert proc.stdout == ""
    checked = check_outputs(out)  # every PDF passes qpdf --check, every DOCX parses, no *.part
    assert len(checked) == 2 * len(CONVERTED)


@pytest.mark.parametrize("name", FAILING)
def test_a_failed_input_is_one_line_and_writes_nothing(batch, name):
    paths, out, proc = batch
    lines = lines_about(proc.stderr, paths[name])
    assert len(lines) == 1, proc.stderr
    assert lines[0].startswith(f"{paths[name]}: error: {FAILING[name][1]}")
    assert outputs_of(out, name) == []


@pytest.mark.parametrize("name", CONVERTED)
def test_an_odd_input_is_converted_with_a_warning(batch, name):
    paths, out, proc = batch
    lines = lines_about(proc.stderr, paths[name])
    assert lines[-1] == f"{paths[name]} -> {out / name}.docx, .pdf, .report.txt", proc.stderr
    warnings = [line for line in lines if line.startswith(f"{paths[name]}: warning: ")]
    assert len(lines) == len(warnings) + 1  # warnings, then the line naming the outputs
    expected = CONVERTED[name][1]
    if expected:
        assert any(expected in w for w in warnings), lines
    elif name == "good":
        assert warnings == []
    check_pdf(out / f"{name}.pdf")
    check_docx(out / f"{name}.docx")


def test_decoded_lines_keep_the_speech(batch):
    """The mixed and the UTF-16 file print the same speech as the UTF-8 sample; the bad bytes only �."""
    _, out, _ = batch
    good = squash(docx_text(out / "good.docx"))
    assert squash(docx_text(out / "mixed.docx")) == good
    assert squash(docx_text(out / "utf16.docx")) == good
    bad = squash(docx_text(out / "bad_utf8.docx"))
    assert bad.count("\ufffd") >= 1 and bad.replace("\ufffd", "") == good


def test_characters_no_font_has_are_reported_and_drawn_as_a_box(batch):
    paths, out, proc = batch
    warning = next(w for w in lines_about(proc.stderr, paths["glyphless"]) if "U+E000" in w)
    assert "no installed font can draw" in warning and "□" in warning
    boxes = 1 + ("U+20000" in warning)  # U+20000 only where no font of the chain has it
    text = squash(pdf_text(out / "glyphless.pdf"))
    assert text.count("□") == boxes and "\ue000" not in text
    if boxes == 1:
        assert "\U00020000" in text
    assert "\ue000" in docx_text(out / "glyphless.docx")  # Word picks its own fallback
    report = (out / "glyphless.report.txt").read_text(encoding="utf-8")
    assert "U+E000" in report


def test_markup_prints_literally_and_opens_nothing(batch):
    _, out, _ = batch
    assert squash(INJECTION) in squash(pdf_text(out / "markup.pdf"))
    assert INJECTION in docx_text(out / "markup.docx")
    pdf = PdfReader(str(out / "markup.pdf"))
    for page in pdf.pages:
        xobjects = page["/Resources"].get("/XObject")
        assert xobjects is None or not any(x.get_object().get("/Subtype") == "/Image" for x in xobjects.values())
    assert not re.search(rb"/Subtype\s*/Image", (out / "markup.pdf").read_bytes())
    with zipfile.ZipFile(out / "markup.docx") as z:
        assert not [n for n in z.namelist() if n.startswith("word/media/")]
        rels = b"".join(z.read(n) for n in z.namelist() if n.endswith(".rels"))
        assert b"hostname" not in rels and b'TargetMode="External"' not in rels


def test_the_renderers_never_open_a_file_named_by_the_input(tmp_path, monkeypatch, profile):
    src = tmp_path / "markup.txt"
    src.write_text(MARKUP_SPEECH, encoding="utf-8")
    opened: list[str] = []

    def spy(real):
        def wrapper(file, *args, **kwargs):
            opened.append(os.fsdecode(file) if isinstance(file, (str, bytes, os.PathLike)) else repr(file))
            return real(file, *args, **kwargs)
        return wrapper

    for module, name in ((builtins, "open"), (io, "open"), (os, "open")):
        monkeypatch.setattr(module, name, spy(getattr(module, name)))
    result = convert_file(src, tmp_path, profile, formats=("docx", "pdf", "booklet.pdf", "report.txt"))
    monkeypatch.undo()
    assert str(src) in opened  # the spy sees what is opened
    assert [p for p in opened if "hostname" in p or Path(p).name == "x"] == []
    assert len(result.outputs) == 4
    check_outputs(tmp_path)


def test_build_reports_each_failure_in_one_line_and_converts_the_rest(batch, tmp_path):
    paths, _, _ = batch
    proc = run("build", paths["good"].parent, "-o", tmp_path, "-j", "2")
    assert proc.returncode == 1 and "Traceback" not in proc.stderr
    failed = [n for n in FAILING if paths[n].parent == paths["good"].parent and n != "missing"]
    for name in failed:  # a progress line as it happens, and again in the summary
        assert any(f"{paths[name]}: error: {FAILING[name][1]}" in line for line in proc.stderr.splitlines()), \
            proc.stderr
        assert any(line.startswith(f"  failed: {paths[name]}: {FAILING[name][1]}")
                   for line in proc.stderr.splitlines()), proc.stderr
    assert f"converted {len(CONVERTED)}, skipped 0" in proc.stderr and f"failed {len(failed)}" in proc.stderr
    assert len(check_outputs(tmp_path)) == 2 * len(CONVERTED)


def test_debug_adds_the_traceback(tmp_path, capsys):
    src = make_input(tmp_path, "png", FAILING["png"][0])
    assert cli.main(["convert", str(src), "-o", str(tmp_path), "--debug"]) == 1
    err = capsys.readouterr().err
    assert "Traceback" in err and f"{src}: error: not a text file: it is a PNG image" in err


def test_impose_bad_input_and_output_are_one_line_each(batch, tmp_path):
    _, out, _ = batch
    truncated = tmp_path / "truncated.pdf"
    truncated.write_bytes((out / "good.pdf").read_bytes()[:3000])
    cases = [(SAMPLE, tmp_path / "a.pdf", f"{SAMPLE}: error: not a PDF file"),
             (truncated, tmp_path / "b.pdf", f"{truncated}: error: not a PDF that can be read"),
             (out / "good.pdf", tmp_path / "nope" / "c.pdf",
              f"{tmp_path / 'nope' / 'c.pdf'}: error: cannot write: No such file or directory")]
    for pdf, target, message in cases:
        proc = run("impose", "--booklet", pdf, "-o", target)
        assert proc.returncode == 1 and len(proc.stderr.splitlines()) == 1, proc.stderr
        assert proc.stderr.startswith(message), proc.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["truncated.pdf"]


# --- size ------------------------------------------------------------------------------

# Peak memory is VmHWM, the high-water mark of this process's own memory: ru_maxrss would also
# count the pytest process the child was forked from.
MEASURED = ("import re, sys, time\n"
            "from pipeline.cli import main\n"
            "t = time.perf_counter()\n"
            "rc = main(sys.argv[1:])\n"
            "seconds = time.perf_counter() - t\n"
            "peak = int(re.search(r'VmHWM:\\s+(\\d+) kB', open('/proc/self/status').read())[1])\n"
            "print(f'measured: {seconds:.2f} s, {peak // 1024} MB', file=sys.stderr)\n"
            "sys.exit(rc)\n")


def run_measured(*args):
    """The CLI in a fresh process; its own wall time and peak resident memory (MB)."""
    proc = subprocess.run([sys.executable, "-c", MEASURED, *map(str, args)], cwd=ROOT, capture_output=True,
                          text=True, timeout=120)
    seconds, megabytes = re.search(r"measured: ([\d.]+) s, (\d+) MB", proc.stderr).groups()
    print(f"{args[1]}: {seconds} s, peak {megabytes} MB")
    return proc, float(seconds), int(megabytes)


def test_a_50_mb_text_is_refused_at_once_without_being_read(tmp_path):
    src = tmp_path / "huge.txt"
    with open(src, "wb") as f:
        block = ("同志们：今天我们召开全县工作会议。" * 1000 + "\n").encode("utf-8")
        while f.tell() < 50 * 2**20:
            f.write(block)
        f.truncate(50 * 2**20)
    proc, seconds, megabytes = run_measured("convert", src, "-o", tmp_path)
    assert proc.returncode == 1
    limit = MAX_INPUT_BYTES / 2**20
    assert f"{src}: error: too large for a speech (50.0 MB; the limit is {limit:.0f} MB)" in proc.stderr
    assert "Traceback" not in proc.stderr
    assert seconds < 2 and megabytes < 50  # never read into memory: less than the file itself
    assert sorted(p.name for p in tmp_path.iterdir()) == ["huge.txt"]


def test_a_100000_character_line_is_converted_in_bounded_time_and_memory(tmp_path):
    rng = random.Random(9704)
    words = ["全面从严治党", "基层党建", "教育系统", "工作会议", "责任落实", "，", "，", "。", "GDP增长6.5%"]
    line = ""
    while len(line) < 100_000:
        line += rng.choice(words)
    src = tmp_path / "long.txt"
    src.write_text(f"在全县工作会议上的讲话\n{line[:100_000]}\n", encoding="utf-8")
    proc, seconds, megabytes = run_measured("convert", src, "-o", tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert seconds < 20 and megabytes < 600
    check_outputs(tmp_path)
    assert len(PdfReader(str(tmp_path / "long.pdf")).pages) > 100


def test_a_file_that_is_one_100000_character_line_is_converted(tmp_path, profile):
    """No title: the first block names the document, cut to the 255 characters Word's properties hold."""
    src = tmp_path / "one.txt"
    src.write_text("全面从严治党，" * 14_286, encoding="utf-8")
    result = convert_file(src, tmp_path, profile, formats=("docx",))
    assert "no title found" in result.warnings[0]
    check_outputs(tmp_path)


def test_the_message_of_an_unexpected_failure_stays_one_line(tmp_path, capsys, monkeypatch):
    """A library's error message may run over lines and quote the whole text: it is cut to one line."""
    import pipeline.write.docx

    def fails(doc, profile):
        raise ValueError("bad value\n" + "全" * 100_000 + "\nend")

    monkeypatch.setattr(pipeline.write.docx, "render_docx", fails)
    code = cli.main(["convert", str(SAMPLE), "-o", str(tmp_path), "--format", "docx"])
    lines = capsys.readouterr().err.splitlines()
    assert code == 1 and len(lines) == 1 and lines[0].startswith(f"{SAMPLE}: error: bad value") and len(lines[0]) < 400
    assert part_files(tmp_path) == [] and list(tmp_path.iterdir()) == []


# --- files that cannot be read or written ---------------------------------------------

def test_an_unreadable_input(tmp_path, monkeypatch, capsys, profile):
    """Root reads everything, so reading the file raises as it would for another user."""
    src = tmp_path / "locked.txt"
    src.write_bytes(SAMPLE.read_bytes())
    out = tmp_path / "out"
    out.mkdir()
    real = Path.read_bytes

    def read_bytes(self):
        if self == src:
            raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(self))
        return real(self)

    monkeypatch.setattr(Path, "read_bytes", read_bytes)
    with pytest.raises(ConvertError, match="^cannot read: permission denied$"):
        convert_file(src, out, profile)
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


def convert_an_earlier_version(src, out):
    """Good outputs of an earlier version of `src` in `out`, which a failed run must leave intact."""
    src.write_text("在全县工作会议上的讲话\n同志们：\n这是上一次的讲话稿。\n", encoding="utf-8")
    assert cli.main(["convert", str(src), "-o", str(out)]) == 0
    check_outputs(out)


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


# --- processes --------------------------------------------------------------------------

def default_sigint() -> None:
    """In the child: a shell starts background jobs (`make test &`) with SIGINT ignored, and
    a process that inherits that never sees Ctrl-C. These tests are about Ctrl-C."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


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


def commands_in_group(pgid: int) -> list[str]:
    """The program names of a process group's processes."""
    names = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            name, rest = stat.read_text().rsplit(")", 1)
        except OSError:
            continue  # ended meanwhile
        if int(rest.split()[2]) == pgid:
            names.append(name.split("(", 1)[1])
    return names


def children(pid: int) -> list[int]:
    kids = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            kids.append(int(stat.parent.name))
    return kids


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


# --- the outputs open elsewhere -----------------------------------------------------------

@pytest.mark.skipif(not shutil.which("soffice"), reason="LibreOffice (soffice) is not installed")
def test_libreoffice_opens_a_produced_docx(batch, tmp_path):
    _, out, _ = batch
    proc = subprocess.run(["soffice", f"-env:UserInstallation=file://{tmp_path}/profile", "--headless",
                           "--convert-to", "pdf", "--outdir", str(tmp_path), str(out / "markup.docx")],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    check_pdf(tmp_path / "markup.pdf")
    assert squash(INJECTION) in squash(pdf_text(tmp_path / "markup.pdf"))


# --- any bytes at all ---------------------------------------------------------------------

PIECES = ["在全县工作会议上的讲话\n", "同志们：\n", "一、加强领导\n", "（一）", "一是", "仅供学习 禁止外传\n", "会员群：123\n",
          "- 3 -\n", "\r\n", "\n", "\u3000\u3000", "<b>", "&", "\ue000", "\U00020000", "。", "，"]
TEXT = st.lists(st.one_of(st.sampled_from(PIECES), st.sampled_from(PIECES), st.text(max_size=20)),
                max_size=16).map("".join)
ENCODED = st.builds(lambda t, enc: t.encode(enc, "replace"), TEXT,
                    st.sampled_from(["utf-8", "utf-8-sig", "gb18030", "utf-16", "utf-16-le", "utf-16-be"]))
SPLICED = st.builds(lambda raw, junk, at: raw[:at % (len(raw) + 1)] + junk + raw[at % (len(raw) + 1):],
                    ENCODED, st.binary(min_size=1, max_size=6), st.integers(0, 10_000))
ANY_BYTES = st.one_of(st.binary(max_size=2000), ENCODED, ENCODED, SPLICED)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(ANY_BYTES)
def test_any_bytes_give_valid_outputs_or_one_clear_error(profile, raw):
    with tempfile.TemporaryDirectory() as d:
        src, out = Path(d) / "speech.txt", Path(d) / "out"
        src.write_bytes(raw)
        out.mkdir()
        try:
            convert_file(src, out, profile, formats=("docx", "pdf"))
        except (ConvertError, NoSpeechError, DecodeError) as e:
            message = str(e)
            assert message.strip() and "\n" not in message
            assert list(out.iterdir()) == []
            event(f"refused: {type(e).__name__}")
            return
        event("converted")
        assert sorted(p.name for p in out.iterdir()) == ["speech.docx", "speech.pdf"]
        check_outputs(out)
