"""The held-out sets of real pages (tests/corpus_heldout, tests/corpus_heldout3 and
tests/corpus_heldout4, see their READMEs): not looked at while the reading stages were
developed, each scored once. This guards against doing worse on a set than its one score;
it is not a target to tune to."""
from __future__ import annotations

import json

import pytest

from conftest import ROOT
from pipeline.read import read_speech

SCORED_ONCE = {
    "corpus_heldout": {"blocks": 0.917, "types": 0.955, "lost": 61, "leaked": 3},
    "corpus_heldout3": {"blocks": 0.932, "types": 1.0, "lost": 0, "leaked": 3},
    "corpus_heldout4": {"blocks": 0.849, "types": 0.973, "lost": 0, "leaked": 0},
    "corpus_heldout5": {"blocks": 0.943, "types": 1.0, "lost": 399, "leaked": 9},
    "corpus_heldout6": {"blocks": 0.774, "types": 0.985, "lost": 11, "leaked": 9},
    "corpus_heldout7": {"blocks": 0.899, "types": 0.978, "lost": 33, "leaked": 3},
    "corpus_heldout8": {"blocks": 0.972, "types": 0.957, "lost": 1, "leaked": 1},
    "corpus_heldout9": {"blocks": 0.8, "types": 1.0, "lost": 322, "leaked": 0},
    "corpus_heldout10": {"blocks": 0.872, "types": 0.985, "lost": 42, "leaked": 1},
    "corpus_heldout11": {"blocks": 0.954, "types": 0.887, "lost": 0, "leaked": 25},
}


@pytest.mark.parametrize("folder", sorted(SCORED_ONCE))
def test_no_worse_than_the_one_score(scorer, folder):
    once = SCORED_ONCE[folder]
    total = {"blocks": [0, 0], "types": [0, 0]}
    lost = leaked = 0
    for path in sorted((ROOT / "tests" / folder).glob("*.txt")):
        raw = path.read_bytes()
        expected = json.loads(path.with_suffix(".expected.json").read_text(encoding="utf-8"))
        s = scorer.score(expected, read_speech(raw, str(path)).to_json(), scorer.decode_raw(raw))
        for k in total:
            total[k][0] += s[k][0]
            total[k][1] += s[k][1]
        lost += s["lost"]
        leaked += len(s["leaked"])
    assert total["blocks"][1] > 0, folder
    assert total["blocks"][0] / total["blocks"][1] >= once["blocks"] - 0.0005
    assert total["types"][0] / total["types"][1] >= once["types"] - 0.0005
    assert lost <= once["lost"] and leaked <= once["leaked"]
