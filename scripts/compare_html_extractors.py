"""Our web-page reader against trafilatura, on a folder of saved pages with their labels
(NAME.html + NAME.expected.json, as tests/corpus_formats/ or `make_format_fixtures.py --all DIR`).

trafilatura is not a dependency of the project: it runs in a Python of its own, given with
--trafilatura-python (a throwaway venv: `python3 -m venv /tmp/t && /tmp/t/bin/pip install
trafilatura lxml_html_clean`). Each page is read three ways and scored by the shared scorer:

  ours        the page through `read_speech`, as `convert` reads it (pipeline/read/html_source.py)
  traf/bytes  trafilatura.extract on the page's bytes, its text then through our text stages
  traf/text   the same on the page decoded by its own <meta charset>
"""
from __future__ import annotations

import argparse
import importlib.util
import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from pipeline.read import read_speech  # noqa: E402

EXTRACT = r"""
import json, re, sys, trafilatura
from pathlib import Path
out = {}
for f in sorted(Path(sys.argv[1]).glob("*.html")):
    raw = f.read_bytes()
    m = re.search(rb'charset\s*=\s*["\']?([A-Za-z0-9_-]+)', raw[:4096])
    charset = m.group(1).decode().lower() if m else "utf-8"
    text = raw.decode("gb18030" if charset in ("gb2312", "gbk") else charset)
    out[f.name] = {"traf/bytes": trafilatura.extract(raw, output_format="txt", include_comments=False),
                   "traf/text": trafilatura.extract(text, output_format="txt", include_comments=False)}
print(json.dumps(out, ensure_ascii=False))
"""


def load_scorer():
    spec = importlib.util.spec_from_file_location("score_corpus", ROOT.parent / "shared" / "tools" / "score_corpus.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("folder", type=Path)
    ap.add_argument("--trafilatura-python", required=True, help="a python with trafilatura installed")
    args = ap.parse_args()
    scorer = load_scorer()
    extracted = json.loads(subprocess.run([args.trafilatura_python, "-c", EXTRACT, str(args.folder)],
                                          capture_output=True, text=True, check=True).stdout)
    ways = ("ours", "traf/bytes", "traf/text")
    total = {w: {"blocks": 0, "of": 0, "lost": 0, "leaked": 0, "mojibake": 0} for w in ways}
    differ = []
    for page in sorted(args.folder.glob("*.html")):
        expected = json.loads(page.with_suffix(".expected.json").read_text(encoding="utf-8"))
        row = {}
        for way in ways:
            if way == "ours":
                got = read_speech(page.read_bytes(), str(page)).to_json()
            else:
                text = extracted[page.name][way] or ""
                total[way]["mojibake"] += "\ufffd" in text
                got = read_speech(text.encode("utf-8"), page.stem + ".txt").to_json() if text.strip() else {"blocks": []}
            s = scorer.score(expected, got, "")
            t = total[way]
            t["blocks"] += s["blocks"][0]
            t["of"] += s["blocks"][1]
            t["lost"] += s["lost"]
            t["leaked"] += len(s["leaked"])
            row[way] = (s["blocks"][0], s["lost"], len(s["leaked"]))
        if row["traf/text"] != row["ours"]:
            differ.append((page.stem, row))
    print(f"{len(list(args.folder.glob('*.html')))} pages in {args.folder}")
    for way, t in total.items():
        print(f"  {way:11s} blocks {t['blocks']}/{t['of']} ({100 * t['blocks'] / max(1, t['of']):.1f} %), "
              f"lost {t['lost']} characters, leaked {t['leaked']}" + (f", {t['mojibake']} pages mis-decoded" if t["mojibake"] else ""))
    print("pages where traf/text and ours differ (blocks right, lost, leaked):")
    for name, row in differ:
        print(f"  {name}: " + ", ".join(f"{w} {row[w]}" for w in ways))


if __name__ == "__main__":
    main()
