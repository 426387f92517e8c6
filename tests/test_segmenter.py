"""govplan.segmenter: jieba's words from the dictionary looked up in a SQLite file, the same as a
jieba tokenizer with the dictionary in memory gives; jieba's tokenizer from jieba's own cache,
read in one go; and jieba's own loading whenever neither can be used."""

from __future__ import annotations

import logging
import os
import sqlite3
import subprocess
import sys
import tempfile
import types
from pathlib import Path
from typing import Any

import jieba
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from govplan import segmenter
from govplan.units import unit_rules

GLUED = "加强日常监督管理市住房和城乡建设局市财政局按职责分工负责"
SPANS = [
    GLUED,
    "加强日常管理市住建局市财政局",
    "加强日常管理市住建局、市财政局，各区人民政府各街道办事处",
    "区人民政府各街道办事处",
    "各旗区人民政府市发展改革委市工业和信息化局按职责分工负责",
    "2025年底前完成abc123项目建设，PM2.5浓度下降到35μg/m³以下（市生态环境局牵头）",
    "推进5G基站建设COVID-19防控WiFi覆盖率达到95%以上 市大数据中心",
    "市委政法委、市委宣传部市公安局市民政局负责",
    "全面深化改革，构建新发展格局。。。！？",
    "中华人民共和国国务院办公厅关于印发《实施方案》的通知",
    "ａｂｃ１２３全角字符　和\t制表符\n换行",
    "a",
    "市",
    "",
    "　",
    "㐀㐁鿖鿗 生僻字",
    "长江三角洲区域一体化发展示范区执行委员会会同上海市人民政府",
]
EXTRA_CHARS = "市区县局委办室中心政府人民街道各旗省自治司厅处科所院站队组会部厂公社"


@pytest.fixture(scope="session")
def lookup_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return segmenter.database(tmp_path_factory.mktemp("lookup"))


@pytest.fixture(scope="session")
def base() -> Any:
    """jieba's dictionary in memory, never changed (copied by ``_reference``)."""
    return segmenter.tokenizer()


def _reference(base: Any, words: list[tuple[str, int | None]]) -> Any:
    made = jieba.Tokenizer()
    made.FREQ, made.total, made.initialized = dict(base.FREQ), base.total, True
    for word, freq in words:
        made.add_word(word, freq)
    return made


def _unit_words() -> list[tuple[str, int | None]]:
    """The words ``units._load_jieba`` adds."""
    rules = unit_rules()
    vocabulary = [*rules.vocabulary, *rules.aliases, *rules.aliases.values()]
    return [(word, 100000) for word in vocabulary] + [(suffix, 1000) for suffix in rules.suffixes]


@pytest.fixture(scope="session")
def pair(lookup_file: Path, base: Any) -> tuple[Any, Any]:
    """The lookup tokenizer and an in-memory one, both with govplan's unit words added."""
    ours = segmenter.LookupTokenizer(lookup_file)
    for word, freq in _unit_words():
        ours.add_word(word, freq)
    return ours, _reference(base, _unit_words())


def _cut(made: Any, text: str) -> list[str]:
    return list(made.cut(text, HMM=False))


# --- the lookup file ---------------------------------------------------------------------------


def test_the_lookup_file_holds_exactly_jiebas_prefix_dictionary(lookup_file: Path, base: Any) -> None:
    with sqlite3.connect(lookup_file) as connection:
        stored = dict(connection.execute("SELECT word, freq FROM freq"))
        info = dict(connection.execute("SELECT key, value FROM info"))
    assert stored == base.FREQ
    assert 0 in stored.values()  # the prefixes of words, with frequency 0, are there too
    assert info == {"format": segmenter.FORMAT, "total": base.total,
                    "max_length": max(map(len, base.FREQ)), "words": len(base.FREQ)}


def test_the_lookup_file_is_built_once_under_a_name_of_jiebas_version_and_dictionary(lookup_file: Path) -> None:
    assert lookup_file.name == segmenter.database_name(jieba)
    assert jieba.__version__ in lookup_file.name
    built = lookup_file.stat().st_mtime_ns
    assert segmenter.database(lookup_file.parent) == lookup_file
    assert lookup_file.stat().st_mtime_ns == built  # found, not rebuilt
    assert [p.name for p in lookup_file.parent.iterdir()] == [lookup_file.name]  # no temporary left


def test_a_changed_dictionary_file_gets_another_name(tmp_path: Path) -> None:
    (tmp_path / "dict.txt").write_text("市财政局 3 nt\n", encoding="utf-8")
    fake = types.SimpleNamespace(__file__=str(tmp_path / "__init__.py"), __version__="0.42.1",
                                 DEFAULT_DICT_NAME="dict.txt")
    first = segmenter.database_name(fake)  # type: ignore[arg-type]
    (tmp_path / "dict.txt").write_text("市财政局 3 nt\n市住建局 5 nt\n", encoding="utf-8")
    assert segmenter.database_name(fake) != first  # type: ignore[arg-type]
    fake.__version__ = "0.43"
    assert "0.43" in segmenter.database_name(fake)  # type: ignore[arg-type]


