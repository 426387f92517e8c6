"""export: Plan -> bytes.  The last pipeline stage, and the atomic file write that follows it.

``render(plan, fmt)`` gives the bytes of one output format:

- ``json``: the output contract (DESIGN.md), UTF-8, Chinese unescaped, indent 2, final newline;
- ``yaml``: the same tree, Chinese unescaped, keys in model order, no anchors, dates as ISO
  strings, spans as flow lists ``[12, 30]``;
- ``jsonl``: one task a line (the task's fields plus ``document``, the source path), for piping;
- ``csv``: one task a row (``CSV_COLUMNS``), UTF-8 with a BOM so Excel shows the Chinese;
- ``xlsx``: sheets 任务 (the csv rows), 指标 (targets), 章节 (sections), 信息 (meta), bold and
  frozen header rows; the bytes are deterministic (fixed timestamps in the workbook and the ZIP);
- ``markdown``: a title, the meta as a bullet list, a table of the tasks.

``write_atomic(path, data)`` writes through a temporary file in the target directory and
``os.replace``, so a failure never leaves a partial file.  openpyxl is imported only for xlsx.
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
import os
import tempfile
import zipfile
from collections.abc import Callable, Iterable
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from .errors import OutputError
from .models import Comparator, Deadline, DeadlineKind, Plan, Role, Target, Task

FORMATS = ("json", "yaml", "jsonl", "csv", "xlsx", "markdown")
CSV_COLUMNS = ("id", "section", "title", "lead", "responsible", "cooperating", "deadlines", "targets", "line")
UNIT_JOINER = "、"
LIST_JOINER = ";"
_FIXED_TIME = datetime(2000, 1, 1)  # workbook created/modified, so equal plans give equal bytes
_ZIP_TIME = (1980, 1, 1, 0, 0, 0)


def render(plan: Plan, fmt: str) -> bytes:
    """The bytes of ``plan`` in format ``fmt`` (one of ``FORMATS``)."""
    try:
        renderer = _RENDERERS[fmt]
    except KeyError:
        raise ValueError(f"unknown export format {fmt!r}; expected one of {', '.join(FORMATS)}") from None
    return renderer(plan)


# --- json, yaml, jsonl -------------------------------------------------------------------------


def _json(plan: Plan) -> bytes:
    tree = plan.model_dump(mode="json")
    return (json.dumps(tree, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


class _YamlDumper(yaml.SafeDumper):
    """Safe YAML without anchors; a list of numbers (a span) on one line."""

    def ignore_aliases(self, data: Any) -> bool:
        return True


def _represent_list(dumper: yaml.SafeDumper, data: list[Any]) -> yaml.Node:
    numbers = bool(data) and all(isinstance(x, int | float) and not isinstance(x, bool) for x in data)
    return dumper.represent_sequence("tag:yaml.org,2002:seq", data, flow_style=numbers)


_YamlDumper.add_representer(list, _represent_list)


def _yaml(plan: Plan) -> bytes:
    tree = plan.model_dump(mode="json")
    text = yaml.dump(tree, Dumper=_YamlDumper, allow_unicode=True, sort_keys=False, width=1_000_000)
    return text.encode("utf-8")


def _jsonl(plan: Plan) -> bytes:
    lines = []
    for task in plan.tasks:
        record = {"document": plan.source.path, **task.model_dump(mode="json")}
        lines.append(json.dumps(record, ensure_ascii=False) + "\n")
    return "".join(lines).encode("utf-8")


# --- csv and the task table shared with xlsx and markdown --------------------------------------


def task_row(task: Task) -> dict[str, str | int]:
    """One task as the flat row of ``CSV_COLUMNS``."""
    return {
        "id": task.id,
        "section": task.section,
        "title": task.title,
        "lead": units_of(task, Role.LEAD),
        "responsible": units_of(task, Role.RESPONSIBLE),
        "cooperating": units_of(task, Role.COOPERATING),
        "deadlines": LIST_JOINER.join(deadline_text(d) for d in task.deadlines),
        "targets": LIST_JOINER.join(target_text(t) for t in task.targets),
        "line": task.line,
    }


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


def target_text(target: Target) -> str:
    """Comparator, value and unit, e.g. ``>=20%``; ``=`` is left out (``60个``): Excel reads ``=…`` as a formula."""
    comparator = "" if target.comparator == Comparator.EQ else target.comparator.value
    return f"{comparator}{_number(target.value)}{target.unit or ''}"


def _number(value: int | float) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _csv(plan: Plan) -> bytes:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=CSV_COLUMNS, lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(task_row(task) for task in plan.tasks)
    return buffer.getvalue().encode("utf-8-sig")


# --- xlsx --------------------------------------------------------------------------------------

_TARGET_COLUMNS = ("task", "indicator", "comparator", "value", "unit", "deadline", "text", "start", "end")
_SECTION_COLUMNS = ("id", "level", "number", "title", "path", "line", "start", "end")
_MAX_WIDTH = 60


def _sheets(plan: Plan) -> dict[str, tuple[Iterable[str], list[list[Any]]]]:
    tasks = [list(task_row(task).values()) for task in plan.tasks]
    targets = [
        [t.task, t.indicator, t.comparator.value, t.value, t.unit, _iso(t.deadline), t.text, *t.span]
        for t in plan.targets
    ]
    sections = [[s.id, s.level, s.number, s.title, s.path, s.line, *s.span] for s in plan.sections]
    return {
        "任务": (CSV_COLUMNS, tasks),
        "指标": (_TARGET_COLUMNS, targets),
        "章节": (_SECTION_COLUMNS, sections),
        "信息": (("key", "value"), _meta_rows(plan)),
    }


def _meta_rows(plan: Plan) -> list[list[Any]]:
    meta = plan.meta
    contact = meta.contact
    rows: list[list[Any]] = [
        ["schema_version", plan.schema_version],
        *([f"source.{key}", value] for key, value in plan.source.model_dump(mode="json").items()),
        ["title", meta.title],
        ["notice_title", meta.notice_title],
        ["doc_number", meta.doc_number],
        ["issuer", meta.issuer],
        ["date", _iso(meta.date)],
        ["published", _iso(meta.published)],
        ["index_no", meta.index_no],
        ["recipients", UNIT_JOINER.join(meta.recipients)],
        ["contact.name", contact.name if contact else None],
        ["contact.phone", LIST_JOINER.join(contact.phone) if contact else None],
        ["contact.email", contact.email if contact else None],
        ["tasks", len(plan.tasks)],
        ["targets", len(plan.targets)],
    ]
    rows.extend(["warning", warning] for warning in plan.warnings)
    return rows


def _iso(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


def _xlsx(plan: Plan) -> bytes:
    from openpyxl import Workbook
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
    from openpyxl.styles import Font
    from openpyxl.writer.excel import ExcelWriter

    workbook = Workbook()
    workbook.remove(workbook.active)
    bold = Font(bold=True)
    for title, (header, rows) in _sheets(plan).items():
        sheet = workbook.create_sheet(title)
        sheet.append(list(header))
        for cell in sheet[1]:
            cell.font = bold
        for row in rows:
            sheet.append([ILLEGAL_CHARACTERS_RE.sub("", v) if isinstance(v, str) else v for v in row])
            for cell in sheet[sheet.max_row]:
                if cell.data_type == "f":  # text such as "=" is data, never a formula
                    cell.data_type = "s"
        sheet.freeze_panes = "A2"
        _fit_columns(sheet)
    workbook.properties.creator = "govplan"
    workbook.properties.created = _FIXED_TIME
    workbook.properties.modified = _FIXED_TIME
    buffer = io.BytesIO()
    # ExcelWriter, not workbook.save(): save() stamps properties.modified with the current time
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        ExcelWriter(workbook, archive).save()
    return _fixed_zip_times(buffer.getvalue())


def _fit_columns(sheet: Any) -> None:
    from openpyxl.utils import get_column_letter

    for index, column in enumerate(sheet.iter_cols(values_only=True), start=1):
        width = max((_display_width(value) for value in column), default=8)
        sheet.column_dimensions[get_column_letter(index)].width = min(max(width + 2, 6), _MAX_WIDTH)


def _display_width(value: Any) -> int:
    """Columns a value takes on screen: a CJK character takes two."""
    text = "" if value is None else str(value)
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)


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

_MD_HEADER = ("章节", "任务", "牵头", "责任", "配合", "时限", "指标")


def _markdown(plan: Plan) -> bytes:
    lines = [f"# {_md_inline(plan.meta.title or plan.source.path)}", ""]
    lines.extend(f"- {label}：{_md_inline(str(value))}" for label, value in _md_meta(plan) if value)
    lines.append("")
    lines.append(_md_row(_MD_HEADER))
    lines.append(_md_row(["---"] * len(_MD_HEADER)))
    for task in plan.tasks:
        row = task_row(task)
        cells = [task.section, task.title, row["lead"], row["responsible"], row["cooperating"]]
        cells += [row["deadlines"], row["targets"]]
        lines.append(_md_row([_md_cell(str(cell)) for cell in cells]))
    if plan.warnings:
        lines += ["", "## 提示", ""]
        lines.extend(f"- {_md_inline(warning)}" for warning in plan.warnings)
    return ("\n".join(lines) + "\n").encode("utf-8")


def _md_meta(plan: Plan) -> list[tuple[str, Any]]:
    meta = plan.meta
    return [
        ("文号", meta.doc_number),
        ("发文机关", meta.issuer),
        ("成文日期", _iso(meta.date)),
        ("发布日期", _iso(meta.published)),
        ("主送", UNIT_JOINER.join(meta.recipients)),
        ("来源", plan.source.path),
        ("任务数", str(len(plan.tasks))),
        ("指标数", str(len(plan.targets))),
    ]


def _md_row(cells: Iterable[str]) -> str:
    return "| " + " | ".join(cells) + " |"


def _md_cell(text: str) -> str:
    """Table-safe: ``|`` and ``\\`` escaped, line breaks as spaces."""
    return " ".join(text.replace("\\", "\\\\").replace("|", "\\|").split())


def _md_inline(text: str) -> str:
    return " ".join(text.split())


_RENDERERS: dict[str, Callable[[Plan], bytes]] = {
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
