"""Build the Word fixtures in tests/fixtures/docx/ from the corpus samples.

    python scripts/make_fixtures_docx.py        # rewrites tests/fixtures/docx/*.docx

- ``<sample>.docx``: every sample, one paragraph per line of the .txt (wrapped lines stay wrapped,
  as a .docx pasted from a PDF would be).
- ``<sample>.numbered.docx``: the same, but every heading's number ("一、", "（二）", "3.") removed
  from its text and produced by Word's automatic numbering instead (a multi-level list in
  numbering.xml with chineseCounting / decimal levels, w:numPr on each heading paragraph).
  Made only for samples whose headings Word numbering reproduces exactly.
- ``<task-table sample>.table.docx``: a sample whose task table was flattened to text, rebuilt as
  a real Word table: 序号 | 主要任务 | 具体措施 | 责任单位 | 完成时限, one row per measure, the
  序号 and 主要任务 cells merged vertically over a task's measures, the 责任单位 and 完成时限 cells
  merged vertically over the rows they apply to (as the flattened text wrote them once), and a
  section row (一、…) merged across all columns.

The layout comes from govplan's own reading of the .txt (which scores 1.000 on the gold); the
tests then check the .docx against the gold, not against this script.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import docx
from docx.oxml import parse_xml
from docx.oxml.ns import qn

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from govplan.clean import clean  # noqa: E402
from govplan.meta import front  # noqa: E402
from govplan.outline import outline  # noqa: E402
from govplan.readers import read  # noqa: E402
from govplan.ruleset import default_rules  # noqa: E402
from govplan.table import find_table  # noqa: E402

OUT = ROOT / "tests" / "fixtures" / "docx"
W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
NUM_ID = "90"
# heading style (rules/outline.yaml) -> (list level, numFmt, lvlText)
LEVELS = {
    "cn": (0, "chineseCounting", "%1、"),
    "cn_paren": (1, "chineseCounting", "（%2）"),
    "arabic": (2, "decimal", "%3."),
    "arabic_paren": (3, "decimal", "（%4）"),
    "circled": (4, "decimalEnclosedCircle", "%5"),
}


def _fixed(document: docx.document.Document) -> None:
    """Stable core properties, so re-running the script gives the same files."""
    import datetime as dt

    props = document.core_properties
    props.author = "govplan fixtures"
    props.last_modified_by = "govplan fixtures"
    props.created = props.modified = dt.datetime(2023, 1, 1)
    props.revision = 1


def plain(sample: Path) -> docx.document.Document:
    document = docx.Document()
    for line in read(sample).raw.split("\n"):
        document.add_paragraph(line)
    return document


def numbered(sample: Path) -> docx.document.Document | None:
    rules = default_rules()
    doc = read(sample)
    text = clean(doc, rules)
    head = front(text, rules)
    headings = outline(text, start=head.body_start, rules=rules)
    by_line: dict[int, tuple[str, int]] = {}  # raw line -> (style, marker length)
    for h in headings:
        if h.style not in LEVELS:
            return None
        raw_start = text.origin[h.start]
        line_no = doc.raw.count("\n", 0, raw_start)
        line_start = doc.raw.rfind("\n", 0, raw_start) + 1
        marker = len(h.section.title) and text.text[h.start:h.title_end].find(h.section.title)
        if marker <= 0:
            return None
        # the paragraph keeps the text from the title on (its number comes from numbering.xml;
        # conversion junk before the number, e.g. "[bookmark: _GoBack]", is not kept)
        by_line[line_no] = (h.style, text.origin[h.start + marker] - line_start)
    document = docx.Document()
    _add_list_definition(document, {LEVELS[s][0] for s, _ in by_line.values()})
    for n, line in enumerate(doc.raw.split("\n")):
        if n in by_line:
            style, marker = by_line[n]
            paragraph = document.add_paragraph(line[marker:])
            num_pr = parse_xml(
                f'<w:numPr xmlns:w="{W_NS}"><w:ilvl w:val="{LEVELS[style][0]}"/><w:numId w:val="{NUM_ID}"/></w:numPr>'
            )
            paragraph._p.get_or_add_pPr().append(num_pr)
        else:
            document.add_paragraph(line)
    return document


def _add_list_definition(document: docx.document.Document, used: set[int]) -> None:
    numbering = document.part.numbering_part.element
    levels = []
    for ilvl in range(9):
        fmt, text = next(((f, t) for lv, f, t in LEVELS.values() if lv == ilvl), ("decimal", f"%{ilvl + 1}."))
        levels.append(
            f'<w:lvl w:ilvl="{ilvl}"><w:start w:val="1"/><w:numFmt w:val="{fmt}"/>'
            f'<w:lvlText w:val="{text}"/><w:lvlJc w:val="left"/><w:suff w:val="nothing"/></w:lvl>'
        )
    abstract = parse_xml(
        f'<w:abstractNum xmlns:w="{W_NS}" w:abstractNumId="{NUM_ID}">'
        f'<w:multiLevelType w:val="multilevel"/>{"".join(levels)}</w:abstractNum>'
    )
    num = parse_xml(f'<w:num xmlns:w="{W_NS}" w:numId="{NUM_ID}"><w:abstractNumId w:val="{NUM_ID}"/></w:num>')
    first_num = numbering.find(qn("w:num"))
    if first_num is not None:
        first_num.addprevious(abstract)  # abstractNum elements come before num elements
    else:
        numbering.append(abstract)
    numbering.append(num)


_MEASURE = re.compile(r"(?<![\d.．])(\d{1,2})[.．](?!\d)")


def _measures(text: str) -> tuple[str, list[str]]:
    """Split a row's text after its title into the rest of the task cell and its numbered measures."""
    pieces: list[tuple[int, int]] = []
    expected, pos = 1, 0
    while True:
        m = next((m for m in _MEASURE.finditer(text, pos) if int(m.group(1)) == expected), None)
        if m is None:
            break
        pieces.append((m.start(), m.end()))
        expected, pos = expected + 1, m.end()
    if not pieces:
        return text.strip(), []
    head = text[: pieces[0][0]].strip()
    measures = [text[a: (pieces[k + 1][0] if k + 1 < len(pieces) else len(text))].strip() for k, (a, _) in enumerate(pieces)]
    return head, measures


