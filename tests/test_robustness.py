"""Robustness: govplan as a demanding user and a hostile input exercise it.

The error policy (DESIGN.md): bad input gives one line on stderr naming the file and a documented
exit code (govplan.errors.ExitCode), never a traceback, never a hang, memory bounded.  And the
output contract: every span lies in the source text as read and grounds the value it carries.

Known bugs stay here as ``xfail(strict=True)`` with the precise failure, so that whoever fixes one
flips its marker.  Big inputs (a 5 MB line, 200,000 lines, a large plan) run only when
GOVPLAN_SLOW_TESTS is set: they are hang detectors, not unit tests.
"""

from __future__ import annotations

import json
import os
import re
import stat
import subprocess
import sys
import unicodedata
import zipfile
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import govplan
from govplan.cli import main
from govplan.errors import ExitCode, GovplanError
from govplan.models import Plan
from govplan.readers import read_bytes, read_text

SLOW = pytest.mark.skipif(not os.environ.get("GOVPLAN_SLOW_TESTS"), reason="big input: set GOVPLAN_SLOW_TESTS=1")
IS_ROOT = hasattr(os, "geteuid") and os.geteuid() == 0

PLAN = (
    "某市城市管理工作实施方案\n"
    "一、总体目标\n"
    "到2025年，城市生活垃圾回收利用率达到35%以上。\n"
    "二、重点任务\n"
    "（一）完善网格化管理。推进老旧小区改造，完成60个。2023年6月底前完成。\n"
    "责任单位：市住建局、市城管执法局\n"
    "（二）治理交通拥堵。由市公安局牵头，市交通运输局配合，2024年底前完成。\n"
    "1.构建绿色交通体系。绿色出行分担率不低于75%。\n"
    "（1）推进公交优先。长期坚持。\n"
    "三、保障措施\n"
    "（一）加强组织领导。\n"
)


def run(*args: str, input: bytes | None = None) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args), input=input)
    return result.exit_code, result.stdout, result.stderr


def assert_one_line_error(code: int, err: str, expected: ExitCode, name: str) -> None:
    """The error policy: the documented code, one line on stderr naming the file, no traceback."""
    assert code == int(expected), (code, err)
    assert "Traceback" not in err
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert name in lines[0], err


def titles(plan_json: str) -> list[tuple[str, str]]:
    return [(s["path"], s["title"]) for s in json.loads(plan_json)["sections"]]


# ---------------------------------------------------------------------------------------------
# extract: encodings, binary and damaged inputs


ENCODINGS = [
    ("utf-8", lambda s: s.encode("utf-8"), "utf-8"),
    ("utf-8-sig", lambda s: b"\xef\xbb\xbf" + s.encode("utf-8"), "utf-8-sig"),
    ("gb18030", lambda s: s.encode("gb18030"), "gb18030"),
    ("utf-16-le-bom", lambda s: b"\xff\xfe" + s.encode("utf-16-le"), "utf-16"),
    ("utf-16-be-bom", lambda s: b"\xfe\xff" + s.encode("utf-16-be"), "utf-16"),
    ("utf-16-le", lambda s: s.encode("utf-16-le"), "utf-16-le"),
    ("utf-16-be", lambda s: s.encode("utf-16-be"), "utf-16-be"),
    ("crlf-gb18030", lambda s: s.replace("\n", "\r\n").encode("gb18030"), "gb18030"),
]


@pytest.fixture(scope="module")
def reference_sections(tmp_path_factory: pytest.TempPathFactory) -> list[tuple[str, str]]:
    path = tmp_path_factory.mktemp("ref") / "plan.txt"
    path.write_bytes(PLAN.encode("utf-8"))
    code, out, err = run("extract", str(path), "-f", "json")
    assert code == 0, err
    return titles(out)


@pytest.mark.parametrize(("label", "encode", "detected"), ENCODINGS, ids=[e[0] for e in ENCODINGS])
def test_every_supported_encoding_gives_the_same_outline(
    tmp_path: Path, label: str, encode: object, detected: str, reference_sections: list[tuple[str, str]]
) -> None:
    path = tmp_path / f"{label}.txt"
    path.write_bytes(encode(PLAN))  # type: ignore[operator]
    code, out, err = run("extract", str(path), "-f", "json")
    assert code == 0, err
    data = json.loads(out)
    assert data["source"]["encoding"] == detected
    assert titles(out) == reference_sections
    assert ("二/一", "完善网格化管理") in reference_sections


