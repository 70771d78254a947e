"""Stage 3, strip: promotional and watermark lines removed, each recorded with its reason.

Where a line stands decides most: everything above the speech's title is the
download site's header, and promotional lines after the speech's last sentence
are its footer. Inside the speech a line goes only on evidence that generalises:
contact details, URLs and separator rules (strong signals), marketing and
copyright vocabulary on a line that is not a sentence, or a short non-sentence
line repeated through the text (a watermark). The signals are data
(data/promo_rules.toml), extensible with a user's own file.
"""
from __future__ import annotations

import re
import tomllib
from collections import Counter
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path

from .clean import Line, wrap_width
from .model import Removal
from .patterns import (TITLE_WORDS, heading_level, is_byline, is_salutation, is_sentence, is_subtitle,
                       looks_like_title_line)

DEFAULT_RULES = Path(__file__).parent / "data" / "promo_rules.toml"
SEARCH_TITLE_WITHIN = 60  # lines: a title further down is not the start of the speech


class RulesError(ValueError):
    """A rules file that cannot be used; the message names the file and the rule."""


@dataclass(frozen=True)
class Signal:
    name: str
    pattern: re.Pattern
    weight: int = 1
    strong: bool = False


@dataclass(frozen=True)
class Rules:
    signals: tuple[Signal, ...]
    marketing_threshold: int = 2
    watermark_max_chars: int = 40
    watermark_min_repeats: int = 2


@dataclass(frozen=True)
class Verdict:
    score: int  # summed weights of distinct hits
    strong: tuple[str, ...]  # names of strong signals hit
    names: tuple[str, ...]  # names of all signals hit

    @property
    def clean(self) -> bool:
        return self.score == 0 and not self.strong


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
    data = _read_rules(DEFAULT_RULES)
    signals = []
    settings = {k: data[k] for k in ("marketing_threshold", "watermark_max_chars", "watermark_min_repeats") if k in data}
    for path in (DEFAULT_RULES, *map(Path, extra)):
        d = data if path == DEFAULT_RULES else _read_rules(path)
        if path != DEFAULT_RULES:
            settings.update({k: d[k] for k in settings if k in d})
        for i, s in enumerate(d.get("signal", [])):
            where = f"{path}: signal {s.get('name', i + 1)!r}"
            try:
                signals.append(Signal(str(s["name"]), re.compile(s["pattern"]), int(s.get("weight", 1)),
                                      bool(s.get("strong", False))))
            except KeyError as e:
                raise RulesError(f"{where}: missing key {e.args[0]!r}") from None
            except re.error as e:
                raise RulesError(f"{where}: bad pattern: {e}") from None
            except (TypeError, ValueError) as e:
                raise RulesError(f"{where}: {e}") from None
    return Rules(tuple(signals), **settings)


def judge(text: str, rules: Rules) -> Verdict:
    """Score one line against the signals: each distinct word a signal finds counts its weight."""
    score, strong, names = 0, [], []
    for s in rules.signals:
        hits = {m.group(0) for m in s.pattern.finditer(text)}
        if hits:
            names.append(s.name)
            score += s.weight * len(hits)
            if s.strong:
                strong.append(s.name)
    return Verdict(score, tuple(strong), tuple(names))


