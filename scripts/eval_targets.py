"""Measure find_targets (and the deadline parser) against the hand-made gold of the corpus.

Runs ``find_targets`` over the whole text of each corpus document and compares the (value, unit)
pairs found with the gold ``targets:`` list as multisets (the GUIDE's scoring), printing precision,
recall and F1 per document and summed.  With ``-v`` it lists every miss and every extra.

It also checks that every dated deadline of the gold tasks is among the dates ``find_deadlines``
reads in the document (a recall check only: the task split is not reproduced here).

    .venv/bin/python scripts/eval_targets.py [-v] [--corpus DIR] [--gold DIR]
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import yaml

from govplan.deadlines import find_deadlines
from govplan.models import DeadlineKind, Target
from govplan.targets import find_targets

SHARED = Path("/work/shared")

# The document year of each corpus file (from its date; 002 has none: the newest year in its text).
# This is evaluation data, passed to the library as the caller would; the library knows no document.
YEARS = {"000": 2022, "001": 2021, "002": 2020, "003": 2023, "004": 2023}


def _pair(value: object, unit: object) -> tuple[float, str | None]:
    return round(float(value), 6), None if unit is None else str(unit)  # type: ignore[arg-type]


def _f1(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def _agreement(gold: list[dict[str, Any]], found: list[Target]) -> list[tuple[str, int, int]]:
    """(field, agreeing, paired) for comparator and deadline over the targets paired in order
    by (value, unit)."""
    left = list(found)
    pairs = []
    for want in gold:
        key = _pair(want["value"], want.get("unit"))
        got = next((t for t in left if _pair(t.value, t.unit) == key), None)
        if got is not None:
            left.remove(got)
            pairs.append((want, got))
    comparators = sum(str(want["comparator"]) == got.comparator.value for want, got in pairs)
    deadlines = sum(_as_date(want.get("deadline")) == got.deadline for want, got in pairs)
    return [("comparator", comparators, len(pairs)), ("deadline", deadlines, len(pairs))]


def _as_date(value: object) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-v", "--verbose", action="store_true", help="list misses and extras")
    parser.add_argument("--corpus", type=Path, default=SHARED / "corpus")
    parser.add_argument("--gold", type=Path, default=SHARED / "gold")
    args = parser.parse_args(argv)

    totals = Counter[str]()
    deadline_misses: list[str] = []
    print(f"{'document':28} {'gold':>5} {'found':>5} {'tp':>4} {'P':>6} {'R':>6} {'F1':>6}")
    for gold_path in sorted(args.gold.glob("*.gold.yaml")):
        gold = yaml.safe_load(gold_path.read_text(encoding="utf-8"))
        text = (args.corpus / gold["document"]).read_text(encoding="utf-8")
        year = YEARS.get(gold["document"][:3])
        found = find_targets(text, year=year)

        want = Counter(_pair(t["value"], t.get("unit")) for t in gold.get("targets") or [])
        got = Counter(_pair(t.value, t.unit) for t in found)
        tp = sum((want & got).values())
        fp, fn = sum(got.values()) - tp, sum(want.values()) - tp
        totals.update(tp=tp, fp=fp, fn=fn)
        for field, agree, paired in _agreement(gold.get("targets") or [], found):
            totals.update({f"{field}_agree": agree, f"{field}_paired": paired})
        p, r, f = _f1(tp, fp, fn)
        print(
            f"{gold['document']:28} {sum(want.values()):5} {sum(got.values()):5} {tp:4} {p:6.3f} {r:6.3f} {f:6.3f}"
        )
        if args.verbose:
            for value, unit in sorted((want - got).elements(), key=str):
                print(f"    missed  {value:g} {unit}")
            extra = got - want
            for t in found:
                key = _pair(t.value, t.unit)
                if extra[key] > 0:
                    extra[key] -= 1
                    print(f"    extra   {t.comparator.value} {t.value:g} {t.unit}  «{t.text}»")
            for t in found:
                print(
                    f"      {t.comparator.value:2} {t.value!s:>9} {t.unit or '':4} {t.deadline or ''!s:10} {t.indicator}"
                )

        dates = {
            d.date
            for d in find_deadlines(text, year=year)
            if d.kind in (DeadlineKind.DATE, DeadlineKind.RANGE) and d.date is not None
        }
        for task in gold.get("tasks") or []:
            for when in task.get("deadlines") or []:
                day = when if isinstance(when, dt.date) else dt.date.fromisoformat(str(when))
                if day not in dates:
                    deadline_misses.append(f"{gold['document']} {task['section']}: {day}")

    p, r, f = _f1(totals["tp"], totals["fp"], totals["fn"])
    print(
        f"{'all':28} {totals['tp'] + totals['fn']:5} {totals['tp'] + totals['fp']:5} {totals['tp']:4} {p:6.3f} {r:6.3f} {f:6.3f}"
    )
    for field in ("comparator", "deadline"):
        print(f"{field} agrees on matched targets: {totals[f'{field}_agree']}/{totals[f'{field}_paired']}")
    print(f"gold task deadlines not read in their document: {len(deadline_misses)}")
    for miss in deadline_misses:
        print(f"    {miss}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
