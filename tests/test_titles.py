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
