"""`govplan rules …`: check the rule files (and, later, show the effective rule set)."""

from __future__ import annotations

import sys

import click

from .cli import _fail, _guard, _load_rules
from .errors import ExitCode


@click.group()
def rules() -> None:
    """Check rule files."""


@rules.command("check")
@click.option("--rules", "rules_dir", type=click.Path(file_okay=False), default=None,
              help="A directory of rule files to check on top of the defaults.")
def rules_check(rules_dir: str | None) -> None:
    """Validate the rule files and run every rule's examples."""
    from .rulecheck import check

    with _guard():
        ruleset = _load_rules(rules_dir)
        ruleset.validate_all()
        results = check(ruleset)
        failed = [r for r in results if not r.ok]
        for result in failed:
            _fail(f"{result.file}: example {result.input!r}: {result.message}")
        click.echo(f"{len(results) - len(failed)}/{len(results)} rule examples pass", err=True)
        if failed:
            sys.exit(int(ExitCode.RULES))
