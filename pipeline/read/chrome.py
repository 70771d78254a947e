"""Site chrome recognised by its shape: the parts of a web page's or a document site's frame
that no speech has, whatever words the site uses.

- a metadata line: labels with values (时间：… 作者：… 点击：…, 字数：4013 字 浏览：851次), a time stamp
  (2022-05-11 11:04:00, 2022年10月23日12:55), a date with counts or file facts (2023-09-23 383,
  2024-05-12 999+ 58.7KB 12 页);
- a breadcrumb's last item standing alone under it (首页 > 讲话 > 科技教育 / 科技教育);
- a site's numbering of the pieces it collected, glued to a title (…讲话 篇1, 【篇1】, （通用3篇）);
- a paragraph in another script: the page's machine translation of the speech;
- a style sheet glued into the text by a bad conversion (@page { size: … } p { … });
- a table of contents (目录 and the headings it lists, before the speech begins).

The vocabulary of chrome (阅读全文, 上一篇, 会员) is data, in promo_rules.toml; the labels that
metadata lines are made of are a setting there too (`metadata_labels`).
"""
from __future__ import annotations

import re

from .patterns import HEADING_LEVELS, is_sentence

# --- metadata lines ---------------------------------------------------------------------

METADATA_REASON = "site chrome (the page's metadata)"

_CLOCK = r"[0-9]{1,2}\s*[:：]\s*[0-9]{2}(?:\s*[:：]\s*[0-9]{2})?"
# A date with a time of day: a page's time stamp, never a speech's date line.
TIME_STAMP = re.compile(rf"(?:19|20)[0-9]{{2}}\s*[-/.年]\s*[0-9]{{1,2}}\s*[-/.月]\s*[0-9]{{1,2}}\s*日?\s*{_CLOCK}")
# A date written the way pages and databases write it (2023-09-23), which speeches do not.
ISO_DATE = re.compile(r"(?<![0-9])(?:19|20)[0-9]{2}-[0-9]{1,2}-[0-9]{1,2}(?![0-9])")
# Counts and file facts: 383, 999+, 58.7KB, 12 页, 10.00元, 851次
_FACT = re.compile(r"^(?:[0-9.,]+\+?\s*(?:[KMG]?B|页|次|元|字|人|条|分|秒|KB|kb)?|[0-9]+\+|[A-Za-z]{1,3}\|[A-Za-z]{1,3})$")


def metadata_labels_pattern(labels: tuple[str, ...]) -> re.Pattern:
    """`label：` at a line's start or after a space or separator, for the given labels."""
    alts = "|".join(sorted(map(re.escape, labels), key=len, reverse=True))
    return re.compile(rf"(?:^|(?<=[\s|｜/·•【\[]))(?:{alts})\s*[：:]")


# A page's date of posting, said so: General 更新 2024年04月19日, 发布于2023年5月6日
_STAMPED_DATE = re.compile(r"(?:更新|发布|发表|上传|录入)(?:于|时间|日期)?\s*[：:]?\s*[0-9]{4}年[0-9]{1,2}月[0-9]{1,2}日")


_OWN_LABEL = re.compile(r"^[\u4e00-\u9fff]{2,4}\s*[：:]\s*\S")


def is_metadata_line(text: str, labels: re.Pattern) -> bool:
    """A page's metadata: labelled values, a time stamp, or a date with counts and file facts.
    Never a sentence, never long."""
    if len(text) > 90 or is_sentence(text) and not text.endswith(("：", ":")):
        return False
    found = labels.findall(text)
    # …or a known label after a label of the page's own: 小说： 中国现代名人演说精粹 字数： 每页4000字
    if found and (text.startswith(tuple(found)) or len(found) >= 2 or _OWN_LABEL.match(text)) and "。" not in text:
        return True
    if TIME_STAMP.search(text) and "。" not in text and "，" not in text:
        return True
    if len(text) <= 60 and _STAMPED_DATE.search(text):
        return True
    date = ISO_DATE.search(text)
    if date and len(text) <= 60 and "，" not in text and "。" not in text:
        rest = (text[:date.start()] + " " + text[date.end():]).split()
        # The date and counts only, or one short word with them (公文搜 … 讲话发言, 铜川日报, 海报).
        facts = [t for t in rest if _FACT.match(t)]
        return len(rest) - len(facts) <= 2 and all(len(t) <= 12 for t in rest)
    return False


