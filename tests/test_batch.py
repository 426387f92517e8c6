"""govplan batch: inputs (directories, globs, zip), bad documents, the manifest, resume (also after
a real ``kill -9``), the pure work function, and the CLI."""

from __future__ import annotations

import hashlib
import json
import os
import pickle
import signal
import sqlite3
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from govplan.batch import Options, Selection, convert, read_manifest, run, version_key, walk
from govplan.cli import main

SAMPLES = sorted((Path(__file__).resolve().parent.parent / "samples").glob("*.txt"))

UNITS = ["市住建局", "市财政局", "市交通运输局", "区住房和城乡建设局", "市卫健委", "县自然资源局", "市城管局"]
TASKS = ["推进老旧小区改造", "完善排水设施", "提升绿化水平", "加强道路养护", "优化公交线网", "整治背街小巷"]


def plan_text(n: int) -> str:
    """A small plan that varies with ``n``: title year, tasks, units, deadlines, targets."""
    year = 2021 + n % 4
    lines = [f"某市{year}年城市建设第{n}号工作方案", "", "为推进城市建设，制定本方案。", "", "一、重点任务"]
    for k in range(1 + n % 3):
        title = TASKS[(n + k) % len(TASKS)]
        lead, other = UNITS[(n + k) % len(UNITS)], UNITS[(n + 2 * k + 1) % len(UNITS)]
        lines.append(
            f"（{'一二三'[k]}）{title}。{year}年{6 + k}月底前完成{10 + n % 50}个项目。"
            f"（牵头单位：{lead}；配合单位：{other}）"
        )
    lines += ["二、保障措施", "（一）加强组织领导。"]
    return "\n".join(lines) + "\n"


def write_plans(root: Path, count: int, *, sub: str = "") -> list[Path]:
    folder = root / sub if sub else root
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for n in range(count):
        path = folder / f"plan{n:03d}.txt"
        path.write_text(plan_text(n), encoding="utf-8")
        paths.append(path)
    return paths


def manifest(outdir: Path) -> dict[str, dict]:
    return read_manifest(outdir / "manifest.jsonl")


def store_dump(outdir: Path) -> dict[str, list[tuple]]:
    """Every row of the store, with each document's path in place of its id (the ids depend on
    the order the documents came back in)."""
    db = sqlite3.connect(outdir / "plans.sqlite")
    try:
        dump = {
            "documents": sorted((row[1:] for row in db.execute("SELECT * FROM documents")), key=repr),
            "aliases": sorted(db.execute("SELECT * FROM aliases"), key=repr),
        }
        for table in ("sections", "tasks", "units", "deadlines", "targets"):
            orphans = db.execute(f"SELECT count(*) FROM {table} WHERE document NOT IN (SELECT id FROM documents)")
            assert orphans.fetchone()[0] == 0, f"{table}: rows of no document"
            rows = db.execute(f"SELECT d.path, t.* FROM {table} t JOIN documents d ON d.id = t.document")
            dump[table] = sorted(((row[0], *row[2:]) for row in rows), key=repr)
        return dump
    finally:
        db.close()


def tree(outdir: Path) -> dict[str, bytes]:
    """Every output file (the store and the manifest apart), by relative path."""
    return {
        p.relative_to(outdir).as_posix(): p.read_bytes()
        for p in sorted(outdir.rglob("*"))
        if p.is_file() and p.name not in ("plans.sqlite", "manifest.jsonl")
    }


def comparable_manifest(outdir: Path) -> list[dict]:
    text = (outdir / "manifest.jsonl").read_text(encoding="utf-8")
    return [{k: v for k, v in json.loads(line).items() if k != "seconds"} for line in text.splitlines()]


# --- the work function ---------------------------------------------------------------------------


