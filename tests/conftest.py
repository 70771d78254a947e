"""What the tests share: paths, a hand-built document model (so writer tests do not depend on
the reading stages), the labelled corpora, running the CLI, reading outputs back, and
checking that a produced file is whole and well-formed.

    check_pdf(path)        `qpdf --check` passes (structure, cross-reference table, streams)
    check_docx(path)       a valid zip (every member's CRC) whose XML parts all parse, with the
                           parts Word needs to open it
    check_outputs(folder)  both of the above for every .pdf/.docx in folder, and no *.part left
"""
from __future__ import annotations

import importlib.util

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pipeline.model import Block, Document  # noqa: E402
from pipeline.typeset.profile import load_profile  # noqa: E402
from pipeline.write.typesetter import Typesetter  # noqa: E402

SHARED = ROOT.parent / "shared"
CORPUS = SHARED / "corpus"
SAMPLE = ROOT / "inputs" / "在全县教育系统全面从严治党工作会议上的讲话.txt"
OUR_CORPUS = ROOT / "tests" / "corpus"
LABELLED = sorted([*CORPUS.glob("*.expected.json"), *OUR_CORPUS.glob("*.expected.json")])
REAL_CORPUS = ROOT / "tests" / "corpus_real"  # real pages, labelled by hand (issue 13)
SCORER = SHARED / "tools" / "score_corpus.py"
GOLDEN = ROOT / "tests" / "golden" / "labelled.json"


def pytest_addoption(parser):
    parser.addoption("--update-golden", action="store_true",
                     help="write tests/golden/labelled.json from this run instead of comparing with it")


def labelled_document(path: Path) -> Document:
    """The document model a NAME.expected.json labels."""
    data = json.loads(path.read_text("utf-8"))
    blocks = [Block(b["type"], b["text"], b.get("level"), b.get("lead")) for b in data["blocks"]]
    return Document(blocks, source=path.name.removesuffix(".expected.json") + ".txt", encoding=data["encoding"])


def render_both(doc: Document, profile_name: str) -> dict[str, bytes]:
    from pipeline.write.typesetter import render_docx
    from pipeline.write.typesetter import render_pdf

    profile = load_profile(profile_name)
    return {"docx": render_docx(doc, profile), "pdf": render_pdf(doc, profile)}


def golden_environment() -> dict[str, str]:
    """What the golden bytes depend on besides the code: the libraries that write and embed, the
    path taken through reportlab (write/pdf/fast.py), and every font file the built-in profiles
    can draw with (path and size)."""
    from importlib import metadata

    from pipeline.fonts.find import find_fonts
    from pipeline.typeset.profile import builtin_profiles

    from pipeline.write.pdf import fast

    env = {name: metadata.version(name) for name in ("reportlab", "python-docx", "lxml", "fonttools")}
    env["reportlab path"] = "fast" if fast.ACTIVE else "public"
    files = {f.path for name in builtin_profiles() for family in load_profile(name).fonts.values()
             for f in find_fonts(family.candidates)}
    env["fonts"] = " ".join(f"{p}:{Path(p).stat().st_size}" for p in sorted(files))
    return env

BODY = ("按照县委要求，今天我们组织召开教育系统党组织书记履行全面从严治党责任工作会议。刚才，×位党组织书记分别进行了汇报发言，"
        "总体来看，大家的发言总结工作实事求是，查找问题客观实在，谋划工作思路清晰，符合这次述职的总体要求。")


def make_document(paragraphs: int = 12) -> Document:
    """A speech with every block type, a lead of each kind, Latin and digits, and markup-like text."""
    blocks = [
        Block("title", "在全县教育系统全面从严治党暨基层党建述职评议工作会议上的讲话"),
        Block("subtitle", "——在全县乡村振兴工作推进会上的讲话"),
        Block("byline", "县委书记 刘××"),
        Block("byline", "（2024年3月12日）"),
        Block("salutation", "同志们："),
        Block("paragraph", BODY),
        Block("heading", "一、提高政治站位，不断增强抓全面从严治党和基层党建的政治自觉和行动自觉", level=1),
        Block("paragraph", "一要加强政治建设。" + BODY, lead="一要加强政治建设。"),
        Block("heading", "（一）经济总量实现新突破", level=2),
        Block("paragraph", "预计全年地区生产总值突破×千亿元，GDP增长6.5%左右，A&B公司与<b>标记</b>照原样打印。" + BODY),
        Block("heading", "1.深化重点行业领域专项整治", level=3),
        Block("paragraph", "1.抓好危险化学品安全。" + BODY, lead="1.抓好危险化学品安全。"),
        Block("heading", "（1）严格落实领导责任", level=4),
    ]
    blocks += [Block("paragraph", f"第{i + 1}段。" + BODY * 2) for i in range(paragraphs)]
    return Document(blocks=blocks, source="test.txt", encoding="utf-8")