# --- breadcrumbs ---------------------------------------------------------------------------

BREADCRUMB_SEPARATOR = re.compile(r"\s*(?:>>|»|›|>|→|/)\s*")


def is_breadcrumb_trail(text: str) -> bool:
    """A breadcrumb's line that ends in its separator (热点 >其他文案 >): a trail, not text."""
    return bool(breadcrumb_items(text)) and text.rstrip().endswith((">", "»", "›", "＞"))


def breadcrumb_items(text: str) -> list[str]:
    """The items of a breadcrumb line (当前位置：首页 > 讲话 > 科技教育), or [] when it is none."""
    if text.count(">") + text.count("»") + text.count("›") < 2:
        return []
    body = re.sub(r"^.{0,8}?[：:]\s*", "", text)  # 当前位置： / 您现在的位置是：
    items = [i.strip() for i in BREADCRUMB_SEPARATOR.split(body) if i.strip()]
    return items if len(items) >= 2 and all(len(i) <= 30 for i in items) else []


# --- collections of speeches ---------------------------------------------------------------

_NUM = "[0-9一二三四五六七八九十]+"
# An item's number glued to its title: …讲话 篇1, …致辞【篇1】, 【第一篇】, …发言范文第1篇; or before it: 第1篇：…, 篇1：…
ITEM_NUMBER_AFTER = re.compile(rf"\s*(?:[【\[（(]\s*(?:第{_NUM}篇|篇\s*{_NUM}|范文{_NUM})\s*[】\]）)]|(?:范文)?第{_NUM}篇|篇\s*{_NUM})\s*$")
ITEM_NUMBER_BEFORE = re.compile(rf"^(?:第{_NUM}篇|篇\s*{_NUM})\s*[：:]?\s*")
# A question-and-answer page's item marks before each item's title: ❶ 歡送老同志退休的祝詞, ❷ …有哪些
# (the dingbat digits; a speech numbers its own points ①②③ or 1.)
ITEM_MARK_BEFORE = re.compile(r"^[\u2776-\u277f\u278a-\u2793]\s*")
# An item's number on a line of its own: 第1篇, 【篇一】, （第二篇）：
ITEM_NUMBER_ALONE = re.compile(rf"[【\[（(]?\s*(?:第{_NUM}篇|篇\s*{_NUM})\s*[】\]）)]?\s*[：:]?")
# A collection's own title counts its items: …【4篇】, …汇编4篇, …（通用3篇）, …【通用三篇】, …范文（精选5篇）
COLLECTION_TITLE = re.compile(rf"(?:[【\[（(]\s*)?(?:通用|汇编|汇集|精选|优选|合集|热门|实用|最新|推荐|范文|精编)*\s*{_NUM}篇"
                              rf"(?:范文|合集)?\s*[】\]）)]?(?:\s*[“「『\"][^”」』\"]{{1,30}}[”」』\"])?"  # …7篇 “奋进…”
                              r"(?:\s*[（(]第?\s*[0-9]+\s*(?:/\s*[0-9]+)?\s*页[）)])?$")  # …45篇（第3/13页）
# A site's word count glued to a title: …致辞范文1655字, …讲话（3000字）
WORD_COUNT = re.compile(r"(?:范文|全文|原文|精选)?\s*[（(]?[0-9]{3,5}\s*字[）)]?$"
                        r"|\s*[（(【\[](?:精选文档|精选范文|优秀范文|范文|完整版|最新版|word版|可编辑|推荐)[）)】\]]$")