# --- same words as jieba ------------------------------------------------------------------------


@pytest.mark.parametrize("text", SPANS)
def test_the_same_words_as_jieba_with_the_dictionary_in_memory(pair: tuple[Any, Any], text: str) -> None:
    ours, theirs = pair
    assert _cut(ours, text) == _cut(theirs, text)
    assert "".join(_cut(ours, text)) == text
    assert ours._memory is None  # the words came from the lookup file


def test_unit_words_added_are_cut_out(pair: tuple[Any, Any]) -> None:
    ours, _ = pair
    assert _cut(ours, "加强日常管理市住建局市财政局")[-3:] == ["市住建局", "市", "财政局"]
    assert "市住房和城乡建设局" in _cut(ours, GLUED)


def test_the_dictionarys_unadded_words_are_cut_as_jieba_cuts_them(lookup_file: Path, base: Any) -> None:
    plain = segmenter.LookupTokenizer(lookup_file)
    for text in SPANS:
        assert _cut(plain, text) == _cut(base, text)
    assert plain.total == base.total


_ALPHABET = "".join(sorted(set("".join(SPANS) + EXTRA_CHARS + "abcXYZ019.-_%#&+，。、；：（）() ")))


def _dictionary_words() -> list[str]:
    rules = unit_rules()
    return [*rules.vocabulary, *rules.suffixes, "加强", "管理", "日常", "监督", "建设", "人民", "城乡",
            "住房", "各街道", "办事处", "按职责", "分工", "负责", "完成", "底前", "2025", "abc"]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=st.text(alphabet=_ALPHABET, max_size=100)
       | st.lists(st.sampled_from(_dictionary_words()) | st.text(alphabet=_ALPHABET, max_size=3), max_size=20)
       .map("".join))
def test_any_text_is_cut_as_jieba_cuts_it(pair: tuple[Any, Any], text: str) -> None:
    ours, theirs = pair
    assert _cut(ours, text) == _cut(theirs, text)
    assert ours._memory is None


# --- add_word: jieba's semantics ------------------------------------------------------------------

ADDED: list[list[tuple[str, int | None]]] = [
    [("市住建", 50), ("市住建局", 100000)],  # a word that is a prefix of another, added first
    [("市住建局", 100000), ("市住建", 50)],  # … added after
    [("市财政局", 10), ("市财政局", 100000), ("市财政局", 3)],  # re-added: the last frequency wins
    [("管理", 1), ("日常管理", 0)],  # words of the dictionary; frequency 0 (jieba splits it)
    [("长江三角洲区域一体化发展示范区执行委员会", 100000)],  # longer than any dictionary word
    [("街道办", None), ("人民政府各街道", None)],  # jieba's suggested frequency
    [("x", 5), ("xyz城", 7), ("城乡建设局", 900)],
]


@pytest.mark.parametrize("words", ADDED, ids=lambda words: "+".join(word for word, _ in words))
def test_add_word_gives_the_frequencies_and_total_jiebas_add_word_gives(
    lookup_file: Path, base: Any, words: list[tuple[str, int | None]]
) -> None:
    ours = segmenter.LookupTokenizer(lookup_file)
    for word, freq in words:
        ours.add_word(word, freq)
    theirs = _reference(base, words)
    assert ours.total == theirs.total and ours._memory is None
    for word, _ in words:
        substrings = {word[a:b] for a in range(len(word)) for b in range(a + 1, len(word) + 1)}
        assert ours._lookup(sorted(substrings)) == {s: theirs.FREQ[s] for s in substrings if s in theirs.FREQ}
        context = f"加强日常管理{word}市住建局各街道办事处xyz城乡建设局"
        assert _cut(ours, context) == _cut(theirs, context)


def test_frequencies_are_what_get_dag_looks_up(lookup_file: Path, base: Any) -> None:
    ours = segmenter.LookupTokenizer(lookup_file)
    found = ours.frequencies(GLUED)
    assert found == {k: base.FREQ[k] for k in found}
    assert "监督管理" in found and "监督管理市" not in found
    assert found["监督管"] == 0  # a prefix only
    # every substring jieba's get_DAG finds in the dictionary is there
    for start in range(len(GLUED)):
        end = start + 1
        while end <= len(GLUED) and GLUED[start:end] in base.FREQ:
            assert GLUED[start:end] in found
            end += 1


# --- processes and fallbacks ---------------------------------------------------------------------


def test_a_forked_child_opens_its_own_connection_and_cuts_the_same(pair: tuple[Any, Any]) -> None:
    ours, theirs = pair
    parent_connection = ours._connect()
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: cut, report, leave without running pytest's exit handlers
        try:
            words = _cut(ours, GLUED)
            fresh = ours._connection is not parent_connection
            os.write(write, ("|".join(words) + f"\n{fresh}").encode("utf-8"))
        finally:
            os._exit(0)
    os.close(write)
    with os.fdopen(read, "rb") as pipe:
        answer = pipe.read().decode("utf-8")
    os.waitpid(pid, 0)
    words, fresh = answer.split("\n")
    assert words.split("|") == _cut(theirs, GLUED)
    assert fresh == "True"
    assert ours._connection is parent_connection  # the parent keeps its own


