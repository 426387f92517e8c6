"""batch: whole archives of documents, in parallel processes, resumable, into files and a store.

The unit of work is ``convert(data, name, options) -> Result``: bytes and a name in, one plain,
picklable record out (the rendered output, the rows for the store, the counts, or the error as a
message).  It never raises for a bad document and touches no file, so any engine that maps a
function over items (a process pool here; Ray, Dask or Spark on a cluster) can run it unchanged::

    results = ray.get([ray.remote(convert).remote(data, name, options) for name, data in items])

Rules are loaded once per process (``load_rules`` is cached) and compiled on first use.

``run(inputs, outdir, …)`` walks the inputs (files, directories with include/exclude globs,
.zip archives), skips what an earlier run already did and sends the rest to ``workers``
processes.  Each worker runs ``process(item)``: it reads the document, calls ``convert``, writes
the output file and hands the rows back; the parent (the store's only writer, so no process ever
waits for SQLite's lock) records what comes back a fraction of a second's worth at a time.  The
steps for a document come in this order, so a run killed at any moment (Ctrl-C, ``kill -9``)
loses nothing and leaves nothing half-written:

1. (in the worker) the output file, through a temporary file and a rename (``write_replacing``);
2. the document's rows in ``plans.sqlite``, one transaction for the documents recorded together
   that first deletes their old rows;
3. then their lines appended to ``manifest.jsonl``, flushed.

A document counts as done when all three agree (the manifest says ok with the same sha256 and
version, the store holds it with the same, and the output file exists); anything else is redone,
and a redo replaces rather than adds.  At the end of a run the manifest is rewritten (atomically)
with one line per document, sorted by path, so a resumed run ends with exactly the files of an
uninterrupted one.
"""

from __future__ import annotations

import contextlib
import fnmatch
import hashlib
import json
import os
import re
import time
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path, PurePosixPath
from typing import Any

from .errors import GovplanError, InputError, OutputError

MANIFEST = "manifest.jsonl"
DEFAULT_INCLUDE = ("*.txt", "*.docx", "*.html", "*.htm", "*.xhtml", "*.shtml", "*.pdf")
_SUFFIX = {"json": ".json", "yaml": ".yaml"}
COUNT_NAMES = ("sections", "tasks", "units", "deadlines", "targets")


# --- the unit of work ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Options:
    """What every document of a batch is converted with."""

    fmt: str = "json"  # json | yaml
    rules_dir: str | None = None
    max_bytes: int | None = 50_000_000  # a larger input is skipped (recorded), not read


@dataclass(frozen=True, slots=True)
class Result:
    """What converting one document gave: plain data only (picklable, engine-neutral)."""

    name: str
    sha256: str
    status: str  # ok | failed | skipped (larger than the size limit)
    error: str | None
    counts: dict[str, int]
    seconds: float
    chars: int = 0
    output: bytes | None = None  # the rendered plan (json or yaml)
    rows: dict[str, list[tuple[Any, ...]]] | None = None  # the store's rows (``store.plan_rows``)
    written: str | None = None  # where a local worker wrote the output, relative to OUTDIR


def convert(data: bytes, name: str, options: Options = Options()) -> Result:
    """Convert one document given as bytes; an error comes back as a ``failed`` Result."""
    from .export import render
    from .pipeline import extract
    from .readers import read_bytes
    from .store import plan_counts, plan_rows

    started = time.perf_counter()
    sha = ""
    try:
        rules = _rules(options.rules_dir)
        document = read_bytes(data, name)
        sha = document.source.sha256  # of ``data``, as every reader gives it (tested)
        plan = extract(document, rules)
        output = render(plan, options.fmt)
        counts = plan_counts(plan)
        rows = plan_rows(plan, name, None, version_key(options.rules_dir), counts)
    except GovplanError as err:
        sha = sha or hashlib.sha256(data).hexdigest()
        return _failed(name, sha, err.message if err.path == name else str(err), started)
    except Exception as err:  # a bug: recorded, and the batch goes on
        sha = sha or hashlib.sha256(data).hexdigest()
        return _failed(name, sha, f"internal error: {type(err).__name__}: {err}", started)
    return Result(
        name=name,
        sha256=sha,
        status="ok",
        error=None,
        counts=counts,
        seconds=time.perf_counter() - started,
        chars=plan.source.chars,
        output=output,
        rows=rows,
    )


