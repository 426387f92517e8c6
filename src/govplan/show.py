"""show: a Plan on the terminal, with rich.

``outline_tree(plan)`` is the outline as a tree, each task under its heading with its units by
role (coloured), deadlines and targets; ``source_table(plan, text)`` sets each task beside the
source lines it came from, its evidence highlighted through the spans; ``show_plan`` prints a
header, one of the two and the warnings on a ``rich.console.Console``.  Every piece of text
from the document goes in as ``rich.text.Text``, never as markup, so brackets in a plan
([2023] 5号) print as written.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from .export import ROLE_LABELS, UNIT_JOINER, LineIndex, goal_text
from .models import Deadline, Plan, Role, Section, Span, Target, Task

if TYPE_CHECKING:
    from rich.console import Console, RenderableType
    from rich.table import Table
    from rich.text import Text
    from rich.tree import Tree

ROLE_STYLES = {Role.LEAD: "bold red", Role.RESPONSIBLE: "bold yellow", Role.COOPERATING: "cyan"}
DEADLINE_STYLE = "bold magenta"
TARGET_STYLE = "bold green"
TASK_STYLE = "bold"
DIM = "dim"
NO_UNITS = "（未识别责任单位）"
_CONTEXT = 40  # characters of a long source line shown on either side of the task's span


def show_plan(plan: Plan, console: Console, *, text: str | None = None, source: bool = False) -> None:
    """Print ``plan``: its header, then the outline tree, or with ``source`` each task beside its
    source lines (which needs ``text``, the source text as read), then the warnings."""
    console.print(header(plan))
    if source and text is not None:
        console.print(source_table(plan, text))
    else:
        console.print(outline_tree(plan, text=text))
    if plan.warnings:
        console.print(warnings(plan.warnings))


def header(plan: Plan) -> RenderableType:
    from rich.panel import Panel
    from rich.table import Table
    from rich.text import Text

    meta = plan.meta
    grid = Table.grid(padding=(0, 2))
    grid.add_column(style=DIM, no_wrap=True)
    grid.add_column()
    fields = [
        ("通知", meta.notice_title),
        ("文号", meta.doc_number),
        ("发文机关", meta.issuer),
        ("成文日期", meta.date.isoformat() if meta.date else None),
        ("主送", UNIT_JOINER.join(meta.recipients)),
        ("来源", plan.source.path),
    ]
    for label, value in fields:
        if value:
            grid.add_row(label, Text(value))
    counts = Text(f"{len(plan.sections)} 个章节 · {len(plan.tasks)} 项任务 · {len(plan.targets)} 个量化目标")
    grid.add_row("统计", counts)
    grid.add_row("图例", legend())
    title = Text(meta.title or plan.source.path, style="bold")
    return Panel(grid, title=title, title_align="left", expand=False)


def legend() -> Text:
    from rich.text import Text

    parts: list[str | tuple[str, str]] = []
    for role in Role:
        parts += [(ROLE_LABELS[role], ROLE_STYLES[role]), " "]
    parts += [("时限", DEADLINE_STYLE), " ", ("目标", TARGET_STYLE)]
    return Text.assemble(*parts)


# --- the outline tree --------------------------------------------------------------------------


def outline_tree(plan: Plan, *, text: str | None = None) -> Tree:
    """The sections as a tree; each task under the heading it stands under.  A task that is its
    heading (same title) is drawn on the heading's node."""
    from rich.text import Text
    from rich.tree import Tree

    lines = LineIndex(text) if text is not None else None
    root = Tree(Text(plan.meta.title or plan.source.path, style="bold underline"), guide_style=DIM)
    nodes: dict[str, Tree] = {}
    sections: dict[str, Section] = {}
    heading_task = _tasks_on_headings(plan)
    stack: list[tuple[int, Tree]] = []
    for section in plan.sections:
        while stack and stack[-1][0] >= section.level:
            stack.pop()
        parent = stack[-1][1] if stack else root
        task = heading_task.get(section.path)
        label = _task_label(task, lines) if task else _section_label(section)
        node = parent.add(label)
        if task:
            _add_task_details(node, task)
        nodes[section.path] = node
        sections[section.path] = section
        stack.append((section.level, node))
    for task in plan.tasks:
        if heading_task.get(task.section) is task:
            continue
        parent = _nearest(nodes, task.section) or root
        _add_task_details(parent.add(_task_label(task, lines)), task)
    if not plan.sections and not plan.tasks:
        root.add(Text("（未识别出章节和任务）", style=DIM))
    return root


def _tasks_on_headings(plan: Plan) -> dict[str, Task]:
    """Section path → the task that is that heading (the first task under it with its title)."""
    titles = {section.path: section.title for section in plan.sections}
    found: dict[str, Task] = {}
    for task in plan.tasks:
        if titles.get(task.section) == task.title and task.section not in found:
            found[task.section] = task
    return found


def _nearest(nodes: dict[str, Tree], path: str) -> Tree | None:
    parts = path.split("/") if path else []
    for depth in range(len(parts), 0, -1):
        node = nodes.get("/".join(parts[:depth]))
        if node is not None:
            return node
    return None


def _section_label(section: Section) -> Text:
    from rich.text import Text

    return Text.assemble((section.number, "bold blue"), " ", section.title, (f"  L{section.line}", DIM))


def _task_label(task: Task, lines: LineIndex | None) -> Text:
    from rich.text import Text

    where = _line_text(task.span, task.line, lines)
    number = task.section.rsplit("/", 1)[-1] if task.section else ""
    return Text.assemble(("■ ", "green"), (f"{number} ", "bold blue") if number else "", (task.title, TASK_STYLE),
                         (f"  {task.id} L{where}", DIM))  # fmt: skip


