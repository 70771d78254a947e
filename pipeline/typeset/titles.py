"""Balanced title lines (GB/T 9704-2012 7.3.1: 回行时词意完整，排列对称，长短适宜).

Pure and shared by both writers, so the Word file and the PDF break a title alike.
"""
from __future__ import annotations

import math
import re

from ..chars import NO_LINE_END, NO_LINE_START
from ..words import word_starts

SPACES = " \u3000"
PHRASE_END = "，、：；！？—暨的" + SPACES  # a break after these falls between phrases
# The occasion a speech title ends with is one phrase: "…治党 / 工作会议上的讲话".
OCCASION = re.compile(r"(工作|动员|推进|部署|表彰|总结|专题|全体|扩大|务虚|视频|调度)*"
                      r"(会议|大会|座谈会|推进会|动员会|部署会|表彰会|报告会|现场会|培训班|开班式|仪式|典礼|论坛|年会)"
                      r"[上中]?的(讲话|发言|致辞|报告|主持词)$")
# 7.3.1 asks first that a break keep words whole (词意完整): a break inside a phrase is
# worth unbalancing two lines by nearly 5 characters each (8 / 17 rather than 13 / 12).
MISBREAK_COST = 45


def _breakable(text: str, words: bool = True) -> list[bool]:
    """ok[j]: may a line end between text[j-1] and text[j]? Never inside a word (词意完整),
    a 《…》, a run of Latin letters and digits, before a closing mark or after an opening one."""
    ok = [False] * (len(text) + 1)
    # A break between phrases stands, whatever the segmenter says (it reads 暨水 as a word).
    starts = word_starts(text) | _phrase_breaks(text) if words else range(len(text) + 1)
    depth = 0
    for j in range(1, len(text)):
        prev, nxt = text[j - 1], text[j]
        depth += (prev == "《") - (prev == "》")
        ascii_run = prev.isascii() and nxt.isascii() and not prev.isspace() and not nxt.isspace()
        ok[j] = (depth <= 0 and prev not in NO_LINE_END and nxt not in NO_LINE_START and not ascii_run
                 and j in starts)
    return ok


def _phrase_breaks(text: str) -> set[int]:
    """Positions between phrases: after a space, punctuation, 暨 or 的, and before the occasion."""
    breaks = {j for j in range(1, len(text)) if text[j - 1] in PHRASE_END}
    occasion = OCCASION.search(text)
    if occasion:
        breaks.add(occasion.start())
    return breaks


def _best_split(text: str, n: int, max_chars: int, ok: list[bool]) -> list[str] | None:
    """The cheapest split into n lines, or None; cost = squared distance from equal lengths."""
    ideal = len(text) / n
    phrase_breaks = _phrase_breaks(text)
    best = {0: (0.0, [])}  # end position -> (cost, lines) with k lines so far
    for k in range(n):
        reached = {}
        for i, (cost, lines) in best.items():
            for j in range(i + 2, min(len(text), i + max_chars) + 1):
                line = text[i:j].strip(SPACES)
                if (j < len(text) and not ok[j]) or len(line) < 2:
                    continue
                # The tiny k-weighted term breaks ties towards longer earlier lines.
                c = cost + (len(line) - ideal) ** 2 + k * len(line) * 1e-4
                if j < len(text) and j not in phrase_breaks:
                    c += MISBREAK_COST
                if j not in reached or c < reached[j][0]:
                    reached[j] = (c, lines + [line])
        best = reached
    return best[len(text)][1] if len(text) in best else None


def _fewest(text: str, max_chars: int, ok: list[bool]) -> list[str] | None:
    for n in range(math.ceil(len(text) / max_chars), len(text) // 2 + 1):
        lines = _best_split(text, n, max_chars, ok)
        if lines:
            return lines
    return None


def _breaks_of(lines: list[str]) -> set[int]:
    at, out = 0, set()
    for line in lines[:-1]:
        at += len(line)
        out.add(at)
    return out


def split_title(text: str, max_chars: int) -> list[str]:
    """Split a title into the fewest lines of at most max_chars, as equal as possible.

    No line is a single character; no break falls inside 《…》, inside a run of ASCII
    letters and digits, before a closing mark or after an opening one. Breaks after a
    space, punctuation, 暨 or 的, and before the occasion (工作会议上的讲话), are preferred. When two splits balance equally, the
    earlier lines are the longer ones.
    """
    text = text.strip(SPACES)
    if len(text) <= max_chars:
        return [text]
    # A split whose every break falls between phrases (after a mark, 的 or 暨, before the
    # occasion) breaks no word: the segmenter, a tenth of a second to load, is not needed.
    lines = _fewest(text, max_chars, _breakable(text, words=False))
    if lines and _breaks_of(lines) <= _phrase_breaks(text):
        return lines
    # If no split obeys the marks (a 《…》 longer than a line), only the lengths count.
    for ok in (_breakable(text), [True] * (len(text) + 1)):
        for n in range(math.ceil(len(text) / max_chars), len(text) // 2 + 1):
            lines = _best_split(text, n, max_chars, ok)
            if lines:
                return lines
    return [text]
