"""Find the speech, then its title: where the speech starts and which lines are its front
matter (title, subtitle, bylines, salutation). The one place that decides it: strip removes
what stands above as the site's header, structure sets the lines it names in their roles.

Evidence, strongest first:

1. The salutation (同志们：, 尊敬的各位来宾：). Above it stand only bylines (a date, a speaker),
   a subtitle and the title — and site chrome or promotion, skipped. The nearest line above
   them that is shaped like a title is the title (a page often shows a headline, the page
   title and the speech's own title in turn: the speech's own is nearest).
2. A subtitle (——在…上的讲话) stands under the title.
3. A line that names the occasion (在…上的讲话, …致辞) above the body: the one nearest the
   body's first paragraph, when a page repeats it.
4. No title: the speech starts at the first line that may be speech.

Lines above the start that repeat the title are duplicates (a page title, a breadcrumb's end).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from difflib import SequenceMatcher

from .clean import Line
from .patterns import (
    ANNOUNCES_SPEECH,
    COMPLETE_TITLE,
    DATE,
    NAMES_KIND_FIRST,
    NAMES_OCCASION,
    OFFICE,
    SPEAKER_TAG,
    TITLE_WORDS,
    heading_level,
    is_byline,
    is_salutation,
    is_sentence,
    is_subtitle,
    looks_like_title_line,
)

SEARCH_WITHIN = 60  # lines: a title further down is not the start of the speech
MAX_TITLE_LINES = 3
MAX_TITLE_CHARS = 60
MAX_FRONT_LINES = 8  # bylines, subtitle and chrome between a title and its salutation
MAX_SUBTITLE_CHARS = 80
_HAN = re.compile("[\u3400-\u9fff]")
# An office at the end, or with a name after it: 甘肃省省长, 中信工程董事长金志宏, 县政府负责人xxx
SPEAKER_AFTER_OFFICE = re.compile(rf"{OFFICE.pattern}\s*(?:[\u4e00-\u9fff]{{2,3}}|[xX×＊*]{{2,4}}|[A-Za-z]{{2,4}})?[：:]?$")
# The speaker named by a label: 授课：茹万春, 主讲人：王××, 讲话人：张三
SPEAKER_LABEL = re.compile(r"^(主讲人?|授课人?|讲授|讲话人|发言人|报告人|致辞人|演讲人)\s*[：:]\s*\S{2,10}$")

# When and where, in brackets under the title: 〖时间：下午4:10至6:30，地点：人民大会堂。〗
OCCASION_NOTE = re.compile(r"[〖【（(\[][^〖【（(\[]{0,70}(?:时间|時間|地点|地點)\s*[：:][^〖【（(\[]{0,70}[〗】）)\]]")


@dataclass
class Front:
    start: int  # the speech's first line; all above it is the site's header
    roles: dict[int, str] = field(default_factory=dict)  # line index -> title/subtitle/byline/salutation
    duplicates: set[int] = field(default_factory=set)  # lines above `start` that repeat the title
    furniture: set[int] = field(default_factory=set)  # a post's lines between its title and its text

    @property
    def title(self) -> list[int]:
        return sorted(i for i, r in self.roles.items() if r == "title")


# A page title's last word for search engines: …致辞范文 is still a speech's title.
_SEO_TAIL = re.compile(r"(?:范文|范本|范例)$")


def locate(lines: list[Line], may_be_speech: list[bool], clean: list[bool], chrome: set[int],
           metadata: set[int] = frozenset()) -> Front:
    """The speech's start and front matter.

    may_be_speech[i]: line i carries no strong signal of promotion (prose is protected from
    vocabulary: only a strong signal disqualifies it). clean[i]: no signal at all, as front
    matter lines (short, not prose) must be. chrome: lines that are site chrome by shape."""
    n = min(len(lines), SEARCH_WITHIN)

    def front_ok(i: int) -> bool:
        return clean[i] and i not in chrome

    def title_ok(i: int) -> bool:
        text = lines[i].text
        named = TITLE_WORDS.search(_squeezed(_SEO_TAIL.sub("", text))) is not None  # 六一儿童节欢迎致辞范文
        return (i not in chrome and (clean[i] or may_be_speech[i] and named) and _title_shaped(text)
                and not SPEAKER_TAG.match(text))  # 男：尊敬的各位领导, a host's line

    salutation = next((i for i in range(n) if front_ok(i) and is_salutation(lines[i].text)
                       and i + 1 < len(lines)), None)
    if salutation is not None:
        front = _above_salutation(lines, salutation, front_ok, title_ok, may_be_speech, chrome)
        if front is not None:
            return _with_duplicates(lines, front)
    for i in range(n):  # a subtitle stands under the title
        if front_ok(i) and is_subtitle(lines[i].text):
            near = [j for j in range(i - 1, -1, -1) if j not in chrome][:3]  # metadata may stand between
            above = sorted(j for j in near if title_ok(j) and not _byline_like(lines[j].text))
            if above:
                front = _from_title(lines, above[-1], title_ok, front_ok, chrome)
                return _with_duplicates(lines, front)
    title = _titled_by_occasion(lines, n, title_ok, front_ok, may_be_speech, chrome)
    if title is None:
        title = _titled_by_front_matter(lines, n, title_ok, front_ok, chrome)
    post = None
    if title is None:
        title, post = _titled_by_metadata(lines, n, title_ok, chrome, metadata, may_be_speech) or (None, None)
    if title is not None:
        front = _with_duplicates(lines, _from_title(lines, title, title_ok, front_ok, chrome))
        if post is not None:  # a forum's or news page's furniture between the title and the text
            front.furniture = {j for j in range(title + 1, post) if j not in front.roles and j not in chrome
                               and not is_prose(lines[j].text)}
        return front
    start = next((i for i in range(len(lines)) if may_be_speech[i] and i not in chrome
                  and (clean[i] or is_prose(lines[i].text))), len(lines))
    # A report about the speech that ends by announcing it (以下为董事长致辞摘要：) is the page's.
    announced = [i for i in range(start, n) if ANNOUNCES_SPEECH.search(lines[i].text) and i + 1 < len(lines)]
    if announced:
        start = announced[-1] + 1
    return Front(start)


def _above_salutation(lines, salutation, front_ok, title_ok, may_be_speech, chrome) -> Front | None:
    """Front matter read upwards from the salutation: bylines, a subtitle, then the title."""
    roles = {salutation: "salutation"}
    top = salutation
    # A salutation the copy broke over two lines: 女士们，先生们，/ 同志们，朋友们：
    while (top > 0 and front_ok(top - 1) and lines[top - 1].text.endswith(("，", "、", ","))
           and is_salutation(lines[top - 1].text + lines[top].text)):
        top -= 1
        roles[top] = "salutation"
    j, bylines = top - 1, []
    while j >= 0 and top - j <= MAX_FRONT_LINES:
        text = lines[j].text
        if j in chrome or not front_ok(j) and not title_ok(j) or not _HAN.search(text):
            if is_prose(text) and j not in chrome and may_be_speech[j]:
                break  # speech text, not chrome nor promotion: the front matter ends here
            j -= 1  # chrome, promotion, an item's bare number (1) between the title and the salutation
            continue
        if is_subtitle(text):
            roles[j] = "subtitle"
        elif j > 0 and front_ok(j - 1) and is_subtitle(lines[j - 1].text) and re.search("[\u4e00-\u9fff]", lines[j - 1].text) \
                and not lines[j].blank_before and _title_shaped(text) and len(lines[j - 1].text + text) <= MAX_SUBTITLE_CHARS \
                and not _byline_like(text):  # ----在第13届校运会上的讲话 / 符斯常: the speaker, under it
            roles[j] = "subtitle"  # a subtitle the copy broke over two lines: ——…人民代表大会 / 第六次会议上
        elif _byline_like(text):
            roles[j] = "byline"
            bylines.append(j)
        else:
            break
        j -= 1
    if j >= 0 and title_ok(j):
        front = _from_title(lines, j, title_ok, front_ok, chrome)
        front.roles.update(roles)
        return front
    # No title: the speech starts with its first front-matter line.
    return Front(min(roles), roles)


def _byline_like(text: str) -> bool:
    """A byline, or what only a byline is right under a title or above its salutation: a name
    alone (傅西路, XXX), a speaker without a space (中信工程董事长金志宏, 全国政协主席王沪宁：), a date."""
    if is_byline(text) or OCCASION_NOTE.fullmatch(text):
        return True
    if text.endswith(("：", ":")) and SPEAKER_AFTER_OFFICE.search(text) and len(text) <= 25:
        return True
    if (len(text) > 30 or is_sentence(text) or heading_level(text) is not None or TITLE_WORDS.search(text)
            or NAMES_OCCASION.search(text)):  # …校长致辞稿: an office before the kind of speech, no name
        return False
    bare = text.strip("（）() ")
    return (bool(re.fullmatch(r"[\u4e00-\u9fff]{2,4}|[xX×＊*]{2,}|[A-Za-z]{2,4}", bare))
            or bool(SPEAKER_LABEL.match(text))
            or bool(SPEAKER_AFTER_OFFICE.search(text)) and len(text) <= 25
            or bool(DATE.search(text)) and len(bare) <= 24)


def _from_title(lines: list[Line], i: int, title_ok, front_ok, chrome: set[int] = frozenset()) -> Front:
    """The title at line i, the title-shaped lines right above it that it was broken from,
    a byline above it (县委书记 张××), and the subtitle and bylines under it."""
    top = i
    if not COMPLETE_TITLE.search(lines[i].text):
        while (top > 0 and i - top < MAX_TITLE_LINES - 1 and title_ok(top - 1)
               and _key(lines[top - 1].text) not in {_key(l.text) for l in lines[top:i + 1]}  # not a copy of a part
               and (not lines[top].blank_before or lines[top].centred and lines[top - 1].centred)
               and not TITLE_WORDS.search(lines[top - 1].text) and not is_byline(lines[top - 1].text)
               and sum(len(l.text) for l in lines[top - 1:i + 1]) <= MAX_TITLE_CHARS):
            top -= 1
    # A title a hard-wrapped copy cut mid-phrase (…重大意义，着 / 力营造高质量发展良好政治生态): its
    # short rest on the next line, no sentence, no other front matter.
    if i + 1 < len(lines) and i == top and not NAMES_OCCASION.search(lines[i].text) \
            and re.search(r"[\u4e00-\u9fff，、]$", lines[i].text):
        rest = lines[i + 1].text
        if (not lines[i + 1].blank_before and i + 1 not in chrome and front_ok(i + 1) and title_ok(i + 1)
                and not _byline_like(rest) and not is_prose(rest) and not is_sentence(rest)
                and heading_level(rest) is None and len(lines[i].text + rest) <= MAX_TITLE_CHARS
                and len(rest) < len(lines[i].text)):
            i += 1
    roles = {k: "title" for k in range(top, i + 1)}
    start = top
    while start > 0 and top - start < 2 and front_ok(start - 1) and is_byline(lines[start - 1].text):
        start -= 1
        roles[start] = "byline"
    # Under it: a subtitle (one; a page may set the speaker's name between them), bylines, and
    # the salutation, which ends the front matter.
    j = i + 1
    while j < len(lines) and j - i <= MAX_FRONT_LINES:
        text = lines[j].text
        if j in chrome:  # a page's metadata line between the title and its bylines
            j += 1
            continue
        if not front_ok(j):
            break
        if "subtitle" not in roles.values() and "salutation" not in roles.values() and is_subtitle(text):
            roles[j] = "subtitle"
        elif _byline_like(text):
            roles[j] = "byline"
        elif is_salutation(text):
            roles[j] = "salutation"
            break
        else:
            break
        j += 1
    return Front(start, roles)


def _titled_by_occasion(lines, n, title_ok, front_ok, may_be_speech, chrome) -> int | None:
    """The line naming the occasion that the speech's front matter follows (a byline, a
    subtitle, the salutation); else the first one that the body's text follows (a page's
    headline and its copies of the title stand above it, with other things under them);
    else the first complete title (在…上的讲话), or the first such line."""
    candidates = [i for i in range(n) if title_ok(i) and (NAMES_OCCASION.search(_squeezed(lines[i].text))
                                                          or NAMES_KIND_FIRST.match(lines[i].text))]
    if not candidates:
        return None
    # Of a title the page shows more than once, its copy nearest the text is the speech's own
    # (the others are the page's title and headline, with its furniture between them).
    # A copy with no text after it is a page's tag or footer (标签：… 庆祝教师节讲话), not that one.
    last_body = max((j for j in range(len(lines)) if j not in chrome and _body_like(lines[j].text)), default=-1)
    # A copy is the same title give or take a word at its ends (在X省…上的讲话 / X省…上的讲话).
    copies = [i for i in candidates if i < last_body]
    candidates = [i for i in candidates
                  if not any(j > i and _same_title(lines[i].text, lines[j].text) for j in copies)]

    def following(i: int) -> str:
        return next((lines[j].text for j in range(i + 1, len(lines)) if j not in chrome), "")

    for test in (lambda f: _byline_like(f) or is_salutation(f) or is_subtitle(f), _body_like):
        found = [i for i in candidates if test(following(i))]
        if found:
            return found[0]
    complete = [i for i in candidates if COMPLETE_TITLE.search(lines[i].text)]
    return (complete or candidates)[0]


def _titled_by_front_matter(lines, n, title_ok, front_ok, chrome) -> int | None:
    """A title that names no occasion (以教育家精神铸魂强师 奋力办好人民满意的教育) is known by the
    byline or subtitle under it: the first such line above the speech's first paragraph (a
    site's blurb may stand before it)."""
    for i in range(n):
        if i in chrome:
            continue
        if is_prose(lines[i].text):
            if front_ok(i):
                return None  # the speech's own prose comes first: what is above it is not a title
            continue
        following = next((j for j in range(i + 1, len(lines)) if j not in chrome), None)
        if (title_ok(i) and not _byline_like(lines[i].text) and following is not None and front_ok(following)
                and (_byline_like(lines[following].text) or is_subtitle(lines[following].text))):
            return i
    return None