def _line_text(span: Span, line: int, lines: LineIndex | None) -> str:
    if lines is None:
        return str(line)
    first, last = lines.lines(span)
    return str(first) if first == last else f"{first}–{last}"


def _add_task_details(node: Tree, task: Task) -> None:
    for line in task_details(task):
        node.add(line)


def task_details(task: Task) -> list[Text]:
    """The task's units by role, deadlines and targets, one line each, coloured."""
    from rich.text import Text

    details: list[Text] = []
    for role in Role:
        names = list(dict.fromkeys(unit.canonical for unit in task.units if unit.role == role))
        if names:
            line = Text.assemble((f"{ROLE_LABELS[role]}：", DIM))
            _join_styled(line, names, ROLE_STYLES[role])
            details.append(line)
    if not task.units:
        details.append(Text(NO_UNITS, style="italic red"))
    if task.deadlines:
        line = Text.assemble(("时限：", DIM))
        _join_styled(line, [deadline_label(d) for d in task.deadlines], DEADLINE_STYLE, joiner="；")
        details.append(line)
    for target in dict.fromkeys(task.targets):
        details.append(Text.assemble(("目标：", DIM), (target_label(target), TARGET_STYLE),
                                     (f"  {' '.join(target.text.split())}", DIM)))  # fmt: skip
    return details


def _join_styled(line: Text, items: Iterable[str], style: str, joiner: str = UNIT_JOINER) -> None:
    for index, item in enumerate(items):
        if index:
            line.append(joiner, style=DIM)
        line.append(item, style=style)


def deadline_label(deadline: Deadline) -> str:
    """``2023年底 → 2023-12-31``; the text alone when undated (长期坚持)."""
    if deadline.date is None:
        return deadline.text
    end = deadline.date.isoformat()
    if deadline.start is not None:
        end = f"{deadline.start.isoformat()}至{end}"
    return f"{deadline.text} → {end}"


def target_label(target: Target) -> str:
    """``绿色出行分担率 ≥20%``."""
    due = f"（{target.deadline.isoformat()}）" if target.deadline else ""
    return f"{goal_text(target)}{due}"


# --- tasks beside their source -----------------------------------------------------------------


def source_table(plan: Plan, text: str) -> RenderableType:
    """One row per task: the task (where, title, units, deadlines, targets) and the source lines
    of its span, with the units, deadlines and targets found there highlighted."""
    from rich.console import Group
    from rich.table import Table
    from rich.text import Text

    table = Table(show_lines=True, expand=True)
    table.add_column("任务", ratio=2, overflow="fold")
    table.add_column("原文", ratio=3, overflow="fold")
    lines = LineIndex(text)
    for number, task in enumerate(plan.tasks, start=1):
        heading = Text.assemble((f"{number}.", DIM), (task.title, TASK_STYLE), (f"\n{task.section}  {task.id}", DIM))
        table.add_row(Group(heading, *task_details(task)), source_excerpt(task, text, lines))
    if not plan.tasks:
        table.add_row(Text("（未识别出任务）", style=DIM), Text(""))
    return table


def source_excerpt(task: Task, text: str, lines: LineIndex | None = None) -> Table:
    """The source lines of ``task.span``, numbered; text outside the span dimmed, a long line cut
    to the span and some context; units, deadlines and targets highlighted.  Blank lines left out."""
    from rich.table import Table

    grid = Table.grid(padding=(0, 1))
    grid.add_column(style=DIM, justify="right", no_wrap=True)
    grid.add_column(overflow="fold")
    for number, piece in source_lines(task, text, lines):
        grid.add_row(str(number), piece)
    return grid


def source_lines(task: Task, text: str, lines: LineIndex | None = None) -> list[tuple[int, Text]]:
    """(line number, styled text) of each non-blank source line of ``task.span``."""
    from rich.text import Text

    lines = lines or LineIndex(text)
    start, end = task.span
    first, last = lines.lines(task.span)
    marks = _evidence(task)
    out = []
    for number in range(first, last + 1):
        line_start, line_end = lines.bounds(number)
        if not text[line_start:line_end].strip():
            continue
        shown_start = line_start if start - line_start <= _CONTEXT else start - _CONTEXT
        shown_end = line_end if line_end - end <= _CONTEXT else end + _CONTEXT
        piece = Text(text[shown_start:shown_end])
        _paint(piece, DIM, 0, start - shown_start)
        _paint(piece, DIM, end - shown_start, len(piece))
        for (mark_start, mark_end), style in marks:
            _paint(piece, style, mark_start - shown_start, mark_end - shown_start)
        if shown_start > line_start:
            piece = Text("…", style=DIM) + piece
        if shown_end < line_end:
            piece.append("…", style=DIM)
        out.append((number, piece))
    return out


def _paint(piece: Text, style: str, start: int, end: int) -> None:
    """Style ``piece[start:end]`` clipped to the piece (rich reads a negative offset from the end)."""
    start, end = max(0, start), min(len(piece), end)
    if start < end:
        piece.stylize(style, start, end)


def _evidence(task: Task) -> list[tuple[Span, str]]:
    marks: list[tuple[Span, str]] = [(t.span, f"underline {TARGET_STYLE}") for t in task.targets]
    marks += [(d.span, DEADLINE_STYLE) for d in task.deadlines]
    marks += [(u.span, ROLE_STYLES[u.role]) for u in task.units]
    return marks


def warnings(items: list[str]) -> RenderableType:
    from rich.console import Group
    from rich.text import Text

    return Group(Text("提示", style="bold yellow"), *(Text(f"  ! {item}", style="yellow") for item in items))
