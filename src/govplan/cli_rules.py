"""`govplan rules check [DIR]` and `govplan rules show`: check rule files, print the effective rules."""

from __future__ import annotations

import json
import sys
from typing import Any

import click

from .cli import _guard, _load_rules, _write_stdout


@click.group()
def rules() -> None:
    """Check rule files and show the effective rule set."""


@rules.command("check")
@click.argument("directory", required=False, type=click.Path(file_okay=False))
@click.option("--rules", "rules_dir", type=click.Path(file_okay=False), default=None,
              help="The same as DIR: a directory of rule files to check on top of the defaults.")
def rules_check(directory: str | None, rules_dir: str | None) -> None:
    """Validate the rule files (the defaults, extended by DIR's), run every rule's examples, probe
    every regular expression for catastrophic backtracking, and check that every rule carries
    examples.

    Prints a report per rule file; exits 1 when anything fails (an invalid file, a failing
    example, a bad pattern, a rule without examples), 0 otherwise.
    """
    from .rulecheck import check_all

    if directory and rules_dir and directory != rules_dir:
        raise click.UsageError("give the rule directory once: as DIR or as --rules")
    with _guard():
        ruleset = _load_rules(directory or rules_dir)
        report = check_all(ruleset)
        lines = []
        for name, sources in report.sources.items():
            problems = [p for p in report.problems if p.file == name]
            status = "ok" if not problems else f"{len(problems)} problem{'s' if len(problems) > 1 else ''}"
            passed = report.passed.get(name)
            examples = f"{passed} examples pass" if passed is not None else "not loaded"
            lines.append(f"{name:<10} {status:<11} {examples:<18} {' + '.join(sources)}")
            lines.extend(f"  {problem.kind}: {problem.message}" for problem in problems)
        _write_stdout(("\n".join(lines) + "\n").encode("utf-8"))
        total = report.examples_run()
        failed = total - sum(report.passed.values())
        summary = f"{total - failed}/{total} rule examples pass"
        if not report.ok:
            summary += f"; {len(report.problems)} problem{'s' if len(report.problems) > 1 else ''}"
        click.echo(summary, err=True)
        if not report.ok:
            sys.exit(1)


@rules.command("show")
@click.argument("names", nargs=-1)
@click.option("--rules", "rules_dir", type=click.Path(file_okay=False), default=None,
              help="A directory of rule files that extend or override the defaults.")
@click.option("-f", "--format", "fmt", type=click.Choice(["yaml", "json"]), default="yaml")
@click.option("--examples/--no-examples", default=False, help="Include the rules' examples (default: leave them out).")
def rules_show(names: tuple[str, ...], rules_dir: str | None, fmt: str, examples: bool) -> None:
    """Print the effective rule set (the defaults with DIR's files merged in), or the rule files NAMES."""
    from .ruleset import SCHEMAS

    with _guard():
        unknown = [n for n in names if n not in SCHEMAS]
        if unknown:
            raise click.UsageError(f"unknown rule file {unknown[0]!r} (known: {', '.join(SCHEMAS)})")
        ruleset = _load_rules(rules_dir)
        tree: dict[str, Any] = {}
        for name in names or tuple(SCHEMAS):
            data = ruleset[name].model_dump(mode="json")
            tree[name] = data if examples else _without_examples(data)
        if fmt == "json":
            _write_stdout((json.dumps(tree, ensure_ascii=False, indent=2) + "\n").encode("utf-8"))
            return
        _write_stdout(_yaml(tree, {name: ruleset.sources(name) for name in tree}))


def _without_examples(data: Any) -> Any:
    if isinstance(data, dict):
        return {k: _without_examples(v) for k, v in data.items() if k != "examples"}
    return data


def _yaml(tree: dict[str, Any], sources: dict[str, list[str]]) -> bytes:
    import yaml

    parts = []
    for name, data in tree.items():
        header = f"# {name}: " + " + ".join(sources[name])
        body = yaml.safe_dump({name: data}, allow_unicode=True, sort_keys=False, width=110, default_flow_style=None)
        parts.append(f"{header}\n{body}")
    return "\n".join(parts).encode("utf-8")
