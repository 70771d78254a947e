"""The promotion rules: data (data/promo_rules.toml, plus a user's own files), and the
verdict they give on one line of text.

Each signal is a regular expression with a weight; strong ones (contact details, URLs, a
document speaking of itself) alone mark a line as not speech, cut ones start a site's tail.
A line's score is the sum over signals of weight × distinct words found.
"""
from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

DEFAULT_RULES = Path(__file__).parent.parent / "data" / "promo_rules.toml"


class RulesError(ValueError):
    """A rules file that cannot be used; the message names the file and the rule."""


@dataclass(frozen=True)
class Signal:
    name: str
    pattern: re.Pattern
    weight: int = 1
    strong: bool = False
    cut: bool = False  # near the end, everything from a line with this signal on is footer
    inline: bool = False  # its words alone are cut out of a sentence where a space sets them off


@dataclass(frozen=True)
class Rules:
    """The signals and the settings of the strip stage (see data/promo_rules.toml)."""
    signals: tuple[Signal, ...]
    marketing_threshold: int = 2
    footer_sentence_threshold: int = 2
    watermark_max_chars: int = 40
    watermark_min_repeats: int = 2
    closing: re.Pattern = re.compile(r"^谢谢大家[！!。]?$")
    # Labels of a page's metadata lines (时间：…, 浏览：…): chrome.is_metadata_line's vocabulary.
    metadata_labels: tuple[str, ...] = ("时间", "日期", "来源", "作者", "点击", "浏览")
    # Labels a page sets before the text on its first line (摘要：…): segments.py cuts them out.
    text_labels: tuple[str, ...] = ("摘要",)


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
            "closing", "metadata_labels", "text_labels")


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
                                      bool(s.get("strong", False)), bool(s.get("cut", False)),
                                      bool(s.get("inline", False))))
            except KeyError as e:
                raise RulesError(f"{where}: missing key {e.args[0]!r}") from None
            except re.error as e:
                raise RulesError(f"{where}: bad pattern: {e}") from None
            except (TypeError, ValueError) as e:
                raise RulesError(f"{where}: {e}") from None
    try:
        settings["closing"] = re.compile(settings.get("closing", Rules.closing.pattern))
        for key in ("metadata_labels", "text_labels"):
            if key in settings:
                labels = settings[key]
                if not isinstance(labels, list) or not all(isinstance(x, str) and x for x in labels):
                    raise TypeError(f"{key} must be a list of words")
                settings[key] = tuple(labels)
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


