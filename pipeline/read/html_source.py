"""A saved web page (.html, .htm, or .mhtml, a browser's one-file archive): its text as the
page shows it, one line a block (a paragraph, a heading, a list item, a table cell) or a <br>;
an empty paragraph or a second <br> is a blank line.

The encoding is the page's own declaration (<meta charset>, or the MHTML part's charset),
else found as for a text file. What a page says is its frame by the markup itself — <nav>,
<header>, <footer>, <aside>, <form>, and elements whose class or id names them (nav, menu,
breadcrumb, sidebar, footer, comment, share, related) — goes to `removed` as such; scripts,
styles and comments are not text. The rest, site chrome included, goes to the reading
stages, which know chrome by its shape and words (chrome.py, promo_rules.toml).
"""
from __future__ import annotations

import codecs
import email
import re
from email import policy

from lxml import etree, html

from ..model import Removal
from .decode import DecodeError, decode
from .sources import CENTRED, INDENT, Source, raw_lines

_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_\-]+)""", re.I)
_FRAME_TAGS = {"nav", "header", "footer", "aside", "form", "menu"}
_FRAME_NAMES = re.compile(r"(?:^|[\s_-])(nav|navbar|menu|breadcrumbs?|crumbs?|sidebar|side|footer|foot|header|"
                          r"comments?|share|social|related|recommend|hot|login|topbar|copyright|ad|ads|banner)"
                          r"(?:$|[\s_-])", re.I)
_INVISIBLE = {"script", "style", "noscript", "template", "head", "title", "svg", "iframe", "object", "button",
              "select", "option", "textarea"}
_BLOCKS = {"p", "div", "section", "article", "main", "h1", "h2", "h3", "h4", "h5", "h6", "li", "ul", "ol", "dl",
           "dt", "dd", "table", "tr", "td", "th", "blockquote", "pre", "center", "hr", "figure",
           "figcaption", "address", "tbody", "thead"}
# Codecs pages declare that Python calls otherwise, or that a superset reads better.
_ALIASES = {"gb2312": "gb18030", "gbk": "gb18030", "x-gbk": "gb18030", "gb_2312-80": "gb18030"}


def _decode(raw: bytes, declared: str | None, forced: str | None) -> tuple[str, str]:
    for name in (forced, declared):
        if not name:
            continue
        name = _ALIASES.get(name.lower(), name.lower())
        try:
            codecs.lookup(name)
            return raw.decode(name, "replace" if not forced else "strict"), name
        except (LookupError, UnicodeDecodeError):
            continue
    decoded = decode(raw)
    return decoded.text, decoded.encoding


def _from_mhtml(raw: bytes) -> tuple[bytes, str | None]:
    message = email.message_from_bytes(raw, policy=policy.default)
    for part in message.walk():
        if part.get_content_type() == "text/html":
            return part.get_payload(decode=True) or b"", part.get_content_charset()
    raise DecodeError("a web archive (.mhtml) with no page in it")


_TEXT_INDENT = re.compile(r"text-indent\s*:\s*[1-9]", re.I)
_TEXT_CENTRED = re.compile(r"text-align\s*:\s*center", re.I)


def _centred(el) -> bool:
    return el.tag == "center" or (el.get("align") or "").lower() == "center" \
        or bool(_TEXT_CENTRED.search(el.get("style") or ""))


def _frame(el) -> bool:
    if el.tag in _FRAME_TAGS:
        return True
    names = " ".join(filter(None, (el.get("class"), el.get("id"), el.get("role"))))
    return bool(names and _FRAME_NAMES.search(names)) and el.tag not in ("body", "html", "article", "main")


def read_html(raw: bytes, mhtml: bool = False, encoding: str | None = None) -> Source:
    declared = None
    if mhtml:
        raw, declared = _from_mhtml(raw)
    m = _CHARSET.search(raw[:4096])
    declared = declared or (m.group(1).decode("ascii") if m else None)
    text, codec = _decode(raw, declared, encoding)
    try:
        root = html.document_fromstring(text)
    except (etree.ParserError, ValueError):
        raise DecodeError("a web page with nothing in it") from None
    lines: list[str] = []
    removed: list[Removal] = []
    current: list[str] = []
    layout = {"centred": 0, "indent": False}  # inside so many centred blocks; a text-indent to show

    def flush(empty_is_blank: bool = False):
        """End a line; an empty block (<p>&nbsp;</p>) or a second <br> is a blank line."""
        raw_line = "".join(current)
        line = re.sub(r"\s+", " ", raw_line.replace("\xa0", " ")).strip()
        if line:
            # the page's own indent (　　, &nbsp;&nbsp;), or its CSS's, as a text copy shows it
            set_in = layout["indent"] or re.match(r"[ \t\r\n]*(?:\u3000|\xa0\s*\xa0)", raw_line)
            line = (CENTRED if layout["centred"] else INDENT if set_in else "") + line
            layout["indent"] = False
        if line or empty_is_blank:
            lines.append(line)
        current.clear()

    def walk(el):
        if not isinstance(el.tag, str) or el.tag in _INVISIBLE:  # a comment, a script
            if el.tail:
                current.append(el.tail)
            return
        if _frame(el):
            flush()
            frame = re.sub(r"\s+", " ", el.text_content()).strip()
            if frame:
                name = el.get("class") or el.get("id")
                what = f"<{el.tag}>" + (f" ({name})" if name else "")
                removed.append(Removal(0, frame[:300], f"the page's {what}: site chrome"))
            if el.tail:
                current.append(el.tail)
            return
        if el.tag == "br":
            flush(empty_is_blank=True)
            if el.tail:
                current.append(el.tail)
            return
        block = el.tag in _BLOCKS
        centred = _centred(el)
        if block:
            flush()
            if el.tag == "p" and not el.text_content().strip():
                lines.append("")
            layout["indent"] = bool(_TEXT_INDENT.search(el.get("style") or ""))
        layout["centred"] += centred
        if el.text:
            current.append(el.text)
        for child in el:
            walk(child)
        if block:
            flush()
        layout["centred"] -= centred
        if el.tail:
            current.append(el.tail)

    body = root.find("body")
    walk(body if body is not None else root)
    flush()
    if not any(lines):
        raise DecodeError("a web page with no text in its body")
    return Source(raw_lines(lines), f"{codec} (web page)", "html", removed)
