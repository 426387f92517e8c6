"""Word reader: bytes of a .docx file -> ``Document`` (format "docx").

The main body is read in document order, paragraphs and tables interleaved (the ``w:p`` and
``w:tbl`` children of ``w:body``, looking inside content controls ``w:sdt``).  One paragraph is
one line; a ``w:br`` inside it is a line break.  Tracked insertions count as text, deletions do
not.  A table row is one line, its cells joined by "\\t":

- a cell merged across grid columns (``gridSpan``) is emitted once per row;
- a cell continuing a vertical merge (``vMerge``) is emitted as an empty cell, so the columns
  stay aligned and the merged text appears once, in its first row;
- inside a cell, paragraphs and nested table rows are joined by a space.

Headers, footers, footnotes, comments and text boxes are not body and are not read.  When the
body has a table, ``hints`` is ``("table",)``.  ``python-docx`` is imported only here.
"""

from __future__ import annotations

import io
import zipfile
from typing import Any

from ..document import Document
from ..errors import InputError
from .base import make_document

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
# paragraph children whose runs are text: links, tracked insertions, fields, smart tags, controls
_RUN_CONTAINERS = frozenset(
    _W + tag
    for tag in ("hyperlink", "ins", "fldSimple", "smartTag", "customXml", "sdt", "sdtContent", "moveTo")
)
# block containers whose w:p / w:tbl children are part of the flow
_BLOCK_CONTAINERS = frozenset(_W + tag for tag in ("sdt", "sdtContent", "customXml"))


def is_docx(data: bytes) -> bool:
    """True when ``data`` is a ZIP package with a Word main part."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as package:
            return "word/document.xml" in package.namelist()
    except Exception:  # BadZipFile, NotImplementedError (zip version), EOFError, …: not a readable docx
        return False


def read_docx(data: bytes, name: str) -> Document:
    """The body text of the Word document in ``data``."""
    import docx  # lazy: a .txt extract must not pay for python-docx

    try:
        body = docx.Document(io.BytesIO(data)).element.body
        lines, has_table = _block_lines(body)
    except Exception as err:  # python-docx and lxml raise many types on a damaged package
        raise InputError(f"corrupt .docx: {_reason(err)}", path=name) from None
    hints = ("table",) if has_table else ()
    return make_document("\n".join(lines), data, name, "docx", None, hints, "no text in the document body")


def _block_lines(container: Any) -> tuple[list[str], bool]:
    """Lines of the w:p / w:tbl children of ``container``, and whether there was a table."""
    lines: list[str] = []
    has_table = False
    for child in container.iterchildren():
        if child.tag == _W + "p":
            lines.append(_paragraph_text(child))
        elif child.tag == _W + "tbl":
            has_table = True
            lines.extend(_row_line(row) for row in child.iterchildren(_W + "tr"))
        elif child.tag in _BLOCK_CONTAINERS:
            inner, inner_table = _block_lines(child)
            lines.extend(inner)
            has_table = has_table or inner_table
    return lines, has_table


def _paragraph_text(p: Any) -> str:
    return "".join(_run_texts(p))


def _run_texts(element: Any) -> list[str]:
    """The text of the runs of a paragraph, in order (``CT_R.text`` maps w:tab and w:br)."""
    texts: list[str] = []
    for child in element.iterchildren():
        if child.tag == _W + "r":
            texts.append(child.text)
        elif child.tag in _RUN_CONTAINERS:
            texts.extend(_run_texts(child))
    return texts


def _row_line(tr: Any) -> str:
    """One table row: each w:tc once, a vertical-merge continuation as an empty cell."""
    cells = []
    for tc in tr.iterchildren(_W + "tc"):
        cells.append("" if tc.vMerge == "continue" else _cell_text(tc))
    return "\t".join(cells)


def _cell_text(tc: Any) -> str:
    lines, _ = _block_lines(tc)
    return " ".join(" ".join(line.split()) for line in lines if line.strip())


def _reason(err: Exception) -> str:
    text = str(err).splitlines()[0] if str(err) else ""
    return f"{type(err).__name__}: {text}" if text else type(err).__name__
