"""Where the time goes: pyinstrument profiles of a cold convert and of a warm batch.

    make profile          (installs pyinstrument into .venv the first time)

1. cold: everything a fresh `convert` of the sample does (imports, profile, rules,
   fonts, reading, DOCX, PDF) in this one process. The real command forks its PDF
   writer (run/pdf_worker.PdfWorker), which a profiler of one process would not see; here
   both halves run one after the other, so their costs add up.
2. warm: the labelled speeches converted one after another in one process, as a
   `build` worker does once its fonts are loaded.

Each prints pyinstrument's call tree, cut to the calls that take at least 2 % of the
time. Sampling profiles vary by a few percent from run to run; they show which costs
are large, which is what they are for.
"""
from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

try:
    from pyinstrument import Profiler
except ImportError:
    sys.exit("bench/profile.py needs pyinstrument: run `make profile`, which installs it into .venv")

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
SAMPLE = sorted((ROOT / "inputs").glob("*.txt"))[0]
SPEECHES = sorted((ROOT / "tests" / "corpus").glob("*.txt"))
INTERVAL_S = 0.0005  # sampling interval: a cold convert takes some 0.3 s


def report(profiler: Profiler, title: str, seconds: float) -> None:
    print(f"\n=== {title}: {seconds:.3f} s ===")
    print(profiler.output_text(unicode=True, color=False, show_all=False, time="percent_of_total",
                               flat=False, processor_options={"filter_threshold": 0.02}))


def main() -> None:
    with tempfile.TemporaryDirectory() as out:
        profiler = Profiler(interval=INTERVAL_S)
        start = time.perf_counter()
        profiler.start()
        from pipeline.run.convert import convert_file
        from pipeline.typeset.profile import DEFAULT_PROFILE, load_profile
        from pipeline.read import load_rules
        from pipeline.write.typesetter import Typesetter
        typesetter = Typesetter(load_profile(str(DEFAULT_PROFILE)))
        convert_file(SAMPLE, Path(out), typesetter, rules=load_rules(()))
        profiler.stop()
        report(profiler, f"cold: {SAMPLE.name}, DOCX + PDF + report, one process", time.perf_counter() - start)

        rules = load_rules(())
        profiler = Profiler(interval=INTERVAL_S)
        start = time.perf_counter()
        profiler.start()
        failed = []
        for path in SPEECHES:
            try:
                convert_file(path, Path(out), typesetter, rules=rules)
            except Exception as e:  # noqa: BLE001 — named below; the profile goes on
                failed.append(f"{path.name}: {e}")
        profiler.stop()
        report(profiler, f"warm: {len(SPEECHES)} labelled speeches in one process", time.perf_counter() - start)
        for line in failed:
            print(f"not converted: {line}")


if __name__ == "__main__":
    main()
