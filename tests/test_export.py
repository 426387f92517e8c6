"""export: Plan -> bytes, and the atomic write.  Each format's real content on a small Chinese plan."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import os
import time
from pathlib import Path

import pytest
import yaml

from govplan.errors import OutputError
from govplan.export import FORMATS, render, write_atomic
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


def test_csv_has_a_bom_and_one_row_per_task() -> None:
    data = render(PLAN, "csv")
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
    assert list(rows[0]) == [
        "id",
        "section",
        "title",
        "lead",
        "responsible",
        "cooperating",
        "deadlines",
        "targets",
        "line",
    ]
    assert rows[0] == {
        "id": "t1",
        "section": "二/一",
        "title": "完善网格化管理|试点",
        "lead": "市城市管理综合执法局",  # canonical, each once
        "responsible": "市委政法委、市公安局",
        "cooperating": "各成员单位",
        "deadlines": "2023-12-31;2019-06-01/2020-09-30",
        "targets": ">=20%",
        "line": "31",
    }
    assert rows[1]["deadlines"] == "长期坚持"  # no date: the printed text
    assert rows[1]["targets"] == "60个"  # "=" left out, so Excel does not read a formula
    assert len(rows) == 2


def test_xlsx_has_the_four_sheets_and_known_cells() -> None:
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(render(PLAN, "xlsx")))
    assert book.sheetnames == ["任务", "指标", "章节", "信息"]
    tasks = book["任务"]
    assert [c.value for c in tasks[1]] == [
        "id",
        "section",
        "title",
        "lead",
        "responsible",
        "cooperating",
        "deadlines",
        "targets",
        "line",
    ]
    assert tasks["E2"].value == "市委政法委、市公安局"
    assert tasks["I2"].value == 31
    assert tasks["A1"].font.bold
    assert tasks.freeze_panes == "A2"
    assert tasks.column_dimensions["C"].width > 10
    targets = book["指标"]
    assert targets["B2"].value == "绿色出行分担率"
    assert targets["C3"].value == "="  # stored as text, not as a formula
    assert targets["C3"].data_type == "s"
    assert book["章节"]["D3"].value == "完善网格化管理"
    meta = {row[0]: row[1] for row in book["信息"].iter_rows(min_row=2, values_only=True)}
    assert meta["doc_number"] == "昆府发〔2023〕6号"
    assert meta["source.path"] == "notice.txt"
    assert meta["warning"] == "第40行：责任单位未识别"


def test_xlsx_bytes_are_deterministic(monkeypatch: pytest.MonkeyPatch) -> None:
    first = render(PLAN, "xlsx")
    later = time.time() + 400 * 86400
    monkeypatch.setattr(time, "time", lambda: later)  # the clock the ZIP writer stamps members with
    assert render(_plan(), "xlsx") == first
    from openpyxl import load_workbook

    properties = load_workbook(io.BytesIO(first)).properties
    assert properties.created == properties.modified == dt.datetime(2000, 1, 1)


def test_markdown_has_title_meta_and_an_escaped_task_table() -> None:
    text = render(PLAN, "markdown").decode("utf-8")
    lines = text.splitlines()
    assert lines[0] == "# 推进一刻钟社区城市颜值圈建设工作方案"
    assert "- 文号：昆府发〔2023〕6号" in lines
    assert "| 章节 | 任务 | 牵头 | 责任 | 配合 | 时限 | 指标 |" in lines
    row = "| 二/一 | 完善网格化管理\\|试点 | 市城市管理综合执法局 | 市委政法委、市公安局 | 各成员单位 | 2023-12-31;2019-06-01/2020-09-30 | >=20% |"
    assert row in lines
    table = [line for line in lines if line.startswith("| ")]
    assert len(table) == 2 + len(PLAN.tasks)
    assert all(line.replace("\\|", "").count("|") == 8 for line in table)


def test_a_plan_with_nothing_found_still_renders_every_format() -> None:
    bare = Plan(source=PLAN.source, meta=Meta())
    assert set(FORMATS) == {"json", "yaml", "jsonl", "csv", "xlsx", "markdown"}
    outputs = {fmt: render(bare, fmt) for fmt in FORMATS}
    assert json.loads(outputs["json"])["tasks"] == []
    assert yaml.safe_load(outputs["yaml"]) == bare.model_dump(mode="json")
    assert outputs["jsonl"] == b""
    assert outputs["csv"].decode("utf-8-sig").splitlines() == [
        ",".join(
            ["id", "section", "title", "lead", "responsible", "cooperating", "deadlines", "targets", "line"]
        )
    ]
    assert outputs["markdown"].decode("utf-8").startswith("# notice.txt\n")
    from openpyxl import load_workbook

    assert load_workbook(io.BytesIO(outputs["xlsx"]))["任务"].max_row == 1


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