def test_big5_is_refused_in_one_line(tmp_path: Path) -> None:
    path = tmp_path / "big5.txt"
    path.write_bytes("二、重點任務\n（一）完善網格化管理。責任單位：市住建局\n".encode("big5"))
    code, _, err = run("extract", str(path))
    assert_one_line_error(code, err, ExitCode.INPUT, "big5.txt")


def test_nul_bytes_in_utf8_text_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "nul.txt"
    path.write_bytes(PLAN.encode("utf-8") + b"\x00\x00tail")
    code, _, err = run("extract", str(path))
    assert_one_line_error(code, err, ExitCode.INPUT, "nul.txt")


@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
@given(data=st.binary(min_size=0, max_size=3000), suffix=st.sampled_from([".txt", ".html", ".docx", ".pdf", ".doc", ""]))
def test_random_bytes_never_escape_as_anything_but_an_input_error(data: bytes, suffix: str) -> None:
    name = f"random{suffix}"
    try:
        document = read_bytes(data, name)
        plan = govplan.extract(document)
    except GovplanError as err:
        assert name in str(err)
        assert "\n" not in str(err)
        return
    assert isinstance(plan, Plan)
    assert plan.source.chars == len(document.raw)


@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
@given(text=st.text(min_size=1, max_size=400))
def test_any_unicode_text_extracts_or_is_refused(text: str) -> None:
    try:
        plan = govplan.extract(read_text(text))
    except GovplanError:
        assert not text.strip()  # only an empty text is refused
        return
    plan.to_json()
    plan.to_yaml()


def test_random_bytes_through_the_cli(tmp_path: Path) -> None:
    import random

    rng = random.Random(7)
    for i in range(8):
        path = tmp_path / f"r{i}.txt"
        path.write_bytes(bytes(rng.getrandbits(8) for _ in range(2000)))
        code, _, err = run("extract", str(path))
        assert_one_line_error(code, err, ExitCode.INPUT, path.name)


def test_deeply_nested_html_is_refused_or_read_never_a_crash(tmp_path: Path) -> None:
    path = tmp_path / "deep.html"
    path.write_text("<html><body>" + "<div>" * 10_000 + "一、总体要求\n" + "</div>" * 10_000 + "</body></html>")
    code, _, err = run("extract", str(path), "-f", "json")
    if code != 0:
        assert_one_line_error(code, err, ExitCode.INPUT, "deep.html")


def test_broken_html_is_read(tmp_path: Path) -> None:
    path = tmp_path / "broken.html"
    path.write_text(
        "<html><body><p>一、总体要求<p><b>二、重点任务<i>网格</b>管理</i>"
        "<table><tr><td>责任单位<td>市住建局</table><div <p>>>> </scri <!-- ",
        encoding="utf-8",
    )
    code, out, err = run("extract", str(path), "-f", "json")
    assert code == 0, err
    numbers = [s["number"] for s in json.loads(out)["sections"]]
    assert numbers[:1] == ["一"]


def test_a_zip_that_is_not_a_docx_named_docx(tmp_path: Path) -> None:
    path = tmp_path / "fake.docx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("readme.txt", "一、总体要求")
    code, _, err = run("extract", str(path))
    assert_one_line_error(code, err, ExitCode.INPUT, "fake.docx")


def test_a_directory_named_like_a_text(tmp_path: Path) -> None:
    path = tmp_path / "x.txt"
    path.mkdir()
    code, _, err = run("extract", str(path))
    assert_one_line_error(code, err, ExitCode.INPUT, "x.txt")


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
def test_a_fifo_is_refused_not_waited_on(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)
    try:
        result = subprocess.run(
            [sys.executable, "-m", "govplan", "extract", str(fifo)], capture_output=True, text=True, timeout=5
        )
    except subprocess.TimeoutExpired:
        pytest.fail("govplan extract hangs on a FIFO")
    assert_one_line_error(result.returncode, result.stderr, ExitCode.INPUT, "pipe.txt")


@pytest.mark.skipif(IS_ROOT, reason="root reads any file")
def test_an_unreadable_file(tmp_path: Path) -> None:
    path = tmp_path / "secret.txt"
    path.write_text(PLAN, encoding="utf-8")
    path.chmod(0)
    code, _, err = run("extract", str(path))
    assert_one_line_error(code, err, ExitCode.INPUT, "secret.txt")


