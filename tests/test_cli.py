"""The command line and `make`, end to end, on the real sample speech."""
from __future__ import annotations

import json
import os
import re
import shutil
import subprocess

import pytest
from docx import Document as DocxDocument
from pypdf import PdfReader

from conftest import ROOT, SAMPLE, run, squash

PROMOTION = ["仅供学习", "禁止外传", "酷乐文行", "现在订阅立享", "打击倒卖", "会员群", "免费QQ群", "自建平台", "不断迭代"]


@pytest.fixture(scope="module")
def converted(tmp_path_factory):
    out = tmp_path_factory.mktemp("out")
    proc = run("convert", SAMPLE, "-o", out)
    assert proc.returncode == 0, proc.stderr
    return out


def test_inspect_prints_the_model_as_json():
    proc = run("inspect", SAMPLE)
    assert proc.returncode == 0, proc.stderr
    doc = json.loads(proc.stdout)
    assert set(doc) >= {"source", "encoding", "blocks", "removed", "warnings"}
    assert doc["encoding"] == "utf-8"
    assert doc["blocks"][0] == {"type": "title", "text": "在全县教育系统全面从严治党工作会议上的讲话"}
    assert doc["blocks"][1] == {"type": "salutation", "text": "同志们："}
    assert [b["level"] for b in doc["blocks"] if b["type"] == "heading"] == [1, 1, 1, 1]
    assert {r["line"] for r in doc["removed"]} == {1, 2, 3, 4, 5, 7, 8, 9}
    assert all(r["reason"].startswith("promotion: header") for r in doc["removed"])


def test_convert_writes_docx_and_pdf_named_after_the_input(converted):
    stem = SAMPLE.stem
    assert sorted(p.name for p in converted.iterdir()) == [f"{stem}.docx", f"{stem}.pdf", f"{stem}.report.txt"]


def test_outputs_hold_the_speech_and_no_promotion(converted):
    doc = json.loads(run("inspect", SAMPLE).stdout)
    speech = squash("".join(b["text"] for b in doc["blocks"]))
    docx = DocxDocument(str(converted / f"{SAMPLE.stem}.docx"))
    docx_text = squash("".join(p.text for p in docx.paragraphs))
    pdf = PdfReader(str(converted / f"{SAMPLE.stem}.pdf"))
    pdf_text = squash(re.sub(r"—\s*\d+\s*—", "", "".join(p.extract_text() for p in pdf.pages)))
    assert docx_text == speech
    assert pdf_text == speech
    for junk in PROMOTION:
        assert junk not in docx_text and junk not in pdf_text


def test_exit_status_1_when_one_file_fails_and_the_others_are_done(tmp_path):
    bad = tmp_path / "图片.txt"
    bad.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(200))
    out = tmp_path / "out"
    out.mkdir()
    proc = run("convert", bad, SAMPLE, "-o", out)
    assert proc.returncode == 1
    assert f"{bad}: error: not a text file: it is a PNG image" in proc.stderr
    assert "Traceback" not in proc.stderr
    assert sorted(p.suffix for p in out.iterdir()) == [".docx", ".pdf", ".txt"]  # the sample only


@pytest.mark.parametrize("args", [[], ["convert"], ["convert", "x.txt"], ["frobnicate"]])
def test_usage_errors_exit_2(args):
    proc = run(*args)
    assert proc.returncode == 2 and "usage:" in proc.stderr


def test_help():
    proc = run("convert", "--help")
    assert proc.returncode == 0 and "-o DIR" in proc.stdout


def test_missing_output_folder_is_a_clear_error(tmp_path):
    proc = run("convert", SAMPLE, "-o", tmp_path / "nope")
    assert proc.returncode == 1
    assert "output folder" in proc.stderr and "does not exist" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_only_promotion_is_an_error_and_writes_nothing(tmp_path):
    src = tmp_path / "广告.txt"
    src.write_text("仅供学习 禁止外传\n客服QQ：123456789\n", encoding="utf-8")
    proc = run("convert", src, "-o", tmp_path)
    assert proc.returncode == 1 and "no speech text found" in proc.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["广告.txt"]


