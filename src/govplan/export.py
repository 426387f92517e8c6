"""export: Plan -> bytes.  The last pipeline stage, and the atomic file write that follows it.

``render(plan, fmt)`` gives the bytes of one plan, ``render_many(plans, fmt)`` one output for
several (a batch): a JSON list, YAML documents, or a table with a 文件 column.

- ``json``: the output contract (DESIGN.md), UTF-8, Chinese unescaped, indent 2, final newline;
- ``yaml``: the same tree, Chinese unescaped, keys in model order, no anchors, dates as ISO
  strings, spans as flow lists ``[12, 30]``;
- ``jsonl``: one task a line (the task's fields plus ``document``, the source path), for piping;
- ``csv``: the task ledger (``LEDGER_COLUMNS``), one task a row, units joined by 、, UTF-8 with a
  BOM so Excel and WPS show the Chinese;
- ``xlsx``: the workbook a supervision office keeps (督办台账): 任务分解表 (the ledger, with real
  Excel dates, filters, a frozen header, set widths and wrapping), 责任清单 (each unit's tasks by
  role), 量化目标, 文件信息; the bytes are deterministic (fixed timestamps in the workbook and ZIP);
- ``markdown``: a report: title, metadata, the outline as a nested list, the task table, the
  targets, the phases and the warnings.

原文行号 (source lines) need the source text as read: pass it as ``text`` (``texts``) and a task
spanning several lines shows ``31–35``; without it, the task's first line.

``write_atomic(path, data)`` writes through a temporary file in the target directory and
``os.replace``, so a failure never leaves a partial file.  openpyxl is imported only for xlsx.
"""

from __future__ import annotations

import bisect
import contextlib
import csv
import datetime as dt
import io
import json
import os
import tempfile
import zipfile
from collections.abc import Callable, Iterable, Sequence
from copy import copy
from dataclasses import dataclass
from datetime import datetime
from functools import cache, cached_property
from pathlib import Path
from typing import Any

import yaml

from .errors import OutputError
from .models import Comparator, Deadline, DeadlineKind, Plan, Role, Section, Span, Target, Task

FORMATS = ("json", "yaml", "jsonl", "csv", "xlsx", "markdown")
FILE_COLUMN = "文件"
LEDGER_COLUMNS = (
    "序号", "章节", "任务", "具体内容", "牵头单位", "责任单位", "配合单位", "完成时限", "量化目标", "原文行号",
)  # fmt: skip
ROLE_LABELS = {Role.LEAD: "牵头", Role.RESPONSIBLE: "责任", Role.COOPERATING: "配合"}
COMPARATOR_SIGNS = {
    Comparator.EQ: "=", Comparator.GE: "≥", Comparator.GT: ">", Comparator.LE: "≤", Comparator.LT: "<",
}  # fmt: skip
UNIT_JOINER = "、"
LIST_JOINER = "；"
SECTION_JOINER = " › "
DATE_FORMAT = "yyyy-mm-dd"
_FIXED_TIME = datetime(2000, 1, 1)  # workbook created/modified, so equal plans give equal bytes
_ZIP_TIME = (1980, 1, 1, 0, 0, 0)
_EXCEL_CELL_MAX = 32_767  # characters Excel keeps in a cell


def render(plan: Plan, fmt: str, *, text: str | None = None) -> bytes:
    """The bytes of ``plan`` in format ``fmt`` (one of ``FORMATS``).

    ``text`` is the source text as read, for line ranges in 原文行号 (optional).
    """
    return _renderer(fmt)([_Doc(plan, text)], False)


def render_many(plans: Sequence[Plan], fmt: str, *, texts: Sequence[str | None] | None = None) -> bytes:
    """One output for several plans: a JSON list, YAML documents (``---``), JSON lines, or a
    csv / xlsx / markdown whose tables carry a 文件 column (markdown: one report after another)."""
    if texts is not None and len(texts) != len(plans):
        raise ValueError("render_many: texts must be as many as plans")
    docs = [_Doc(plan, texts[i] if texts is not None else None) for i, plan in enumerate(plans)]
    return _renderer(fmt)(docs, True)


