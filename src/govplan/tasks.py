"""tasks: outline + clauses → Task[] (and the sections, targets and phases that go with them).

Which items are tasks (gold/GUIDE.md): the items of the plan's working part (工作任务, 重点任务 …,
named in rules/tasks.yaml) that ask someone to do something.  Where an item has numbered
children, the children are the tasks — unless the item carries its own clause its children do
not repeat.  An item with a responsibility clause is always a task, wherever it stands; items of
指导思想, 保障措施, 实施步骤 … are not, unless they carry one.  A clause written once for a group
(under the heading, or printed once after the last item) is copied onto each task it governs.
A task table gives one task per 主要任务 row with its merged cells carried down.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import itertools
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import regex

from .clauses import Clause, FoundUnit, find_clauses
from .deadlines import find_deadlines, parse_deadline, parse_period
from .document import CleanText
from .models import Deadline, Phase, Role, Section, Target, Task, UnitRef, construct, copied
from .outline import Heading, outline
from .ruleset import RuleFile, RuleSet, compiled, default_rules
from .table import Table, find_table
from .targets import find_targets, quantity_test
from .units import canonicalizer, clean_name, is_unit_list, split_units


class TaskExample(RuleFile):
    section: str
    working: bool


class TaskRules(RuleFile):
    working_sections: list[str]
    non_working_sections: list[str]
    target_sections: list[str] = []
    fact_sections: list[str] = []
    closing_lines: list[str] = []
    phase_sections: list[str] = []
    plan_titles: list[str] = []
    non_plan_titles: list[str] = []
    duty_sections: list[str] = []
    table_columns: dict[str, list[str]]
    deadline_cell: str
    examples: list[TaskExample] = []


@dataclass
class TaskResult:
    sections: list[Section] = field(default_factory=list)
    tasks: list[Task] = field(default_factory=list)
    targets: list[Target] = field(default_factory=list)
    phases: list[Phase] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


class _Compiled:
    def __init__(self, rules: TaskRules) -> None:
        def words(items: list[str]) -> Any:
            return regex.compile("|".join(sorted(map(regex.escape, items), key=len, reverse=True)) or r"(?!)")

        self.working = words(rules.working_sections)
        self.non_working = words(rules.non_working_sections)
        self.target_sections = words(rules.target_sections)
        self.fact_sections = words(rules.fact_sections)
        self.closing = regex.compile("|".join(f"(?:{p})" for p in rules.closing_lines) or r"(?!)", regex.M)
        self.phase_sections = words(rules.phase_sections)
        self.plan_title = words(rules.plan_titles)
        self.non_plan_title = regex.compile("|".join(f"(?:{p})" for p in rules.non_plan_titles) or r"(?!)")
        self.duty_sections = words(rules.duty_sections)


def _compiled(rules: TaskRules) -> _Compiled:
    return compiled(rules, _Compiled)


def is_working_title(title: str, rules: TaskRules) -> bool:
    """Does a level-1 heading with this title open the working part of a plan?"""
    c = _compiled(rules)
    return bool(c.working.search(title)) and not (c.non_working.search(title) and not c.working.search(title))


# --- stages this one leans on: deadlines and targets ----------------------------------------------


def _find_deadlines(
    text: str, year: int | None, rules: RuleSet, place: Callable[[int, int], tuple[int, int]] | None = None
) -> list[Deadline]:
    return find_deadlines(text, year=year, rules=rules["deadlines"], place=place)


def _parse_deadline(text: str, year: int | None, rules: RuleSet) -> Deadline | None:
    return parse_deadline(text, year=year, rules=rules["deadlines"])


def _parse_period(text: str, year: int | None, rules: RuleSet) -> tuple[dt.date | None, dt.date | None] | None:
    return parse_period(text, year=year, rules=rules["deadlines"])


def _find_targets(
    text: str, year: int | None, rules: RuleSet, breaks: Sequence[tuple[int, int]] = (), *, bounded_only: bool = False,
    place: Callable[[int, int], tuple[int, int]] | None = None, task: str | None = None,
) -> list[Target]:
    # a blanked clause separates what stands either side of it, as a "；" would; the deadlines a
    # target carries are read with the rule set's deadline rules, as the task's own are
    return find_targets(
        text, year=year, rules=rules["targets"], breaks=breaks, bounded_only=bounded_only, place=place, task=task,
        deadline_rules=rules["deadlines"],
    )


# --- the stage --------------------------------------------------------------------------------


def build_tasks(
    clean: CleanText, body_start: int, *, year: int | None, title: str | None = None, rules: RuleSet | None = None,
    heading_hints: dict[int, int] | None = None, body_end: int | None = None,
) -> TaskResult:
    """Sections, tasks, targets and phases of the body that starts at ``body_start``.
    ``title`` (the plan's title) tells a plan from a regulation, an interpretation or news."""
    ruleset = rules or default_rules()
    task_rules: TaskRules = ruleset["tasks"]
    c = _compiled(task_rules)
    table = find_table(clean, body_start, ruleset, end=body_end)
    skip = (table.start, _table_end(table)) if table is not None else None
    headings = outline(clean, start=body_start, end=body_end, rules=ruleset, hints=heading_hints, skip=skip)
    closing = _closing_paragraph(clean, headings, c)
    if closing is not None:  # the last item ends where the document's closing words begin
        headings = outline(clean, start=body_start, end=closing, rules=ruleset, hints=heading_hints, skip=skip)
    headings = _titles_without_clauses(clean, headings, ruleset)
    result = TaskResult(sections=[h.section for h in headings])
    if title and c.non_plan_title.search(title):
        result.warnings.append(f"not a plan ({title}): no tasks extracted")
        result.phases = _phases(clean, headings, c, year, ruleset)
        return result
    is_plan = bool(title and c.plan_title.search(title)) or table is not None
    tree = _Tree(headings)
    drafts = _outline_tasks(clean, headings, tree, c, ruleset, is_plan=is_plan, table_start=table.start if table else None)
    if table is not None:
        table_sections, table_drafts = _table_tasks(clean, table, headings, len(headings))
        result.sections.extend(table_sections)
        drafts.extend(table_drafts)
        # headings after the table: everything in document order, ids renumbered (a section
        # whose id stays is kept: every field of a stage's Section is set, so its copy with the
        # same id would hold the same values and the same fields set)
        result.sections = [
            section if section.id == f"s{n}" else copied(section, {"id": f"s{n}"})
            for n, section in enumerate(sorted(result.sections, key=_span_start), start=1)
        ]
        drafts.sort(key=lambda d: d.start)
    names = [u.name for d in drafts for u in d.units]
    canonical = canonicalizer(names, ruleset["units"])
    cells: dict[str, Deadline | None] = {}  # this document's 完成时限 cells read so far (they repeat)
    for n, draft in enumerate(drafts, start=1):
        result.tasks.append(_finish(clean, draft, f"t{n}", canonical, year, ruleset, cells))
    result.targets = _document_targets(clean, result.tasks, headings, tree, c, year, ruleset)
    result.phases = _phases(clean, headings, c, year, ruleset)
    return result


def _span_start(section: Section) -> int:
    return section.span[0]


@dataclass
class _Draft:
    section: str
    title: str
    start: int  # cleaned: the heading (or row) start
    body_start: int  # where the text after the title starts
    end: int
    units: list[FoundUnit]
    skip: list[tuple[int, int]]  # cleaned spans that are not task text (clauses, table cells)
    cell_deadline: tuple[str, tuple[int, int]] | None = None  # a table's 完成时限 cell
    is_row: bool = False


def _clauses_in(clean: CleanText, start: int, end: int, rules: RuleSet) -> list[Clause]:
    return find_clauses(clean.text[start:end], rules, offset=start)


def _children(headings: list[Heading], index: int) -> list[int]:
    level = headings[index].section.level
    out = []
    for j in range(index + 1, len(headings)):
        lvl = headings[j].section.level
        if lvl <= level:
            break
        if lvl == level + 1:
            out.append(j)
    return out


class _Tree:
    """The outline's structure, worked out once, by index: each heading's children (the headings
    one level down before the next heading of its level or above), the headings of its subtree
    without children (``leaves_under``), the index of the level-1 heading it stands under
    (``top_index``: its own when there is none before it), and its ``parent``."""

    def __init__(self, headings: list[Heading]) -> None:
        levels = [h.section.level for h in headings]
        size = len(levels)
        # past[i]: the first heading after i's subtree (the first later one of its level or above);
        # the open headings on the stack have increasing levels, and once those of j's level or
        # above are closed, the top is the nearest one above j: j is its child if one level down
        # (and parent[j], the nearest earlier heading of a lower level, is that top; None for a
        # level-1 heading: the heading j stands under in _document_targets)
        past = [size] * size
        children: list[list[int]] = [[] for _ in levels]
        parent: list[int | None] = []
        stack: list[int] = []
        for j, level in enumerate(levels):
            while stack and levels[stack[-1]] >= level:
                past[stack.pop()] = j
            if stack:
                if levels[stack[-1]] == level - 1:
                    children[stack[-1]].append(j)
                parent.append(stack[-1] if level != 1 else None)
            else:
                parent.append(None)
            stack.append(j)
        self.past = past
        self.children = children
        self.parent = parent
        top_index: list[int] = []
        last_top: int | None = None
        for j, level in enumerate(levels):
            if level == 1:
                last_top = j
            top_index.append(last_top if last_top is not None else j)
        self.top_index = top_index

    def leaves_under(self, index: int) -> list[int]:
        children = self.children
        return [j for j in range(index + 1, self.past[index]) if not children[j]]


def _table_end(table: Table) -> int:
    """Where the table's last row ends (text after it is read as an outline again)."""
    end = getattr(table, "end", None)
    return int(end) if end is not None else max((g.end for g in table.groups), default=table.start)


def _outline_tasks(
    clean: CleanText, headings: list[Heading], tree: _Tree, c: _Compiled, rules: RuleSet, *, is_plan: bool,
    table_start: int | None = None,
) -> list[_Draft]:
    own: list[list[Clause]] = [_clauses_in(clean, h.start, h.own_end, rules) for h in headings]
    inherited: list[list[FoundUnit]] = [[] for _ in headings]
    tops = [h for h in headings if h.section.level == 1]
    has_working = any(c.working.search(h.section.title) for h in tops)

    working_tops: dict[int, bool] = {}  # index of a top heading -> does it open working items (read once)

    def working(i: int) -> bool:
        if headings[i].style in ("article", "chapter", "part"):
            return False  # the articles of a regulation are not tasks
        top = tree.top_index[i]
        answer = working_tops.get(top)
        if answer is None:
            title = headings[top].section.title
            answer = bool(c.working.search(title)) if has_working else is_plan and not c.non_working.search(title)
            working_tops[top] = answer
        return answer

    # a 职责分工 part whose headings name units: the unit is responsible for each duty under it
    duty_tops: dict[int, bool] = {}  # index of a top heading -> is it a 职责分工 part (read once)
    for i, heading in enumerate(headings):
        if heading.section.level <= 1:
            continue
        top = tree.top_index[i]
        is_duty = duty_tops.get(top)
        if is_duty is None:
            is_duty = duty_tops[top] = bool(c.duty_sections.search(headings[top].section.title))
        if is_duty:
            unit_units = _title_units(clean, heading, rules)
            if unit_units and not own[i]:
                own[i] = [Clause(heading.start, heading.title_end, tuple(unit_units))]

    # clauses written once for a group
    for i in range(len(headings)):
        kids = tree.children[i]
        if not kids or not own[i]:
            if kids:
                _clause_after_last_item(clean, headings, own, inherited, kids)
            continue
        heading = headings[i]
        title_units = [u for cl in own[i] if _in_title(clean, heading, cl) for u in cl.units]
        all_units = [u for cl in own[i] for u in cl.units]
        leaves = tree.leaves_under(i)
        below = [k for k in range(i + 1, (leaves[-1] if leaves else i) + 1) if own[k]]
        if not below:
            for k in leaves:  # the clause in the group heading governs every item under it
                inherited[k] = _union(all_units, inherited[k])
        elif title_units and any(not own[k] for k in leaves):
            # some items have a clause of their own, some not: the group's clause governs them all
            for k in leaves:
                inherited[k] = _union(title_units, inherited[k])
        else:
            _clause_after_last_item(clean, headings, own, inherited, kids)

    drafts: list[_Draft] = []
    for i, heading in enumerate(headings):
        kids = tree.children[i]
        mine = [u for cl in own[i] for u in cl.units]
        units = _union(mine, inherited[i])
        if not kids and not mine and table_start is not None and heading.own_end == table_start:
            continue  # the heading the task table stands under: its rows are its tasks
        if kids:
            leaves = tree.leaves_under(i)
            kids_have = any(own[k] or inherited[k] for k in leaves)
            is_task = bool(mine) and kids_have and not all(inherited[k] for k in leaves)
        else:
            is_task = bool(units) or working(i)
        if not is_task:
            continue
        items = [] if kids else _unnumbered_items(clean, heading, rules)
        if items:  # 二、主要任务 whose items lost their numbers (a Word list copied as text)
            for start, title_end, end in items:
                clauses = [cl for cl in own[i] if start <= cl.start < end]
                item_units = [u for cl in clauses for u in cl.units]
                drafts.append(_Draft(
                    section=heading.section.path, title=clean.text[start:title_end].strip(), start=start,
                    body_start=title_end, end=end, units=_union(item_units, inherited[i]),
                    skip=[(cl.start, cl.end) for cl in clauses],
                ))
            continue
        drafts.append(
            _Draft(
                section=heading.section.path,
                title=heading.section.title,
                start=heading.start,
                body_start=heading.title_end,
                end=heading.own_end if kids else heading.end,
                units=list(units),
                skip=[(cl.start, cl.end) for cl in own[i]],
            )
        )
    return drafts


_HAN = regex.compile(r"\p{Han}")
_ITEM_TITLE = regex.compile(r"^[ \t]*(?P<title>[^\s。；;，,：:！？!?、（()）][^。；;，,：:！？!?\n]{1,28}?)[ \t]*$")


def _unnumbered_items(clean: CleanText, heading: Heading, rules: RuleSet) -> list[tuple[int, int, int]]:
    """Items of a section written as short title lines, each followed by its paragraph, without
    numbers (强化源头减量 / 推行绿色办公…): (start, title end, end) of each, when there are two or
    more and the section's text starts with one; else []."""
    text = clean.text
    first_line_end = text.find("\n", heading.title_end, heading.end)
    if first_line_end < 0 or text[heading.title_end:first_line_end].strip():
        return []  # the heading line goes on with text of its own
    titles: list[tuple[int, int]] = []
    body_seen = False
    pos = first_line_end + 1
    while pos < heading.end:
        end = text.find("\n", pos, heading.end)
        end = heading.end if end < 0 else end
        line = text[pos:end]
        if line.strip():
            m = _ITEM_TITLE.match(line)
            if m and len(_HAN.findall(m.group("title"))) >= 4 and not _is_heading_line(line, rules):
                if titles and not body_seen:
                    return []  # two title-like lines in a row: not items with paragraphs
                titles.append((pos + m.start("title"), pos + m.end("title")))
                body_seen = False
            elif not titles:
                return []  # text before the first item
            else:
                body_seen = True
        pos = end + 1
    if len(titles) < 2 or not body_seen:
        return []
    bounds = [a for a, _ in titles[1:]] + [heading.end]
    return [(a, b, end) for (a, b), end in zip(titles, bounds, strict=True)]


def _is_heading_line(line: str, rules: RuleSet) -> bool:
    from .outline import match_heading

    return match_heading(line.strip(), rules["outline"]) is not None


def _closing_paragraph(clean: CleanText, headings: list[Heading], c: _Compiled) -> int | None:
    """Where a closing paragraph after the last item starts (各单位要于3月15日前将…报送…, 本方案自印发之日
    起施行), if the document ends with one: it belongs to no task."""
    if not headings:
        return None
    last = headings[-1]
    line_end = clean.text.find("\n", last.title_end, last.end)
    if line_end < 0:
        return None
    m = c.closing.search(clean.text, line_end, last.end)
    return m.start() if m else None


def _titles_without_clauses(clean: CleanText, headings: list[Heading], rules: RuleSet) -> list[Heading]:
    """A clause written into a heading's title line (夯实基础支撑（牵头单位：市数据局；配合单位：…）) is
    not part of the title: the title ends where the clause starts."""
    out = []
    for heading in headings:
        title_text = clean.text[heading.start:heading.title_end]
        if "（" in title_text or "(" in title_text or "【" in title_text:
            line_end = clean.text.find("\n", heading.start)
            line_end = len(clean.text) if line_end < 0 else line_end
            inside = [cl for cl in _clauses_in(clean, heading.start, line_end, rules) if cl.start < heading.title_end]
            if inside:
                cut = min(cl.start for cl in inside)
                title_start = heading.title_end - len(title_text) + title_text.find(heading.section.title)
                title = clean.text[title_start:cut].strip() if title_start < cut else ""
                if title:
                    section = copied(
                        heading.section, {"title": title, "span": clean.span(heading.start, title_start + len(title))})
                    heading = dataclasses.replace(heading, section=section, title_end=title_start + len(title))
        out.append(heading)
    return out


def _in_title(clean: CleanText, heading: Heading, clause: Clause) -> bool:
    """Is ``clause`` written with the heading itself — in its title line right after the title, or
    on the lines right under it before any text (（二）健全收运体系（牵头单位：市城管局））?"""
    return clause.start <= heading.title_end or not clean.text[heading.title_end:clause.start].strip()


def _clause_after_last_item(
    clean: CleanText, headings: list[Heading], own: list[list[Clause]], inherited: list[list[FoundUnit]], kids: list[int]
) -> None:
    """A clause printed once, on its own line, after the last item governs the earlier items too."""
    kids_with = [k for k in kids if own[k]]
    if len(kids_with) == 1 and kids_with[0] == kids[-1] and len(kids) > 1:
        last = kids[-1]
        if all(_starts_line(clean, cl.start) for cl in own[last]):
            group_units = [u for cl in own[last] for u in cl.units]
            for k in kids[:-1]:
                if not own[k]:
                    inherited[k] = group_units


def _union(mine: list[FoundUnit], group: list[FoundUnit]) -> list[FoundUnit]:
    """A task's own units, then the group's that it does not name itself (same name and role)."""
    if not group:
        return [*mine]
    seen = {(u.name, u.role) for u in mine}
    return [*mine, *(u for u in group if (u.name, u.role) not in seen)]


def _title_units(clean: CleanText, heading: Heading, rules: RuleSet) -> list[FoundUnit]:
    """The units a heading's title names, if the whole title is a unit list (（一）县公安局)."""
    title = heading.section.title
    if not is_unit_list(title, rules["units"]):
        return []
    at = clean.text.find(title, heading.start, heading.title_end + 1)
    at = at if at >= 0 else heading.start
    return [
        FoundUnit(clean_name(title[a:b]), Role.RESPONSIBLE, at + a, at + b) for a, b in split_units(title, rules["units"])
    ]


def _starts_line(clean: CleanText, pos: int) -> bool:
    k = pos - 1
    while k >= 0 and clean.text[k] in " \t":
        k -= 1
    return k < 0 or clean.text[k] == "\n"


# a line that opens an annex: 附件 / 附件2 / 附件：某某任务分解表
_ANNEX_LINE = regex.compile(r"(?m)^[ \t]*附\s*件\s*\d*\s*[：:]?[^\n。]{0,40}$")


def _table_tasks(clean: CleanText, table: Table, headings: list[Heading], first_id: int) -> tuple[list[Section], list[_Draft]]:
    parent_path = ""
    base_level = 0
    before = [h for h in headings if h.start < table.start]
    annex = _ANNEX_LINE.search(clean.text, before[-1].start if before else 0, table.start) if before else None
    if before and annex is None:  # a table in an 附件 starts its own outline
        parent_path = before[-1].section.path
        base_level = before[-1].section.level
    sections: list[Section] = []
    drafts: list[_Draft] = []
    n = first_id
    for group in table.groups:
        group_path = "/".join(p for p in (parent_path, group.number) if p)
        if group.number:
            n += 1
            sections.append(construct(Section, {
                "id": f"s{n}", "level": base_level + 1, "number": group.number, "title": group.title,
                "path": group_path, "line": clean.line(group.start), "span": clean.span(group.start, group.title_end),
            }))
        row_level = base_level + (2 if group.number else 1)
        for row in group.rows:
            n += 1
            path = "/".join(p for p in (group_path, row.number) if p)
            sections.append(construct(Section, {
                "id": f"s{n}", "level": row_level, "number": row.number, "title": row.title, "path": path,
                "line": clean.line(row.start), "span": clean.span(row.start, row.title_end),
            }))
            drafts.append(
                _Draft(
                    section=path, title=row.title, start=row.start, body_start=row.title_end, end=row.end,
                    units=list(row.units), skip=list(row.cells),
                    cell_deadline=(row.deadline, row.deadline_span) if row.deadline and row.deadline_span else None,
                    is_row=True,
                )
            )
    return sections, drafts


def _task_text(clean: CleanText, start: int, end: int, skip: list[tuple[int, int]]) -> tuple[str, list[tuple[int, int]]]:
    """The task's text with clauses and cells blanked out (same length, so offsets hold), and
    the blanked runs, relative to the text.  A blanked run is a "；" and spaces: it separates
    what stands either side of it as the clause did (a bare run of spaces let a time expression
    be read across it: "1（责任单位：…）\n月" gave the deadline "1…月")."""
    if not skip or start >= end:
        return clean.text[start:end], []
    spans = []
    for a, b in skip:  # each span clipped to [start, end): max(a, start) < min(b, end), spelled out
        if a < b and a < end and start < b:
            spans.append((a if a > start else start, b if b < end else end))
    if not spans:
        return clean.text[start:end], []
    if len(spans) > 1:
        spans.sort()
    pieces: list[str] = []
    blanks: list[tuple[int, int]] = []
    pos = start
    for a, b in spans:  # a piece at a time, not a character at a time
        if b <= pos:
            continue
        a = max(a, pos)
        pieces.append(clean.text[pos:a])
        pieces.append("；" + " " * (b - a - 1))
        blanks.append((a - start, b - start))
        pos = b
    pieces.append(clean.text[pos:end])
    return "".join(pieces), blanks


def _placed(span: Callable[[int, int], tuple[int, int]], base: int, a: int, b: int) -> tuple[int, int]:
    """The document span of [a, b) of a text that starts at ``base`` (``span``: clean.span)."""
    return span(base + a, base + b)


def _unit_refs(clean: CleanText, units: list[FoundUnit], canonical: dict[str, str]) -> list[UnitRef]:
    """A UnitRef for each unit, built without validation (``models.construct``): names are str,
    FoundUnit.role is a Role, spans are tuples of ints."""
    span = clean.span
    origin = clean.origin
    get = canonical.get
    return [
        construct(UnitRef, {
            "name": name,
            "canonical": get(name, name),
            "role": role,
            # clean.span(start, end), written out for a unit (never empty: a name has characters)
            "span": (origin[start], origin[end - 1] + 1) if start < end else span(start, end),
        })
        for name, role, start, end in units
    ]


def _finish(
    clean: CleanText,
    draft: _Draft,
    task_id: str,
    canonical: dict[str, str],
    year: int | None,
    rules: RuleSet,
    cells: dict[str, Deadline | None],
) -> Task:
    """The task of ``draft``; ``cells`` holds the deadline cells of this document read so far."""
    text, blanks = _task_text(clean, draft.start, draft.end, draft.skip)
    deadlines: list[Deadline] = []
    if draft.cell_deadline is not None:
        cell_text, (a, b) = draft.cell_deadline
        if cell_text not in cells:
            cells[cell_text] = _parse_deadline(cell_text, year, rules)
        parsed = cells[cell_text]
        if parsed is not None:
            deadlines.append(copied(parsed, {"span": clean.span(a, b)}))
    base = draft.start
    span = clean.span
    if draft.cell_deadline is None:
        # each deadline built once with its span in the document: what copied(d, {"span": span(base + a, base + b)})
        # of the deadline with its span in the text gives
        deadlines = _find_deadlines(text, year, rules, lambda a, b: span(base + a, base + b))
    # each target built once with its span in the document and its task: what
    # copied(t, {"span": span(base + a, base + b), "task": task_id}) of the target in the text gives
    targets = _find_targets(text, year, rules, blanks, place=lambda a, b: span(base + a, base + b), task=task_id)
    units = _unit_refs(clean, draft.units, canonical)
    body = clean.text[draft.body_start:draft.end].strip().lstrip("。").strip()
    return construct(Task, {
        "id": task_id,
        "section": draft.section,
        "title": draft.title,
        "text": body,
        "units": units,
        "deadlines": deadlines,
        "targets": targets,
        "line": clean.line(draft.start),
        "span": span(draft.start, draft.end),
    })


def _document_targets(
    clean: CleanText, tasks: list[Task], headings: list[Heading], tree: _Tree, c: _Compiled, year: int | None,
    rules: RuleSet,
) -> list[Target]:
    """The tasks' targets, every target of a 目标 section, and elsewhere (保障措施, 工作要求 …) the
    targets with a bound (不低于, 以上, 控制在…以内): a plan commits to those wherever it states them.
    Sections of facts (背景, 基本情况, 指导思想 …) hold no targets."""
    import bisect

    targets = [t for task in tasks for t in task.targets]
    task_spans = sorted(task.span for task in tasks)
    starts = [a for a, _ in task_spans]
    reach = list(itertools.accumulate((b for _, b in task_spans), max))  # the furthest end so far

    def in_a_task(pos: int) -> bool:
        k = bisect.bisect_right(starts, pos) - 1
        return k >= 0 and pos < reach[k]

    def within_a_task(low: int, high: int) -> bool:
        """Is every raw position of [low, high] inside one task's span?"""
        k = bisect.bisect_right(starts, low) - 1
        return k >= 0 and high < reach[k]

    origin = clean.origin
    # does the heading or one it stands under (its parent, the parent's parent … up to a level-1
    # heading) have a title of facts / of targets?  Each heading's answer is its own title's or
    # else its parent's, read once per heading.
    parents = tree.parent
    facts: list[bool | None] = [None] * len(headings)
    target_titles: list[bool | None] = [None] * len(headings)

    def under(flags: list[bool | None], search: Any, index: int) -> bool:
        chain = []  # index and its ancestors not yet read, innermost first
        k: int | None = index
        while k is not None and flags[k] is None:
            chain.append(k)
            k = parents[k]
        value = bool(flags[k]) if k is not None else False
        for j in reversed(chain):
            value = value or bool(search(headings[j].section.title))
            flags[j] = value
        return value

    document = clean.text
    may_hold = quantity_test(rules["targets"])
    bisect_right = bisect.bisect_right
    span = clean.span
    for i, heading in enumerate(headings):
        start, own_end = heading.start, heading.own_end
        if start >= own_end:
            continue  # no text: no target (it starts at ``start`` or later, see below)
        # a target found here starts at a raw position origin[p] for some p of the text; where all
        # of those fall inside tasks, every target found would be dropped: no need to look
        # (origin increases: cleaning drops characters and keeps the rest in order, so the
        # first and the last position are the least and the greatest).  Tested first from the
        # heading's start, before its title is looked for: the text starts there or later, and
        # within_a_task(low, high) implies within_a_task(low2, high) for every low2 >= low (the
        # task found for low2 starts no earlier, and the furthest end so far is no smaller)
        high = origin[own_end - 1]
        if task_spans:
            k = bisect_right(starts, origin[start]) - 1  # (within_a_task(origin[start], high) inlined)
            if k >= 0 and high < reach[k]:
                continue
        found = document.find(heading.section.title, start, heading.title_end + 1)
        text_start = found if found >= 0 else start  # from the title, not its numeral
        if text_start >= own_end:
            continue  # no text: no target
        if text_start > start and task_spans and within_a_task(origin[text_start], high):
            continue  # (where the text starts at ``start``, the test above said no)
        if may_hold(document, text_start, own_end) is None:
            continue  # find_targets of the text would find nothing: spare it the titles' tests too
        if under(facts, c.fact_sections.search, i):
            continue
        # outside 目标 sections only the targets with a bound are kept: find_targets leaves out the
        # others itself (``bounded_only``), before their indicator, deadline and clause are read;
        # each target is built with its span in the document: what copied(t, {"span":
        # clean.span(text_start + a, text_start + b)}) of the target t with span (a, b) in the text gives
        all_targets = under(target_titles, c.target_sections.search, i)
        place = functools.partial(_placed, span, text_start)
        for target in _find_targets(document[text_start:own_end], year, rules, bounded_only=not all_targets, place=place):
            if not in_a_task(target.span[0]):
                targets.append(target)
    return sorted(targets, key=lambda t: t.span)


_STAGE_TITLE = regex.compile(r"^(?P<title>[^（(：:，,]+?)\s*(?:[（(](?P<when>[^）)]*)[）)])?\s*$")


def _phases(clean: CleanText, headings: list[Heading], c: _Compiled, year: int | None, rules: RuleSet) -> list[Phase]:
    phases: list[Phase] = []
    for i, heading in enumerate(headings):
        if not c.phase_sections.search(heading.section.title):
            continue
        for k in _children(headings, i):
            child = headings[k]
            title = child.section.title
            m = _STAGE_TITLE.match(title)
            name, when = (m.group("title"), m.group("when")) if m else (title, None)
            period = _parse_period(when, year, rules) if when else None
            if period is None:
                first_sentence = clean.text[child.title_end:child.own_end].split("。")[0]
                period = _parse_period(first_sentence, year, rules) if first_sentence.strip() else None
            start, end = period if period else (None, None)
            phases.append(Phase(title=name.strip(), start=start, end=end, span=clean.span(child.start, child.title_end)))
    return phases