def strip_lines(lines: list[Line], rules: Rules) -> tuple[list[Line], list[Removal], list[str]]:
    """Remove promotion and watermarks. Returns the kept lines, the removals and warnings."""
    verdicts = [judge(l.text, rules) for l in lines]
    start = speech_start(lines, verdicts)
    end = speech_end(lines, verdicts, start, rules)
    width = wrap_width(lines)
    repeats = Counter(l.text for l in lines[start:end])

    reasons: dict[int, str] = {}
    for i in range(start):
        reasons[i] = _reason("promotion: header", verdicts[i])
    for i in range(end, len(lines)):
        reasons[i] = _reason("promotion: footer", verdicts[i])
    for i in range(start + 1, end):
        line, v = lines[i], verdicts[i]
        if is_sentence(line.text) and len(line.text) > 20 or _is_body_width(line, width):
            if v.strong and len(line.text) <= rules.watermark_max_chars and not is_sentence(line.text):
                reasons[i] = _reason("promotion", v)
            continue
        if v.strong or v.score >= rules.marketing_threshold and len(line.text) <= rules.watermark_max_chars:
            reasons[i] = _reason("promotion", v)
        elif (repeats[line.text] >= rules.watermark_min_repeats and len(line.text) <= rules.watermark_max_chars
              and not is_sentence(line.text) and heading_level(line.text) is None):
            reasons[i] = f"watermark: repeated {repeats[line.text]} times"

    kept, removed, warnings = [], [], []
    pending_break = None  # the removed line just before the next kept one
    for i, line in enumerate(lines):
        if i in reasons:
            removed.append(Removal(line.no, line.text, reasons[i]))
            if is_sentence(line.text) and len(line.text) >= 15 and verdicts[i].score < rules.marketing_threshold \
                    and not verdicts[i].strong:
                warnings.append(f"line {line.no} was removed ({reasons[i]}) but reads like speech text: {line.text[:40]}")
            pending_break = pending_break or line
            continue
        if pending_break is not None and kept:
            # What stood between two kept lines was removed: like a page break, it
            # says nothing about whether the paragraph goes on.
            line = replace(line, after_break=True, blank_before=line.blank_before or pending_break.blank_before)
        kept.append(line)
        pending_break = None
    return kept, removed, warnings


def _reason(where: str, v: Verdict) -> str:
    return f"{where} ({', '.join(v.names)})" if v.names else where


def _is_body_width(line: Line, width: int | None) -> bool:
    """A full line of hard-wrapped body text: as long as the page it was copied from."""
    return width is not None and abs(len(line.text) - width) <= 1


def speech_start(lines: list[Line], verdicts: list[Verdict]) -> int:
    """Index of the speech's first line (its title, when it has one); all above is header."""
    window = range(min(len(lines), SEARCH_TITLE_WITHIN))
    salutation = next((i for i in window if verdicts[i].clean and is_salutation(lines[i].text)), None)
    if salutation is not None:
        i = salutation
        while i > 0 and verdicts[i - 1].clean and (is_byline(lines[i - 1].text) or is_subtitle(lines[i - 1].text)):
            i -= 1
        if i > 0 and verdicts[i - 1].clean and looks_like_title_line(lines[i - 1].text):
            return _title_top(lines, verdicts, i - 1)
        return i
    for i in window:
        if verdicts[i].clean and looks_like_title_line(lines[i].text) and TITLE_WORDS.search(lines[i].text):
            return _title_top(lines, verdicts, i)
    # No title found: the speech starts at the first line that carries no signal.
    return next((i for i in range(len(lines)) if verdicts[i].clean), len(lines))


def _title_top(lines: list[Line], verdicts: list[Verdict], i: int) -> int:
    """A title a copy broke over lines: join the title-shaped lines right above it."""
    top = i
    while (top > 0 and i - top < 2 and not lines[top].blank_before and verdicts[top - 1].clean
           and looks_like_title_line(lines[top - 1].text) and not TITLE_WORDS.search(lines[top - 1].text)
           and sum(len(l.text) for l in lines[top - 1:i + 1]) <= 60):
        top -= 1
    return top


def speech_end(lines: list[Line], verdicts: list[Verdict], start: int, rules: Rules) -> int:
    """Index after the speech's last line: below it, only promotional lines."""
    end = len(lines)
    while end - 1 > start:
        line, v = lines[end - 1], verdicts[end - 1]
        junk = v.strong or (v.score >= rules.marketing_threshold and len(line.text) <= 60)
        if not junk:
            break
        end -= 1
    return end
