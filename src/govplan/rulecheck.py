"""``govplan rules check``: validate the rule files, run their ``examples:``, probe their patterns.

Each rule file's examples say what the stage must give for a small input; this module runs them
through the stage itself, so an example is a test that travels with the rule (tests/test_rules.py
runs the same list).  Stages whose examples sit in every rule group (deadlines, targets) expose
``check_example(example, rules)`` in their module.

``check_all`` is the whole check a user runs on their rule directory: every file validated on its
own (one bad file does not hide the others), every example run, every regular expression of the
effective rules compiled and probed for catastrophic backtracking, and every rule that can carry
examples shown to carry at least one.
"""

from __future__ import annotations

import datetime as dt
import importlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from .errors import GovplanError
from .ruleset import SCHEMAS, RuleSet, examples_of, iter_patterns, pattern_problem


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
        got = [(str(u.role), u.name) for cl in find_clauses(ex.input, rules) for u in cl.units]
        yield _compare("clauses", ex.input, got, [(str(role), name) for role, name in ex.units])


def _units(rules: RuleSet) -> Iterable[ExampleResult]:
    from .units import canonicalizer, example_items, looks_like_unit

    unit_rules = rules["units"]
    for ex in unit_rules.examples:
        yield _compare("units", ex.input, looks_like_unit(ex.input, unit_rules), ex.unit)
        if ex.canonical is not None:
            got = canonicalizer([ex.input], unit_rules)[ex.input]
            yield _compare("units", ex.input, got, ex.canonical)
        if ex.items is not None:
            yield _compare("units", ex.input, example_items(ex, unit_rules), ex.items)


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


# --- the whole check -----------------------------------------------------------------------------

# rule files holding a list of named rules whose examples name the rule they exercise:
# file -> (list key, example field naming the rule)
NAMED_RULE_EXAMPLES: dict[str, tuple[str, str]] = {"outline": ("styles", "style")}


@dataclass(frozen=True)
class Problem:
    """A rule file that does not load, a failing example, a bad pattern or a rule without examples."""

    file: str
    kind: str  # invalid | example | pattern | coverage
    message: str


@dataclass
class CheckReport:
    sources: dict[str, list[str]]
    passed: dict[str, int]
    problems: list[Problem]

    @property
    def ok(self) -> bool:
        return not self.problems

    def examples_run(self) -> int:
        return sum(self.passed.values()) + sum(1 for p in self.problems if p.kind == "example")


def uncovered(name: str, rule_file: Any) -> list[str]:
    """Rule ids of ``rule_file`` that could carry examples and carry none."""
    missing: list[str] = []
    groups = [field for field in type(rule_file).model_fields
              if field != "examples" and isinstance(getattr(getattr(rule_file, field), "examples", None), list)]
    missing += [f"{name}.{group}" for group in groups if not getattr(rule_file, group).examples]
    if not groups and not getattr(rule_file, "examples", None):
        missing.append(name)
    if name in NAMED_RULE_EXAMPLES:
        key, example_field = NAMED_RULE_EXAMPLES[name]
        exercised = {getattr(ex, example_field, None) for ex in getattr(rule_file, "examples", [])}
        missing += [f"{name}.{key}.{rule.name}" for rule in getattr(rule_file, key) if rule.name not in exercised]
    return missing


def check_all(rules: RuleSet) -> CheckReport:
    """Validate, run examples, probe patterns and check example coverage of every rule file."""
    report = CheckReport(sources={name: rules.sources(name) for name in SCHEMAS}, passed={}, problems=[])
    for name in SCHEMAS:
        try:
            rule_file = rules[name]
        except GovplanError as err:
            report.problems.append(Problem(name, "invalid", str(err)))
            continue
        report.passed[name] = 0
        try:
            for result in RUNNERS[name](rules) if name in RUNNERS else ():
                if result.ok:
                    report.passed[name] += 1
                else:
                    report.problems.append(Problem(name, "example", f"{result.input!r}: {result.message}"))
        except GovplanError as err:  # a rule file the stage also reads (clean reads outline) is broken
            report.problems.append(Problem(name, "invalid", f"examples not run: {err}"))
        data = rule_file.model_dump(mode="json")
        for key_path, pattern in iter_patterns(name, data):
            problem = pattern_problem(pattern, _expander_for(name))
            if problem:
                where = ".".join(str(p) for p in (name, *key_path))
                report.problems.append(Problem(name, "pattern", f"rule {where}: {problem} in {pattern!r}"))
        for rule_id in uncovered(name, rule_file):
            report.problems.append(Problem(name, "coverage", f"rule {rule_id} has no examples"))
    return report


def _expander_for(name: str) -> Any:
    from .ruleset import _expander

    return _expander(name)
