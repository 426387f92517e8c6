"""`govplan eval GOLD_DIR [DIR]`: score extractions against gold files, and explain the misses."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import click

from .cli import _guard, _load_rules, _write_stdout

_HEADERS = {"sections": "sections", "tasks": "tasks", "units": "units", "units_roleblind": "units (any role)",
            "deadlines": "deadlines", "targets": "targets", "meta": "meta"}


@click.command("eval")
@click.argument("gold_dir", type=click.Path(file_okay=False))
@click.argument("target_dir", required=False, type=click.Path(file_okay=False))
@click.option("--rules", "rules_dir", type=click.Path(file_okay=False), default=None,
              help="A directory of rule files that extend or override the defaults.")
@click.option("-f", "--format", "fmt", type=click.Choice(["table", "json"]), default="table",
              help="A table per document and totals (default), or JSON for tools.")
@click.option("--explain", is_flag=True, help="List every false positive and false negative with its source line.")
@click.option("--docs", "docs", default=None, help="Only these documents (comma-separated stems).")
@click.option("--metric", "metrics", multiple=True,
              type=click.Choice(["sections", "tasks", "units", "units_roleblind", "deadlines", "targets", "meta"]),
              help="With --explain: only the misses of this metric (repeatable).")
def eval_command(gold_dir: str, target_dir: str | None, rules_dir: str | None, fmt: str, explain: bool,
                 docs: str | None, metrics: tuple[str, ...]) -> None:
    """Score govplan against the gold files in GOLD_DIR (<stem>.gold.yaml).

    DIR holds, for each gold file, the document to extract (<stem>.txt/.docx/.html/.pdf, or the
    gold file's `document:` name) or an existing prediction <stem>.json from `govplan extract -f json`;
    it defaults to GOLD_DIR.  Scores are F1 (meta: share of fields right), per document and in
    total (micro: counts summed; macro: mean over documents).
    """
    from .evaluate import evaluate

    with _guard():
        rules = _load_rules(rules_dir) if rules_dir else None
        only = [d.strip() for d in docs.split(",") if d.strip()] if docs else None
        progress = (lambda stem: click.echo(f"scoring {stem} …", err=True)) if sys.stderr.isatty() else None
        result = evaluate(Path(gold_dir), Path(target_dir) if target_dir else None, rules=rules, only=only,
                          progress=progress)
        if fmt == "json":
            data = result.as_json()
            if not explain:
                data.pop("misses")
            elif metrics:
                data["misses"] = {stem: [m for m in ms if m["metric"] in metrics] for stem, ms in data["misses"].items()}
            _write_stdout((json.dumps(data, ensure_ascii=False, indent=2) + "\n").encode("utf-8"))
            return
        _write_stdout(render_table(result, explain=explain, metrics=metrics))


def render_table(result: Any, *, explain: bool = False, metrics: tuple[str, ...] = ()) -> bytes:
    """The scores as a rich table (plain text when stdout is not a terminal), then the misses."""
    from rich.console import Console
    from rich.table import Table

    from .evaluate import METRICS, metric_score

    tty = sys.stdout.isatty()
    console = Console(record=True, force_terminal=tty, width=_width() if tty else 200, highlight=False)
    sep = "\n" if tty else " "  # a terminal gets two-line cells (score over counts), a pipe one wide line
    table = Table(title="govplan eval", box=_box() if tty else None, pad_edge=False, show_lines=tty)
    table.add_column("document", no_wrap=True)
    for metric in METRICS:
        table.add_column(_HEADERS[metric], justify="right", no_wrap=True)
    for doc in result.docs:
        table.add_row(doc.stem, *(_cell(metric, doc.counts[metric], metric_score, sep) for metric in METRICS))
    table.add_section()
    totals = result.totals()
    micro = result.micro()
    macro = result.macro()
    table.add_row("TOTAL (micro)", *(f"[bold]{micro[m]:.3f}[/]{sep}{_counts(m, totals[m])}" for m in METRICS))
    table.add_row("MEAN (macro)", *(f"{macro[m]:.3f}" for m in METRICS))
    with console.capture() as capture:
        console.print(table)
        console.print("cells: F1 (tp/predicted/gold); meta: fields right/gold fields", style="dim")
        if explain:
            _print_misses(console, result, metrics)
    return capture.get().encode("utf-8")


def _box() -> Any:
    from rich import box

    return box.SIMPLE


def _width() -> int:
    import shutil

    return shutil.get_terminal_size((120, 24)).columns


def _counts(metric: str, counts: tuple[int, int, int]) -> str:
    tp, n_pred, n_gold = counts
    return f"({tp}/{n_gold})" if metric == "meta" else f"({tp}/{n_pred}/{n_gold})"


def _cell(metric: str, counts: tuple[int, int, int], metric_score: Any, sep: str) -> str:
    score = metric_score(metric, counts)
    colour = "green" if score >= 0.95 else "yellow" if score >= 0.8 else "red"
    shown = f"{counts[0]}/{counts[2]}" if metric == "meta" else f"{score:.2f}"
    return f"[{colour}]{shown}[/]{sep}[dim]{_counts(metric, counts)}[/]"


def _print_misses(console: Any, result: Any, metrics: tuple[str, ...]) -> None:
    from rich.markup import escape

    for doc in result.docs:
        misses = [m for m in doc.misses if not metrics or m.metric in metrics]
        if not misses:
            continue
        console.print()
        console.print(f"[bold]{escape(doc.stem)}[/]  {escape(doc.source or '(no prediction)')}")
        for miss in misses:
            label = "[red]FP[/]" if miss.kind == "fp" else "[yellow]FN[/]"
            line = f"line {miss.line}" if miss.line else "line ?"
            task = f"  [dim]in task {escape(miss.task[:30])}[/]" if miss.task else ""
            console.print(f"  {label} {miss.metric:<15} {line:>9}  {escape(miss.item)}{task}")
