"""jieba's tokenizer without loading jieba's dictionary into every process.

govplan segments only short spans, and rarely (a unit list glued to a sentence; sentences in
``govplan diff``), but the first cut in a process used to load jieba's whole prefix dictionary
(~500,000 words): 0.2 s of CPU and ~60 MB of memory in every batch worker.

``lookup_tokenizer()`` keeps the dictionary in a read-only SQLite file instead, built once per
machine next to jieba's own cache (the temporary directory) and named after jieba's version and
its dictionary file's size and time, so a changed dictionary gets a new file.  A cut looks up only
the substrings of its span that jieba's ``get_DAG`` would look up (a few batched queries), puts
them in a real ``jieba.Tokenizer`` and lets jieba cut: the algorithm stays jieba's, only the
storage changes.  ``add_word`` keeps the user words in memory with jieba's own semantics.

When the file cannot be built or read (a read-only temporary directory, an SQLite error, a jieba
of another shape), ``tokenizer()`` runs instead: jieba's dictionary in memory, read from jieba's
cache in one go (``marshal.loads`` on the file's bytes: three times faster than ``initialize``'s
``marshal.load(file)``).  Both give the same words, so no output depends on which one ran.
"""

from __future__ import annotations

import contextlib
import importlib
import logging
import marshal
import os
import sqlite3
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

FORMAT = 1  # of the lookup file: a new format gets a new file name
_MAX_PARAMETERS = 999  # SQLite's historical limit of host parameters per statement
# a query's parameters are padded up to one of these counts, so few distinct statements are
# prepared (the sqlite3 module caches them by their text)
_BATCH_SIZES = (8, 32, 128, 512, _MAX_PARAMETERS)
_LOOKUP_ERRORS = (sqlite3.Error, OSError, ValueError, TypeError, KeyError, AttributeError)


def lookup_tokenizer(directory: str | os.PathLike[str] | None = None) -> Any:
    """A tokenizer with ``add_word(word, freq)`` and ``cut(text, HMM=False)`` giving jieba's words
    over its default dictionary: looked up in the SQLite file in ``directory`` (the temporary
    directory by default; built there when missing), or ``tokenizer()`` when that cannot be done."""
    try:
        return LookupTokenizer(database(directory))
    except _LOOKUP_ERRORS:
        return tokenizer()


def tokenizer() -> Any:
    """A new ``jieba.Tokenizer`` with the default dictionary, initialised (in memory)."""
    jieba = import_jieba()
    made = jieba.Tokenizer()
    if not _load_cache(made, jieba.DEFAULT_DICT):
        made.initialize()
    return made


def import_jieba() -> ModuleType:
    """``jieba``, imported without ``pkg_resources``: jieba imports it only to open its data files
    (it opens them by path when the import fails), and it costs 70 ms of the 90 ms of jieba's import."""
    jieba = sys.modules.get("jieba")
    if jieba is None:
        blocked = "pkg_resources" not in sys.modules
        if blocked:
            sys.modules["pkg_resources"] = None  # type: ignore[assignment]  # makes the import fail
        try:
            jieba = importlib.import_module("jieba")
        finally:
            if blocked and "pkg_resources" in sys.modules and sys.modules["pkg_resources"] is None:
                del sys.modules["pkg_resources"]
    jieba.setLogLevel(logging.WARNING)
    return jieba


def _load_cache(made: Any, default_dict: Any) -> bool:
    """Fill ``made`` from jieba's cache of the default dictionary; False when that cannot be done
    (jieba then builds or reads it itself)."""
    if made.dictionary != default_dict or made.cache_file is not None or made.tmp_dir is not None:
        return False
    path = os.path.join(tempfile.gettempdir(), "jieba.cache")  # where initialize looks for it
    try:
        with open(path, "rb") as handle:
            freq, total = marshal.loads(handle.read())
    except (OSError, EOFError, ValueError, TypeError):
        return False
    if not isinstance(freq, dict) or not isinstance(total, int) or not freq:
        return False
    made.FREQ, made.total = freq, total
    made.initialized = True
    return True