@pytest.mark.skipif(IS_ROOT, reason="root writes into a read-only directory")
def test_output_into_a_read_only_directory(tmp_path: Path) -> None:
    source = tmp_path / "plan.txt"
    source.write_text(PLAN, encoding="utf-8")
    ro = tmp_path / "ro"
    ro.mkdir()
    ro.chmod(stat.S_IRUSR | stat.S_IXUSR)
    code, _, err = run("extract", str(source), "-o", str(ro / "plan.json"))
    ro.chmod(stat.S_IRWXU)
    assert_one_line_error(code, err, ExitCode.OUTPUT, "plan.json")
    assert list(ro.iterdir()) == []


def test_output_below_a_file_is_an_output_error(tmp_path: Path) -> None:
    source = tmp_path / "plan.txt"
    source.write_text(PLAN, encoding="utf-8")
    code, _, err = run("extract", str(source), "-o", str(source / "plan.json"))
    assert_one_line_error(code, err, ExitCode.OUTPUT, "plan.json")
    assert source.read_text(encoding="utf-8") == PLAN


def test_output_whose_parent_does_not_exist(tmp_path: Path) -> None:
    source = tmp_path / "plan.txt"
    source.write_text(PLAN, encoding="utf-8")
    target = tmp_path / "no" / "such" / "plan.json"
    code, _, err = run("extract", str(source), "-o", str(target))
    assert_one_line_error(code, err, ExitCode.OUTPUT, "plan.json")
    assert not (tmp_path / "no").exists()


@pytest.mark.parametrize("fmt", ["json", "yaml", "jsonl", "csv", "xlsx", "markdown"])
def test_every_format_of_an_almost_empty_document(tmp_path: Path, fmt: str) -> None:
    source = tmp_path / "tiny.txt"
    source.write_text("你好\n", encoding="utf-8")
    out = tmp_path / f"tiny.{fmt}"
    code, _, err = run("extract", str(source), "-f", fmt, "-o", str(out))
    assert code == 0, err
    data = out.read_bytes()
    if fmt == "json":
        assert json.loads(data)["tasks"] == []
    elif fmt == "yaml":
        assert yaml.safe_load(data)["sections"] == []
    elif fmt == "jsonl":
        assert data.strip() == b""  # one line per task, and there is none
    elif fmt == "csv":
        assert data.startswith(b"\xef\xbb\xbf") and len(data.decode("utf-8-sig").strip().splitlines()) == 1
    elif fmt == "xlsx":
        assert zipfile.is_zipfile(out)
    else:
        assert data.strip()


def test_stdin_in_any_encoding() -> None:
    for raw in (PLAN.encode("utf-8"), PLAN.encode("gb18030"), PLAN.encode("utf-16")):
        code, out, err = run("extract", "-", "-f", "json", input=raw)
        assert code == 0, err
        assert json.loads(out)["source"]["path"] == "<stdin>"
    code, _, err = run("extract", "-", input=b"")
    assert_one_line_error(code, err, ExitCode.INPUT, "<stdin>")


def test_real_subprocesses_stdin_and_a_damaged_docx(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "govplan", "extract", "-", "-f", "json"],
        input=PLAN.encode("gb18030"), capture_output=True, timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["source"]["encoding"] == "gb18030"
    damaged = tmp_path / "cut.docx"
    damaged.write_bytes(b"PK\x03\x04" + b"\x00" * 40)
    refused = subprocess.run([sys.executable, "-m", "govplan", "extract", str(damaged)], capture_output=True,
                             text=True, timeout=60)
    assert_one_line_error(refused.returncode, refused.stderr, ExitCode.INPUT, "cut.docx")


# ---------------------------------------------------------------------------------------------
# .docx built to hurt


def _docx(path: Path, build: object) -> Path:
    import docx

    document = docx.Document()
    build(document)  # type: ignore[operator]
    document.save(str(path))
    return path


