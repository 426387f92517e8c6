"""export: Plan -> bytes, and the atomic write.  Each format's real content on a small Chinese plan."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import os
import time
from pathlib import Path
from typing import Any

import pytest
import yaml

from govplan.errors import ExitCode, OutputError
from govplan.export import FORMATS, LineIndex, render, render_many, section_label, write_atomic
from govplan.models import (
    Comparator,
    Contact,
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

GREEN_SHARE = Target(
    text="绿色出行分担率达到20%以上",
    indicator="绿色出行分担率",
    comparator=Comparator.GE,
    value=20,
    unit="%",
    deadline=dt.date(2023, 12, 31),
    span=(130, 143),
    task="t1",
)
OLD_HOUSING = Target(
    text="完成改造老旧小区60个", comparator=Comparator.EQ, value=60.0, unit="个", span=(160, 171), task="t2"
)


def _plan() -> Plan:
    task1 = Task(
        id="t1",
        section="二/一",
        title="完善网格化管理|试点",
        text="结合城管领域实际，2023年底前绿色出行分担率达到20%以上。",
        units=[
            UnitRef(name="市城管执法局", canonical="市城市管理综合执法局", role=Role.LEAD, span=(150, 156)),
            UnitRef(name="市委政法委", canonical="市委政法委", role=Role.RESPONSIBLE, span=(160, 165)),
            UnitRef(name="市公安局", canonical="市公安局", role=Role.RESPONSIBLE, span=(166, 170)),
            UnitRef(
                name="市城市管理综合执法局", canonical="市城市管理综合执法局", role=Role.LEAD, span=(171, 181)
            ),
            UnitRef(name="各成员单位", canonical="各成员单位", role=Role.COOPERATING, span=(185, 190)),
        ],
        deadlines=[
            Deadline(text="2023年底", date=dt.date(2023, 12, 31), kind=DeadlineKind.DATE, span=(120, 126)),
            Deadline(
                text="2019年6月至2020年9月",
                start=dt.date(2019, 6, 1),
                date=dt.date(2020, 9, 30),
                kind=DeadlineKind.RANGE,
                span=(127, 129),
            ),
        ],
        targets=[GREEN_SHARE],
        line=31,
        span=(100, 200),
    )
    task2 = Task(
        id="t2",
        section="二/二",
        title="推进老旧小区改造",
        text="完成改造老旧小区60个，长期坚持。",
        deadlines=[Deadline(text="长期坚持", kind=DeadlineKind.OPEN, span=(172, 176))],
        targets=[OLD_HOUSING],
        line=35,
        span=(200, 260),
    )
    return Plan(
        source=Source(path="notice.txt", format="txt", encoding="utf-8", sha256="ab" * 32, chars=9061),
        meta=Meta(
            title="推进一刻钟社区城市颜值圈建设工作方案",
            doc_number="昆府发〔2023〕6号",
            issuer="乌海市城市管理综合执法局",
            date=dt.date(2023, 4, 7),
            recipients=["市委政法委", "各区人民政府"],
            contact=Contact(name="井乐", phone=["2612004"], email="whcgsrk@163.com"),
        ),
        sections=[
            Section(id="s1", level=1, number="二", title="主要任务", path="二", line=30, span=(90, 96)),
            Section(
                id="s2", level=2, number="一", title="完善网格化管理", path="二/一", line=31, span=(100, 110)
            ),
        ],
        tasks=[task1, task2],
        targets=[GREEN_SHARE, OLD_HOUSING],
        warnings=["第40行：责任单位未识别"],
    )


PLAN = _plan()
TREE = PLAN.model_dump(mode="json")


def test_json_round_trips_to_the_same_tree() -> None:
    data = render(PLAN, "json")
    text = data.decode("utf-8")
    assert json.loads(text) == TREE
    assert "推进一刻钟社区" in text and "\\u" not in text
    assert text.endswith("}\n")
    assert '\n  "source": {' in text  # indent 2
    assert Plan.model_validate_json(data) == PLAN


def test_yaml_is_readable_chinese_and_loads_back_equal() -> None:
    text = render(PLAN, "yaml").decode("utf-8")
    assert yaml.safe_load(text) == TREE
    assert "title: 推进一刻钟社区城市颜值圈建设工作方案" in text
    assert "span: [150, 156]" in text  # spans as flow lists
    assert "date: '2023-04-07'" in text  # dates stay ISO strings, not YAML timestamps
    assert "&" not in text and "*id" not in text  # no anchors or aliases
    assert text.index("schema_version") < text.index("source") < text.index("meta") < text.index("tasks")


def test_jsonl_is_one_task_a_line_with_the_document_path() -> None:
    lines = render(PLAN, "jsonl").decode("utf-8").splitlines()
    assert len(lines) == 2
    first = json.loads(lines[0])
    assert first["document"] == "notice.txt"
    assert {k: v for k, v in first.items() if k != "document"} == TREE["tasks"][0]
    assert json.loads(lines[1])["id"] == "t2"


def test_jsonl_of_a_plan_without_tasks_is_empty() -> None:
    assert render(PLAN.model_copy(update={"tasks": []}), "jsonl") == b""


LEDGER = ["序号", "章节", "任务", "具体内容", "牵头单位", "责任单位", "配合单位", "完成时限", "量化目标", "原文行号"]
# a source text for PLAN: 30 empty lines, then line 31 = [30, 110), line 32 = [111, 211), line 33 = [212, 300)
SOURCE = "\n" * 30 + "甲" * 80 + "\n" + "乙" * 100 + "\n" + "丙" * 88


def _csv_rows(data: bytes) -> list[dict[str, str]]:
    assert data.startswith(b"\xef\xbb\xbf")  # the BOM Excel and WPS need to read UTF-8
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def test_csv_is_the_ledger_with_a_bom_one_row_per_task() -> None:
    rows = _csv_rows(render(PLAN, "csv"))
    assert list(rows[0]) == LEDGER
    assert rows[0] == {
        "序号": "1",
        "章节": "二 主要任务 › 一 完善网格化管理",  # the enclosing headings, outermost first
        "任务": "完善网格化管理|试点",
        "具体内容": "结合城管领域实际，2023年底前绿色出行分担率达到20%以上。",
        "牵头单位": "市城市管理综合执法局",  # canonical, each once
        "责任单位": "市委政法委、市公安局",
        "配合单位": "各成员单位",
        "完成时限": "2023-12-31；2019-06-01/2020-09-30",
        "量化目标": "绿色出行分担率达到20%以上",
        "原文行号": "31",
    }
    assert rows[1]["完成时限"] == "长期坚持"  # no date: the printed text
    assert rows[1]["章节"] == "二 主要任务"  # 二/二 has no heading of its own
    assert len(rows) == 2


def test_csv_round_trips_text_with_commas_quotes_and_line_breaks() -> None:
    task = PLAN.tasks[1].model_copy(update={"text": '第一行，含"引号",逗号\n第二行'})
    plan = PLAN.model_copy(update={"tasks": [task]})
    rows = _csv_rows(render(plan, "csv"))
    assert rows[0]["具体内容"] == '第一行，含"引号",逗号\n第二行'


def test_line_numbers_come_from_the_spans_when_the_source_text_is_given() -> None:
    rows = _csv_rows(render(PLAN, "csv", text=SOURCE))
    assert [row["原文行号"] for row in rows] == ["31–32", "32–33"]


def test_line_index_maps_offsets_and_spans_to_lines() -> None:
    lines = LineIndex("ab\ncd\n\nef")
    assert [lines.line(i) for i in range(10)] == [1, 1, 1, 2, 2, 2, 3, 4, 4, 4]
    assert lines.lines((0, 3)) == (1, 1)  # a span ending with its line break stays on the line
    assert lines.lines((1, 4)) == (1, 2)
    assert lines.bounds(2) == (3, 5) and lines.bounds(4) == (7, 9)


def test_section_label_names_the_enclosing_headings() -> None:
    sections = {s.path: s for s in PLAN.sections}
    assert section_label(PLAN.tasks[0], sections) == "二 主要任务 › 一 完善网格化管理"
    own = PLAN.tasks[0].model_copy(update={"title": "完善网格化管理"})
    assert section_label(own, sections) == "二 主要任务"  # the task is the heading: the 任务 column has it
    deeper = PLAN.tasks[0].model_copy(update={"section": "二/一/3"})
    assert section_label(deeper, sections) == "二 主要任务 › 一 完善网格化管理"  # 3 has no heading
    nowhere = PLAN.tasks[0].model_copy(update={"section": "五/一"})
    assert section_label(nowhere, sections) == "五/一"  # no heading known: the path


def _book(data: bytes) -> Any:
    from openpyxl import load_workbook

    return load_workbook(io.BytesIO(data))


def test_xlsx_has_the_four_sheets_headers_and_a_usable_ledger() -> None:
    book = _book(render(PLAN, "xlsx", text=SOURCE))
    assert book.sheetnames == ["任务分解表", "责任清单", "量化目标", "文件信息"]
    ledger = book["任务分解表"]
    assert [c.value for c in ledger[1]] == LEDGER
    assert [c.value for c in ledger[2]][:3] == [1, "二 主要任务 › 一 完善网格化管理", "完善网格化管理|试点"]
    assert ledger["F2"].value == "市委政法委、市公安局"
    assert ledger["J2"].value == "31–32"
    assert ledger.freeze_panes == "A2"
    assert ledger.auto_filter.ref == "A1:J3"
    assert ledger["A1"].font.bold
    assert ledger["D2"].alignment.wrap_text
    assert ledger.column_dimensions["D"].width >= 50  # 具体内容 is wide
    assert ledger.column_dimensions["A"].width < 10  # 序号 is narrow


def test_xlsx_deadlines_are_real_excel_dates() -> None:
    ledger = _book(render(PLAN, "xlsx"))["任务分解表"]
    due = ledger["H2"]
    assert due.is_date and due.value == dt.datetime(2023, 12, 31)  # the latest dated end
    assert due.number_format == "yyyy-mm-dd"
    assert due.comment is not None  # several deadlines: all of them in a note
    assert "2019年6月至2020年9月 → 2019-06-01/2020-09-30" in due.comment.text
    assert ledger["H3"].value == "长期坚持" and not ledger["H3"].is_date  # undated: the text
    assert ledger["H3"].comment is None


def test_xlsx_responsibility_sheet_lists_each_units_tasks_by_role() -> None:
    sheet = _book(render(PLAN, "xlsx"))["责任清单"]
    assert [c.value for c in sheet[1]] == ["单位", "角色", "序号", "任务", "完成时限", "原文名称"]
    rows = [tuple(row) for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert rows[0] == ("市城市管理综合执法局", "牵头", 1, "完善网格化管理|试点", dt.datetime(2023, 12, 31),
                       "市城管执法局、市城市管理综合执法局")  # fmt: skip
    assert {(unit, role) for unit, role, *_ in rows} == {
        ("市城市管理综合执法局", "牵头"),
        ("市委政法委", "责任"),
        ("市公安局", "责任"),
        ("各成员单位", "配合"),
    }
    assert all(row[5] is None for row in rows[1:])  # printed name shown only when it differs


def test_xlsx_target_sheet_has_numbers_signs_and_dates() -> None:
    sheet = _book(render(PLAN, "xlsx"))["量化目标"]
    header = [c.value for c in sheet[1]]
    assert header == ["任务序号", "任务", "指标", "比较", "目标值", "计量单位", "时限", "原文", "原文行号"]
    first = dict(zip(header, [c.value for c in sheet[2]], strict=True))
    assert first["指标"] == "绿色出行分担率" and first["比较"] == "≥" and first["目标值"] == 20
    assert first["时限"] == dt.datetime(2023, 12, 31) and sheet["G2"].is_date
    assert sheet["D3"].value == "=" and sheet["D3"].data_type == "s"  # text, not a formula
    assert sheet["A3"].value == 2 and sheet["E3"].value == 60


def test_xlsx_file_information_sheet() -> None:
    sheet = _book(render(PLAN, "xlsx"))["文件信息"]
    info = {row[0]: row[1] for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert info["文件"] == "notice.txt"
    assert info["文号"] == "昆府发〔2023〕6号"
    assert info["成文日期"] == dt.datetime(2023, 4, 7)
    assert info["联系电话"] == "2612004"
    assert info["任务数"] == 2
    assert info["提示"] == "第40行：责任单位未识别"


def test_xlsx_bytes_are_deterministic(monkeypatch: pytest.MonkeyPatch) -> None:
    first = render(PLAN, "xlsx")
    later = time.time() + 400 * 86400
    monkeypatch.setattr(time, "time", lambda: later)  # the clock the ZIP writer stamps members with
    assert render(_plan(), "xlsx") == first
    properties = _book(first).properties
    assert properties.created == properties.modified == dt.datetime(2000, 1, 1)


def test_xlsx_strips_characters_excel_refuses() -> None:
    task = PLAN.tasks[1].model_copy(update={"title": "控制\x07字符"})
    ledger = _book(render(PLAN.model_copy(update={"tasks": [task]}), "xlsx"))["任务分解表"]
    assert ledger["C2"].value == "控制字符"


def test_markdown_report_has_meta_outline_tasks_targets_and_warnings() -> None:
    text = render(PLAN, "markdown", text=SOURCE).decode("utf-8")
    lines = text.splitlines()
    assert lines[0] == "# 推进一刻钟社区城市颜值圈建设工作方案"
    assert "- 文号：昆府发〔2023〕6号" in lines
    assert lines[lines.index("## 提纲") + 2 : lines.index("## 提纲") + 4] == ["- 二 主要任务", "  - 一 完善网格化管理"]
    assert "| 序号 | 章节 | 任务 | 牵头单位 | 责任单位 | 配合单位 | 完成时限 | 量化目标 | 原文行号 |" in lines
    row = (
        "| 1 | 二 主要任务 › 一 完善网格化管理 | 完善网格化管理\\|试点 | 市城市管理综合执法局 | 市委政法委、市公安局 | 各成员单位 "
        "| 2023-12-31；2019-06-01/2020-09-30 | 绿色出行分担率达到20%以上 | 31–32 |"
    )
    assert row in lines
    top = lines.index("## 任务分解（2项）") + 2
    table = lines[top : top + 4]
    assert all(line.replace("\\|", "").count("|") == 10 for line in table)  # 9 cells, | escaped
    assert lines[top + 4] == ""
    assert "| 1 | 绿色出行分担率 | 绿色出行分担率 ≥20% | 2023-12-31 | 绿色出行分担率达到20%以上 |" in lines
    assert "| 2 |  | 60个 |  | 完成改造老旧小区60个 |" in lines  # "=" left out
    assert lines[lines.index("## 提示") + 2] == "- 第40行：责任单位未识别"


def test_a_plan_with_nothing_found_still_renders_every_format() -> None:
    bare = Plan(source=PLAN.source, meta=Meta())
    assert set(FORMATS) == {"json", "yaml", "jsonl", "csv", "xlsx", "markdown"}
    outputs = {fmt: render(bare, fmt) for fmt in FORMATS}
    assert json.loads(outputs["json"])["tasks"] == []
    assert yaml.safe_load(outputs["yaml"]) == bare.model_dump(mode="json")
    assert outputs["jsonl"] == b""
    assert outputs["csv"].decode("utf-8-sig").splitlines() == [",".join(LEDGER)]
    markdown = outputs["markdown"].decode("utf-8")
    assert markdown.startswith("# notice.txt\n") and "（未识别出任务）" in markdown
    book = _book(outputs["xlsx"])
    assert [book[name].max_row for name in book.sheetnames] == [1, 1, 1, 23]  # 文件 and 21 items


# --- several plans in one output ----------------------------------------------------------------

OTHER = PLAN.model_copy(
    update={
        "source": PLAN.source.model_copy(update={"path": "其他方案.docx", "format": "docx"}),
        "meta": Meta(title="另一个方案"),
        "tasks": PLAN.tasks[1:],
        "targets": PLAN.targets[1:],
        "warnings": [],
    }
)


def test_render_many_json_is_a_list_and_yaml_separate_documents() -> None:
    assert json.loads(render_many([PLAN, OTHER], "json")) == [TREE, OTHER.model_dump(mode="json")]
    documents = list(yaml.safe_load_all(render_many([PLAN, OTHER], "yaml")))
    assert documents == [TREE, OTHER.model_dump(mode="json")]
    lines = render_many([PLAN, OTHER], "jsonl").decode("utf-8").splitlines()
    assert [json.loads(line)["document"] for line in lines] == ["notice.txt", "notice.txt", "其他方案.docx"]


def test_render_many_csv_has_a_file_column() -> None:
    rows = _csv_rows(render_many([PLAN, OTHER], "csv", texts=[SOURCE, None]))
    assert list(rows[0]) == ["文件", *LEDGER]
    assert [(row["文件"], row["序号"], row["原文行号"]) for row in rows] == [
        ("notice.txt", "1", "31–32"),
        ("notice.txt", "2", "32–33"),
        ("其他方案.docx", "1", "35"),
    ]


def test_render_many_xlsx_is_one_workbook_with_a_file_column() -> None:
    book = _book(render_many([PLAN, OTHER], "xlsx"))
    ledger = book["任务分解表"]
    assert [c.value for c in ledger[1]] == ["文件", *LEDGER]
    assert [row[:2] for row in ledger.iter_rows(min_row=2, values_only=True)] == [
        ("notice.txt", 1),
        ("notice.txt", 2),
        ("其他方案.docx", 1),
    ]
    assert ledger["I2"].is_date  # 完成时限 moved one column right, still a date
    assert ledger.auto_filter.ref == "A1:K4"
    for name in ("责任清单", "量化目标"):
        assert book[name]["A1"].value == "文件"
    info = book["文件信息"]
    header = [c.value for c in info[1]]
    assert header[:3] == ["文件", "标题", "通知标题"]
    assert [row[1] for row in info.iter_rows(min_row=2, values_only=True)] == [PLAN.meta.title, "另一个方案"]


def test_render_many_markdown_is_one_report_after_another() -> None:
    text = render_many([PLAN, OTHER], "markdown").decode("utf-8")
    assert text.count("\n---\n") == 1
    assert "# 推进一刻钟社区城市颜值圈建设工作方案" in text and "# 另一个方案" in text


def test_render_many_refuses_texts_of_another_length() -> None:
    with pytest.raises(ValueError, match="as many"):
        render_many([PLAN, OTHER], "csv", texts=[SOURCE])


def test_plan_to_json_and_to_yaml_delegate_to_export() -> None:
    assert PLAN.to_json() == render(PLAN, "json").decode("utf-8")
    assert yaml.safe_load(PLAN.to_yaml()) == TREE


# --- the command line: several inputs, one output -------------------------------------------------

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = sorted((ROOT / "samples").glob("*.txt"))


def _run(*args: str) -> tuple[int, bytes, str]:
    from click.testing import CliRunner

    from govplan.cli import main

    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.stdout_bytes, result.stderr


def test_extract_to_xlsx_gives_a_known_row_of_a_sample(tmp_path: Path) -> None:
    target = tmp_path / "ledger.xlsx"
    code, out, err = _run("extract", str(SAMPLES[0]), "-o", str(target))
    assert code == 0, err
    assert out == b""
    ledger = _book(target.read_bytes())["任务分解表"]
    first = dict(zip(LEDGER, [c.value for c in ledger[2]], strict=True))
    assert first["任务"] == "完善网格化管理"
    assert first["章节"] == "二 工作任务"
    assert first["责任单位"] == "市城市管理综合执法局"
    assert first["配合单位"] == "市委政法委、各区人民政府"
    assert first["原文行号"] == "33–37"  # heading to the end of the clause, from the span
    assert first["具体内容"].startswith("结合城管领域现行街长制")


def test_several_inputs_to_one_xlsx_file(tmp_path: Path) -> None:
    broken = tmp_path / "broken.txt"
    broken.write_bytes(b"")
    target = tmp_path / "all.xlsx"
    code, _, err = _run("extract", str(SAMPLES[0]), str(broken), str(SAMPLES[-1]), "-o", str(target))
    assert code == ExitCode.PARTIAL  # the empty file is named, the others are written
    assert str(broken) in err
    book = _book(target.read_bytes())
    ledger = book["任务分解表"]
    files = [row[0] for row in ledger.iter_rows(min_row=2, values_only=True)]
    assert set(files) == {str(SAMPLES[0]), str(SAMPLES[-1])}
    assert files == sorted(files)  # documents in the order given
    dated = [row for row in ledger.iter_rows(min_row=2) if row[0].value == str(SAMPLES[-1])]
    assert any(row[8].is_date for row in dated)  # the task list of the last sample has dated deadlines
    assert [row[0] for row in book["文件信息"].iter_rows(min_row=2, values_only=True)] == files[:1] + files[-1:]


def test_several_inputs_to_csv_on_stdout() -> None:
    code, out, err = _run("extract", str(SAMPLES[0]), str(SAMPLES[1]), "-f", "csv")
    assert code == 0, err
    rows = _csv_rows(out)
    assert list(rows[0])[:2] == ["文件", "序号"]
    assert {row["文件"] for row in rows} == {str(SAMPLES[0]), str(SAMPLES[1])}


def test_several_inputs_to_a_path_without_extension_is_a_usage_error(tmp_path: Path) -> None:
    code, _, err = _run("extract", str(SAMPLES[0]), str(SAMPLES[1]), "-o", str(tmp_path / "out"))
    assert code == ExitCode.USAGE
    assert "-o DIR" in err and "-o FILE" in err


def test_unknown_format_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown export format"):
        render(PLAN, "docx")


def test_write_atomic_replaces_the_file_and_leaves_no_temp(tmp_path: Path) -> None:
    target = tmp_path / "plan.json"
    target.write_bytes(b"old content that is longer than the new one")
    write_atomic(target, "新内容".encode())
    assert target.read_bytes() == "新内容".encode()
    assert [p.name for p in tmp_path.iterdir()] == ["plan.json"]


@pytest.mark.skipif(os.name != "posix", reason="POSIX file modes")
def test_write_atomic_gives_new_files_the_umask_mode_and_keeps_an_old_mode(tmp_path: Path) -> None:
    umask = os.umask(0o022)
    os.umask(umask)
    fresh = tmp_path / "new.yaml"
    write_atomic(fresh, b"a: 1\n")
    assert fresh.read_bytes() == b"a: 1\n"
    assert fresh.stat().st_mode & 0o777 == 0o666 & ~umask  # not mkstemp's 0o600
    kept = tmp_path / "private.json"
    kept.write_bytes(b"{}")
    kept.chmod(0o640)
    write_atomic(kept, b"[]")
    assert kept.stat().st_mode & 0o777 == 0o640


def test_write_atomic_failure_is_an_output_error_and_leaves_nothing(tmp_path: Path) -> None:
    with pytest.raises(OutputError) as caught:
        write_atomic(tmp_path / "missing-dir" / "out.json", b"{}")
    assert "missing-dir" in str(caught.value)
    target = tmp_path / "a-directory"
    target.mkdir()
    with pytest.raises(OutputError):
        write_atomic(target, b"{}")
    assert [p.name for p in tmp_path.iterdir()] == ["a-directory"]
    assert list(target.iterdir()) == []
