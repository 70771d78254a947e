"""Title lines: balanced, and words kept whole (GB/T 9704-2012 7.3.1 词意完整)."""
from pathlib import Path

import pytest

from pipeline.typeset.titles import split_title


@pytest.mark.parametrize("title,lines", [
    ("在全县教育系统全面从严治党工作会议上的讲话", ["在全县教育系统全面从严治党", "工作会议上的讲话"]),
    ("在全市招商引资暨重大项目攻坚年活动动员大会上的讲话", ["在全市招商引资暨重大项目攻坚年活动", "动员大会上的讲话"]),
    ("坚持农业农村优先发展 奋力谱写乡村全面振兴新篇章", ["坚持农业农村优先发展", "奋力谱写乡村全面振兴新篇章"]),
    ("在全市经济工作会议上的讲话", ["在全市经济工作会议上的讲话"]),
])
def test_titles_break_between_phrases(title, lines):
    assert split_title(title, 20) == lines


@pytest.mark.parametrize("text, expected", [
    ("在全市经济工作会议上的讲话", ["在全市经济工作会议上的讲话"]),
    ("的的的的的的的的的的的的的的的的的的的的的", ["的的的的的的的的的的的", "的的的的的的的的的的"]),
    ("坚持农业农村优先发展 奋力谱写乡村全面振兴新篇章", ["坚持农业农村优先发展", "奋力谱写乡村全面振兴新篇章"]),
    ("在全县教育系统全面从严治党暨基层党建述职评议工作会议上的讲话",
     ["在全县教育系统全面从严治党暨", "基层党建述职评议工作会议上的讲话"]),
])
def test_split_title_examples(text, expected):
    assert split_title(text, 20) == expected


@pytest.mark.parametrize("text", [
    "在全县教育系统全面从严治党工作会议上的讲话",
    "深入学习贯彻《中华人民共和国安全生产法》全面提升安全生产治理水平",
    "在全市推进5G网络和APP应用数字化转型暨数字经济高质量发展大会上的讲话",
    "关于进一步加强和改进新时代全市基层党组织建设工作推动全面从严治党向纵深发展的讲话提纲",
    "的的的的的的的的的的的的的的的的的的的的的的的的的的的的的的的的的的的的的的的的的",
])
def test_split_title_rules(text):
    lines = split_title(text, 20)
    assert "".join(lines) == text.replace(" ", "")
    assert len(lines) == -(-len(text) // 20)  # the fewest lines
    assert all(2 <= len(x) <= 20 for x in lines)
    assert max(map(len, lines)) - min(map(len, lines)) <= 8
    for a, b in zip(lines, lines[1:]):
        assert not (a[-1].isascii() and b[0].isascii()), (a, b)
        assert a.count("《") == a.count("》"), a
        assert b[0] not in "，。、；：？！”’）》" and a[-1] not in "“‘（《"


def test_split_title_balances_and_never_leaves_one_character():
    # 的 is a word by itself: strings of it test the balancing alone
    assert split_title("的的的的的的的的的的的的的的的的的的的的的的", 20) == [
        "的的的的的的的的的的的", "的的的的的的的的的的的"]
    lines = split_title("的的的的的的的的的的的的的的的的的的的的的", 20)
    assert min(map(len, lines)) > 1
    assert split_title("在全县推进“六稳”“六保”工作会议上的讲话和部署安排意见", 20)[0][-1] != "“"
    # A 《…》 longer than a line has to break somewhere: then only the lengths count.
    assert split_title("《的的的的的的的的的的的的的的的的的的的的的的的》", 20) == [
        "《的的的的的的的的的的的的", "的的的的的的的的的的的》"]


REAL_TITLES = [line.split("\t")[0] for line in
               (Path(__file__).parent / "real_titles.tsv").read_text(encoding="utf-8").splitlines() if line.strip()]


def test_real_long_titles_break_between_words_and_balance():
    # 21 titles of 24-41 characters from real pages (real_titles.tsv has their addresses)
    import rjieba
    assert len(REAL_TITLES) >= 20
    for title in REAL_TITLES:
        lines = split_title(title, 20)
        assert "".join(lines) == title.replace(" ", "").replace("\u3000", "") or " ".join(lines)
        assert all(len(line) <= 20 for line in lines) and len(lines) == -(-len(title) // 20)
        starts, at = set(), 0
        for word in rjieba.cut(title):
            starts.add(at)
            at += len(word)
        at = 0
        for line in lines[:-1]:
            at += len(line)
            assert at in starts, (title, lines)  # the break falls between two words
        assert max(map(len, lines)) - min(map(len, lines)) <= 8, lines  # 排列对称: no stub line


def test_a_break_inside_a_word_is_no_longer_made():
    # today's splitter broke these inside 总指挥部 and 基层政权 (issue 15)
    for title, word in [("在2025年全区巩固拓展脱贫攻坚成果同乡村振兴有效衔接总指挥部工作研判会议上的讲话", "总指挥部"),
                        ("在全区党建引领基层治理和基层政权建设重点工作推进会上的讲话", "基层政权")]:
        assert any(word in line for line in split_title(title, 20)), split_title(title, 20)
