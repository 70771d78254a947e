"""Layout profiles (typeset/profile.py): the built-in ones, user files that inherit, mistakes that name their key."""
from __future__ import annotations

import pytest

from pipeline.typeset.profile import ProfileError, builtin_profiles, load_profile

BUILTIN = ("gbt9704", "large-print", "letter")


def test_builtin_names():
    assert builtin_profiles() == sorted(BUILTIN)
    assert load_profile("gbt9704") == load_profile()
    for name in BUILTIN:
        assert load_profile(name).name == name


def write(tmp_path, text: str, name: str = "mine.toml"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_a_user_file_overrides_only_what_it_names(tmp_path):
    base = load_profile()
    mine = load_profile(write(tmp_path, '[fonts.fangsong]\ncandidates = ["LXGW WenKai"]\n'
                                        '[page_number]\nformat = "- {n} -"\n'
                                        '[roles.heading1]\nsize_pt = 18\n'))
    assert mine.name == "mine" and mine.sources == (base.sources[0], tmp_path / "mine.toml")
    assert mine.fonts["fangsong"].candidates == ("LXGW WenKai",)  # lists replace
    assert mine.fonts["fangsong"].word == base.fonts["fangsong"].word  # tables merge
    assert mine.page_number.text(3) == "- 3 -" and mine.page_number.size_pt == base.page_number.size_pt
    assert mine.roles["heading1"].size_pt == 18 and mine.roles["heading1"].font == "hei"
    assert (mine.page, mine.grid, mine.roles["paragraph"]) == (base.page, base.grid, base.roles["paragraph"])


def test_a_base_by_name_or_by_file(tmp_path):
    assert load_profile(write(tmp_path, 'base = "large-print"\n[page_number]\nindent_chars = 0\n')).grid.lines_per_page == 19
    write(tmp_path, 'base = "letter"\nname = "ours"\n', "ours.toml")
    mine = load_profile(write(tmp_path, 'base = "ours.toml"\n[roles.title]\nmax_chars_per_line = 18\n'))
    assert mine.name == "mine" and mine.page.width_mm == 215.9 and mine.roles["title"].max_chars_per_line == 18
    assert [p.name for p in mine.sources] == ["gbt9704.toml", "letter.toml", "ours.toml", "mine.toml"]


BAD = [
    ("colour = 1", "colour: unknown key"),
    ("page = 3", "page: expected a table"),
    ("[grid]\nlines_per_pag = 22", "grid.lines_per_pag: unknown key"),
    ("[roles.paragrah]\nsize_pt = 18", "roles.paragrah: unknown role"),
    ("[roles.paragraph]\nsize_pt = '16'", "roles.paragraph.size_pt: expected a number"),
    ("[roles.heading1]\nbold = 1", "roles.heading1.bold: expected true or false"),
    ("[grid]\nlines_per_page = 22.5", "grid.lines_per_page: expected a whole number"),
    ("[fonts.kai]\ncandidates = 'LXGW WenKai'", "fonts.kai.candidates: expected a list of strings"),
    ("[fonts.new]\nword = 'x'", "fonts.new.word_alt: missing"),
    ("[page]\nwidth_mm = -210", "page.width_mm: must be positive"),
    ("[roles.title]\nsize_pt = 0", "roles.title.size_pt: must be positive"),
    ("[page_number]\nbelow_text_mm = -7", "page_number.below_text_mm: must not be negative"),
    ("[roles.heading1]\nfont = 'heiti'", "roles.heading1.font: 'heiti' is not defined under [fonts]"),
    ("[page_number]\nfont = 'heiti'", "page_number.font: 'heiti' is not defined"),
    ("[roles.title]\nalign = 'centre'", "roles.title.align: expected left, center or justify"),
    ("[page_number]\nformat = '- N -'", "page_number.format: needs {n}"),
    ("[page_number]\nformat = '{n} / {total}'", "page_number.format: needs {n}"),
    ("[grid]\nline_pitch_pt = 30", "grid.lines_per_page: 22 lines × grid.line_pitch_pt 30 pt exceed page.text_height_mm"),
    ("[grid]\nlines_per_page = 20", "grid.lines_per_page: 20 lines × grid.line_pitch_pt 28.95 pt do not fill"),
    ("[roles.paragraph]\nsize_pt = 18", "grid.chars_per_line: page.text_width_mm 156 mm (442.2 pt) holds 24"),
    ("[grid]\ndocx_char_spacing_pt = 0", "grid.chars_per_line"),
    ("[page]\nmargin_left_mm = 60", "page.text_width_mm: page.margin_left_mm + page.text_width_mm = 216 mm"),
    ("[roles.title]\nsize_pt = 30", "roles.title.size_pt: 30 pt is more than grid.line_pitch_pt"),
    ("[roles.title]\nmax_chars_per_line = 22", "roles.title.max_chars_per_line"),
    ("[page_number]\nbelow_text_mm = 33", "page_number.below_text_mm"),
    ("base = 3", "base: expected a profile name or file"),
    ("base = 'nonexistent'", "nonexistent: cannot read profile"),
    ("[grid\n", "not a valid TOML file"),
]


@pytest.mark.parametrize("text, message", BAD)
def test_a_mistake_names_its_file_and_key(tmp_path, text, message):
    path = write(tmp_path, text + "\n")
    with pytest.raises(ProfileError, match="^" + str(tmp_path).replace(".", r"\.")) as e:
        load_profile(path)
    assert message in str(e.value)


def test_no_such_profile_lists_the_builtin_ones():
    with pytest.raises(ProfileError, match="gbt9704, large-print, letter"):
        load_profile("large_print")


def test_bases_in_a_loop(tmp_path):
    write(tmp_path, 'base = "b.toml"\n', "a.toml")
    write(tmp_path, 'base = "a.toml"\n', "b.toml")
    with pytest.raises(ProfileError, match="loop"):
        load_profile(tmp_path / "a.toml")
