"""`govplan eval`: scores agree with the shared scorer, misses are explained with their source line."""

from __future__ import annotations

import copy
import importlib.util
import io
import json
import random
import shutil
from contextlib import redirect_stdout
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner

from govplan.cli import main
from govplan.errors import ExitCode
from govplan.evaluate import evaluate, score_document

ROOT = Path(__file__).resolve().parent.parent
GOLD = ROOT.parent / "shared" / "gold"
SCORER = ROOT.parent / "shared" / "tools" / "score.py"
GOLDEN = ROOT / "tests" / "golden"  # the corpus outputs, as `govplan extract -f json` writes them

needs_shared = pytest.mark.skipif(not (GOLD.is_dir() and SCORER.is_file()), reason="../shared gold and scorer absent")

PLAN = """某县人民政府办公室关于印发某县环境整治工作方案的通知

某县环境整治工作方案

一、指导思想
坚持问题导向。

二、重点任务
（一）整治背街小巷。2024年6月底前完成改造30条背街小巷。（督办单位：县住建局，配合单位：各乡镇）
（二）提升公厕服务。新建公厕12座。（责任单位：县城管局）
"""

PLAN_GOLD = {
    "document": "plan.txt",
    "meta": {"title": "某县环境整治工作方案", "doc_number": None, "issuer": None, "date": None},
    "sections": [
        {"level": 1, "number": "一", "title": "指导思想"},
        {"level": 1, "number": "二", "title": "重点任务"},
        {"level": 2, "number": "一", "title": "整治背街小巷"},
        {"level": 2, "number": "二", "title": "提升公厕服务"},
    ],
    "tasks": [
        {"section": "二/一", "title": "整治背街小巷", "lead": ["县住建局"], "responsible": [],
         "cooperating": ["各乡镇"], "deadlines": ["2024-06-30"], "targets": [30]},
        {"section": "二/二", "title": "提升公厕服务", "lead": [], "responsible": ["县城管局"], "cooperating": [],
         "deadlines": [], "targets": [12]},
    ],
    "targets": [{"value": 30, "unit": "条"}, {"value": 12, "unit": "座"}],
}


def _scorer() -> Any:
    spec = importlib.util.spec_from_file_location("shared_score", SCORER)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _shared_json(pred_dir: Path) -> dict[str, Any]:
    out = io.StringIO()
    with redirect_stdout(out):
        _scorer().main(["score.py", str(GOLD), str(pred_dir), "--json"])
    return json.loads(out.getvalue())


