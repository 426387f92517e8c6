"""govplan query: tasks across an archive from OUTDIR/plans.sqlite, alias-aware unit names."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from govplan.batch import run
from govplan.cli import main
from govplan.models import Role
from govplan.store import Query, open_store, parse_due, query, split_prefix, unit_cores

# Three notices naming the housing bureau three ways (an alias, its full name at city level, a
# district's), and one that never mentions it.
NOTICES = {
    "2023/a.txt": """某市2023年老旧小区改造工作方案

一、重点任务
（一）推进老旧小区改造。2023年底前完成改造老旧小区60个。（牵头单位：市住建局；配合单位：市财政局）
（二）完善排水设施。2024年6月底前完成主城区雨污分流改造。（责任单位：市城管局）
二、保障措施
（一）加强组织领导。
""",
    "2023/b.txt": """某市2023年城市更新工作方案

一、重点任务
（一）实施城市体检。2023年9月底前完成年度城市体检。（责任单位：市住房和城乡建设局；配合单位：市自然资源局）
（二）推进海绵城市建设。2024年底前建成区海绵城市面积达到40%以上。（牵头单位：市住房和城乡建设局）
二、保障措施
（一）强化资金保障。
""",
    "2024/c.txt": """某区2024年背街小巷整治工作方案

一、重点任务
（一）整治背街小巷。2023年11月底前完成整治背街小巷15条。（牵头单位：区住房和城乡建设局；配合单位：区财政局）
二、保障措施
（一）加强督导检查。
""",
    "2024/d.txt": """某市2024年公交优化工作方案

一、重点任务
（一）优化公交线网。2024年底前新辟公交线路5条。（责任单位：市交通运输局）
二、保障措施
（一）加强宣传引导。
""",
}


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("query")
    for name, text in NOTICES.items():
        path = root / "in" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    out = root / "out"
    summary = run([str(root / "in")], out, workers=1)
    assert (summary.ok, summary.failed) == (4, 0)
    return out


def _ask(out: Path, **conditions) -> list[tuple[str, str]]:
    db = open_store(out)
    try:
        return [(Path(h.document).name, h.task_title) for h in query(db, Query(**conditions))]
    finally:
        db.close()


def test_split_prefix():
    assert split_prefix("市住建局") == ("市", "住建局")
    assert split_prefix("区住房和城乡建设局") == ("区", "住房和城乡建设局")
    assert split_prefix("市委") == ("", "市委")  # too short to be a prefix and a name
    assert split_prefix("住建局") == ("", "住建局")


def test_unit_cores_follow_the_alias_table(archive: Path):
    db = open_store(archive)
    try:
        prefix, cores = unit_cores(db, "住建局")
        assert prefix == "" and {"住建局", "住房和城乡建设局"} <= cores
        prefix, cores = unit_cores(db, "市住房和城乡建设局")
        assert prefix == "市" and "住建局" in cores
        assert "财政局" not in cores
    finally:
        db.close()


def test_a_unit_under_any_of_its_names(archive: Path):
    everywhere = _ask(archive, unit="住房和城乡建设局")
    assert everywhere == [
        ("a.txt", "推进老旧小区改造"),
        ("b.txt", "实施城市体检"),
        ("b.txt", "推进海绵城市建设"),
        ("c.txt", "整治背街小巷"),
    ]
    assert _ask(archive, unit="住建局") == everywhere  # the abbreviation finds the full names
    city = _ask(archive, unit="市住建局")  # a prefix given: that level only
    assert city == everywhere[:3]
    assert _ask(archive, unit="区住房和城乡建设局") == [("c.txt", "整治背街小巷")]
    assert _ask(archive, unit="市交通运输局") == [("d.txt", "优化公交线网")]
    assert _ask(archive, unit="市教育局") == []


def test_role_and_due_dates(archive: Path):
    leads = _ask(archive, unit="住房和城乡建设局", role=Role.LEAD)
    assert leads == [("a.txt", "推进老旧小区改造"), ("b.txt", "推进海绵城市建设"), ("c.txt", "整治背街小巷")]
    due_2023 = _ask(
        archive, unit="住建局", due_after=parse_due("2023", end=False), due_before=parse_due("2023", end=True)
    )
    assert due_2023 == [("a.txt", "推进老旧小区改造"), ("b.txt", "实施城市体检"), ("c.txt", "整治背街小巷")]
    assert _ask(archive, due_before="2023-09-30") == [("b.txt", "实施城市体检")]
    assert _ask(archive, due_after="2024-07-01") == [("b.txt", "推进海绵城市建设"), ("d.txt", "优化公交线网")]
    assert _ask(archive, role=Role.COOPERATING) == [
        ("a.txt", "推进老旧小区改造"), ("b.txt", "实施城市体检"), ("c.txt", "整治背街小巷")
    ]


def test_words(archive: Path):
    assert _ask(archive, words=("雨污分流",)) == [("a.txt", "完善排水设施")]
    assert _ask(archive, words=("城市", "海绵")) == [("b.txt", "推进海绵城市建设")]
    assert _ask(archive, words=("城市", "公交")) == []


def test_parse_due():
    assert parse_due("2023", end=True) == "2023-12-31"
    assert parse_due("2023", end=False) == "2023-01-01"
    assert parse_due("2024-02", end=True) == "2024-02-29"
    assert parse_due("2023/6/30", end=True) == "2023-06-30"
    with pytest.raises(ValueError):
        parse_due("soon", end=True)


def test_query_command_formats(archive: Path):
    runner = CliRunner()
    args = ["query", str(archive), "--unit", "住房和城乡建设局", "--due-after", "2023", "--due-before", "2023"]
    answer = runner.invoke(main, [*args, "-f", "json"])
    assert answer.exit_code == 0, answer.output
    tasks = json.loads(answer.stdout)
    assert [t["task_title"] for t in tasks] == ["推进老旧小区改造", "实施城市体检", "整治背街小巷"]
    first = tasks[0]
    assert {"name": "市住建局", "canonical": "市住房和城乡建设局", "role": "lead"} in first["units"]
    assert first["deadlines"][0]["date"] == "2023-12-31"
    answer = runner.invoke(main, [*args, "-f", "csv", "--role", "牵头"])
    rows = list(csv.reader(io.StringIO(answer.stdout.lstrip("\ufeff"))))
    assert rows[0][:4] == ["document", "task", "section", "title"]
    assert [(r[3], r[4]) for r in rows[1:]] == [("推进老旧小区改造", "市住房和城乡建设局"), ("整治背街小巷", "区住房和城乡建设局")]
    answer = runner.invoke(main, [*args, "-f", "table"])
    assert answer.exit_code == 0 and "3 tasks" in answer.stdout and "实施城市体检" in answer.stdout


def test_query_errors(archive: Path, tmp_path: Path):
    runner = CliRunner()
    missing = runner.invoke(main, ["query", str(tmp_path)])
    assert missing.exit_code == 3 and "no plan store" in missing.stderr
    bad_role = runner.invoke(main, ["query", str(archive), "--role", "boss"])
    assert bad_role.exit_code == 2 and "unknown role" in bad_role.stderr
    bad_date = runner.invoke(main, ["query", str(archive), "--due-before", "soon"])
    assert bad_date.exit_code == 2 and "not a date" in bad_date.stderr
