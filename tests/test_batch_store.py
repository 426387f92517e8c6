"""The batch's store writes: the parent is the only writer (rows recorded a fraction of a second's
worth at a time, then their manifest lines), and a bulk load builds its indexes at the end."""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path
from typing import Any

import pytest

from govplan.batch import Item, Manifest, Options, Result, Summary, _Recorder, read_manifest, run
from govplan.errors import OutputError
from govplan.store import DB_NAME, Store

SAMPLES = sorted((Path(__file__).resolve().parent.parent / "samples").glob("*.txt"))
EVERY_INDEX = {
    "sections_document", "tasks_document", "units_document", "units_canonical_core", "units_name_core",
    "deadlines_document", "deadlines_date", "targets_document",
}  # fmt: skip


def indexes(db_path: Path) -> set[str]:
    db = sqlite3.connect(db_path)
    try:
        return {name for (name,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL")}
    finally:
        db.close()


def count(db_path: Path, table: str, where: str = "") -> int:
    db = sqlite3.connect(db_path)
    try:
        return int(db.execute(f"SELECT count(*) FROM {table} {where}").fetchone()[0])
    finally:
        db.close()


def of(path: str | Path) -> str:
    """The WHERE clause for one document's rows (the tables refer to documents by id)."""
    quoted = str(path).replace("'", "''")
    return f"WHERE document = (SELECT id FROM documents WHERE path = '{quoted}')"


def write_inputs(folder: Path, n: int) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(n):
        path = folder / f"{i:02d}.txt"
        path.write_bytes(SAMPLES[i % len(SAMPLES)].read_bytes() + f"\n附件{i}\n".encode())
        paths.append(path)
    return paths


def test_a_fresh_run_ends_with_every_index_and_every_row(tmp_path: Path) -> None:
    write_inputs(tmp_path / "in", 6)
    summary = run([str(tmp_path / "in")], tmp_path / "out", workers=1)
    assert summary.ok == 6
    db = tmp_path / "out" / DB_NAME
    assert indexes(db) == EVERY_INDEX
    assert count(db, "documents") == 6
    assert count(db, "tasks") > 6 * 5


def test_a_small_rerun_keeps_the_indexes_and_replaces_rows(tmp_path: Path) -> None:
    paths = write_inputs(tmp_path / "in", 6)
    run([str(tmp_path / "in")], tmp_path / "out", workers=1)
    db = tmp_path / "out" / DB_NAME
    tasks_before = count(db, "tasks", of(paths[0]))
    paths[0].write_bytes(SAMPLES[1].read_bytes())  # one document changed: redone, its rows replaced
    summary = run([str(tmp_path / "in")], tmp_path / "out", workers=1)
    assert (summary.ok, summary.skipped) == (1, 5)
    assert indexes(db) == EVERY_INDEX
    assert count(db, "documents") == 6
    assert count(db, "documents", f"WHERE path = '{paths[0]}'") == 1
    assert count(db, "tasks", of(paths[0])) != tasks_before


def test_a_failure_removes_the_old_rows_of_its_document(tmp_path: Path) -> None:
    paths = write_inputs(tmp_path / "in", 3)
    run([str(tmp_path / "in")], tmp_path / "out", workers=1)
    paths[1].write_bytes(b"\x00" * 64)  # now binary: it fails, its old plan no longer stands
    summary = run([str(tmp_path / "in")], tmp_path / "out", workers=1)
    assert (summary.ok, summary.failed, summary.skipped) == (0, 1, 2)
    db = tmp_path / "out" / DB_NAME
    assert count(db, "documents", f"WHERE path = '{paths[1]}'") == 0
    assert count(db, "tasks", of(paths[1])) == 0
    assert count(db, "documents") == 2


def test_the_same_file_given_twice_is_stored_once(tmp_path: Path) -> None:
    (path,) = write_inputs(tmp_path / "in", 1)
    summary = run([str(path), str(path)], tmp_path / "out", workers=1)
    assert summary.ok == 2  # two outputs (a.json, a.txt.json), one document in the store
    db = tmp_path / "out" / DB_NAME
    assert count(db, "documents") == 1
    assert count(db, "tasks") == count(db, "tasks", of(path)) > 0
    assert list(read_manifest(tmp_path / "out" / "manifest.jsonl")) == [str(path)]


def test_indexes_dropped_by_a_killed_bulk_load_come_back_on_the_next_open(tmp_path: Path) -> None:
    store = Store(tmp_path / DB_NAME)
    store.defer_indexes(document_indexes=True)
    store.db.close()  # killed before create_indexes
    assert indexes(tmp_path / DB_NAME) == set()
    Store(tmp_path / DB_NAME).close()
    assert indexes(tmp_path / DB_NAME) == EVERY_INDEX


def test_manifest_lines_follow_rows_in_batches_with_two_workers(tmp_path: Path) -> None:
    write_inputs(tmp_path / "in", 12)
    seen: list[int] = []
    summary = run(
        [str(tmp_path / "in")], tmp_path / "out", options=Options(), workers=2,
        progress=lambda s: seen.append(s.processed),
    )
    assert summary.ok == 12
    assert seen[0] >= 1 and seen[-1] == 12 and seen == sorted(seen)
    records = read_manifest(tmp_path / "out" / "manifest.jsonl")
    db = tmp_path / "out" / DB_NAME
    assert count(db, "documents") == len(records) == 12
    assert indexes(db) == EVERY_INDEX


class IndexBuilds:
    """Watches a run's store: how many documents it held each time it built its indexes, and
    whether rows were ever stored while a build was going on (SQLite would make one wait for
    the other, and the main thread must not wait: it hands out the work)."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.stored_when_built: list[int] = []
        self.building = False
        self.stored_while_building = 0
        create, put_many = Store.create_indexes, Store.put_many

        def recording_create(store: Store, **kwargs: bool) -> None:
            self.building = True
            db = sqlite3.connect(store.path)  # this may be another thread than the store's
            try:
                self.stored_when_built.append(int(db.execute("SELECT count(*) FROM documents").fetchone()[0]))
            finally:
                db.close()
            try:
                time.sleep(0.05)  # a build long enough for documents to come back meanwhile
                create(store, **kwargs)
            finally:
                self.building = False

        def recording_put_many(store: Store, documents: list[Any]) -> None:
            self.stored_while_building += self.building
            put_many(store, documents)

        monkeypatch.setattr(Store, "create_indexes", recording_create)
        monkeypatch.setattr(Store, "put_many", recording_put_many)


def test_a_pool_builds_the_indexes_once_while_the_last_documents_are_in_flight(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_inputs(tmp_path / "in", 12)
    builds = IndexBuilds(monkeypatch)
    seen: list[int] = []
    summary = run([str(tmp_path / "in")], tmp_path / "out", workers=2, progress=lambda s: seen.append(s.processed))
    assert summary.ok == 12
    (built,) = builds.stored_when_built
    assert built < 12  # not after the last one came back
    assert builds.stored_while_building == 0
    assert seen[-1] == 12 and seen == sorted(seen)
    db = tmp_path / "out" / DB_NAME
    assert indexes(db) == EVERY_INDEX
    assert count(db, "documents") == 12
    assert count(db, "tasks") == sum(r["tasks"] for r in read_manifest(tmp_path / "out" / "manifest.jsonl").values())


class FakeStore:
    indexes_deferred = True

    def put_many(self, documents: list[Any]) -> None:
        time.sleep(0.002)  # (storing costs CPU: thread_time grows a little too)

    def create_indexes(self, **kwargs: bool) -> None:
        self.indexes_deferred = False


OK_RESULT = Result(name="a.txt", sha256="0" * 64, status="ok", error=None, counts={}, seconds=0.0, rows={})


def recorder(store: Any, tmp_path: Path) -> _Recorder:
    return _Recorder(store, Manifest(tmp_path / "m.jsonl"), Summary(total=10**6), "v", set(), time.perf_counter(), None)


def test_finishing_waits_while_the_work_left_outlasts_the_index_build(tmp_path: Path) -> None:
    rec = recorder(FakeStore(), tmp_path)
    item = Item(path="a.txt", key="a", source="a.txt")
    result = OK_RESULT
    for _ in range(50):
        rec.add(item, result)
    rec.storing_cpu = 0.3  # stored 50 documents with 0.3 s of CPU: the index build would take ~0.15 s
    rate = rec.came_back / (time.perf_counter() - rec.first_back)
    build = rec.INDEX_SHARE * rec.storing_cpu
    assert not rec.finishing(int(rate * build * rec.FINISHING_MARGIN * 4), handed_out=False)
    assert rec.ending is None
    assert rec.finishing(int(rate * build * rec.FINISHING_MARGIN / 4), handed_out=False)
    rec.close()
    assert not rec.store.indexes_deferred


def test_finishing_starts_once_every_document_is_handed_out(tmp_path: Path) -> None:
    rec = recorder(FakeStore(), tmp_path)
    assert rec.finishing(10**6, handed_out=True)  # however much is left
    rec.close()
    assert not rec.store.indexes_deferred


def test_an_index_build_that_fails_is_reported_after_the_rows_are_stored(tmp_path: Path) -> None:
    class Failing(FakeStore):
        stored = 0

        def put_many(self, documents: list[Any]) -> None:
            self.stored += len(documents)

        def create_indexes(self, **kwargs: bool) -> None:
            raise OutputError("disk full", path="plans.sqlite")

    store = Failing()
    rec = recorder(store, tmp_path)
    assert rec.finishing(5, handed_out=True)
    rec.add(Item(path="a.txt", key="a", source="a.txt"), OK_RESULT)
    with pytest.raises(OutputError, match="disk full"):
        rec.close()
    assert store.stored == 1 and store.indexes_deferred


def test_one_worker_builds_the_indexes_after_the_last_document(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write_inputs(tmp_path / "in", 3)
    builds = IndexBuilds(monkeypatch)
    run([str(tmp_path / "in")], tmp_path / "out", workers=1)
    assert builds.stored_when_built == [3]
    assert indexes(tmp_path / "out" / DB_NAME) == EVERY_INDEX


def test_put_many_keeps_the_order_of_documents(tmp_path: Path) -> None:
    from govplan.pipeline import extract
    from govplan.store import plan_rows

    first = plan_rows(extract(SAMPLES[0]), "a.txt", "a.json", "v")
    second = plan_rows(extract(SAMPLES[1]), "a.txt", "a.json", "v")
    other = plan_rows(extract(SAMPLES[2]), "b.txt", "b.json", "v")
    store = Store(tmp_path / DB_NAME)
    # the same path twice in one call: the later one replaces the earlier, rows and all
    store.put_many([("a.txt", first, False), ("b.txt", other, False), ("a.txt", second, True)])
    store.close()
    db = tmp_path / DB_NAME
    assert count(db, "documents") == 2
    assert count(db, "tasks", of("a.txt")) == len(second["tasks"]) != len(first["tasks"])
    assert count(db, "units", of("b.txt")) == len(other["units"]) > 0


def test_a_store_of_an_older_schema_is_emptied_and_its_documents_redone(tmp_path: Path) -> None:
    write_inputs(tmp_path / "in", 3)
    out = tmp_path / "out"
    run([str(tmp_path / "in")], out, workers=1)
    db = sqlite3.connect(out / DB_NAME)  # as schema 1 left it: documents keyed by path
    db.executescript(
        "DROP TABLE documents; DROP TABLE tasks;"
        "CREATE TABLE documents (path TEXT PRIMARY KEY, sha256 TEXT NOT NULL, version TEXT);"
        "CREATE TABLE tasks (document TEXT NOT NULL, id TEXT);"
        "INSERT INTO documents VALUES ('x.txt', 'abc', 'v'); INSERT INTO tasks VALUES ('x.txt', 't1');"
        "UPDATE info SET value = '1' WHERE key = 'schema_version';"
    )
    db.close()
    from govplan.errors import InputError
    from govplan.store import open_store

    with pytest.raises(InputError, match="another version of govplan"):
        open_store(out)
    summary = run([str(tmp_path / "in")], out, workers=1)
    assert summary.ok == 3 and summary.skipped == 0  # the store no longer held them
    assert count(out / DB_NAME, "documents") == 3
    assert count(out / DB_NAME, "tasks", "WHERE document NOT IN (SELECT id FROM documents)") == 0
    assert indexes(out / DB_NAME) == EVERY_INDEX
    open_store(out).close()


def test_replacing_a_document_gives_it_a_new_id_and_leaves_no_rows_behind(tmp_path: Path) -> None:
    from govplan.pipeline import extract
    from govplan.store import plan_rows

    store = Store(tmp_path / DB_NAME)
    paths = ("0.txt", "1.txt", "0.txt")
    rows = [plan_rows(extract(sample), path, None, "v") for sample, path in zip(SAMPLES[:3], paths, strict=True)]
    store.put_many([("0.txt", rows[0], False), ("1.txt", rows[1], False)])
    store.put_many([("0.txt", rows[2], True), ("1.txt", None, True)])  # replaced; forgotten
    store.close()
    db_path = tmp_path / DB_NAME
    db = sqlite3.connect(db_path)
    try:
        assert list(db.execute("SELECT id, path FROM documents")) == [(3, "0.txt")]
    finally:
        db.close()
    for table in ("sections", "tasks", "units", "deadlines", "targets"):
        assert count(db_path, table) == count(db_path, table, of("0.txt")) == len(rows[2][table])


def _page_size(db_path: Path) -> int:
    db = sqlite3.connect(db_path)
    try:
        return int(db.execute("PRAGMA page_size").fetchone()[0])
    finally:
        db.close()


def test_a_new_store_has_large_pages_and_an_existing_one_keeps_its_own(tmp_path: Path) -> None:
    from govplan.pipeline import extract
    from govplan.store import PAGE_SIZE, plan_rows

    rows = plan_rows(extract(SAMPLES[0]), "a.txt", None, "v")
    (tmp_path / "new").mkdir()
    store = Store(tmp_path / "new" / DB_NAME)
    store.put(rows)
    store.close()
    assert _page_size(tmp_path / "new" / DB_NAME) == PAGE_SIZE > 4096
    old = tmp_path / "old.sqlite"  # a store made with SQLite's default pages, as before
    db = sqlite3.connect(old)
    db.execute("PRAGMA page_size = 4096")
    db.execute("PRAGMA journal_mode = WAL")
    db.close()
    store = Store(old)
    store.put(rows)
    store.close()
    assert _page_size(old) == 4096
    assert count(old, "tasks", of("a.txt")) == len(rows["tasks"]) > 0


def test_rows_hold_plain_values_only() -> None:
    """The rows cross between processes: only str, int, float and None, never an enum member or
    a date (an enum would pickle as a reference to its class and unpickle by a lookup)."""
    from govplan.pipeline import extract
    from govplan.store import plan_rows

    plan = extract(SAMPLES[3])
    rows = plan_rows(plan, "a.txt", "a.json", "v")
    kinds = {type(value) for table in rows.values() for row in table for value in row}
    assert kinds <= {str, int, float, type(None)}, kinds
    units = [(unit.role, unit.name) for task in plan.tasks for unit in task.units]
    assert [(row[3], row[1]) for row in rows["units"]] == [(role.value, name) for role, name in units]
    assert {row[4] for row in rows["deadlines"]} <= {"date", "range", "recurring", "open", "duration"}
    assert rows["deadlines"] and rows["units"]