# --- the lookup file ---------------------------------------------------------------------------


def database(directory: str | os.PathLike[str] | None = None) -> Path:
    """The lookup file of jieba's default prefix dictionary in ``directory``, built when missing."""
    jieba = import_jieba()
    folder = Path(directory if directory is not None else tempfile.gettempdir())
    path = folder / database_name(jieba)
    if not path.is_file():
        _build(path)
    return path


def database_name(jieba: ModuleType) -> str:
    """The file name: jieba's version, its dictionary file's size and time, and our format."""
    stat = os.stat(os.path.join(os.path.dirname(jieba.__file__ or ""), jieba.DEFAULT_DICT_NAME))
    return f"govplan-jieba-{jieba.__version__}-{stat.st_size}-{stat.st_mtime_ns}-v{FORMAT}.sqlite3"


def _build(path: Path) -> None:
    """Write jieba's prefix dictionary (the one ``tokenizer()`` gives, so both ways cut alike) to
    ``path``: under a unique temporary name first, renamed when complete, so processes building it
    at the same time never see half a file (the last rename wins; the contents are the same)."""
    # first the file: where none can be written, the dictionary is not loaded twice
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=path.name + ".", suffix=".tmp")
    os.close(handle)
    try:
        source = tokenizer()
        freq, total = source.FREQ, source.total
        if not isinstance(freq, dict) or not isinstance(total, int) or not freq:
            raise ValueError("jieba's dictionary is not a dict of frequencies")
        connection = sqlite3.connect(temporary)
        try:
            connection.execute("PRAGMA journal_mode = OFF")
            connection.execute("PRAGMA synchronous = OFF")
            connection.execute("CREATE TABLE freq (word TEXT PRIMARY KEY, freq INTEGER NOT NULL) WITHOUT ROWID")
            connection.execute("CREATE TABLE info (key TEXT PRIMARY KEY, value INTEGER NOT NULL)")
            connection.executemany("INSERT INTO freq VALUES (?, ?)", sorted(freq.items()))  # key order
            info = {"format": FORMAT, "total": total, "max_length": max(map(len, freq)), "words": len(freq)}
            connection.executemany("INSERT INTO info VALUES (?, ?)", info.items())
            connection.commit()
        finally:
            connection.close()
        os.chmod(temporary, 0o644)
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise


class LookupTokenizer:
    """jieba's default dictionary read from the lookup file, plus the words given to ``add_word``.

    The connection is opened on first use in each process (an SQLite connection must not cross
    ``fork()``).  If the file cannot be read later on, the tokenizer turns into ``tokenizer()``
    with the same words added, silently."""

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = Path(path).resolve()
        self._connection: sqlite3.Connection | None = None
        self._pid = -1
        self._jieba = import_jieba()
        info = dict(self._connect().execute("SELECT key, value FROM info").fetchall())
        if info.get("format") != FORMAT:
            raise ValueError(f"{self.path}: not a lookup file of format {FORMAT}")
        self.total: int = info["total"]
        self._base_max_length: int = info["max_length"]
        self.max_length = self._base_max_length
        self._words: dict[str, int] = {}  # add_word: the last frequency given wins
        self._prefixes: set[str] = set()  # prefixes of added words: 0 unless in a dictionary
        self._added: list[tuple[str, int, Any]] = []  # every add_word call, for the fallback
        self._memory: Any = None  # the in-memory tokenizer, once the file failed

    def add_word(self, word: str, freq: int | None = None, tag: Any = None) -> None:
        """jieba's ``add_word``: ``word`` gets ``freq`` (jieba's suggested one if None), every
        prefix not yet in the dictionary gets 0, and ``freq`` is added to ``total`` each time."""
        if self._memory is None and freq is None:
            try:
                freq = self._local_tokenizer(word).suggest_freq(word, False)
            except _LOOKUP_ERRORS:
                self._fall_back()
        if self._memory is not None:
            self._memory.add_word(word, freq, tag)
            return
        freq = int(freq)  # type: ignore[arg-type]  # not None: suggested above
        self._added.append((word, freq, tag))
        self._words[word] = freq
        self.total += freq
        self._prefixes.update(word[:end] for end in range(1, len(word)))
        self.max_length = max(self.max_length, len(word))
        if freq == 0:
            self._jieba.finalseg.add_force_split(word)  # as jieba does (it matters to HMM cuts only)

    def cut(self, sentence: str, cut_all: bool = False, HMM: bool = True) -> Iterator[str]:
        """jieba's ``cut`` with ``HMM=False`` (the only mode the lookup serves; others go to
        the dictionary in memory)."""
        if self._memory is None and not cut_all and not HMM:
            try:
                local = self._local_tokenizer(sentence)
            except _LOOKUP_ERRORS:
                self._fall_back()
            else:
                return iter(list(local.cut(sentence, HMM=False)))
        if self._memory is None:
            self._fall_back()
        return iter(list(self._memory.cut(sentence, cut_all=cut_all, HMM=HMM)))

    def lcut(self, sentence: str, cut_all: bool = False, HMM: bool = True) -> list[str]:
        return list(self.cut(sentence, cut_all=cut_all, HMM=HMM))

    def _local_tokenizer(self, text: str) -> Any:
        """A ``jieba.Tokenizer`` whose dictionary holds what ``get_DAG(text)`` looks up."""
        made = self._jieba.Tokenizer()
        made.FREQ = self.frequencies(text)
        made.total = self.total
        made.initialized = True
        return made

    def frequencies(self, text: str) -> dict[str, int]:
        """The dictionary's entries among the substrings of ``text`` that jieba's ``get_DAG`` looks
        up: every character, then each substring one longer than one found (jieba's dictionary
        holds every prefix of its words), level by level, one batch of queries a level."""
        found: dict[str, int] = {}
        starts: list[int] = list(range(len(text)))
        length = 1
        while starts and length <= self.max_length:
            starts = [k for k in starts if k + length <= len(text)]
            hits = self._lookup(list({text[k:k + length] for k in starts}))
            found.update(hits)
            starts = [k for k in starts if text[k:k + length] in hits]
            length += 1
        return found

    def _lookup(self, words: list[str]) -> dict[str, int]:
        """The frequencies of those of ``words`` in the dictionary: the added words over the
        lookup file, and 0 for a prefix of an added word found in neither."""
        hits: dict[str, int] = {}
        asked = []
        for word in words:
            if word in self._words:
                hits[word] = self._words[word]
            elif len(word) <= self._base_max_length:
                asked.append(word)
        if asked:
            connection = self._connect()
            for first in range(0, len(asked), _MAX_PARAMETERS):
                batch = asked[first:first + _MAX_PARAMETERS]
                size = next(size for size in _BATCH_SIZES if size >= len(batch))
                batch += [batch[0]] * (size - len(batch))
                hits.update(connection.execute(_QUERIES[size], batch).fetchall())
        for word in words:
            if word not in hits and word in self._prefixes:
                hits[word] = 0
        return hits

    def _connect(self) -> sqlite3.Connection:
        if self._connection is None or self._pid != os.getpid():
            # never closed in a child: the parent's connection is the parent's
            uri = self.path.as_uri() + "?mode=ro&immutable=1"
            self._connection = sqlite3.connect(uri, uri=True, check_same_thread=False)
            self._pid = os.getpid()
        return self._connection

    def _fall_back(self) -> None:
        memory = tokenizer()
        for word, freq, tag in self._added:
            memory.add_word(word, freq, tag)
        self._memory = memory
        self._connection = None


_QUERIES = {
    size: f"SELECT word, freq FROM freq WHERE word IN ({', '.join('?' * size)})" for size in _BATCH_SIZES
}