def test_convert_is_pure_and_picklable():
    data = plan_text(1).encode("utf-8")
    result = convert(data, "a/plan.txt", Options())
    assert result.status == "ok" and result.error is None
    assert result.counts["tasks"] == 2 and result.counts["units"] == 4 and result.counts["deadlines"] == 2
    plan = json.loads(result.output)
    assert plan["tasks"][0]["title"] == "完善排水设施"
    assert result.rows["documents"][0][0] == "a/plan.txt"
    assert [row[1:4] for row in result.rows["units"]] == [
        ("市财政局", "市财政局", "lead"),
        ("市交通运输局", "市交通运输局", "cooperating"),
        ("市交通运输局", "市交通运输局", "lead"),
        ("市卫健委", "市卫生健康委员会", "cooperating"),
    ]
    again = pickle.loads(pickle.dumps(result))
    assert again == result
    assert pickle.loads(pickle.dumps(convert)) is convert  # a plain module-level function
    assert convert(data, "a/plan.txt", Options()).output == result.output  # no state between calls


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (b"", "empty.txt", "empty file"),
        (b"\x00\x01\x02binary\x00" * 50, "x.txt", "binary"),
        (b"plain text, not a zip", "bad.docx", "corrupt .docx"),
        (b"PK\x03\x04 broken zip body", "broken.docx", "docx"),
    ],
)
def test_convert_returns_errors_as_records(data: bytes, name: str, message: str):
    result = convert(data, name, Options())
    assert result.status == "failed"
    assert message in (result.error or "")
    assert result.output is None and result.rows is None
    assert result.counts == dict.fromkeys(("sections", "tasks", "units", "deadlines", "targets"), 0)


def test_yaml_output():
    result = convert(plan_text(2).encode("utf-8"), "p.txt", Options(fmt="yaml"))
    assert result.output is not None and result.output.startswith(b"schema_version:")


# --- inputs --------------------------------------------------------------------------------------


def test_walk_mirrors_a_directory_and_applies_globs(tmp_path: Path):
    write_plans(tmp_path / "in", 2)
    write_plans(tmp_path / "in", 2, sub="2023/q1")
    (tmp_path / "in" / "notes.md").write_text("x", encoding="utf-8")
    (tmp_path / "in" / "2023" / "draft.txt").write_text(plan_text(5), encoding="utf-8")
    items = walk([str(tmp_path / "in")], Selection())
    assert [i.key for i in items] == ["plan000", "plan001", "2023/draft", "2023/q1/plan000", "2023/q1/plan001"]
    items = walk([str(tmp_path / "in")], Selection(exclude=("draft*", "2023/q1/plan001.txt")))
    assert [i.key for i in items] == ["plan000", "plan001", "2023/q1/plan000"]
    items = walk([str(tmp_path / "in")], Selection(include=("2023/*",)))
    assert [i.key for i in items] == ["2023/draft", "2023/q1/plan000", "2023/q1/plan001"]


@pytest.mark.parametrize(
    "name", ["a/b.txt", "b.tar.gz", ".hidden", "b.", "a.b/c", "x/.y", "a", "a/b..c", "中文/文件.docx", "a/b/c.d.e"]
)
def test_strip_suffix_is_pathlibs_with_suffix(name: str):
    from pathlib import PurePosixPath

    from govplan.batch import _strip_suffix

    posix = PurePosixPath(name)
    assert _strip_suffix(name) == (str(posix.with_suffix("")) if posix.suffix else name)


@pytest.mark.parametrize(
    ("relative", "pattern", "expected"),
    [
        ("a/b/plan.txt", "*.txt", True),  # by the name, at any depth
        ("a/b/plan.txt", "a/*", True),  # from the top: fnmatch's * crosses /
        ("a/b/plan.txt", "b/*.txt", True),  # by the last parts
        ("a/b/plan.txt", "c/*.txt", False),
        ("a/b/plan.txt", "*.docx", False),
        ("plan.TXT", "*.txt", False),  # case matters, as on the file system
    ],
)
def test_glob_matching(relative: str, pattern: str, expected: bool):
    from govplan.batch import _matches

    assert _matches(relative, (pattern,)) is expected


def test_walk_keeps_colliding_outputs_apart(tmp_path: Path):
    (tmp_path / "a.txt").write_text(plan_text(1), encoding="utf-8")
    (tmp_path / "a.html").write_text("<html><body><p>一、任务</p></body></html>", encoding="utf-8")
    assert [i.key for i in walk([str(tmp_path)], Selection())] == ["a", "a.txt"]  # a.json, a.txt.json