@pytest.fixture
def document() -> Document:
    return make_document()


@pytest.fixture(scope="session")
def profile():
    return load_profile()


@pytest.fixture(scope="session")
def typesetter(profile):
    """Both writers of the default profile, as a converting process keeps them."""
    return Typesetter(profile)


# --- running the tool ---------------------------------------------------------------------

def run(*args, cwd=ROOT, timeout=120, **kw) -> subprocess.CompletedProcess:
    """`python -m pipeline ARGS` in a fresh process."""
    return subprocess.run([sys.executable, "-m", "pipeline", *map(str, args)], cwd=cwd, capture_output=True,
                          text=True, timeout=timeout, **kw)


def default_sigint() -> None:
    """In the child: a shell starts background jobs (`make test &`) with SIGINT ignored, and
    a process that inherits that never sees Ctrl-C. The tests that use it are about Ctrl-C."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def no_child_left() -> bool:
    try:
        os.waitpid(-1, os.WNOHANG)
    except ChildProcessError:
        return True
    return False


def _stats():
    """(pid, command, state, parent pid, process group) of every process, from /proc."""
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            name, rest = stat.read_text().rsplit(")", 1)
        except OSError:
            continue  # ended meanwhile
        fields = rest.split()
        yield int(stat.parent.name), name.split("(", 1)[1], fields[0], int(fields[1]), int(fields[2])


def running_in_group(pgid: int) -> list[str]:
    """The processes of a process group still running (not zombies: a child that ended with its
    parent, such as fc-list, waits for init to reap it, and some containers' init never does)."""
    return [str(pid) for pid, _, state, _, group in _stats() if group == pgid and state != "Z"]


def commands_in_group(pgid: int) -> list[str]:
    """The program names of a process group's processes."""
    return [name for _, name, _, _, group in _stats() if group == pgid]


def children(pid: int) -> list[int]:
    return [child for child, _, _, parent, _ in _stats() if parent == pid]


# --- reading outputs back -----------------------------------------------------------------

def squash(s: str) -> str:
    return re.sub(r"\s+", "", s)


def pdf_text(path: Path) -> str:
    from pypdf import PdfReader
    return "".join(p.extract_text() for p in PdfReader(str(path)).pages)


def docx_text(path: Path) -> str:
    import docx
    return "\n".join(p.text for p in docx.Document(str(path)).paragraphs)


def convert_an_earlier_version(src, out):
    """Good outputs of an earlier version of `src` in `out`, which a failed run must leave intact."""
    from pipeline import cli

    src.write_text("在全县工作会议上的讲话\n同志们：\n这是上一次的讲话稿。\n", encoding="utf-8")
    assert cli.main(["convert", str(src), "-o", str(out)]) == 0
    check_outputs(out)


def outputs_of(folder: Path, stem: str) -> list[str]:
    return sorted(p.name for p in folder.glob(f"{stem}.*"))


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()}


# --- whole and well-formed ----------------------------------------------------------------

QPDF = shutil.which("qpdf")
DOCX_PARTS = {"[Content_Types].xml", "_rels/.rels", "word/document.xml"}


