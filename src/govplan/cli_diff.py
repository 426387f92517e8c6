"""`govplan diff OLD NEW`: what changed between two versions of a plan, task by task.

OLD and NEW are documents (any input format) or `govplan extract` outputs (.json/.yaml).
Exit codes follow diff(1): 0 nothing changed, 1 something changed, 2 any error (usage, input,
rules, output: the other commands' codes 3/4/5/70 are folded into 2 here).
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import click

from .cli import _guard, _load_rules, _write_stdout
from .errors import ExitCode

DIFF_FORMATS = ("terminal", "markdown", "json")


@contextmanager
def _diff_exit_codes() -> Iterator[None]:
    """The shared one-line error handling, with every error code mapped to 2."""
    try:
        with _guard():
            yield
    except SystemExit as exit_:
        code = exit_.code if isinstance(exit_.code, int) else 1 if exit_.code else 0
        if code not in (0, 1):
            sys.exit(int(ExitCode.USAGE))
        raise


@click.command("diff")
@click.argument("old")
@click.argument("new")
@click.option("-f", "--format", "fmt", type=click.Choice(DIFF_FORMATS), default="terminal",
              help="terminal: a coloured side-by-side summary (default); markdown: a report; json: for tools.")
@click.option("-o", "--output", default=None, help="Write the report to this file instead of stdout.")
@click.option("--section", "section", default=None, metavar="WORDS",
              help="Compare only the part under the section whose title holds these words (both sides).")
@click.option("--old-section", default=None, metavar="WORDS", help="Restrict OLD to the section whose title holds WORDS.")
@click.option("--new-section", default=None, metavar="WORDS", help="Restrict NEW to the section whose title holds WORDS.")
@click.option("--changed-only", is_flag=True, help="terminal: leave unchanged tasks out of the table.")
@click.option("--rules", "rules_dir", type=click.Path(file_okay=False), default=None,
              help="A directory of rule files that extend or override the defaults.")
def diff(old: str, new: str, fmt: str, output: str | None, section: str | None, old_section: str | None,
         new_section: str | None, changed_only: bool, rules_dir: str | None) -> None:
    """Compare two versions of a plan: tasks matched (even renumbered, moved, reworded, split or
    merged), added and removed; per task retitled, moved, text, units per role, deadlines and
    targets; and the metadata.  Exit 0 when nothing changed, 1 when something did, 2 on error.
    """
    from .diff import diff as diff_plans
    from .diff import render_json, render_markdown, render_terminal
    from .export import write_atomic

    with _diff_exit_codes():
        rules = _load_rules(rules_dir)
        result = diff_plans(old, new, rules, old_section=old_section or section, new_section=new_section or section)
        if fmt == "terminal":
            from rich.console import Console

            if output and output != "-":
                with open(output, "w", encoding="utf-8") as handle:
                    render_terminal(result, Console(file=handle, width=160), show_unchanged=not changed_only)
            else:
                render_terminal(result, Console(), show_unchanged=not changed_only)
        else:
            data = render_json(result) if fmt == "json" else render_markdown(result)
            if output and output != "-":
                write_atomic(Path(output), data)
            else:
                _write_stdout(data)
        sys.exit(1 if result.changed else 0)
