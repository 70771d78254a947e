"""Stage 3, strip: promotion, site chrome and watermarks removed, each recorded with its reason.

Evidence decides, at the right grain:

- Copy-protection noise and style sheets are cut out of the lines they are glued into
  (`cut_noise`, before glued lines are split); a site's numbering glued to a title (篇1)
  and promotion glued into a sentence (…增强。【更多公文素材，微信：…】) are cut as segments:
  the speech around them stays.
- Where a line stands decides most: `frontmatter.locate` finds the speech's start (its
  title, or a byline above it); all above is the site's header, and lines there that
  repeat the title are duplicates. After the speech's last sentence or paragraph, lines
  are its footer when promotion stands among them (closers such as a date or （掌声）
  stay), and a site's tail starts at END, 往期推荐 or a preview's end.
- Site chrome by shape (chrome.py: metadata lines, time stamps, a translation, a table
  of contents) goes wherever it stands.
- Inside the speech a line goes only on evidence that generalises: a strong signal
  (contact details, URLs, a document speaking of itself), marketing and copyright
  vocabulary on a line that is neither a sentence nor prose, repetition (a watermark),
  a short line splitting a wrapped paragraph, lines glued to removed promotion.
  Vocabulary alone never removes prose, and a removed line that reads as speech is a
  warning, as is a removal that takes a large share of the text.

The signals are data (data/promo_rules.toml, rules.py), extensible with a user's own file.
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import replace

from ..model import Removal
from . import chrome, frontmatter, segments
from .clean import Line
from .frontmatter import is_prose
from .patterns import (
    NAMES_OCCASION,
    closes_speech,
    heading_level,
    is_byline,
    is_salutation,
    is_sentence,
    is_subtitle,
)
from .rules import Rules, Verdict, judge
from .unwrap import Wrap, wrap_width

SEARCH_SUMMARY_WITHIN = 15  # lines: where a page's summary of the text stands
LONG_PROSE = 80  # characters of prose that promotion vocabulary alone never removes as footer
STAGE_DIRECTION = re.compile(r"^[（(][^（）()]{1,12}[）)]$")
# A removal of prose this large, or this share of the text, is named in the warnings.
LARGE_REMOVAL_CHARS = 200
LARGE_REMOVAL_SHARE = 0.2


def _front_matter(text: str) -> bool:
    """A byline, subtitle or salutation: speech, should it ever be removed."""
    return is_byline(text) or is_subtitle(text) or is_salutation(text)


def _speechlike(text: str) -> bool:
    """A sentence or an enumerated heading: the shapes speech text comes in."""
    return is_sentence(text) or heading_level(text) is not None


def _watermark_key(text: str) -> str:
    """Repeated watermarks may carry a page number ("精选文库 第3页") or decoration: those aside, they repeat.
    A line of digits alone (years on a timeline: 2024 / 2025) is not a watermark."""
    key = re.sub(r"[0-9０-９]+", "#", re.sub(r"[\W_]+", "", text))  # decoration aside too: ✦ 文秘之家 ✦
    return key if len(key.replace("#", "")) >= 2 else "\0" + text  # too short to be a watermark


# --- chrome by shape --------------------------------------------------------------------------

def _chrome_lines(lines: list[Line], rules: Rules) -> dict[int, str]:
    labels = chrome.metadata_labels_pattern(rules.metadata_labels)
    texts = [l.text for l in lines]
    found: dict[int, str] = {}
    crumbs: set[str] = set()
    for i, text in enumerate(texts):
        items = chrome.breadcrumb_items(text)
        crumbs.update(items[1:])
        if chrome.is_metadata_line(text, labels):
            found[i] = chrome.METADATA_REASON
        elif chrome.is_foreign_paragraph(text):
            found[i] = "site chrome (text in another script: a translation)"
        elif chrome.is_breadcrumb_trail(text):
            found[i] = "site chrome (a breadcrumb)"
        elif chrome.ITEM_NUMBER_ALONE.fullmatch(text):
            found[i] = "site chrome (a collection's item number)"
        elif chrome.is_photo_caption(text):
            found[i] = "site chrome (a photo's caption)"
        elif chrome.is_lone_mark(text):
            found[i] = "site chrome (a bullet or separator alone)"
    for i, text in enumerate(texts):
        if i not in found and text in crumbs and len(text) <= 10 and not NAMES_OCCASION.search(text):
            found[i] = "site chrome (a breadcrumb's item)"
    for i in chrome.toc_lines(texts):
        found.setdefault(i, "site chrome (a table of contents)")
    for i, text in enumerate(texts):
        if i not in found and chrome.is_collection_title(text):
            found[i] = "site chrome (a collection's title)"
    for i in chrome.keyword_runs(texts):
        found.setdefault(i, "site chrome (a list of keywords)")
    # A page's summary repeats the text's first words (…今年我已经…), after a label (摘要), from
    # one line or run on over several (a subtitle and the first paragraph): the text keeps them.
    words = "|".join(map(re.escape, rules.text_labels))
    label = re.compile(rf"^[【\[]?(?:{words})[】\]]?\s*[：:]?\s*")
    for i, text in enumerate(texts[:SEARCH_SUMMARY_WITHIN]):
        if i not in found and label.fullmatch(text):
            found[i] = "site chrome (a label before the text)"  # [提要] on a line of its own
    for i in _summary_lines(lines, found, label):
        found[i] = "site chrome (a summary repeating the text)"
    return found


def _summary_lines(lines: list[Line], found: dict[int, str], label: re.Pattern) -> list[int]:
    """The lines of a page's summary of the text: a raw line (with its pieces, if it was split
    at a salutation) that, its label aside, starts as a line further down does, and either goes
    on as the text does or stitches sentences that all stand further down."""
    squeezed = [re.sub(r"\s+", "", l.text) for l in lines]
    groups: dict[int, list[int]] = {}
    for i in range(min(len(lines), SEARCH_SUMMARY_WITHIN)):
        if i not in found:
            groups.setdefault(lines[i].no, []).append(i)
    out = []
    for group in groups.values():
        head = re.sub(r"\s+", "", label.sub("", "".join(lines[i].text for i in group))).rstrip("….。. ")
        if len(head) < 20 or not is_prose(head):
            continue
        last = group[-1]
        whole = "".join(squeezed[i] for i in group)
        if whole in squeezed[last + 1:] or all(squeezed[i] in squeezed[last + 1:] for i in group):
            continue  # a copy of the text's lines (a page showing it twice), not a summary of it
        runs = ["".join(squeezed[j:j + 3]) for j in range(last + 1, len(lines))]
        sentences = [x for x in re.split(r"(?<=[。！？：])", head) if x]
        later = "".join(squeezed[last + 1:])
        if any(r.startswith(head) and len(r) > len(head) for r in runs) or (
                any(r.startswith(sentences[0]) for r in runs) and all(x in later for x in sentences)):
            out += group
    return out


# --- the stage ----------------------------------------------------------------------------------

def strip_lines(lines: list[Line], rules: Rules) -> tuple[list[Line], list[Removal], list[str]]:
    """Remove promotion, chrome and watermarks; mark the front matter's lines with their roles.
    Returns the kept lines, the removals and warnings."""
    lines, removed = segments.cut_segments(lines, rules)
    verdicts = [judge(l.text, rules) for l in lines]
    chrome_at = _chrome_lines(lines, rules)
    segments.one_item_of_a_collection(lines, removed, chrome_at)
    metadata = {i for i, r in chrome_at.items() if r == chrome.METADATA_REASON}
    front = frontmatter.locate(lines, [not v.strong for v in verdicts], [v.clean for v in verdicts], set(chrome_at),
                               metadata)
    start = front.start
    end = speech_end(lines, verdicts, start, rules, chrome_at, front.roles)
    width = wrap_width([l for i, l in enumerate(lines) if i not in chrome_at])
    repeats = Counter(_watermark_key(l.text) for l in lines)  # a watermark repeats in the header too
    title_key = frontmatter._key("".join(lines[i].text for i in front.title))

    # Between the title and the salutation stand only title lines, subtitle and bylines.
    salutation = next((i for i, r in front.roles.items() if r == "salutation"), start)
    reasons: dict[int, str] = {}
    for i in range(start):
        reasons[i] = ("duplicate of the title" if i in front.duplicates else chrome_at.get(i)
                      or _reason("promotion: header", verdicts[i]))
    for i in range(end, len(lines)):
        reasons[i] = chrome_at.get(i) or _reason("promotion: footer", verdicts[i])
    for i in range(start, end):
        if i in front.roles:
            continue
        if i in chrome_at:
            reasons[i] = chrome_at[i]
            continue
        if i in front.furniture:
            reasons[i] = _reason("site chrome (between the post's title and its text)", verdicts[i])
            continue
        line, v = lines[i], verdicts[i]
        if title_key and frontmatter._key(line.text) == title_key:
            reasons[i] = "duplicate of the title"
            continue
        if i == start:
            continue
        if i < salutation and not re.search("[\u3400-\u9fff]", line.text):
            reasons[i] = _reason("site chrome (between the title and the salutation)", v)  # an item's number: 1
            continue
        if i < salutation and v.score and not is_prose(line.text) and not _front_matter(line.text):
            reasons[i] = _reason("promotion", v)  # between the title and the salutation: 三味园范文网
            continue
        short = len(line.text) <= rules.watermark_max_chars
        repeated = (repeats[_watermark_key(line.text)] >= rules.watermark_min_repeats and short
                    and not _watermark_key(line.text).startswith("\0")
                    and not (STAGE_DIRECTION.match(line.text) and v.clean))  # （报告完毕后） recurs in a 主持词
        continues = width is not None and width.broke(lines[i - 1].text, lines[i - 1].indented, line.text)
        if _speechlike(line.text) or _is_body_width(line, width) or is_prose(line.text) or _prose(line.text):
            # Speech text: only a strong signal on a short line that does not carry on a
            # wrapped sentence ("请登录\nhttp://…查询。"), or repetition, removes it; in the
            # front matter, before the salutation, promotion vocabulary does too.
            # Without a salutation, the line right under the title is still front matter: a site's
            # blurb stands there (今天小编就为大家分享一篇…，希望对大家有所帮助).
            blurb = salutation == start and i == start + 1 and v.strong and "title" in front.roles.values()
            if v.strong and short and not continues or repeated and v.score or blurb \
                    or i < salutation and (v.strong or v.score and not is_prose(line.text)) and not _front_matter(line.text):
                reasons[i] = _reason("promotion", v)
        elif v.strong or v.score >= rules.marketing_threshold:
            reasons[i] = _reason("promotion", v)
        elif repeated:
            reasons[i] = f"watermark: repeated {repeats[_watermark_key(line.text)]} times"
        elif width and _splits_wrapped_paragraph(lines, verdicts, i, width, reasons):
            reasons[i] = _reason("watermark: inside a wrapped paragraph", v)

    _spread_to_glued_lines(lines, verdicts, reasons, start, end, rules, front.roles)

    kept, warnings = [], []
    pending_break = None  # the removed line just before the next kept one
    prose_removed = 0
    for i, line in enumerate(lines):
        if i in reasons:
            removed.append(Removal(line.no, line.text, reasons[i]))
            speech_like = (_speechlike(line.text) and len(line.text) >= 8 or _front_matter(line.text)
                           or is_prose(line.text))
            if reasons[i] in ("duplicate of the title", chrome.METADATA_REASON) and not is_prose(line.text):
                speech_like = False  # a copy of the title, a time stamp: nothing of the speech
            if speech_like and (start <= i < end or is_prose(line.text)):
                warnings.append(f"line {line.no} was removed ({reasons[i]}) but reads like speech text: "
                                f"{line.text[:40]}")
                prose_removed += len(line.text)
            pending_break = pending_break or line
            continue
        if pending_break is not None and kept:
            # What stood between two kept lines was removed: like a page break, it
            # says nothing about whether the paragraph goes on.
            line = replace(line, after_removed=True, blank_before=line.blank_before or pending_break.blank_before)
        if i in front.roles:
            line = replace(line, role=front.roles[i])
        kept.append(line)
        pending_break = None
    kept_chars = sum(len(l.text) for l in kept)
    if prose_removed >= LARGE_REMOVAL_CHARS or prose_removed and prose_removed >= LARGE_REMOVAL_SHARE * (kept_chars + prose_removed):
        share = prose_removed / max(1, kept_chars + prose_removed)
        warnings.append(f"{prose_removed} characters that read like speech text were removed ({share:.0%} of the "
                        f"text): check the removed lines")
    removed.sort(key=lambda r: r.line)
    return kept, removed, warnings


def _spread_to_glued_lines(lines: list[Line], verdicts: list[Verdict], reasons: dict, start: int, end: int,
                           rules: Rules, roles: dict[int, str]) -> None:
    """A promotion block is several lines glued together (no blank line between), such as an
    account card: "▼ 推荐关注 ▼" / its name / its blurb. From each removed promotion line,
    take the run of short non-sentence lines glued to it (up or down); the run's lines up
    to the last one with a signal of its own go with it."""
    def glued_run(i: int, step: int) -> list[int]:
        run, j = [], i + step
        while start < j < end and j not in reasons and j not in roles and not _speechlike(lines[j].text) \
                and len(lines[j].text) <= rules.watermark_max_chars \
                and not (lines[j] if step > 0 else lines[j + 1]).blank_before:
            run.append(j)
            j += step
        return run

    for i in [i for i in range(start + 1, end) if reasons.get(i, "").startswith("promotion")]:
        for step in (1, -1):
            run = glued_run(i, step)
            signalled = [k for k, j in enumerate(run) if verdicts[j].score]
            for j in run[:signalled[-1] + 1] if signalled else []:
                reasons[j] = _reason("promotion: glued to promotion", verdicts[j])


def _splits_wrapped_paragraph(lines: list[Line], verdicts: list[Verdict], i: int, width: Wrap, reasons: dict) -> bool:
    """A short line standing between a full wrapped line and the line that continues it."""
    prev = next((j for j in range(i - 1, -1, -1) if j not in reasons), None)
    if prev is None or i + 1 >= len(lines) or not _is_body_width(lines[prev], width, slack=3):
        return False
    line, after = lines[i], lines[i + 1]
    # Clearly short, and either carrying a signal or not a piece of a sentence (，、。 inside);
    # never the speaker's or the date's line.
    if not width.is_short(line.text) or not verdicts[i].score or is_byline(line.text):
        return False
    return (not line.indented and not width.broke(line.text, False, after.text)
            and not after.indented and not after.blank_before and not is_sentence(lines[prev].text)
            and heading_level(lines[prev].text) is None and heading_level(after.text) is None
            and not is_salutation(after.text))


def _reason(where: str, v: Verdict) -> str:
    return f"{where} ({', '.join(v.names)})" if v.names else where


def _is_body_width(line: Line, wrap: Wrap | None, slack: int = 1) -> bool:
    """A full line of hard-wrapped body text: as long as the page it was copied from."""
    return wrap is not None and wrap.is_full(line.text, slack, line.indented)


def _prose(text: str) -> bool:
    """Running text, even when cut mid-sentence by a wrap: a full stop inside, or clauses."""
    return "。" in text[:-1] or text.count("，") >= 2


def speech_end(lines: list[Line], verdicts: list[Verdict], start: int, rules: Rules,
               chrome_at: dict[int, str] | None = None, roles: dict[int, str] | None = None) -> int:
    """Index after the speech's last line: below it stand only the site's footer lines.

    A line that starts a site's tail (END, 往期推荐, a preview's end) in the last third cuts
    there. A closing formula (谢谢大家！) near the end ends the speech, with the closers right
    after it (a date, a signature, （掌声）). Otherwise the tail is what follows the last
    sentence or paragraph that carries no heavy signal (a paragraph a preview cut short is
    speech too); its lines go only when promotion stands among them, and then all but the
    closers right under that sentence.
    """
    chrome_at, roles = chrome_at or {}, roles or {}
    end = len(lines)
    tail = start + 2 * (len(lines) - start) // 3
    cut = next((i for i in range(max(tail, start + 1), len(lines))
                if verdicts[i].cut and not is_prose(lines[i].text) and i not in roles), None)
    if cut is not None:
        end = cut
    for i in range(end - 1, max(start, end - 12), -1):
        if rules.closing.search(lines[i].text):
            return _after_closers(lines, verdicts, i + 1, end)
    last = end
    while last - 1 > start and last - 1 not in roles:
        line, v = lines[last - 1], verdicts[last - 1]
        # A sentence stops the walk unless it carries heavy signals, or a strong one on a
        # short line: a long paragraph is the speech's own, whatever words it uses.
        strong = v.strong and len(line.text) <= rules.watermark_max_chars
        # A paragraph a preview cut short is speech; a long one whatever its vocabulary.
        cut_short = is_prose(line.text) and (v.score < rules.marketing_threshold or len(line.text) >= LONG_PROSE)
        if (_speechlike(line.text) or cut_short) and last - 1 not in chrome_at \
                and not (strong or v.heavy >= rules.footer_sentence_threshold):
            break
        last -= 1
    if not any(verdicts[i].score or verdicts[i].strong for i in range(last, end)):
        return end  # no promotion after the last sentence: what stands there is speech
    return _after_closers(lines, verdicts, last, end)


def _after_closers(lines: list[Line], verdicts: list[Verdict], i: int, end: int) -> int:
    """Past the signal-free lines from `i` that close a speech: a date, a signature, （掌声）."""
    while i < end and verdicts[i].clean and closes_speech(lines[i].text):
        i += 1
    return i
