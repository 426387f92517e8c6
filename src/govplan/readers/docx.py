"""Word reader: bytes of a .docx file -> ``Document`` (format "docx").

The main body is read in document order, paragraphs and tables interleaved (the ``w:p`` and
``w:tbl`` children of ``w:body``, looking inside content controls ``w:sdt``).  One paragraph is
one line; a ``w:br`` inside it is a line break.  Tracked insertions count as text, deletions and
moved-away text do not.  A paragraph numbered by Word's automatic numbering gets the label Word
shows ("一、", "（二）", "3.") in front of its text (see ``numbering.py``).

A table row is one line, its cells joined by "\t", laid out on the table grid:

- a cell merged across grid columns (``gridSpan``) is emitted once, followed by an empty cell for
  each further column it covers, so every row has a cell per grid column;
- a cell continuing a vertical merge (``vMerge``) repeats the text of the cell that starts the
  merge: a 责任单位 or 完成时限 merged over five rows applies to each of them;
- inside a cell, paragraphs and nested table rows are joined by a space.

Headers, footers, footnotes, comments and text boxes are not body and are not read.  When the
body has a table, ``hints`` is ``("table",)``.

Only the parts the body needs are read: the main part, found through the package's
relationships, and its numbering and styles parts when a paragraph refers to them; python-docx
gives the XML parser and the element classes, not the package loading (which reads every part).
Before any part is read, the ZIP directory is checked: a package whose parts would expand past
``MAX_EXPANDED`` bytes in all (or ``MAX_PART`` for one part), or with absurdly many parts, is
refused (a zip bomb keeps memory bounded: zipfile never inflates a member past its declared
size).  ``python-docx`` is imported only here.
"""

from __future__ import annotations

import io
import posixpath
import zipfile
from typing import Any

from ..document import Document
from ..errors import InputError
from .base import make_document
from .numbering import Numbering

MAX_EXPANDED = 256 * 1024 * 1024  # bytes, all parts
MAX_PART = 128 * 1024 * 1024  # bytes, one part
MAX_PARTS = 10_000

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
# paragraph children whose runs are text: links, tracked insertions, fields, smart tags, controls
_RUN_CONTAINERS = frozenset(
    _W + tag
    for tag in ("hyperlink", "ins", "fldSimple", "smartTag", "customXml", "sdt", "sdtContent", "moveTo")
)
# block containers whose w:p / w:tbl children are part of the flow
_BLOCK_CONTAINERS = frozenset(_W + tag for tag in ("sdt", "sdtContent", "customXml"))


def is_docx(data: bytes) -> bool:
    """True when ``data`` is a ZIP package whose main part is a Word document: word/document.xml,
    or a part in word/ that the package's relationships name as its officeDocument."""
    package = docx_package(data)
    if package is None:
        return False
    package.close()
    return True


def docx_package(data: bytes) -> zipfile.ZipFile | None:
    """The open ZIP package when ``is_docx(data)``, else None: ``read_docx`` takes it, so that the
    ZIP directory is read once (reading it is a quarter of the time a small .docx takes)."""
    try:
        package = zipfile.ZipFile(io.BytesIO(data))
    except Exception:  # BadZipFile, NotImplementedError (zip version), EOFError, …: not a readable docx
        return None
    try:
        if "word/document.xml" in package.NameToInfo:
            return package
        main = _related(package, "", "officeDocument")
        if main is not None and main.startswith("word/") and main in package.NameToInfo:
            return package
    except Exception:  # XMLSyntaxError in the relationships, a damaged member, …: not a readable docx
        pass
    package.close()
    return None


def read_docx(data: bytes, name: str, package: zipfile.ZipFile | None = None) -> Document:
    """The body text of the Word document in ``data`` (``package``: ``data`` opened by
    ``docx_package``, closed here)."""
    try:
        body, numbering_root, styles_root = _open_package(data, name, package)
        reader = _BodyReader(Numbering.of_parts(numbering_root, styles_root))
        lines = reader.block_lines(body, top=True)
    except InputError:
        raise
    except Exception as err:  # zipfile, lxml and python-docx's element classes raise many types on a damaged package
        raise InputError(f"corrupt .docx: {_reason(err)}", path=name) from None
    hints = ("table",) if reader.has_table else ()
    return make_document("\n".join(lines), data, name, "docx", None, hints, "no text in the document body",
                         tuple(reader.headings))


