"""The public entry: ``extract(path_or_text) -> Plan``, running every stage in order.

read → clean → meta (front matter, body start) → outline / task table → tasks (clauses, units,
deadlines, targets) → phases.  Each stage is a pure function of models; this module only wires
them and assembles the ``Plan``.
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import regex

from .document import CleanText, Document
from .models import Plan
from .ruleset import RuleSet, default_rules, load_rules

_YEAR = regex.compile(r"(?<!\d)((?:19|20)\d{2})\s*年")


def _resolve_rules(rules: RuleSet | str | Path | None) -> RuleSet:
    if rules is None:
        return default_rules()
    if isinstance(rules, RuleSet):
        return rules
    return load_rules(str(rules))


def _read(source: str | Path | Document) -> Document:
    from . import readers

    if isinstance(source, Document):
        return source
    if isinstance(source, Path):
        return readers.read(source)
    if "\n" not in source and len(source) < 1024 and (os.path.exists(source) or Path(source).suffix):
        return readers.read(source)
    return readers.read_text(source)


def document_year(meta_date: dt.date | None, title: str | None, clean: CleanText) -> tuple[int | None, str]:
    """The year a deadline without one refers to, and where it came from."""
    if meta_date is not None:
        return meta_date.year, "date"
    if title:
        years = [int(y) for y in _YEAR.findall(title)]
        if years:
            return max(years), "title"
    years = [int(y) for y in _YEAR.findall(clean.text)]
    years = [y for y in years if 1990 <= y <= 2100]
    if years:
        return max(years), "text"
    return None, "none"


def heading_hints(document: Document, text: CleanText) -> dict[int, int]:
    """The reader's heading lines (raw line index, level) as cleaned line starts -> level; a line
    that cleaning joined to the one before is no longer a heading of its own and is left out."""
    import bisect

    raw_starts = [0] + [i + 1 for i, ch in enumerate(document.raw) if ch == "\n"]
    hints: dict[int, int] = {}
    for line_index, level in document.headings:
        if line_index >= len(raw_starts):
            continue
        at = bisect.bisect_left(text.origin, raw_starts[line_index])
        if at >= len(text.text):
            continue
        line_start = text.text.rfind("\n", 0, at) + 1
        if not text.text[line_start:at].strip():
            hints[line_start] = level
    return hints


def extract(source: str | Path | Document, rules: RuleSet | str | Path | None = None) -> Plan:
    """Extract the plan in ``source`` (a path, a text, or a Document already read)."""
    from .clean import clean
    from .meta import front
    from .tasks import build_tasks

    ruleset = _resolve_rules(rules)
    document = _read(source)
    text = clean(document, ruleset)
    head = front(text, ruleset)
    year, year_source = document_year(head.meta.date, head.meta.title, text)
    warnings = list(head.notes)
    if year_source in ("title", "text"):
        warnings.append(f"no document date: years left out are taken as {year} (from the {year_source})")
    hints = heading_hints(document, text) if document.headings else None
    result = build_tasks(text, head.body_start, year=year, title=head.meta.title, rules=ruleset, heading_hints=hints,
                         body_end=head.body_end)
    warnings.extend(result.warnings)
    return Plan(
        source=document.source,
        meta=head.meta,
        sections=result.sections,
        tasks=result.tasks,
        targets=result.targets,
        phases=result.phases,
        warnings=warnings,
    )