def table_document(sample: Path) -> docx.document.Document | None:
    rules = default_rules()
    doc = read(sample)
    text = clean(doc, rules)
    head = front(text, rules)
    table = find_table(text, head.body_start, rules)
    if table is None:
        return None
    document = docx.Document()
    before = text.text[: table.start].rstrip()
    for line in before.split("\n"):
        document.add_paragraph(line)
    first_row = table.groups[0].rows[0].start if table.groups and table.groups[0].rows else table.start
    first_group = min([g.start for g in table.groups if g.number] or [first_row])
    header_text = text.text[table.start: first_group]
    header_words = ["序号", "主要任务", "具体措施", "责任单位", "完成时限"]
    caption = header_text
    for word in header_words:
        caption = caption.replace(word, "", 1)
    if caption.strip():
        document.add_paragraph(caption.strip())
    rows: list[list[str]] = [header_words]
    section_rows: list[int] = []
    merges: list[tuple[int, int, int]] = []  # (column, first row, last row)
    for group in table.groups:
        if group.number:
            section_rows.append(len(rows))
            rows.append([f"{group.number}、{group.title}", "", "", "", ""])
        unit_run: int | None = None
        deadline_run: int | None = None
        for row in group.rows:
            chars = list(text.text[row.title_end: row.end])
            for a, b in row.cells:  # blank the unit / deadline cells out of the measures
                for k in range(max(a, row.title_end), min(b, row.end)):
                    chars[k - row.title_end] = " "
            rest, measures = _measures("".join(chars))
            rest = re.sub(r"\s+", "", rest)
            task_cell = row.title + rest
            measures = [re.sub(r"\s+", "", m) for m in measures] or [""]
            first = len(rows)
            own_units = "、".join(u.name for u in row.units) if not row.units_inherited else ""
            own_deadline = row.deadline if row.deadline and not row.deadline_inherited else ""
            for k, measure in enumerate(measures):
                rows.append([row.number if k == 0 else "", task_cell if k == 0 else "", measure,
                             own_units if k == 0 else "", own_deadline if k == 0 else ""])
            last = len(rows) - 1
            if last > first:
                merges += [(0, first, last), (1, first, last)]
            if own_units or unit_run is None:
                unit_run = first
            if own_deadline or deadline_run is None:
                deadline_run = first
            merges.append((3, unit_run, last))
            merges.append((4, deadline_run, last))
    word_table = document.add_table(rows=len(rows), cols=5)
    word_table.style = "Table Grid"
    for r, values in enumerate(rows):
        for c, value in enumerate(values):
            if value:
                word_table.cell(r, c).text = value
    # one merge per column run: the longest runs win (a run merged for units spans later rows too)
    done: set[tuple[int, int]] = set()
    for column, first, last in sorted(set(merges), key=lambda m: (m[0], m[1], -m[2])):
        if last <= first or (column, first) in done:
            continue
        done.add((column, first))
        top = word_table.cell(first, column)
        kept = top.text
        top.merge(word_table.cell(last, column))
        _set_text(top, kept)
    for r in section_rows:
        cell = word_table.cell(r, 0)
        kept = cell.text
        cell.merge(word_table.cell(r, 4))
        _set_text(cell, kept)
    return document


