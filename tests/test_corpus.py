"""Accuracy on the five corpus documents, scored by the shared scorer against the hand-made gold
(../shared/gold), with the bars the issues set.  Skipped where ../shared is not beside the repo."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from typing import Any

import pytest
import yaml

from govplan import extract
from govplan.export import render

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
SCORER = SHARED / "tools" / "score.py"

pytestmark = pytest.mark.skipif(not SCORER.exists(), reason="../shared/tools/score.py not beside the repository")


def _scorer() -> Any:
    spec = importlib.util.spec_from_file_location("govplan_shared_score", SCORER)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def totals() -> dict[str, float]:
    import json

    score = _scorer()
    sums: dict[str, list[int]] = {}
    for gold_file in sorted((SHARED / "gold").glob("*.gold.yaml")):
        stem = gold_file.name[: -len(".gold.yaml")]
        gold = yaml.safe_load(gold_file.read_text(encoding="utf-8"))
        pred = json.loads(render(extract(ROOT / "samples" / f"{stem}.txt"), "json"))
        for key, (a, b, c) in score.score_doc(gold, pred).items():
            t = sums.setdefault(key, [0, 0, 0])
            t[0], t[1], t[2] = t[0] + a, t[1] + b, t[2] + c
    return {k: (v[0] / v[2] if k == "meta" else score.f1(*v)) for k, v in sums.items()}


@pytest.mark.parametrize(
    ("field", "bar"),
    [("sections", 0.95), ("meta", 0.9), ("tasks", 0.95), ("units", 0.95), ("deadlines", 0.95), ("targets", 0.90)],
)
def test_corpus_accuracy(totals: dict[str, float], field: str, bar: float) -> None:
    assert totals[field] >= bar, f"{field} F1 {totals[field]:.3f} < {bar}"


def test_task_table_gives_its_stated_sections_and_tasks() -> None:
    plan = extract(ROOT / "samples" / "004_8aeef2efaded7953.txt")
    groups = [s for s in plan.sections if s.level == 1]
    rows = [s for s in plan.sections if s.level == 2]
    assert len(groups) == 8  # "涉及8个圈层,49项主要任务"
    assert len(rows) == 49
    assert len(plan.tasks) == 49
    assert [t.section for t in plan.tasks[:5]] == ["一/1", "一/2", "一/3", "一/4", "二/5"]
