"""The responsibility matrix: Plan → one row per unit (canonical name) with its tasks by role."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass, field

from .models import Plan, Role


@dataclass
class UnitRow:
    unit: str
    names: list[str] = field(default_factory=list)  # as printed
    lead: list[str] = field(default_factory=list)  # task ids
    responsible: list[str] = field(default_factory=list)
    cooperating: list[str] = field(default_factory=list)

    @property
    def total(self) -> int:
        return len(set(self.lead) | set(self.responsible) | set(self.cooperating))


def matrix(plan: Plan) -> list[UnitRow]:
    rows: dict[str, UnitRow] = {}
    for task in plan.tasks:
        for unit in task.units:
            row = rows.setdefault(unit.canonical, UnitRow(unit.canonical))
            if unit.name not in row.names:
                row.names.append(unit.name)
            ids: list[str] = getattr(row, unit.role.value)
            if task.id not in ids:
                ids.append(task.id)
    return sorted(rows.values(), key=lambda r: (-r.total, -len(r.lead), r.unit))


def _record(row: UnitRow) -> dict[str, object]:
    return {
        "unit": row.unit,
        "names": row.names,
        **{role.value: len(getattr(row, role.value)) for role in Role},
        "tasks": {role.value: getattr(row, role.value) for role in Role},
    }


def render_json(rows: list[UnitRow]) -> bytes:
    return (json.dumps([_record(r) for r in rows], ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def render_csv(rows: list[UnitRow]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["unit", "names", "lead", "responsible", "cooperating", "lead_tasks", "responsible_tasks", "cooperating_tasks"])
    for r in rows:
        writer.writerow([r.unit, "、".join(r.names), len(r.lead), len(r.responsible), len(r.cooperating),
                         " ".join(r.lead), " ".join(r.responsible), " ".join(r.cooperating)])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def render_table(rows: list[UnitRow]) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table(title="责任矩阵 responsibility matrix")
    for column, justify in (("单位 unit", "left"), ("牵头", "right"), ("责任", "right"), ("配合", "right"), ("任务 tasks", "left")):
        table.add_column(column, justify=justify)  # type: ignore[arg-type]
    for r in rows:
        tasks = " ".join(dict.fromkeys(r.lead + r.responsible + r.cooperating))
        table.add_row(r.unit, str(len(r.lead)), str(len(r.responsible)), str(len(r.cooperating)), tasks)
    Console().print(table)
    return None