# A site's keyword said twice before a title: 党课讲稿 党课讲稿：…, 会议主持词会议主持词农村…
KEYWORD_STUTTER = re.compile(r"^([\u4e00-\u9fff]{2,8}?)\s*(?=\1)")


def item_numbering(text: str) -> tuple[int, int] | None:
    """The span of an item's number (or of a word count, or a keyword said twice) glued to a
    title-like line, or None."""
    if len(text) > 80 or is_sentence(text):
        return None
    m = ITEM_MARK_BEFORE.match(text)
    if m and 4 <= len(text) - m.end() <= 40:
        return m.start(), m.end()
    m = KEYWORD_STUTTER.match(text)
    if m and len(text) - m.end() >= 2 * len(m.group(1)):
        return m.start(), m.end()
    m = ITEM_NUMBER_BEFORE.match(text)
    if m and len(text) - m.end() >= 4:
        return m.start(), m.end()
    for pattern in (ITEM_NUMBER_AFTER, WORD_COUNT):
        m = pattern.search(text)
        if m and m.start() >= 4:
            return m.start(), m.end()
    return None


_NUMERALS = {c: i for i, c in enumerate("一二三四五六七八九十", 1)}


def item_number(segment: str) -> int | None:
    """The number in an item's numbering (篇一 → 1, 第2篇 → 2, ❷ → 2), or None."""
    mark = ITEM_MARK_BEFORE.match(segment)
    if mark:
        code = ord(segment[0])
        return code - 0x2775 if code <= 0x277f else code - 0x2789
    m = re.search(_NUM, segment)
    if not m:
        return None
    n = m.group(0)
    return int(n) if n.isdigit() else _NUMERALS.get(n) if len(n) == 1 else None


def is_collection_title(text: str) -> bool:
    """The title of a page that collects several speeches: it counts them (…汇编4篇)."""
    return len(text) <= 60 and not is_sentence(text) and COLLECTION_TITLE.search(text) is not None \
        and not re.search(rf"第{_NUM}篇|篇\s*{_NUM}\s*$", text)


# --- marks alone ------------------------------------------------------------------------------

# Bullets and separators a page puts between its fields (作者 • 时间 on lines of their own). Not
# the marks a speech may set alone (…… for an omission, *** between parts).
_LONE_MARKS = frozenset("•·・|｜/／\\>＞»›◆◇■□●○◎")


def is_lone_mark(text: str) -> bool:
    """A line of one to three bullets or separators and nothing else."""
    marks = text.replace(" ", "").replace("\u3000", "")
    return 0 < len(marks) <= 3 and all(ch in _LONE_MARKS for ch in marks)


# --- photo captions ---------------------------------------------------------------------------

# A news page's photo caption ends in its credit: 新华社记者 庞兴雷/摄, 记者郭勇摄, （王明 摄）. A
# speech never signs off so.
_PHOTO_CREDIT = re.compile(r"(?:记者\s*[\u4e00-\u9fff·]{2,5}\s*[/／]?\s*|[\u4e00-\u9fff·]{2,5}\s*[/／]\s*)摄影?$"
                           r"|[（(][^（）()]{2,24}\s摄影?[）)]$")


def is_photo_caption(text: str) -> bool:
    return len(text) <= 300 and _PHOTO_CREDIT.search(text.rstrip()) is not None


# --- another script ------------------------------------------------------------------------

def is_foreign_paragraph(text: str) -> bool:
    """A paragraph in Latin script: in a Chinese speech, a page's translation of it."""
    if len(text.encode("ascii", "ignore")) < 40:  # fewer ASCII characters than letters it needs
        return False
    letters = sum(1 for ch in text if ch.isascii() and ch.isalpha())
    han = sum(1 for ch in text if "\u3400" <= ch <= "\u9fff")
    visible = sum(1 for ch in text if not ch.isspace())
    # Words between spaces, as prose has them, not markup or code (<font name="x">).
    return (letters >= 40 and letters >= 4 * han and letters >= 0.75 * visible
            and len(re.findall(r"(?:^|\s)[A-Za-z]{2,}[,.;:!?’']*(?=\s|$)", text)) >= 8)