def test_a_docx_with_many_task_tables(tmp_path: Path) -> None:
    def build(document: object) -> None:
        document.add_paragraph("二、重点任务")  # type: ignore[attr-defined]
        for i in range(300):
            table = document.add_table(rows=2, cols=3)  # type: ignore[attr-defined]
            for col, text in enumerate(("序号", "主要任务", "责任单位")):
                table.cell(0, col).text = text
            table.cell(1, 0).text = str(i + 1)
            table.cell(1, 1).text = f"推进第{i + 1}项工作"
            table.cell(1, 2).text = "市住建局"

    path = _docx(tmp_path / "tables.docx", build)
    code, out, err = run("extract", str(path), "-f", "json")
    assert code == 0, err
    assert len(json.loads(out)["tasks"]) >= 1


def test_deeply_nested_docx_tables(tmp_path: Path) -> None:
    def build(document: object) -> None:
        document.add_paragraph("二、重点任务")  # type: ignore[attr-defined]
        cell = document.add_table(rows=1, cols=1).cell(0, 0)  # type: ignore[attr-defined]
        for i in range(120):
            cell.paragraphs[0].text = f"第{i}层"
            cell = cell.add_table(rows=1, cols=1).cell(0, 0)

    path = _docx(tmp_path / "nested.docx", build)
    code, _, err = run("extract", str(path), "-f", "json")
    if code != 0:
        assert_one_line_error(code, err, ExitCode.INPUT, "nested.docx")


