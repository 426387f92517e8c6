"""The fast paths of find_targets' deadlines equal the plain ones.

``deadlines.time_spans`` gives the span and date of each deadline ``find_deadlines`` finds,
without building the models; ``find_targets`` reads its deadlines through it.  These tests
compare it with ``find_deadlines`` (hand-picked texts, random texts of time expressions, the
corpus) and ``find_targets`` with a reading of its deadlines through ``find_deadlines``.
"""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from govplan import deadlines as deadlines_module
from govplan import targets as targets_module
from govplan.deadlines import TimeSpan, find_deadlines, time_spans
from govplan.models import DeadlineKind
from govplan.targets import find_targets
from sample_lines import sample_lines


def _plain(text: str, year: int | None) -> list[tuple[int, int, dt.date | None]]:
    """What find_targets read of find_deadlines before: each span, and the date of the dated kinds."""
    return [
        (d.span[0], d.span[1], d.date if d.kind in (DeadlineKind.DATE, DeadlineKind.RANGE) else None)
        for d in find_deadlines(text, year=year)
    ]


def _fresh(text: str, year: int | None) -> list[TimeSpan]:
    """``time_spans`` with no answer of find_deadlines to reuse."""
    deadlines_module._LAST_FOUND[0] = None
    return time_spans(text, year=year)


@pytest.mark.parametrize(
    ("text", "year"),
    [
        ("到2025年底，绿色出行分担率达到75%以上", 2023),
        ("6月底前完成方案，12月底前完成改造", 2023),
        ("6月底前完成方案，12月底前完成改造", None),  # no year: no dates, the same spans
        ("2019年6月至2020年9月，完成3个小区改造", 2019),
        ("自2023年7月起，每月28日前报送", 2023),
        ("长期坚持，3年内建成10个站点", 2023),
        ("2023年   ", 2023),  # a tail of blanks the span drops
        ("到2023年\u3000\u3000 完成", 2023),  # full-width blanks after the year
        ("国庆节前完成；“十四五”期间建成", 2024),
        ("乌城市更新办〔2022〕2号", 2023),  # masked: nothing
        ("", 2023),
    ],
)
def test_time_spans_are_find_deadlines_spans_and_dates(text: str, year: int | None) -> None:
    assert [tuple(t) for t in _fresh(text, year)] == _plain(text, year)


def test_time_spans_reuse_the_answer_just_given() -> None:
    text = "到6月底，建成15个口袋公园"
    deadlines_module._LAST_FOUND[0] = None
    expected = _plain(text, 2024)  # (this leaves its answer for the next call)
    assert deadlines_module._LAST_FOUND[0] is not None
    assert [tuple(t) for t in time_spans(text, year=2024)] == expected
    assert expected == [(0, 4, dt.date(2024, 6, 30))]
    # another year or another text is not that answer
    assert [tuple(t) for t in time_spans(text, year=None)] == [(0, 4, None)]
    assert time_spans("建成15个口袋公园", year=2024) == []


_TIME_PIECES = st.sampled_from([
    "2023年", "2024年底", "6月", "6月底前", "30日", "至", "—", "年内", "今年", "明年", "上半年",
    "三季度末", "每月", "每季度", "3年内", "24小时", "长期坚持", "国庆节前", "“十四五”期间",
    "2023.6.30", "2018-2020年", "以来", "起", "前", "开始", "〔2022〕2号", "《2023年方案》",
    "，", "。", "；", "\n", " ", "\u3000", "完成", "建成", "达到", "20%", "以上", "个", "１２月",
])


@settings(max_examples=300, deadline=None)
@given(parts=st.lists(_TIME_PIECES, max_size=20), year=st.sampled_from([None, 2021, 2023]))
def test_time_spans_equal_find_deadlines_on_random_texts(parts: list[str], year: int | None) -> None:
    text = "".join(parts)
    assert [tuple(t) for t in _fresh(text, year)] == _plain(text, year)


def test_time_spans_equal_find_deadlines_on_the_corpus() -> None:
    paragraphs = sample_lines()
    dated = 0
    for line in paragraphs:
        fast = _fresh(line, 2023)
        assert [tuple(t) for t in fast] == _plain(line, 2023)
        dated += sum(t.date is not None for t in fast)
    assert dated > 20  # the comparison saw real dates


def _targets_through_find_deadlines(monkeypatch: pytest.MonkeyPatch, text: str, year: int | None) -> list[object]:
    """find_targets with its deadlines read the plain way: TimeSpans built from find_deadlines."""
    with monkeypatch.context() as patch:
        patch.setattr(
            targets_module,
            "time_spans",
            lambda text, *, year, rules=None: [
                TimeSpan(*span) for span in _plain_with_rules(text, year, rules)
            ],
        )
        return [t.model_dump() for t in find_targets(text, year=year)]


def _plain_with_rules(text: str, year: int | None, rules: object) -> list[tuple[int, int, dt.date | None]]:
    deadlines_module._LAST_FOUND[0] = None
    return [
        (d.span[0], d.span[1], d.date if d.kind in (DeadlineKind.DATE, DeadlineKind.RANGE) else None)
        for d in find_deadlines(text, year=year, rules=rules)  # type: ignore[arg-type]
    ]


@pytest.mark.parametrize(
    "text",
    [
        "到2025年底，绿色出行分担率达到75%以上，新建50个充电站",
        "2023年6月底前完成20个小区改造；12月底前再完成30个",
        "力争到2024年，覆盖率达到95%以上（2023年达到90%）",
        "每月开展1次检查，3年内建成10个站点，年底前完成5个",
    ],
)
def test_find_targets_dates_as_with_find_deadlines(monkeypatch: pytest.MonkeyPatch, text: str) -> None:
    deadlines_module._LAST_FOUND[0] = None
    fast = [t.model_dump() for t in find_targets(text, year=2023)]
    assert fast == _targets_through_find_deadlines(monkeypatch, text, 2023)
    assert any(t["deadline"] is not None for t in fast)


@settings(max_examples=200, deadline=None)
@given(parts=st.lists(_TIME_PIECES | st.sampled_from(["覆盖率", "不低于", "15个", "5万人次", "力争"]), max_size=20))
def test_find_targets_random_texts_as_with_find_deadlines(parts: list[str]) -> None:
    text = "".join(parts)
    deadlines_module._LAST_FOUND[0] = None
    fast = [t.model_dump() for t in find_targets(text, year=2023)]
    with pytest.MonkeyPatch.context() as patch:
        assert fast == _targets_through_find_deadlines(patch, text, 2023)
