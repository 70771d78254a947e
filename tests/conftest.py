"""Shared fixtures: a hand-built document model, so renderer tests do not depend on the reading stages."""
from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pipeline.model import Block, Document  # noqa: E402
from pipeline.typeset.profile import load_profile  # noqa: E402

SHARED = ROOT.parent / "shared"
CORPUS = SHARED / "corpus"
SAMPLE = ROOT / "inputs" / "在全县教育系统全面从严治党工作会议上的讲话.txt"
OUR_CORPUS = ROOT / "tests" / "corpus"
LABELLED = sorted([*CORPUS.glob("*.expected.json"), *OUR_CORPUS.glob("*.expected.json")])
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
    from pipeline.write.docx import render_docx
    from pipeline.write.pdf import render_pdf

    profile = load_profile(profile_name)
    return {"docx": render_docx(doc, profile), "pdf": render_pdf(doc, profile)}


def golden_environment() -> dict[str, str]:
    """What the golden bytes depend on besides the code: the libraries that write and embed, and
    every font file the built-in profiles can draw with (path and size)."""
    from importlib import metadata

    from pipeline.fonts.find import find_fonts
    from pipeline.typeset.profile import builtin_profiles

    env = {name: metadata.version(name) for name in ("reportlab", "python-docx", "lxml", "fonttools")}
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