@SLOW
def test_a_docx_with_5000_tables(tmp_path: Path) -> None:
    def build(document: object) -> None:
        document.add_paragraph("二、重点任务")  # type: ignore[attr-defined]
        for i in range(5000):
            table = document.add_table(rows=2, cols=3)  # type: ignore[attr-defined]
            for col, text in enumerate(("序号", "主要任务", "责任单位")):
                table.cell(0, col).text = text
            table.cell(1, 0).text = str(i + 1)
            table.cell(1, 1).text = "推进工作"
            table.cell(1, 2).text = "市住建局"

    path = _docx(tmp_path / "t5000.docx", build)
    result = subprocess.run([sys.executable, "-m", "govplan", "extract", str(path), "-f", "json"],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr


# ---------------------------------------------------------------------------------------------
# big inputs (hang detectors; run with GOVPLAN_SLOW_TESTS=1)


def _timed_extract(path: Path, limit: float) -> subprocess.CompletedProcess[bytes]:
    try:
        return subprocess.run([sys.executable, "-m", "govplan", "extract", str(path), "-f", "json"],
                              capture_output=True, timeout=limit)
    except subprocess.TimeoutExpired:
        pytest.fail(f"{path.name}: no answer in {limit} s")


@SLOW
def test_a_single_5mb_line(tmp_path: Path) -> None:
    path = tmp_path / "line.txt"
    path.write_text("推进工作，" * 1_000_000, encoding="utf-8")
    result = _timed_extract(path, 20)
    assert result.returncode == 0, result.stderr


@SLOW
def test_200000_short_lines(tmp_path: Path) -> None:
    path = tmp_path / "lines.txt"
    path.write_text("\n".join(f"第{i}行。" for i in range(200_000)), encoding="utf-8")
    result = _timed_extract(path, 20)
    assert result.returncode == 0, result.stderr


@SLOW
def test_a_plan_with_thousands_of_tasks_is_linear(tmp_path: Path) -> None:
    unit = PLAN.split("\n", 1)[1]
    path = tmp_path / "many.txt"
    path.write_text(unit * 4000, encoding="utf-8")
    result = _timed_extract(path, 20)  # ~5 s here; it took minutes while it was quadratic
    assert result.returncode == 0, result.stderr


# ---------------------------------------------------------------------------------------------
# the pipeline API on generated plan-like texts

CN = "一二三四五六七八九十"
CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩"
UNITS = ["市住建局", "市住房和城乡建设局", "市财政局", "区人民政府", "市城管执法局", "各县（市、区）人民政府",
         "市发展改革委", "市委宣传部", "市公安局交警支队"]
ROLES = ["责任单位：", "牵头单位：", "配合单位：", "责任部门:", "（责任单位：", "主责单位：", "协办单位："]
DEADLINES = ["2023年底前", "6月底前", "年内", "上半年", "2019年6月至2020年9月", "十四五期间", "每月28日前",
             "长期坚持", "2024年12月31日前", "持续推进", "30分钟内", "2025年"]
TARGETS = ["覆盖率达到95%以上", "不低于75%", "完成60个", "补划10000余个机动车位", "突破20万人次", "3.935亿元",
           "绿色出行分担率达到20%以上", "控制在5%以内", "新增1.5万户", "上升1个百分点"]
# no lone "）": a target's bracketed qualifier read across a clause is a known bug (xfail below)
FILLER = ["推进", "加强", "老旧小区改造", "网格化管理", "，", "。", "；", " ", "\u3000", "\n", "\r\n", "（",
          "、", "：", "\t", "市", "局", "牵头", "配合", "由", "负责", "到", "年", "月", "日", "前", "%", "1", "2", "·"]


@st.composite
def headings(draw: st.DrawFn) -> str:
    i = draw(st.integers(0, 9))
    return draw(st.sampled_from([f"{CN[i]}、", f"（{CN[i]}）", f"{i + 1}.", f"（{i + 1}）", CIRCLED[i],
                                 f"第{CN[i]}章 ", f"第{CN[i]}条 "]))


@st.composite
def plan_texts(draw: st.DrawFn) -> str:
    parts = []
    if draw(st.booleans()):
        parts.append(draw(st.sampled_from(["某市城市管理工作实施方案\n",
                                           "关于印发《某某三年行动方案》的通知\n某府发〔2023〕6号\n各区人民政府：\n"])))
    for _ in range(draw(st.integers(1, 20))):
        line = [draw(headings())] if draw(st.booleans()) else []
        for _ in range(draw(st.integers(0, 6))):
            kind = draw(st.integers(0, 5))
            if kind == 0:
                line.append(draw(st.sampled_from(FILLER)))
            elif kind == 1:
                line.append(draw(st.sampled_from(ROLES))
                            + "、".join(draw(st.lists(st.sampled_from(UNITS), min_size=1, max_size=3))))
            elif kind == 2:
                line.append(f"由{draw(st.sampled_from(UNITS))}牵头，{draw(st.sampled_from(UNITS))}配合")
            elif kind == 3:
                # a deadline right before a clause or a line break swallows the blanks after it: a known
                # bug with its own xfail test below; the punctuation keeps this generator guarding the rest
                line.append(draw(st.sampled_from(DEADLINES)) + draw(st.sampled_from("，。；")))
            elif kind == 4:
                line.append(draw(st.sampled_from(TARGETS)))
            else:
                line.append(draw(st.text(alphabet="".join(FILLER) + "一1.①", max_size=8)))
        parts.append("".join(line) + draw(st.sampled_from(["\n", "。\n", "\r\n", "\n\n", ""])))
    return "".join(parts)


def _same(printed: str, value: str) -> bool:
    """The value as the source printed it: equal once spaces and line breaks are gone (a unit broken
    over two lines is one name) and width is folded (cleaning makes full-width digits half-width)."""
    def fold(s: str) -> str:
        return unicodedata.normalize("NFKC", re.sub(r"\s+", "", s))

    return fold(printed) == fold(value)


def check_plan(text: str) -> Plan:
    document = read_text(text)
    raw = document.raw
    plan = govplan.extract(document)

    def within(span: tuple[int, int], what: object) -> str:
        start, end = span
        assert 0 <= start <= end <= len(raw), (what, span, len(raw))
        return raw[start:end]

    paths: dict[str, int] = {}
    for section in plan.sections:
        within(section.span, section)
        parts = section.path.split("/")
        assert section.level >= 1 and len(parts) == section.level, section
        assert parts[-1] == section.number, section
        assert section.level == 1 or "/".join(parts[:-1]) in paths, ("parent heading missing", section)
        assert 1 <= section.line <= raw.count("\n") + 1
        paths[section.path] = section.level
    ids = [task.id for task in plan.tasks]
    assert len(ids) == len(set(ids)), ids
    section_ids = [s.id for s in plan.sections]
    assert len(section_ids) == len(set(section_ids))
    for task in plan.tasks:
        within(task.span, task.id)
        assert task.section == "" or task.section in paths, (task.section, sorted(paths))
        for unit in task.units:
            assert _same(within(unit.span, unit), unit.name), (unit, raw[unit.span[0]:unit.span[1]])
        for deadline in task.deadlines:
            assert _same(within(deadline.span, deadline), deadline.text), deadline
            if deadline.start is not None and deadline.date is not None:
                assert deadline.start <= deadline.date, deadline
        for target in task.targets:
            assert _same(within(target.span, target), target.text), target
    for target in plan.targets:
        assert _same(within(target.span, target), target.text), target
        assert target.task is None or target.task in ids
    for phase in plan.phases:
        within(phase.span, phase)
    plan.to_json()
    plan.to_yaml()
    return plan


@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
@given(plan_texts())
def test_generated_plans_keep_every_invariant(text: str) -> None:
    if text.strip():
        check_plan(text)


def test_the_fixed_plan_keeps_every_invariant() -> None:
    plan = check_plan(PLAN)
    assert [(t.section, t.title) for t in plan.tasks] == [("二/一", "完善网格化管理"), ("二/二/1/1", "推进公交优先")]
    assert [(u.name, u.role.value) for u in plan.tasks[1].units] == [("市公安局", "lead"), ("市交通运输局", "cooperating")]
    assert [(t.value, t.unit) for t in plan.targets] == [(35, "%"), (60, "个"), (75, "%")]


def test_a_target_in_a_heading_title_leaves_the_numeral_out() -> None:
    plan = govplan.extract("一、覆盖率达到95%以上\n")
    assert plan.targets
    assert all(not t.text.startswith("一、") and not (t.indicator or "").startswith("一、") for t in plan.targets)


def test_every_target_under_a_target_section_is_kept() -> None:
    plan = govplan.extract("一、工作目标\n1.城市生活垃圾无害化处理率达到100%。\n（1）新建公园10个。\n")
    values = {(t.value, t.unit) for t in plan.targets}
    assert {(100, "%"), (10, "个")} <= values


@pytest.mark.parametrize(
    ("when", "after"),
    [("2019年6月至2020年9月", "\n责任单位：市住建局"), ("2019年6月至2020年9月", " 责任单位：市住建局"),
     ("2023年6月至12月", "（责任单位：市住建局）"), ("年内", "\n责任单位：市住建局")],
)
def test_a_deadline_before_a_clause_ends_at_the_deadline(when: str, after: str) -> None:
    text = f"二、重点任务\n（一）推进老旧小区改造，{when}{after}\n"
    deadlines = [d for t in govplan.extract(text).tasks for d in t.deadlines]
    assert [(d.text, text[d.span[0]:d.span[1]]) for d in deadlines] == [(when, when)]


@pytest.mark.parametrize(
    "line",
    [
        "推进改造，覆盖率达到95%以上责任单位：市住建局 一责任单位：市住建局",  # found by the invariant test
        "推进改造，覆盖率达到95%以上（责任单位：市住建局）新建公园10个",
        "推进改造（牵头单位：市住建局）覆盖率达到95%以上",
    ],
)
def test_a_target_never_runs_across_a_unit_clause_cut_out_of_its_task(line: str) -> None:
    """The task's text is read with its unit clauses blanked; a target's clause stops at the
    blank, so its text is what its span covers, clause-free."""
    text = f"二、重点任务\n（一）{line}\n"
    plan = check_plan(text)
    assert ("覆盖率达到95%以上", "覆盖率") in [(t.text, t.indicator) for t in plan.targets]
    assert all("责任单位" not in t.text and "  " not in t.text for t in plan.targets)


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("推进推进推进\n1责任单位：市住建局\n月", []),  # found by the invariant test: "1…月" was a deadline
        ("推进改造，2（牵头单位：市住建局）月底前完成", []),
        ("推进改造，2023年（牵头单位：市住建局）6月底前完成", ["2023年", "6月底前"]),
        ("推进改造2023年底前（责任单位：市住建局）", ["2023年底前"]),
    ],
)
def test_a_deadline_never_runs_across_a_unit_clause_cut_out_of_its_task(body: str, expected: list[str]) -> None:
    """A unit clause blanked out of a task's text separates what stands either side of it: no
    time expression is read across it, and each deadline's text is what its span covers."""
    text = f"一、重点任务\n（一）{body}\n"
    plan = check_plan(text)
    assert [d.text for t in plan.tasks for d in t.deadlines] == expected
    assert [u.name for t in plan.tasks for u in t.units] == ["市住建局"]