# --- style sheets --------------------------------------------------------------------------

_CSS_RULE = r"(?:@[a-z-]+\s*|[A-Za-z.#*][\w.#:\-]*(?:\s*,\s*[A-Za-z.#*][\w.#:\-]*)*\s*)\{[^{}]*[:;][^{}]*\}"
STYLE_SHEET = re.compile(rf"(?:[^{{}}\s]*\s*(?:\[[^\]]{{0,20}}\]\s*)?)?(?:{_CSS_RULE}\s*){{2,}}")


def style_sheet_spans(text: str) -> list[tuple[int, int]]:
    """Runs of CSS rules (two or more, with what glued them to the text just before)."""
    if "{" not in text:
        return []
    return [(m.start(), m.end()) for m in STYLE_SHEET.finditer(text)]


# --- tables of contents ----------------------------------------------------------------------

TOC_LABEL = re.compile(r"^(?:目\s*录|提\s*纲|目录\s*/\s*提纲)\s*[：:]?\s*[.…。]*$")


def toc_lines(texts: list[str]) -> set[int]:
    """Indexes of a table of contents: a 目录 line and the heading lines right under it (with an
    ellipsis line closing it), when at least two headings follow."""
    out: set[int] = set()
    for i, t in enumerate(texts):
        if not TOC_LABEL.match(t):
            continue
        j = i + 1
        while j < len(texts) and any(p.match(texts[j]) for _, p in HEADING_LEVELS) and not is_sentence(texts[j]):
            j += 1
        if j - i - 1 >= 2:
            out.update(range(i, j))
            if j < len(texts) and re.fullmatch(r"[.…。·]+", texts[j]):
                out.add(j)
    return out


# --- template tags and labels ----------------------------------------------------------------

# A CMS's template tag left in the text, with a cut entity before it: &n[标签:介绍], [标签:标题]
TEMPLATE_TAG = re.compile(r"(?:&[a-zA-Z]{1,6};?)?\[\s*标签\s*[:：][^\]]{0,20}\]")
# A site's label before a title: （现场实录）, 【重磅】, (全文)
TITLE_LABEL = re.compile(r"^[（(【\[][^（）()【】\[\]]{2,8}[）)】\]]\s*")


# A page's HTML left in the text: its block tags, which also stand where paragraphs broke.
HTML_BLOCK_TAG = re.compile(r"</?(?:p|div|span|br|section|li|ul|ol|h[1-6]|td|tr|table|strong)\b[^<>]{0,120}>", re.I)
MIN_HTML_TAGS = 3  # fewer is a speech that writes a tag (printed as it is)


def html_tag_spans(text: str) -> list[tuple[int, int]]:
    return [(m.start(), m.end()) for m in HTML_BLOCK_TAG.finditer(text)] if "<" in text else []


def template_tag_spans(text: str) -> list[tuple[int, int]]:
    return [(m.start(), m.end()) for m in TEMPLATE_TAG.finditer(text)] if "标签" in text else []


# --- keyword lists ---------------------------------------------------------------------------

MIN_KEYWORD_RUN = 3


def keyword_runs(texts: list[str]) -> set[int]:
    """A page's keywords or tags, one a line (党课 / 讲稿 / 就要 / 样子): three or more lines in a
    row, each a word of at most four characters with no mark."""
    short = [bool(re.fullmatch(r"[\u4e00-\u9fff]{1,4}", t)) for t in texts]
    out, i = set(), 0
    while i < len(texts):
        j = i
        while j < len(texts) and short[j]:
            j += 1
        if j - i >= MIN_KEYWORD_RUN:
            out.update(range(i, j))
        i = max(j, i + 1)
    return out