def test_a_directory_with_bad_files_finishes_the_others(tmp_path: Path):
    source = tmp_path / "in"
    good = write_plans(source, 3) + write_plans(source, 2, sub="sub")
    (source / "empty.txt").write_bytes(b"")
    (source / "binary.txt").write_bytes(bytes(range(256)) * 20)
    (source / "sub" / "corrupt.docx").write_bytes(b"PK\x03\x04" + b"\x00" * 100)
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["batch", str(source), "-o", str(out), "--workers", "2"])
    assert result.exit_code == 1, result.output
    assert "3 failed" in result.stderr and "5 ok" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1  # not a terminal: one summary line, no progress
    assert result.stdout == ""
    records = manifest(out)
    assert len(records) == 8
    failed = {Path(p).name: r for p, r in records.items() if r["status"] == "failed"}
    assert set(failed) == {"empty.txt", "binary.txt", "corrupt.docx"}
    assert "empty" in failed["empty.txt"]["error"]
    assert "binary" in failed["binary.txt"]["error"]
    assert "docx" in failed["corrupt.docx"]["error"]
    assert all(r["output"] is None and r["tasks"] == 0 for r in failed.values())
    ok = [r for r in records.values() if r["status"] == "ok"]
    assert {r["output"] for r in ok} == {"plan000.json", "plan001.json", "plan002.json", "sub/plan000.json", "sub/plan001.json"}
    for r in ok:
        assert len(r["sha256"]) == 64 and r["tasks"] >= 1 and r["units"] >= 2 and r["seconds"] >= 0
        assert r["version"] == version_key(None)
    assert sorted(tree(out)) == ["plan000.json", "plan001.json", "plan002.json", "sub/plan000.json", "sub/plan001.json"]
    plan = json.loads((out / "sub" / "plan001.json").read_bytes())
    assert plan["source"]["sha256"] == records[str(good[4])]["sha256"]
    lines = (out / "manifest.jsonl").read_text(encoding="utf-8").splitlines()
    assert [json.loads(line)["path"] for line in lines] == sorted(records)  # compacted, sorted


def test_a_zip_archive(tmp_path: Path):
    archive = tmp_path / "notices.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("2022/a.txt", plan_text(1))
        zf.writestr("2023/b.txt", plan_text(2).encode("gb18030"))  # any common encoding
        zf.writestr("2023/readme.md", "not a plan")
        zf.writestr("../escape.txt", plan_text(3))  # must stay inside OUTDIR
        zf.writestr("empty.txt", b"")
    out = tmp_path / "out"
    summary = run([str(archive)], out, workers=1)
    assert (summary.ok, summary.failed, summary.total) == (3, 1, 4)
    assert sorted(tree(out)) == ["notices/2022/a.json", "notices/2023/b.json", "notices/escape.json"]
    records = manifest(out)
    assert records[f"{archive}/empty.txt"]["status"] == "failed"
    b = json.loads((out / "notices/2023/b.json").read_bytes())
    assert b["source"]["encoding"] == "gb18030" and b["tasks"][0]["title"] == "提升绿化水平"
    assert records[f"{archive}/2023/b.txt"]["path"] == f"{archive}/2023/b.txt"


def test_resume_skips_done_and_redoes_changed(tmp_path: Path):
    source = tmp_path / "in"
    paths = write_plans(source, 4)
    out = tmp_path / "out"
    first = run([str(source)], out, workers=1)
    assert (first.ok, first.skipped) == (4, 0)
    before = store_dump(out)
    second = run([str(source)], out, workers=1)
    assert (second.ok, second.skipped) == (0, 4)
    assert store_dump(out) == before
    paths[2].write_text(plan_text(9), encoding="utf-8")  # changed bytes: done again
    (out / "plan001.json").unlink()  # a lost output: done again
    third = run([str(source)], out, workers=1)
    assert (third.ok, third.skipped) == (2, 2)
    after = store_dump(out)
    assert len(after["documents"]) == 4  # replaced, never added
    assert len(after["tasks"]) == len({(row[0], row[1]) for row in after["tasks"]})
    titles = {row[3] for row in after["tasks"] if row[0] == str(paths[2])}
    assert titles == {TASKS[(9 + k) % len(TASKS)] for k in range(1)}
    forced = run([str(source)], out, workers=1, resume=False)
    assert (forced.ok, forced.skipped) == (4, 0)


def test_other_rules_are_another_version(tmp_path: Path):
    rules = tmp_path / "rules"
    rules.mkdir()
    (rules / "units.yaml").write_text("aliases:\n  市卫健委: 市卫生健康委员会\n", encoding="utf-8")
    assert version_key(str(rules)) != version_key(None)
    write_plans(tmp_path / "in", 2)
    out = tmp_path / "out"
    run([str(tmp_path / "in")], out, workers=1)
    again = run([str(tmp_path / "in")], out, workers=1, options=Options(rules_dir=str(rules)))
    assert (again.ok, again.skipped) == (2, 0)


