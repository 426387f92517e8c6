"""The command line: a thin layer over the API.  It parses arguments, calls govplan, renders.

Exit codes (govplan.errors.ExitCode): 0 ok, 1 some documents of several failed, 2 usage,
3 input (missing, empty, binary, undecodable file), 4 rules, 5 output, 70 internal error.
stdout carries only the payload; messages go to stderr, one line each, never a traceback.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import click

from .errors import ExitCode, GovplanError, OutputError

OUTPUT_FORMATS = ("json", "yaml", "jsonl", "csv", "xlsx", "markdown")
_EXTENSIONS = {"json": "json", "yaml": "yaml", "yml": "yaml", "jsonl": "jsonl", "csv": "csv", "xlsx": "xlsx", "md": "markdown"}
_SUFFIX = {"json": ".json", "yaml": ".yaml", "jsonl": ".jsonl", "csv": ".csv", "xlsx": ".xlsx", "markdown": ".md"}


def _fail(message: str) -> None:
    click.echo(f"govplan: {message}", err=True)


@contextmanager
def _guard() -> Iterator[None]:
    """Turn any error into one line on stderr and a documented exit code."""
    try:
        yield
    except GovplanError as err:
        _fail(str(err))
        sys.exit(int(err.exit_code))
    except KeyboardInterrupt:
        _fail("interrupted")
        sys.exit(130)
    except (click.exceptions.Exit, click.ClickException, SystemExit):
        raise
    except Exception as err:  # a bug: one line, unless GOVPLAN_DEBUG asks for the traceback
        if os.environ.get("GOVPLAN_DEBUG"):
            raise
        _fail(f"internal error: {type(err).__name__}: {err} (set GOVPLAN_DEBUG=1 for details)")
        sys.exit(int(ExitCode.INTERNAL))


def _load_rules(rules_dir: str | None) -> Any:
    from .ruleset import load_rules

    return load_rules(rules_dir)


def _extract(file: str, rules: Any) -> Any:
    return _extract_with_text(file, rules)[0]


def _extract_with_text(file: str, rules: Any) -> tuple[Any, str]:
    """The plan of ``file`` (- for stdin) and the source text as read (for line numbers)."""
    from .pipeline import extract
    from .readers import read, read_bytes

    document = read_bytes(sys.stdin.buffer.read(), "<stdin>") if file == "-" else read(file)
    return extract(document, rules), document.raw


class _LazyGroup(click.Group):
    """Commands that live in their own modules are imported only when run (cold start stays low)."""

    lazy: dict[str, str] = {
        "batch": "govplan.cli_batch:batch",
        "query": "govplan.cli_batch:query",
        "diff": "govplan.cli_diff:diff",
        "show": "govplan.cli_show:show",
        "schema": "govplan.cli_show:schema",
        "eval": "govplan.cli_eval:eval_command",
        "rules": "govplan.cli_rules:rules",
    }

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *self.lazy})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name in self.lazy and cmd_name not in self.commands:
            import importlib

            module, _, attr = self.lazy[cmd_name].partition(":")
            try:
                command = getattr(importlib.import_module(module), attr)
            except (ImportError, AttributeError):  # a command still being built
                return None
            self.add_command(command, cmd_name)
        return super().get_command(ctx, cmd_name)


@click.group(cls=_LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="govplan")
def main() -> None:
    """govplan: Chinese government plan documents in, structured data out."""


@main.command()
@click.argument("files", nargs=-1, required=True)
@click.option("-o", "--output", "output", default=None,
              help="Output file (several inputs: one combined output), directory (one file per input), or - for stdout.")
@click.option("-f", "--format", "fmt", type=click.Choice(OUTPUT_FORMATS), default=None,
              help="Output format (default: from the output's extension, else yaml).")
@click.option("--rules", "rules_dir", type=click.Path(file_okay=False), default=None,
              help="A directory of rule files that extend or override the defaults.")
def extract(files: tuple[str, ...], output: str | None, fmt: str | None, rules_dir: str | None) -> None:
    """Extract the outline, metadata, tasks, units, deadlines and targets of FILE(s).

    FILE is a .txt (any common encoding), .docx, .html or .pdf; - reads stdin.  Several FILEs
    give one combined output (a JSON list, YAML documents, one table or workbook with a 文件
    column), or with -o DIR one output per input.
    """
    from .export import render, render_many, write_atomic

    with _guard():
        rules = _load_rules(rules_dir)
        out_dir = _output_dir(output, files)
        fmt = fmt or _format_from(output) or "yaml"
        to_stdout = output in (None, "-")
        if fmt == "xlsx" and to_stdout and sys.stdout.isatty():
            raise click.UsageError("xlsx is binary: write it with -o FILE.xlsx")
        combined = len(files) > 1 and out_dir is None
        plans: list[Any] = []
        texts: list[str | None] = []
        failures: list[GovplanError] = []
        for file in files:
            try:
                plan, text = _extract_with_text(file, rules)
                data = b"" if combined else render(plan, fmt, text=text)
            except GovplanError as err:
                if len(files) == 1:
                    raise
                _fail(str(err))
                failures.append(err)
                continue
            if combined:
                plans.append(plan)
                texts.append(text)
            elif out_dir is not None:
                stem = "stdin" if file == "-" else Path(file).stem
                write_atomic(out_dir / f"{stem}{_SUFFIX[fmt]}", data)
            elif not to_stdout:
                write_atomic(Path(str(output)), data)
            else:
                _write_stdout(data)
        if plans:
            data = render_many(plans, fmt, texts=texts)
            if to_stdout:
                _write_stdout(data)
            else:
                write_atomic(Path(str(output)), data)
        if failures:
            sys.exit(int(ExitCode.PARTIAL) if len(failures) < len(files) else int(failures[0].exit_code))


def _output_dir(output: str | None, files: tuple[str, ...]) -> Path | None:
    if output in (None, "-"):
        return None
    assert output is not None
    path = Path(output)
    if path.is_dir() or output.endswith(("/", "\\")):
        try:
            path.mkdir(parents=True, exist_ok=True)
        except OSError as err:
            raise OutputError(f"cannot create directory: {err.strerror}", path=str(path)) from None
        return path
    if len(files) > 1 and not path.suffix:
        raise click.UsageError(
            "several inputs need -o DIR (an existing directory, or a path ending in /: one output per input)"
            " or -o FILE with an extension (.xlsx, .csv, .json …: one combined output)"
        )
    return None


def _format_from(output: str | None) -> str | None:
    if not output or output == "-":
        return None
    return _EXTENSIONS.get(Path(output).suffix.lstrip(".").lower())


def _write_stdout(data: bytes) -> None:
    try:
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
    except BrokenPipeError:  # `govplan extract … | head`
        sys.exit(0)


@main.command()
@click.argument("file")
@click.option("-f", "--format", "fmt", type=click.Choice(["auto", "table", "csv", "json"]), default="auto",
              help="table on a terminal, csv otherwise (auto); or as chosen.")
@click.option("--rules", "rules_dir", type=click.Path(file_okay=False), default=None)
def units(file: str, fmt: str, rules_dir: str | None) -> None:
    """The responsibility matrix of FILE: each unit, the tasks it leads, is responsible for and
    cooperates on."""
    from .matrix import matrix, render_csv, render_json, render_table

    with _guard():
        plan = _extract(file, _load_rules(rules_dir))
        rows = matrix(plan)
        if fmt == "auto":
            fmt = "table" if sys.stdout.isatty() else "csv"
        renderers: dict[str, Callable[[Any], bytes | None]] = {"csv": render_csv, "json": render_json, "table": render_table}
        data = renderers[fmt](rows)
        if data is not None:
            _write_stdout(data)
