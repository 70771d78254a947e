"""Stage 2b, unwrap: lines that a PDF copy broke at a fixed width joined back into paragraphs.

Runs after `strip` (a watermark line inside a hard-wrapped paragraph must be removed
before the paragraph is joined). The wrap width is found from the lines themselves,
counted in characters or in display cells, and a line continues the one before it
only where the page edge broke that one.
"""
from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, replace
from functools import lru_cache

from ..chars import NO_LINE_START as CLOSING_MARKS  # may not start a line (GB/T 15834)
from .clean import Line, fix_punctuation
from .patterns import (
    COMPLETE_TITLE,
    closes_speech,
    heading_level,
    is_byline,
    is_salutation,
    is_sentence,
    is_subtitle,
)


@lru_cache(maxsize=4096)  # wrap_width measures each line a dozen ways
def cells(text: str) -> int:
    """Display width: two cells for a wide (Chinese) character, one for a narrow one.
    Quotes, × and … count as wide, as Chinese fonts set them."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WFA" else 1 for ch in text)


@lru_cache(maxsize=4096)
def narrow_cells(text: str) -> int:
    """Display width counting quotes, × and … narrow, as a Western font (or wcwidth) does."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


_FIRST_TOKEN = re.compile(r"[!-~]+|.")  # a run of ASCII that a wrapper never splits, or one character


@dataclass(frozen=True)
class Wrap:
    """How a PDF copy wrapped its lines: at `width`, counted by `measure`.

    Some copies count characters (28 a line, digits included), others display cells
    (a digit is half a Chinese character); `unit` is one character in that measure.
    Whether a copy counted “” as wide or narrow cannot be known, so a line's length
    is a range from `low` (narrow) to `measure` (wide).
    """
    width: int
    measure: Callable[[str], int]
    unit: int
    low: Callable[[str], int] = len

    def is_full(self, text: str, slack: int = 1, indented: bool = False) -> bool:
        """As long as a wrapped line, within `slack` characters; an indented line may have
        had its two characters of indentation counted in the width."""
        extras = (0, 2 * self.unit) if indented else (0,)
        return any(self.low(text) + e - slack * self.unit <= self.width <= self.measure(text) + e + slack * self.unit
                   for e in extras)

    def is_short(self, text: str, by: int = 3) -> bool:
        """Clearly shorter than a wrapped line, however its quotes were counted."""
        return self.measure(text) <= self.width - by * self.unit

    def broke(self, text: str, indented: bool, following: str) -> bool:
        """Whether the page edge broke the line `text`: the first token of `following`
        would not have fitted after it. A line longer than the page was never wrapped."""
        if self.low(text) > self.width + 2 * self.unit:
            return False
        room = self.width - (2 * self.unit if indented else 0)  # an indented first line holds less
        token = _FIRST_TOKEN.match(following)
        needed = self.measure(text) + self.measure(token.group(0) if token else "")
        if needed > room:
            return True
        # One unit of slack, for wrappers that carry a character down rather than start a line
        # with a closing mark; but a full stop one unit short of the edge ends its paragraph.
        return needed > room - self.unit and not (is_sentence(text) and following[1:2] not in CLOSING_MARKS)


def wrap_width(lines: list[Line]) -> Wrap | None:
    """How the text was hard-wrapped, or None when it was not.

    Wrapped text has many lines of (nearly) the same length, the width of the page it
    was copied from; natural paragraphs vary widely in length. Indented lines are left
    out: they open paragraphs and are shorter by their stripped indentation. Both
    measures are tried, and the one under which more lines agree wins.
    """
    texts = [l.text for l in lines if len(l.text) >= 10 and not l.indented]
    indented = [l.text for l in lines if len(l.text) >= 10 and l.indented]
    every = texts + indented
    if len(every) < 6:
        return None
    best = None
    # Indented lines open paragraphs: a copy counted their indentation in the width, or not.
    for measure, low, unit in ((len, len, 1), (cells, narrow_cells, 2)):
        for indent in (None, 0, 2 * unit):  # None: leave indented lines out
            sample = [(t, 0) for t in texts] + ([] if indent is None else [(t, indent) for t in indented])
            if len(sample) < 6:
                continue
            lengths = [measure(t) + e for t, e in sample]
            width, _ = Counter(lengths).most_common(1)[0]
            # A line agrees with the width however its quotes were counted (wide or narrow).
            near = sum(1 for (t, e), n in zip(sample, lengths)
                       if abs(n - width) <= unit or abs(low(t) + e - width) <= unit)
            longer = sum(1 for t in every if low(t) > width + 2 * unit)
            # Many lines end at the page edge, and hardly any line, indented or not, runs past it.
            if (near >= max(4, 0.25 * len(sample)) and longer <= max(2, 0.15 * len(every))
                    and 12 * unit <= width <= 80 * unit and (best is None or near > best[0])):
                best = (near, Wrap(width, measure, unit, low))
    return best[1] if best else None


