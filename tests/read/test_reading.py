"""Unit tests of the reading stages, each called on strings (no files)."""
from __future__ import annotations

import codecs

import pytest

from pipeline.read.clean import Line, clean_lines, fix_punctuation
from pipeline.read.unwrap import join_wrapped, wrap_width
from pipeline.read.decode import DecodeError, decode
from pipeline.read import NoSpeechError, read_speech
from pipeline.read.rules import judge, load_rules
from pipeline.read.strip import strip_lines
from pipeline.read.structure import build_blocks, lead_of

SPEECH = "在全市安全生产工作会议上的讲话\n（2024年3月12日）\n同志们：\n今天，我们召开全市安全生产工作会议。\n一、清醒认识形势\n一要抓好危险化学品安全。全面排查风险。\n"


# --- decode ------------------------------------------------------------------

@pytest.mark.parametrize("codec,expected", [
    ("utf-8", "utf-8"), ("utf-8-sig", "utf-8-sig"), ("gb18030", "gb18030"), ("gbk", "gb18030"),
    ("utf-16", "utf-16"),
])
def test_decode_names_the_encoding(codec, expected):
    d = decode(SPEECH.encode(codec))
    assert d.text.lstrip("\ufeff") == SPEECH
    assert d.encoding == expected
    assert d.warnings == []


def test_decode_utf16_be_with_bom():
    d = decode(codecs.BOM_UTF16_BE + SPEECH.encode("utf-16-be"))
    assert d.text == SPEECH and d.encoding == "utf-16"


def test_decode_utf16_without_bom_is_a_warned_guess():
    d = decode(SPEECH.encode("utf-16-le"))
    assert d.text == SPEECH
    assert d.warnings and "guess" in d.warnings[0]


def test_decode_forced_encoding():
    assert decode(SPEECH.encode("gb18030"), "gb18030").text == SPEECH
    with pytest.raises(DecodeError, match="not valid utf-8"):
        decode(SPEECH.encode("gb18030"), "utf-8")
    with pytest.raises(DecodeError, match="unknown encoding"):
        decode(b"x", "no-such-codec")


def test_decode_utf8_cut_inside_a_character_keeps_the_rest_and_says_so():
    raw = SPEECH.encode("utf-8") + "结尾".encode("utf-8")[:-1]
    d = decode(raw)
    assert d.encoding == "utf-8" and d.text.startswith(SPEECH) and d.text.endswith("结\ufffd")
    assert "line(s) 7 hold bytes that are not UTF-8" in d.warnings[0]


def test_decode_utf8_file_with_a_gb18030_line():
    raw = SPEECH.encode("utf-8") + "这一行是国标编码。\n".encode("gb18030") + "谢谢大家！\n".encode("utf-8")
    d = decode(raw)
    assert d.text == SPEECH + "这一行是国标编码。\n谢谢大家！\n"
    assert d.encoding == "utf-8" and "line(s) 7 are GB18030" in d.warnings[0]


def test_decode_gb18030_with_a_bad_byte_and_a_stray_control_character():
    raw = SPEECH.encode("gb18030") + b"\xff\n" + "末尾\x01一行。\n".encode("gb18030")
    d = decode(raw)
    assert d.encoding == "gb18030" and d.text == SPEECH + "\ufffd\n末尾一行。\n"
    assert "line(s) 7 hold bytes that are not GB18030" in d.warnings[0]
    assert "line(s) 8 held invisible control characters" in d.warnings[1]


def test_decode_gb18030_with_decorations():
    text = "✦✦✦ 精品范文 ✦✦✦\n═══════\n" + SPEECH
    d = decode(text.encode("gb18030"))
    assert d.encoding == "gb18030" and d.text == text and d.warnings == []


