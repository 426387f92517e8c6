"""Web-page reader: bytes of an .html file -> ``Document`` (format "html").

Decoding: a byte-order mark, else the charset a ``<meta>`` declares (GB2312 and GBK are read as
their superset GB18030), else the plain-text detection of ``text.decode``.  A declared Latin
charset (ASCII, ISO-8859-1, windows-1252) is tried last, because Chinese sites often declare it
for GBK pages.

Text: the page is parsed with lxml and walked in document order.  Not read: ``head``, scripts,
styles, ``noscript``, ``nav``, ``aside``, forms, hidden elements, elements whose id or class says
nav / menu / footer / breadcrumb / share / sidebar / copyright / toolbar / related links / print
and prev-next tools / search (unless they hold an article: 3+ paragraphs and 1,500+ characters),
and ``header`` / ``footer`` unless they sit inside an ``article`` or ``main`` (then they are the
article's own).  Block elements (p, div, li, h1-h6, br, tr, …) end lines; whitespace is collapsed
as a browser does, and a line break between two CJK characters disappears rather than becoming a
space.  Empty lines are dropped.

Metadata: the public-information block of a government page (索引号, 发文机关, 发文字号, 成文日期 …)
is written as lines "label：value", one per field, whether the page lays it out as a list or as a
table (label cells ending in a colon or ``th`` label cells, each followed by its value cell; or
cells that each begin with a label).  ``meta`` reads those lines.

Tables: any other row of two or more cells holding inline content is one line, cells joined by
"\t" on the table grid, as the docx reader does: a ``rowspan`` cell repeated in each row it
covers, a ``colspan`` cell followed by an empty cell per further column.  A row with a nested
table, a heading or much block content is page layout and is read as blocks.  When a data row was
emitted, ``hints`` is ``("table",)``.  lxml is imported only here.
"""

from __future__ import annotations

import codecs
import re
from typing import Any

from ..document import Document
from ..errors import InputError
from .base import make_document
from .text import decode

_DROP_TAGS = frozenset(
    {
        *("head", "script", "style", "noscript", "nav", "aside", "form", "template", "iframe", "svg"),
        *("canvas", "object", "embed", "button", "select", "textarea"),
    }
)
_PAGE_CHROME_TAGS = frozenset(("header", "footer"))
_HEADINGS = frozenset(("h1", "h2", "h3", "h4", "h5", "h6"))
_BLOCK_TAGS = _HEADINGS | frozenset(
    {
        *("address", "article", "blockquote", "body", "caption", "center", "dd", "details", "dialog"),
        *("dir", "div", "dl", "dt", "fieldset", "figcaption", "figure", "hr", "html", "li", "main"),
        *("menu", "ol", "p", "pre", "section", "summary", "table", "tbody", "td", "tfoot", "th"),
        *("thead", "tr", "ul"),
    }
)
# page chrome by id or class: a name containing one of these, or having one as a -/_ separated word
_JUNK_NAME = re.compile(
    r"nav|menu|footer|crumb|share|sidebar|copyright|toolbar|top-?bar|friend-?link|qrcode|erweima|pagination"
    r"|xglj|fenxiang|related",
    re.IGNORECASE,
)
_JUNK_WORDS = frozenset(
    (
        *("tools", "tool", "print", "prev", "next", "prevnext", "pager", "swipe", "search", "skip", "login"),
        *("links", "ewm", "gotop", "backtop"),
    )
)
_NAME_WORD = re.compile(r"[\s_-]+")
# metadata cells: a short label and a colon, alone ("索 引 号：") or leading the value ("发文机关：…")
_LABEL_CELL = re.compile(r"^[^\s:：]{1,10}(?:[ \u3000]+[^\s:：]{1,10}){0,5}[ \u3000]*[:：]$")
_LABEL_LED = re.compile(r"^[^\s:：\d]{1,10}(?:[ \u3000]+[^\s:：]{1,10}){0,5}[ \u3000]*[:：]")
_SHORT_LABEL = re.compile(r"^[^\s:：\d]{1,10}(?:[ \u3000]+[^\s:：]{1,10}){0,5}$")
_ARTICLE_PARAGRAPHS = 3  # a junk-named element with this many <p> and characters is kept
_ARTICLE_CHARS = 1500
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.IGNORECASE)
_OPEN, _CLOSE_BLOCK, _CLOSE_INLINE = range(3)
_MAX_CELL_BLOCKS = 10  # more block elements than this in a cell: layout, not a data table
_META_CHARSET = re.compile(rb"<meta[^>]+charset\s*=\s*[\"']?\s*([A-Za-z0-9_.:-]+)", re.IGNORECASE)
_LATIN = frozenset(("ascii", "latin-1", "iso8859-1", "cp1252"))
_SPACES = re.compile(r"[ \t\n\r\f\xa0]+")
_CJK = r"\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef"
_CJK_BREAK = re.compile(rf"(?<=[{_CJK}])[ \t\r\f\xa0]*\n[ \t\n\r\f\xa0]*(?=[{_CJK}])")