def join_wrapped(lines: list[Line]) -> list[Line]:
    """Join lines that continue the line before them into paragraphs; other lines pass through.

    Punctuation is fixed again on a joined paragraph: a comma or bracket at a line
    break only now has its Chinese neighbours on both sides.
    """
    wrap = wrap_width(lines)
    uses_indent = sum(l.indented for l in lines) >= 2
    out: list[Line] = []
    last = None  # the last physical line joined into out[-1]
    for line in lines:
        if out and _continues(last, line, wrap, uses_indent, out[-1]):
            out[-1] = replace(out[-1], text=fix_punctuation(out[-1].text + line.text))
        else:
            out.append(line)
        last = line
    return out


MIN_CUT_PARAGRAPH = 40  # characters: a line this long that ends no sentence is a paragraph cut by a line break
MAX_CUT_TAIL = 3  # characters, its stop included: a line this short that ends a sentence is another's tail
_HAN = re.compile(r"[\u3400-\u9fff]")


def _continues(last: Line, line: Line, wrap: Wrap | None, uses_indent: bool, prev: Line) -> bool:
    """Whether `line` continues the paragraph `prev`, whose last physical line was `last`."""
    if line.role or prev.role:  # front matter is complete on its lines (structure joins a title's)
        return False
    if (prev is last and heading_level(prev.text) is not None and prev.text.endswith(("，", "、"))
            and heading_level(line.text) is None and len(prev.text + line.text) <= 60 and "。" not in line.text[:-1]):
        return True  # a heading broken after a clause: 一、肯定成绩，正视问题， / 进一步增强…
    if uses_indent and line.indented:
        return False
    if is_salutation(line.text) or is_subtitle(line.text):
        return False
    # Front matter is complete on its line: nothing continues a subtitle or a whole title.
    if is_subtitle(prev.text) or COMPLETE_TITLE.search(prev.text) or is_byline(prev.text) and prev is last:
        return False
    # After a full stop, an enumerated line opens a paragraph, unless the file marks
    # paragraph starts by indentation and this one is not indented (a wrapped "2.…。")
    if is_sentence(prev.text) and heading_level(line.text) is not None and (
            not uses_indent or "。" not in line.text):
        return False
    if wrap is None:
        # Not hard-wrapped, but a page break, or a copy's stray line break, can still cut a
        # paragraph mid-sentence: a long line that ends no sentence goes on.
        # …（不再详细阐述） and …何尝不是"强敌"呢 end their paragraphs without a stop
        stray_break = (not line.blank_before and len(last.text) >= MIN_CUT_PARAGRAPH
                       and not last.text.endswith(("）", ")", "”", "’", "】", "》", '"', "呢", "吗", "吧", "啊", "呀", "嘛")))
        # …家庭幸福，干 / 杯！: a sentence's last characters, cut off mid-word, are no paragraph.
        stray_break = stray_break or (not line.blank_before and len(line.text) <= MAX_CUT_TAIL
                                      and is_sentence(line.text) and _HAN.match(last.text[-1]))
        return ((line.after_break or stray_break)
                and len(last.text) >= 20 and not is_sentence(last.text) and heading_level(last.text) is None
                and heading_level(line.text) is None and not closes_speech(line.text)
                and not last.text.endswith(("：", ":")))
    if line.blank_before and not (line.after_break or line.after_removed):
        # A blank line ends a paragraph, but for a full line that ends no sentence (a flip-book
        # copy puts blank lines inside paragraphs).
        return (wrap.is_full(last.text, indented=last.indented) and not is_sentence(last.text)
                and not line.indented and heading_level(line.text) is None and not closes_speech(line.text))
    # A paragraph ends with a sentence: a line that ends none goes on, however short a PDF's lost
    # glyphs left it (…必须倍加 / 惜；防控…), unless it is a heading that stopped short of the edge.
    if not is_sentence(last.text) and heading_level(line.text) is None and not closes_speech(last.text) \
            and not closes_speech(line.text):
        if heading_level(prev.text) is None or "。" in prev.text or len(prev.text) > 60:
            return True  # not a heading: a paragraph, perhaps with a run-in lead
        # A heading goes on only from a full line, and only with the short rest of itself
        # (…工作的重要 / 意义), never with a paragraph's full first line.
        return (wrap.is_full(last.text, indented=last.indented or prev is last) and wrap.is_short(line.text)
                and "。" not in line.text[:-1])
    return wrap.broke(last.text, last.indented and prev is last, line.text)