def test_markup_in_the_speech_prints_literally(tmp_path):
    src = tmp_path / "标记.txt"
    src.write_text("在全县工作会议上的讲话\n同志们：\nA&B公司的<b>粗体</b>和</para><font>照原样打印。\n", encoding="utf-8")
    proc = run("convert", src, "-o", tmp_path)
    assert proc.returncode == 0, proc.stderr
    pdf_text = "".join(p.extract_text() for p in PdfReader(str(tmp_path / "标记.pdf")).pages)
    docx_text = "".join(p.text for p in DocxDocument(str(tmp_path / "标记.docx")).paragraphs)
    for text in (pdf_text, docx_text):
        assert "A&B公司的<b>粗体</b>和</para><font>照原样打印。" in squash(text)


def test_make_rebuilds_only_what_is_stale(tmp_path):
    """make in a scratch copy of the project: -j2 builds all, a second run nothing, a touched input only itself."""
    for name in ("pipeline", "scripts", ".venv"):
        os.symlink(ROOT / name, tmp_path / name)
    for name in ("Makefile", "pyproject.toml"):
        # copy2 keeps the times: a pyproject.toml newer than .venv/.installed would have make
        # run the set-up here, and pip point the shared .venv's editable install at this copy.
        shutil.copy2(ROOT / name, tmp_path / name)
    (tmp_path / "inputs").mkdir()
    for name in ("甲", "乙"):
        shutil.copy(SAMPLE, tmp_path / "inputs" / f"{name}.txt")
    make = lambda *a: subprocess.run(["make", *a], cwd=tmp_path, capture_output=True, text=True, timeout=300)
    first = make("-j2")
    assert first.returncode == 0, first.stderr
    assert "scripts/setup.sh" not in first.stdout  # the set-up is the project's, done once
    assert sorted(p.name for p in (tmp_path / "outputs").iterdir()) == [
        "乙.docx", "乙.pdf", "乙.report.txt", "甲.docx", "甲.pdf", "甲.report.txt"]
    assert "convert" not in make("-n").stdout
    os.utime(tmp_path / "inputs" / "甲.txt")
    dry = make("-n").stdout
    assert "甲.txt" in dry and "乙.txt" not in dry
    assert make("clean").returncode == 0
    assert list((tmp_path / "outputs").iterdir()) == []


def test_report_says_what_was_removed_and_what_was_made(converted):
    report = (converted / f"{SAMPLE.stem}.report.txt").read_text(encoding="utf-8")
    assert "encoding:  utf-8" in report and "profile:   gbt9704" in report
    assert "pages:     7 (PDF)" in report
    assert "warnings: none" in report
    assert "removed lines (8), each with its reason:" in report
    assert "line    1: 仅供学习 禁止外传    [promotion: header" in report


def test_booklet_and_two_up_outputs(tmp_path):
    proc = run("convert", SAMPLE, "-o", tmp_path, "--booklet", "--two-up", "--no-report")
    assert proc.returncode == 0, proc.stderr
    booklet = PdfReader(str(tmp_path / f"{SAMPLE.stem}.booklet.pdf"))
    two_up = PdfReader(str(tmp_path / f"{SAMPLE.stem}.2up.pdf"))
    assert len(booklet.pages) == 4 and len(two_up.pages) == 4  # 7 pages: 8 padded / 2 a side; 2-up ceil(7/2)
    assert round(float(booklet.pages[0].mediabox.width)) == 842
    assert not (tmp_path / f"{SAMPLE.stem}.report.txt").exists()
    proc = run("impose", "--two-up", tmp_path / f"{SAMPLE.stem}.pdf", "-o", tmp_path / "x.pdf")
    assert proc.returncode == 0 and len(PdfReader(str(tmp_path / "x.pdf")).pages) == 4
    proc = run("impose", "--booklet", tmp_path / "nope.pdf", "-o", tmp_path / "y.pdf")
    assert proc.returncode == 1 and "nope.pdf: error:" in proc.stderr and not (tmp_path / "y.pdf").exists()
