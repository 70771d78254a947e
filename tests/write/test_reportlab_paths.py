"""reportlab's two paths (write/pdf/fast.py): the fast path only on a verified version, the
public path on any other (or when asked for), with the same pages, a valid PDF, and nothing
of reportlab patched. `SPEECH_PIPELINE_REPORTLAB=public make test` runs the whole suite on it."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
import xml.etree.ElementTree as ET

import pytest
import reportlab
from reportlab import rl_config
from reportlab.pdfbase import pdfdoc

from conftest import ROOT, check_pdf, make_document
from pipeline.write.pdf import fast
from pipeline.write.typesetter import render_pdf

PUBLIC = {**os.environ, fast.ENV: "public"}


def python(code: str, env=None) -> str:
    proc = subprocess.run([sys.executable, "-c", textwrap.dedent(code)], cwd=ROOT, capture_output=True, text=True,
                          timeout=120, env=env)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


def test_the_fast_path_is_taken_only_on_a_verified_version():
    asked_public = os.environ.get(fast.ENV, "").lower() == "public"
    assert fast.ACTIVE == (reportlab.Version in fast.VERIFIED and not asked_public)
    other = python("""
        import reportlab
        reportlab.Version = "9.9.9"  # as another release would say
        from pipeline.write.pdf import fast
        print(fast.ACTIVE)""", env={k: v for k, v in os.environ.items() if k != fast.ENV})
    assert other.strip() == "False"
    assert python("from pipeline.write.pdf import fast; print(fast.ACTIVE)", env=PUBLIC).strip() == "False"


def test_the_fast_path_leaves_reportlabs_settings_as_they_were(profile):
    before = rl_config.useA85, pdfdoc.PDFZCompress
    render_pdf(make_document(2), profile)
    assert (rl_config.useA85, pdfdoc.PDFZCompress) == before


RENDER = """
    import json, sys
    from conftest import make_document
    from pipeline.typeset.profile import load_profile
    from pipeline.write.typesetter import render_pdf
    from reportlab import rl_config
    from reportlab.pdfbase import pdfdoc, pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    open(sys.argv[1], "wb").write(render_pdf(make_document(30), load_profile()))
    fonts = [pdfmetrics.getFont(n) for n in pdfmetrics.getRegisteredFontNames()]
    fonts = [f for f in fonts if isinstance(f, TTFont)]
    print(json.dumps({"a85": rl_config.useA85, "fonts": len(fonts), "flate": type(pdfdoc.PDFZCompress).__module__,
                      "own subsetter": [f.fontName for f in fonts if "makeSubset" in vars(f.face)],
                      "lazy PIL": type(sys.modules.get("PIL.Image")).__name__}))
"""


@pytest.fixture(scope="module")
def public_pdf(tmp_path_factory):
    path = tmp_path_factory.mktemp("public") / "public.pdf"
    code = f"import sys; sys.path.insert(0, {str(ROOT / 'tests')!r})\n" + textwrap.dedent(RENDER)
    proc = subprocess.run([sys.executable, "-c", code, str(path)], cwd=ROOT, capture_output=True, text=True,
                          timeout=120, env=PUBLIC)
    assert proc.returncode == 0, proc.stderr
    return path, json.loads(proc.stdout)


def test_the_public_path_patches_nothing(public_pdf):
    _, state = public_pdf
    assert state["a85"] == 1 and state["flate"] == "reportlab.pdfbase.pdfdoc"  # reportlab's own settings
    assert state["fonts"] >= 4 and state["own subsetter"] == []  # reportlab's makeSubset for every font
    assert state["lazy PIL"] != "_LazyModule"


def words(path) -> list[tuple[str, float, float, float, float]]:
    out = subprocess.run(["pdftotext", "-bbox", str(path), "-"], capture_output=True, check=True).stdout
    return [(w.text, *(float(w.get(k)) for k in ("xMin", "yMin", "xMax", "yMax")))
            for w in ET.fromstring(out).iter("{http://www.w3.org/1999/xhtml}word")]


@pytest.mark.skipif(not __import__("shutil").which("pdftotext"), reason="poppler-utils not installed")
def test_the_public_path_sets_the_same_pages_in_a_valid_pdf(public_pdf, profile, tmp_path):
    public, _ = public_pdf
    check_pdf(public)  # qpdf --check
    ours = tmp_path / "ours.pdf"
    ours.write_bytes(render_pdf(make_document(30), profile))
    a, b = words(public), words(ours)
    assert [w[0] for w in a] == [w[0] for w in b] and len(a) > 200
    assert max(abs(x - y) for wa, wb in zip(a, b) for x, y in zip(wa[1:], wb[1:])) < 0.01  # points


@pytest.mark.skipif(not fast.ACTIVE, reason="the fast path is off here")
def test_on_the_fast_path_a_pdf_never_loads_pil(tmp_path):
    """reportlab imports PIL.Image at start-up for images a speech never has: 11 ms of a cold start."""
    loaded = python(f"""
        import sys
        sys.path.insert(0, {str(ROOT / 'tests')!r})
        from conftest import make_document
        from pipeline.typeset.profile import load_profile
        from pipeline.write.typesetter import render_pdf
        render_pdf(make_document(1), load_profile())
        print("PIL._imaging" in sys.modules)""")
    assert loaded.strip() == "False"


@pytest.mark.parametrize("count", [1, 10, 11, 256])
def test_widths_in_one_call_are_the_bytes_reportlab_writes(count):
    widths = [1000, 500, 0, 333.5, 1000.25][:count] * (count // 5 + 1)
    widths = widths[:count]
    assert fast._Numbers(widths).format(None) == pdfdoc.PDFArray(widths).format(None)