def _open_package(data: bytes, name: str, package: zipfile.ZipFile | None = None) -> tuple[Any, Any, Any]:
    """The ``w:body`` of the main part, and the roots of its numbering and styles parts (None
    where the package has none), all parsed as python-docx's ``parse_xml`` parses (same parser
    settings, same tree) but into plain lxml elements: the few properties of python-docx's
    element classes the body reader needs (``CT_R.text``, ``CT_Tc.grid_span``, ``CT_Tc.vMerge``)
    are written out below (_run_text, _grid_span, _v_merge).  A custom element class per element
    made parsing a large styles part slow, and ``CT_R.text`` runs an XPath query per run: reading
    a body this way takes a third of the time.

    Only these three parts are read, found as OPC says, through the relationships: the
    package's officeDocument, then that part's numbering and styles.  (``docx.Document()``
    loads every part of the package, images, fonts, theme, settings …, with their
    relationships: 60% of the time a .docx took.)"""
    if package is None:
        try:
            package = zipfile.ZipFile(io.BytesIO(data))
        except Exception as err:
            raise InputError(f"corrupt .docx: {_reason(err)}", path=name) from None
    with package:
        _check_package(package.infolist(), name)
        main = _related(package, "", "officeDocument") or "word/document.xml"
        xml = package.read(main)
        root = _parse_plain(xml)
        if root.tag != _W + "document":
            raise InputError(f"corrupt .docx: its main part ({main}) is not a Word document", path=name)
        body = root.find(_W + "body")
        if body is None:
            raise InputError("corrupt .docx: the document has no body", path=name)
        parts = [None, None]
        if _may_refer_to_definitions(xml):
            for i, kind in enumerate(("numbering", "styles")):
                part = _related(package, main, kind)
                if part is not None and part in package.NameToInfo:
                    parts[i] = _parse_plain(package.read(part))
    return body, parts[0], parts[1]


def _may_refer_to_definitions(xml: bytes) -> bool:
    """False when no paragraph of the main part ``xml`` can use the numbering or styles parts:
    it names no paragraph style (w:pStyle) and no numbering (w:numPr).  Element names are never
    escaped, so in a part encoded in UTF-8 (what Word writes) their absence from the bytes is
    their absence from the document; a part in UTF-16 or UTF-32 (NUL bytes in its declaration)
    is not tested.  A style part can be large (python-docx's template: 350 KB, 7 ms to parse)."""
    return b"pStyle" in xml or b"numPr" in xml or b"\x00" in xml[:64]


_RELATIONSHIP = "{http://schemas.openxmlformats.org/package/2006/relationships}Relationship"


def _related(package: zipfile.ZipFile, source: str, kind: str) -> str | None:
    """The member name of the part that ``source`` (a member name; "" for the package itself)
    relates to by a relationship of type ``kind`` (the type URI's last segment: officeDocument,
    numbering, styles), or None.  A target is relative to the source's folder, as in
    python-docx's ``PackURI.from_rel_ref``."""
    folder, _, base = source.rpartition("/")
    rels_name = f"{folder}/_rels/{base}.rels" if folder else f"_rels/{base}.rels"
    if rels_name not in package.NameToInfo:
        return None
    for rel in _parse_plain(package.read(rels_name)).iterchildren(_RELATIONSHIP):
        if rel.get("Type", "").rpartition("/")[2] == kind and rel.get("TargetMode") != "External":
            return posixpath.abspath(posixpath.join("/" + folder, rel.get("Target", ""))).lstrip("/")
    return None


def _parse_plain(xml: bytes) -> Any:
    """``xml`` parsed as python-docx parses a part, but into plain lxml elements."""
    from lxml import etree

    global _PLAIN_PARSER
    if _PLAIN_PARSER is None:
        _PLAIN_PARSER = etree.XMLParser(remove_blank_text=True, resolve_entities=False)
    return etree.fromstring(xml, _PLAIN_PARSER)


_PLAIN_PARSER: Any = None


def _check_package(infos: list[zipfile.ZipInfo], name: str) -> None:
    """Refuse a package that would expand past the limits (a zip bomb)."""
    # no testzip(): every part used is read in full, and zipfile checks the CRC of each member
    # read to its end (a damaged part is a BadZipFile or zlib error, reported then)
    if len(infos) > MAX_PARTS:
        raise InputError(f"refused: the .docx has {len(infos)} parts (limit {MAX_PARTS}); not a Word document", path=name)
    total = 0
    for info in infos:
        if info.file_size > MAX_PART:
            raise InputError(
                f"refused: part {info.filename} of the .docx expands to {info.file_size // 2**20} MB "
                f"(limit {MAX_PART // 2**20} MB): a zip bomb or not a document", path=name)
        total += info.file_size
    if total > MAX_EXPANDED:
        raise InputError(
            f"refused: the .docx expands to {total // 2**20} MB (limit {MAX_EXPANDED // 2**20} MB): "
            "a zip bomb or not a document", path=name)


_P = _W + "p"
_TBL = _W + "tbl"


