"""govplan.segmenter: jieba's tokenizer from jieba's own cache, read in one go, the same as
jieba's ``initialize`` gives, and jieba's own loading whenever the cache cannot be used."""

from __future__ import annotations

import logging
import tempfile
from pathlib import Path

import jieba
import pytest

from govplan import segmenter

GLUED = "加强日常监督管理市住房和城乡建设局市财政局按职责分工负责"


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
