"""Title lines: balanced, and words kept whole (GB/T 9704-2012 7.3.1 词意完整)."""
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
    ("一二三四五六七八九十一二三四五六七八九十一", ["一二三四五六七八九十一", "二三四五六七八九十一"]),
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
    "一二三四五六七八九十一二三四五六七八九十一二三四五六七八九十一二三四五六七八九十一",
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
    assert split_title("一二三四五六七八九十一二三四五六七八九十一二", 20) == [
        "一二三四五六七八九十一", "二三四五六七八九十一二"]
    lines = split_title("一二三四五六七八九十一二三四五六七八九十一", 20)
    assert min(map(len, lines)) > 1
    assert split_title("在全县推进“六稳”“六保”工作会议上的讲话和部署安排意见", 20)[0][-1] != "“"
    # A 《…》 longer than a line has to break somewhere: then only the lengths count.
    assert split_title("《一二三四五六七八九十一二三四五六七八九十一二三》", 20) == [
        "《一二三四五六七八九十一二", "三四五六七八九十一二三》"]
