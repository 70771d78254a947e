"""Benchmark: our converter beside LibreOffice, pandoc and Typst, on the same 200 speeches.

Run after `make`, with the project's Python: `.venv/bin/python bench/run.py` or `make bench`.
It takes five to eight minutes on two cores, prints a table and writes it, with the machine
it ran on and the targets passed or failed, to bench/results.md.

What it does:

1. Corpus. 200 distinct speeches in bench/.work/corpus/ (git-ignored), made with a fixed
   seed from ../shared/corpus/*.txt and tests/corpus/*.txt: the files themselves, then
   variants with paragraphs shuffled, mixed with another speech, cut short, or saved in
   another encoding (see corpus.py). Encodings stay mixed (UTF-8, UTF-8 with BOM,
   GB18030, UTF-16). LibreOffice and pandoc get UTF-8 copies of the same texts
   (corpus-utf8/), since they cannot tell GB18030 or UTF-16 apart on their own.
2. Measures, each tool on the same files, the wall time of whole processes unless said
   (and their CPU time, user + system, which other work on the machine does not inflate):
   a. cold start: one `python -m pipeline convert SAMPLE -o DIR` (both formats, then each
      alone), a new process each time, SAMPLE being the first of inputs/*.txt; LibreOffice
      `soffice --headless --convert-to pdf|docx` and `pandoc -f markdown -t docx` of it;
      median of QUICK_RUNS runs;
   b. per speech inside one process: pipeline.run.convert.read_file, then render() to DOCX
      and to PDF, each of the 200 timed once after a warm-up (no files written); median,
      90th percentile and mean over the 200. For LibreOffice, one `--convert-to` call for
      the whole folder divided by 200; for pandoc, the median of one process per file;
   c. all 200 speeches: `make -k -j2 -o .venv/.installed` (-o: convert, never set up) in a
      scratch copy of the project (bench/.work/project: pipeline/, .venv/ and scripts/
      linked, Makefile and pyproject.toml copied, the 200 files as inputs/) and
      `python -m pipeline build DIR -o OUT -j 2`, outputs removed before each run, and the
      same build writing PDFs only (`--format pdf --no-report`), run in turn with
      LibreOffice's one PDF call for the folder, PAIRED_RUNS pairs (the 5× target: batch
      against batch, per speech, as the issue puts it, the median of the pairs' ratios;
      LibreOffice's batch uses one core, ours both);
      LibreOffice's one call per format; pandoc one process per file, one after another;
      median of up to BATCH_RUNS runs, fewer when one more would take that measurement
      past BATCH_BUDGET_S (the table says how many);
   d. peak memory (maximum resident set size): of each process, from wait4(); for `build`,
      the parent's and the largest worker's, sampled from /proc/PID/status (VmHWM);
   e. sizes of the sample's PDF and DOCX, and medians over the 200 outputs (KB: 1000 bytes);
   f. each reader (issue 14): the sample saved as a Word file, a PDF (LibreOffice's export of
      that Word file) and a web page, as scripts/make_format_fixtures.py makes them; a cold
      `convert` of each (median of QUICK_RUNS), and in one process, after a warm-up, the
      median of READER_RUNS reads (read_file) and of read + both renderers;
   g. Typst (typst_peer.py, the PyPI package, which `make bench` installs into .venv for the
      bench only): the sample and TYPST_BATCH speeches of the corpus, read by our reader and
      written as Typst markup for bench/gbt9704.typ before any timing, with the profile's font
      files; a cold compile of the sample's PDF (a new `python -c "import typst; ..."`, median
      of QUICK_RUNS), and the TYPST_BATCH speeches compiled in one process (one
      typst.Compiler, fonts loaded once) run in turn with our `build -j 1 --format pdf
      --no-report` of the same files, PAIRED_RUNS pairs (one core each; ours also reads the
      speeches, Typst gets them read), and the size of the sample's PDF.
3. Prints the table, with ratios (LibreOffice / ours, pandoc / ours, Typst / ours: above 1
   means we are faster or smaller), and checks the targets in TARGETS.
"""
from __future__ import annotations

import contextlib
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from importlib import metadata
from pathlib import Path

import typst_peer
from corpus import build_corpus, write_utf8_copies

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
WORK = ROOT / "bench" / ".work"
RESULTS = ROOT / "bench" / "results.md"
VENV_PY = ROOT / ".venv" / "bin" / "python"
PY = str(VENV_PY if VENV_PY.exists() else sys.executable)

CORPUS_SIZE = 200
SEED = 9704
QUICK_RUNS = 5        # cold starts
BATCH_RUNS = 3        # whole-corpus runs
PAIRED_RUNS = 5       # our PDF batch and LibreOffice's, in turn: the 5x target's pairs
BATCH_BUDGET_S = 200  # no further batch run once the runs so far, plus one more, would pass this
WARMUP = 5            # speeches converted before the per-speech timing starts
JOBS = 2
READER_RUNS = 20      # reads of the sample in each format, in one process
TYPST_BATCH = 50      # speeches of the corpus in the batch against Typst

