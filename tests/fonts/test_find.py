"""Finding installed fonts for a profile's candidates: family names, styles, file names (fonts/find.py)."""
from __future__ import annotations


import pytest

from conftest import face_of
from pipeline.fonts.find import FontFile, _index, find_fonts, installed_fonts


def test_a_candidate_can_name_a_style():
    rows = [("/f/Serif-Bold.ttc", 2, ["Noto Serif CJK SC"], ["Bold"]),
            ("/f/Serif-Regular.ttc", 2, ["Noto Serif CJK SC"], ["Regular"]),
            ("/f/Kai-Light.ttf", 0, ["LXGW WenKai", "霞鹜文楷"], ["Light", "Regular"])]
    found = _index(rows)
    assert found["noto serif cjk sc"] == FontFile("/f/Serif-Regular.ttc", 2, "Noto Serif CJK SC")
    bold = found["noto serif cjk sc:style=bold"]
    assert (bold.path, bold.index, bold.label) == ("/f/Serif-Bold.ttc", 2, "Noto Serif CJK SC Bold")
    assert found["霞鹜文楷:style=light"].path == "/f/Kai-Light.ttf"
    assert "noto serif cjk sc:style=black" not in found


def test_installed_noto_bold_is_found_by_its_style():
    if not face_of("Noto Serif CJK SC"):
        pytest.skip("Noto Serif CJK SC is not installed (Debian: fonts-noto-cjk)")
    regular, = find_fonts(["Noto Serif CJK SC"])
    bold, = find_fonts(["Noto Serif CJK SC:style=Bold"])
    assert "Bold" in bold.path and "Bold" not in regular.path and bold.label == "Noto Serif CJK SC Bold"
    assert find_fonts(["Noto Serif CJK SC : Style = bold"]) == [bold]
    assert find_fonts(["Noto Serif CJK SC:style=NoSuchStyle"]) == []
    assert installed_fonts()  # fontconfig or the font folders answered


def test_fc_lists_answer_is_kept_until_a_font_folder_changes(cache, tmp_path, monkeypatch):
    import os
    import shutil

    from pipeline.fonts import find

    if not shutil.which("fc-list"):
        pytest.skip("no fontconfig")
    folder = tmp_path / "fonts"
    folder.mkdir()
    monkeypatch.setattr(find, "FONT_DIRS", [*find.FONT_DIRS, str(folder)])
    calls = []
    real_run = find.subprocess.run
    monkeypatch.setattr(find.subprocess, "run", lambda *a, **k: calls.append(a) or real_run(*a, **k))
    first = find._from_fontconfig()
    assert first and len(calls) == 1 and find._listing_file().is_file()
    assert find._from_fontconfig() == first and len(calls) == 1  # kept: fc-list not asked again
    os.utime(folder, ns=(0, os.stat(folder).st_mtime_ns + 10**9))  # a font installed there
    assert find._from_fontconfig() == first and len(calls) == 2
