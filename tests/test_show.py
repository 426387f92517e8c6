"""show: the plan on a terminal (rich), rendered to text through a recording Console."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

from click.testing import CliRunner
from rich.console import Console

import govplan
from govplan.cli import main
from govplan.errors import ExitCode
from govplan.models import (
    Comparator,
    Deadline,
    DeadlineKind,
    Meta,
    Plan,
    Role,
    Section,
    Source,
    Target,
    Task,
    UnitRef,
)
from govplan.show import NO_UNITS, ROLE_STYLES, outline_tree, show_plan, source_lines, task_details

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "samples" / "000_827dc12619368c5f.txt"


def _render(plan: Plan, *, text: str | None = None, source: bool = False, width: int = 140) -> str:
    console = Console(record=True, width=width, file=io.StringIO(), highlight=False)
    show_plan(plan, console, text=text, source=source)
    return console.export_text()


def _line_with(output: str, needle: str) -> str:
    return next(line for line in output.splitlines() if needle in line)


def test_show_draws_the_outline_of_a_sample_with_units_by_role() -> None:
    raw = SAMPLE.read_text(encoding="utf-8")
    output = _render(govplan.extract(SAMPLE), text=raw)
    assert "14 项任务" in output
    lines = output.splitlines()
    work = _line_with(output, "二 工作任务")
    task = _line_with(output, "一 完善网格化管理")
    assert lines.index(work) < lines.index(task)
    assert work.index("二") < task.index("一")  # a child is indented under its heading
    assert "L33–37" in task  # the lines of the task's span
    below = lines[lines.index(task) + 1 : lines.index(task) + 3]
    assert any("责任：市城市管理综合执法局" in line for line in below)
    assert any("配合：市委政法委、各区人民政府" in line for line in below)
    assert "├──" in output and "└──" in output
    for heading in ("一 指导思想", "三 治理交通拥堵", "1 构建绿色交通体系，倡导低碳、文明出行"):
        assert heading in output


def test_show_source_sets_each_task_beside_its_source_lines() -> None:
    raw = SAMPLE.read_text(encoding="utf-8")
    output = _render(govplan.extract(SAMPLE), text=raw, source=True, width=160)
    row = _line_with(output, "1.完善网格化管理")
    assert "33 （一）完善网格化管理" in row  # the task and its first source line on one row
    assert "35 结合城管领域现行街长制" in output
    assert "37 城市管理综合执法局，配合部门：市委政法委，各区人民政府）" in output
    assert " 36 " not in output.split("2.提升市政基础设施")[0]  # blank source lines left out


def _plan() -> tuple[Plan, str]:
    text = "一、重点工作\n（一）推进老旧小区改造。2024年底前完成改造[30]个。（牵头单位：县住建局；配合单位：各乡镇）\n"
    clause = text.index("县住建局")
    task = Task(
        id="t1",
        section="一/一",
        title="推进老旧小区改造",
        text=text[7:].strip(),
        units=[
            UnitRef(name="县住建局", canonical="县住房和城乡建设局", role=Role.LEAD, span=(clause, clause + 4)),
            UnitRef(name="各乡镇", canonical="各乡镇", role=Role.COOPERATING, span=(clause + 10, clause + 13)),
        ],
        deadlines=[
            Deadline(text="2024年底前", date=dt.date(2024, 12, 31), kind=DeadlineKind.DATE, span=(text.index("2024"), text.index("2024") + 7))
        ],
        targets=[
            Target(text="完成改造[30]个", indicator="改造", comparator=Comparator.EQ, value=30, unit="个",
                   span=(text.index("完成"), text.index("完成") + 9), task="t1")
        ],
        line=2,
        span=(text.index("推进"), len(text) - 1),  # the numeral （一） left outside
    )
    loose = Task(id="t2", section="九", title="一项不在提纲里的任务", text="……", line=2, span=(7, 9))
    plan = Plan(
        source=Source(path="<text>", format="txt", sha256="0" * 64, chars=len(text)),
        meta=Meta(title="某县[2024]工作方案"),
        sections=[
            Section(id="s1", level=1, number="一", title="重点工作", path="一", line=1, span=(0, 6)),
            Section(id="s2", level=2, number="一", title="推进老旧小区改造", path="一/一", line=2, span=(7, 18)),
        ],
        tasks=[task, loose],
        targets=task.targets,
        warnings=["第2行：示例提示"],
    )
    return plan, text


def test_a_task_on_its_heading_is_one_node_and_brackets_print_as_written() -> None:
    plan, text = _plan()
    output = _render(plan, text=text)
    assert output.count("推进老旧小区改造") == 1  # the task is drawn on its heading's node
    assert "某县[2024]工作方案" in output  # document text is never read as rich markup
    assert "牵头：县住房和城乡建设局" in output
    assert "时限：2024年底前 → 2024-12-31" in output
    assert "目标：改造 30个  完成改造[30]个" in output
    assert "一项不在提纲里的任务" in output  # a task whose section is unknown hangs on the root
    assert NO_UNITS in output
    assert "! 第2行：示例提示" in output


def test_task_details_colour_units_by_role_deadlines_and_targets() -> None:
    plan, _ = _plan()
    styled = {}
    for line in task_details(plan.tasks[0]):
        for span in line.spans:
            styled[line.plain[span.start : span.end]] = str(span.style)
    assert styled["县住房和城乡建设局"] == ROLE_STYLES[Role.LEAD]
    assert styled["各乡镇"] == ROLE_STYLES[Role.COOPERATING]
    assert styled["2024年底前 → 2024-12-31"] == "bold magenta"
    assert styled["改造 30个"] == "bold green"


def test_source_lines_highlight_the_evidence_and_dim_what_is_outside() -> None:
    plan, text = _plan()
    [(number, piece)] = source_lines(plan.tasks[0], text)
    assert number == 2
    assert piece.plain == text.splitlines()[1]
    styles = {piece.plain[s.start : s.end]: str(s.style) for s in piece.spans}
    assert styles["县住建局"] == ROLE_STYLES[Role.LEAD]
    assert styles["各乡镇"] == ROLE_STYLES[Role.COOPERATING]
    assert styles["2024年底前"] == "bold magenta"
    assert styles["（一）"] == "dim"  # outside the task's span


def test_a_long_source_line_is_cut_to_the_task_with_context() -> None:
    filler = "前文" * 200
    text = filler + "本任务的原文。" + "后文" * 200
    start = len(filler)
    task = Task(id="t1", section="一", title="本任务", text="本任务的原文。", line=1, span=(start, start + 7))
    [(_, piece)] = source_lines(task, text)
    assert piece.plain.startswith("…") and piece.plain.endswith("…")
    assert "本任务的原文。" in piece.plain
    assert len(piece.plain) < 100


def test_an_empty_plan_still_shows() -> None:
    plan = Plan(source=Source(path="empty.txt", format="txt", sha256="0" * 64, chars=0), meta=Meta())
    assert "（未识别出章节和任务）" in _render(plan)
    assert "（未识别出任务）" in _render(plan, text="", source=True)
    assert outline_tree(plan).label is not None


def test_show_command_prints_the_outline_and_exits_0() -> None:
    result = CliRunner().invoke(main, ["show", str(SAMPLE)])
    assert result.exit_code == 0, result.stderr
    assert "一 完善网格化管理" in result.stdout
    assert "市城市管理综合执法局" in result.stdout
    assert "\x1b[" not in result.stdout  # no colour codes when stdout is not a terminal


def test_show_command_source_and_stdin() -> None:
    text = "某县工作方案\n\n一、重点任务\n（一）推进老旧小区改造。2024年底前完成改造30个。（责任单位：县住建局，配合单位：各乡镇）\n"
    result = CliRunner().invoke(main, ["show", "-", "--source", "--width", "120"], input=text.encode("utf-8"))
    assert result.exit_code == 0, result.stderr
    assert "责任：县住房和城乡建设局" in result.stdout  # the alias table's full name
    assert "4 （一）推进老旧小区改造" in result.stdout


def test_show_command_missing_file_is_one_line_and_exit_3(tmp_path: Path) -> None:
    missing = tmp_path / "gone.txt"
    result = CliRunner().invoke(main, ["show", str(missing)])
    assert result.exit_code == ExitCode.INPUT
    assert result.stdout == ""
    assert len(result.stderr.strip().splitlines()) == 1 and str(missing) in result.stderr