def _perturb(plan: dict[str, Any], rng: random.Random) -> dict[str, Any]:
    """A prediction with the kinds of mistakes an extractor makes: lost and extra items, wrong roles,
    dates and values, titles cut differently."""
    plan = copy.deepcopy(plan)
    plan["sections"] = [s for s in plan["sections"] if rng.random() > 0.15]
    for section in plan["sections"]:
        if rng.random() < 0.1:
            section["level"] += 1
    tasks = [t for t in plan["tasks"] if rng.random() > 0.15]
    for task in tasks:
        if rng.random() < 0.2:
            task["title"] = task["title"][: max(2, len(task["title"]) // 2)]
        for unit in task["units"]:
            if rng.random() < 0.15:
                unit["role"] = rng.choice(["lead", "responsible", "cooperating"])
        task["units"] = [u for u in task["units"] if rng.random() > 0.1]
        if rng.random() < 0.2:
            task["units"].append({"name": "某某局", "role": "responsible", "span": task["span"]})
        for deadline in task["deadlines"]:
            if deadline.get("date") and rng.random() < 0.2:
                deadline["date"] = "2030-01-31"
    if tasks and rng.random() < 0.5:
        extra = copy.deepcopy(tasks[0])
        extra["title"] = "一项并不存在的任务"
        tasks.append(extra)
    plan["tasks"] = tasks
    plan["targets"] = [dict(t, value=t["value"] + 1) if rng.random() < 0.15 else t
                       for t in plan["targets"] if rng.random() > 0.1]
    if rng.random() < 0.5:
        plan["meta"]["issuer"] = "另一个机关"
    return plan


@needs_shared
@pytest.mark.parametrize("seed", [None, 1, 2, 3])
def test_scores_agree_with_the_shared_scorer(tmp_path: Path, seed: int | None) -> None:
    rng = random.Random(seed)
    for golden in sorted(GOLDEN.glob("*.json")):
        plan = json.loads(golden.read_text(encoding="utf-8"))
        if seed is not None:
            plan = _perturb(plan, rng)
        (tmp_path / golden.name).write_text(json.dumps(plan, ensure_ascii=False), encoding="utf-8")
    ours = evaluate(GOLD, tmp_path).as_json()
    theirs = _shared_json(tmp_path)
    assert ours["docs"] == theirs["docs"]
    assert ours["total"] == theirs["total"]
    assert ours["macro"] == theirs["macro"]
    if seed is not None:
        assert any(m["kind"] == "fn" for ms in ours["misses"].values() for m in ms)


@needs_shared
def test_extracting_the_documents_scores_like_their_outputs(tmp_path: Path) -> None:
    stem = "003_4235a890aa1425d0"
    shutil.copy(GOLDEN / f"{stem}.json", tmp_path / f"{stem}.json")
    from_outputs = evaluate(GOLD, tmp_path, only=[stem]).as_json()
    from_documents = evaluate(GOLD, ROOT / "samples", only=[stem]).as_json()
    assert from_documents["docs"] == from_outputs["docs"]


def _plan_dir(tmp_path: Path) -> Path:
    tmp_path.mkdir(exist_ok=True)
    (tmp_path / "plan.txt").write_text(PLAN, encoding="utf-8")
    (tmp_path / "plan.gold.yaml").write_text(yaml.safe_dump(PLAN_GOLD, allow_unicode=True), encoding="utf-8")
    return tmp_path


def test_explain_names_each_miss_with_its_source_line(tmp_path: Path) -> None:
    result = evaluate(_plan_dir(tmp_path))
    doc = result.docs[0]
    assert doc.counts["tasks"] == (2, 2, 2)
    # 督办单位 is no label of the default rules: the lead unit is missed on the line that holds it
    lines = PLAN.splitlines()
    missed_units = [m for m in doc.misses if m.metric == "units" and m.kind == "fn"]
    assert [m.item for m in missed_units] == ["lead 县住建局"]
    assert "县住建局" in lines[missed_units[0].line - 1]
    assert doc.counts["units"][0] < doc.counts["units"][2]


def test_a_user_rule_fixes_what_eval_reports(tmp_path: Path) -> None:
    plan_dir = _plan_dir(tmp_path / "docs")
    rules = tmp_path / "rules"
    rules.mkdir()
    (rules / "clauses.yaml").write_text("extends: default\nlabels:\n  lead: [督办单位]\n", encoding="utf-8")
    before = evaluate(plan_dir).docs[0]
    from govplan.ruleset import load_rules

    after = evaluate(plan_dir, rules=load_rules(str(rules))).docs[0]
    assert after.score("units") == 1.0 > before.score("units")
    assert not [m for m in after.misses if m.metric == "units"]


def test_a_false_positive_points_at_the_predicted_span() -> None:
    text = "一、重点任务\n（一）推进改造。（责任单位：县住建局）\n"
    gold = {"tasks": [{"title": "推进改造", "responsible": ["县住建局"]}]}
    start = text.index("县住建局")
    pred = {"tasks": [{"title": "推进改造", "line": 2, "span": [7, 30],
                       "units": [{"name": "县住建局", "role": "lead", "span": [start, start + 4]}]}]}
    doc = score_document("x", gold, pred, text)
    assert doc.counts["units"] == (0, 1, 1) and doc.counts["units_roleblind"] == (1, 1, 1)
    fp = next(m for m in doc.misses if m.metric == "units" and m.kind == "fp")
    assert (fp.item, fp.line, fp.task) == ("lead 县住建局", 2, "推进改造")


def test_gold_text_is_found_across_line_breaks_and_punctuation() -> None:
    text = "标题\n二、工作任务\n（一）完善网格化\n管理，强化考核\n"
    gold = {"sections": [{"level": 1, "number": "一", "title": "完善网格化管理"}]}
    doc = score_document("x", gold, {}, text)
    assert [(m.kind, m.line) for m in doc.misses] == [("fn", 3)]


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_cli_table_json_and_explain(tmp_path: Path) -> None:
    plan_dir = _plan_dir(tmp_path)
    code, out, err = run("eval", str(plan_dir))
    assert code == 0, err
    assert "plan" in out and "TOTAL (micro)" in out and "MEAN (macro)" in out
    code, out, _ = run("eval", str(plan_dir), "--format", "json")
    data = json.loads(out)
    assert data["docs"]["plan"]["tasks"] == [2, 2, 2] and "misses" not in data
    code, out, _ = run("eval", str(plan_dir), "--explain", "--metric", "units")
    assert "FN" in out and "lead 县住建局" in out and "line 9" in out
    assert "deadlines" not in out.split("cells:")[1]


def test_cli_errors_are_one_line(tmp_path: Path) -> None:
    code, _, err = run("eval", str(tmp_path / "missing"))
    assert code == ExitCode.INPUT and "Traceback" not in err
    (tmp_path / "bad.gold.yaml").write_text("tasks: [unclosed\n", encoding="utf-8")
    code, _, err = run("eval", str(tmp_path))
    assert code == ExitCode.INPUT and "bad.gold.yaml" in err