TARGETS = {  # name: (limit, unit, smaller is better)
    "cold convert of the sample, both formats": (0.35, "s", True),
    "per speech in one process, DOCX + PDF (median)": (60, "ms", True),
    "200 speeches, best of make -j2 and build -j 2": (20, "s", True),
    "200 speeches to PDF: faster per speech than LibreOffice's batch": (5, "×", False),
    "peak memory of any of our processes": (150, "MB", True),
    "the sample's PDF": (150, "KB", True),  # 1000 bytes: the stricter reading (150 KiB is 153,600)
    # against Typst, the strongest peer (issue 15): ratios Typst / ours
    "cold convert of the sample no slower than Typst's cold compile": (1, "×", False),
    f"a batch ≥ 1.5× Typst's rate ({TYPST_BATCH} speeches to PDF, each tool in one process)": (1.5, "×", False),
    "the sample's PDF no larger than Typst's with the same fonts": (1, "×", False),
}


# --- running and timing processes -----------------------------------------------------

@dataclass
class Run:
    seconds: float
    cpu_seconds: float             # user + system, of the process and the descendants it waited for
    max_rss_kb: int                # the largest of them
    returncode: int
    error: str = ""                # the last line of stderr when it failed
    own_peak_kb: int = 0           # when watched: the process's own peak (VmHWM), sampled
    child_peaks_kb: dict[int, int] = field(default_factory=dict)  # and its children's, by pid

    @property
    def ok(self) -> bool:
        return self.returncode == 0


def _children(pid: int) -> list[int]:
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            if int(stat.read_text().rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(stat.parent.name))
        except (OSError, IndexError, ValueError):
            continue
    return found


def _vm_hwm_kb(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def run(cmd: list, cwd: Path = ROOT, watch_children: bool = False) -> Run:
    """Run `cmd` to its end: its wall time and peak memory, and, if watched, its own and its
    children's peaks sampled every 0.2 s (wait4 gives only the largest of the whole tree)."""
    own, peaks = 0, {}
    with tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        proc = subprocess.Popen([str(c) for c in cmd], cwd=cwd, stdin=subprocess.DEVNULL,
                                stdout=subprocess.DEVNULL, stderr=err)
        while True:
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG if watch_children else 0)
            if pid:
                break
            own = max(own, _vm_hwm_kb(proc.pid))
            for child in _children(proc.pid):
                peaks[child] = max(peaks.get(child, 0), _vm_hwm_kb(child))
            time.sleep(0.2)
        seconds = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        err.seek(0)
        lines = err.read().decode("utf-8", "replace").strip().splitlines()
    error = lines[-1] if proc.returncode and lines else ""
    return Run(seconds, usage.ru_utime + usage.ru_stime, usage.ru_maxrss, proc.returncode, error, own, peaks)


def repeat(measure, runs: int, budget_s: float | None = None) -> list:
    """`measure()` `runs` times, or fewer when one more run would take the total past `budget_s`."""
    results, spent = [], 0.0
    for _ in range(runs):
        start = time.perf_counter()
        results.append(measure())
        last = time.perf_counter() - start
        spent += last
        if budget_s is not None and spent + last > budget_s:
            break
    return results


def fresh(folder: Path) -> Path:
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    return folder


# --- results -----------------------------------------------------------------------------

@dataclass
class Timing:
    """Medians over repeated runs of one command (or one batch of commands), and the peak memory."""
    seconds: float
    cpu_seconds: float
    runs: int
    max_rss_kb: int
    failed: str = ""  # why, when a run failed

    @classmethod
    def of(cls, runs: list[Run]) -> Timing:
        bad = [r for r in runs if not r.ok]
        return cls(statistics.median(r.seconds for r in runs), statistics.median(r.cpu_seconds for r in runs),
                   len(runs), max(r.max_rss_kb for r in runs),
                   f"exit {bad[0].returncode}: {bad[0].error}" if bad else "")


def percentile_90(values: list[float]) -> float:
    return statistics.quantiles(values, n=10)[-1]


# --- ours ------------------------------------------------------------------------------

def ours_cold(sample: Path) -> dict[str, Timing]:
    def once(fmt: str) -> Run:
        extra = [] if fmt == "both" else ["--format", fmt]
        return run([PY, "-m", "pipeline", "convert", sample, "-o", WORK / "out" / f"ours-cold-{fmt}", *extra])

    for fmt in ("both", "docx", "pdf"):
        fresh(WORK / "out" / f"ours-cold-{fmt}")
    return {fmt: Timing.of(repeat(lambda: once(fmt), QUICK_RUNS)) for fmt in ("both", "docx", "pdf")}


def ours_per_speech(paths: list[Path]) -> tuple[dict[str, list[float]], list[str]]:
    """Milliseconds per speech, in this process: reading, and reading plus each renderer;
    and the speeches that failed ("NAME: error"), left out of the times."""
    from pipeline.run.convert import read_file, render
    from pipeline.typeset.profile import DEFAULT_PROFILE, load_profile
    from pipeline.write.typesetter import Typesetter

    profile = Typesetter(load_profile(DEFAULT_PROFILE))  # what render() takes: the profile's writers
    for path in paths[:WARMUP]:
        with contextlib.suppress(Exception):  # a failure is reported by the timed pass
            document = read_file(path)
            render(document, profile, "docx")
            render(document, profile, "pdf")
    ms: dict[str, list[float]] = {"read": [], "docx": [], "pdf": [], "both": []}
    failures = []
    for path in paths:
        try:
            t0 = time.perf_counter()
            document = read_file(path)
            t1 = time.perf_counter()
            render(document, profile, "docx")
            t2 = time.perf_counter()
            render(document, profile, "pdf")
            t3 = time.perf_counter()
        except Exception as e:  # noqa: BLE001 — a speech we cannot convert is reported, not fatal
            failures.append(f"{path.name}: {type(e).__name__}: {str(e)[:120]}")
            continue
        for key, seconds in (("read", t1 - t0), ("docx", t2 - t0), ("pdf", t3 - t2 + t1 - t0), ("both", t3 - t0)):
            ms[key].append(seconds * 1000)
    return ms, failures


