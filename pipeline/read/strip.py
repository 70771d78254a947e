"""Stage 3, strip: promotional and watermark lines removed, each recorded with its reason.

Where a line stands decides most: everything above the speech's title (or a byline
above it) is the download site's header; after the speech's last sentence, the
lines are its footer when promotion stands among them (closers such as a date or
（掌声） stay), and a site's tail starts at END or 往期推荐. Inside the speech a
line goes only on evidence that generalises: a strong signal (contact details,
URLs, a document speaking of itself, site furniture), marketing and copyright
vocabulary on a line that is not a sentence or prose, repetition (a watermark,
digits and decoration aside), a short line splitting a wrapped paragraph, or
lines glued to removed promotion. A sentence or heading removed inside the speech
is also a warning. The signals are data (data/promo_rules.toml), extensible with a
user's own file.
"""
from __future__ import annotations

import re
import tomllib
from collections import Counter
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path

from .clean import Line
from .unwrap import Wrap, wrap_width
from ..model import Removal
from .patterns import (COMPLETE_TITLE, DATE, TITLE_WORDS, heading_level, is_byline, is_salutation, is_sentence,
                       is_subtitle, looks_like_title_line)

DEFAULT_RULES = Path(__file__).parent.parent / "data" / "promo_rules.toml"
SEARCH_TITLE_WITHIN = 60  # lines: a title further down is not the start of the speech


class RulesError(ValueError):
    """A rules file that cannot be used; the message names the file and the rule."""


@dataclass(frozen=True)
class Signal:
    name: str
    pattern: re.Pattern
    weight: int = 1
    strong: bool = False
    cut: bool = False  # near the end, everything from a line with this signal on is footer


@dataclass(frozen=True)
class Rules:
    signals: tuple[Signal, ...]
    marketing_threshold: int = 2
    footer_sentence_threshold: int = 2
    watermark_max_chars: int = 40
    watermark_min_repeats: int = 2
    closing: re.Pattern = re.compile(r"^谢谢大家[！!。]?$")


@dataclass(frozen=True)
class Verdict:
    score: int  # summed weights of distinct hits
    heavy: int  # the part of score from signals weighing 2 or more (copyright, banners)
    strong: tuple[str, ...]  # names of strong signals hit
    names: tuple[str, ...]  # names of all signals hit
    cut: bool = False  # a signal that starts a site's tail (END, 往期推荐) was hit

    @property
    def clean(self) -> bool:
        return self.score == 0 and not self.strong


SETTINGS = ("marketing_threshold", "footer_sentence_threshold", "watermark_max_chars", "watermark_min_repeats",
            "closing")


def _read_rules(path: Path) -> dict:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as e:
        raise RulesError(f"{path}: cannot read rules: {e.strerror}") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as e:
        raise RulesError(f"{path}: not a valid TOML file: {e}") from None


@lru_cache(maxsize=8)
def load_rules(extra: tuple[str, ...] = ()) -> Rules:
    """The packaged rules, plus the signals (and settings) of each user file in `extra`."""
    signals, settings = [], {}
    for path in (DEFAULT_RULES, *map(Path, extra)):
        data = _read_rules(path)
        for key in SETTINGS:
            if key in data:
                settings[key] = data[key]
        for i, s in enumerate(data.get("signal", [])):
            where = f"{path}: signal {s.get('name', i + 1)!r}"
            try:
                signals.append(Signal(str(s["name"]), re.compile(s["pattern"]), int(s.get("weight", 1)),
                                      bool(s.get("strong", False)), bool(s.get("cut", False))))
            except KeyError as e:
                raise RulesError(f"{where}: missing key {e.args[0]!r}") from None
            except re.error as e:
                raise RulesError(f"{where}: bad pattern: {e}") from None
            except (TypeError, ValueError) as e:
                raise RulesError(f"{where}: {e}") from None
    try:
        settings["closing"] = re.compile(settings.get("closing", Rules.closing.pattern))
        return Rules(tuple(signals), **settings)
    except (re.error, TypeError) as e:
        raise RulesError(f"rules settings: {e}") from None


def judge(text: str, rules: Rules) -> Verdict:
    """Score one line against the signals: each distinct word a signal finds counts its weight.
    The line is read as it is and with its spaces removed (仅 供 学 习 is 仅供学习)."""
    score, heavy, strong, names, cut = 0, 0, [], [], False
    squeezed = re.sub(r"\s+", "", text)
    spaced = squeezed != text
    for s in rules.signals:
        if not (s.pattern.search(text) or spaced and s.pattern.search(squeezed)):
            continue  # most signals find nothing in most lines: no set to build
        hits = {m.group(0) for m in s.pattern.finditer(text)}
        if spaced:
            hits |= {m.group(0) for m in s.pattern.finditer(squeezed)}
        if hits:
            names.append(s.name)
            score += s.weight * len(hits)
            heavy += s.weight * len(hits) if s.weight >= 2 else 0
            strong += [s.name] if s.strong else []
            cut = cut or s.cut
    return Verdict(score, heavy, tuple(strong), tuple(names), cut)


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
    return key if len(key.replace("#", "")) >= 2 else text