def _set_text(cell: object, value: str) -> None:
    """After a merge python-docx keeps every merged cell's paragraphs: leave exactly one."""
    tc = cell._tc  # type: ignore[attr-defined]
    for p in tc.findall(qn("w:p"))[1:]:
        tc.remove(p)
    cell.paragraphs[0].text = value  # type: ignore[attr-defined]


def _norm(line: str) -> str:
    import unicodedata

    line = re.sub(r"\[bookmark:[^\]]*\]", "", line)  # conversion junk the numbered paragraph drops
    return "".join(unicodedata.normalize("NFKC", line).split())


def _reads_as(document: docx.document.Document, raw: str) -> bool:
    """True when govplan reads ``document`` back (labels from numbering.xml) as ``raw``, line by line
    (spaces and character widths aside: Word prints "（一）" where the text had "(一) ")."""
    import io

    from govplan.readers import read_bytes

    buffer = io.BytesIO()
    document.save(buffer)
    got = read_bytes(buffer.getvalue(), "check.docx").raw.split("\n")
    want = raw.split("\n")
    bad = [(a, b) for a, b in zip(got, want, strict=True) if _norm(a) != _norm(b)]
    for a, b in bad[:3]:
        print(f"  numbering differs: {a[:30]!r} vs {b[:30]!r}")
    return not bad


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    for sample in sorted((ROOT / "samples").glob("*.txt")):
        made = []
        document = plain(sample)
        _fixed(document)
        document.save(str(OUT / f"{sample.stem}.docx"))
        made.append("docx")
        numbered_doc = numbered(sample)
        if numbered_doc is not None and _reads_as(numbered_doc, read(sample).raw):
            _fixed(numbered_doc)
            numbered_doc.save(str(OUT / f"{sample.stem}.numbered.docx"))
            made.append("numbered")
        table_doc = table_document(sample)
        if table_doc is not None:
            _fixed(table_doc)
            table_doc.save(str(OUT / f"{sample.stem}.table.docx"))
            made.append("table")
        print(f"{sample.name}: {', '.join(made)}")


if __name__ == "__main__":
    main()
