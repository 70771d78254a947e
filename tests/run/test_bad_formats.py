"""Bad input per reader (issue 14): an encrypted PDF, a scan, a damaged Word file, one with
macros, a page with no text, a 100 MB PDF. Each is one line that names the file and says what
is wrong, exit status 1, nothing written, no traceback; the good file beside it is converted.
And the rest of what `convert`, `build` and `make` do with files that are not text.
"""
from __future__ import annotations

import io
import json
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from PIL import Image
from pypdf import PdfReader, PdfWriter
from reportlab.lib.pagesizes import A4
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen import canvas

from conftest import ROOT, check_outputs, outputs_of, run

FORMATS = ROOT / "tests" / "corpus_formats"
GOOD_PDF = FORMATS / "r_wmjy_lianghui.pdf"
GOOD_DOCX = FORMATS / "r_wmjy_lianghui.docx"


def encrypted_pdf() -> bytes:
    writer = PdfWriter(clone_from=PdfReader(GOOD_PDF))
    writer.encrypt(user_password="secret", owner_password="owner", algorithm="RC4-128")
    buf = io.BytesIO()
    writer.write(buf)
    return buf.getvalue()


def scanned_pdf() -> bytes:
    """A page that is a picture of text, as a scanner makes it: no text layer."""
    picture = Image.new("L", (600, 800), 255)
    for y in range(100, 700, 40):  # lines of "print"
        picture.paste(0, (60, y, 540, y + 12))
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4)
    c.drawImage(ImageReader(picture), 0, 0, *A4)
    c.save()
    return buf.getvalue()


def macro_docx() -> bytes:
    """A .docm: the Word file with a VBA project, declared macro-enabled."""
    src = zipfile.ZipFile(GOOD_DOCX)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for item in src.infolist():
            data = src.read(item)
            if item.filename == "[Content_Types].xml":
                data = data.replace(b"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
                                    b"application/vnd.ms-word.document.macroEnabled.main+xml")
            z.writestr(item, data)
        z.writestr("word/vbaProject.bin", b"\xd0\xcf\x11\xe0" + bytes(508))
    return buf.getvalue()


