"""The batch's store writes: the parent is the only writer (rows recorded a fraction of a second's
worth at a time, then their manifest lines), and a bulk load builds its indexes at the end."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from govplan.batch import Options, read_manifest, run
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
    tasks_before = count(db, "tasks", f"WHERE document = '{paths[0]}'")
    paths[0].write_bytes(SAMPLES[1].read_bytes())  # one document changed: redone, its rows replaced
    summary = run([str(tmp_path / "in")], tmp_path / "out", workers=1)
    assert (summary.ok, summary.skipped) == (1, 5)
    assert indexes(db) == EVERY_INDEX
    assert count(db, "documents") == 6
    assert count(db, "documents", f"WHERE path = '{paths[0]}'") == 1
    assert count(db, "tasks", f"WHERE document = '{paths[0]}'") != tasks_before


def test_a_failure_removes_the_old_rows_of_its_document(tmp_path: Path) -> None:
    paths = write_inputs(tmp_path / "in", 3)
    run([str(tmp_path / "in")], tmp_path / "out", workers=1)
    paths[1].write_bytes(b"\x00" * 64)  # now binary: it fails, its old plan no longer stands
    summary = run([str(tmp_path / "in")], tmp_path / "out", workers=1)
    assert (summary.ok, summary.failed, summary.skipped) == (0, 1, 2)
    db = tmp_path / "out" / DB_NAME
    assert count(db, "documents", f"WHERE path = '{paths[1]}'") == 0
    assert count(db, "tasks", f"WHERE document = '{paths[1]}'") == 0
    assert count(db, "documents") == 2


def test_the_same_file_given_twice_is_stored_once(tmp_path: Path) -> None:
    (path,) = write_inputs(tmp_path / "in", 1)
    summary = run([str(path), str(path)], tmp_path / "out", workers=1)
    assert summary.ok == 2  # two outputs (a.json, a.txt.json), one document in the store
    db = tmp_path / "out" / DB_NAME
    assert count(db, "documents") == 1
    assert count(db, "tasks") == count(db, "tasks", f"WHERE document = '{path}'") > 0
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


def record_index_builds(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """How many documents the store held each time it built its indexes (filled as a run goes)."""
    stored_when_built: list[int] = []
    create = Store.create_indexes

    def recording(store: Store) -> None:
        stored_when_built.append(int(store.db.execute("SELECT count(*) FROM documents").fetchone()[0]))
        create(store)

    monkeypatch.setattr(Store, "create_indexes", recording)
    return stored_when_built


def test_a_pool_builds_the_indexes_once_while_the_last_documents_are_in_flight(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_inputs(tmp_path / "in", 12)
    stored_when_built = record_index_builds(monkeypatch)
    seen: list[int] = []
    summary = run([str(tmp_path / "in")], tmp_path / "out", workers=2, progress=lambda s: seen.append(s.processed))
    assert summary.ok == 12
    (built,) = stored_when_built
    assert built < 12  # not after the last one came back
    # from then on each document is stored as it comes back, not a quarter second's worth at a time
    assert seen[-(12 - built):] == list(range(built + 1, 13))
    db = tmp_path / "out" / DB_NAME
    assert indexes(db) == EVERY_INDEX
    assert count(db, "documents") == 12
    assert count(db, "tasks") == sum(r["tasks"] for r in read_manifest(tmp_path / "out" / "manifest.jsonl").values())


def test_one_worker_builds_the_indexes_after_the_last_document(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write_inputs(tmp_path / "in", 3)
    stored_when_built = record_index_builds(monkeypatch)
    run([str(tmp_path / "in")], tmp_path / "out", workers=1)
    assert stored_when_built == [3]
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
    assert count(db, "tasks", "WHERE document = 'a.txt'") == len(second["tasks"]) != len(first["tasks"])
    assert count(db, "units", "WHERE document = 'b.txt'") == len(other["units"]) > 0