def read_html(data: bytes, name: str) -> Document:
    """The visible body text of the web page in ``data``."""
    text, encoding = decode_html(data, name)
    lines, has_table = extract_lines(text, name)
    hints = ("table",) if has_table else ()
    return make_document("\n".join(lines), data, name, "html", encoding, hints, "no text in the HTML body")


def decode_html(data: bytes, name: str) -> tuple[str, str]:
    """The page as text and its encoding: BOM, then meta charset, then text detection."""
    if data.startswith((b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")) or b"\x00" in data:
        return decode(data, name)
    declared = _declared_charset(data)
    if declared and declared not in _LATIN:
        text = _decode_as(data, declared)
        if text is not None:
            return text, declared
        # the declaration is wrong more often than the bytes: detect instead
    try:
        return decode(data, name)
    except InputError:
        if declared is None or declared not in _LATIN:
            raise
        text = _decode_as(data, declared)
        if text is None:
            raise
        return text, declared


def _decode_as(data: bytes, codec: str | None) -> str | None:
    """``data`` decoded strictly with ``codec``, or None when that fails or is no text codec."""
    if codec is None:
        return None
    try:
        return data.decode(codec)
    except (UnicodeError, LookupError, ValueError):  # LookupError: rot13, base64 are not text codecs
        return None


def _declared_charset(data: bytes) -> str | None:
    match = _META_CHARSET.search(data[:8192])
    if not match:
        return None
    try:
        codec = codecs.lookup(match.group(1).decode("ascii")).name
    except (LookupError, UnicodeDecodeError):
        return None
    if codec in ("gb2312", "gbk"):
        return "gb18030"
    if codec.startswith(("utf-16", "utf-32")):
        return None  # a page read as bytes without NULs is not UTF-16, whatever it says
    return codec


def extract_lines(text: str, name: str) -> tuple[list[str], bool]:
    """The text lines of the page body and whether a data table row was among them."""
    import lxml.etree

    # lxml.etree's HTMLParser, not lxml.html's: that one is this parser plus an element class
    # lookup (HtmlElement), whose extra methods the walk does not use; the tree is the same and
    # plain elements are quicker to create
    parser = lxml.etree.HTMLParser(
        encoding="utf-8", remove_comments=True, remove_pis=True, no_network=True, huge_tree=True
    )
    try:
        root = lxml.etree.fromstring(text.encode("utf-8", errors="replace"), parser)
    except (lxml.etree.ParserError, lxml.etree.XMLSyntaxError, ValueError):
        raise InputError("cannot parse the HTML", path=name) from None
    # libxml2 stops at a fatal error (e.g. nesting deeper than 2048) and keeps what it had parsed:
    # better no document than a silently truncated one
    fatal = [e for e in parser.error_log if e.level == lxml.etree.ErrorLevels.FATAL]
    if fatal:
        raise InputError(f"cannot parse the HTML: {fatal[0].message}", path=name)
    walker = _Walker()
    if root is not None:
        walker.walk(root)
    return walker.lines, walker.has_table


class _Walker:
    """Walks an element tree in document order and collects lines of text."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self.has_table = False
        self._parts: list[str] = []
        self._rowspans: dict[Any, dict[int, tuple[int, int, str]]] = {}  # table -> column -> (width, rows left, text)

    def walk(self, root: Any) -> None:
        # an explicit stack instead of recursion: pages nest deeper than Python's recursion limit;
        # an entry is (element, _OPEN) or (element, _CLOSE_BLOCK / _CLOSE_INLINE) after its children
        stack: list[tuple[Any, int]] = [(root, _OPEN)]
        while stack:
            element, step = stack.pop()
            if step != _OPEN:
                if step == _CLOSE_BLOCK:
                    self._break()
                self._add(element.tail if element is not root else None)
                continue
            tag = element.tag.lower() if isinstance(element.tag, str) else ""
            if not tag or _is_junk(element, tag):
                self._add(element.tail if element is not root else None)
            elif tag == "br":
                self._break()
                self._add(element.tail)
            elif tag == "pre":
                self._pre(element)
            elif tag == "tr" and self._is_data_row(element):
                self._row(element)
            else:
                block = tag in _BLOCK_TAGS
                if block:
                    self._break()
                self._add(element.text)
                stack.append((element, _CLOSE_BLOCK if block else _CLOSE_INLINE))
                stack.extend((child, _OPEN) for child in reversed(element))
        self._break()

    def _add(self, text: str | None) -> None:
        if text:
            self._parts.append(text)

    def _break(self) -> None:
        if not self._parts:
            return
        line = _collapse("".join(self._parts))
        self._parts = []
        if line:
            self.lines.append(line)

    def _pre(self, element: Any) -> None:
        self._break()
        for line in "".join(element.itertext()).split("\n"):
            if line.strip():
                self.lines.append(line.rstrip())
        self._add(element.tail)

    def _is_data_row(self, tr: Any) -> bool:
        """Two or more cells (counting rowspans from above) of inline content, not page layout."""
        cells = _cells(tr)
        pending = self._rowspans.get(_table_of(tr), {})
        if len(cells) + len(pending) < 2:
            return False
        return not any(_is_layout_cell(cell) for cell in cells)

    def _row(self, tr: Any) -> None:
        self._break()
        pairs = None if self._rowspans.get(_table_of(tr)) else _label_pairs(tr)
        if pairs is not None:
            self.lines.extend(pairs)
        else:
            self.has_table = True
            self.lines.append("\t".join(self._row_cells(tr)))
        self._add(tr.tail)

    def _row_cells(self, tr: Any) -> list[str]:
        """The cells of a data row on the table grid: a ``rowspan`` cell repeated in each row it
        covers, a ``colspan`` cell followed by an empty cell for each further column."""
        pending = self._rowspans.setdefault(_table_of(tr), {})
        cells = _cells(tr)
        out: list[str] = []
        column = 0
        while cells or any(col >= column for col in pending):
            if column in pending:
                width, left, text = pending[column]
                out.extend([text, *[""] * (width - 1)])
                if left <= 1:
                    del pending[column]
                else:
                    pending[column] = (width, left - 1, text)
                column += width
            elif cells:
                cell = cells.pop(0)
                width = _span(cell, "colspan")
                rows = _span(cell, "rowspan")
                text = _cell_text(cell)
                if rows > 1:
                    pending[column] = (width, rows - 1, text)
                out.extend([text, *[""] * (width - 1)])
                column += width
            else:
                column = min(col for col in pending if col >= column)
        return out


def _label_pairs(tr: Any) -> list[str] | None:
    """The lines "label：value" of a metadata row, or None for a row of a data table.

    A metadata row pairs labels with values: label cells that end with a colon ("索 引 号：")
    or are ``th`` beside ``td`` cells, each followed by its value; or cells that each start with
    a label ("发文机关：国务院办公厅").  Each pair becomes a line, as the page prints it."""
    cells = _cells(tr)
    if len(cells) < 2 or any(_span(cell, "rowspan") > 1 for cell in cells):
        return None
    texts = [_cell_text(cell) for cell in cells]
    if all(_LABEL_LED.match(text) for text in texts if text) and any(texts):
        return [text for text in texts if text]
    if len(cells) % 2:
        return None
    tags = [cell.tag.lower() for cell in cells]
    pairs = []
    for i in range(0, len(cells), 2):
        label, value = texts[i].strip(), texts[i + 1].strip()
        if _LABEL_CELL.match(label):
            pairs.append(label + value)
        elif tags[i] == "th" and tags[i + 1] == "td" and _SHORT_LABEL.match(label):
            pairs.append(f"{label}：{value}")
        else:
            return None
    return pairs


def _collapse(text: str) -> str:
    if "\n" in text:  # every match of _CJK_BREAK holds a "\n"
        text = _CJK_BREAK.sub("", text)
    return _SPACES.sub(" ", text).strip(" ")


def _is_junk(element: Any, tag: str) -> bool:
    if tag in _DROP_TAGS:
        return True
    if tag in _PAGE_CHROME_TAGS and not any(a.tag in ("article", "main") for a in element.iterancestors()):
        return True
    if tag in ("html", "body"):
        return False
    attrs = element.attrib
    if not attrs:  # no hidden, style, id or class: none of the tests below can say junk
        return False
    if "hidden" in attrs or _HIDDEN_STYLE.search(attrs.get("style", "")):
        return True
    names = f"{attrs.get('id', '')} {attrs.get('class', '')}"
    if not _JUNK_NAME.search(names) and not _JUNK_WORDS.intersection(_NAME_WORD.split(names.lower())):
        return False
    return not _holds_an_article(element)


def _holds_an_article(element: Any) -> bool:
    """A long run of paragraphs: a name such as "main-nav-wrapper" that wraps the page, not chrome."""
    paragraphs = sum(1 for _ in element.iter("p"))
    return paragraphs >= _ARTICLE_PARAGRAPHS and len("".join(element.itertext())) >= _ARTICLE_CHARS


def _cells(tr: Any) -> list[Any]:
    return [c for c in tr if isinstance(c.tag, str) and c.tag.lower() in ("td", "th")]


def _table_of(tr: Any) -> Any:
    return next(tr.iterancestors("table"), None)


def _is_layout_cell(cell: Any) -> bool:
    """A cell holding a nested table, a heading or many blocks lays out a page, not data."""
    blocks = 0
    for inner in cell.iterdescendants():
        tag = inner.tag.lower() if isinstance(inner.tag, str) else ""
        if tag == "table" or tag in _HEADINGS:
            return True
        if tag in _BLOCK_TAGS or tag == "br":
            blocks += 1
    return blocks > _MAX_CELL_BLOCKS


def _cell_text(cell: Any) -> str:
    walker = _Walker()
    walker.walk(cell)
    return " ".join(walker.lines).replace("\t", " ")


def _span(cell: Any, attr: str) -> int:
    value = cell.attrib.get(attr, "1").strip()
    return max(1, min(int(value), 1000)) if value.isdigit() else 1