def reader_inputs(sample: Path) -> dict[str, Path]:
    """The sample as each reader takes it: .txt itself, .docx, .pdf (LibreOffice's export of
    the .docx) and .html, made as the format fixtures are."""
    sys.path.insert(0, str(ROOT / "scripts"))
    import make_format_fixtures as fixtures  # noqa: E402 — a script of this project, not a package

    folder = fresh(WORK / "readers")
    lines = [(line.strip(), "indent" if line[:1] in " \u3000" else "")
             for line in sample.read_text(encoding="utf-8-sig").splitlines()]
    fixtures.layout = lambda name: lines  # the sample, not a page of the corpus
    paths = {"text": sample, "docx": folder / "sample.docx", "html": folder / "sample.html"}
    fixtures.make_docx("sample", paths["docx"])
    fixtures.make_html("sample", paths["html"])
    if shutil.which("soffice"):
        subprocess.run(soffice_cmd("pdf", folder, [paths["docx"]]), capture_output=True, timeout=300, check=True)
        paths["pdf"] = folder / "sample.pdf"
    return paths


def readers(sample: Path) -> dict[str, dict]:
    """Per reader: the cold convert (Timing) and, in this process, the median milliseconds of a
    read and of a read and both renderers."""
    from pipeline.run.convert import read_file, render
    from pipeline.typeset.profile import DEFAULT_PROFILE, load_profile
    from pipeline.write.typesetter import Typesetter

    typesetter = Typesetter(load_profile(DEFAULT_PROFILE))
    out = {}
    for reader, path in reader_inputs(sample).items():
        target = fresh(WORK / "out" / f"reader-{reader}")
        cold = Timing.of(repeat(lambda: run([PY, "-m", "pipeline", "convert", path, "-o", target]), QUICK_RUNS))
        read_ms, whole_ms = [], []
        for i in range(WARMUP + READER_RUNS):
            t0 = time.perf_counter()
            document = read_file(path)
            t1 = time.perf_counter()
            render(document, typesetter, "docx")
            render(document, typesetter, "pdf")
            t2 = time.perf_counter()
            if i >= WARMUP:
                read_ms.append((t1 - t0) * 1000)
                whole_ms.append((t2 - t0) * 1000)
        out[reader] = {"path": path, "cold": cold, "read": statistics.median(read_ms),
                       "whole": statistics.median(whole_ms), "blocks": len(document.blocks)}
    return out


def reader_rows(r: Results) -> list[list[str]]:
    return [[f"{name} (`{v['path'].name}`, {v['path'].stat().st_size / 1000:.0f} KB)", s(v["cold"]),
             f"{v['read']:.1f} ms", f"{v['whole']:.0f} ms", str(v["blocks"])] for name, v in r.readers.items()]


def scratch_project(corpus: list[Path]) -> Path:
    """A copy of the project layout whose inputs/ are the corpus, for `make`."""
    project = fresh(WORK / "project")
    for name in ("pipeline", ".venv", "scripts"):
        (project / name).symlink_to(ROOT / name)
    for name in ("Makefile", "pyproject.toml"):
        shutil.copy2(ROOT / name, project / name)  # keeps the times, so make sees the setup as done
    inputs = fresh(project / "inputs")
    for path in corpus:
        shutil.copy2(path, inputs / path.name)
    return project


def ours_make(project: Path) -> Timing:
    def once() -> Run:
        fresh(project / "outputs")
        # -k: a failed speech does not stop the others; -o: never run the setup (scripts/setup.sh
        # would pip-install into the shared .venv), even when a developer has just edited it
        return run(["make", "-k", f"-j{JOBS}", "-o", ".venv/.installed"], cwd=project)

    return Timing.of(repeat(once, BATCH_RUNS, BATCH_BUDGET_S))


def ours_build(corpus_dir: Path) -> tuple[Timing, int, int]:
    """The build's timing, and the peak memory (KB) of its parent and of its largest worker."""
    out = WORK / "out" / "ours-build"

    def once() -> Run:
        fresh(out)
        return run([PY, "-m", "pipeline", "build", corpus_dir, "-o", out, "-j", JOBS], watch_children=True)

    runs = repeat(once, BATCH_RUNS, BATCH_BUDGET_S)
    parent = max(r.own_peak_kb for r in runs)
    worker = max((kb for r in runs for kb in r.child_peaks_kb.values()), default=0)
    return Timing.of(runs), parent, worker


