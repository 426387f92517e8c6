"""The fast paths of deadlines.py (round six) equal the code they replace.

- ``deadlines._scan`` reads the words a text holds and whether half_width would change it in one
  pass (``_WordGroups.present``'s ``full_width`` bit), skips _numeric, _year_part, _festival,
  _year_range and _duration by stronger word groups or quick patterns, and tests the negatives'
  words rarest first: the same hits as every recogniser as written, run by `regex` on the whole
  half-width text, masked by every negative pattern and ranked (a plain scan, as before).
- Each prefilter is a necessary condition: every match that its handler turns into a hit holds a
  word of each of the recogniser's groups and a match of its quick pattern.
"""

from __future__ import annotations

from typing import Any

import pytest
import regex
from hypothesis import given, settings
from hypothesis import strategies as st

from govplan.deadlines import (
    _FULL_WIDTH,
    _compiled,
    _NoDeadline,
    _scan,
    deadline_rules,
    half_width,
)
from sample_lines import sample_lines
from test_deadlines import _reference_scan

# the plain scan: every recogniser as written on `regex`, no prefilter, every negative pattern as
# written (test_deadlines' reference)
_plain_scan = _reference_scan


# pieces near what the new prefilters test: separators and digits, counts and units with blanks,
# festivals with quotes and 节, quarters and parts of years, year ranges with blanks, full-width
# characters (read by half_width), characters beyond the BMP
_PIECES = st.sampled_from([
    "2023.6.30", "2023-06-30", "2023/6/30", "2023／6／30", "２０２３．６．３０", "1.5", "3.加强", ".", "-", "/",
    "3天内", "3 天内", "三\u3000个工作日", "半小时", "24小时", "1.5个工作日", "10 分钟", "2年内", "2 年以内", "年",
    "国庆节前", "“国庆”节前", '"五一"前', "七一前", "国庆前后", "国庆之前", "五一", "节", "前",
    "每季度", "第三季度", "3季度末", "一季度", "上半年", "年中", "冬季", "季度", "季", "第",
    "2021 至 2023年", "2021年—2023年", "二〇二一至二〇二三年", "2018-2020年", "到2025年", "至", "——", "～",
    "6月底前", "2023年底", "今年", "年内", "每月", "长期坚持", "，", "。", " ", "\u3000", "\n", "：", "％", "－",
    "〔2022〕2号", "《2023年方案》", "建成的", "100周年", "2—3岁", "\U00010d40", "\U0001d7ce", "𝟘",
])
_SCAN_TEXT = st.lists(_PIECES | st.text("0123456789一二三四年月日季度节前后至到—-.／：％ 　", max_size=4), max_size=14).map("".join)


@settings(max_examples=500, deadline=None)
@given(text=_SCAN_TEXT, year=st.one_of(st.none(), st.integers(1990, 2060)))
def test_scan_equals_the_plain_scan(text: str, year: int | None) -> None:
    assert _scan(text, year, None) == _plain_scan(text, year)


@pytest.mark.parametrize(
    "text",
    [
        "于2023.6.30前完成", "２０２３．６．３０前", "3 天内办结", "1.5个工作日内", "“国庆”节前完成", "国庆前后开展",
        "每季度召开一次", "第三季度末前", "今年上半年", "2021 至 2023年", "二〇二一至二〇二三年", "全年完成",
        "2023年\U00010d40月", "3\U00010d40天内", "５月底前", "2023年12月31日：完成", "１.５个工作日",
    ],
)
def test_scan_equals_the_plain_scan_on_hand_picked_texts(text: str) -> None:
    for year in (2023, None):
        assert _scan(text, year, None) == _plain_scan(text, year)


def test_scan_equals_the_plain_scan_on_the_samples() -> None:
    found = 0
    for line in sample_lines():
        got = _scan(line, 2023, None)
        assert got == _plain_scan(line, 2023)
        found += len(got)
    assert found > 80


# --- each prefilter is a necessary condition ---------------------------------------------------------


def _prefilters_hold(text: str) -> int:
    """Checks that every match of every recogniser that its handler turns into a hit is in a text
    whose present bits hold the recogniser's needs and in which its quick pattern finds something;
    gives the number of such hits."""
    c = _compiled(deadline_rules())
    text = half_width(text)
    present = c.required.present(text)
    recognisers = c.wide_recognisers() if present & c.required.beyond_bmp else c.recognisers
    checked = 0
    for (name, (guard, pattern)), (_, handler, needs, quick) in zip(c.sources.items(), recognisers, strict=True):
        assert handler.__name__ == name
        plain = regex.compile(f"(?=[{guard}])({pattern})" if guard else "(?!)")
        for match in plain.finditer(text, overlapped=True):
            try:
                hit = handler(match, text, 2023)
            except (_NoDeadline, ValueError, OverflowError):
                continue
            if hit is None:
                continue
            checked += 1
            assert present & needs == needs, (name, text)
            assert quick is None or quick(text) is not None, (name, text)
    return checked


@settings(max_examples=400, deadline=None)
@given(text=_SCAN_TEXT)
def test_prefilters_pass_every_text_with_a_hit(text: str) -> None:
    _prefilters_hold(text)


def test_prefilters_pass_every_sample_line_with_a_hit() -> None:
    checked = sum(_prefilters_hold(line) for line in sample_lines())
    checked += sum(_prefilters_hold(t) for t in ["2023.6.30", "3 天内", "“国庆”节前", "第三季度", "2021 至 2023年"])
    assert checked > 100


# --- one pass for the words and half_width -----------------------------------------------------------


def _present_before(text: str) -> int:
    """_WordGroups.present as it was: a set of the words found, then their bits."""
    words = _compiled(deadline_rules()).required
    present = 0
    for word in set(words.findall(text)):
        present |= words.satisfies.get(word, words.beyond_bmp)
    return present


@settings(max_examples=300, deadline=None)
@given(text=_SCAN_TEXT)
def test_full_width_bit_tells_whether_half_width_changes_a_text(text: str) -> None:
    words = _compiled(deadline_rules()).required
    present = words.present(text)
    assert bool(present & words.full_width) == bool(_FULL_WIDTH.search(text)) == (half_width(text) != text)
    assert present == _present_before(text)
    if not present & words.full_width:
        assert present == words.present(half_width(text))
    assert not words.present(half_width(text)) & words.full_width


def test_masked_is_every_negative_pattern() -> None:
    c = _compiled(deadline_rules())
    texts = [*sample_lines(), "对2000年底前建成的老旧小区", "电话：0473-3998508 18047333997", "〔2022〕2号", "一刻钟"]
    for text in texts:
        text = half_width(text)
        plain = sorted(
            m.span() for p in deadline_rules().negatives.patterns for m in regex.finditer(p, text) if m.end() > m.start()
        )
        assert sorted(c.masked(text)) == plain


def _samples() -> Any:
    from pathlib import Path

    return Path(__file__).resolve().parent.parent / "samples"
