"""``govplan show FILE`` (a plan on the terminal) and ``govplan schema`` (the output's JSON Schema).

Loaded lazily by ``govplan.cli._LazyGroup``; rich is imported only when ``show`` runs.
"""

from __future__ import annotations

import json
import sys
from typing import Any

import click

from .cli import _extract_with_text, _guard, _load_rules, _write_stdout


@click.command()
@click.argument("file")
@click.option("--source", "with_source", is_flag=True, help="Show each task beside its source lines, evidence highlighted.")
@click.option("--rules", "rules_dir", type=click.Path(file_okay=False), default=None,
              help="A directory of rule files that extend or override the defaults.")
@click.option("--width", type=click.IntRange(min=40), default=None,
              help="Columns to render to (default: the terminal's, else 120).")
def show(file: str, with_source: bool, rules_dir: str | None, width: int | None) -> None:
    """Show the plan in FILE on the terminal: the outline as a tree, each task with its units by
    role (牵头 red, 责任 yellow, 配合 cyan), deadlines and targets.  - reads stdin."""
    with _guard():
        plan, text = _extract_with_text(file, _load_rules(rules_dir))
        from rich.console import Console

        from .show import show_plan

        terminal = sys.stdout.isatty()
        console = Console(highlight=False, width=width or (None if terminal else 120), soft_wrap=False)
        show_plan(plan, console, text=text, source=with_source)


@click.command()
@click.option("--indent", type=click.IntRange(min=0), default=2, show_default=True, help="Indentation of the JSON.")
def schema(indent: int) -> None:
    """Print the JSON Schema of govplan's output (extract -f json), generated from the models."""
    with _guard():
        _write_stdout((json.dumps(output_schema(), ensure_ascii=False, indent=indent or None) + "\n").encode("utf-8"))


def output_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of one plan as ``extract -f json`` writes it."""
    from .models import SCHEMA_VERSION, Plan

    tree = Plan.model_json_schema(mode="serialization")
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": f"https://govplan.invalid/schema/plan-v{SCHEMA_VERSION}.json",
        **tree,
        "title": "govplan plan",
    }
