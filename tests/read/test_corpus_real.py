"""The reading stages on real downloaded pages (tests/corpus_real, labelled by hand; its README
has the label decisions): the figures issue 13 asks for, by the shared scorer's own `score`
function, run in-process on what `inspect` would print, page by page.

What is not solved yet is listed below, page by page, with what leaks: a page that leaks
anything else fails, and so does a listed page that stops leaking (the list must stay true).
"""
from __future__ import annotations

import json

import pytest

from conftest import REAL_CORPUS as CORPUS
from pipeline.read import read_speech

PAGES = sorted(p.stem for p in CORPUS.glob("*.txt") if p.with_suffix(".expected.json").exists())

# Known misses: page -> the junk strings that still leak, and why.
KNOWN_LEAKS = {
    "r_refanwen_anquan": {"副市长在全市安全生产工作会议上的讲话", "机械厂安全生产讲话稿"},  # SEO phrases inside sentences
}


@pytest.fixture(scope="module")
def scores(scorer):
    out = {}
    for name in PAGES:
        path = CORPUS / f"{name}.txt"
        raw = path.read_bytes()
        got = read_speech(raw, str(path)).to_json()  # what `python -m pipeline inspect` prints
        expected = json.loads(path.with_suffix(".expected.json").read_text(encoding="utf-8"))
        out[name] = (scorer.score(expected, got, scorer.decode_raw(raw)), got, expected)
    return out


def test_the_corpus_is_real_and_large_enough():
    sites = {json.loads((CORPUS / f"{n}.expected.json").read_text(encoding="utf-8"))["source"].split("/")[2]
             for n in PAGES}
    assert len(PAGES) >= 40 and len(sites) >= 15


def test_the_figures_issue_13_asks_for(scores):
    total = {k: [0, 0] for k in ("blocks", "types", "leads")}
    lost = chars = 0
    for s, _, expected in scores.values():
        for k in total:
            total[k][0] += s[k][0]
            total[k][1] += s[k][1]
        lost += s["lost"]
        chars += sum(len("".join(b["text"].split())) for b in expected["blocks"])
    share = {k: a / b for k, (a, b) in total.items()}
    # 98.1 % of blocks is met (759 of 774); most misses left are headings glued to their
    # paragraph with no word that shows the seam (…不断引向深入坚持用…), and previews cut short.
    assert share["blocks"] >= 0.975 and share["types"] >= 0.97 and share["leads"] >= 0.95, share
    assert lost <= 0.001 * chars, (lost, chars)


@pytest.mark.parametrize("name", PAGES)
def test_each_page_leaks_and_loses_nothing_silently(scores, name):
    s, got, _ = scores[name]
    assert set(s["leaked"]) == KNOWN_LEAKS.get(name, set()), s["leaked"]
    assert s["silent"] == []
    if s["lost"]:  # every character of the speech lost is named in a warning
        assert any("removed" in w for w in got["warnings"]), got["warnings"]
