"""`python -m pipeline build`: a folder at a time, incremental, with a summary."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys

from conftest import CORPUS, ROOT, SAMPLE


def build(*args):
    return subprocess.run([sys.executable, "-m", "pipeline", "build", *map(str, args)], cwd=ROOT,
                          capture_output=True, text=True, timeout=300)


def test_build_converts_skips_and_reports(tmp_path):
    src, out = tmp_path / "讲话稿", tmp_path / "输出"
    src.mkdir()
    out.mkdir()
    shutil.copy(SAMPLE, src / "教育系统讲话.txt")
    shutil.copy(CORPUS / "speech04_gb18030.txt", src / "防汛抗旱.txt")
    (src / "坏文件.txt").write_bytes(b"PK\x03\x04" + bytes(50))

    first = build(src, "-o", out, "-j", "2")
    assert first.returncode == 1  # one file failed, and the others are still converted
    assert sorted(p.name for p in out.iterdir()) == ["教育系统讲话.docx", "教育系统讲话.pdf", "教育系统讲话.report.txt",
                                                     "防汛抗旱.docx", "防汛抗旱.pdf", "防汛抗旱.report.txt"]
    assert "converted 2, skipped 0 (up to date), warnings in 0, failed 1" in first.stderr
    assert f"failed: {src / '坏文件.txt'}: a damaged Word file or ZIP archive: it cannot be opened" in first.stderr
    assert "Traceback" not in first.stderr

    (src / "坏文件.txt").unlink()
    again = build(src, "-o", out)
    assert again.returncode == 0
    assert "converted 0, skipped 2 (up to date)" in again.stderr

    pdf = out / "教育系统讲话.pdf"
    before = {p.name: p.stat().st_mtime_ns for p in out.iterdir()}
    os.utime(src / "教育系统讲话.txt")  # touch one input: only it is rebuilt
    third = build(src, "-o", out)
    assert "converted 1, skipped 1 (up to date)" in third.stderr
    assert pdf.stat().st_mtime_ns > before[pdf.name]
    assert (out / "防汛抗旱.pdf").stat().st_mtime_ns == before["防汛抗旱.pdf"]


def test_build_rebuilds_everything_when_the_profile_changes(tmp_path):
    src, out = tmp_path / "in", tmp_path / "out"
    src.mkdir()
    out.mkdir()
    shutil.copy(SAMPLE, src / "a.txt")
    shutil.copy(SAMPLE, src / "b.txt")
    profile = tmp_path / "profile.toml"
    shutil.copy(ROOT / "pipeline" / "data" / "profiles" / "gbt9704.toml", profile)
    assert build(src, "-o", out, "--profile", profile).returncode == 0
    assert "converted 0, skipped 2" in build(src, "-o", out, "--profile", profile).stderr
    future = max(p.stat().st_mtime for p in out.iterdir()) + 10
    os.utime(profile, (future, future))
    assert "converted 2, skipped 0" in build(src, "-o", out, "--profile", profile).stderr


def test_build_missing_folders_are_clear_errors(tmp_path):
    proc = build(tmp_path / "nope", "-o", tmp_path)
    assert proc.returncode == 1 and "input folder" in proc.stderr and "does not exist" in proc.stderr