def _renderer(fmt: str) -> Callable[[list[_Doc], bool], bytes]:
    try:
        return _RENDERERS[fmt]
    except KeyError:
        raise ValueError(f"unknown export format {fmt!r}; expected one of {', '.join(FORMATS)}") from None


class LineIndex:
    """1-based line numbers of character offsets in a source text."""

    def __init__(self, text: str) -> None:
        self._text = text
        self._starts = [0] + [i + 1 for i, ch in enumerate(text) if ch == "\n"]
        self._length = len(text)

    def bounds(self, line: int) -> tuple[int, int]:
        """[start, end) of 1-based ``line``, the newline excluded."""
        start = self._starts[line - 1]
        end = self._starts[line] - 1 if line < len(self._starts) else self._length
        return start, end

    def line(self, offset: int) -> int:
        return bisect.bisect_right(self._starts, offset)

    def lines(self, span: Span) -> tuple[int, int]:
        """First and last line of the text in ``span``, blank space at either end left out."""
        start, end = span
        while start < end and self._text[start].isspace():
            start += 1
        while end > start and self._text[end - 1].isspace():
            end -= 1
        return self.line(start), self.line(max(start, end - 1))


@dataclass(frozen=True)
class _Doc:
    plan: Plan
    text: str | None

    @cached_property
    def line_index(self) -> LineIndex | None:
        return LineIndex(self.text) if self.text is not None else None

    def line_cell(self, span: Span, line: int | None) -> int | str | None:
        """原文行号: the first line of ``span``, or ``first–last`` when it runs on; without the
        source text, ``line`` (the line the extractor recorded)."""
        if self.line_index is None:
            return line
        first, last = self.line_index.lines(span)
        return first if first == last else f"{first}–{last}"


# --- json, yaml, jsonl -------------------------------------------------------------------------


