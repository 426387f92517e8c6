"""store: the plans of a batch in one SQLite file (``OUTDIR/plans.sqlite``), and queries over it.

Tables (every child row names its document by path, so a document's rows are replaced as one):

- ``documents``  path, output, sha256, format, chars, title, notice_title, doc_number, issuer, date,
  version and the counts (sections, tasks, units, deadlines, targets);
- ``sections``   document, id, level, number, title, path, line, span_start, span_end;
- ``tasks``      document, id, section, title, text, line, span_start, span_end;
- ``units``      document, task, name (as written), canonical, role, prefix (市/区/县 …),
  name_core and canonical_core (the name without that prefix), span_start, span_end;
- ``deadlines``  document, task, text, date, start_date, kind, year_assumed, span_start, span_end;
- ``targets``    document, task, text, indicator, comparator, value, unit, deadline, span_start, span_end;
- ``aliases``    alias → canonical, the alias table of the rules the batch ran with;
- ``info``       key → value (schema version).

``plan_rows(plan, path, output, version)`` turns a Plan into rows (a plain, picklable dict, so a
worker process builds them); ``Store.put(rows)`` replaces a document's rows in one transaction
(``put_many`` several documents' in one), so a process killed at any moment leaves every document
either wholly stored or not at all.  A bulk load drops the indexes first (``defer_indexes``) and
builds them once at its end (``create_indexes``).

``query(db, …)`` answers "every task of 住房和城乡建设局 (under any of its aliases), as lead,
due in 2023": a unit name is matched by its core (prefix dropped) against the query's core and
every alias of it, so 住建局, 市住建局 and 市住房和城乡建设局 find each other.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import sqlite3
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from .errors import InputError, OutputError
from .models import Plan, Role

SCHEMA_VERSION = "2"  # 2: documents have an integer id, which the other tables refer to
DB_NAME = "plans.sqlite"
PAGE_SIZE = 16384  # bytes, of a store made new

# administrative prefixes a unit name may start with; "住房和城乡建设局" means the bureau at any level
ADMIN_PREFIXES = ("自治区", "自治州", "市", "区", "县", "省", "州", "旗", "盟", "镇", "乡")

_SCHEMA = """
CREATE TABLE IF NOT EXISTS info (key TEXT PRIMARY KEY, value TEXT);
CREATE TABLE IF NOT EXISTS documents (
  id INTEGER PRIMARY KEY, path TEXT NOT NULL UNIQUE, output TEXT, sha256 TEXT NOT NULL, format TEXT, chars INTEGER,
  title TEXT, notice_title TEXT, doc_number TEXT, issuer TEXT, date TEXT, version TEXT,
  sections INTEGER, tasks INTEGER, units INTEGER, deadlines INTEGER, targets INTEGER
);
CREATE TABLE IF NOT EXISTS sections (
  document INTEGER NOT NULL REFERENCES documents (id), id TEXT, level INTEGER, number TEXT, title TEXT, path TEXT, line INTEGER,
  span_start INTEGER, span_end INTEGER
);
CREATE TABLE IF NOT EXISTS tasks (
  document INTEGER NOT NULL REFERENCES documents (id), id TEXT, section TEXT, title TEXT, text TEXT, line INTEGER,
  span_start INTEGER, span_end INTEGER
);
CREATE TABLE IF NOT EXISTS units (
  document INTEGER NOT NULL REFERENCES documents (id), task TEXT, name TEXT, canonical TEXT, role TEXT, prefix TEXT,
  name_core TEXT, canonical_core TEXT, span_start INTEGER, span_end INTEGER
);
CREATE TABLE IF NOT EXISTS deadlines (
  document INTEGER NOT NULL REFERENCES documents (id), task TEXT, text TEXT, date TEXT, start_date TEXT, kind TEXT,
  year_assumed INTEGER, span_start INTEGER, span_end INTEGER
);
CREATE TABLE IF NOT EXISTS targets (
  document INTEGER NOT NULL REFERENCES documents (id), task TEXT, text TEXT, indicator TEXT, comparator TEXT, value REAL, unit TEXT,
  deadline TEXT, span_start INTEGER, span_end INTEGER
);
CREATE TABLE IF NOT EXISTS aliases (alias TEXT PRIMARY KEY, canonical TEXT NOT NULL);
"""
# what replacing a document's rows needs (DELETE … WHERE document = ?)
_DOCUMENT_INDEXES = """
CREATE INDEX IF NOT EXISTS sections_document ON sections (document);
CREATE INDEX IF NOT EXISTS tasks_document ON tasks (document, id);
CREATE INDEX IF NOT EXISTS units_document ON units (document, task);
CREATE INDEX IF NOT EXISTS deadlines_document ON deadlines (document, task);
CREATE INDEX IF NOT EXISTS targets_document ON targets (document, task);
"""
# what only ``query`` needs
_QUERY_INDEXES = """
CREATE INDEX IF NOT EXISTS units_canonical_core ON units (canonical_core);
CREATE INDEX IF NOT EXISTS units_name_core ON units (name_core);
CREATE INDEX IF NOT EXISTS deadlines_date ON deadlines (date);
"""
_INDEX_NAME = re.compile(r"CREATE INDEX IF NOT EXISTS (\w+)")

CHILD_TABLES = ("sections", "tasks", "units", "deadlines", "targets")
TABLES = ("documents", *CHILD_TABLES)
_COLUMNS = {
    "documents": 17,
    "sections": 9,
    "tasks": 8,
    "units": 10,
    "deadlines": 9,
    "targets": 10,
}

_INSERT = {table: f"INSERT INTO {table} VALUES ({', '.join('?' * count)})" for table, count in _COLUMNS.items()}


@lru_cache(maxsize=8192)  # the same few hundred unit names recur across an archive
def split_prefix(name: str) -> tuple[str, str]:
    """(administrative prefix, core) of a unit name: 市住建局 → (市, 住建局); a name that would be
    left shorter than two characters keeps its prefix (市委 stays whole)."""
    for prefix in ADMIN_PREFIXES:
        if name.startswith(prefix) and len(name) - len(prefix) >= 2:
            return prefix, name[len(prefix):]
    return "", name


# --- rows of one plan --------------------------------------------------------------------------


Rows = dict[str, list[tuple[Any, ...]]]


def plan_counts(plan: Plan) -> dict[str, int]:
    """The figures the manifest records for a plan."""
    return {
        "sections": len(plan.sections),
        "tasks": len(plan.tasks),
        "units": sum(len(task.units) for task in plan.tasks),
        "deadlines": sum(len(task.deadlines) for task in plan.tasks),
        "targets": len(plan.targets),
    }


def _iso(value: dt.date | None) -> str | None:
    return value.isoformat() if value is not None else None


def plan_rows(plan: Plan, path: str, output: str | None, version: str, counts: dict[str, int] | None = None) -> Rows:
    """Every row ``plan`` gives, keyed by table (plain tuples: cheap to pickle between processes;
    an enum's value read as its ``_value_``, the attribute ``.value``'s descriptor returns: a
    quarter of this function's time went to that descriptor),
    without the ids the store gives them: the documents row lacks its ``id``, the other rows their
    ``document`` (the store puts them in front).  ``counts``: ``plan_counts(plan)``, where the
    caller has them already."""
    meta = plan.meta
    if counts is None:
        counts = plan_counts(plan)
    rows: Rows = {
        "documents": [
            (
                path, output, plan.source.sha256, plan.source.format, plan.source.chars,
                meta.title, meta.notice_title, meta.doc_number, meta.issuer, _iso(meta.date), version,
                counts["sections"], counts["tasks"], counts["units"], counts["deadlines"], counts["targets"],
            )
        ],
        "sections": [
            (s.id, s.level, s.number, s.title, s.path, s.line, *s.span) for s in plan.sections
        ],
        "tasks": [(t.id, t.section, t.title, t.text, t.line, *t.span) for t in plan.tasks],
        "units": [],
        "deadlines": [],
        "targets": [
            (g.task, g.text, g.indicator, g.comparator._value_, float(g.value), g.unit, _iso(g.deadline), *g.span)
            for g in plan.targets
        ],
    }
    for task in plan.tasks:
        for unit in task.units:
            prefix, name_core = split_prefix(unit.name)
            canonical_prefix, canonical_core = split_prefix(unit.canonical)
            rows["units"].append(
                (task.id, unit.name, unit.canonical, unit.role._value_, canonical_prefix or prefix,
                 name_core, canonical_core, *unit.span)
            )
        for d in task.deadlines:
            rows["deadlines"].append(
                (task.id, d.text, _iso(d.date), _iso(d.start), d.kind._value_, d.year_assumed, *d.span)
            )
    return rows


# --- writing -----------------------------------------------------------------------------------


class Store:
    """The SQLite file of one output directory, opened for writing (by a batch's parent process,
    its only writer; another process writing waits up to ``busy_seconds`` for its turn)."""

    def __init__(self, path: Path, *, busy_seconds: float = 60.0) -> None:
        self.path = Path(path)
        self.busy_seconds = busy_seconds
        self.indexes_deferred = False  # ``defer_indexes`` dropped some, ``create_indexes`` not yet run
        try:
            # transactions by hand; a writer waits while another process writes
            self.db = sqlite3.connect(self.path, isolation_level=None, timeout=busy_seconds)
            # 16 KiB pages for a new file (an existing one keeps its own): a bulk load of rows a few
            # hundred bytes long writes, splits and checkpoints a quarter as many pages as with
            # the default 4 KiB (inserts ~15% and the index build ~12% less CPU on the bench)
            self.db.execute(f"PRAGMA page_size={PAGE_SIZE}")
            # WAL: a commit is one append, and a killed writer never corrupts the file
            self.db.execute("PRAGMA journal_mode=WAL")
            self.db.execute("PRAGMA synchronous=NORMAL")
            self._drop_older_schema()
            self.db.executescript(_SCHEMA + _DOCUMENT_INDEXES + _QUERY_INDEXES)
            self.db.execute("INSERT OR REPLACE INTO info VALUES ('schema_version', ?)", (SCHEMA_VERSION,))
        except sqlite3.Error as err:
            raise OutputError(f"cannot open the plan store: {err}", path=str(self.path)) from None

    def _drop_older_schema(self) -> None:
        """A store an older govplan wrote (another ``schema_version``) is emptied: its tables are
        dropped and made anew, and the documents it held are converted again (a batch redoes
        what the store does not hold)."""
        tables = {name for (name,) in self.db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        if "info" in tables:
            found = self.db.execute("SELECT value FROM info WHERE key = 'schema_version'").fetchone()
            if found is not None and found[0] == SCHEMA_VERSION:
                return
        ours = tables & {"info", "aliases", *TABLES}
        if not ours:
            return
        with self._transaction():
            for table in sorted(ours):
                self.db.execute(f"DROP TABLE {table}")

    def done(self) -> dict[str, tuple[str, str]]:
        """path → (sha256, version) of every document stored."""
        return {path: (sha, version) for path, sha, version in self.db.execute(
            "SELECT path, sha256, version FROM documents"
        )}

    def set_aliases(self, aliases: Mapping[str, str]) -> None:
        with self._transaction():
            self.db.execute("DELETE FROM aliases")
            self.db.executemany("INSERT OR REPLACE INTO aliases VALUES (?, ?)", sorted(aliases.items()))

    def put(self, rows: Rows) -> None:
        """Store one document's rows, replacing whatever it had, in one transaction."""
        self.put_many([(rows["documents"][0][0], rows, True)])

    def put_many(self, documents: list[tuple[str, Rows | None, bool]]) -> None:
        """(path, rows, maybe_stored) for several documents, in one transaction: each document's
        old rows are deleted (when ``maybe_stored``) and its new rows, if any, inserted under a
        new id.  None as rows forgets the document (it failed this time: its old plan no longer
        stands)."""
        pending: list[tuple[int, Rows]] = []

        def insert_pending() -> None:  # one executemany a table for a run of documents
            if not pending:
                return
            self.db.executemany(_INSERT["documents"], [(number, *rows["documents"][0]) for number, rows in pending])
            for table in CHILD_TABLES:
                self.db.executemany(_INSERT[table], [(number, *row) for number, rows in pending for row in rows[table]])
            pending.clear()

        with self._transaction():
            # under the write lock: no other writer can take the same ids
            (last,) = self.db.execute("SELECT coalesce(max(id), 0) FROM documents").fetchone()
            for path, rows, maybe_stored in documents:
                if maybe_stored:
                    insert_pending()  # in order: the same path twice is deleted, then stored again
                    self._delete(path)
                if rows is not None:
                    last += 1
                    pending.append((last, rows))
            insert_pending()

    def defer_indexes(self, *, document_indexes: bool) -> None:
        """Drop the query indexes (and the document indexes too when ``document_indexes``, for a
        run that replaces no stored document) until ``create_indexes``: a bulk load inserts
        three times faster without them, and building them once at the end costs less than
        keeping them up to date row by row.  A process killed in between leaves them missing;
        the next ``Store`` opened on the file builds them again."""
        names = _INDEX_NAME.findall(_QUERY_INDEXES + (_DOCUMENT_INDEXES if document_indexes else ""))
        with self._transaction():
            for name in names:
                self.db.execute(f"DROP INDEX IF EXISTS {name}")
        self.indexes_deferred = True

    def create_indexes(self, *, own_connection: bool = False) -> None:
        """Every index (those ``defer_indexes`` dropped).  ``own_connection``: on a connection
        opened for it, so that a thread other than the store's can build them (the store's own
        connection must then not write until this returns: SQLite has one writer at a time)."""
        db = sqlite3.connect(self.path, isolation_level=None, timeout=self.busy_seconds) if own_connection else self.db
        try:
            db.executescript(_DOCUMENT_INDEXES + _QUERY_INDEXES)
        except sqlite3.Error as err:
            raise OutputError(f"cannot write the plan store: {err}", path=str(self.path)) from None
        finally:
            if own_connection:
                db.close()
        self.indexes_deferred = False

    def remove(self, path: str) -> None:
        """Forget a document."""
        self.put_many([(path, None, True)])

    def _delete(self, path: str) -> None:
        for (number,) in self.db.execute("SELECT id FROM documents WHERE path = ?", (path,)).fetchall():
            for table in CHILD_TABLES:
                self.db.execute(f"DELETE FROM {table} WHERE document = ?", (number,))
        self.db.execute("DELETE FROM documents WHERE path = ?", (path,))

    def _transaction(self) -> _Transaction:
        return _Transaction(self.db, self.path)

    def close(self) -> None:
        try:
            self.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        finally:
            self.db.close()


class _Transaction:
    def __init__(self, db: sqlite3.Connection, path: Path) -> None:
        self.db = db
        self.path = path

    def __enter__(self) -> None:
        self.db.execute("BEGIN IMMEDIATE")

    def __exit__(self, kind: Any, error: Any, trace: Any) -> None:
        if kind is None:
            try:
                self.db.execute("COMMIT")
                return
            except sqlite3.Error as err:
                self.db.execute("ROLLBACK")
                raise OutputError(f"cannot write the plan store: {err}", path=str(self.path)) from None
        self.db.execute("ROLLBACK")
        if isinstance(error, sqlite3.Error):
            raise OutputError(f"cannot write the plan store: {error}", path=str(self.path)) from None


# --- reading: queries --------------------------------------------------------------------------


_ROLE_WORDS = {
    "lead": Role.LEAD, "牵头": Role.LEAD, "牵头单位": Role.LEAD,
    "responsible": Role.RESPONSIBLE, "责任": Role.RESPONSIBLE, "责任单位": Role.RESPONSIBLE,
    "cooperating": Role.COOPERATING, "配合": Role.COOPERATING, "配合单位": Role.COOPERATING,
}
ROLE_CHOICES = tuple(_ROLE_WORDS)


def parse_role(word: str) -> Role:
    try:
        return _ROLE_WORDS[word.strip().lower()]
    except KeyError:
        raise ValueError(f"unknown role {word!r}; expected one of {', '.join(ROLE_CHOICES)}") from None


def parse_due(value: str, *, end: bool) -> str:
    """A date bound as ISO: 2023-06-30 as is; 2023-06 and 2023 their first day (``end`` False)
    or their last (``end`` True), so ``--due-after 2023 --due-before 2023`` is "due in 2023"."""
    text = value.strip().replace("/", "-").replace(".", "-")
    parts = text.split("-")
    try:
        if len(parts) == 3:
            return dt.date(int(parts[0]), int(parts[1]), int(parts[2])).isoformat()
        if len(parts) == 2:
            year, month = int(parts[0]), int(parts[1])
            if not end:
                return dt.date(year, month, 1).isoformat()
            following = dt.date(year + month // 12, month % 12 + 1, 1)
            return (following - dt.timedelta(days=1)).isoformat()
        if len(parts) == 1:
            year = int(parts[0])
            return (dt.date(year, 12, 31) if end else dt.date(year, 1, 1)).isoformat()
    except ValueError:
        pass
    raise ValueError(f"not a date: {value!r} (expected YYYY-MM-DD, YYYY-MM or YYYY)")


@dataclass(frozen=True)
class Query:
    unit: str | None = None
    role: Role | None = None
    due_before: str | None = None  # ISO, inclusive
    due_after: str | None = None  # ISO, inclusive
    words: tuple[str, ...] = ()
    limit: int | None = None


@dataclass
class TaskHit:
    document: str  # its path
    title: str | None
    task: str
    section: str
    task_title: str
    text: str
    line: int
    units: list[dict[str, str]] = field(default_factory=list)
    deadlines: list[dict[str, Any]] = field(default_factory=list)
    number: int = 0  # the document's id in the store

    def as_dict(self) -> dict[str, Any]:
        return {
            "document": self.document, "title": self.title, "task": self.task, "section": self.section,
            "task_title": self.task_title, "text": self.text, "line": self.line,
            "units": self.units, "deadlines": self.deadlines,
        }

    def names(self, role: Role) -> str:
        return "、".join(dict.fromkeys(u["canonical"] for u in self.units if u["role"] == role.value))

    def due(self) -> str:
        return ";".join(d["date"] or d["text"] for d in self.deadlines)


def open_store(outdir: Path) -> sqlite3.Connection:
    """The store of a batch output directory, read-only; InputError when there is none."""
    path = Path(outdir)
    db_path = path / DB_NAME if path.is_dir() else path
    if not db_path.is_file():
        raise InputError(f"no plan store here (expected {DB_NAME}: run `govplan batch … -o DIR` first)", path=str(path))
    try:
        db = sqlite3.connect(f"{db_path.resolve().as_uri()}?mode=ro", uri=True)
        db.execute("SELECT 1 FROM documents LIMIT 1")
        found = db.execute("SELECT value FROM info WHERE key = 'schema_version'").fetchone()
    except sqlite3.Error as err:
        raise InputError(f"not a govplan plan store: {err}", path=str(db_path)) from None
    if found is None or found[0] != SCHEMA_VERSION:
        db.close()
        raise InputError(
            f"the plan store was written by another version of govplan (store schema {found[0] if found else 'unknown'},"
            f" this govplan reads {SCHEMA_VERSION}): run the same `govplan batch` again to bring it up to date",
            path=str(db_path),
        )
    return db


def unit_cores(db: sqlite3.Connection, name: str) -> tuple[str, set[str]]:
    """(prefix, cores) a unit query matches: the core of ``name`` and of every name the alias
    table ties to it, in either direction (住建局 → 住房和城乡建设局 → 住建局, 住房城乡建设局 …)."""
    prefix, core = split_prefix("".join(name.split()))
    aliases = list(db.execute("SELECT alias, canonical FROM aliases"))
    cores = {core}
    changed = True
    while changed:  # a closure: aliases of aliases
        changed = False
        for alias, canonical in aliases:
            alias_core, canonical_core = split_prefix(alias)[1], split_prefix(canonical)[1]
            if (alias_core in cores) != (canonical_core in cores):
                cores.update((alias_core, canonical_core))
                changed = True
    return prefix, cores


def query(db: sqlite3.Connection, q: Query) -> list[TaskHit]:
    """The tasks that meet every condition of ``q``, by document and task order."""
    where: list[str] = []
    params: list[Any] = []
    if q.unit is not None or q.role is not None:
        unit_where = ["u.document = t.document", "u.task = t.id"]
        if q.unit is not None:
            prefix, cores = unit_cores(db, q.unit)
            marks = ", ".join("?" * len(cores))
            unit_where.append(f"(u.canonical_core IN ({marks}) OR u.name_core IN ({marks}))")
            params.extend([*sorted(cores), *sorted(cores)])
            if prefix:
                unit_where.append("u.prefix = ?")
                params.append(prefix)
        if q.role is not None:
            unit_where.append("u.role = ?")
            params.append(q.role.value)
        where.append(f"EXISTS (SELECT 1 FROM units u WHERE {' AND '.join(unit_where)})")
    if q.due_before is not None or q.due_after is not None:
        due_where = ["d.document = t.document", "d.task = t.id", "d.date IS NOT NULL"]
        if q.due_after is not None:
            due_where.append("d.date >= ?")
            params.append(q.due_after)
        if q.due_before is not None:
            due_where.append("d.date <= ?")
            params.append(q.due_before)
        where.append(f"EXISTS (SELECT 1 FROM deadlines d WHERE {' AND '.join(due_where)})")
    for word in q.words:
        where.append("(instr(t.title, ?) > 0 OR instr(t.text, ?) > 0)")
        params.extend([word, word])
    sql = (
        "SELECT doc.path, doc.title, t.id, t.section, t.title, t.text, t.line, t.document FROM tasks t "
        "JOIN documents doc ON doc.id = t.document"
        + (" WHERE " + " AND ".join(where) if where else "")
        + " ORDER BY doc.path, t.span_start"
    )
    if q.limit is not None:
        sql += f" LIMIT {int(q.limit)}"
    hits = [
        TaskHit(path, title, task, section, task_title, text, line, number=number)
        for path, title, task, section, task_title, text, line, number in db.execute(sql, params)
    ]
    _attach(db, hits)
    return hits


def _attach(db: sqlite3.Connection, hits: list[TaskHit]) -> None:
    """Each hit's units and deadlines (one query per table per document, not per task)."""
    by_doc: dict[int, dict[str, TaskHit]] = {}
    for hit in hits:
        by_doc.setdefault(hit.number, {})[hit.task] = hit
    for document, tasks in by_doc.items():
        for task, name, canonical, role in db.execute(
            "SELECT task, name, canonical, role FROM units WHERE document = ? ORDER BY span_start", (document,)
        ):
            if task in tasks:
                tasks[task].units.append({"name": name, "canonical": canonical, "role": role})
        for task, text, date, start, kind in db.execute(
            "SELECT task, text, date, start_date, kind FROM deadlines WHERE document = ? ORDER BY span_start",
            (document,),
        ):
            if task in tasks:
                tasks[task].deadlines.append({"text": text, "date": date, "start": start, "kind": kind})


# --- rendering query answers ---------------------------------------------------------------------

QUERY_COLUMNS = ("document", "task", "section", "title", "lead", "responsible", "cooperating", "due")


def _flat(hit: TaskHit) -> list[str]:
    return [
        hit.document, hit.task, hit.section, hit.task_title,
        hit.names(Role.LEAD), hit.names(Role.RESPONSIBLE), hit.names(Role.COOPERATING), hit.due(),
    ]


def render_json(hits: Iterable[TaskHit]) -> bytes:
    return (json.dumps([h.as_dict() for h in hits], ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def render_csv(hits: Iterable[TaskHit]) -> bytes:
    import csv
    import io

    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(QUERY_COLUMNS)
    writer.writerows(_flat(h) for h in hits)
    return buffer.getvalue().encode("utf-8-sig")


def render_table(hits: list[TaskHit], *, width: int | None = None) -> bytes:
    """A table for people (rich); plain text when not on a terminal."""
    import io

    from rich.console import Console
    from rich.table import Table

    table = Table(*QUERY_COLUMNS, show_lines=False, title=f"{len(hits)} tasks")
    for hit in hits:
        table.add_row(*_flat(hit))
    buffer = io.StringIO()
    Console(file=buffer, width=width or 200, no_color=True, highlight=False).print(table)
    return buffer.getvalue().encode("utf-8")
