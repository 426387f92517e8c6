"""PDF reader: bytes of a .pdf file -> ``Document`` (format "pdf").  Needs the ``pdf`` extra.

The text layer of every page is read with pdfium (``pypdfium2``, Apache-2.0/BSD), in pdfium's
order, which follows the content stream: the reading order of what word processors print.
Each text line is kept with its box on the page, and the page is then put back together:

- running headers and footers are dropped: a line at the top or bottom of a page whose text
  (digits aside) comes back at the same height on 2+ pages and on 40%+ of the pages; so is a bare
  page number there ("- 3 -", "— 3 —", "第3页 共10页", "3/10", "Page 3 of 10");
- lines the layout broke are joined: a line that runs to the right edge of the text column is
  continued by the next line when that one starts at the left edge (not indented as a new
  paragraph would be, not a heading after a closing mark); across a page break too;
- a space pdfium generated between Chinese characters and digits or letters (it reads the
  typesetter's inter-script gap as a word space) is removed; spaces in the text itself stay.

Failures, each an ``InputError``: no ``pypdfium2`` (says which extra to install), a file cut
short (no ``%%EOF``), a password, a file pdfium cannot parse, and a PDF without any text (a
scan: it needs OCR first).  ``pypdfium2`` is imported only here.
"""

from __future__ import annotations

import math
import re
import statistics
from collections import Counter
from dataclasses import dataclass
from typing import Any

from ..document import Document
from ..errors import InputError
from .base import make_document

NEEDS_EXTRA = "reading PDF needs the pdf extra: pip install 'govplan[pdf]' (pypdfium2)"
NEEDS_OCR = (
    "no text layer: the PDF holds only images (a scan); run OCR on it first, e.g. ocrmypdf -l chi_sim in.pdf out.pdf"
)

_PASSWORD_ERROR = 4  # FPDF_ERR_PASSWORD
_EOF_MARK = b"%%EOF"
_EOF_WINDOW = 2048  # %%EOF must sit this close to the end (after trailing whitespace)

_MARGIN_LINES = 2  # lines at the top and at the bottom of a page that may be header or footer
_REPEAT_SHARE = 0.4  # a running header or footer is on this share of the pages, and on 2 or more
_Y_BUCKET = 2.0
_FULL_LINE_SHARE = 0.15  # of the lines end at the right edge of a justified column  # points: the same height on two pages, allowing for rounding
_PAGE_NUMBER = re.compile(
    r"^(?:[-—–－~〜·•\s]*\d{1,4}[-—–－~〜·•\s]*"
    r"|第\s*\d{1,4}\s*页(?:\s*[,，/、]?\s*共\s*\d{1,4}\s*页)?"
    r"|\d{1,4}\s*/\s*\d{1,4}"
    r"|(?:page|p\.)\s*\d{1,4}(?:\s*(?:of|/)\s*\d{1,4})?)$",
    re.IGNORECASE,
)
# a new block, even when it starts at the left edge: headings and labelled lines
_BLOCK_START = re.compile(
    r"^(?:[一二三四五六七八九十百]+[、．.]|[（(][一二三四五六七八九十百\d]{1,3}[）)]|\d{1,3}[、．.](?!\d)"
    r"|第[一二三四五六七八九十百\d]+[章节条部分]|[①-⑳]|[\u4e00-\u9fff]{2,8}[:：])"
)
_CLOSING = tuple("。！？；：!?;:")
_CJK = re.compile(r"[\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef\u3000-\u303f]")
_LATIN_LETTER = re.compile(r"[A-Za-z]")


@dataclass(frozen=True)
class Line:
    """One text line of a page and its box in PDF points (y grows upwards)."""

    text: str
    left: float
    right: float
    top: float
    bottom: float
    placed: bool = True  # False: pdfium gave no boxes for this page, so nothing is joined or dropped

    @property
    def size(self) -> float:
        return self.top - self.bottom