def test_a_target_before_a_bracketed_clause_ends_at_the_target() -> None:
    text = "二、重点任务\n（一）推进改造，覆盖率达到95%以上（\n责任单位：市住建局）\n"
    plan = govplan.extract(text)
    assert [(t.text, text[t.span[0]:t.span[1]]) for t in plan.targets] == [("覆盖率达到95%以上",) * 2]


# ---------------------------------------------------------------------------------------------
# diff, batch, query, eval, rules


@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
@given(old=plan_texts(), new=plan_texts())
def test_diff_of_random_plans(old: str, new: str) -> None:
    old, new = old + "\n", new + "\n"  # a one-line str is taken for a path (see the xfail below)
    if not old.strip() or not new.strip():
        return
    result = govplan.diff(old, new)
    assert result.summary.matched <= min(len(govplan.extract(old).tasks), len(govplan.extract(new).tasks))
    # diff(old, old) is not asserted unchanged here: a repeated heading number gives a phantom change,
    # a known bug with its own xfail test below
    assert result.summary.old_tasks == len(govplan.extract(old).tasks)


def test_a_plan_diffed_against_itself_has_no_change() -> None:
    text = "二、重点任务\n（一）推进改造。责任单位：市住建局\n（二）加强管理。责任单位：市城管局\n二、保障措施\n（一）加强领导。\n"
    result = govplan.diff(text, text)
    assert [c for t in result.tasks for c in t.changes] == []
    assert not result.changed