class _BodyReader:
    def __init__(self, numbering: Numbering) -> None:
        self.numbering = numbering
        self.has_table = False
        self.headings: list[tuple[int, int]] = []

    def block_lines(self, container: Any, top: bool = False, out: list[str] | None = None) -> list[str]:
        """Lines of the w:p / w:tbl children of ``container`` (``top``: the body itself, whose
        heading-styled paragraphs are recorded in ``headings`` as (line index, level))."""
        lines: list[str] = [] if out is None else out
        for child in container.iterchildren():
            if child.tag == _P:
                label = self.numbering.label(child)
                if top:
                    level = self.numbering.heading_level(child)
                    if level is not None:
                        self.headings.append((len(lines), level))
                lines.append(label + _paragraph_text(child))
            elif child.tag == _TBL:
                self.has_table = True
                lines.extend(self.table_lines(child))
            elif child.tag in _BLOCK_CONTAINERS:
                self.block_lines(child, top, lines)
        return lines

    def table_lines(self, tbl: Any) -> list[str]:
        """One line per row, one cell per grid column, vertical merges resolved."""
        above: dict[int, str] = {}  # grid column -> text of the cell that starts a vertical merge there
        lines = []
        for tr in tbl.iterchildren(_W + "tr"):
            cells: list[str] = []
            col = _grid_before(tr)
            cells.extend([""] * col)
            for tc in tr.iterchildren(_W + "tc"):
                tc_pr = tc.find(_TC_PR)
                span = 1 if tc_pr is None else max(1, _grid_span(tc_pr))
                v_merge = None if tc_pr is None else _v_merge(tc_pr)
                if v_merge == "continue":
                    text = above.get(col, "")
                else:
                    text = self.cell_text(tc)
                    for covered in range(col, col + span):
                        above.pop(covered, None)
                    if v_merge == "restart":
                        above[col] = text
                cells.append(text)
                cells.extend([""] * (span - 1))
                col += span
            lines.append("\t".join(cells))
        return lines

    def cell_text(self, tc: Any) -> str:
        lines = self.block_lines(tc)
        return " ".join(" ".join(line.split()) for line in lines if line.strip())


_TC_PR = _W + "tcPr"
_GRID_SPAN = _W + "gridSpan"
_V_MERGE = _W + "vMerge"
_VAL = _W + "val"


def _grid_span(tc_pr: Any) -> int:
    """``CT_TcPr.grid_span`` of python-docx: the int of ./w:gridSpan/@w:val (``int()``, so the same
    ValueError on a bad value), 1 without w:gridSpan, its InvalidXmlError without the attribute."""
    grid_span = tc_pr.find(_GRID_SPAN)
    if grid_span is None:
        return 1
    value = grid_span.get(_VAL)
    if value is None:
        from docx.oxml.exceptions import InvalidXmlError

        raise InvalidXmlError(f"required 'w:val' attribute not present on element {grid_span.tag}")
    return int(value)


def _v_merge(tc_pr: Any) -> str | None:
    """``CT_TcPr.vMerge_val`` of python-docx: ./w:vMerge/@w:val as written, "continue" when the
    attribute is absent, None without w:vMerge."""
    v_merge = tc_pr.find(_V_MERGE)
    if v_merge is None:
        return None
    value: str = v_merge.get(_VAL, "continue")
    return value


def _grid_before(tr: Any) -> int:
    before = tr.find(f"{_W}trPr/{_W}gridBefore")
    try:
        return int(before.get(_W + "val")) if before is not None else 0
    except (TypeError, ValueError):
        return 0


def _paragraph_text(p: Any) -> str:
    return "".join(_run_texts(p))


def _run_texts(element: Any) -> list[str]:
    """The text of the runs of a paragraph, in order."""
    texts: list[str] = []
    for child in element.iterchildren():
        if child.tag == _R:
            texts.append(_run_text(child))
        elif child.tag in _RUN_CONTAINERS:
            texts.extend(_run_texts(child))
    return texts


_R = _W + "r"
_T = _W + "t"
_BR = _W + "br"
_BR_TYPE = _W + "type"
# the text equivalents of python-docx's run content classes (their __str__): w:t is its text
# (CT_Text), w:br a "\n" for a text-wrapping break and "" for a page or column break (CT_Br)
_RUN_CONTENT = {_W + "tab": "\t", _W + "ptab": "\t", _W + "cr": "\n", _W + "noBreakHyphen": "-"}


def _run_text(run: Any) -> str:
    """``CT_R.text`` of python-docx: the text equivalents of the w:br, w:cr, w:noBreakHyphen,
    w:ptab, w:t and w:tab children of ``run``, in document order, joined."""
    texts = []
    for child in run.iterchildren():
        tag = child.tag
        if tag == _T:
            texts.append(child.text or "")
        elif tag == _BR:
            texts.append("\n" if child.get(_BR_TYPE, "textWrapping") == "textWrapping" else "")
        else:
            text = _RUN_CONTENT.get(tag)
            if text is not None:
                texts.append(text)
    return "".join(texts)


def _reason(err: Exception) -> str:
    text = str(err).splitlines()[0] if str(err) else ""
    return f"{type(err).__name__}: {text}" if text else type(err).__name__