def test_oversized_documents_are_skipped(tmp_path: Path):
    write_plans(tmp_path / "in", 2)
    (tmp_path / "in" / "huge.txt").write_text(plan_text(1) * 200, encoding="utf-8")
    out = tmp_path / "out"
    summary = run([str(tmp_path / "in")], out, workers=1, options=Options(max_bytes=20_000))
    assert (summary.ok, summary.oversized, summary.skipped, summary.failed) == (2, 1, 0, 0)
    assert "1 too large" in summary.line()
    record = manifest(out)[str(tmp_path / "in" / "huge.txt")]
    assert record["status"] == "skipped" and "size limit" in record["error"]


def test_oversized_archive_members_are_skipped_and_the_limit_is_inclusive(tmp_path: Path):
    small = plan_text(1).encode("utf-8")
    with zipfile.ZipFile(tmp_path / "a.zip", "w") as archive:
        archive.writestr("small.txt", small)
        archive.writestr("huge.txt", small * 200)
    (tmp_path / "exact.txt").write_bytes(small)
    out = tmp_path / "out"
    summary = run([str(tmp_path / "a.zip"), str(tmp_path / "exact.txt")], out, workers=1, options=Options(max_bytes=len(small)))
    assert (summary.ok, summary.oversized, summary.failed) == (2, 1, 0)
    records = manifest(out)
    assert records[f"{tmp_path / 'a.zip'}/huge.txt"]["status"] == "skipped"
    assert records[f"{tmp_path / 'a.zip'}/small.txt"]["status"] == "ok"
    assert records[str(tmp_path / "exact.txt")]["status"] == "ok"  # exactly at the limit: read


def test_missing_input_is_a_one_line_error(tmp_path: Path):
    result = CliRunner().invoke(main, ["batch", str(tmp_path / "nope"), "-o", str(tmp_path / "out")])
    assert result.exit_code == 3
    assert "no such file" in result.stderr and "Traceback" not in result.stderr


# --- kill -9 part-way, then resume ---------------------------------------------------------------


