"""Command line: `python -m pipeline inspect FILE` and `python -m pipeline convert FILE... -o DIR`.

Exit status: 0 all files done, 1 some file failed (the others are still done),
2 usage error, 130 interrupted (`python -m pipeline` then ends by SIGINT, which a shell
shows as 130: see exit_as_interrupted). Every failure is one line on stderr naming the
file and the problem; `--debug` shows the traceback too.
"""
from __future__ import annotations

import argparse
import contextlib
import json
import os
import signal
import sys
from pathlib import Path
from typing import NoReturn

from . import __version__

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_INTERRUPTED = 0, 1, 2, 130  # 130: the shell's convention for Ctrl-C
INTERRUPTED = "interrupted: the files converted so far are complete; nothing half-written was left"


def exit_as_interrupted() -> NoReturn:
    """End this process by SIGINT, as Python does with a Ctrl-C it does not catch. A shell (or
    make) that runs us then sees that we were interrupted, not merely that we failed, and stops
    too: `for f in *.txt; do python -m pipeline convert "$f" …; done` must not go on to the next
    file after a Ctrl-C. The shell shows the status as 130."""
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(Exception):
            stream.flush()
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})
    os.kill(os.getpid(), signal.SIGINT)
    sys.exit(EXIT_INTERRUPTED)  # not reached


try:  # the imports take a twentieth of a second: a Ctrl-C then is one line too, not a traceback
    from .run.convert import ConvertError, add_font_warnings, convert_file, one_line, read_file, same_outputs
    from .typeset.profile import DEFAULT_PROFILE, ProfileError, builtin_profiles, load_profile
    from .write.typesetter import Typesetter
except KeyboardInterrupt:
    print(INTERRUPTED, file=sys.stderr)
    exit_as_interrupted()


def _parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--encoding", help="read the input in this encoding instead of detecting it (e.g. gb18030)")
    common.add_argument("--rules", action="append", default=[], metavar="FILE",
                        help="an extra promotion-rules TOML file (repeatable), added to the built-in rules")
    common.add_argument("--profile", default=str(DEFAULT_PROFILE), metavar="NAME|TOML",
                        help=f"layout profile: a built-in one ({', '.join(builtin_profiles())}) or a TOML file "
                             "holding only what differs from its base (default: gbt9704, GB/T 9704-2012)")
    common.add_argument("--debug", action="store_true", help="show a traceback on failure")

    p = argparse.ArgumentParser(prog="python -m pipeline",
                                description="Turn raw Chinese speeches into GB/T 9704 Word files and PDFs.")
    p.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND")

    ins = sub.add_parser("inspect", parents=[common], help="print the document model of a speech as JSON",
                         description="Print what the reading stages made of FILE: blocks, removed lines, warnings.")
    ins.add_argument("file", type=Path, metavar="FILE")

    conv = sub.add_parser("convert", parents=[common], help="write NAME.docx and NAME.pdf for each FILE",
                          description="Convert each speech FILE to DIR/NAME.docx and DIR/NAME.pdf, with "
                                      "DIR/NAME.report.txt saying what was removed and why.")
    conv.add_argument("files", type=Path, nargs="+", metavar="FILE")
    conv.add_argument("-o", "--output", type=Path, required=True, metavar="DIR", help="output folder")
    _output_options(conv)

    imp = sub.add_parser("impose", help="turn a PDF into a booklet or 2-up sheets",
                         description="Impose the pages of IN.pdf for printing and write OUT.pdf.")
    how = imp.add_mutually_exclusive_group(required=True)
    how.add_argument("--booklet", action="store_true", help="A5 booklet on A4 landscape sheets")
    how.add_argument("--two-up", action="store_true", help="two pages side by side on each sheet")
    imp.add_argument("pdf", type=Path, metavar="IN.pdf")
    imp.add_argument("-o", "--output", type=Path, required=True, metavar="OUT.pdf")
    imp.add_argument("--debug", action="store_true", help="show a traceback on failure")

    bld = sub.add_parser("build", parents=[common], help="convert every stale speech file of a folder, on all cores",
                         description="Convert each speech of DIR (.txt, .docx, .doc, .pdf, .html, .htm, .mhtml) whose "
                                     "outputs are missing or out of date into OUT, "
                                     "in parallel worker processes, with progress and a summary.")
    bld.add_argument("folder", type=Path, metavar="DIR")
    bld.add_argument("-o", "--output", type=Path, required=True, metavar="OUT", help="output folder")
    _output_options(bld)
    bld.add_argument("-j", "--jobs", type=int, default=None, metavar="N", help="worker processes (default: cores)")
    bld.add_argument("--force", action="store_true", help="convert even what is up to date")
    return p


def _output_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--format", choices=("docx", "pdf", "both"), default="both", help="what to write")
    p.add_argument("--booklet", action="store_true",
                   help="also write NAME.booklet.pdf: an A5 booklet on A4 sheets "
                        "(print double-sided, flip on the short edge, fold)")
    p.add_argument("--two-up", action="store_true", help="also write NAME.2up.pdf: two pages a sheet")
    p.add_argument("--no-report", action="store_true",
                   help="do not write NAME.report.txt (what was removed and why, warnings, pages, fonts)")


