"""Copy-protection noise, recognised by what it is: improbable runs of characters.

Two kinds are common in downloads:

- **ASCII jammer.** Forums (Discuz's "jammer") hide random ASCII in every paragraph, so that
  a copy carries it at line starts and ends, or as whole lines: `4 d0 L2 Z& v4 N3 }&`. A
  speech's own ASCII is numbers, units, acronyms and words (`6.5%`, `GDP`, `5G`, `APP`,
  `10:30`); the jammer is a run of very short tokens mixing letters, digits and signs.
- **Rare-character filler.** Document-sharing sites fill gaps with runs of rare characters
  drawn in white (`蒄蚄袀膇莀蚃羂羀芆…`). Speech text is written almost only in the 3,755
  characters of GB 2312's first level, the most frequent ones (that is how the level was
  chosen), or in Big5's first level when a site converted it to traditional script; a run
  of characters mostly outside both is not prose.

`find_noise(text)` returns the noise spans of one line; the strip stage removes them and
records each, the speech around them staying as it is.
"""
from __future__ import annotations

import re

from .script import frequent_levels, is_traditional

# --- rare-character filler ----------------------------------------------------------------

MIN_FILLER_RUN = 6  # a name or a rare word has one or two rare characters, not six in a row
FILLER_SHARE = 0.7  # of a run's characters outside the common level


def is_common_han(ch: str, traditional: bool | None = None) -> bool:
    """A frequent character of simplified or (traditional=True) traditional text; either, when
    the script is not known."""
    gb, big5 = frequent_levels(ch)
    return (gb or big5) if traditional is None else big5 if traditional else gb


def _han(ch: str) -> bool:
    return "\u3400" <= ch <= "\u9fff" or "\uf900" <= ch <= "\ufaff" or ch >= "\U00020000"


def filler_spans(text: str) -> list[tuple[int, int]]:
    """Runs of Han characters (no punctuation between) of which most are rare."""
    spans = []
    traditional = None
    for m in _HAN_RUN.finditer(text):
        run = m.group(0)
        if len(run) < MIN_FILLER_RUN:
            continue
        if traditional is None:
            traditional = is_traditional(text)
        rare = [not is_common_han(ch, traditional) for ch in run]
        # The densest stretch: trim common characters at the run's ends (speech glued to the filler).
        start, end = 0, len(run)
        while start < end and not rare[start]:
            start += 1
        while end > start and not rare[end - 1]:
            end -= 1
        piece = rare[start:end]
        if len(piece) >= MIN_FILLER_RUN and sum(piece) >= FILLER_SHARE * len(piece):
            spans.append((m.start() + start, m.start() + end))
    return spans


_HAN_RUN = re.compile("[\u3400-\u9fff\uf900-\ufaff\U00020000-\U0003134f]+")

# --- ASCII jammer ---------------------------------------------------------------------------

# A stretch of ASCII (and spaces) between non-ASCII text: the candidates for jammer.
_ASCII_STRETCH = re.compile(r"[\x21-\x7e](?:[\x21-\x7e ]*[\x21-\x7e])?")
_TOKEN = re.compile(r"\S+")
# What speech ASCII looks like, token by token: numbers (with units, ranges, times, decimals,
# percentages), words and acronyms, a URL or address, an enumerator.
_PLAIN = re.compile(r"(?:[0-9]+(?:[.,:/\-~][0-9]+)*[%‰]?|[A-Za-z]+(?:[-'.][A-Za-z]+)*[.,;:!?]?|[A-Za-z]+[0-9]+|[0-9]+[A-Za-z]+"
                    r"|\(?[0-9]{1,2}[.)]|[(\[]?[0-9A-Za-z]+[)\]]?[,.;:]?)")
MIN_JAMMER_TOKENS = 4


def _jammer_like(tokens: list[str]) -> bool:
    """Short tokens that mix letters, digits and signs as no text does: `d0 L2 Z& }&`."""
    if len(tokens) < MIN_JAMMER_TOKENS or any(len(t) > 4 for t in tokens):
        return False
    odd = sum(1 for t in tokens if not _PLAIN.fullmatch(t) or (len(t) == 2 and t[0].isalpha() != t[1].isalpha()
                                                               and t[0].isalnum() and t[1].isalnum()))
    signs = sum(1 for t in tokens if re.search(r"[^0-9A-Za-z]", t))
    return odd >= max(3, 0.4 * len(tokens)) and (signs > 0 or odd >= 0.75 * len(tokens))


