"""Segments cut out of lines: what is removed at a finer grain than a line, so that the
speech around it stays (document-model.md: "only that segment is removed and recorded").

- `cut_noise` (before glued lines are split): copy-protection and conversion noise
  (noise.py), style sheets and a page's HTML; then ASCII punctuation next to Chinese text
  is made full-width, the noise's own marks gone with it.
- `cut_segments` (in the strip stage): a collection's numbering and a word count glued to a
  title, a template tag, a site's label before a title, promotion in brackets or after the
  last sentence of prose, a banner glued before the title.
- `one_item_of_a_collection`: a page that collects speeches holds its first one.
"""
from __future__ import annotations

import re
from dataclasses import replace

from ..model import Removal
from . import chrome, noise
from .clean import Line, fix_punctuation
from .frontmatter import is_prose
from .patterns import DATE, NAMES_OCCASION, is_salutation
from .rules import Rules, Verdict, judge

FRONT_LINES = 12  # lines from the top where a site's banner may stand glued to the title


def _reason(where: str, v: Verdict) -> str:
    return f"{where} ({', '.join(v.names)})" if v.names else where


def _cut(lines: list[Line], spans_of, breaks: frozenset[str] = frozenset(),
         punctuate: bool = False) -> tuple[list[Line], list[Removal]]:
    """Cut the spans `spans_of(i, text)` gives ((start, end, reason)) out of each line; a line
    left with nothing but spaces and marks goes whole, under the first span's reason. Where a
    span's reason is in `breaks` (a page's paragraph tag), the line breaks there too. With
    `punctuate`, every line's ASCII punctuation next to Chinese text is made full-width."""
    out, removed = [], []
    for i, line in enumerate(lines):
        spans = _merged(spans_of(i, line.text))
        if not spans:
            out.append(replace(line, text=fix_punctuation(line.text)) if punctuate else line)
            continue
        pieces, at, piece = [], 0, ""
        for a, b, reason in spans:
            piece += line.text[at:a]
            if reason in breaks:
                pieces.append(piece)
                piece = ""
            at = b
        pieces.append(piece + line.text[at:])
        # Marks that only now stand next to Chinese text are made full-width (好,! → 好！).
        pieces = [fix_punctuation(re.sub(r"[ \t\u3000]{2,}", " ", p).strip()) for p in pieces]
        pieces = [p for p in pieces if re.search(r"\w", p)]
        if not pieces:
            removed.append(Removal(line.no, line.text, spans[0][2]))
            continue
        removed += [Removal(line.no, line.text[a:b].strip(), reason) for a, b, reason in spans if line.text[a:b].strip()]
        out += [replace(line, text=p, blank_before=line.blank_before or k > 0, indented=line.indented and k == 0)
                for k, p in enumerate(pieces)]
    return out, removed


