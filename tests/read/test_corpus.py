"""The reading stages on the labelled corpora, scored by ../shared's scorer in strict mode:
every block's text and type right, no lead wrong, nothing lost, leaked or silent. In this
process (the scorer's `score` on what `inspect` would print), one test per file, so that a
failure names it."""
from __future__ import annotations

import json

import pytest

from conftest import LABELLED
from pipeline.run.convert import read_file

@pytest.mark.parametrize("expected", LABELLED, ids=[p.name.removesuffix(".expected.json") for p in LABELLED])
def test_a_labelled_speech_reads_as_labelled(expected, scorer):
    raw = expected.with_name(expected.name.replace(".expected.json", ".txt"))
    got = read_file(raw).to_json()
    s = scorer.score(json.loads(expected.read_text("utf-8")), got, scorer.decode_raw(raw.read_bytes()))
    assert s["blocks"][0] == s["blocks"][1], f"blocks {s['blocks']}"
    assert s["types"][0] == s["types"][1], f"types {s['types']}"
    assert s["leads"][0] == s["leads"][1], f"leads {s['leads']}"
    assert (s["lost"], s["leaked"], s["silent"]) == (0, [], []), s


def test_both_corpora_are_there():
    assert len([p for p in LABELLED if "shared" in p.parts]) >= 10 and len(LABELLED) >= 100
