"""``govplan batch`` (whole archives, in parallel, resumable) and ``govplan query`` (the plan store).

Thin: arguments in, ``govplan.batch.run`` / ``govplan.store.query`` called, results rendered.
Progress goes to stderr with rich when stderr is a terminal; otherwise one summary line at the end.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

import click

from .cli import _fail, _guard, _write_stdout
from .errors import ExitCode


@click.command()
@click.argument("inputs", nargs=-1, required=True)
@click.option("-o", "--output", "outdir", required=True, type=click.Path(file_okay=False),
              help="Output directory: one file per document (mirroring the inputs), manifest.jsonl, plans.sqlite.")
@click.option("-f", "--format", "fmt", type=click.Choice(["json", "yaml"]), default="json", show_default=True)
@click.option("-w", "--workers", type=click.IntRange(min=1), default=None,
              help="Processes converting documents in parallel (default: the machine's cores).")
@click.option("--include", multiple=True, metavar="GLOB",
              help="Files of a directory or archive to convert (repeatable; default: *.txt *.docx *.html *.htm *.pdf).")
@click.option("--exclude", multiple=True, metavar="GLOB", help="Files to leave out (repeatable).")
@click.option("--resume/--force", default=True, show_default=True,
              help="Skip documents already converted with the same bytes and govplan/rules version (--force redoes all).")
@click.option("--max-size", "max_mb", type=click.FloatRange(min=0), default=50.0, show_default=True,
              help="Documents larger than this many MB are skipped (recorded in the manifest).")
@click.option("--rules", "rules_dir", type=click.Path(file_okay=False), default=None,
              help="A directory of rule files that extend or override the defaults.")
def batch(
    inputs: tuple[str, ...],
    outdir: str,
    fmt: str,
    workers: int | None,
    include: tuple[str, ...],
    exclude: tuple[str, ...],
    resume: bool,
    max_mb: float,
    rules_dir: str | None,
) -> None:
    """Convert INPUT files, directories (recursively) and .zip archives into OUTDIR.

    Exit code 0 when every document converted, 1 when some failed (see OUTDIR/manifest.jsonl),
    130 when interrupted (run the same command again to resume).
    """
    from .batch import DEFAULT_INCLUDE, Options, Selection, run

    with _guard():
        options = Options(fmt=fmt, rules_dir=rules_dir, max_bytes=int(max_mb * 1_000_000))
        selection = Selection(include=include or DEFAULT_INCLUDE, exclude=exclude)
        reporter = _Reporter(enabled=sys.stderr.isatty())
        try:
            summary = run(
                list(inputs), Path(outdir), options=options, workers=workers, selection=selection,
                resume=resume, progress=reporter.update, on_start=reporter.start,
            )
        finally:
            reporter.stop()
        if reporter.enabled:  # on a terminal, the failures too; otherwise one line, no more
            for path, error in summary.failures[:20]:
                _fail(f"{path}: {error}")
            if len(summary.failures) > 20:
                _fail(f"… and {len(summary.failures) - 20} more")
        where = f" (see {Path(outdir) / 'manifest.jsonl'})" if summary.failed else ""
        click.echo(f"govplan: {summary.line()}{where}", err=True)
        if summary.interrupted:
            sys.exit(130)
        if summary.failed:
            sys.exit(int(ExitCode.PARTIAL))


class _Reporter:
    """A rich progress bar on stderr: documents done / total, documents per second, ETA, failures."""

    def __init__(self, *, enabled: bool) -> None:
        self.enabled = enabled
        self.progress: Any = None
        self.task: Any = None

    def start(self, total: int, already_done: int) -> None:
        if not self.enabled:
            return
        from rich.console import Console
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            TextColumn,
            TimeElapsedColumn,
            TimeRemainingColumn,
        )

        self.progress = Progress(
            TextColumn("[bold]converting"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("{task.fields[rate]:>7.1f} docs/s"),
            TextColumn("ETA"),
            TimeRemainingColumn(),
            TextColumn("[red]{task.fields[failed]} failed"),
            TimeElapsedColumn(),
            console=Console(stderr=True),
            transient=False,
        )
        self.progress.start()
        self.task = self.progress.add_task("batch", total=total, completed=already_done, rate=0.0, failed=0)

    def update(self, summary: Any) -> None:
        if self.progress is None:
            return
        rate = summary.processed / summary.seconds if summary.seconds > 0 else 0.0
        self.progress.update(
            self.task, completed=summary.processed + summary.skipped, rate=rate, failed=summary.failed
        )

    def stop(self) -> None:
        if self.progress is not None:
            self.progress.stop()
            self.progress = None


@click.command()
@click.argument("outdir", type=click.Path())
@click.option("--unit", default=None, help="A unit, under any of its names (住建局, 市住房和城乡建设局 …).")
@click.option("--role", default=None, help="lead, responsible or cooperating (牵头, 责任, 配合); with --unit: that unit's role.")
@click.option("--due-before", default=None, metavar="DATE", help="A deadline on or before DATE (YYYY-MM-DD, YYYY-MM or YYYY).")
@click.option("--due-after", default=None, metavar="DATE", help="A deadline on or after DATE (YYYY-MM-DD, YYYY-MM or YYYY).")
@click.option("--text", "words", default=None, help="Words that must all appear in the task's title or text.")
@click.option("--limit", type=click.IntRange(min=1), default=None, help="At most this many tasks.")
@click.option("-f", "--format", "fmt", type=click.Choice(["table", "json", "csv"]), default="table", show_default=True)
def query(
    outdir: str,
    unit: str | None,
    role: str | None,
    due_before: str | None,
    due_after: str | None,
    words: str | None,
    limit: int | None,
    fmt: str,
) -> None:
    """Tasks across every plan a batch stored in OUTDIR/plans.sqlite.

    Every task 住房和城乡建设局 (under any of its names) leads, due in 2023:

    \b
        govplan query out/ --unit 住房和城乡建设局 --role lead --due-after 2023 --due-before 2023
    """
    from .store import Query, open_store, parse_due, parse_role, render_csv, render_json, render_table
    from .store import query as run_query

    with _guard():
        try:
            q = Query(
                unit=unit,
                role=parse_role(role) if role else None,
                due_before=parse_due(due_before, end=True) if due_before else None,
                due_after=parse_due(due_after, end=False) if due_after else None,
                words=tuple(words.split()) if words else (),
                limit=limit,
            )
        except ValueError as err:
            raise click.UsageError(str(err)) from None
        db = open_store(Path(outdir))
        try:
            hits = run_query(db, q)
        finally:
            db.close()
        if fmt == "json":
            _write_stdout(render_json(hits))
        elif fmt == "csv":
            _write_stdout(render_csv(hits))
        else:
            width = os.get_terminal_size().columns if sys.stdout.isatty() else None
            _write_stdout(render_table(hits, width=width))