def strip_lines(lines: list[Line], rules: Rules) -> tuple[list[Line], list[Removal], list[str]]:
    """Remove promotion and watermarks. Returns the kept lines, the removals and warnings."""
    verdicts = [judge(l.text, rules) for l in lines]
    start = speech_start(lines, verdicts)
    end = speech_end(lines, verdicts, start, rules)
    width = wrap_width(lines)
    repeats = Counter(_watermark_key(l.text) for l in lines)  # a watermark repeats in the header too

    # Between the title and the salutation stand only title lines, subtitle and bylines.
    salutation = next((i for i in range(start, min(end, start + 12)) if verdicts[i].clean
                       and is_salutation(lines[i].text)), start)
    reasons: dict[int, str] = {}
    for i in range(start):
        reasons[i] = _reason("promotion: header", verdicts[i])
    for i in range(end, len(lines)):
        reasons[i] = _reason("promotion: footer", verdicts[i])
    for i in range(start + 1, end):
        line, v = lines[i], verdicts[i]
        short = len(line.text) <= rules.watermark_max_chars
        repeated = repeats[_watermark_key(line.text)] >= rules.watermark_min_repeats and short
        continues = width is not None and width.broke(lines[i - 1].text, lines[i - 1].indented, line.text)
        if _speechlike(line.text) or _is_body_width(line, width) or _prose(line.text):
            # Speech text: only a strong signal on a short line that does not carry on a
            # wrapped sentence ("请登录\nhttp://…查询。"), or repetition, removes it; in the
            # front matter, before the salutation, promotion vocabulary does too.
            if v.strong and short and not continues or repeated and v.score \
                    or i < salutation and v.score and not _front_matter(line.text):
                reasons[i] = _reason("promotion", v)
        elif v.strong or v.score >= rules.marketing_threshold:
            reasons[i] = _reason("promotion", v)
        elif repeated:
            reasons[i] = f"watermark: repeated {repeats[_watermark_key(line.text)]} times"
        elif width and _splits_wrapped_paragraph(lines, verdicts, i, width, reasons):
            reasons[i] = _reason("watermark: inside a wrapped paragraph", v)

    _spread_to_glued_lines(lines, verdicts, reasons, start, end, rules)

    kept, removed, warnings = [], [], []
    pending_break = None  # the removed line just before the next kept one
    for i, line in enumerate(lines):
        if i in reasons:
            removed.append(Removal(line.no, line.text, reasons[i]))
            if start <= i < end and (_speechlike(line.text) and len(line.text) >= 8 or _front_matter(line.text)):
                warnings.append(f"line {line.no} was removed ({reasons[i]}) but reads like speech text: "
                                f"{line.text[:40]}")
            pending_break = pending_break or line
            continue
        if pending_break is not None and kept:
            # What stood between two kept lines was removed: like a page break, it
            # says nothing about whether the paragraph goes on.
            line = replace(line, after_removed=True, blank_before=line.blank_before or pending_break.blank_before)
        kept.append(line)
        pending_break = None
    return kept, removed, warnings


def _spread_to_glued_lines(lines: list[Line], verdicts: list[Verdict], reasons: dict, start: int, end: int,
                           rules: Rules) -> None:
    """A promotion block is several lines glued together (no blank line between), such as an
    account card: "▼ 推荐关注 ▼" / its name / its blurb. From each removed promotion line,
    take the run of short non-sentence lines glued to it (up or down); the run's lines up
    to the last one with a signal of its own go with it."""
    def glued_run(i: int, step: int) -> list[int]:
        run, j = [], i + step
        while start < j < end and j not in reasons and not _speechlike(lines[j].text) \
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
    if not width.is_short(line.text) or not verdicts[i].score and re.search("[，、。；]", line.text) \
            or is_byline(line.text):
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


def speech_start(lines: list[Line], verdicts: list[Verdict]) -> int:
    """Index of the speech's first line (its title, or a byline above it); all above is header."""
    window = range(min(len(lines), SEARCH_TITLE_WITHIN))
    title = _find_title(lines, verdicts, window)
    if title is None:
        # No title found: the speech starts at the first line that carries no signal.
        return next((i for i in range(len(lines)) if verdicts[i].clean), len(lines))
    top = _title_top(lines, verdicts, title)
    # A speaker's line may stand above the title ("县委书记 张××" / title).
    while top > 0 and verdicts[top - 1].clean and is_byline(lines[top - 1].text) and title - top < 3:
        top -= 1
    return top


