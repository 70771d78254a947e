"""Golden files: every labelled speech, typeset from its LABELLED blocks (NAME.expected.json →
model.Document → both writers), gives exactly the bytes recorded in tests/golden/labelled.json.

The writers are checked on their own: what the reading stages make of a raw file does not
enter. A change that is meant to change the outputs regenerates the file deliberately:
`make golden` (pytest --update-golden), and the diff of labelled.json shows which outputs moved.
The PDFs depend on the fonts installed and the libraries that prepare and embed them: the
file records them, and where they differ the PDFs are not compared (the DOCX still are).
"""
from __future__ import annotations

import hashlib
import json

import pytest

from conftest import GOLDEN, LABELLED, golden_environment, labelled_document, render_both

# The default profile for every labelled speech; the others for the shared corpus.
CASES = [("gbt9704", path) for path in LABELLED] + \
        [(name, path) for name in ("large-print", "letter") for path in LABELLED if "shared" in path.parts]


@pytest.fixture(scope="module")
def golden(request):
    recorded = json.loads(GOLDEN.read_text("utf-8")) if GOLDEN.exists() else {"environment": {}, "sha256": {}}
    updating = request.config.getoption("--update-golden")
    made: dict[str, str] = {}
    yield recorded, made, updating
    if updating:
        GOLDEN.write_text(json.dumps({"environment": golden_environment(), "sha256": dict(sorted(made.items()))},
                                     ensure_ascii=False, indent=1) + "\n", "utf-8")


@pytest.mark.parametrize("profile_name, path", CASES, ids=[f"{p}-{f.name.removesuffix('.expected.json')}"
                                                           for p, f in CASES])
def test_labelled_speech_gives_its_golden_bytes(profile_name, path, golden, monkeypatch):
    recorded, made, updating = golden
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    name = path.name.removesuffix(".expected.json")
    outputs = render_both(labelled_document(path), profile_name)
    same_fonts = recorded["environment"] == golden_environment()
    for fmt, data in outputs.items():
        key = f"{profile_name}/{name}.{fmt}"
        made[key] = hashlib.sha256(data).hexdigest()
        if updating:
            continue
        if fmt == "pdf" and not same_fonts:
            continue  # other fonts or libraries: other PDF bytes (test_golden_file_matches_this_machine says so)
        assert made[key] == recorded["sha256"].get(key), f"{key} changed (make golden, if that is meant)"


def test_golden_file_covers_every_labelled_speech(request):
    if request.config.getoption("--update-golden"):
        pytest.skip("being written")
    recorded = json.loads(GOLDEN.read_text("utf-8"))["sha256"]
    assert len(recorded) == 2 * len(CASES) and len(LABELLED) >= 100


def test_golden_file_matches_this_machine(request):
    """Else the PDFs were not compared: say why rather than pass in silence."""
    if request.config.getoption("--update-golden"):
        pytest.skip("being written")
    recorded = json.loads(GOLDEN.read_text("utf-8"))["environment"]
    here = golden_environment()
    if recorded != here:
        pytest.skip("the golden PDFs were made with other fonts or libraries: "
                    + ", ".join(k for k in here if recorded.get(k) != here[k]))
