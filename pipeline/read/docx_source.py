"""A Word file's text: the body's paragraphs in order (tables' cells too), one a line (an
empty one a blank line, a line break inside one a line break), fields
and hyperlinks as their visible text. What a download site puts around the speech in a Word
file — the header and footer parts, text boxes, a watermark shape — is its furniture: it
goes to `removed` with that reason, never into the speech. A .docm (macros) is refused; an
old .doc is converted by LibreOffice where it is installed.

The XML is read with lxml (python-docx's own parser), by the WordprocessingML names: python-
docx's objects give paragraphs but not text boxes, fields' results nor the header parts'
shapes, which this reader must tell apart.
"""
from __future__ import annotations

import shutil
import subprocess
import tempfile
import zipfile
from io import BytesIO
from pathlib import Path

from lxml import etree

from ..model import Removal
from .decode import DecodeError
from .sources import CENTRED, INDENT, Source, raw_lines

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
V = "{urn:schemas-microsoft-com:vml}"
_SKIPPED = {W + "instrText", W + "delText"}  # a field's code, deleted text: not what a reader sees
_BOXES = (W + "txbxContent", V + "textbox", V + "textpath")  # text boxes and WordArt (watermarks)
MACROS = "application/vnd.ms-word.document.macroEnabled.main+xml"


def _parse(data: bytes) -> etree._Element:
    return etree.fromstring(data, etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False))


def _text(el: etree._Element, skip_boxes: bool = True) -> str:
    """The visible text of an element: its w:t, tabs and breaks, not field codes or deletions,
    and not what stands in text boxes (read apart)."""
    out = []
    for node in el.iter():
        if skip_boxes and node is not el and (node.tag in _BOXES or any(
                a.tag in _BOXES for a in node.iterancestors() if a is not el)):
            continue
        if node.tag == W + "t" and node.getparent().tag not in _SKIPPED:
            out.append(node.text or "")
        elif node.tag == W + "tab":
            out.append("\t")
        elif node.tag in (W + "br", W + "cr"):
            out.append("\n")  # a line break inside the paragraph
        elif node.tag == V + "textpath" and node.get("string"):
            out.append(node.get("string"))
    return "".join(out)


class _Layout:
    """A paragraph's alignment and first-line indent, from its own properties or its style's
    (and the styles it is based on): the clean stage reads a centred title and an indented
    paragraph start as a text copy shows them."""

    def __init__(self, styles: etree._Element | None):
        self.styles: dict[str, etree._Element] = {}
        if styles is not None:
            for st in styles.iter(W + "style"):
                if st.get(W + "type") == "paragraph" and st.get(W + "styleId"):
                    self.styles[st.get(W + "styleId")] = st

    def _get(self, ppr: etree._Element | None, style_id: str | None, tag: str) -> etree._Element | None:
        seen = set()
        while True:
            found = ppr.find(W + tag) if ppr is not None else None
            if found is not None or not style_id or style_id in seen or style_id not in self.styles:
                return found
            seen.add(style_id)
            style = self.styles[style_id]
            ppr = style.find(W + "pPr")
            based = style.find(W + "basedOn")
            style_id = based.get(W + "val") if based is not None else None

    def shown(self, p: etree._Element, text: str) -> str:
        ppr = p.find(W + "pPr")
        style = ppr.find(W + "pStyle") if ppr is not None else None
        style_id = style.get(W + "val") if style is not None else None
        jc = self._get(ppr, style_id, "jc")
        if jc is not None and jc.get(W + "val") == "center":
            return CENTRED + text
        ind = self._get(ppr, style_id, "ind")
        if ind is not None and not text[:1].isspace() and any(
                (ind.get(W + a) or "0").lstrip("-").isdigit() and int(ind.get(W + a) or 0) > 0
                for a in ("firstLine", "firstLineChars")):
            return INDENT + text
        return text


def _boxes(root: etree._Element) -> list[str]:
    """The texts of the text boxes and shapes in a part (a watermark is WordArt: v:textpath)."""
    texts = []
    for box in root.iter(*_BOXES):
        if any(a.tag in _BOXES for a in box.iterancestors()):
            continue  # a box inside a box: read with the outer one
        text = box.get("string") if box.tag == V + "textpath" else "\n".join(
            _text(p, skip_boxes=False) for p in box.iter(W + "p"))
        if text and text.strip():
            texts.append(text.strip())
    return texts


def read_docx(raw: bytes) -> Source:
    try:
        z = zipfile.ZipFile(BytesIO(raw))
        names = set(z.namelist())
        types = z.read("[Content_Types].xml") if "[Content_Types].xml" in names else b""
        if MACROS.encode() in types or "word/vbaProject.bin" in names:
            raise DecodeError("a Word file with macros (.docm): for safety it is not read; save it as .docx "
                              "without macros (Word: File > Save As > Word Document)")
        body = _parse(z.read("word/document.xml"))
        parts = {n: _parse(z.read(n)) for n in sorted(names) if n.startswith(("word/header", "word/footer"))
                 and n.endswith(".xml")}
        layout = _Layout(_parse(z.read("word/styles.xml")) if "word/styles.xml" in names else None)
    except (zipfile.BadZipFile, KeyError, EOFError, zipfile.LargeZipFile, OSError, etree.XMLSyntaxError) as e:
        raise DecodeError(f"a damaged Word file or ZIP archive: it cannot be opened ({type(e).__name__})") from None
    paragraphs = [layout.shown(p, _text(p)) for p in body.iter(W + "p")
                  if not any(a.tag in _BOXES for a in p.iterancestors())]
    removed = []
    for text in _boxes(body):
        removed.append(Removal(0, text, "the Word file's text box or shape (site furniture)"))
    for name, part in parts.items():
        where = "header" if "header" in name else "footer"
        for p in part.iter(W + "p"):
            if any(a.tag in _BOXES for a in p.iterancestors()):
                continue
            if (text := _text(p).strip()):
                removed.append(Removal(0, text, f"the Word file's {where} (site furniture)"))
        for text in _boxes(part):
            removed.append(Removal(0, text, f"a shape in the Word file's {where}: a watermark (site furniture)"))
    if not any(t.strip() for t in paragraphs):
        raise DecodeError("no text in this Word file's body")
    return Source(raw_lines(paragraphs), "docx", "docx", removed)


def read_doc(raw: bytes) -> Source:
    """An old Word file (.doc), converted to .docx by LibreOffice headless where it is installed."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if not soffice:
        raise DecodeError("an old Word file (.doc): open it in Word or WPS and save it as .docx, or install "
                          "LibreOffice (apt-get install libreoffice-writer-nogui) to have it converted")
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "speech.doc"
        src.write_bytes(raw)
        try:
            subprocess.run([soffice, f"-env:UserInstallation=file://{tmp}/profile", "--headless", "--convert-to",
                            "docx", "--outdir", tmp, str(src)], capture_output=True, timeout=120, check=True)
            converted = (Path(tmp) / "speech.docx").read_bytes()
        except (subprocess.SubprocessError, OSError):
            raise DecodeError("an old Word file (.doc) that LibreOffice could not convert") from None
    source = read_docx(converted)
    source.reader, source.encoding = "doc", "doc (converted by LibreOffice)"
    return source