def pdf_batches(corpus_dir: Path, corpus_utf8: list[Path],
                with_lo: bool) -> tuple[Timing, Timing | None, list[float]]:
    """Our build writing PDFs only and LibreOffice's PDF call for the same folder, in turn
    (ours, theirs, ours, theirs, ...), PAIRED_RUNS times: the machine's speed drifts over
    minutes, so each pair, run within half a minute, gives a ratio of its own (the third
    value); the target takes their median."""
    ours_out, lo_out = WORK / "out" / "ours-build-pdf", WORK / "out" / "lo-batch-pdf-paired"
    ours, theirs = [], []
    for _ in range(PAIRED_RUNS):
        fresh(ours_out)
        ours.append(run([PY, "-m", "pipeline", "build", corpus_dir, "-o", ours_out, "-j", JOBS,
                         "--format", "pdf", "--no-report"]))
        if with_lo:
            fresh(lo_out)
            theirs.append(run(soffice_cmd("pdf", lo_out, corpus_utf8)))
    ratios = [t.seconds / o.seconds for o, t in zip(ours, theirs) if o.ok and t.ok]
    return Timing.of(ours), Timing.of(theirs) if theirs else None, ratios


# --- LibreOffice, pandoc and Typst ------------------------------------------------------

def soffice_cmd(fmt: str, outdir: Path, files: list[Path]) -> list:
    profile = (WORK / "lo-profile").as_uri()
    return ["soffice", "--headless", f"-env:UserInstallation={profile}", "--convert-to", fmt,
            "--outdir", outdir, *files]


def libreoffice(sample: Path, corpus: list[Path]) -> dict:
    run(soffice_cmd("pdf", fresh(WORK / "out" / "lo-warmup"), [sample]))  # creates the profile, untimed
    result = {}
    for fmt in ("pdf", "docx"):
        cold_out, batch_out = WORK / "out" / f"lo-cold-{fmt}", WORK / "out" / f"lo-batch-{fmt}"
        fresh(cold_out)
        result[f"cold-{fmt}"] = Timing.of(repeat(lambda: run(soffice_cmd(fmt, cold_out, [sample])), QUICK_RUNS))

        def batch() -> Run:
            fresh(batch_out)
            return run(soffice_cmd(fmt, batch_out, corpus))

        result[f"batch-{fmt}"] = Timing.of(repeat(batch, BATCH_RUNS, BATCH_BUDGET_S))
    return result


def pandoc_cmd(source: Path, outdir: Path) -> list:
    return ["pandoc", "-f", "markdown", "-t", "docx", "-o", outdir / f"{source.stem}.docx", source]


def pandoc(sample: Path, corpus: list[Path]) -> dict:
    cold_out, batch_out = fresh(WORK / "out" / "pandoc-cold"), WORK / "out" / "pandoc-batch"
    per_file: list[float] = []

    def batch() -> Run:
        fresh(batch_out)
        runs = [run(pandoc_cmd(path, batch_out)) for path in corpus]
        per_file.extend(r.seconds * 1000 for r in runs)
        bad = next((r for r in runs if not r.ok), None)
        return Run(sum(r.seconds for r in runs), sum(r.cpu_seconds for r in runs), max(r.max_rss_kb for r in runs),
                   bad.returncode if bad else 0, bad.error if bad else "")

    return {"cold-docx": Timing.of(repeat(lambda: run(pandoc_cmd(sample, cold_out)), QUICK_RUNS)),
            "batch-docx": Timing.of(repeat(batch, BATCH_RUNS, BATCH_BUDGET_S)),
            "per-file-ms": statistics.median(per_file)}


def typst(sample: Path, corpus: list[Path]) -> dict:
    """Typst's cold compile of the sample, and its batch of TYPST_BATCH speeches run in turn with
    our one-process build of the same files (g. in the docstring)."""
    folder = fresh(WORK / "typst")
    fonts = folder / "fonts"
    font_files = typst_peer.font_folder(fonts)
    # Untimed: our reader and the Typst markup, for the sample and the batch.
    [source] = typst_peer.prepare([sample], folder / "src")
    batch = corpus[:TYPST_BATCH]
    sources = typst_peer.prepare(batch, folder / "src")
    batch_in = fresh(WORK / "typst-batch-in")  # the same speeches, as they are, for our build
    for path in batch:
        shutil.copy2(path, batch_in / path.name)

    cold_out = fresh(WORK / "out" / "typst-cold")
    cold = Timing.of(repeat(lambda: run(typst_peer.cold_cmd(PY, source, cold_out / f"{sample.stem}.pdf", fonts)),
                            QUICK_RUNS))
    ours_out, typst_out = WORK / "out" / "ours-build-1", WORK / "out" / "typst-batch"
    ours, theirs = [], []
    for _ in range(PAIRED_RUNS):  # in turn, as pdf_batches(): each pair gives a ratio of its own
        fresh(ours_out)
        ours.append(run([PY, "-m", "pipeline", "build", batch_in, "-o", ours_out, "-j", 1,
                         "--format", "pdf", "--no-report"]))
        fresh(typst_out)
        theirs.append(run(typst_peer.batch_cmd(PY, sources, typst_out, fonts)))
    return {"cold": cold, "ours-batch": Timing.of(ours), "batch": Timing.of(theirs),
            "ratios": [t.seconds / o.seconds for o, t in zip(ours, theirs) if o.ok and t.ok],
            "fonts": font_files, "warnings": typst_peer.warnings_of(source, fonts)}


# --- the machine -----------------------------------------------------------------------

