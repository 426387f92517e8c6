"""The fast paths of the task stage and the deadline scan equal the code they replace.

- ``find_deadlines(..., place=...)`` builds each Deadline once, without validation, with its span
  placed in the document: the same as validating it with its span in the text and copying it
  with the placed span (what tasks._finish did with _shift).
- ``deadlines._Compiled.matches`` runs the recognisers a text's word groups allow, looked up by
  the bits of those groups: the same matches as testing every recogniser's bits in turn.
- ``tasks._Tree.parent`` gives each heading's parent once: following it gives ``_ancestors``.
- ``tasks._task_text`` clips the skipped spans in a loop: the same text and blanks as before.
- ``tasks._unit_refs`` writes ``CleanText.span`` out: the same spans.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import govplan
from govplan import deadlines as deadlines_module
from govplan import tasks as tasks_module
from govplan.clauses import FoundUnit
from govplan.deadlines import _compiled, _scan, deadline_rules, find_deadlines, half_width, time_spans
from govplan.document import CleanText
from govplan.models import Deadline, DeadlineKind, Plan, Role
from sample_lines import sample_lines

# --- find_deadlines builds each Deadline once ---------------------------------------------------


def _validated(text: str, year: int | None, place: Any = None) -> list[Deadline]:
    """The Deadlines as built before: validated with spans in ``text``, then copied with the
    placed span where ``place`` is given (tasks._shift)."""
    out = []
    for hit in _scan(text, year, None):
        end = hit.start + len(text[hit.start : hit.end].rstrip())
        deadline = Deadline.model_validate({
            "text": text[hit.start : end],
            "date": hit.last if hit.kind in (DeadlineKind.DATE, DeadlineKind.RANGE) else None,
            "start": hit.first if hit.kind is DeadlineKind.RANGE else None,
            "kind": hit.kind,
            "span": (hit.start, end),
            "year_assumed": hit.year_assumed,
        })
        if place is not None:
            deadline = deadline.model_copy(update={"span": place(*deadline.span)})
        out.append(deadline)
    return out


def _same(got: list[Deadline], want: list[Deadline]) -> None:
    assert [d.model_dump() for d in got] == [d.model_dump() for d in want]
    for a, b in zip(got, want, strict=True):
        assert a.__dict__ == b.__dict__
        assert list(a.__dict__) == list(b.__dict__)  # (the same order: the JSON keys follow it)
        assert a.model_fields_set == b.model_fields_set
        assert type(a.span) is tuple and all(type(x) is int for x in a.span)
        assert type(a.kind) is DeadlineKind
        assert a.date is None or type(a.date) is dt.date
        assert a.start is None or type(a.start) is dt.date
        assert Deadline.model_validate(a.model_dump()) == a


_TEXTS = [
    "到2025年底，绿色出行分担率达到75%以上",
    "6月底前完成方案，12月底前完成改造",
    "2019年6月至2020年9月，完成3个小区改造",
    "自2023年7月起，每月28日前报送",
    "长期坚持，3年内建成10个站点，30分钟内响应",
    "到2023年\u3000\u3000 完成",  # blanks the pattern took after the year: trimmed
    "国庆节前完成；“十四五”期间建成；2023.6.30前验收",
    "２０２３年１２月底前",  # full-width digits
    "乌城市更新办〔2022〕2号，对2000年底前建成的老旧小区",  # masked
    "",
]


@pytest.mark.parametrize("text", _TEXTS)
@pytest.mark.parametrize("year", [2023, None])
def test_find_deadlines_placed_equals_validated_then_shifted(text: str, year: int | None) -> None:
    def place(a: int, b: int) -> tuple[int, int]:
        return (a + 100, b + 103)

    deadlines_module._LAST_FOUND[0] = None
    _same(find_deadlines(text, year=year, place=place), _validated(text, year, place))
    _same(find_deadlines(text, year=year), _validated(text, year))  # (the scan reused)
    deadlines_module._LAST_FOUND[0] = None
    _same(find_deadlines(text, year=year), _validated(text, year))


def test_find_deadlines_found_something_to_compare() -> None:
    assert sum(len(find_deadlines(text, year=2023)) for text in _TEXTS) >= 12


_PIECES = st.sampled_from([
    "2023年", "2024年底", "6月", "6月底前", "30日", "至", "—", "年内", "今年", "上半年", "三季度末",
    "每月", "3年内", "24小时", "长期坚持", "国庆节前", "“十四五”期间", "2023.6.30", "2018-2020年",
    "以来", "起", "前", "〔2022〕2号", "《2023年方案》", "，", "。", "\n", " ", "\u3000", "完成",
    "１２月", "𝟘", "的", "建成",
])


@settings(max_examples=300, deadline=None)
@given(parts=st.lists(_PIECES, max_size=16), year=st.sampled_from([None, 2021, 2023]), shift=st.integers(0, 50))
def test_find_deadlines_placed_on_random_texts(parts: list[str], year: int | None, shift: int) -> None:
    text = "".join(parts)

    def place(a: int, b: int) -> tuple[int, int]:
        return (a + shift, b + shift)

    deadlines_module._LAST_FOUND[0] = None
    _same(find_deadlines(text, year=year, place=place), _validated(text, year, place))
    # time_spans reads the same scan: spans and dates as the Deadlines give them
    assert [tuple(t) for t in time_spans(text, year=year)] == [
        (d.span[0], d.span[1], d.date) for d in _validated(text, year)
    ]


# --- recognisers looked up by the bits of the word groups ----------------------------------------


def _every_recogniser(text: str) -> list[tuple[Any, ...]]:
    """_Compiled.matches as before: every recogniser's bits tested in turn."""
    c = _compiled(deadline_rules())
    present = c.required.present(text)
    if not present and c.all_need_words:
        return []
    found = []
    recognisers = c.wide_recognisers() if present & c.required.beyond_bmp else c.recognisers
    for search, handler, needs, quick in recognisers:
        if present & needs != needs or (quick is not None and quick(text) is None):
            continue
        match = search(text)
        while match is not None:
            start, end = match.span(1)
            if end != start:
                found.append((start, end, handler.__name__, match.groups()))
            match = search(text, start + 1)
    return found