def test_diff_of_one_line_texts_reads_them_as_texts() -> None:
    assert govplan.extract("（一）推进老旧小区改造，完成60个以上。").targets
    result = govplan.diff("（一）推进老旧小区改造，完成60个以上。", "（一）推进老旧小区改造，完成80个以上。")
    assert result.changed
    assert [c.kind.value for c in result.targets] == ["target_raised"]


def test_diff_of_a_binary_file_is_one_line(tmp_path: Path) -> None:
    good = tmp_path / "a.txt"
    good.write_text(PLAN, encoding="utf-8")
    bad = tmp_path / "b.txt"
    bad.write_bytes(b"\x00\x01\x02\xff" * 100)
    code, _, err = run("diff", str(good), str(bad))
    assert_one_line_error(code, err, ExitCode.USAGE, "b.txt")  # diff(1): 2 on any error


def test_batch_over_a_directory_of_random_files(tmp_path: Path) -> None:
    import random

    rng = random.Random(3)
    src = tmp_path / "in"
    (src / "sub").mkdir(parents=True)
    (src / "good.txt").write_text(PLAN, encoding="utf-8")
    (src / "sub" / "gb.txt").write_bytes(PLAN.encode("gb18030"))
    (src / "empty.txt").write_bytes(b"  \n")
    (src / "fake.docx").write_bytes(b"not a zip at all")
    (src / "dir.txt").mkdir()
    for i in range(4):
        (src / f"noise{i}.txt").write_bytes(bytes(rng.getrandbits(8) for _ in range(500)))
    out = tmp_path / "out"
    result = subprocess.run([sys.executable, "-m", "govplan", "batch", str(src), "-o", str(out), "--workers", "2"],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == int(ExitCode.PARTIAL), result.stderr
    assert "Traceback" not in result.stderr
    rows = [json.loads(line) for line in (out / "manifest.jsonl").read_text(encoding="utf-8").splitlines()]
    status = {Path(r["path"]).name: r["status"] for r in rows}
    assert status["good.txt"] == status["gb.txt"] == "ok"
    assert status["empty.txt"] == status["fake.docx"] == "failed"
    assert all(status[f"noise{i}.txt"] == "failed" for i in range(4))
    assert "dir.txt" not in status
    assert not list(out.rglob("*.tmp")) and not [p for p in out.rglob("*") if p.name.startswith(".tmp")]


def test_query_with_odd_arguments(tmp_path: Path) -> None:
    src = tmp_path / "in"
    src.mkdir()
    (src / "a.txt").write_text(PLAN, encoding="utf-8")
    out = tmp_path / "out"
    code, _, err = run("batch", str(src), "-o", str(out), "--workers", "1")
    assert code == 0, err
    code, everything, _ = run("query", str(out), "-f", "csv")
    assert code == 0 and "完善网格化管理" in everything
    for wildcard in ("%", "_", "'; DROP TABLE tasks;--"):
        code, listed, err = run("query", str(out), "--unit", wildcard, "-f", "csv")
        assert code == 0, err
        assert len(listed.strip().splitlines()) == 1, f"{wildcard!r} matched as a pattern"
    code, _, err = run("query", str(out), "--due-before", "notadate")
    assert code == int(ExitCode.USAGE) and "Traceback" not in err
    code, _, err = run("query", str(tmp_path / "nowhere"))
    assert_one_line_error(code, err, ExitCode.INPUT, "nowhere")
    code, _, err = run("query", str(src / "a.txt"))
    assert_one_line_error(code, err, ExitCode.INPUT, "a.txt")


def _eval(tmp_path: Path, gold: str) -> tuple[int, str, str]:
    gold_dir = tmp_path / "gold"
    gold_dir.mkdir(exist_ok=True)
    (gold_dir / "a.txt").write_text(PLAN, encoding="utf-8")
    (gold_dir / "a.gold.yaml").write_text(gold, encoding="utf-8")
    return run("eval", str(gold_dir))


@pytest.mark.parametrize("gold", ["{{{: bad\n", "- a\n- b\n"], ids=["not-yaml", "a-list"])
def test_eval_with_a_malformed_gold_file(tmp_path: Path, gold: str) -> None:
    code, _, err = _eval(tmp_path, gold)
    assert_one_line_error(code, err, ExitCode.INPUT, "a.gold.yaml")


@pytest.mark.parametrize(
    "gold",
    ["sections: 5\n", "meta: 5\n", "sections:\n- {level: x, number: '1', title: t}\n", "tasks: [1, 2]\n"],
    ids=["sections-int", "meta-int", "level-not-a-number", "tasks-of-ints"],
)
def test_eval_with_a_gold_field_of_the_wrong_shape(tmp_path: Path, gold: str) -> None:
    code, _, err = _eval(tmp_path, gold)
    assert_one_line_error(code, err, ExitCode.INPUT, "a.gold.yaml")


def test_eval_with_no_gold(tmp_path: Path) -> None:
    (tmp_path / "gold").mkdir()
    code, _, err = run("eval", str(tmp_path / "gold"))
    assert_one_line_error(code, err, ExitCode.INPUT, "gold")
    code, _, err = run("eval", str(tmp_path / "missing"))
    assert_one_line_error(code, err, ExitCode.INPUT, "missing")


@pytest.mark.parametrize(
    ("name", "content"),
    [("outline.yaml", b"{{{"), ("outline.yaml", b"- 1\n- 2\n"), ("outline.yaml", b"headings: 5\n"),
     ("units.yaml", b"aliases: {a: [b, c]}\n")],
    ids=["not-yaml", "a-list", "wrong-type", "bad-alias"],
)
def test_extract_with_a_malformed_rule_file(tmp_path: Path, name: str, content: bytes) -> None:
    rules = tmp_path / "rules"
    rules.mkdir()
    (rules / name).write_bytes(content)
    source = tmp_path / "plan.txt"
    source.write_text(PLAN, encoding="utf-8")
    code, _, err = run("extract", str(source), "--rules", str(rules))
    assert_one_line_error(code, err, ExitCode.RULES, name)
    code, out, err = run("rules", "check", str(rules))
    assert code != 0 and "Traceback" not in err
    assert name in out + err


def test_rules_check_on_odd_directories(tmp_path: Path) -> None:
    code, _, err = run("rules", "check", str(tmp_path / "missing"))
    assert_one_line_error(code, err, ExitCode.RULES, "missing")
    unknown = tmp_path / "unknown"
    unknown.mkdir()
    (unknown / "nonsense.yaml").write_text("a: 1\n", encoding="utf-8")
    code, _, err = run("rules", "check", str(unknown))
    assert_one_line_error(code, err, ExitCode.RULES, "nonsense.yaml")


@pytest.mark.parametrize(
    "make",
    [lambda d: (d / "deadlines.yaml").write_bytes(b"\xff\xfe\x00bad"), lambda d: (d / "outline.yaml").mkdir()],
    ids=["not-utf8", "a-directory"],
)
def test_a_rule_file_that_cannot_be_read(tmp_path: Path, make: object) -> None:
    rules = tmp_path / "rules"
    rules.mkdir()
    make(rules)  # type: ignore[operator]
    source = tmp_path / "plan.txt"
    source.write_text(PLAN, encoding="utf-8")
    code, _, err = run("extract", str(source), "--rules", str(rules))
    assert code == int(ExitCode.RULES), err
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err