def _children(pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        children = (task / "children").read_text(encoding="ascii").split()
        found.extend(int(child) for child in children)
    return found


def _batch_command(source: Path, out: Path, workers: int) -> list[str]:
    return [sys.executable, "-m", "govplan", "batch", str(source), "-o", str(out), "--workers", str(workers)]


@pytest.mark.parametrize("workers", [1, 2])
def test_resume_after_kill_9_gives_what_one_run_gives(tmp_path: Path, workers: int):
    source = tmp_path / "in"
    for n, sample in enumerate(SAMPLES * 6):  # 30 real plans
        (source / f"{n % 4}").mkdir(parents=True, exist_ok=True)
        (source / f"{n % 4}" / f"{n:03d}.txt").write_bytes(sample.read_bytes() + f"\n附件{n}\n".encode())
    (source / "bad.txt").write_bytes(b"\x00" * 64)
    total = 31

    whole = tmp_path / "whole"
    done = subprocess.run(_batch_command(source, whole, workers), capture_output=True, text=True, timeout=120)
    assert done.returncode == 1, done.stderr

    killed = tmp_path / "killed"
    process = subprocess.Popen(_batch_command(source, killed, workers), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    lines = 0
    while time.monotonic() < deadline:
        path = killed / "manifest.jsonl"
        lines = path.read_bytes().count(b"\n") if path.exists() else 0
        if lines >= 1:
            break
        time.sleep(0.005)
    workers_of_run = _children(process.pid)
    assert workers == 1 or workers_of_run, "killed before the pool started"
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
    assert 1 <= lines < total, "the run was not killed part-way"
    gone_by = time.monotonic() + 10
    while any(Path(f"/proc/{pid}").exists() for pid in workers_of_run) and time.monotonic() < gone_by:
        time.sleep(0.05)
    assert not [pid for pid in workers_of_run if Path(f"/proc/{pid}").exists()], "workers outlived the batch"

    resumed = subprocess.run(_batch_command(source, killed, workers), capture_output=True, text=True, timeout=120)
    assert resumed.returncode == 1, resumed.stderr
    assert "already done" in resumed.stderr
    assert tree(killed) == tree(whole)
    assert comparable_manifest(killed) == comparable_manifest(whole)
    assert store_dump(killed) == store_dump(whole)
    assert not list(killed.rglob("*.tmp"))
    records = manifest(killed)
    assert sum(r["status"] == "ok" for r in records.values()) == total - 1


def test_batch_outputs_are_what_export_renders(tmp_path: Path):
    """A batch writes each plan exactly as ``govplan extract`` does (export.render; its fast JSON
    path is held to json.dumps in test_fast_json.py)."""
    from govplan import extract
    from govplan.export import render

    source = tmp_path / "in"
    source.mkdir()
    for n, sample in enumerate(SAMPLES[:2]):
        (source / f"{n}.txt").write_bytes(sample.read_bytes())
    for fmt in ("json", "yaml"):
        out = tmp_path / fmt
        summary = run([str(source)], out, options=Options(fmt=fmt), workers=1)
        assert summary.ok == 2
        for n, sample in enumerate(SAMPLES[:2]):
            plan = extract(source / f"{n}.txt")
            assert (out / f"{n}.{fmt}").read_bytes() == render(plan, fmt)
            assert plan.source.sha256 == hashlib.sha256(sample.read_bytes()).hexdigest()


def test_yaml_outputs_and_globs_from_the_command_line(tmp_path: Path):
    write_plans(tmp_path / "in", 3)
    write_plans(tmp_path / "in", 2, sub="drafts")
    out = tmp_path / "out"
    result = CliRunner().invoke(
        main, ["batch", str(tmp_path / "in"), "-o", str(out), "-f", "yaml", "--exclude", "drafts/*", "-w", "1"]
    )
    assert result.exit_code == 0, result.stderr
    assert sorted(tree(out)) == ["plan000.yaml", "plan001.yaml", "plan002.yaml"]
    assert (out / "plan001.yaml").read_text(encoding="utf-8").startswith("schema_version:")
    again = CliRunner().invoke(main, ["batch", str(tmp_path / "in"), "-o", str(out), "-f", "yaml", "--exclude", "drafts/*"])
    assert again.exit_code == 0 and "3 already done" in again.stderr


def test_chunk_size_keeps_every_worker_busy_and_caps_the_chunk() -> None:
    from govplan.batch import CHUNK_MAX, chunk_size

    assert chunk_size(1, 2) == 1 and chunk_size(40, 2) == 1  # short runs: one document a task
    assert chunk_size(2000, 2) == CHUNK_MAX  # long runs: capped
    for documents in (1, 33, 100, 257, 1000, 5000):
        for workers in (1, 2, 3, 8):
            size = chunk_size(documents, workers)
            assert 1 <= size <= CHUNK_MAX
            assert size == 1 or documents // size >= workers * 16  # at least 16 tasks a worker


def test_write_replacing_leaves_no_temporary_and_replaces(tmp_path: Path) -> None:
    from govplan.batch import write_replacing

    target = tmp_path / "a.json"
    write_replacing(target, b"one")
    write_replacing(target, b"two" * 100_000)
    assert target.read_bytes() == b"two" * 100_000
    assert [p.name for p in tmp_path.iterdir()] == ["a.json"]


def _encoded_variants() -> list[tuple[str, bytes]]:
    text = SAMPLES[0].read_text(encoding="utf-8")
    return [
        ("a.txt", text.encode("utf-8")),
        ("b.txt", b"\xef\xbb\xbf" + text.encode("utf-8")),
        ("c.txt", text.encode("gb18030")),
        ("d.txt", text.encode("utf-16")),
        ("e.txt", text.replace("\n", "\r\n").encode("utf-8")),
    ]


@pytest.mark.parametrize(
    "name",
    [p.name for p in sorted((Path(__file__).parent / "fixtures").rglob("*.*")) if p.suffix in {".docx", ".html", ".pdf"}]
    + [name for name, _ in _encoded_variants()],
)
def test_every_reader_hashes_the_bytes_it_was_given(name: str) -> None:
    """batch.convert takes a document's sha256 from its reader instead of hashing it again."""
    from govplan.errors import GovplanError
    from govplan.readers import read_bytes

    fixtures = {p.name: p for p in (Path(__file__).parent / "fixtures").rglob("*.*")}
    data = dict(_encoded_variants()).get(name) or fixtures[name].read_bytes()
    try:
        document = read_bytes(data, name)
    except GovplanError:  # (a scanned or encrypted PDF, or no PDF support installed)
        return
    assert document.source.sha256 == hashlib.sha256(data).hexdigest()
    result = convert(data, name, Options())
    assert result.status == "ok" and result.sha256 == document.source.sha256


def test_a_failed_document_still_has_its_sha256() -> None:
    data = b"\x00\x01binary\x02" * 10
    result = convert(data, "x.txt", Options())
    assert result.status == "failed" and result.sha256 == hashlib.sha256(data).hexdigest()
