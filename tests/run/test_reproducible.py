"""Byte-identical rebuilds: the same input and profile give the same .docx and .pdf bytes,
in separate processes, at different times; SOURCE_DATE_EPOCH dates both files."""
from __future__ import annotations

import hashlib
import io
import os
import subprocess
import sys
import zipfile
from datetime import datetime, timedelta, timezone

import docx
import pytest
from pypdf import PdfReader

from pipeline.write.typesetter import render_docx

from conftest import ROOT, SAMPLE

UTC = timezone.utc
EPOCH = 1710201600  # 2024-03-12 00:00:00 UTC
def build(outdir, seed: str, profile: str = "gbt9704", **env) -> dict[str, str]:
    """Convert the sample (with its booklet, 2-up sheets and report) in a fresh process; sha256 per file."""
    outdir.mkdir()
    env = {k: v for k, v in os.environ.items() if k != "SOURCE_DATE_EPOCH"} | {"PYTHONHASHSEED": seed} | env
    run = dict(cwd=ROOT, env=env, check=True, capture_output=True)
    subprocess.run([sys.executable, "-m", "pipeline", "convert", str(SAMPLE), "-o", str(outdir),
                    "--profile", profile, "--booklet", "--two-up"], **run)
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(outdir.iterdir())}


@pytest.mark.parametrize("profile", ["gbt9704", "large-print"])
def test_two_builds_give_the_same_bytes(tmp_path, profile):
    first = build(tmp_path / "1", "1", profile)
    second = build(tmp_path / "2", "2", profile)  # another hash seed: no set or dict order leaks in
    assert len(first) == 5 and first == second


def test_a_single_convert_and_a_build_give_the_same_bytes(tmp_path):
    """convert of one file typesets its PDF in a process forked before the speech is read, with
    the fonts loaded ahead; build typesets in its workers, fonts loaded as characters need them."""
    single = build(tmp_path / "single", "1")
    folder, out = tmp_path / "in", tmp_path / "out"
    folder.mkdir()
    out.mkdir()
    (folder / SAMPLE.name).write_bytes(SAMPLE.read_bytes())
    subprocess.run([sys.executable, "-m", "pipeline", "build", str(folder), "-o", str(out), "--booklet", "--two-up"],
                   cwd=ROOT, check=True, capture_output=True)
    built = {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(out.iterdir())}
    assert built.keys() == single.keys() and len(built) == 5
    report = f"{SAMPLE.stem}.report.txt"  # names the input file it was made from: not compared
    assert {k: v for k, v in built.items() if k != report} == {k: v for k, v in single.items() if k != report}


def test_source_date_epoch_dates_both_files(tmp_path):
    build(tmp_path / "out", "0", SOURCE_DATE_EPOCH=str(EPOCH))
    data = (tmp_path / "out" / f"{SAMPLE.stem}.docx").read_bytes()
    core = docx.Document(io.BytesIO(data)).core_properties
    assert core.created == core.modified == datetime(2024, 3, 12, tzinfo=UTC)
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        assert {i.date_time for i in z.infolist()} == {(2024, 3, 12, 0, 0, 0)}
        assert z.namelist()[0] == "[Content_Types].xml"
    pdf = PdfReader(tmp_path / "out" / f"{SAMPLE.stem}.pdf")
    assert pdf.metadata.creation_date == datetime(2024, 3, 12, tzinfo=UTC)


def test_docx_dates_without_source_date_epoch(document, profile, monkeypatch):
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    fixed = docx.Document(io.BytesIO(render_docx(document, profile))).core_properties
    assert fixed.created == datetime(2000, 1, 1, tzinfo=UTC)  # as the PDF in reportlab's invariant mode
    given = datetime(2024, 5, 6, 9, 30, tzinfo=timezone(timedelta(hours=8)))  # the input's mtime, say
    data = render_docx(document, profile, date=given)
    assert data == render_docx(document, profile, date=given)
    assert docx.Document(io.BytesIO(data)).core_properties.created == datetime(2024, 5, 6, 1, 30, tzinfo=UTC)
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        assert z.testzip() is None
        assert {i.date_time for i in z.infolist()} == {(2024, 5, 6, 1, 30, 0)}
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(EPOCH))  # wins over the date given
    assert docx.Document(io.BytesIO(render_docx(document, profile, date=given))).core_properties.created == \
        datetime(2024, 3, 12, tzinfo=UTC)