def _failed(name: str, sha: str, message: str, started: float) -> Result:
    counts = dict.fromkeys(COUNT_NAMES, 0)
    return Result(name, sha, "failed", message, counts, time.perf_counter() - started)


def _rules(rules_dir: str | None) -> Any:
    from .ruleset import load_rules

    return load_rules(rules_dir)  # cached: once per process


_VERSIONS: dict[str | None, str] = {}


def version_key(rules_dir: str | None) -> str:
    """govplan's version and a hash of the effective rule files (defaults plus ``rules_dir``):
    a document converted under another key is converted again."""
    if rules_dir not in _VERSIONS:
        from . import __version__

        rules = _rules(rules_dir)
        digest = hashlib.sha256()
        for name in rules.names():
            for kind, source in zip(("default", "user"), rules.sources(name), strict=False):
                digest.update(f"{name}\0{kind}\0".encode())
                digest.update(Path(source).read_bytes())
                digest.update(b"\0")
        _VERSIONS[rules_dir] = f"{__version__}+rules.{digest.hexdigest()[:12]}"
    return _VERSIONS[rules_dir]


def _warm_worker(rules_dir: str | None, parent: int) -> None:
    """Process-pool initializer: Ctrl-C is the parent's to handle; a worker dies with its parent
    (after a ``kill -9`` of the batch no worker lives on); rules loaded and compiled."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _die_with_parent()
    if os.getppid() != parent:  # the parent died before we got here
        os._exit(1)
    warm(rules_dir)


def _die_with_parent() -> None:
    """Linux: ask the kernel to SIGKILL this process when its parent dies (prctl PR_SET_PDEATHSIG)."""
    import signal
    import sys

    if not sys.platform.startswith("linux"):
        return
    with contextlib.suppress(Exception):
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, int(signal.SIGKILL), 0, 0, 0)  # 1 = PR_SET_PDEATHSIG


def warm(rules_dir: str | None) -> None:
    """Load the rules and compile every stage's patterns (a small plan through the pipeline),
    then move everything alive into the garbage collector's permanent generation
    (``gc.freeze``): the modules, rules and compiled patterns live as long as the process, and
    the full collections a batch's allocations trigger no longer walk them (3–5% of a batch's
    time); forked workers also keep sharing those pages with the parent (a collection that walks
    an object writes to its header, which copies the page)."""
    import gc

    convert("关于印发某工作方案的通知\n一、重点任务\n（一）完善制度。2023年底前完成。（责任单位：市住建局）\n".encode(), "warm.txt",
            Options(rules_dir=rules_dir))
    gc.freeze()


# --- inputs --------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Item:
    """One document of the inputs: its manifest path, where its output goes, how to get its bytes."""

    path: str  # as the user knows it: a file path, or archive.zip/member/path.txt
    key: str  # output path relative to OUTDIR, without the format's suffix
    source: str  # the file to read (the archive, for a member)
    member: str | None = None  # the member's name inside the archive

    def size(self) -> int:
        if self.member is None:
            return Path(self.source).stat().st_size
        with zipfile.ZipFile(self.source) as archive:
            return archive.getinfo(self.member).file_size

    def read(self) -> bytes:
        if self.member is None:
            return Path(self.source).read_bytes()
        with zipfile.ZipFile(self.source) as archive:
            return archive.read(self.member)


@dataclass(frozen=True)
class Selection:
    include: tuple[str, ...] = DEFAULT_INCLUDE
    exclude: tuple[str, ...] = ()

    def wants(self, relative: str) -> bool:
        return _matches(relative, self.include) and not _matches(relative, self.exclude)


def _matches(relative: str, patterns: tuple[str, ...]) -> bool:
    """``*.txt`` matches at any depth (by the name), ``2023/*`` from the top (fnmatch's * crosses /),
    ``2023/*.txt`` by the path's last parts (``PurePosixPath.match``)."""
    name = relative.rpartition("/")[2]
    for pattern in patterns:
        if fnmatch.fnmatch(name, pattern) or fnmatch.fnmatch(relative, pattern):
            return True
        if "/" in pattern and PurePosixPath(relative).match(pattern):  # else the same as the name's
            return True
    return False


def walk(inputs: list[str], selection: Selection, skip_dir: Path | None = None) -> list[Item]:
    """Every document of ``inputs``, in a stable order.  One directory alone is mirrored from its
    top (DIR/a/b.txt → a/b); otherwise each input keeps its own name (…/DIR/a/b.txt → DIR/a/b).
    A .zip is an archive of documents (archive.zip/a.txt → archive/a); an explicit file is
    always taken, directory members and archive members pass the include/exclude globs."""
    items: list[Item] = []
    single_dir = len(inputs) == 1 and Path(inputs[0]).is_dir()
    for given in inputs:
        path = Path(given)
        if not path.exists():
            raise InputError("no such file or directory", path=given)
        if path.is_dir():
            base = "" if single_dir else _clean_key(path.resolve().name)
            items.extend(_walk_dir(path, base, selection, skip_dir))
        elif path.suffix.lower() == ".zip":
            items.extend(_walk_zip(path, given, _strip_suffix(path.name), selection))
        else:
            items.append(Item(path=given, key=_strip_suffix(path.name), source=given))
    return _unique_keys(items)


def _walk_dir(root: Path, base: str, selection: Selection, skip_dir: Path | None) -> Iterator[Item]:
    skip = skip_dir.resolve() if skip_dir is not None else None
    for current, dirs, files in os.walk(root):  # (string operations: pathlib's cost a file adds up)
        here = Path(current)
        dirs[:] = sorted(d for d in dirs if not d.startswith(".") and (here / d).resolve() != skip)
        folder = here.relative_to(root).as_posix()
        prefix = "" if folder == "." else folder + "/"
        for name in sorted(files):
            if name.startswith("."):
                continue
            file = os.path.join(current, name)
            relative = prefix + name
            key = f"{base}/{relative}" if base else relative
            if name.lower().endswith(".zip"):
                if _matches(relative, selection.exclude):
                    continue
                yield from _walk_zip(Path(file), file, _strip_suffix(key), selection)
            elif selection.wants(relative):
                yield Item(path=file, key=_strip_suffix(key), source=file)


def _walk_zip(archive: Path, shown: str, base: str, selection: Selection) -> Iterator[Item]:
    try:
        with zipfile.ZipFile(archive) as zf:
            infos = zf.infolist()
    except (zipfile.BadZipFile, OSError) as err:
        raise InputError(f"not a readable .zip archive: {err}", path=shown) from None
    members = []
    for info in infos:
        if info.is_dir():
            continue
        relative = _clean_key(_member_name(info))
        if not relative or PurePosixPath(relative).name.startswith(".") or relative.startswith("__MACOSX/"):
            continue
        if selection.wants(relative):
            members.append((relative, info.filename))
    for relative, member in sorted(members):
        yield Item(path=f"{shown}/{relative}", key=f"{base}/{_strip_suffix(relative)}", source=str(archive), member=member)


def _member_name(info: zipfile.ZipInfo) -> str:
    """A member's name as its author wrote it: archives made on Chinese Windows store GBK names
    without the UTF-8 flag, which zipfile decodes as cp437."""
    if info.flag_bits & 0x800:
        return info.filename
    try:
        return info.filename.encode("cp437").decode("gbk")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return info.filename


def _clean_key(name: str) -> str:
    """A relative POSIX path that stays inside OUTDIR (no absolute part, no ..)."""
    parts = [p for p in name.replace("\\", "/").split("/") if p not in ("", ".", "..")]
    return "/".join(parts)


def _strip_suffix(name: str) -> str:
    """a/b.txt → a/b (``PurePosixPath.with_suffix("")`` for a clean relative path: b.tar.gz → b.tar,
    .hidden and b. keep theirs)."""
    head, slash, last = name.rpartition("/")
    dot = last.rfind(".")
    return head + slash + last[:dot] if 0 < dot < len(last) - 1 else name


def _unique_keys(items: list[Item]) -> list[Item]:
    """a.txt and a.docx side by side would both be a.json: the later keeps its suffix (a.docx.json)."""
    seen: set[str] = set()
    out = []
    for item in items:
        key = item.key
        if key in seen:
            key = item.key + PurePosixPath(item.path).suffix
            n = 2
            while key in seen:
                key = f"{item.key}.{n}"
                n += 1
            item = Item(item.path, key, item.source, item.member)
        seen.add(key)
        out.append(item)
    return out


# --- the manifest --------------------------------------------------------------------------------


def read_manifest(path: Path) -> dict[str, dict[str, Any]]:
    """path → latest record; a torn last line (a killed writer) is ignored."""
    records: dict[str, dict[str, Any]] = {}
    try:
        with open(path, encoding="utf-8") as handle:
            for line in handle:
                try:
                    record = json.loads(line)
                except ValueError:
                    continue
                if isinstance(record, dict) and isinstance(record.get("path"), str):
                    records[record["path"]] = record
    except FileNotFoundError:
        pass
    return records


class Manifest:
    """manifest.jsonl, appended one flushed line per finished document."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.records = read_manifest(path)
        try:
            self.handle = open(path, "a+b")  # noqa: SIM115 - held open for the whole run
            self.handle.seek(0, os.SEEK_END)
            if self.handle.tell() > 0:
                self.handle.seek(-1, os.SEEK_END)
                if self.handle.read(1) != b"\n":  # a line torn by a kill: end it
                    self.handle.write(b"\n")
        except OSError as err:
            raise OutputError(f"cannot write the manifest: {err.strerror or err}", path=str(path)) from None

    def append(self, record: dict[str, Any]) -> None:
        self.append_many([record])

    def append_many(self, records: list[dict[str, Any]]) -> None:
        """One line per record, in one write, flushed."""
        lines = "".join(json.dumps(record, ensure_ascii=False) + "\n" for record in records)
        try:
            self.handle.write(lines.encode("utf-8"))
            self.handle.flush()
        except OSError as err:
            raise OutputError(f"cannot write the manifest: {err.strerror or err}", path=str(self.path)) from None
        for record in records:
            self.records[record["path"]] = record

    def compact(self) -> None:
        """Rewrite with one line per document, sorted by path (atomically)."""
        from .export import write_atomic

        self.handle.close()
        lines = [json.dumps(self.records[p], ensure_ascii=False) + "\n" for p in sorted(self.records)]
        write_atomic(self.path, "".join(lines).encode("utf-8"))

    def close(self) -> None:
        if not self.handle.closed:
            self.handle.close()


# --- the run -------------------------------------------------------------------------------------


@dataclass
class Summary:
    total: int = 0
    ok: int = 0
    failed: int = 0
    skipped: int = 0  # done by an earlier run
    oversized: int = 0  # larger than the size limit: recorded as skipped, not read
    chars: int = 0
    seconds: float = 0.0
    interrupted: bool = False
    failures: list[tuple[str, str]] = field(default_factory=list)

    @property
    def processed(self) -> int:
        return self.ok + self.failed + self.oversized

    def line(self) -> str:
        rate = self.processed / self.seconds if self.seconds > 0 else 0.0
        text = (
            f"{self.total} documents: {self.ok} ok, {self.failed} failed, {self.skipped} already done"
            + (f", {self.oversized} too large" if self.oversized else "")
            + f" ({rate:.1f} documents/s, {self.chars / max(self.seconds, 1e-9) / 1000:.0f}k characters/s)"
        )
        return text + (" — interrupted, run again to resume" if self.interrupted else "")


Progress = Callable[[Summary], None]


def run(
    inputs: list[str],
    outdir: Path,
    *,
    options: Options = Options(),
    workers: int | None = None,
    selection: Selection = Selection(),
    resume: bool = True,
    progress: Progress | None = None,
    on_start: Callable[[int, int], None] | None = None,
) -> Summary:
    """Convert every document of ``inputs`` into ``outdir`` (see the module docstring)."""
    from .store import DB_NAME, Store

    _rules(options.rules_dir).validate_all()  # a bad rule file stops the run before it starts
    version = version_key(options.rules_dir)
    outdir = Path(outdir)
    items = walk(inputs, selection, skip_dir=outdir)  # a missing input too
    try:
        outdir.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise OutputError(f"cannot create directory: {err.strerror}", path=str(outdir)) from None
    _remove_stale_temporaries(outdir)
    _MADE_DIRECTORIES.clear()
    store = Store(outdir / DB_NAME)
    manifest = Manifest(outdir / MANIFEST)
    summary = Summary(total=len(items))
    started = time.perf_counter()
    recorder: _Recorder | None = None  # (its finishing thread, if any, is waited for below)
    try:
        store.set_aliases(_rules(options.rules_dir)["units"].aliases)
        stored = store.done()
        todo = []
        for item in items:
            if resume and _is_done(item, outdir, options, version, manifest, stored):
                summary.skipped += 1
            else:
                todo.append(item)
        if on_start is not None:
            on_start(summary.total, summary.skipped)
        if len(todo) >= max(len(stored), 1):  # mostly new rows: build the indexes once, near the end
            store.defer_indexes(document_indexes=not stored)
        recorder = _Recorder(store, manifest, summary, version, set(stored), started, progress)
        try:
            _schedule(todo, options, str(outdir), workers, recorder.add, recorder.finishing)
        except KeyboardInterrupt:
            summary.interrupted = True
        recorder.close()  # what came back before an interrupt is complete: record it
        summary.failures.sort()
        if store.indexes_deferred:
            store.create_indexes()
        if not summary.interrupted:
            if hasattr(os, "sync"):
                os.sync()  # once for the run, in place of an fsync per output
            manifest.compact()
    finally:
        if recorder is not None:
            recorder.wait()
        if store.indexes_deferred:  # an error stopped the run: the store stays whole and queryable
            with contextlib.suppress(GovplanError):  # else the next open builds them
                store.create_indexes()
        manifest.close()
        store.close()
    summary.seconds = time.perf_counter() - started
    return summary


def _is_done(
    item: Item, outdir: Path, options: Options, version: str, manifest: Manifest, stored: dict[str, tuple[str, str]]
) -> bool:
    record = manifest.records.get(item.path)
    if record is None or record.get("status") != "ok" or record.get("version") != version:
        return False
    output = record.get("output")
    if output != item.key + _SUFFIX[options.fmt] or not (outdir / output).is_file():
        return False
    if stored.get(item.path) != (record.get("sha256"), version):
        return False
    try:
        sha = _sha256_of(item)
    except (OSError, KeyError, zipfile.BadZipFile):
        return False
    return sha == record.get("sha256")


def _sha256_of(item: Item) -> str:
    if item.member is None:
        digest = hashlib.sha256()
        with open(item.source, "rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
        return digest.hexdigest()
    return hashlib.sha256(item.read()).hexdigest()


class _Recorder:
    """The parent's side of a run: each document that comes back gets its rows stored and then
    its manifest line, ``FLUSH_SECONDS``' worth of documents at a time (one transaction, one
    write: a commit per document would cost more than storing its rows); the first document
    at once, so that progress shows from the start."""

    FLUSH_SECONDS = 0.25
    FLUSH_DOCUMENTS = 256
    # building the deferred indexes takes about this share of the CPU time that storing the
    # rows took (bench archive: 0.29 s against 0.6 s; both grow with the rows)
    INDEX_SHARE = 0.5
    # ``finishing`` starts when the workers' remaining work is this many times the index build
    # (which shares the cores with them: with two workers it gets about two thirds of one)
    FINISHING_MARGIN = 2.0

    def __init__(
        self,
        store: Any,
        manifest: Manifest,
        summary: Summary,
        version: str,
        stored: set[str],
        started: float,
        progress: Progress | None,
    ) -> None:
        self.store, self.manifest, self.summary, self.version = store, manifest, summary, version
        self.stored = stored  # paths that may have rows in the store (to delete before inserting)
        self.started, self.progress = started, progress
        self.pending: list[tuple[Item, Result]] = []
        self.flushed = float("-inf")  # when the last flush was (never yet)
        self.every = self.FLUSH_SECONDS  # 0 once ``finishing``: each document stored as it comes
        self.came_back = 0  # documents recorded so far
        self.first_back = 0.0  # when the first came back
        self.storing_cpu = 0.0  # CPU seconds of this thread spent storing rows
        self.ending: Any = None  # the thread of ``finishing``'s work, once started
        self.ending_error: BaseException | None = None

    def add(self, item: Item, result: Result) -> None:
        self.pending.append((item, result))
        now = time.perf_counter()
        if not self.came_back:
            self.first_back = now
        self.came_back += 1
        if self.ending is not None and self.ending.is_alive():
            return  # the indexes are being built: the store is not ours until they are
        if len(self.pending) >= self.FLUSH_DOCUMENTS or now - self.flushed >= self.every:
            self.flush()
            self.flushed = now

    def finishing(self, remaining: int, handed_out: bool) -> bool:
        """Called by a pool as documents come back, with how many are still to come and whether
        all of them have been handed out.  Once the workers' remaining work would outlast the
        parent's end-of-run work, the parent starts that work in a thread and returns True (it is
        then not called again): it builds the deferred indexes (a few tenths of a second for
        thousands of documents) and has the kernel write the outputs so far to disk, while a
        core would otherwise idle at the end.  The main thread goes on handing out documents and
        collecting what comes back meanwhile, and stores it once the indexes are built; from
        then on each document is stored as it comes back, so that little is left to do once the
        last worker is done."""
        if not handed_out:
            if not self.store.indexes_deferred or self.came_back < 2:
                return False
            rate = self.came_back / max(time.perf_counter() - self.first_back, 1e-6)  # documents a second
            if remaining > rate * self.FINISHING_MARGIN * self.INDEX_SHARE * self.storing_cpu:
                return False
        import threading

        self.flush()
        self.every = 0.0
        self.ending = threading.Thread(target=self._end_work, name="govplan-finishing", daemon=True)
        self.ending.start()
        return True

    def _end_work(self) -> None:  # in the finishing thread: nothing here touches the main thread's state
        try:
            if self.store.indexes_deferred:
                self.store.create_indexes(own_connection=True)
        except BaseException as err:  # handed to the main thread by ``close``
            self.ending_error = err
            return
        if hasattr(os, "sync"):
            os.sync()  # the outputs so far: the final sync has only the last few left

    def wait(self) -> None:
        """Until ``finishing``'s work is done (the store is then this thread's again)."""
        if self.ending is not None:
            self.ending.join()
            self.ending = None

    def close(self) -> None:
        """Wait for ``finishing``'s work and store what is still pending."""
        self.wait()
        self.flush()
        if self.ending_error is not None:
            error, self.ending_error = self.ending_error, None
            raise error

    def flush(self) -> None:
        if not self.pending:
            return
        done, self.pending = self.pending, []
        documents = []
        for item, result in done:  # a failure has no rows: its old plan no longer stands
            documents.append((item.path, result.rows if result.status == "ok" else None, item.path in self.stored))
            self.stored.add(item.path)
        cpu = time.thread_time()
        self.store.put_many(documents)
        self.storing_cpu += time.thread_time() - cpu
        self.manifest.append_many([_manifest_record(item, result, self.version) for item, result in done])
        summary = self.summary
        for item, result in done:
            if result.status == "ok":
                summary.ok += 1
                summary.chars += result.chars
            elif result.status == "skipped":
                summary.oversized += 1
            else:
                summary.failed += 1
                summary.failures.append((item.path, result.error or ""))
        summary.seconds = time.perf_counter() - self.started
        if self.progress is not None:
            self.progress(summary)


def _manifest_record(item: Item, result: Result, version: str) -> dict[str, Any]:
    return {
        "path": item.path,
        "output": result.written,
        "sha256": result.sha256,
        "status": result.status,
        "error": result.error,
        **result.counts,
        "chars": result.chars,
        "seconds": round(result.seconds, 4),
        "version": version,
    }


# --- in a worker: read, convert, write the output ---------------------------------------------


def process(item: Item, options: Options, outdir: str) -> Result:
    """What a local worker does with one document: read its bytes, ``convert`` them, write the
    output (temporary file, rename) and give back the record with the store's rows but without
    the output (the parent stores the rows and writes the manifest line; a kill before it has
    leaves the document to be redone)."""
    data = _read_item(item, options.max_bytes)
    result = data if isinstance(data, Result) else convert(data, item.path, options)
    if result.status != "ok" or result.output is None or result.rows is None:
        return replace(result, output=None, rows=None)
    output = item.key + _SUFFIX[options.fmt]
    target = os.path.join(outdir, output)
    directory = os.path.dirname(target)
    if directory not in _MADE_DIRECTORIES:
        os.makedirs(directory, exist_ok=True)
        _MADE_DIRECTORIES.add(directory)
    try:
        write_replacing(Path(target), result.output)
    except OutputError:
        if os.path.isdir(directory):
            raise
        os.makedirs(directory, exist_ok=True)  # removed while the run went on
        write_replacing(Path(target), result.output)
    rows = dict(result.rows)
    path, _, *rest = rows["documents"][0]
    rows["documents"] = [(path, output, *rest)]
    return replace(result, output=None, rows=rows, written=output)


_MADE_DIRECTORIES: set[str] = set()  # output directories this process made (or found) already


def write_replacing(path: Path, data: bytes) -> None:
    """``export.write_atomic`` without its fsync: a temporary file renamed into place, so a killed
    run never leaves a partial output.  A kill leaves the OS's page cache intact, so the fsync
    (several ms a file, which would dominate a batch) protects only against power loss; ``run``
    syncs once at its end instead.

    The temporary name carries the process id (one process writes one file at a time, and no two
    live processes share an id), so plain ``os`` calls do: no random name to try, and the mode is
    0o666 less the umask, as for any new file, without a chmod."""
    temp_name = os.path.join(os.path.dirname(path), f".{os.path.basename(path)}.{os.getpid()}.tmp")
    try:
        fd = os.open(temp_name, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_CLOEXEC", 0), 0o666)
    except OSError as err:
        raise OutputError(f"cannot write: {err.strerror or err}", path=str(path)) from None
    try:
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view) :]
        finally:
            os.close(fd)
        os.replace(temp_name, path)
    except BaseException as err:
        with contextlib.suppress(OSError):
            os.unlink(temp_name)
        if isinstance(err, OSError):
            raise OutputError(f"cannot write: {err.strerror or err}", path=str(path)) from None
        raise


def _read_item(item: Item, max_bytes: int | None) -> bytes | Result:
    """The document's bytes, or the Result that records why there are none (``skipped`` when
    larger than ``max_bytes``, a guard that keeps memory bounded)."""
    try:
        if item.member is None:  # a file: one open, its size from that (no path looked up twice)
            with open(item.source, "rb", buffering=0) as handle:
                size = os.fstat(handle.fileno()).st_size
                if max_bytes is None or size <= max_bytes:
                    return handle.readall()
        else:
            size = item.size()
            if max_bytes is None or size <= max_bytes:
                return item.read()
        message = f"larger than the size limit ({size / 1e6:.1f} MB > {max_bytes / 1e6:.1f} MB)"
        return Result(item.path, "", "skipped", message, dict.fromkeys(COUNT_NAMES, 0), 0.0)
    except (OSError, KeyError, zipfile.BadZipFile, RuntimeError) as err:
        message = getattr(err, "strerror", None) or str(err)
        return Result(item.path, "", "failed", f"cannot read: {message}", dict.fromkeys(COUNT_NAMES, 0), 0.0)


# --- scheduling ----------------------------------------------------------------------------------


def _schedule(
    todo: list[Item],
    options: Options,
    outdir: str,
    workers: int | None,
    record: Callable[[Item, Result], None],
    finishing: Callable[[int, bool], bool] | None = None,
) -> None:
    """Run ``process`` over ``todo``: in this process for one worker, else in a process pool with
    a bounded number of documents in flight (memory stays flat however long the list).  A pool
    calls ``finishing(remaining, handed_out)`` as documents come back, until it returns True,
    and at the latest when it has handed out the last document (the parent's chance to do its
    own end-of-run work while the workers are still busy)."""
    count = workers if workers is not None else (os.cpu_count() or 1)
    if count <= 1 or len(todo) <= 1:
        warm(options.rules_dir)
        for item in todo:
            record(item, process(item, options, outdir))
        return
    _pool(todo, options, outdir, count, record, finishing)


def process_many(items: list[Item], options: Options, outdir: str) -> list[Result]:
    """``process`` for several documents: what one task of the process pool does (one message
    each way for several documents keeps the parent's share of the CPU small)."""
    return [process(item, options, outdir) for item in items]


CHUNK_MAX = 8  # documents a pool task takes at most


def chunk_size(documents: int, workers: int) -> int:
    """Documents per pool task: up to ``CHUNK_MAX``, fewer for short runs, so that every
    worker still gets a fair share (at least 16 tasks each) and progress stays smooth."""
    return max(1, min(CHUNK_MAX, documents // (workers * 16)))


def _pool(
    todo: list[Item],
    options: Options,
    outdir: str,
    count: int,
    record: Callable[[Item, Result], None],
    finishing: Callable[[int, bool], bool] | None = None,
) -> None:
    import multiprocessing
    from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
    from concurrent.futures.process import BrokenProcessPool

    warm(options.rules_dir)  # compiled once here; forked workers inherit it
    # (jieba's dictionary is not loaded here: the unit stage needs it only for a unit list glued
    # to a sentence that nothing else separates, rare enough that a worker loads it when it must)
    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("fork" if "fork" in methods else None)

    def start() -> ProcessPoolExecutor:
        return ProcessPoolExecutor(count, mp_context=context, initializer=_warm_worker, initargs=(options.rules_dir, os.getpid()))

    died = "the worker process died (a crash, or out of memory)"
    size = chunk_size(len(todo), count)
    chunks = (todo[i : i + size] for i in range(0, len(todo), size))
    # tasks in flight: the workers keep busy while the parent stores rows (and while it stores
    # those that came back during ``finishing``'s index build, all at once)
    window = count * max(8, 64 // size)
    pool = start()
    running: dict[Future[list[Result]], list[Item]] = {}
    handed_out = False
    remaining = len(todo)  # documents not back yet
    finish = finishing or (lambda remaining, handed_out: True)
    ending = finishing is None  # ``finishing`` has begun the end-of-run work
    try:
        while True:
            while len(running) < window and not handed_out:
                chunk = next(chunks, None)
                if chunk is None:
                    handed_out = True
                    if not ending and running:
                        ending = finish(remaining, True)
                    break
                running[pool.submit(process_many, chunk, options, outdir)] = chunk
            if not running:
                break
            finished, _ = wait(running, return_when=FIRST_COMPLETED)
            broken = False
            for future in finished:
                items = running.pop(future)
                try:
                    results = future.result()
                except BrokenProcessPool:
                    broken = True
                    results = [_failed(item.path, "", died, time.perf_counter()) for item in items]
                for item, result in zip(items, results, strict=True):
                    record(item, result)
                remaining -= len(items)
            if not ending and running:
                ending = finish(remaining, handed_out)
            if broken:  # the pool is gone: the documents still in it failed with it
                for items in list(running.values()):
                    for item in items:
                        record(item, _failed(item.path, "", died, time.perf_counter()))
                running.clear()
                pool.shutdown(wait=False, cancel_futures=True)
                pool = start()
    except BaseException:
        for worker in list(getattr(pool, "_processes", {}).values()):  # no waiting for work in flight
            worker.terminate()
        pool.shutdown(wait=False, cancel_futures=True)
        raise
    pool.shutdown(wait=True)


_TEMPORARY = re.compile(r"^\..+\.(?:json|yaml|jsonl)\.[A-Za-z0-9_]+\.tmp$")


def _remove_stale_temporaries(outdir: Path) -> None:
    """Temporary files of outputs a killed run was writing (``write_atomic``'s .NAME.xxx.tmp)."""
    for current, _dirs, files in os.walk(outdir):
        for name in files:
            if _TEMPORARY.match(name):
                with contextlib.suppress(OSError):
                    os.unlink(os.path.join(current, name))