def _merged(spans: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    out: list[tuple[int, int, str]] = []
    for a, b, reason in sorted(spans):
        if out and a <= out[-1][1]:
            out[-1] = (out[-1][0], max(b, out[-1][1]), out[-1][2])
        else:
            out.append((a, b, reason))
    return out


_HTML = "site chrome (the page's HTML)"


def cut_noise(lines: list[Line]) -> tuple[list[Line], list[Removal]]:
    """Copy-protection and conversion noise (noise.py), style sheets and a page's HTML cut out
    of the lines they are glued into; then ASCII punctuation next to Chinese text made
    full-width (document-model.md), the noise's own marks gone with it."""
    texts = [l.text for l in lines]
    systematic = noise.systematic_spans(texts)
    html = sum(len(chrome.html_tag_spans(t)) for t in texts) >= chrome.MIN_HTML_TAGS

    def spans(i: int, text: str):
        found = noise.noise_spans(text) + systematic[i]
        found += [(a, b, "site chrome (style sheet)") for a, b in chrome.style_sheet_spans(text)]
        tags = chrome.html_tag_spans(text)
        if not html:  # a page's tag alone, where its markup ends (<h3> 接待…): never a speech's own
            tags = [(a, b) for a, b in tags if not text[:a].strip() or not text[b:].strip()]
        found += [(a, b, _HTML) for a, b in tags]
        return found
    return _cut(lines, spans, frozenset({_HTML}), punctuate=True)


def _segment_spans(rules: Rules, first_prose: int):
    """What is cut out of a line as a segment: a site's numbering after a title, promotion in
    brackets or after the last sentence of a line of prose, a banner glued before the title
    (above the text's first paragraph)."""
    # 摘要： or 摘    要： (letter-spaced as a form's field names are)
    text_label = re.compile("^(?:" + "|".join(r"\s*".join(map(re.escape, w)) for w in rules.text_labels) + r")\s*[：:]\s*")

    def spans(i: int, text: str):
        found = []
        numbering = chrome.item_numbering(text)
        if numbering:
            found.append((*numbering, _NUMBERING))
        found += [(a, b, "site chrome (a template tag)") for a, b in chrome.template_tag_spans(text)]
        label = chrome.TITLE_LABEL.match(text)
        if label and NAMES_OCCASION.search(text) and len(text) - label.end() >= 8 and not DATE.search(label.group(0)):
            found.append((0, label.end(), "site chrome (a label before the title)"))
        label = text_label.match(text)
        if label and is_prose(text[label.end():]):
            found.append((0, label.end(), "site chrome (a label before the text)"))
        if m := _GLUED_PAGE_MARK.search(text):
            found.append((m.start(), m.end(), "page mark (glued to the text)"))
        if m := _GENRE_AFTER_COLON.search(text):
            found.append((m.start(1), m.end(), "site chrome (the page's keyword after a colon)"))
        if is_prose(text):
            found += _promotion_in_prose(text, rules)
        elif i < min(FRONT_LINES, first_prose):
            found += _promotion_before_a_title(text, rules)
        return found
    return spans


# A preview's page mark glued after the last sentence of its page: …谢谢大家。第1页 共1页
_GLUED_PAGE_MARK = re.compile(r"(?<=[。！？”])\s*(?:第\s*[0-9]+\s*页\s*[，,/]?\s*共\s*[0-9]+\s*页|共\s*[0-9]+\s*页\s*[，,/]?\s*第\s*[0-9]+\s*页)\s*$")

# A page's keyword glued after a line's colon, where the speech's own text would follow on the
# next line: 下面，进行第三项议程：工作会议主持词. A genre's name (…稿, 主持词, 范文), which no
# speech says of itself there.
_GENRE_AFTER_COLON = re.compile(r"[。，、；].{4,}[：:]\s*([\u4e00-\u9fff]{0,10}(?:主持词|讲话稿|发言稿|演讲稿|致辞稿|范文))$")

# What a site's note glued into prose is enclosed in: brackets, or runs of dots on both sides
# (……此处隐藏3032字，下载文档可见……)
_BRACKETED = re.compile(r"【[^【】]{1,60}】|\[[^\[\]]{1,60}\]|[（(][^（）()]{1,60}[）)]")
_DOTS = re.compile(r"[.…·]{2,}")


def _promotion_in_prose(text: str, rules: Rules) -> list[tuple[int, int, str]]:
    """A strong signal inside prose: the bracketed part that holds it, or the unfinished last
    clause it stands in after the line's last sentence; the prose around stays."""
    out = []
    enclosed = [(m.start(), m.end()) for m in _BRACKETED.finditer(text)]
    dots = [(m.start(), m.end()) for m in _DOTS.finditer(text)]
    enclosed += [(a[0], b[1]) for a, b in zip(dots, dots[1:]) if b[0] - a[1] <= 40]  # between two runs of dots
    for a, b in enclosed:
        if not re.search(r"[A-Za-z0-9\u4e00-\u9fff]", text[a:b]):
            continue  # （××）: a placeholder, not a banner
        v = judge(text[a:b], rules)
        if v.strong:
            out.append((a, b, _reason("promotion glued into the text", v)))
    # A site's notice set into a sentence with a space beside it (…民 当前隐藏内容免费查看生改善…):
    # only the strong signal's own words go, the sentence closes up around them.
    for s in rules.signals:
        if not (s.strong and s.inline):
            continue
        for m in s.pattern.finditer(text):
            a, b = m.span()
            set_off = a > 0 and text[a - 1].isspace() or b < len(text) and text[b].isspace()
            if b - a >= 6 and set_off and not any(x <= a and b <= y for x, y, _ in out):
                while a > 0 and text[a - 1].isspace():
                    a -= 1  # the space that set it off goes with it
                while b < len(text) and text[b].isspace():
                    b += 1
                out.append((a, b, _reason("promotion glued into the text", Verdict(0, 0, (s.name,), (s.name,), False))))
    last = max(text.rfind("。"), text.rfind("！"), text.rfind("？"))
    if 0 < last < len(text) - 1 and not any(a > last for a, _, _ in out):
        tail = text[last + 1:]
        v = judge(tail, rules)
        # strong, or heavy as a copyright is (…共青團員。公務員之家版權所有): after the last
        # sentence, in an unfinished clause, either is the site's
        if (v.strong or v.heavy >= 2) and len(tail) <= 60 and not is_prose(tail) and re.search(r"\w", tail):
            out.append((last + 1, len(text), _reason("promotion glued into the text", v)))
    return out


def _promotion_before_a_title(text: str, rules: Rules) -> list[tuple[int, int, str]]:
    """A site's banner glued before the speech's title on one line (秘书之家—全网资源每日更新
    www.mishuzj.com县十七届人大五次会议表态发言): the banner goes, the title that names its
    occasion stays."""
    v = judge(text, rules)
    if not v.strong:
        return []
    end = max((m.end() for s in rules.signals if s.strong for m in s.pattern.finditer(text)), default=0)
    while end < len(text) and text[end].isascii() and (text[end].isalnum() or text[end] in "./-_:?=&%#~"):
        end += 1  # the rest of an address the signal found the start of: www.mishuzj.com
    rest = text[end:].lstrip(" -—|｜:：")
    if 6 <= len(rest) <= 40 and NAMES_OCCASION.search(rest) and not judge(rest, rules).score:
        return [(0, len(text) - len(rest), _reason("promotion glued before the title", v))]
    return []


def cut_segments(lines: list[Line], rules: Rules) -> tuple[list[Line], list[Removal]]:
    first_prose = next((i for i, l in enumerate(lines) if is_prose(l.text)), len(lines))
    numbered = site_numbering([l.text for l in lines])
    spans = _segment_spans(rules, first_prose)

    def with_numbering(i: int, text: str):
        found = spans(i, text)
        return found + [(0, numbered[i], "site chrome (the site's numbering of paragraphs)")] if i in numbered else found
    return _cut(lines, with_numbering)


_PARAGRAPH_NUMBER = re.compile(r"([0-9]{1,3})\s*[、.．]\s*")


def site_numbering(texts: list[str]) -> dict[int, int]:
    """A site that numbers every paragraph from the salutation on (1、各位同志们，朋友们： / 2、今天，…):
    the lines so numbered, one after another, and where each one's number ends. A speech's own
    list never starts at its salutation."""
    for i, text in enumerate(texts[:FRONT_LINES]):
        m = _PARAGRAPH_NUMBER.match(text)
        if m and m.group(1) == "1" and is_salutation(text[m.end():]):
            out, n = {}, 1
            for j in range(i, len(texts)):
                m = _PARAGRAPH_NUMBER.match(texts[j])
                if not m or int(m.group(1)) != n:
                    break
                out[j], n = m.end(), n + 1
            return out if len(out) >= 2 else {}
    return {}


_NUMBERING = "site chrome (a collection's numbering)"


def one_item_of_a_collection(lines: list[Line], removed: list[Removal], chrome_at: dict[int, str]) -> None:
    """A page that collects speeches numbers them (…篇一, 第1篇：…): the handout holds the first
    one. What stands before its number is the page's, and from the second one's on, too."""
    numbered: dict[int, int] = {}
    for r in removed:
        if r.reason == _NUMBERING and (n := chrome.item_number(r.text)) is not None:
            numbered.setdefault(r.line, n)
    items: dict[int, int] = {}  # item number -> index of its first line
    for no, n in sorted(numbered.items()):
        index = next((i for i, l in enumerate(lines) if l.no == no), None)
        if index is not None:
            items.setdefault(n, index)
    if 1 not in items:
        return
    for i in range(items[1]):
        chrome_at.setdefault(i, "site chrome (before the collection's first item)")
    if 2 in items and items[2] > items[1]:
        for i in range(items[2], len(lines)):
            chrome_at.setdefault(i, "site chrome (the collection's next item)")