def read_pdf(data: bytes, name: str) -> Document:
    """The text of the PDF in ``data``, headers and footers dropped, broken lines joined."""
    try:
        import pypdfium2
    except ImportError:
        raise InputError(NEEDS_EXTRA, path=name) from None
    if _EOF_MARK not in data.rstrip(b"\x00\t\n\r\f ")[-_EOF_WINDOW:]:
        raise InputError("truncated PDF: the file ends before its %%EOF marker (incomplete download?)", path=name)
    try:
        pdf = pypdfium2.PdfDocument(data)
    except pypdfium2.PdfiumError as err:
        if getattr(err, "err_code", None) == _PASSWORD_ERROR:
            raise InputError("encrypted PDF: it needs a password to open; save an unprotected copy", path=name) from None
        raise InputError(f"corrupt PDF: pdfium cannot open it ({err})", path=name) from None
    except Exception as err:  # nothing from a damaged file may escape
        raise InputError(f"corrupt PDF: {type(err).__name__}: {err}", path=name) from None
    try:
        pages = [_page_lines(pdf, index) for index in range(len(pdf))]
    except Exception as err:  # pdfium can fail on any damaged page
        raise InputError(f"corrupt PDF: {type(err).__name__}: {err}", path=name) from None
    finally:
        pdf.close()
    if not any(line.text.strip() for page in pages for line in page):
        raise InputError(NEEDS_OCR, path=name)
    return make_document(assemble(pages), data, name, "pdf", None, (), NEEDS_OCR)


def assemble(pages: list[list[Line]]) -> str:
    """The text of ``pages``: running headers, footers and page numbers dropped, broken lines joined."""
    body = drop_running_lines(pages)
    return "\n".join(join_broken_lines(body))


def drop_running_lines(pages: list[list[Line]]) -> list[list[Line]]:
    """``pages`` without their running headers and footers and bare page numbers."""
    def key(line: Line) -> tuple[str, int]:
        return re.sub(r"\d+", "#", "".join(line.text.split())), round(line.top / _Y_BUCKET)

    margins = [_margin_lines(page) for page in pages]
    seen = Counter(k for lines in margins for k in {key(line) for line in lines})
    needed = max(2, _REPEAT_SHARE * len(pages))
    out = []
    for page, margin in zip(pages, margins, strict=True):
        dropped = {
            id(line)
            for line in margin
            if _PAGE_NUMBER.match(line.text.strip()) or seen[key(line)] >= needed
        }
        out.append([line for line in page if id(line) not in dropped])
    return out


def join_broken_lines(pages: list[list[Line]]) -> list[str]:
    """The lines of all pages as text lines, each line the layout broke joined to the next."""
    lines = [line for page in pages for line in page if line.text.strip()]
    placed = [line for line in lines if line.placed]
    if not placed:
        return [line.text.strip() for line in lines]
    left, right, size = _column(placed)
    out: list[str] = []
    previous: Line | None = None
    for line in lines:
        text = line.text.strip()
        if previous is not None and out and _continues(previous, line, left, right, size):
            out[-1] += _joiner(out[-1], text) + text
        else:
            out.append(text)
        previous = line
    return out


def _margin_lines(page: list[Line]) -> list[Line]:
    """The lines that may be a header or a footer: the topmost and the bottommost of the page."""
    by_height = sorted((line for line in page if line.text.strip() and line.placed), key=lambda line: -line.top)
    if len(by_height) <= 2 * _MARGIN_LINES:
        return by_height
    return by_height[:_MARGIN_LINES] + by_height[-_MARGIN_LINES:]