def check_pdf(path: Path) -> None:
    path = Path(path)
    assert path.read_bytes()[:5] == b"%PDF-", f"{path}: not a PDF"
    assert path.read_bytes().rstrip().endswith(b"%%EOF"), f"{path}: truncated (no %%EOF at the end)"
    if QPDF is None:  # make test installs qpdf; without it, the reading-back below still runs
        from pypdf import PdfReader
        assert len(PdfReader(str(path), strict=True).pages) > 0
        return
    proc = subprocess.run([QPDF, "--check", str(path)], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, f"{path}: qpdf --check exit {proc.returncode}:\n{proc.stdout}{proc.stderr}"


def check_docx(path: Path) -> None:
    from lxml import etree

    path = Path(path)
    assert zipfile.is_zipfile(path), f"{path}: not a zip file"
    with zipfile.ZipFile(path) as z:
        bad = z.testzip()
        assert bad is None, f"{path}: member {bad} is corrupt"
        names = set(z.namelist())
        assert DOCX_PARTS <= names, f"{path}: missing parts {sorted(DOCX_PARTS - names)}"
        for name in names:
            if name.endswith((".xml", ".rels")):
                try:
                    etree.fromstring(z.read(name))
                except etree.XMLSyntaxError as e:
                    raise AssertionError(f"{path}: {name} does not parse: {e}") from None


def part_files(folder: Path) -> list[Path]:
    """Temporary files of an atomic write (hidden .NAME.xxxx.pdf.part) left in folder."""
    return sorted(p for p in Path(folder).iterdir() if p.name.endswith(".part"))


def check_outputs(folder: Path) -> list[Path]:
    """Check every PDF and DOCX in folder and that no temporary file is left; return them."""
    assert part_files(folder) == [], f"temporary files left in {folder}: {part_files(folder)}"
    checked = []
    for p in sorted(Path(folder).iterdir()):
        if p.suffix == ".pdf":
            check_pdf(p)
        elif p.suffix == ".docx":
            check_docx(p)
        else:
            continue
        checked.append(p)
    return checked


# --- fonts --------------------------------------------------------------------------------

SAMPLE_TEXT = "中华人民共和国全面从严治党工作会议，讲话。"


HINTING = {"fpgm", "prep", "cvt ", "hdmx", "LTSH", "VDMX", "kern", "DSIG", "GSUB", "GPOS", "vmtx", "CFF "}


@pytest.fixture
def cache(tmp_path, monkeypatch) -> Path:
    """A fresh, empty font cache for one test."""
    from pipeline.fonts import prepare as fontprep

    folder = tmp_path / "cache"
    monkeypatch.setenv(fontprep.ENV_CACHE, str(folder))
    return folder


def built() -> int:
    from pipeline.fonts import prepare as fontprep
    return fontprep.STATS["built"]


def face_of(family: str):
    """The installed face a family name finds, or None."""
    from pipeline.fonts.find import find_fonts

    found = find_fonts([family])
    return found[0] if found else None


def is_cff(ff) -> bool:
    from fontTools.ttLib import TTFont as FTFont

    font = FTFont(ff.path, fontNumber=ff.index, lazy=True)
    return "CFF " in font or "CFF2" in font


def cff_cjk_face():
    """An installed CJK font with PostScript outlines: Noto Sans/Serif CJK SC (fonts-noto-cjk)."""
    for family in ("Noto Sans CJK SC", "Noto Serif CJK SC", "Source Han Sans SC", "Source Han Serif SC"):
        ff = face_of(family)
        if ff and is_cff(ff):
            return ff
    return None


def truetype_face():
    for family in ("AR PL SungtiL GB", "AR PL UMing CN", "WenQuanYi Micro Hei", "Liberation Serif", "DejaVu Serif"):
        ff = face_of(family)
        if ff and not is_cff(ff):
            return ff
    pytest.skip("no TrueType font of the profile's candidates is installed")


def small_truetype_face():
    """A Latin TrueType face: prepared in a fraction of a second, where a CJK face's base part
    takes seconds (for the tests of the cache's workings, which any font shows)."""
    for family in ("Liberation Serif", "DejaVu Serif"):
        ff = face_of(family)
        if ff and not is_cff(ff):
            return ff
    return truetype_face()


def draw(font_name: str, text: str) -> bytes:
    """A one-line PDF of `text` in a registered reportlab font."""
    import io

    from reportlab.pdfgen.canvas import Canvas

    buf = io.BytesIO()
    c = Canvas(buf, invariant=1, initialFontName=font_name)
    c.setFont(font_name, 24)
    c.drawString(72, 720, text)
    c.showPage()
    c.save()
    return buf.getvalue()


@pytest.fixture(scope="session")
def scorer():
    """../shared's corpus scorer, as a module: its `score` on what `inspect` would print."""
    if not SCORER.exists():
        pytest.skip("../shared is not beside the project")
    spec = importlib.util.spec_from_file_location("score_corpus", SCORER)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