def _json(docs: list[_Doc], many: bool) -> bytes:
    """The plan (a list of them when ``many``) as ``json.dumps(model_dump(mode="json"),
    ensure_ascii=False, indent=2)`` writes it, by pydantic's own serialiser (Rust, several times
    faster) when that gives the same bytes: it does but for a float outside 1e-4 ≤ |x| < 1e16
    (1e16 where Python prints 1e+16, null for NaN and infinity), so a plan holding one goes the
    slow way, as does one pydantic refuses (a lone surrogate in a str given to ``read_text``)."""
    if all(_fast_json_ok(doc.plan) for doc in docs):
        from pydantic_core import PydanticSerializationError

        try:
            if not many:  # the serialiser's bytes as they are (model_dump_json decodes them to a str)
                plan = docs[0].plan
                return plan.__pydantic_serializer__.to_json(plan, indent=2) + b"\n"
            texts = [doc.plan.model_dump_json(indent=2) for doc in docs]
        except PydanticSerializationError:
            pass
        else:
            # JSON strings hold no raw line break: every "\n" is the printer's, so indenting an
            # item is putting two spaces after each
            items = ",\n".join("  " + text.replace("\n", "\n  ") for text in texts)
            return (f"[\n{items}\n]\n" if texts else "[]\n").encode("utf-8")
    trees = [doc.plan.model_dump(mode="json") for doc in docs]
    return (json.dumps(trees if many else trees[0], ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def _fast_json_ok(plan: Plan) -> bool:
    return all(_plain_float(t.value) for t in plan.targets) and all(
        _plain_float(t.value) for task in plan.tasks for t in task.targets
    )


def _plain_float(value: Any) -> bool:
    """True unless a float both serialisers print differently (NaN fails every comparison)."""
    return not isinstance(value, float) or value == 0 or 1e-4 <= abs(value) < 1e16


class _YamlDumper(yaml.SafeDumper):
    """Safe YAML without anchors; a list of numbers (a span) on one line."""

    def ignore_aliases(self, data: Any) -> bool:
        return True


def _represent_list(dumper: yaml.SafeDumper, data: list[Any]) -> yaml.Node:
    numbers = bool(data) and all(isinstance(x, int | float) and not isinstance(x, bool) for x in data)
    return dumper.represent_sequence("tag:yaml.org,2002:seq", data, flow_style=numbers)


_YamlDumper.add_representer(list, _represent_list)


def _yaml_one(plan: Plan) -> str:
    tree = plan.model_dump(mode="json")
    return yaml.dump(tree, Dumper=_YamlDumper, allow_unicode=True, sort_keys=False, width=1_000_000)


def _yaml(docs: list[_Doc], many: bool) -> bytes:
    texts = [_yaml_one(doc.plan) for doc in docs]
    return ("".join(f"---\n{text}" for text in texts) if many else texts[0]).encode("utf-8")


def _jsonl(docs: list[_Doc], many: bool) -> bytes:
    lines = []
    for doc in docs:
        for task in doc.plan.tasks:
            record = {"document": doc.plan.source.path, **task.model_dump(mode="json")}
            lines.append(json.dumps(record, ensure_ascii=False) + "\n")
    return "".join(lines).encode("utf-8")


# --- the task ledger shared by csv, xlsx and markdown -----------------------------------------


def units_of(task: Task, role: Role) -> str:
    """Canonical names of the task's units with ``role``, in order, each once, joined by 、."""
    names = dict.fromkeys(unit.canonical for unit in task.units if unit.role == role)
    return UNIT_JOINER.join(names)


def deadline_text(deadline: Deadline) -> str:
    """ISO date; ``start/end`` for a range; the printed text when there is no date (长期坚持)."""
    if deadline.date is None:
        return deadline.text
    if deadline.kind == DeadlineKind.RANGE and deadline.start is not None:
        return f"{deadline.start.isoformat()}/{deadline.date.isoformat()}"
    return deadline.date.isoformat()


def deadlines_text(task: Task) -> str:
    """Every deadline of the task as ``deadline_text``, each once, joined by ；."""
    return LIST_JOINER.join(dict.fromkeys(deadline_text(d) for d in task.deadlines))


def due_date(task: Task) -> dt.date | None:
    """The task's 完成时限 as a date: the latest dated end among its deadlines."""
    dates = [d.date for d in task.deadlines if d.date is not None]
    return max(dates) if dates else None


def targets_text(task: Task, joiner: str = LIST_JOINER) -> str:
    """The task's targets as printed, each once."""
    return joiner.join(dict.fromkeys(" ".join(t.text.split()) for t in task.targets))


def goal_text(target: Target) -> str:
    """Indicator, comparator sign, value and unit: ``绿色出行分担率 ≥20%``, ``改造老旧小区 60个``."""
    sign = COMPARATOR_SIGNS[target.comparator]
    amount = f"{'' if sign == '=' else sign}{target_value_text(target.value)}{target.unit or ''}"
    return f"{target.indicator} {amount}" if target.indicator else amount


def target_value_text(value: int | float) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def section_label(task: Task, sections: dict[str, Section]) -> str:
    """Where the task stands, readable: the enclosing headings, outermost first (二 主要任务 ›
    一 完善网格化管理).  The task's own heading is left out (the 任务 column has it); the bare
    path when no heading is known."""
    parts = task.section.split("/") if task.section else []
    chain = []
    for depth in range(1, len(parts) + 1):
        section = sections.get("/".join(parts[:depth]))
        if section is None:
            continue
        if depth == len(parts) and section.title == task.title:
            break
        chain.append(f"{section.number} {section.title}")
    return SECTION_JOINER.join(chain) or task.section


@dataclass(frozen=True)
class LedgerRow:
    """One task as a row of the ledger (任务分解表); ``due`` is the date cell, ``due_text`` its text."""

    file: str
    number: int
    section: str
    title: str
    text: str
    lead: str
    responsible: str
    cooperating: str
    due: dt.date | None
    due_text: str
    targets: str
    lines: int | str
    deadline_note: str  # every deadline with its printed text, when there are several

    def cells(self, *, dates: bool) -> list[Any]:
        """The row in ``LEDGER_COLUMNS`` order; 完成时限 a date when ``dates`` and there is one
        (several dated deadlines: the latest), else the text."""
        due: Any = self.due if dates and self.due is not None else self.due_text
        return [self.number, self.section, self.title, self.text, self.lead, self.responsible,
                self.cooperating, due, self.targets, self.lines]  # fmt: skip


def ledger(doc: _Doc, target_joiner: str = LIST_JOINER) -> list[LedgerRow]:
    plan = doc.plan
    sections = {section.path: section for section in plan.sections}
    rows = []
    for number, task in enumerate(plan.tasks, start=1):
        note = ""
        if len(task.deadlines) > 1:
            note = "\n".join(f"{d.text} → {deadline_text(d)}" if d.date else d.text for d in task.deadlines)
        rows.append(
            LedgerRow(
                file=plan.source.path,
                number=number,
                section=section_label(task, sections),
                title=task.title,
                text=task.text,
                lead=units_of(task, Role.LEAD),
                responsible=units_of(task, Role.RESPONSIBLE),
                cooperating=units_of(task, Role.COOPERATING),
                due=due_date(task),
                due_text=deadlines_text(task),
                targets=targets_text(task, target_joiner),
                lines=doc.line_cell(task.span, task.line) or task.line,
                deadline_note=note,
            )
        )
    return rows


def _header(many: bool, columns: Sequence[str]) -> list[str]:
    return [FILE_COLUMN, *columns] if many else list(columns)


# --- csv ---------------------------------------------------------------------------------------


def _csv(docs: list[_Doc], many: bool) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(_header(many, LEDGER_COLUMNS))
    for doc in docs:
        for row in ledger(doc):
            cells = row.cells(dates=False)
            writer.writerow([row.file, *cells] if many else cells)
    return buffer.getvalue().encode("utf-8-sig")


# --- xlsx --------------------------------------------------------------------------------------

_WIDTHS = {
    FILE_COLUMN: 24, "序号": 6, "章节": 24, "任务": 30, "具体内容": 60, "牵头单位": 22, "责任单位": 26,
    "配合单位": 26, "完成时限": 13, "量化目标": 34, "原文行号": 10,
    "单位": 26, "角色": 6, "原文名称": 22,
    "任务序号": 8, "指标": 24, "比较": 6, "目标值": 14, "计量单位": 10, "时限": 13, "原文": 48,
    "项目": 14, "内容": 70,
}  # fmt: skip
_RESPONSIBILITY_COLUMNS = ("单位", "角色", "序号", "任务", "完成时限", "原文名称")
_TARGET_COLUMNS = ("任务序号", "任务", "指标", "比较", "目标值", "计量单位", "时限", "原文", "原文行号")
_INFO_LABELS = (
    "标题", "通知标题", "文号", "发文机关", "成文日期", "发布日期", "索引号", "主送机关", "联系人", "联系电话",
    "电子邮箱", "章节数", "任务数", "量化目标数", "实施阶段", "提示", "格式", "编码", "字数", "SHA-256",
    "规范版本",
)  # fmt: skip


@dataclass
class _Sheet:
    title: str
    header: list[str]
    rows: list[list[Any]]
    notes: dict[int, list[tuple[int, str]]]  # row index → (column index, a cell comment)

    def __init__(self, title: str, header: list[str]) -> None:
        self.title, self.header, self.rows, self.notes = title, header, [], {}


def _ledger_sheet(docs: list[_Doc], many: bool) -> _Sheet:
    sheet = _Sheet("任务分解表", _header(many, LEDGER_COLUMNS))
    due_column = sheet.header.index("完成时限")
    for doc in docs:
        for row in ledger(doc, target_joiner="\n"):
            if row.deadline_note:
                sheet.notes[len(sheet.rows)] = [(due_column, row.deadline_note)]
            cells = row.cells(dates=True)
            sheet.rows.append([row.file, *cells] if many else cells)
    return sheet


def _responsibility_sheet(docs: list[_Doc], many: bool) -> _Sheet:
    """Each unit's tasks by role: one row per unit, role and task, units with most tasks first."""
    from .matrix import matrix

    sheet = _Sheet("责任清单", _header(many, _RESPONSIBILITY_COLUMNS))
    for doc in docs:
        tasks = {task.id: (number, task) for number, task in enumerate(doc.plan.tasks, start=1)}
        for unit_row in matrix(doc.plan):
            for role in Role:
                for task_id in getattr(unit_row, role.value):
                    number, task = tasks[task_id]
                    printed = UNIT_JOINER.join(
                        dict.fromkeys(u.name for u in task.units if u.canonical == unit_row.unit and u.role == role)
                    )
                    due = due_date(task) or deadlines_text(task)
                    cells = [unit_row.unit, ROLE_LABELS[role], number, task.title, due,
                             printed if printed != unit_row.unit else ""]  # fmt: skip
                    sheet.rows.append([doc.plan.source.path, *cells] if many else cells)
    return sheet


def _target_sheet(docs: list[_Doc], many: bool) -> _Sheet:
    sheet = _Sheet("量化目标", _header(many, _TARGET_COLUMNS))
    for doc in docs:
        tasks = {task.id: (number, task) for number, task in enumerate(doc.plan.tasks, start=1)}
        for target in doc.plan.targets:
            number, task = tasks.get(target.task or "", (None, None))
            line = doc.line_cell(target.span, task.line if task is not None else None)
            cells = [number, task.title if task else None, target.indicator, COMPARATOR_SIGNS[target.comparator],
                     target.value, target.unit, target.deadline, " ".join(target.text.split()), line]  # fmt: skip
            sheet.rows.append([doc.plan.source.path, *cells] if many else cells)
    return sheet


def _info_values(plan: Plan) -> list[Any]:
    meta, contact = plan.meta, plan.meta.contact
    phases = "\n".join(
        f"{p.title}（{_iso(p.start) or '…'}至{_iso(p.end) or '…'}）" if p.start or p.end else p.title
        for p in plan.phases
    )
    return [
        meta.title, meta.notice_title, meta.doc_number, meta.issuer, meta.date, meta.published, meta.index_no,
        UNIT_JOINER.join(meta.recipients), contact.name if contact else None,
        UNIT_JOINER.join(contact.phone) if contact else None, contact.email if contact else None,
        len(plan.sections), len(plan.tasks), len(plan.targets), phases, "\n".join(plan.warnings),
        plan.source.format, plan.source.encoding, plan.source.chars, plan.source.sha256, plan.schema_version,
    ]  # fmt: skip


def _info_sheet(docs: list[_Doc], many: bool) -> _Sheet:
    """One document: 项目 / 内容 rows.  Several: one row per document."""
    if not many:
        sheet = _Sheet("文件信息", ["项目", "内容"])
        plan = docs[0].plan
        sheet.rows = [[FILE_COLUMN, plan.source.path], *map(list, zip(_INFO_LABELS, _info_values(plan), strict=True))]
        return sheet
    sheet = _Sheet("文件信息", [FILE_COLUMN, *_INFO_LABELS])
    sheet.rows = [[doc.plan.source.path, *_info_values(doc.plan)] for doc in docs]
    return sheet


def _iso(value: dt.date | None) -> str | None:
    return value.isoformat() if value is not None else None


def _xlsx(docs: list[_Doc], many: bool) -> bytes:
    from openpyxl import Workbook
    from openpyxl.writer.excel import ExcelWriter

    workbook = Workbook()
    workbook.remove(workbook.active)
    sheets = [_ledger_sheet(docs, many), _responsibility_sheet(docs, many), _target_sheet(docs, many),
              _info_sheet(docs, many)]  # fmt: skip
    for sheet in sheets:
        _write_sheet(workbook.create_sheet(sheet.title), sheet)
    workbook.properties.creator = "govplan"
    workbook.properties.created = _FIXED_TIME
    workbook.properties.modified = _FIXED_TIME
    buffer = io.BytesIO()
    # ExcelWriter, not workbook.save(): save() stamps properties.modified with the current time
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        ExcelWriter(workbook, archive).save()
    return _fixed_zip_times(buffer.getvalue())


def _write_sheet(worksheet: Any, sheet: _Sheet) -> None:
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
    from openpyxl.comments import Comment
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.properties import PageSetupProperties

    worksheet.append(sheet.header)
    header_fill = PatternFill("solid", fgColor="DDEBF7")
    thin = Side(style="thin", color="A6A6A6")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    for cell in worksheet[1]:
        cell.font = Font(bold=True)
        cell.fill = header_fill
        cell.border = border
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    wrap = Alignment(wrap_text=True, vertical="top")
    # One styled cell per kind, then its style record copied: setting style objects cell by cell
    # costs a lookup in the workbook's style table each time, and ws[row] / ws.max_row scan every
    # cell, which made a batch workbook quadratic.
    templates: dict[bool, Any] = {}
    for row_number, values in enumerate(sheet.rows, start=2):
        for column, value in enumerate(values, start=1):
            cell = worksheet.cell(row=row_number, column=column, value=_cell_value(value, ILLEGAL_CHARACTERS_RE))
            if cell.data_type == "f":  # text such as "=" is data, never a formula
                cell.data_type = "s"
            is_date = isinstance(value, dt.date)
            if is_date in templates:
                cell._style = copy(templates[is_date])
                continue
            cell.alignment = wrap
            cell.border = border
            if is_date:
                cell.number_format = DATE_FORMAT
            templates[is_date] = copy(cell._style)
        for column, note in sheet.notes.get(row_number - 2, ()):
            comment = Comment(_cell_value(note, ILLEGAL_CHARACTERS_RE), "govplan")
            comment.width, comment.height = 260, 20 + 18 * note.count("\n")
            worksheet.cell(row=row_number, column=column + 1).comment = comment
    for column, name in enumerate(sheet.header, start=1):
        worksheet.column_dimensions[get_column_letter(column)].width = _WIDTHS.get(name, 14)
    worksheet.freeze_panes = "A2"
    worksheet.auto_filter.ref = f"A1:{get_column_letter(len(sheet.header))}{len(sheet.rows) + 1}"
    worksheet.print_title_rows = "1:1"
    worksheet.page_setup.orientation = "landscape"
    worksheet.page_setup.paperSize = worksheet.PAPERSIZE_A4
    worksheet.page_setup.fitToWidth = 1
    worksheet.page_setup.fitToHeight = 0
    worksheet.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)


def _cell_value(value: Any, illegal: Any) -> Any:
    if isinstance(value, str):
        return illegal.sub("", value)[:_EXCEL_CELL_MAX]
    return value


def _fixed_zip_times(data: bytes) -> bytes:
    """The same ZIP with every member's timestamp fixed, so equal workbooks are equal bytes."""
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(data)) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for info in source.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=_ZIP_TIME)
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = info.external_attr
            target.writestr(fixed, source.read(info.filename))
    return out.getvalue()