def _first_line(cmd: list[str]) -> str:
    if not shutil.which(cmd[0]):
        return "not installed"
    out = subprocess.run(cmd, capture_output=True, text=True, stdin=subprocess.DEVNULL).stdout.strip()
    return out.splitlines()[0] if out else "unknown"


def machine() -> dict[str, str]:
    cpuinfo = Path("/proc/cpuinfo").read_text()
    model = next((line.split(":", 1)[1].strip() for line in cpuinfo.splitlines() if line.startswith("model name")),
                 platform.processor() or "unknown")
    mem_kb = next(int(line.split()[1]) for line in Path("/proc/meminfo").read_text().splitlines()
                  if line.startswith("MemTotal:"))
    return {
        "CPU": model,
        "cores": str(os.cpu_count()),
        "RAM": f"{mem_kb / 1024 / 1024:.1f} GiB",
        "OS": platform.platform(),
        "Python": platform.python_version(),
        "reportlab": metadata.version("reportlab"),
        "python-docx": metadata.version("python-docx"),
        "LibreOffice": _first_line(["soffice", "--version"]),
        "pandoc": _first_line(["pandoc", "--version"]),
        "Typst": typst_peer.version(),
        "make": _first_line(["make", "--version"]),
        "date": datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "load average (1, 5, 15 min) at the end": ", ".join(f"{x:.2f}" for x in os.getloadavg()),
        "reference loop at the start / end (lower is faster)": f"{SPEED_AT_START:.2f} s / {speed_reference():.2f} s",
    }


def speed_reference() -> float:
    """Seconds for a fixed pure-Python loop, best of 3: how fast this machine was at the time (a
    shared virtual machine's speed drifts by a third over minutes; compare runs by it)."""
    best = float("inf")
    for _ in range(3):
        start = time.perf_counter()
        sum(range(10_000_000))
        best = min(best, time.perf_counter() - start)
    return best


SPEED_AT_START = speed_reference()


# --- the report ------------------------------------------------------------------------

@dataclass
class Results:
    sample: Path
    n_sources: int
    cold: dict[str, Timing]            # "both", "docx", "pdf"
    ms: dict[str, list[float]]         # per speech: "read", "docx", "pdf", "both"
    failures: list[str]                # speeches our pipeline failed on
    make: Timing
    build: Timing
    build_pdf: Timing                  # the build writing PDFs only
    lo_pdf_paired: Timing | None       # LibreOffice's PDF call, run in turn with build_pdf
    pdf_pair_ratios: list[float]       # LibreOffice / ours, each pair of those runs
    build_parent_kb: int
    build_worker_kb: int
    lo: dict | None                    # None: not installed
    pd: dict | None
    readers: dict[str, dict] = field(default_factory=dict)
    ty: dict | None = None             # Typst; None: not installed
    elapsed: float = 0.0

    def per_speech_lo(self, fmt: str) -> float | None:
        """LibreOffice's milliseconds per speech: its one call for the corpus, divided."""
        t = self.lo and self.lo[f"batch-{fmt}"]
        return t.seconds * 1000 / CORPUS_SIZE if t and not t.failed else None

    def size_kb(self, folder: str, suffix: str) -> float | None:
        path = WORK / "out" / folder / f"{self.sample.stem}{suffix}"
        return path.stat().st_size / 1000 if path.exists() else None


def s(t: Timing) -> str:
    failed = f" **failed**: {t.failed}" if t.failed else ""
    return f"{t.seconds:.2f} s (CPU {t.cpu_seconds:.2f} s, n={t.runs}){failed}"


def ratio(theirs: float | None, ours: float | None) -> str:
    return f"{theirs / ours:.1f}×" if theirs and ours else "—"


def mb(kb: float | None) -> str:
    return f"{kb / 1024:.0f} MB" if kb else "—"


def kb(value: float | None) -> str:
    return f"{value:.0f} KB" if value else "—"


def median_size_kb(folder: str, suffix: str) -> float | None:
    sizes = [p.stat().st_size / 1000 for p in (WORK / "out" / folder).glob(f"*{suffix}")]
    return statistics.median(sizes) if sizes else None