def _titled_by_metadata(lines, n, title_ok, chrome, metadata, may_be_speech) -> tuple[int, int] | None:
    """A post's title (a forum's, a news page's) stands above the page's metadata line (…发表于
    2013-1-25 22:15), with the post's text under it: the nearest title-shaped line above, and
    the text's first line."""
    for m in sorted(i for i in metadata if i < n):
        after = [j for j in range(m + 1, min(len(lines), m + 8)) if j not in chrome and may_be_speech[j]]
        body = next((j for j in after[:3] if _body_like(lines[j].text)), None)
        if body is None:
            continue
        for i in range(m - 1, max(-1, m - 5), -1):
            if title_ok(i):
                # The page's copy of the title may stand again right above the text (…的精神力量).
                below = [j for j in range(m + 1, body) if j not in chrome and title_ok(j)
                         and SequenceMatcher(None, _key(lines[i].text), _key(lines[j].text)).ratio() >= 0.7]
                return (below[-1] if below else i), body
            if is_prose(lines[i].text):
                break
    return None


def _with_duplicates(lines: list[Line], front: Front) -> Front:
    """Lines above the speech that repeat its title: a page title, a headline, a breadcrumb's end."""
    title = "".join(lines[i].text for i in front.title)
    if title:
        front.duplicates = {i for i in range(front.start) if _same_title(lines[i].text, title)}
    return front