def jammer_spans(text: str) -> list[tuple[int, int]]:
    """ASCII stretches made of jammer tokens. A trailing enumerator glued to Chinese text
    (`… P(1)言会`) is the speech's own and stays."""
    spans = []
    for m in _ASCII_STRETCH.finditer(text):
        tokens = _TOKEN.findall(m.group(0))
        if not _jammer_like(tokens):
            continue
        start, end = m.start(), m.end()
        if start > 0 and text[start] in ",:;?!.)" and not text[start - 1].isspace():
            start += 1  # 同志们: $ |2 R9 …: the colon is the speech's own
        keep = re.search(r"(?:\([0-9]{1,2}\)|[0-9]{1,2}[.、])$", text[start:end])
        if keep and end < len(text) and _han(text[end]):
            end = start + keep.start()
        spans.append((start, end))
    return spans


def noise_spans(text: str) -> list[tuple[int, int, str]]:
    """Spans of copy-protection noise in one line, with what they are, in order."""
    spans = [(a, b, "copy-protection noise (ASCII jammer)") for a, b in jammer_spans(text)]
    if not text.isascii():
        spans += [(a, b, "copy-protection noise (rare-character filler)") for a, b in filler_spans(text)]
    return sorted(spans)


# --- conversion glosses and inserted marks ----------------------------------------------------

_TONED = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜńňǹ"
# Pinyin a conversion to traditional script left after characters: 戰(zhàn)略, cut open at a line's end: 發(fā
PINYIN_GLOSS = re.compile(rf"(?<=[\u3400-\u9fff])[（(][a-zü]*[{_TONED}][a-zü]*(?:[）)]|$)")
# The same without tone marks (過(guo)去(qu), 大(da)(da)): one whole syllable in brackets right after a
# character. Plain Latin in brackets may be the author's (网络(web)), so it takes more of them.
_SYLLABLE = (r"(?:[zcs]h|[bpmfdtnlgkhjqxrzcsyw])?(?:iang|iong|uang|ueng|ang|eng|ing|ong|iao|ian|uai|uan|üan|van"
             r"|ai|ei|ao|ou|an|en|er|ia|ie|iu|in|ua|uo|ui|un|üe|ün|ve|ue|vn|a|o|e|i|u|ü|v)")
PINYIN_GLOSS_TONELESS = re.compile(rf"(?<=[\u3400-\u9fff])(?:[（(]{_SYLLABLE}[）)])+")
MIN_TONELESS = 6
# A comma a site inserted before another mark, all through a text: 繁花似錦,,綠草如茵,。
INSERTED_COMMA = re.compile(r"[，,](?=[，,。！？；：、!?;])")
# A question mark a conversion put after a paragraph's last mark: 大家下午好！?
STRAY_QUESTION = re.compile(r"(?<=[。！？；”!;])[？?](?=\s*$)")
MIN_SYSTEMATIC = 3  # occurrences in a text: fewer may be the author's own (a gloss, a typo), which stays


def systematic_spans(texts: list[str]) -> list[list[tuple[int, int, str]]]:
    """Per line, the spans of noise that is noise because the whole text has it throughout:
    pinyin glosses after characters, commas inserted before other marks."""
    out = [[] for _ in texts]
    for pattern, reason, least in (
            (PINYIN_GLOSS, "conversion noise (pinyin after a character)", MIN_SYSTEMATIC),
            (PINYIN_GLOSS_TONELESS, "conversion noise (pinyin after a character)", MIN_TONELESS),
            (INSERTED_COMMA, "copy-protection noise (a comma inserted before a mark)", MIN_SYSTEMATIC),
            (STRAY_QUESTION, "conversion noise (a question mark after a paragraph's end)", MIN_SYSTEMATIC)):
        found = [[(m.start(), m.end()) for m in pattern.finditer(t)] for t in texts]
        if sum(map(len, found)) >= least:
            for spans, line_spans in zip(out, found):
                spans += [(a, b, reason) for a, b in line_spans]
    return out