# --- markdown ----------------------------------------------------------------------------------

_MD_LEDGER = ("序号", "章节", "任务", "牵头单位", "责任单位", "配合单位", "完成时限", "量化目标", "原文行号")
_MD_TARGETS = ("任务序号", "指标", "目标", "时限", "原文")


def _markdown(docs: list[_Doc], many: bool) -> bytes:
    reports = ["\n".join(_md_report(doc)) + "\n" for doc in docs]
    return "\n---\n\n".join(reports).encode("utf-8")


def _md_report(doc: _Doc) -> list[str]:
    plan = doc.plan
    lines = [f"# {_md_inline(plan.meta.title or plan.source.path)}", ""]
    lines.extend(f"- {label}：{_md_inline(str(value))}" for label, value in _md_meta(plan) if value)
    if plan.sections:
        lines += ["", "## 提纲", ""]
        depth = {level: i for i, level in enumerate(sorted({s.level for s in plan.sections}))}
        lines.extend(f"{'  ' * depth[s.level]}- {_md_inline(s.number)} {_md_inline(s.title)}" for s in plan.sections)
    lines += ["", f"## 任务分解（{len(plan.tasks)}项）", ""]
    if plan.tasks:
        lines.append(_md_row(_MD_LEDGER))
        lines.append(_md_row(["---"] * len(_MD_LEDGER)))
        for row in ledger(doc):
            cells = row.cells(dates=False)
            del cells[LEDGER_COLUMNS.index("具体内容")]
            lines.append(_md_row([_md_cell(str(cell)) for cell in cells]))
    else:
        lines.append("（未识别出任务）")
    if plan.targets:
        numbers = {task.id: str(n) for n, task in enumerate(plan.tasks, start=1)}
        lines += ["", f"## 量化目标（{len(plan.targets)}项）", ""]
        lines.append(_md_row(_MD_TARGETS))
        lines.append(_md_row(["---"] * len(_MD_TARGETS)))
        for target in plan.targets:
            cells = [numbers.get(target.task or "", ""), target.indicator or "", goal_text(target), _iso(target.deadline) or "",
                     target.text]  # fmt: skip
            lines.append(_md_row([_md_cell(cell) for cell in cells]))
    if plan.phases:
        lines += ["", "## 实施阶段", ""]
        for phase in plan.phases:
            when = f"：{_iso(phase.start) or '…'} 至 {_iso(phase.end) or '…'}" if phase.start or phase.end else ""
            lines.append(f"- {_md_inline(phase.title)}{when}")
    if plan.warnings:
        lines += ["", "## 提示", ""]
        lines.extend(f"- {_md_inline(warning)}" for warning in plan.warnings)
    return lines