def _column(lines: list[Line]) -> tuple[float, float, float]:
    """Left and right edge of the text column and the body type size.

    The left edge is the leftmost x where many lines start.  The right edge is where the lines a
    justified paragraph breaks all end: the farthest x at which 3+ lines (and 15%+ of them) end
    within a point.  Without one (ragged text), the edge is infinite and no line is joined."""
    size = statistics.median(line.size for line in lines) or 10.0
    lefts = Counter(round(line.left) for line in lines)
    most = lefts.most_common(1)[0][1]
    left = float(min(value for value, count in lefts.items() if count >= most / 3))
    rights = Counter(round(line.right) for line in lines)
    needed = max(3, _FULL_LINE_SHARE * len(lines))
    edges = [value for value in rights if sum(rights[value + d] for d in (-1, 0, 1)) >= needed]
    right = float(max(edges)) if edges else math.inf
    return left, right, size


def _continues(previous: Line, line: Line, left: float, right: float, size: float) -> bool:
    """True when ``line`` carries on the paragraph that ``previous`` broke at the column edge."""
    if not (previous.placed and line.placed):
        return False
    tolerance = 0.6 * size
    if previous.right < right - tolerance or line.left > left + tolerance:
        return False
    if abs(line.size - previous.size) > 0.25 * size:
        return False  # a change of type size: a title, a heading, a note
    text = line.text.strip()
    return not (previous.text.rstrip().endswith(_CLOSING) and _BLOCK_START.match(text))


def _joiner(before: str, after: str) -> str:
    """What goes between two parts of a broken line: nothing, or a space between two Latin words."""
    if _LATIN_LETTER.match(before[-1]) and _LATIN_LETTER.match(after[0]):
        return " "
    return ""


# --- reading a page with pdfium ---------------------------------------------------------------------


def _page_lines(pdf: Any, index: int) -> list[Line]:
    page = pdf[index]
    try:
        textpage = page.get_textpage()
        try:
            return _textpage_lines(textpage)
        finally:
            textpage.close()
    finally:
        page.close()


def _textpage_lines(textpage: Any) -> list[Line]:
    """The lines of a page with their boxes (pdfium ends each line with a generated CRLF)."""
    import pypdfium2.raw as pdfium_c

    count = textpage.count_chars()
    text = str(textpage.get_text_range())
    if count <= 0 or not text.strip():
        return []
    if len(text) != count:  # no 1:1 map to character boxes: keep the text, without geometry
        return [Line(part, 0.0, 0.0, 0.0, 0.0, placed=False) for part in re.split(r"\r\n|[\r\n]", text) if part.strip()]
    lines: list[Line] = []
    chars: list[str] = []
    boxes: list[tuple[float, float, float, float]] = []

    def flush() -> None:
        if "".join(chars).strip():
            lines.append(_line(chars, boxes))
        chars.clear()
        boxes.clear()

    for i, ch in enumerate(text):
        if ch in "\r\n":
            if ch == "\n" or not (i + 1 < len(text) and text[i + 1] == "\n"):
                flush()
            continue
        if ch == " " and pdfium_c.FPDFText_IsGenerated(textpage.raw, i) == 1 and _between_cjk(text, i):
            continue
        chars.append(ch)
        boxes.append(textpage.get_charbox(i, loose=True) if not ch.isspace() else (0.0, 0.0, 0.0, 0.0))
    flush()
    return lines


def _between_cjk(text: str, i: int) -> bool:
    """A generated space with a Chinese character on one side (the other side not a space)."""
    before = text[i - 1] if i > 0 else ""
    after = text[i + 1] if i + 1 < len(text) else ""
    return bool(before.strip() and after.strip() and (_CJK.match(before) or _CJK.match(after)))


def _line(chars: list[str], boxes: list[tuple[float, float, float, float]]) -> Line:
    inked = [box for ch, box in zip(chars, boxes, strict=True) if not ch.isspace()]
    left = min(box[0] for box in inked)
    right = max(box[2] for box in inked)
    bottom = statistics.median(box[1] for box in inked)
    top = statistics.median(box[3] for box in inked)
    return Line("".join(chars), left, right, top, bottom)