def main(argv: list[str] | None = None) -> int:
    try:
        return _main(argv)
    except KeyboardInterrupt:
        # Outputs are renamed into place only when complete, so nothing half-written is left;
        # `build` finishes (and reports) the speeches in progress and starts no other.
        print(INTERRUPTED, file=sys.stderr)
        return EXIT_INTERRUPTED
    except BrokenPipeError:  # `inspect … | head`: the reader went away, not an error of ours
        sys.stderr.close()
        return EXIT_OK


def _main(argv: list[str] | None) -> int:
    args = _parser().parse_args(argv)  # exits 2 on a usage error
    if args.command == "impose":
        return _impose(args)
    try:
        profile = load_profile(args.profile)
    except ProfileError as e:
        print(f"error: {e}", file=sys.stderr)
        return EXIT_USAGE
    typesetter = Typesetter(profile)
    # One file with a PDF: its PDF worker starts now, before the reading stages load (the
    # promotion rules among them), so that it loads reportlab and the fonts meanwhile.
    one_cold_file = (args.command == "convert" and len(args.files) == 1
                     and bool({"pdf", "booklet.pdf", "2up.pdf"} & set(_formats(args))))
    pdf_process = None
    if one_cold_file:
        from .run.pdf_process import PdfProcess
        pdf_process = PdfProcess.start(typesetter)
    with pdf_process or contextlib.nullcontext():
        from .read import RulesError, load_rules
        try:
            rules = load_rules(tuple(args.rules))
        except RulesError as e:
            print(f"error: {e}", file=sys.stderr)
            return EXIT_USAGE
        if args.command == "inspect":
            return _inspect(args, rules, typesetter)
        if args.command == "build":
            return _build(args)
        return _convert(args, rules, typesetter, pdf_process)


def _fail(path: Path, error: Exception, debug: bool) -> None:
    if debug:
        import traceback

        traceback.print_exception(error)
    print(f"{path}: error: {one_line(error)}", file=sys.stderr)


def _inspect(args, rules, typesetter) -> int:
    try:
        doc = read_file(args.file, encoding=args.encoding, rules=rules)
        add_font_warnings(doc, typesetter)
    except Exception as e:  # noqa: BLE001 — every failure becomes one clear line
        _fail(args.file, e, args.debug)
        return EXIT_FAILED
    sys.stdout.buffer.write(json.dumps(doc.to_json(), ensure_ascii=False, indent=2).encode("utf-8") + b"\n")
    return EXIT_OK


def _formats(args) -> tuple[str, ...]:
    formats = ("docx", "pdf") if args.format == "both" else (args.format,)
    formats += ("booklet.pdf",) * args.booklet + ("2up.pdf",) * args.two_up + ("report.txt",) * (not args.no_report)
    return formats


def _impose(args) -> int:
    import logging

    from .files import WriteError, write_atomically
    from .write.impose import booklet, two_up

    logging.getLogger("pypdf").setLevel(logging.ERROR)  # its warnings on a broken PDF: our one line says it

    try:
        data = (booklet if args.booklet else two_up)(args.pdf.read_bytes())
    except Exception as e:  # noqa: BLE001 — a missing file, or not a PDF pypdf can read
        _fail(args.pdf, e, args.debug)
        return EXIT_FAILED
    try:
        write_atomically(args.output, data)
    except WriteError as e:  # named after the output, not its temporary file
        _fail(args.output, ConvertError(f"cannot write: {e.strerror}"), args.debug)
        return EXIT_FAILED
    return EXIT_OK


def _build(args) -> int:
    from .run.batch import build

    for folder, what in ((args.folder, "input"), (args.output, "output")):
        if not folder.is_dir():
            problem = "is not a folder" if folder.exists() else "does not exist"
            print(f"error: {what} folder {folder} {problem}", file=sys.stderr)
            return EXIT_FAILED
    if args.folder.resolve() == args.output.resolve():
        print(f"error: the output folder {args.output} is the input folder: its outputs (.docx, .pdf, "
              ".report.txt) would be read as speeches next time; choose another", file=sys.stderr)
        return EXIT_FAILED
    summary = build(args.folder, args.output, args.profile, tuple(args.rules), _formats(args), args.encoding,
                    args.jobs, args.force)
    for line in summary.lines():
        print(line, file=sys.stderr)
    return EXIT_FAILED if summary.failed else EXIT_OK


def _convert(args, rules, typesetter, pdf_process) -> int:
    formats = _formats(args)
    failed = 0
    clashes = same_outputs(list(dict.fromkeys(args.files)))
    for path in dict.fromkeys(args.files):  # a file named twice is converted once
        if path in clashes:
            _fail(path, ConvertError(clashes[path]), False)
            failed += 1
            continue
        try:
            result = convert_file(path, args.output, typesetter, formats=formats, encoding=args.encoding,
                                  rules=rules, pdf_process=pdf_process)
        except (ConvertError, Exception) as e:  # noqa: BLE001
            _fail(path, e, args.debug)
            failed += 1
            continue
        for w in result.warnings:
            print(f"{path}: warning: {w}", file=sys.stderr)
        first, *others = result.outputs
        print(f"{path} -> {first}" + "".join(f", {p.name.removeprefix(path.stem)}" for p in others), file=sys.stderr)
    return EXIT_FAILED if failed else EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