def _same_title(a: str, b: str) -> bool:
    a, b = _key(a), _key(b)
    short, long = sorted((a, b), key=len)
    return short == long or len(short) >= 8 and short in long and len(long) - len(short) <= 2


def _key(text: str) -> str:
    return re.sub(r"[\W_]+", "", text)


def _title_shaped(text: str) -> bool:
    # A title may have commas (读书励志，启智储能，筑牢人生事业轨道); prose is longer, or has a stop.
    return (looks_like_title_line(text) and _HAN.search(text) is not None and not is_salutation(text) and not is_subtitle(text)
            and not is_byline(text) and not (is_prose(text) and (len(text) > 32 or "。" in text)))


def _squeezed(text: str) -> str:
    """A letter-spaced title read without its spaces: 政 府 工 作 报 告."""
    return re.sub(r"(?<=[\u4e00-\u9fff]) (?=[\u4e00-\u9fff])", "", text)


def _body_like(text: str) -> bool:
    """The body's first line: prose, or a long line with a clause (a wrapped copy's line)."""
    return is_prose(text) or len(text) >= 20 and ("，" in text or is_sentence(text))


def is_prose(text: str) -> bool:
    """Running text: a long line with clauses or sentences, even when cut mid-sentence."""
    t = re.sub(r"\s+", "", text)
    return len(t) >= 20 and ("。" in t[:-1] or t.count("，") >= 2 or t[-1] in "。！？" and len(t) >= 30)