def _find_title(lines: list[Line], verdicts: list[Verdict], window: range) -> int | None:
    """The title line: above the salutation and the front matter under the title, or else
    the best line that names an occasion."""
    def title_like(i: int) -> bool:
        return verdicts[i].clean and looks_like_title_line(lines[i].text) and not is_subtitle(lines[i].text) \
            and not is_byline(lines[i].text) and not is_salutation(lines[i].text)

    salutation = next((i for i in window if verdicts[i].clean and is_salutation(lines[i].text)), None)
    if salutation is not None:
        # A title naming the occasion just above the salutation wins over the line right above it.
        near = [i for i in range(max(0, salutation - 4), salutation) if title_like(i) and TITLE_WORDS.search(lines[i].text)]
        if near:
            return near[0]
        # Up from the salutation over bylines, a subtitle and any promotion between them.
        i = salutation
        while i > 0 and (verdicts[i - 1].clean and (is_byline(lines[i - 1].text) or is_subtitle(lines[i - 1].text))
                         or not verdicts[i - 1].clean and not _speechlike(lines[i - 1].text)):
            i -= 1
        if i > 0 and title_like(i - 1):
            return i - 1
    # A subtitle "——在……上的讲话" stands under the title.
    for i in window:
        if verdicts[i].clean and is_subtitle(lines[i].text):
            above = [j for j in range(max(0, i - 3), i) if title_like(j)]
            if above:
                return above[-1]
    # Otherwise the line that names the occasion, preferring one followed by front matter.
    candidates = [i for i in window if title_like(i) and TITLE_WORDS.search(lines[i].text)]
    for i in candidates:
        following = lines[i + 1].text if i + 1 < len(lines) else ""
        if COMPLETE_TITLE.search(lines[i].text) or is_byline(following) or is_salutation(following):
            return i
    return candidates[0] if candidates else None


def _title_top(lines: list[Line], verdicts: list[Verdict], i: int) -> int:
    """A title a copy broke over lines: join the title-shaped lines right above it, unless the
    line is a whole title by itself ("在……会议上的讲话")."""
    if COMPLETE_TITLE.search(lines[i].text):
        return i
    top = i
    while (top > 0 and i - top < 2 and not lines[top].blank_before and verdicts[top - 1].clean
           and looks_like_title_line(lines[top - 1].text) and not TITLE_WORDS.search(lines[top - 1].text)
           and not is_byline(lines[top - 1].text)
           and sum(len(l.text) for l in lines[top - 1:i + 1]) <= 60):
        top -= 1
    return top


def speech_end(lines: list[Line], verdicts: list[Verdict], start: int, rules: Rules) -> int:
    """Index after the speech's last line: below it stand only the site's footer lines.

    A line that starts a site's tail (END, 往期推荐) in the last third cuts there. A
    closing formula (谢谢大家！) near the end ends the speech, with the closers right
    after it (a date, a signature, （掌声）). Otherwise the tail is what follows the
    last sentence that carries no heavy signal; its lines go only when promotion stands
    among them, and then all but the closers right under that sentence.
    """
    end = len(lines)
    tail = start + 2 * (len(lines) - start) // 3
    cut = next((i for i in range(max(tail, start + 1), len(lines)) if verdicts[i].cut), None)
    if cut is not None:
        end = cut
    for i in range(end - 1, max(start, end - 12), -1):
        if rules.closing.search(lines[i].text):
            return _after_closers(lines, verdicts, i + 1, end)
    last = end
    while last - 1 > start:
        line, v = lines[last - 1], verdicts[last - 1]
        # A sentence stops the walk unless it carries heavy signals, or a strong one on a
        # short line: a long paragraph is the speech's own, whatever words it uses.
        strong = v.strong and len(line.text) <= rules.watermark_max_chars
        if _speechlike(line.text) and not (strong or v.heavy >= rules.footer_sentence_threshold):
            break
        last -= 1
    if not any(verdicts[i].score or verdicts[i].strong for i in range(last, end)):
        return end  # no promotion after the last sentence: what stands there is speech
    return _after_closers(lines, verdicts, last, end)


def _after_closers(lines: list[Line], verdicts: list[Verdict], i: int, end: int) -> int:
    """Past the signal-free lines from `i` that close a speech: a date, a signature, （掌声）."""
    while i < end and verdicts[i].clean and _closes_speech(lines[i].text):
        i += 1
    return i


def _closes_speech(text: str) -> bool:
    """A line that may end a speech without being a sentence: a date, a signature
    (述职人：李××), a stage direction in brackets （掌声）."""
    return (bool(DATE.search(text)) or is_byline(text) or bool(re.match(r"^\S{1,6}[：:]\s*\S{1,6}$", text))
            or bool(re.match(r"^[（(][^（）()]{1,10}[）)]$", text)))
