"""Balanced title lines (GB/T 9704-2012 7.3.1: 回行时词意完整，排列对称，长短适宜).

Pure and shared by both writers, so the Word file and the PDF break a title alike.
"""
from __future__ import annotations

import math

OPENING = "“‘（《〈「『【([{"
CLOSING = "，。、；：？！”’）》〉」』】…—,.;:?!)]}"
SPACES = " \u3000"
PHRASE_END = "，、：；！？—暨的" + SPACES  # a break after these falls between phrases
MISBREAK_COST = 9  # a break inside a phrase is worth unbalancing two lines by 2 characters each


def _breakable(text: str) -> list[bool]:
    """ok[j]: may a line end between text[j-1] and text[j]?"""
    ok = [False] * (len(text) + 1)
    depth = 0
    for j in range(1, len(text)):
        prev, nxt = text[j - 1], text[j]
        depth += (prev == "《") - (prev == "》")
        ascii_run = prev.isascii() and nxt.isascii() and not prev.isspace() and not nxt.isspace()
        ok[j] = depth <= 0 and prev not in OPENING and nxt not in CLOSING and not ascii_run
    return ok


def _best_split(text: str, n: int, max_chars: int, ok: list[bool]) -> list[str] | None:
    """The cheapest split into n lines, or None; cost = squared distance from equal lengths."""
    ideal = len(text) / n
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
                if j < len(text) and text[j - 1] not in PHRASE_END:
                    c += MISBREAK_COST
                if j not in reached or c < reached[j][0]:
                    reached[j] = (c, lines + [line])
        best = reached
    return best[len(text)][1] if len(text) in best else None


def split_title(text: str, max_chars: int) -> list[str]:
    """Split a title into the fewest lines of at most max_chars, as equal as possible.

    No line is a single character; no break falls inside 《…》, inside a run of ASCII
    letters and digits, before a closing mark or after an opening one. Breaks after a
    space, punctuation, 暨 or 的 are preferred. When two splits balance equally, the
    earlier lines are the longer ones.
    """
    text = text.strip(SPACES)
    if len(text) <= max_chars:
        return [text]
    # If no split obeys the marks (a 《…》 longer than a line), only the lengths count.
    for ok in (_breakable(text), [True] * (len(text) + 1)):
        for n in range(math.ceil(len(text) / max_chars), len(text) // 2 + 1):
            lines = _best_split(text, n, max_chars, ok)
            if lines:
                return lines
    return [text]