def _matches(text: str) -> list[tuple[Any, ...]]:
    c = _compiled(deadline_rules())
    return [(start, end, handler.__name__, match.groups()) for start, end, match, handler in c.matches(text)]


@settings(max_examples=400, deadline=None)
@given(parts=st.lists(_PIECES | st.text("0123456789年月日底前至到每内周天季度", max_size=4), max_size=16))
def test_matches_by_bits_are_every_recognisers(parts: list[str]) -> None:
    text = half_width("".join(parts))
    assert _matches(text) == _every_recogniser(text)


def test_matches_by_bits_on_the_samples() -> None:
    found = 0
    for line in sample_lines():
        text = half_width(line)
        got = _matches(text)
        assert got == _every_recogniser(text)
        found += len(got)
    assert found > 100
    # the table of recogniser lists is keyed on bits alone, and stays small
    assert len(_compiled(deadline_rules())._runnable) < 4096


# --- the task stage -----------------------------------------------------------------------------


def _ancestors(levels: list[int], index: int) -> list[int]:
    """tasks._ancestors as it was (by level): the heading and those it stands under, innermost first."""
    out = [index]
    level = levels[index]
    for j in range(index - 1, -1, -1):
        if level == 1:
            break
        if levels[j] < level:
            out.append(j)
            level = levels[j]
    return out


class _Section:
    def __init__(self, level: int) -> None:
        self.level = level


class _Heading:
    def __init__(self, level: int) -> None:
        self.section = _Section(level)


@settings(max_examples=300, deadline=None)
@given(levels=st.lists(st.integers(0, 5), max_size=30))
def test_parents_lead_up_as_ancestors(levels: list[int]) -> None:
    parents = tasks_module._Tree([_Heading(level) for level in levels]).parent  # type: ignore[arg-type]
    for i in range(len(levels)):
        chain = [i]
        while (parent := parents[chain[-1]]) is not None:
            chain.append(parent)
        assert chain == _ancestors(levels, i)