@pytest.mark.parametrize("raw,what", [
    (b"\x89PNG\r\n\x1a\n" + bytes(range(256)), "PNG"),
    (b"PK\x03\x04" + bytes(100), "ZIP"),
    (b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n", "PDF"),
    (bytes(range(256)) * 4, "not a text file"),
])
def test_decode_refuses_binary(raw, what):
    with pytest.raises(DecodeError, match=what):
        decode(raw)


# --- clean -------------------------------------------------------------------

@pytest.mark.parametrize("raw,fixed", [
    ("过去一年,全县上下", "过去一年，全县上下"),
    ("同志们:", "同志们："),
    ("工作规模;用好", "工作规模；用好"),
    ("“非粮化”,确保", "“非粮化”，确保"),
    ("(一)加强领导", "（一）加强领导"),
    ("(2024年3月12日)", "（2024年3月12日）"),
    ("为什么?因为", "为什么？因为"),
    # nothing else is rewritten
    ("GDP增长6.5%左右", "GDP增长6.5%左右"),
    ("5G, APP: ok", "5G, APP: ok"),
    ("f(x) = 1", "f(x) = 1"),
    ("×个党支部", "×个党支部"),
    ("（三)持续用力", "（三）持续用力"),
    ("各县(市、区）开展", "各县（市、区）开展"),
    # next to one Chinese character or full-width mark, whatever is on the other side
    ("9月27日,12月3日", "9月27日，12月3日"),
    ("会;2个月前", "会；2个月前"),
    ("不高,GDP", "不高，GDP"),
    ("）,开门", "），开门"),
    ("(1)言会", "（1）言会"),
    ("(GDP)增长", "（GDP）增长"),
    ("同志们 :", "同志们："),
    # between two digits they stay
    ("1,000元", "1,000元"),
    ("上午10:30召开", "上午10:30召开"),
    ("第1,2条", "第1,2条"),
    ("××,×××名师生", "××,×××名师生"),  # × stands for a digit
    ("刘××,同志们", "刘××，同志们"),
])
def test_fix_punctuation(raw, fixed):
    assert fix_punctuation(raw) == fixed


def test_clean_lines_endings_indentation_and_page_marks():
    text = "标题\r\n\u3000\u3000第一段，\r\n- 3 -\r\n第二行。\r  \r第 2 页 共 7 页\nPage 3 of 9\n—4—\n结尾。  \n"
    lines, removed = clean_lines(text)
    assert [l.text for l in lines] == ["标题", "第一段，", "第二行。", "结尾。"]
    assert lines[1].indented and not lines[0].indented
    assert lines[2].after_break
    assert [r.text for r in removed] == ["- 3 -", "第 2 页 共 7 页", "Page 3 of 9", "—4—"]
    assert all(r.reason == "page mark" for r in removed)
    assert [r.line for r in removed] == [3, 6, 7, 8]  # "\r" ends a line too


@pytest.mark.parametrize("mark", ["- 2 / 3 -", "— 3 / 12 —", "·3·", "第2页", "第2页/共7页", "Page 3", "3/9"])
def test_page_marks_with_and_without_the_total(mark):
    lines, removed = clean_lines(f"正文一句话。\n{mark}\n正文二句话。")
    assert [r.text for r in removed] == [mark] and len(lines) == 2


def test_double_spaced_copy_keeps_its_paragraphs():
    """One blank line between the lines of a paragraph, two between paragraphs."""
    w = "一二三四五六七八九十" * 2
    paras = [[w, w, "完。"], [w, "完了。"], [w, w, w, "好。"], [w, "是的。"]]
    text = "\n\n\n".join("\n\n".join(p) for p in paras)
    lines, _ = clean_lines(text)
    assert [l.blank_before for l in lines] == [True, False, False, True, False, True, False, False, False,
                                               True, False]
    assert [p.text for p in join_wrapped(lines)] == ["".join(p) for p in paras]


def test_bare_numbers_in_a_list_are_not_page_marks():
    lines, removed = clean_lines("表格\n1\n2\n3\n完")
    assert [l.text for l in lines] == ["表格", "1", "2", "3", "完"] and removed == []


def test_running_header_repeated_at_page_breaks_is_removed():
    body = "这是一行正文，长度差不多有二十八个字符那么长的样子呀。"
    text = "\n".join(["讲话标题", body, "- 1 -", "讲话标题", body, "- 2 -", "讲话标题", body])
    lines, removed = clean_lines(text)
    assert [l.text for l in lines] == ["讲话标题", body, body, body]
    assert [r.reason for r in removed].count("running header") == 2


def _lines(*texts, indent=()):
    return [Line(i + 1, t, i in indent) for i, t in enumerate(texts)]


def test_join_wrapped_joins_at_the_wrap_width():
    w = "一二三四五六七八九十" * 3  # 30 characters
    lines = _lines(w, w, w, "尾巴。", w, w, w[:10] + "。", w, w, w, "完。", indent=(0, 4, 7))
    assert wrap_width(lines).width == 30
    paras = join_wrapped(lines)
    assert [p.text for p in paras] == [w * 3 + "尾巴。", w + w + w[:10] + "。", w * 3 + "完。"]


def test_join_wrapped_by_display_width_keeps_latin_runs_whole():
    """A copy that wrapped at 40 display cells: digits are half a character, and a URL
    that did not fit moved whole to the next line, leaving the line before it short."""
    w = "一二三四五六七八九十" * 2  # 20 characters, 40 cells
    lines = _lines(w, w, "增长6.5%，一二三四五六七八九十一二三四五", "完。", w, w, "请登录", "http://www.example.gov.cn/banjian/query/index查询。",
                   w, w, w, "完。", indent=(0, 4, 8))
    assert wrap_width(lines).unit == 2
    assert [p.text for p in join_wrapped(lines)] == [
        w + w + "增长6.5%，一二三四五六七八九十一二三四五完。", w + w + "请登录http://www.example.gov.cn/banjian/query/index查询。", w * 3 + "完。"]


def test_page_break_inside_an_unwrapped_paragraph_is_joined():
    lines, _ = clean_lines("标题\n\u3000\u3000这一段话很长很长，在翻页的地方被分页符断开了，后面还有\n- 2 -\n半句话。\n\u3000\u3000下一段。")
    assert [p.text for p in join_wrapped(lines)] == ["标题", "这一段话很长很长，在翻页的地方被分页符断开了，后面还有半句话。", "下一段。"]


def test_join_wrapped_leaves_natural_paragraphs_alone():
    lines = _lines("短。", "这是一段很长的话，" * 4 + "完了。", "另一段。", "再一段话，比较短。" * 3, "结束了。", "好的。", "谢谢大家！")
    assert wrap_width(lines) is None
    assert join_wrapped(lines) == lines


def test_a_long_line_that_ends_no_sentence_goes_on_in_the_next():
    # A copy's stray line break inside a paragraph (…提出了 / ***区新的发展目标…); a heading stays.
    lines = _lines("一、总体要求", "今年，市委决定组建新区党工委，对开发区、保税区和高新园区进行统一领导，会议明确提出了",
                   "新的发展目标，集中全力抓经济。", "二、重点任务")
    assert [l.text for l in join_wrapped(lines)] == [
        "一、总体要求", "今年，市委决定组建新区党工委，对开发区、保税区和高新园区进行统一领导，会议明确提出了新的发展目标，集中全力抓经济。",
        "二、重点任务"]


# --- strip -------------------------------------------------------------------

RULES = load_rules()


@pytest.mark.parametrize("line", [
    "客服QQ：123456789    微信：bigan_2024", "www.wenmo-example.cn", "=========================",
    "（完）", "联系邮箱 ad@example.com", "咨询电话13812345678",
])
def test_strong_signals(line):
    assert judge(line, RULES).strong


@pytest.mark.parametrize("sentence", [
    "要加强会员管理，严禁利用QQ群、公众号传播违规下载的资料。",
    "对举报属实的，给予免费培训和订阅资料的奖励。",
    "各单位要通过二维码、公众号等渠道做好政策宣传。",
])
def test_body_sentences_mentioning_promo_words_stay(sentence):
    text = "\n".join(["在全县工作会议上的讲话", "同志们：", "今天召开会议。", sentence, "谢谢大家！"])
    lines, _ = clean_lines(text)
    kept, removed, _ = strip_lines(lines, RULES)
    assert sentence in [l.text for l in kept]
    assert removed == []


def test_header_footer_and_watermarks_removed_with_reasons():
    text = "\n".join([
        "仅供学习 禁止外传", "酷乐文行", "", "在全县工作会议上的讲话", "同志们：", "今天召开会议。",
        "仅供学习 禁止外传", "第二段话。", "www.example.cn", "谢谢大家！", "-----------", "更多精品材料请关注公众号“笔耕材料库”",
    ])
    lines, _ = clean_lines(text)
    kept, removed, warnings = strip_lines(lines, RULES)
    assert [l.text for l in kept] == ["在全县工作会议上的讲话", "同志们：", "今天召开会议。", "第二段话。", "谢谢大家！"]
    reasons = {r.line: r.reason for r in removed}
    assert reasons[1].startswith("promotion: header") and reasons[2].startswith("promotion: header")
    assert reasons[7].startswith("promotion") and "URL" in reasons[9]
    assert reasons[11].startswith("promotion: footer") and reasons[12].startswith("promotion: footer")


def test_user_rules_extend_the_builtin_ones(tmp_path):
    extra = tmp_path / "mine.toml"
    extra.write_text('[[signal]]\nname = "our site"\npattern = "墨香书斋"\nstrong = true\n', encoding="utf-8")
    rules = load_rules((str(extra),))
    assert judge("墨香书斋", rules).strong and not judge("墨香书斋", RULES).strong


# --- structure ---------------------------------------------------------------

def test_structure_front_matter_headings_and_leads():
    paras = _lines("坚持农业农村优先发展 奋", "力谱写乡村全面振兴新篇章", "——在全县乡村振兴工作推进会上的讲话", "县委书记 刘××",
                   "（2024年3月12日）", "同志们：", "今天开会。", "一、巩固成果", "（一）健全机制", "1.强化谋划", "（1）强化用地保障",
                   "一是健全机制。要坚持。", "第一，压实责任。要严格。", "（二）推进改革。要深化。", "2.抓好安全。全面排查。",
                   "主要表现在三个方面：一是管党治党更加深入。")
    blocks, warnings = _structure(paras)
    got = [(b.type, b.level, b.lead) for b in blocks]
    assert blocks[0].text == "坚持农业农村优先发展 奋力谱写乡村全面振兴新篇章"
    assert got == [("title", None, None), ("subtitle", None, None), ("byline", None, None), ("byline", None, None),
                   ("salutation", None, None), ("paragraph", None, None), ("heading", 1, None), ("heading", 2, None),
                   ("heading", 3, None), ("heading", 4, None), ("paragraph", None, "一是健全机制。"),
                   ("paragraph", None, "第一，压实责任。"), ("paragraph", None, "（二）推进改革。"),
                   ("paragraph", None, "2.抓好安全。"), ("paragraph", None, None)]
    assert warnings == []


def _structure(lines):
    """strip (which finds the front matter) and structure, one line a paragraph."""
    kept, _, strip_warnings = strip_lines(lines, RULES)
    blocks, warnings = build_blocks(kept)
    return blocks, strip_warnings + warnings


def test_a_heading_may_end_in_a_full_stop_but_holds_one_sentence():
    blocks, _ = _structure(_lines("（一）作风建设关系党心民心", "（二）作风问题具有顽固性", "（三）作风建设永远在路上。",
                                    "（四）强化监督执纪。区纪委监委要聚焦突出问题。"))
    assert [(b.type, b.level, b.lead) for b in blocks] == [
        ("heading", 2, None), ("heading", 2, None), ("heading", 2, None), ("paragraph", None, "（四）强化监督执纪。")]


def test_no_title_is_a_warning():
    blocks, warnings = _structure(_lines("今天我们开会。", "谢谢大家！"))
    assert [b.type for b in blocks] == ["paragraph", "paragraph"]
    assert warnings and "no title" in warnings[0]


@pytest.mark.parametrize("text,lead", [("一要加强政治建设。政治建设是根本。", "一要加强政治建设。"),
                                       ("（1）严格落实责任。各单位要……", "（1）严格落实责任。"),
                                       ("6.5%的增长。", None), ("要一是二。", None), ("一是没有句号", None)])
def test_lead_of(text, lead):
    assert lead_of(text) == lead


# --- the whole reading path ----------------------------------------------------

def test_read_speech_accounts_for_every_line():
    raw = "\n".join(["关注公众号，免费领取范文", "", "在全县工作会议上的讲话", "同志们：", "今天开会。", "- 2 -", "谢谢大家！"])
    doc = read_speech(raw.encode("gb18030"), "x.txt")
    assert doc.encoding == "gb18030"
    assert [b.text for b in doc.blocks] == ["在全县工作会议上的讲话", "同志们：", "今天开会。", "谢谢大家！"]
    assert [(r.line, r.reason.split(" (")[0]) for r in doc.removed] == [(1, "promotion: header"), (6, "page mark")]


@pytest.mark.parametrize("raw,what", [(b"", "empty"), (b" \n\t\n\xe3\x80\x80\n", "empty"),
                                      ("仅供学习 禁止外传\n客服QQ：123456789\n".encode(), "only promotional")])
def test_no_speech_is_an_error(raw, what):
    with pytest.raises(NoSpeechError, match=what):
        read_speech(raw)