def test_an_unwritable_place_falls_back_to_the_dictionary_in_memory(tmp_path: Path) -> None:
    not_a_folder = tmp_path / "file"
    not_a_folder.write_text("", encoding="utf-8")
    made = segmenter.lookup_tokenizer(not_a_folder)
    assert isinstance(made, jieba.Tokenizer) and made.initialized
    made.add_word("市住建局", 100000)
    assert _cut(made, "加强日常管理市住建局市财政局")[-3:] == ["市住建局", "市", "财政局"]


def test_an_unreadable_lookup_file_falls_back_to_the_dictionary_in_memory(tmp_path: Path) -> None:
    (tmp_path / segmenter.database_name(jieba)).write_bytes(b"not a database, " * 100)
    made = segmenter.lookup_tokenizer(tmp_path)
    assert isinstance(made, jieba.Tokenizer) and made.initialized


def test_a_lookup_file_failing_later_turns_into_the_dictionary_in_memory(
    tmp_path: Path, lookup_file: Path, pair: tuple[Any, Any]
) -> None:
    copy = tmp_path / "copy.sqlite3"
    copy.write_bytes(lookup_file.read_bytes())
    ours = segmenter.LookupTokenizer(copy)
    for word, freq in _unit_words():
        ours.add_word(word, freq)
    copy.write_bytes(b"not a database, " * 100)
    ours._connection = None  # as in a new process: the next cut opens the file again
    assert _cut(ours, GLUED) == _cut(pair[1], GLUED)
    assert ours._memory is not None and ours._memory.total == pair[1].total
    ours.add_word("按职责分工", 100000)  # now added to the dictionary in memory
    assert "按职责分工" in _cut(ours, GLUED)


def test_other_modes_than_hmm_false_are_jiebas_own(lookup_file: Path, base: Any) -> None:
    ours = segmenter.LookupTokenizer(lookup_file)
    ours.add_word("按职责分工", 100000)
    theirs = _reference(base, [("按职责分工", 100000)])
    assert list(ours.cut(GLUED)) == list(theirs.cut(GLUED))  # HMM=True: the dictionary in memory
    assert ours._memory is not None and "按职责分工" in _cut(ours, GLUED)
    assert list(ours.cut(GLUED, cut_all=True)) == list(theirs.cut(GLUED, cut_all=True))


def test_jieba_is_imported_without_pkg_resources_and_reads_its_files_by_path(base: Any) -> None:
    code = (
        "import sys; from govplan import segmenter; j = segmenter.import_jieba(); "
        "assert 'pkg_resources' not in sys.modules; "
        "f = j.get_module_res('dict.txt'); print(f.readline().decode('utf-8').strip()); f.close(); "
        "print(list(j.Tokenizer().cut('加强日常监督管理', HMM=False)))"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, check=True, text=True)
    lines = proc.stdout.splitlines()
    with open(os.path.join(os.path.dirname(jieba.__file__), "dict.txt"), encoding="utf-8") as handle:
        assert lines[0] == handle.readline().strip()
    assert lines[1] == str(_cut(base, "加强日常监督管理")) == "['加强', '日常', '监督管理']"


# --- jieba's tokenizer in memory --------------------------------------------------------------------


def _jieba_own() -> jieba.Tokenizer:
    jieba.setLogLevel(logging.WARNING)
    made = jieba.Tokenizer()
    made.initialize()
    return made


def test_same_dictionary_and_same_cuts_as_jiebas_own_loading() -> None:
    ours, theirs = segmenter.tokenizer(), _jieba_own()
    assert ours.initialized and ours.total == theirs.total
    assert ours.FREQ == theirs.FREQ
    ours.add_word("市住房和城乡建设局", freq=100000)
    theirs.add_word("市住房和城乡建设局", freq=100000)
    assert list(ours.cut(GLUED, HMM=False)) == list(theirs.cut(GLUED, HMM=False))
    assert "市住房和城乡建设局" in list(ours.cut(GLUED, HMM=False))


def test_an_unusable_cache_is_left_to_jieba_which_rebuilds_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(tempfile, "gettempdir", lambda: str(tmp_path))
    (tmp_path / "jieba.cache").write_bytes(b"not marshal data")
    rebuilt = segmenter.tokenizer()  # jieba's initialize: builds the dictionary, writes the cache
    assert rebuilt.initialized and len(rebuilt.FREQ) > 100_000
    assert (tmp_path / "jieba.cache").read_bytes() != b"not marshal data"
    again = segmenter.tokenizer()  # now from the cache jieba wrote
    assert again.FREQ == rebuilt.FREQ and again.total == rebuilt.total


def test_a_tokenizer_with_its_own_dictionary_is_jiebas_to_load(tmp_path: Path) -> None:
    made = jieba.Tokenizer(dictionary=str(tmp_path / "dict.txt"))
    assert not segmenter._load_cache(made, jieba.DEFAULT_DICT)
    assert not made.initialized