def _task_text_before(text: str, start: int, end: int, skip: list[tuple[int, int]]) -> tuple[str, list[tuple[int, int]]]:
    """tasks._task_text as it was (but for the blank's leading "；", added after)."""
    if not skip:
        return text[start:end], []
    spans = [(max(a, start), min(b, end)) for a, b in skip if a < b and a < end and start < b and start < end]
    if not spans:
        return text[start:end], []
    spans.sort()
    pieces: list[str] = []
    blanks: list[tuple[int, int]] = []
    pos = start
    for a, b in spans:
        if b <= pos:
            continue
        a = max(a, pos)
        pieces.append(text[pos:a])
        pieces.append("；" + " " * (b - a - 1))
        blanks.append((a - start, b - start))
        pos = b
    pieces.append(text[pos:end])
    return "".join(pieces), blanks


def _clean(text: str) -> CleanText:
    return CleanText.build(text, tuple(range(len(text))), text)


@settings(max_examples=400, deadline=None)
@given(
    start=st.integers(0, 30),
    end=st.integers(0, 30),
    skip=st.lists(st.tuples(st.integers(-3, 33), st.integers(-3, 33)), max_size=5),
)
def test_task_text_as_before(start: int, end: int, skip: list[tuple[int, int]]) -> None:
    text = "推进老旧小区改造，覆盖率达到95%以上（牵头单位：市住建局）"
    assert tasks_module._task_text(_clean(text), start, end, skip) == _task_text_before(text, start, end, skip)


def test_task_text_blanks_clauses() -> None:
    text = "推进改造（牵头单位：市住建局）完成"
    got, blanks = tasks_module._task_text(_clean(text), 0, len(text), [(4, 15)])
    assert got == "推进改造" + "；" + " " * 10 + "完成"
    assert blanks == [(4, 15)]


def test_unit_refs_spans_are_clean_spans() -> None:
    raw = "市住建局\n 市财政局、市城管局"
    text = "市住建局市财政局、市城管局"
    origin = (0, 1, 2, 3, 6, 7, 8, 9, 10, 11, 12, 13, 14)
    clean = CleanText.build(text, origin, raw)
    units = [
        FoundUnit("市住建局", Role.LEAD, 0, 4),
        FoundUnit("市财政局", Role.RESPONSIBLE, 4, 8),
        FoundUnit("市城管局", Role.COOPERATING, 9, 13),
    ]
    refs = tasks_module._unit_refs(clean, units, {"市城管局": "市城市管理综合执法局"})
    assert [r.span for r in refs] == [clean.span(u.start, u.end) for u in units]
    assert [r.span for r in refs] == [(0, 4), (6, 10), (11, 15)]
    assert [r.canonical for r in refs] == ["市住建局", "市财政局", "市城市管理综合执法局"]
    assert all(type(r.span) is tuple for r in refs)


_TABLE_PLAN = """关于推进老旧小区改造的实施方案

一、总体要求
到2024年底，完成改造任务。
二、重点任务
附件：任务分解表
序号\t主要任务\t责任单位\t完成时限
1\t完成小区改造方案编制\t市住建局\t2023年6月底前
2\t推进管网改造，改造率达到90%以上\t市城管局\t2023年12月底前
3\t建立长效管理机制\t市住建局\t长期坚持
"""


def test_table_plan_sections_in_order_with_ids_and_valid() -> None:
    plan = govplan.extract(_TABLE_PLAN)
    assert [s.id for s in plan.sections] == [f"s{n}" for n in range(1, len(plan.sections) + 1)]
    assert [s.span[0] for s in plan.sections] == sorted(s.span[0] for s in plan.sections)
    assert len(plan.tasks) == 3
    assert [[d.text for d in t.deadlines] for t in plan.tasks] == [["2023年6月底前"], ["2023年12月底前"], ["长期坚持"]]
    assert Plan.model_validate(plan.model_dump()) == plan


def test_task_deadlines_are_placed_in_the_document() -> None:
    text = "关于推进改造的实施方案\n\n一、重点任务\n（一）推进改造。6月底前完成方案，2023年12月底前完成改造。（牵头单位：市住建局）\n"
    plan = govplan.extract(text)
    assert len(plan.tasks) == 1
    deadlines = plan.tasks[0].deadlines
    assert [d.text for d in deadlines] == ["6月底前", "2023年12月底前"]
    assert [text[d.span[0] : d.span[1]] for d in deadlines] == ["6月底前", "2023年12月底前"]
    assert Plan.model_validate(plan.model_dump()) == plan
