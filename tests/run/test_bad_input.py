"""Bad input: a clear answer every time, nothing half-written, nothing injected.

Each row of the matrix asserts the exit status, the one line on stderr that names the file
and the problem (no traceback without --debug), and what is or is not written: no output
for a failed input, the other files of a batch still converted, no *.part temporary file
left. Every PDF and DOCX produced is checked (conftest.check_outputs: qpdf --check; a sound
zip whose XML parts parse). Most rows share one `convert` run over a folder of bad inputs
and the sample (one process start instead of twenty).
"""
from __future__ import annotations

import builtins
import io
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from pypdf import PdfReader, PdfWriter

from conftest import (ROOT, SAMPLE, check_docx, check_outputs, check_pdf, docx_text, outputs_of, part_files,
                      pdf_text, run, squash)
from pipeline import cli
from pipeline.read.sources import MAX_TEXT_BYTES
from pipeline.run.convert import ConvertError, convert_file
from pipeline.read.decode import DecodeError
from pipeline.read import NoSpeechError

SPEECH = SAMPLE.read_text(encoding="utf-8")
LINES = SPEECH.split("\n")
# The two longest lines of the sample (body paragraphs), 1-based as warnings number them.
LONG_LINES = sorted(sorted(range(len(LINES)), key=lambda i: -len(LINES[i]))[:2])

INJECTION = ('A&B公司<b>粗体</b>和</para><font name="x" color="red">字</font><a href="x">链接</a>'
             '<img src="/etc/hostname"/>与&amp;&lt;&#20013;<w:t>x</w:t>以及]]><![CDATA[照原样打印。')
MARKUP_SPEECH = f"在全县工作会议上的讲话\n同志们：\n{INJECTION}\n"


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
    "pdf": (tiny_pdf(), "no text in this PDF: its pages are blank"),
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


def test_the_renderers_never_open_a_file_named_by_the_input(tmp_path, monkeypatch, typesetter):
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
    result = convert_file(src, tmp_path, typesetter, formats=("docx", "pdf", "booklet.pdf", "report.txt"))
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
    limit = MAX_TEXT_BYTES // 2**20
    assert f"{src}: error: too large for a speech (50.0 MB; the limit for this kind of file is {limit} MB)" \
        in proc.stderr
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


def test_a_file_that_is_one_100000_character_line_is_converted(tmp_path, typesetter):
    """No title: the first block names the document, cut to the 255 characters Word's properties hold."""
    src = tmp_path / "one.txt"
    src.write_text("全面从严治党，" * 14_286, encoding="utf-8")
    result = convert_file(src, tmp_path, typesetter, formats=("docx",))
    assert "no title found" in result.warnings[0]
    check_outputs(tmp_path)


def test_the_message_of_an_unexpected_failure_stays_one_line(tmp_path, capsys, monkeypatch):
    """A library's error message may run over lines and quote the whole text: it is cut to one line."""
    from pipeline.write import docx

    def fails(plan, empty, date=None):
        raise ValueError("bad value\n" + "全" * 100_000 + "\nend")

    monkeypatch.setattr(docx, "write_docx", fails)
    code = cli.main(["convert", str(SAMPLE), "-o", str(tmp_path), "--format", "docx"])
    lines = capsys.readouterr().err.splitlines()
    assert code == 1 and len(lines) == 1 and lines[0].startswith(f"{SAMPLE}: error: bad value") and len(lines[0]) < 400
    assert part_files(tmp_path) == [] and list(tmp_path.iterdir()) == []


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
def test_any_bytes_give_valid_outputs_or_one_clear_error(typesetter, raw):
    with tempfile.TemporaryDirectory() as d:
        src, out = Path(d) / "speech.txt", Path(d) / "out"
        src.write_bytes(raw)
        out.mkdir()
        try:
            convert_file(src, out, typesetter, formats=("docx", "pdf"))
        except (ConvertError, NoSpeechError, DecodeError) as e:
            message = str(e)
            assert message.strip() and "\n" not in message
            assert list(out.iterdir()) == []
            event(f"refused: {type(e).__name__}")
            return
        event("converted")
        assert sorted(p.name for p in out.iterdir()) == ["speech.docx", "speech.pdf"]
        check_outputs(out)