def _md_meta(plan: Plan) -> list[tuple[str, Any]]:
    meta = plan.meta
    return [
        ("通知", meta.notice_title),
        ("文号", meta.doc_number),
        ("发文机关", meta.issuer),
        ("成文日期", _iso(meta.date)),
        ("发布日期", _iso(meta.published)),
        ("主送", UNIT_JOINER.join(meta.recipients)),
        ("来源", plan.source.path),
        ("任务数", str(len(plan.tasks))),
        ("量化目标数", str(len(plan.targets))),
    ]


def _md_row(cells: Iterable[str]) -> str:
    return "| " + " | ".join(cells) + " |"


def _md_cell(text: str) -> str:
    """Table-safe: ``|`` and ``\\`` escaped, line breaks as spaces."""
    return " ".join(text.replace("\\", "\\\\").replace("|", "\\|").split())


def _md_inline(text: str) -> str:
    return " ".join(text.split())


_RENDERERS: dict[str, Callable[[list[_Doc], bool], bytes]] = {
    "json": _json,
    "yaml": _yaml,
    "jsonl": _jsonl,
    "csv": _csv,
    "xlsx": _xlsx,
    "markdown": _markdown,
}


# --- writing -----------------------------------------------------------------------------------


def write_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file and a rename; ``OutputError`` on failure."""
    path = Path(path)
    directory = path.parent
    try:
        mode = path.stat().st_mode & 0o7777 if path.exists() else 0o666 & ~_umask()
        fd, temp_name = tempfile.mkstemp(dir=directory, prefix=f".{path.name}.", suffix=".tmp")
    except OSError as err:
        raise OutputError(f"cannot write: {err.strerror or err}", path=str(path)) from None
    try:
        with os.fdopen(fd, "wb") as temp:
            temp.write(data)
            temp.flush()
            os.fsync(temp.fileno())
        os.chmod(temp_name, mode)
        os.replace(temp_name, path)
    except OSError as err:
        _remove_quietly(temp_name)
        raise OutputError(f"cannot write: {err.strerror or err}", path=str(path)) from None
    except BaseException:
        _remove_quietly(temp_name)
        raise


def _remove_quietly(name: str) -> None:
    with contextlib.suppress(OSError):
        os.unlink(name)


@cache
def _umask() -> int:
    """The process umask (read once: setting it back and forth is not thread-safe)."""
    current = os.umask(0o022)
    os.umask(current)
    return current