def table(rows: list[list[str]], header: list[str]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    return "\n".join(lines + ["| " + " | ".join(row) + " |" for row in rows])


NO_LO, NO_PD, NO_PDF = "not installed", "not installed", "— (no PDF without LaTeX)"
NO_TY = "not installed"


def typst_cells(r: Results) -> dict[str, list[str]]:
    """Typst's two cells (its figure, Typst / ours) for the rows it has a figure in, by the rows'
    first cell; every other row gets "—" (Typst writes no DOCX)."""
    ty = r.ty
    if ty is None:
        return {key: [NO_TY, "—"] for key in ("cold: sample → PDF", "per speech → PDF", "size: the sample's PDF")}
    ours_pdf = r.size_kb("ours-cold-both", ".pdf")
    typst_pdf = r.size_kb("typst-cold", ".pdf")
    per_speech = ty["batch"].seconds * 1000 / TYPST_BATCH
    return {
        "cold: sample → PDF": [s(ty["cold"]) + " (`python -c \"import typst; typst.compile(...)\"`)",
                               ratio(ty["cold"].seconds, r.cold["pdf"].seconds)],
        "per speech → PDF": [f"{per_speech:.0f} ms (one process ÷ {TYPST_BATCH}, markup given)",
                             ratio(per_speech, statistics.mean(r.ms["pdf"]))],
        "size: the sample's PDF": [kb(typst_pdf), ratio(typst_pdf, ours_pdf)],
    }


def typst_row(r: Results) -> list[str]:
    """The batch against Typst: ours read the speeches and typeset them, Typst typesets markup."""
    ty = r.ty
    label = f"{TYPST_BATCH} speeches → PDF in one process, `build -j 1 --format pdf --no-report` (run in turn with Typst)"
    if ty is None:
        return [label, "—", "—", "—", NO_TY, "—", "—", "—"]
    ratios = ty["ratios"]
    return [label, s(ty["ours-batch"]), "—", "—", f"{s(ty['batch'])}, one typst.Compiler", "—", "—",
            f"{statistics.median(ratios):.2f}× (median of {len(ratios)} pairs, "
            f"{min(ratios):.2f}–{max(ratios):.2f}×)" if ratios else "—"]


def result_rows(r: Results) -> list[list[str]]:
    lo, pd, cold, ms = r.lo, r.pd, r.cold, r.ms
    mean = {k: statistics.mean(v) for k, v in ms.items()}
    ours_ms = {k: f"median {statistics.median(v):.0f} / p90 {percentile_90(v):.0f} / mean {mean[k]:.0f} ms"
               for k, v in ms.items()}
    lo_ms = {fmt: r.per_speech_lo(fmt) for fmt in ("pdf", "docx")}
    lo_ms["both"] = lo_ms["pdf"] + lo_ms["docx"] if lo_ms["pdf"] and lo_ms["docx"] else None
    pd_ms = pd and pd["per-file-ms"]
    lo_cold_both = lo and lo["cold-pdf"].seconds + lo["cold-docx"].seconds
    lo_batch_both = lo and lo["batch-pdf"].seconds + lo["batch-docx"].seconds
    pd_pdf = NO_PDF if pd else NO_PD
    sizes = {key: median_size_kb(folder, suffix) for key, folder, suffix in (
        ("ours.pdf", "ours-build", ".pdf"), ("ours.docx", "ours-build", ".docx"), ("lo.pdf", "lo-batch-pdf", ".pdf"),
        ("lo.docx", "lo-batch-docx", ".docx"), ("pd.docx", "pandoc-batch", ".docx"))}
    sample = {key: r.size_kb(folder, suffix) for key, folder, suffix in (
        ("ours.pdf", "ours-cold-both", ".pdf"), ("ours.docx", "ours-cold-both", ".docx"),
        ("lo.pdf", "lo-cold-pdf", ".pdf"), ("lo.docx", "lo-cold-docx", ".docx"), ("pd.docx", "pandoc-cold", ".docx"))}
    rows = [
        ["cold: sample → DOCX + PDF, one new process", s(cold["both"]),
         f"{lo_cold_both:.2f} s (a pdf and a docx call)" if lo else NO_LO, pd_pdf,
         ratio(lo_cold_both, cold["both"].seconds), "—"],
        ["cold: sample → DOCX", s(cold["docx"]), s(lo["cold-docx"]) if lo else NO_LO,
         s(pd["cold-docx"]) if pd else NO_PD, ratio(lo and lo["cold-docx"].seconds, cold["docx"].seconds),
         ratio(pd and pd["cold-docx"].seconds, cold["docx"].seconds)],
        ["cold: sample → PDF", s(cold["pdf"]), s(lo["cold-pdf"]) if lo else NO_LO, pd_pdf,
         ratio(lo and lo["cold-pdf"].seconds, cold["pdf"].seconds), "—"],
        ["per speech → DOCX (ours: read + render, in one process)", ours_ms["docx"],
         f"{lo_ms['docx']:.0f} ms (one call ÷ {CORPUS_SIZE})" if lo_ms["docx"] else NO_LO,
         f"{pd_ms:.0f} ms (median, a process each)" if pd_ms else NO_PD,
         ratio(lo_ms["docx"], mean["docx"]), ratio(pd_ms, statistics.median(ms["docx"]))],
        ["per speech → PDF", ours_ms["pdf"],
         f"{lo_ms['pdf']:.0f} ms (one call ÷ {CORPUS_SIZE})" if lo_ms["pdf"] else NO_LO, pd_pdf,
         ratio(lo_ms["pdf"], mean["pdf"]), "—"],
        ["per speech → DOCX + PDF", ours_ms["both"], f"{lo_ms['both']:.0f} ms" if lo_ms["both"] else NO_LO, pd_pdf,
         ratio(lo_ms["both"], mean["both"]), "—"],
        [f"{CORPUS_SIZE} speeches → DOCX + PDF, `make -k -j{JOBS} -o .venv/.installed`", s(r.make), "—", "—", "—", "—"],
        [f"{CORPUS_SIZE} speeches → DOCX + PDF, `build -j {JOBS}`", s(r.build),
         f"{lo_batch_both:.1f} s (pdf call {s(lo['batch-pdf'])} + docx call {s(lo['batch-docx'])})" if lo else NO_LO,
         f"DOCX only: {s(pd['batch-docx'])}, a process each, one after another" if pd else NO_PD,
         ratio(lo_batch_both, r.build.seconds), "—"],
        [f"{CORPUS_SIZE} speeches → PDF only, `build -j {JOBS} --format pdf --no-report` (run in turn with "
         "LibreOffice's PDF call)", s(r.build_pdf),
         f"pdf call {s(r.lo_pdf_paired)}" if r.lo_pdf_paired else NO_LO, NO_PDF if pd else NO_PD,
         f"{statistics.median(r.pdf_pair_ratios):.1f}× (median of {len(r.pdf_pair_ratios)} pairs, "
         f"{min(r.pdf_pair_ratios):.1f}–{max(r.pdf_pair_ratios):.1f}×)" if r.pdf_pair_ratios else "—", "—"],
        ["peak memory: one convert process (both formats)", mb(cold["both"].max_rss_kb),
         f"{mb(lo['batch-pdf'].max_rss_kb)} (the {CORPUS_SIZE}-file PDF call)" if lo else NO_LO,
         f"{mb(pd['batch-docx'].max_rss_kb)} (largest of its processes)" if pd else NO_PD,
         ratio(lo and lo["batch-pdf"].max_rss_kb, cold["both"].max_rss_kb),
         ratio(pd and pd["batch-docx"].max_rss_kb, cold["both"].max_rss_kb)],
        ["peak memory: `build` worker (largest) / parent", f"{mb(r.build_worker_kb)} / {mb(r.build_parent_kb)}",
         "—", "—", "—", "—"],
        ["size: the sample's PDF", f"{kb(sample['ours.pdf'])} ({sample['ours.pdf'] * 1000:,.0f} bytes)"
         if sample["ours.pdf"] else "—", kb(sample["lo.pdf"]) if lo else NO_LO, pd_pdf,
         ratio(sample["lo.pdf"], sample["ours.pdf"]), "—"],
        ["size: the sample's DOCX", kb(sample["ours.docx"]), kb(sample["lo.docx"]) if lo else NO_LO,
         kb(sample["pd.docx"]) if pd else NO_PD, ratio(sample["lo.docx"], sample["ours.docx"]),
         ratio(sample["pd.docx"], sample["ours.docx"])],
        [f"size: median PDF of the {CORPUS_SIZE}", kb(sizes["ours.pdf"]), kb(sizes["lo.pdf"]) if lo else NO_LO, pd_pdf,
         ratio(sizes["lo.pdf"], sizes["ours.pdf"]), "—"],
        [f"size: median DOCX of the {CORPUS_SIZE}", kb(sizes["ours.docx"]), kb(sizes["lo.docx"]) if lo else NO_LO,
         kb(sizes["pd.docx"]) if pd else NO_PD, ratio(sizes["lo.docx"], sizes["ours.docx"]),
         ratio(sizes["pd.docx"], sizes["ours.docx"])],
    ]
    # Typst's columns: its figure after pandoc's, its ratio after pandoc / ours; its batch after ours
    cells = typst_cells(r)
    rows = [row[:4] + cells.get(row[0], ["—", "—"])[:1] + row[4:] + cells.get(row[0], ["—", "—"])[1:] for row in rows]
    rows.insert(next(i for i, row in enumerate(rows) if "PDF only" in row[0]) + 1, typst_row(r))
    return rows


def typst_measured(r: Results) -> dict[str, float | None]:
    """The Typst targets' ratios (Typst / ours: at least 1, or 1.5, passes); None without Typst."""
    names = [name for name in TARGETS if "Typst" in name]
    if r.ty is None:
        return dict.fromkeys(names)
    ours_pdf, typst_pdf = r.size_kb("ours-cold-both", ".pdf"), r.size_kb("typst-cold", ".pdf")
    return dict(zip(names, [
        r.ty["cold"].seconds / r.cold["pdf"].seconds,
        statistics.median(r.ty["ratios"]) if r.ty["ratios"] else None,
        typst_pdf / ours_pdf if ours_pdf and typst_pdf else None]))


def target_rows(r: Results) -> list[list[str]]:
    batches = [t.seconds for t in (r.make, r.build) if not t.failed]
    measured = {
        "cold convert of the sample, both formats": r.cold["both"].seconds,
        "per speech in one process, DOCX + PDF (median)": statistics.median(r.ms["both"]),
        "200 speeches, best of make -j2 and build -j 2": min(batches, default=None),
        "200 speeches to PDF: faster per speech than LibreOffice's batch":
            statistics.median(r.pdf_pair_ratios) if r.pdf_pair_ratios else None,
        "peak memory of any of our processes": max(r.cold["both"].max_rss_kb, r.build_worker_kb,
                                                   r.build_parent_kb) / 1024,
        "the sample's PDF": r.size_kb("ours-cold-both", ".pdf"),
        **typst_measured(r),
    }
    rows = []
    for name, (limit, unit, smaller) in TARGETS.items():
        value = measured[name]
        if value is None:
            shown, verdict = "not measured", "—"
        else:
            shown = f"{value:.2f} {unit}" if unit in ("s", "×") else f"{value:.1f} {unit}" if unit == "KB" else f"{value:.0f} {unit}"
            verdict = "pass" if (value <= limit if smaller else value >= limit) else "**FAIL**"
        rows.append([name, f"{'≤' if smaller else '≥'} {limit} {unit}", shown, verdict])
    return rows


def typst_note(r: Results) -> str:
    if r.ty is None:
        return "Typst: not installed (`make bench` installs the PyPI package `typst` into .venv)."
    warnings = "; ".join(r.ty["warnings"]) or "none"
    return (f"Typst (g. in the docstring) typesets the same speeches with `bench/gbt9704.typ`: our reader's "
            f"blocks as Typst markup, made before the timing, so its figures leave out reading, which ours "
            f"include. Its only fonts are the profile's files here: "
            f"{', '.join(f'`{Path(f).name}`' for f in r.ty['fonts'])}; its warnings on the sample: {warnings}.")


def report(r: Results) -> str:
    median = {k: statistics.median(v) for k, v in r.ms.items()}
    method = (f"Written by `bench/run.py` (its docstring says how each number is taken); the whole run took "
              f"{r.elapsed / 60:.1f} min. Corpus: {CORPUS_SIZE} distinct speeches made (seed {SEED}) from "
              f"{r.n_sources} labelled ones; sample: `inputs/{r.sample.name}`. Cold starts: median of {QUICK_RUNS} "
              f"runs; batches: median of n runs (up to {BATCH_RUNS}, fewer when they took long); per speech: each of "
              f"the {CORPUS_SIZE} timed once after a warm-up of {WARMUP}. LibreOffice and pandoc read UTF-8 copies of "
              f"the same texts. Ratios above 1 mean ours is faster or smaller; per-speech ratios against LibreOffice "
              f"use our mean, since its figure is a mean too. Times are wall-clock; CPU is user + system time of the "
              f"process tree, which other work on the machine does not inflate (see the load average below).")
    stages = (f"Inside one process the median speech takes {median['read']:.0f} ms to read (decode, clean, strip, "
              f"structure), then about {median['docx'] - median['read']:.0f} ms for the DOCX and "
              f"{median['pdf'] - median['read']:.0f} ms for the PDF.")
    failures = (f"Our pipeline failed on {len(r.failures)} of the {CORPUS_SIZE} speeches (left out of the per-speech "
                "times):\n" + "\n".join(f"- {f}" for f in r.failures)) if r.failures else \
        f"Our pipeline converted all {CORPUS_SIZE} speeches."
    return "\n\n".join([
        "# Benchmark: ours, LibreOffice, pandoc and Typst on the same speeches", method,
        "## Results",
        table(result_rows(r), ["measure", "ours", "LibreOffice", "pandoc", "Typst", "LibreOffice / ours",
                               "pandoc / ours", "Typst / ours"]),
        stages, failures, typst_note(r),
        "## Readers",
        "The sample as each reader takes it (f. in the docstring). Reading a PDF is pdfminer.six's layout "
        "of every character; a Word file and a web page are parsed with lxml.",
        table(reader_rows(r), ["reader (input)", "cold convert, both formats", "read, in a batch",
                               "read + DOCX + PDF, in a batch", "blocks"]),
        "## Targets", table(target_rows(r), ["target", "limit", "measured", "verdict"]),
        "## Machine", table([[k, v] for k, v in machine().items()], ["", ""]),
    ]) + "\n"


def main() -> int:
    began = time.perf_counter()
    fresh(WORK / "out")  # nothing of an earlier run is counted
    sample = sorted((ROOT / "inputs").glob("*.txt"))[0]
    sources = [*sorted((ROOT.parent / "shared" / "corpus").glob("*.txt")),
               *sorted((ROOT / "tests" / "corpus").glob("*.txt"))]
    corpus = build_corpus(sources, WORK / "corpus", CORPUS_SIZE, SEED)
    corpus_utf8 = write_utf8_copies(corpus, WORK / "corpus-utf8")
    sample_utf8 = write_utf8_copies([sample], WORK / "sample-utf8")[0]
    project = scratch_project(corpus)
    print(f"corpus: {len(corpus)} speeches from {len(sources)} sources in {WORK / 'corpus'}", file=sys.stderr)

    def step(name: str, measure):
        start = time.perf_counter()
        result = measure()
        print(f"{name}: {time.perf_counter() - start:.0f} s", file=sys.stderr)
        return result

    cold = step("our cold starts", lambda: ours_cold(sample))
    ms, failures = step("our per-speech times", lambda: ours_per_speech(corpus))
    make = step(f"make -k -j{JOBS}", lambda: ours_make(project))
    build, parent_kb, worker_kb = step(f"build -j {JOBS}", lambda: ours_build(WORK / "corpus"))
    lo = step("LibreOffice", lambda: libreoffice(sample_utf8, corpus_utf8) if shutil.which("soffice") else None)
    pd = step("pandoc", lambda: pandoc(sample_utf8, corpus_utf8) if shutil.which("pandoc") else None)
    build_pdf, lo_pdf_paired, pair_ratios = step(
        f"build -j {JOBS} --format pdf and LibreOffice's PDF call, in turn",
        lambda: pdf_batches(WORK / "corpus", corpus_utf8, lo is not None))
    reading = step("each reader", lambda: readers(sample))
    ty = step("Typst", lambda: typst(sample, corpus) if typst_peer.installed() else None)
    results = Results(sample, len(sources), cold, ms, failures, make, build, build_pdf, lo_pdf_paired, pair_ratios,
                      parent_kb, worker_kb, lo, pd, reading, ty=ty, elapsed=time.perf_counter() - began)

    text = report(results)
    print(text)
    RESULTS.write_text(text, encoding="utf-8")
    print(f"written to {RESULTS}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
