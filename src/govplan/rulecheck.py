"""``govplan rules check``: run the ``examples:`` every rule file carries.

Each rule file's examples say what the stage must give for a small input; this module runs them
through the stage itself, so an example is a test that travels with the rule (tests/test_rules.py
runs the same list).  Stages whose examples sit in every rule group (deadlines, targets) expose
``check_example(example, rules)`` in their module.
"""

from __future__ import annotations

import datetime as dt
import importlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from .ruleset import SCHEMAS, RuleSet, examples_of


@dataclass(frozen=True)
class ExampleResult:
    file: str
    input: str
    ok: bool
    message: str = ""


def _compare(file: str, given: str, got: Any, expected: Any) -> ExampleResult:
    if got == expected:
        return ExampleResult(file, given, True)
    return ExampleResult(file, given, False, f"expected {expected!r}, got {got!r}")


def _clean(rules: RuleSet) -> Iterable[ExampleResult]:
    from .clean import clean_text

    for ex in rules["clean"].examples:
        yield _compare("clean", ex.input, clean_text(ex.input, rules).text, ex.output)


def _outline(rules: RuleSet) -> Iterable[ExampleResult]:
    from .outline import match_heading

    for ex in rules["outline"].examples:
        m = match_heading(ex.input, rules["outline"])
        got = (m.style, m.number, m.title) if m else (None, None, None)
        yield _compare("outline", ex.input, got, (ex.style, ex.number, ex.title))


def _meta(rules: RuleSet) -> Iterable[ExampleResult]:
    from .clean import clean_text
    from .meta import front

    for ex in rules["meta"].examples:
        meta = front(clean_text(ex.input, rules), rules).meta
        got = {k: getattr(meta, k) for k in ("title", "doc_number", "issuer", "date") if k in ex.model_fields_set}
        expected = {k: getattr(ex, k) for k in got}
        if "date" in expected and expected["date"] is not None:
            expected["date"] = dt.date.fromisoformat(expected["date"])
        yield _compare("meta", ex.input, got, expected)


def _clauses(rules: RuleSet) -> Iterable[ExampleResult]:
    from .clauses import find_clauses

    for ex in rules["clauses"].examples:
        got = [(u.role, u.name) for cl in find_clauses(ex.input, rules) for u in cl.units]
        yield _compare("clauses", ex.input, got, [tuple(pair) for pair in ex.units])


def _units(rules: RuleSet) -> Iterable[ExampleResult]:
    from .units import canonicalizer, looks_like_unit

    unit_rules = rules["units"]
    for ex in unit_rules.examples:
        yield _compare("units", ex.input, looks_like_unit(ex.input, unit_rules), ex.unit)
        if ex.canonical is not None:
            got = canonicalizer([ex.input], unit_rules)[ex.input]
            yield _compare("units", ex.input, got, ex.canonical)


def _tasks(rules: RuleSet) -> Iterable[ExampleResult]:
    from .tasks import is_working_title

    for ex in rules["tasks"].examples:
        yield _compare("tasks", ex.section, is_working_title(ex.section, rules["tasks"]), ex.working)


def _stage_owned(name: str) -> Callable[[RuleSet], Iterable[ExampleResult]]:
    def run(rules: RuleSet) -> Iterable[ExampleResult]:
        module = importlib.import_module(SCHEMAS[name].split(":")[0])
        stage_rules = rules[name]
        for where, example in examples_of(stage_rules):
            problems = module.check_example(example, stage_rules)
            yield ExampleResult(name, f"{where} {example.text}", not problems, "; ".join(problems))

    return run


RUNNERS: dict[str, Callable[[RuleSet], Iterable[ExampleResult]]] = {
    "clean": _clean,
    "outline": _outline,
    "meta": _meta,
    "clauses": _clauses,
    "units": _units,
    "tasks": _tasks,
    "deadlines": _stage_owned("deadlines"),
    "targets": _stage_owned("targets"),
}


def check(rules: RuleSet) -> list[ExampleResult]:
    """Every example of every rule file, run through its stage."""
    return [result for name in SCHEMAS for result in RUNNERS[name](rules)]
