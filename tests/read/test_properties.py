"""Property-based tests of the reading stages: no crash, and no line silently lost."""
from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeline.read.decode import DecodeError, decode
from pipeline.read import NoSpeechError, read_speech


def bare(s: str) -> str:
    return "".join(ch for ch in s if ch.isalnum())


# Lines built from the pieces speeches and promotions are made of, plus arbitrary text.
PIECES = ["在全县工作会议上的讲话", "同志们：", "一、", "（一）", "1.", "一是", "第一，", "。", "，", "仅供学习", "QQ群：",
          "123456", "www.x.cn", "- 3 -", "第 2 页 共 7 页", "=====", "会员", "下载", "（完）", "×", "GDP", "6.5%",
          "\u3000\u3000", " ", "——", "县委书记 刘××", "（2024年3月12日）", "谢谢大家！"]
line = st.lists(st.one_of(st.sampled_from(PIECES), st.text(max_size=12)), max_size=8).map("".join)
speech = st.lists(line, max_size=40).map("\n".join)


def check_accounted(text: str) -> None:
    try:
        doc = read_speech(text.encode("utf-8"))
    except (NoSpeechError, DecodeError):
        return
    out = bare("".join(b.text for b in doc.blocks))
    removed = bare("".join(r.text for r in doc.removed))
    decoded = decode(text.encode("utf-8")).text  # line numbers are the decoded text's
    for no, raw in enumerate(decoded.removeprefix("\ufeff").splitlines(), 1):
        b = bare(raw)
        if not b or b in out or b in removed:
            continue
        # Partly kept: what is left once the texts removed from this line are cut out of it is
        # kept. A removed text may join the pieces around a segment cut before it, so the cuts
        # are made, longest first, until none is left to make.
        left, cuts = b, [bare(r.text) for r in doc.removed if r.line == no and bare(r.text)]
        while found := [c for c in cuts if c in left]:
            cut = max(found, key=len)
            left = left.replace(cut, "", 1)
            cuts.remove(cut)
        assert not left or left in out, f"line lost: {raw!r}"
    for block in doc.blocks:
        assert block.text == block.text.strip() and block.text
        assert block.lead is None or block.text.startswith(block.lead)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(speech)
def test_every_line_is_in_a_block_or_removed(text):
    check_accounted(text)


@settings(max_examples=150, deadline=None)
@given(st.text(max_size=400))
def test_arbitrary_unicode_does_not_crash(text):
    check_accounted(text)


@settings(max_examples=150, deadline=None)
@given(st.binary(max_size=400))
def test_arbitrary_bytes_give_a_document_or_a_clear_error(raw):
    try:
        read_speech(raw)
    except (NoSpeechError, DecodeError) as e:
        assert str(e)
