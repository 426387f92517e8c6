"""Task tables: rows of 序号 / 主要任务 / 具体措施 / 责任单位 / 完成时限, as text.

Two shapes reach us.  A table read from .docx or HTML arrives one row per line with its cells
joined by tabs.  A table copied out of a PDF or web page arrives flattened: cells run together,
a unit and a deadline glued to the end of a measure (…细化考核制度。市住房和城乡建设局2023年底2.在…),
and merged cells written once for several rows.  For the flattened shape the row numbers are
the skeleton: rows are numbered 1, 2, 3 … across the whole table, so the next row starts where
the next number stands glued to text (not "2." — that numbers a measure — and not "2号", "2个").
Group rows (一、… 二、…) interleave.  The unit and completion-time cells are found at the end of
a measure: a deadline expression followed by the next measure or the row end, preceded by a unit
list.  A row without its own cells takes them from the row above in the same group (merged cells).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import regex

from .clauses import FoundUnit
from .document import CleanText
from .models import Role
from .outline import OutlineRules, cut_title
from .ruleset import RuleSet, compiled, default_rules
from .units import UnitRules, clean_name, split_units, unit_list_suffix

_CN = "零一二三四五六七八九"


def to_cn(n: int) -> str:
    """1..99 as Chinese numerals (一, 十, 十一, 二十三)."""
    if n < 10:
        return _CN[n]
    tens, ones = divmod(n, 10)
    return ("" if tens == 1 else _CN[tens]) + "十" + (_CN[ones] if ones else "")


@dataclass
class Row:
    number: str
    title: str
    start: int  # cleaned offsets
    end: int
    title_end: int
    units: list[FoundUnit] = field(default_factory=list)  # offsets in the cleaned text
    units_inherited: bool = False
    deadline: str | None = None
    deadline_span: tuple[int, int] | None = None
    deadline_inherited: bool = False
    cells: list[tuple[int, int]] = field(default_factory=list)  # cleaned spans of unit/deadline cells


@dataclass
class Group:
    number: str
    title: str
    start: int
    end: int
    title_end: int
    rows: list[Row] = field(default_factory=list)


@dataclass
class Table:
    start: int  # where the header starts
    groups: list[Group]
    roles: list[Role]  # the role(s) the unit column(s) carry


class _Compiled:
    def __init__(self, rules: object) -> None:
        cols = rules.table_columns  # type: ignore[attr-defined]
        self.columns: dict[str, list[str]] = cols
        alt = lambda words: "|".join(sorted(map(regex.escape, words), key=len, reverse=True))  # noqa: E731
        unit_words = [*cols.get("lead", []), *cols.get("responsible", []), *cols.get("cooperating", [])]
        self.header = regex.compile(
            r"(?:" + alt(cols["number"]) + r")[\s\t]*(?:" + alt(cols["task"]) + r").{0,30}?(?:" + alt(unit_words) + r")"
        , regex.S)
        self.header_tail = regex.compile(r"[\s\t]*(?:(?:" + alt([w for ws in cols.values() for w in ws]) + r")[\s\t]*)*")
        self.deadline_cell = regex.compile(rules.deadline_cell)  # type: ignore[attr-defined]
        self.lead_col = regex.compile(alt(cols.get("lead", ["牵头单位"])))
        self.coop_col = regex.compile(alt(cols.get("cooperating", ["配合单位"])))


def _compiled(rules: object) -> _Compiled:
    return compiled(rules, _Compiled)


_NOT_ROW_AFTER = regex.compile(r"^(?:[\d.．、%％]|[个项件次年月日号时分秒岁万亿千百元米吨户人名家座套条处所期批类级倍层方])")


def find_table(clean: CleanText, start: int = 0, rules: RuleSet | None = None) -> Table | None:
    """The task table in ``clean.text[start:]``, if the document has one."""
    ruleset = rules or default_rules()
    c = _compiled(ruleset["tasks"])
    header = c.header.search(clean.text, start)
    if header is None:
        return None
    tail = c.header_tail.match(clean.text, header.end())
    body_start = tail.end() if tail else header.end()
    header_text = clean.text[header.start(): body_start]
    roles = [Role.RESPONSIBLE]
    if c.lead_col.search(header_text):
        roles = [Role.LEAD]
    line_end = clean.text.find("\n", header.start())
    header_line = clean.text[header.start(): line_end if line_end >= 0 else len(clean.text)]
    if "\t" in header_line:
        groups = _tabbed(clean, header.start(), header_line, c, ruleset)
    else:
        groups = _flattened(clean, body_start, ruleset)
    if not groups or sum(len(g.rows) for g in groups) < 2:
        return None
    _carry_down(groups)
    table = Table(header.start(), groups, roles)
    if roles != [Role.RESPONSIBLE]:
        for group in groups:
            for row in group.rows:
                row.units = [FoundUnit(u.name, roles[0], u.start, u.end) for u in row.units]
    return table


def _column_kinds(header_line: str, c: _Compiled) -> list[str | None]:
    kinds: list[str | None] = []
    for cell in header_line.split("\t"):
        cell = cell.strip()
        kind = next((k for k, words in c.columns.items() if any(w in cell for w in words)), None)
        kinds.append(kind)
    return kinds


def _tabbed(clean: CleanText, start: int, header_line: str, c: _Compiled, rules: RuleSet) -> list[Group]:
    """A table read from .docx/HTML: one row per line, cells joined by tabs; an empty unit or
    deadline cell continues the merged cell above."""
    kinds = _column_kinds(header_line, c)
    outline_rules: OutlineRules = rules["outline"]
    groups: list[Group] = []
    pos = start + len(header_line) + 1
    for line_start, line_end in clean.lines():
        if line_start < pos:
            continue
        line = clean.text[line_start:line_end]
        if "\t" not in line:
            if line.strip() and groups and groups[-1].rows:
                break  # the table has ended
            continue
        cells = _cells_of(line, line_start)
        by_kind: dict[str, tuple[str, int]] = {}
        for kind, (text, at_) in zip(kinds, cells, strict=False):
            if kind and text.strip() and kind not in by_kind:
                by_kind[kind] = (text, at_)
        filled = [t for t, _ in cells if t.strip()]
        if (len(filled) == 1 and "task" not in by_kind) or ("number" in by_kind and not by_kind.get("number", ("", 0))[0].strip().isdigit()):
            title, at_ = next(((t, a) for t, a in cells if t.strip()), ("", line_start))
            groups.append(Group("", title.strip(), at_, line_end, at_ + len(title)))
            continue
        if not groups:
            groups.append(Group("", "", line_start, line_start, line_start))
        number = by_kind.get("number", (str(sum(len(g.rows) for g in groups) + 1), line_start))[0].strip()
        task_text, task_at = by_kind.get("task", by_kind.get("measures", ("", line_start)))
        title_len = cut_title(task_text, outline_rules)
        row = Row(number, task_text[:title_len].strip(), line_start, line_end, task_at + title_len)
        for kind in ("lead", "responsible", "cooperating"):
            if kind in by_kind:
                text, at_ = by_kind[kind]
                role = {"lead": Role.LEAD, "responsible": Role.RESPONSIBLE, "cooperating": Role.COOPERATING}[kind]
                for a, b in split_units(text):
                    row.units.append(FoundUnit(clean_name(text[a:b]), role, at_ + a, at_ + b))
                row.cells.append((at_, at_ + len(text)))
        if "deadline" in by_kind:
            text, at_ = by_kind["deadline"]
            row.deadline = text.strip()
            row.deadline_span = (at_, at_ + len(text))
            row.cells.append(row.deadline_span)
        groups[-1].rows.append(row)
        groups[-1].end = line_end
    return [g for g in groups if g.rows]


def _cells_of(line: str, offset: int) -> list[tuple[str, int]]:
    cells = []
    pos = 0
    for cell in line.split("\t"):
        cells.append((cell, offset + pos))
        pos += len(cell) + 1
    return cells


def _flatten(clean: CleanText, start: int) -> tuple[str, list[int]]:
    chars = []
    where = []
    for i in range(start, len(clean.text)):
        ch = clean.text[i]
        if ch == "\n":
            continue
        chars.append(ch)
        where.append(i)
    return "".join(chars), where


def _flattened(clean: CleanText, start: int, rules: RuleSet) -> list[Group]:
    flat, where = _flatten(clean, start)
    outline_rules: OutlineRules = rules["outline"]
    unit_rules: UnitRules = rules["units"]
    c = _compiled(rules["tasks"])

    def at(i: int) -> int:
        return where[i] if i < len(where) else len(clean.text)

    events: list[tuple[str, int, int, str]] = []  # (kind, start, marker end, number) in flat
    pos, next_row, next_group = 0, 1, 1
    while True:
        row = _find_row(flat, pos, next_row)
        group = _find_group(flat, pos, next_group)
        if row is None and group is None:
            break
        if group is not None and (row is None or group[0] < row[0]):
            events.append(("group", group[0], group[1], to_cn(next_group)))
            next_group += 1
            pos = group[1]
        else:
            assert row is not None
            events.append(("row", row[0], row[1], str(next_row)))
            next_row += 1
            pos = row[1]
    groups: list[Group] = []
    for k, (kind, ev_start, marker_end, number) in enumerate(events):
        ev_end = events[k + 1][1] if k + 1 < len(events) else len(flat)
        text = flat[marker_end:ev_end]
        if kind == "group":
            title = text.strip()
            groups.append(Group(number, title, at(ev_start), at(ev_end), at(marker_end + len(text.rstrip()))))
            continue
        if not groups:
            groups.append(Group("", "", at(ev_start), at(ev_start), at(ev_start)))
        title_len = cut_title(text, outline_rules)
        row_obj = Row(number, text[:title_len].strip(), at(ev_start), at(ev_end), at(marker_end + title_len))
        _cells(row_obj, text, marker_end, at, c, unit_rules)
        groups[-1].rows.append(row_obj)
        groups[-1].end = at(ev_end)
    return [g for g in groups if g.rows]


# what ends a cell right before a row number: a sentence, a bracket, a completion time
_CELL_END = regex.compile(r"(?:[。；;）)\s]|(?:19|20)\d{2}年(?:\d{1,2}月)?(?:\d{1,2}日)?(?:底|末)?前?)$")


def _find_row(flat: str, pos: int, number: int) -> tuple[int, int] | None:
    """Where row ``number`` starts: the number glued to text, not a measure (2.) nor, unless a
    cell just ended, a quantity (20家, 2号)."""
    pattern = regex.compile(r"(?<!\d)" + str(number) + r"(?=[\p{Han}“\"《（(])")
    for m in pattern.finditer(flat, pos):
        if not _NOT_ROW_AFTER.match(flat[m.end():]):
            return m.start(), m.end()
        after = flat[m.end():m.end() + 1]
        if not regex.match(r"[\d.．、%％年月日号时]", after) and _CELL_END.search(flat[max(0, m.start() - 16):m.start()]):
            return m.start(), m.end()
    return None


def _find_group(flat: str, pos: int, number: int) -> tuple[int, int] | None:
    m = regex.compile(regex.escape(to_cn(number)) + r"\s*、(?=[^、])").search(flat, pos)
    return (m.start(), m.end()) if m else None


def _cells(row: Row, text: str, offset: int, at: object, c: _Compiled, unit_rules: UnitRules) -> None:
    """Find the unit and completion-time cells glued into a row's text."""
    to_clean = at  # flat index -> cleaned index
    for m in c.deadline_cell.finditer(text):
        if not m.group(0):
            continue
        follow = text[m.end():]
        if follow and not (follow[0].isspace() or regex.match(r"\s*\d{1,2}\s*[.．、]", follow)):
            continue
        before = text[: m.start()]
        bare = before.rstrip()
        units_at: int | None = None
        if bare and bare[-1] not in "。；;！？":
            units_at = unit_list_suffix(bare, unit_rules)
            if units_at is None:
                continue
        row.deadline = m.group(0)
        row.deadline_span = (to_clean(offset + m.start()), to_clean(offset + m.end() - 1) + 1)  # type: ignore[operator]
        row.cells.append(row.deadline_span)
        if units_at is not None:
            _add_units(row, bare, units_at, offset, to_clean)
        return
    bare = text.rstrip()
    boundary = max(bare.rfind(ch) for ch in "。；; ") + 1
    if 0 < boundary < len(bare):
        units_at = unit_list_suffix(bare[boundary:], unit_rules)
        if units_at == 0:
            _add_units(row, bare, boundary, offset, to_clean)


def _add_units(row: Row, text: str, units_at: int, offset: int, to_clean: object) -> None:
    cell = text[units_at:]
    for a, b in split_units(cell):
        start = to_clean(offset + units_at + a)  # type: ignore[operator]
        end = to_clean(offset + units_at + b - 1) + 1  # type: ignore[operator]
        row.units.append(FoundUnit(clean_name(cell[a:b]), Role.RESPONSIBLE, start, end))
    row.cells.append((to_clean(offset + units_at), to_clean(offset + len(text) - 1) + 1))  # type: ignore[operator]


def _carry_down(groups: list[Group]) -> None:
    """Merged cells: a row without a unit or deadline cell takes the one of the row above."""
    for group in groups:
        units: list[FoundUnit] = []
        deadline: tuple[str, tuple[int, int]] | None = None
        for row in group.rows:
            if row.units:
                units = row.units
            elif units:
                row.units = list(units)
                row.units_inherited = True
            if row.deadline is not None and row.deadline_span is not None:
                deadline = (row.deadline, row.deadline_span)
            elif deadline is not None:
                row.deadline, row.deadline_span = deadline
                row.deadline_inherited = True