BAD = {
    "encrypted.pdf": (encrypted_pdf, "an encrypted PDF that needs a password to open"),
    "scan.pdf": (scanned_pdf, "no text layer: this PDF is a scan"),
    "truncated.docx": (lambda: GOOD_DOCX.read_bytes()[: GOOD_DOCX.stat().st_size // 2],
                       "a damaged Word file or ZIP archive: it cannot be opened"),
    "macros.docm": (macro_docx, "a Word file with macros (.docm): for safety it is not read"),
    "empty.html": (lambda: "<html><head><title>讲话稿</title><script>var a = '同志们';</script></head><body>"
                           "<nav><a href='/'>首页</a></nav><div class='footer'>版权所有</div></body></html>".encode(),
                   "a web page with no text in its body"),
    "huge.pdf": ("100 MB", "too large for a speech (100.0 MB; the limit for this kind of file is 50 MB)"),
}


@pytest.fixture(scope="module")
def converted(tmp_path_factory):
    root = tmp_path_factory.mktemp("bad_formats")
    inputs, out = root / "in", root / "out"
    inputs.mkdir()
    out.mkdir()
    paths = {}
    for name, (make, _) in BAD.items():
        path = paths[name] = inputs / name
        if make == "100 MB":
            with path.open("wb") as f:  # sparse: a PDF's header, then 100 MB that are never read
                f.write(GOOD_PDF.read_bytes()[:1024])
                f.truncate(100 * 2**20)
        else:
            path.write_bytes(make())
    good = inputs / "good.pdf"
    shutil.copy(GOOD_PDF, good)
    proc = run("convert", *paths.values(), good, "-o", out)
    return paths, good, out, proc


def test_the_batch_fails_without_a_traceback_and_converts_the_good_file(converted):
    paths, good, out, proc = converted
    assert proc.returncode == 1
    assert "Traceback" not in proc.stderr
    assert outputs_of(out, "good") == ["good.docx", "good.pdf", "good.report.txt"]
    assert len(check_outputs(out)) == 2


@pytest.mark.parametrize("name", BAD)
def test_each_bad_file_is_one_line_naming_it_and_writes_nothing(converted, name):
    paths, good, out, proc = converted
    lines = [line for line in proc.stderr.splitlines() if str(paths[name]) in line]
    assert len(lines) == 1, proc.stderr
    assert lines[0].startswith(f"{paths[name]}: error: {BAD[name][1]}"), lines[0]
    assert outputs_of(out, Path(name).stem) == []


def test_a_pdf_only_protected_from_editing_is_read(tmp_path):
    """Most "encrypted" PDFs from document sites open without a password: they are read."""
    writer = PdfWriter(clone_from=PdfReader(GOOD_PDF))
    writer.encrypt(user_password="", owner_password="owner", algorithm="RC4-128")
    src = tmp_path / "protected.pdf"
    with src.open("wb") as f:
        writer.write(f)
    out = tmp_path / "out"
    out.mkdir()
    proc = run("convert", src, "-o", out)
    assert proc.returncode == 0, proc.stderr
    assert outputs_of(out, "protected") == ["protected.docx", "protected.pdf", "protected.report.txt"]


def test_a_pdf_converted_into_its_own_folder_is_not_overwritten(tmp_path):
    src = tmp_path / "讲话.pdf"
    shutil.copy(GOOD_PDF, src)
    before = src.read_bytes()
    proc = run("convert", src, "-o", tmp_path)
    assert proc.returncode == 1
    assert proc.stderr.strip() == (f"{src}: error: the output 讲话.pdf would overwrite this input: "
                                   "choose another output folder")
    assert src.read_bytes() == before and sorted(p.name for p in tmp_path.iterdir()) == ["讲话.pdf"]


def test_the_report_says_which_reader_read_the_file_and_what_it_dropped(tmp_path):
    proc = run("convert", GOOD_DOCX, "-o", tmp_path)
    assert proc.returncode == 0, proc.stderr
    report = (tmp_path / "r_wmjy_lianghui.report.txt").read_text(encoding="utf-8")
    assert "read as:   a Word file (.docx)" in report
    assert "the reader dropped 3 piece(s) of the file's furniture" in report
    assert "line    0: 仅供学习 禁止外传    [a shape in the Word file's header: a watermark (site furniture)]" in report


def test_build_takes_every_kind_of_speech_file_and_refuses_two_with_one_name(tmp_path):
    src, out = tmp_path / "in", tmp_path / "out"
    src.mkdir()
    out.mkdir()
    for suffix in ("docx", "pdf", "html"):
        shutil.copy(FORMATS / f"r_wmjy_lianghui.{suffix}", src / f"讲话{suffix}.{suffix.upper()}")
    shutil.copy(FORMATS / "r_wmjy_lianghui.docx", src / "同名.docx")
    shutil.copy(FORMATS / "r_wmjy_lianghui.pdf", src / "同名.pdf")
    (src / "notes.md").write_text("不是讲话稿", encoding="utf-8")
    proc = run("build", src, "-o", out, "-j", "2")
    assert proc.returncode == 1
    assert "converted 3, skipped 0 (up to date), warnings in 0, failed 2" in proc.stderr
    assert f"failed: {src / '同名.docx'}: its outputs would overwrite those of 同名.pdf: rename one of them" \
        in proc.stderr
    assert sorted(p.name for p in out.iterdir() if p.suffix == ".pdf") == ["讲话docx.pdf", "讲话html.pdf", "讲话pdf.pdf"]
    again = run("build", src, "-o", src)
    assert again.returncode == 1 and "is the input folder" in again.stderr


def test_an_old_word_file_is_converted_by_libreoffice(tmp_path):
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    assert soffice, "make test installs LibreOffice (scripts/setup.sh --test)"
    subprocess.run([soffice, f"-env:UserInstallation=file://{tmp_path}/profile", "--headless", "--convert-to",
                    "doc", "--outdir", str(tmp_path), str(GOOD_DOCX)], check=True, capture_output=True, timeout=180)
    doc = tmp_path / "r_wmjy_lianghui.doc"
    assert doc.read_bytes()[:4] == b"\xd0\xcf\x11\xe0"
    out = tmp_path / "out"
    out.mkdir()
    proc = run("inspect", doc)
    assert proc.returncode == 0, proc.stderr
    from_doc = json.loads(proc.stdout)
    from_docx = json.loads(run("inspect", GOOD_DOCX).stdout)
    assert from_doc["reader"] == "doc" and from_doc["encoding"] == "doc (converted by LibreOffice)"
    assert [b["text"] for b in from_doc["blocks"]] == [b["text"] for b in from_docx["blocks"]]


def test_an_old_word_file_without_libreoffice_says_how_to_get_a_docx(tmp_path, monkeypatch):
    from pipeline.read import docx_source
    from pipeline.read.decode import DecodeError

    monkeypatch.setattr(docx_source.shutil, "which", lambda name: None)
    with pytest.raises(DecodeError, match=r"^an old Word file \(\.doc\): open it in Word or WPS and save it as "
                                          r"\.docx, or install LibreOffice"):
        docx_source.read_doc(b"\xd0\xcf\x11\xe0" + bytes(1000))
