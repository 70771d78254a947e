"""`build DIR -o OUT`: convert a whole folder in one process tree, on every core.

Worker processes each load the profile, rules and fonts once, then convert the
speeches handed to them. A speech is converted only when its outputs are missing
or older than the input, the profile, the rules or the program itself. Progress
is a bar on a terminal (tqdm) and one plain line per file otherwise; a summary
ends the run.
"""
from __future__ import annotations

import os
import signal
import sys
import threading
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, as_completed, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path

from .convert import convert_file, one_line, same_outputs
from ..typeset.profile import load_profile
from ..read import load_rules
from ..write.typesetter import Typesetter

PACKAGE = Path(__file__).parent.parent


@dataclass
class Outcome:
    source: Path
    warnings: list[str] = field(default_factory=list)
    error: str | None = None


@dataclass
class Summary:
    converted: list[Outcome] = field(default_factory=list)
    skipped: list[Path] = field(default_factory=list)
    failed: list[Outcome] = field(default_factory=list)

    def lines(self) -> list[str]:
        warned = sum(1 for o in self.converted if o.warnings)
        out = [f"converted {len(self.converted)}, skipped {len(self.skipped)} (up to date), "
               f"warnings in {warned}, failed {len(self.failed)}"]
        out += [f"  failed: {o.source}: {o.error}" for o in self.failed]
        return out


# What build and make convert: the files people download speeches as (read by their content;
# the suffix only picks the files of a folder). Upper case too: files saved on Windows.
SPEECH_SUFFIXES = (".txt", ".docx", ".doc", ".pdf", ".html", ".htm", ".mhtml", ".mht")


def speech_files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.iterdir() if p.suffix.lower() in SPEECH_SUFFIXES and not p.name.startswith("."))


def _newest_mtime(paths) -> float:
    return max((p.stat().st_mtime for p in paths), default=0.0)


def stale(source: Path, outdir: Path, formats, dependencies_mtime: float) -> bool:
    """Whether any output of `source` is missing or older than it or than what made it."""
    newer_than = max(source.stat().st_mtime, dependencies_mtime)
    for fmt in formats:
        out = outdir / f"{source.stem}.{fmt}"
        if not out.exists() or out.stat().st_mtime < newer_than:
            return True
    return False


# --- worker processes: state set once per process by _init (one Typesetter each) ------
_STATE: dict = {}


def _init(profile_path: str, rules: tuple[str, ...], outdir: str, formats: tuple[str, ...], encoding):
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle (see build)
    _STATE.update(typesetter=Typesetter(load_profile(profile_path)), rules=load_rules(rules), outdir=Path(outdir),
                  formats=formats, encoding=encoding)


def _convert_one(source: str) -> Outcome:
    try:
        result = convert_file(Path(source), _STATE["outdir"], _STATE["typesetter"], formats=_STATE["formats"],
                              encoding=_STATE["encoding"], rules=_STATE["rules"])
    except Exception as e:  # noqa: BLE001 — reported in the summary; the batch goes on
        return Outcome(Path(source), error=one_line(e))
    return Outcome(Path(source), warnings=list(result.warnings))


def build(indir: Path, outdir: Path, profile_path: Path | str, rules: tuple[str, ...] = (),
          formats=("docx", "pdf", "report.txt"),
          encoding: str | None = None, jobs: int | None = None, force: bool = False, log=None) -> Summary:
    """Convert every stale speech file of `indir` (SPEECH_SUFFIXES) into `outdir`; progress goes to
    `log` (stderr)."""
    log = sys.stderr if log is None else log
    sources = speech_files(Path(indir))
    dependencies = [*load_profile(profile_path).sources, *map(Path, rules), *PACKAGE.rglob("*.py"),
                    *PACKAGE.rglob("*.toml")]
    deps_mtime = _newest_mtime(dependencies)
    summary = Summary()
    todo = []
    clashes = same_outputs(sources)
    for source in sources:
        if source in clashes:
            summary.failed.append(Outcome(source, error=clashes[source]))
        elif force or not source.is_file() or stale(source, outdir, formats, deps_mtime):
            todo.append(source)
        else:
            summary.skipped.append(source)
    if not todo:
        return summary
    jobs = max(1, min(jobs or os.cpu_count() or 1, len(todo)))
    bar = _progress(len(todo), log)
    # Ctrl-C reaches the whole process group. Workers ignore it (_init): left to it, each would
    # print a KeyboardInterrupt traceback. Here it only sets a flag, checked between whole
    # files: raised asynchronously, it could cut a progress line in two or lose the report of a
    # file already written. Once it is set, no further speech starts; the ones in progress
    # finish and are reported (each output is written atomically: whole or not at all), then
    # KeyboardInterrupt is raised for the CLI to report.
    pool = None
    interrupted: list[int] = []
    previous = _set_sigint(lambda signum, frame: interrupted.append(signum))
    try:
        pool = ProcessPoolExecutor(jobs, initializer=_init,
                                   initargs=(str(profile_path), tuple(rules), str(outdir), tuple(formats), encoding))
        futures = {pool.submit(_convert_one, str(s)): s for s in todo}  # the workers are forked here

        def record(future) -> None:
            try:
                outcome = future.result()
            except BrokenProcessPool:  # a worker was killed (the OOM killer, kill -9): the pool is gone
                outcome = Outcome(futures[future], error="not converted: a worker process died "
                                                         "(killed, or out of memory)")
            (summary.failed if outcome.error else summary.converted).append(outcome)
            bar(outcome)

        running = set(futures)
        while running and not interrupted:
            # a timeout, so that a Ctrl-C is seen even while a long speech is converted
            finished, running = wait(running, timeout=0.1, return_when=FIRST_COMPLETED)
            for future in sorted(finished, key=futures.get):
                record(future)
        if interrupted:
            for future in running:
                future.cancel()  # those not yet started
            for future in as_completed([f for f in running if not f.cancelled()]):
                record(future)  # finished, so reported
            raise KeyboardInterrupt
    finally:
        _set_sigint(previous)
        if pool is not None:
            pool.shutdown(wait=True, cancel_futures=True)
    summary.converted.sort(key=lambda o: o.source)
    summary.failed.sort(key=lambda o: o.source)
    return summary


def _set_sigint(handler):
    """Install a SIGINT handler and return the previous one; only the main thread may (else None)."""
    if handler is None or threading.current_thread() is not threading.main_thread():
        return None
    return signal.signal(signal.SIGINT, handler)


def _progress(total: int, log):
    """A callback per finished file: a tqdm bar on a terminal, a quiet line in a log."""
    if hasattr(log, "isatty") and log.isatty():
        from tqdm import tqdm

        bar = tqdm(total=total, unit="speech", file=log, dynamic_ncols=True)

        def update(outcome: Outcome) -> None:
            if outcome.error:
                bar.write(f"{outcome.source}: error: {outcome.error}", file=log)
            bar.update(1)
            if bar.n == total:
                bar.close()
        return update

    done = 0

    def line(outcome: Outcome) -> None:
        nonlocal done
        done += 1
        status = f"error: {outcome.error}" if outcome.error else (
            f"ok ({len(outcome.warnings)} warnings)" if outcome.warnings else "ok")
        print(f"[{done}/{total}] {outcome.source}: {status}", file=log, flush=True)
    return line
