"""The sixth speed pass of the task stage's target handling gives what the code it replaced gave.

* ``find_targets(..., bounded_only=True)``: the targets of the full list whose comparator is not
  = (what ``tasks._document_targets`` kept outside 目标 sections), the plain ones left out before
  their indicator, deadline and clause are read (and no deadline scan where none can be bounded);
* ``find_targets(..., place=..., task=...)``: each Target built once with its span placed in the
  document (and its task), as copying the target of the text with those values gave;
* ``targets.quantity_test``: the quick test run on [start, end) of the whole text, as on the piece
  cut out, and None only where ``find_targets`` of the piece finds nothing;
* ``tasks._document_targets``: the plain version it replaces (kept here) gives the same targets on
  the samples, hand-made plans and hypothesis plans (sections of facts, of targets, of neither,
  tasks with and without clauses).
"""

from __future__ import annotations

import bisect
import datetime as dt
import itertools
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import govplan
from govplan import targets as T
from govplan import tasks as tasks_module
from govplan.models import Comparator, Target, copied
from sample_lines import SAMPLES, sample_lines

RULES = T.target_rules()
C = T._compiled(RULES)


LINES = sample_lines()

_HAND = [
    "到2025年底，绿色出行分担率达到75%以上，新建停车泊位1000个",
    "开展线下公益培训班10门课程20个班次以上，开设线上“云课堂”慕课8门课程以上",
    "每年安排专项资金不少于500万元，新增培训100人次，财政投入增长10%",
    "建成区道路机械化率不低于75%，乡镇不低于60%；完成改造老旧小区60个",
    "购置安装20套健身器材，其中海勃湾区9套、乌达区6套、海南区5套",
    "年接待进馆人数突破20万人次，2023年6月底前完成10000余户改造",
    "PUE控制在1.3以下，完成3个小区改造，改造1050户",
    "完成投资3.935亿元，服务17.8万户；引入首店20家以上。",
    "2021年全市共完成改造老旧小区98个。",
    "",
]

_WORDS = sorted(
    {
        *RULES.comparators.before,
        *RULES.comparators.after,
        *RULES.numbers.approx,
        *RULES.units.measures[:40],
        *RULES.units.percent,
        *RULES.licensing.verbs[:30],
        *RULES.units.dimensionless,
    }
)
_PIECES = st.sampled_from(
    [
        *_WORDS,
        "15", "3.5", "2023年", "2025年底前", "6月底前", "一", "十二", "两", "（一）", "1.", "是", " ", "\n", "\t",
        "，", "、", "：", "；", "。", "（", "）", "《", "》", "的", "建设", "改造", "社区", "全市", "现有", "万",
        "余", "多", "个", "%", "％", "０",
    ]
)
_TEXTS = st.lists(_PIECES, max_size=30).map("".join)
_YEARS = st.sampled_from([None, 2021, 2023])


def _same(got: list[Target], want: list[Target]) -> None:
    assert [t.model_dump() for t in got] == [t.model_dump() for t in want]
    for a, b in zip(got, want, strict=True):
        assert a.__dict__ == b.__dict__
        assert list(a.__dict__) == list(b.__dict__)  # (the JSON keys follow this order)
        assert a.model_fields_set == b.model_fields_set
        assert type(a.span) is tuple and all(type(x) is int for x in a.span)
        assert type(a.comparator) is Comparator
        assert a.deadline is None or type(a.deadline) is dt.date
        assert Target.model_validate(a.model_dump()) == a


# --- bounded_only ------------------------------------------------------------------------------


def _bounded(text: str, year: int | None) -> list[Target]:
    """What _document_targets kept of a text outside 目标 sections: the full list, = left out."""
    return [t for t in T.find_targets(text, year=year, rules=RULES) if t.comparator not in (Comparator.EQ,)]


@pytest.mark.parametrize("text", _HAND)
def test_bounded_only_hand_picked(text: str) -> None:
    _same(T.find_targets(text, year=2023, rules=RULES, bounded_only=True), _bounded(text, 2023))


def test_bounded_only_leaves_out_plain_counts_and_keeps_bounds() -> None:
    text = "每年安排专项资金不少于500万元，新增培训100人次，绿化覆盖率达到40%以上"
    full = T.find_targets(text, year=2023, rules=RULES)
    assert any(t.comparator is Comparator.EQ for t in full)  # (something to leave out)
    got = T.find_targets(text, year=2023, rules=RULES, bounded_only=True)
    assert [(t.comparator, t.value) for t in got] == [(Comparator.GE, 5000000), (Comparator.GE, 40)]
    assert T.find_targets("新增培训100人次，完成改造60个", year=2023, rules=RULES, bounded_only=True) == []


def test_bounded_only_on_the_samples() -> None:
    kept = left_out = 0
    for line in LINES:
        want = _bounded(line, 2022)
        kept += len(want)
        left_out += len(T.find_targets(line, year=2022, rules=RULES)) - len(want)
        _same(T.find_targets(line, year=2022, rules=RULES, bounded_only=True), want)
    assert kept > 10 and left_out > 10


@settings(max_examples=300, deadline=None)
@given(text=_TEXTS, year=_YEARS)
def test_bounded_only_on_random_texts(text: str, year: int | None) -> None:
    _same(T.find_targets(text, year=year, rules=RULES, bounded_only=True), _bounded(text, year))


# --- place and task ----------------------------------------------------------------------------


def _copied(text: str, year: int | None, base: int, task: str | None) -> list[Target]:
    update: dict[str, Any] = {} if task is None else {"task": task}
    return [
        copied(t, {"span": (base + t.span[0], base + t.span[1] + 1), **update})
        for t in T.find_targets(text, year=year, rules=RULES)
    ]


@pytest.mark.parametrize("task", [None, "t7"])
@pytest.mark.parametrize("text", _HAND)
def test_placed_targets_equal_copies(text: str, task: str | None) -> None:
    got = T.find_targets(text, year=2023, rules=RULES, place=lambda a, b: (a + 40, b + 41), task=task)
    _same(got, _copied(text, 2023, 40, task))


def test_placed_targets_on_the_samples() -> None:
    for line in LINES:
        got = T.find_targets(line, year=2022, rules=RULES, place=lambda a, b: (a + 3, b + 4), task="t1")
        _same(got, _copied(line, 2022, 3, "t1"))


@settings(max_examples=200, deadline=None)
@given(text=_TEXTS, year=_YEARS, base=st.integers(0, 500), task=st.sampled_from([None, "t1", "t12"]))
def test_placed_targets_on_random_texts(text: str, year: int | None, base: int, task: str | None) -> None:
    got = T.find_targets(text, year=year, rules=RULES, place=lambda a, b: (base + a, base + b + 1), task=task)
    _same(got, _copied(text, year, base, task))


# --- quantity_test -----------------------------------------------------------------------------


def _check_quantity_test(text: str, start: int, end: int) -> None:
    test = T.quantity_test(RULES)
    piece = text[start:end]
    assert (test(text, start, end) is None) == (C.may_hold(piece) is None)
    if test(text, start, end) is None:
        assert T.find_targets(piece, year=2023, rules=RULES) == []


def test_quantity_test_on_the_samples() -> None:
    text = "\n".join(LINES)
    cuts = sorted({0, len(text), *range(0, len(text), 97), *(text.find(w) for w in ("%", "个", "万", "以上"))})
    cuts = [c for c in cuts if c >= 0]
    for a, b in itertools.pairwise(cuts):
        _check_quantity_test(text, a, b)
        _check_quantity_test(text, a + 1, b)  # (cut right after a character the scan could start with)
    assert T.quantity_test(RULES)("完成改造60个", 0, 7) is not None
    assert T.quantity_test(RULES)("完成改造60个", 0, 6) is None  # the unit cut off
    assert T.quantity_test(RULES)("完成改造60个", 6, 7) is None  # the number cut off


@settings(max_examples=300, deadline=None)
@given(text=_TEXTS, data=st.data())
def test_quantity_test_on_random_pieces(text: str, data: Any) -> None:
    start = data.draw(st.integers(0, len(text)))
    end = data.draw(st.integers(start, len(text)))
    _check_quantity_test(text, start, end)


# --- _document_targets: the plain version it replaces ---------------------------------------------


def _plain_document_targets(clean: Any, tasks: Any, headings: Any, tree: Any, c: Any, year: Any, rules: Any) -> Any:
    """tasks._document_targets before this pass: every section text outside tasks read in full,
    the plain targets dropped afterwards outside 目标 sections, each target copied into place."""
    targets = [t for task in tasks for t in task.targets]
    task_spans = sorted(task.span for task in tasks)
    starts = [a for a, _ in task_spans]
    reach = list(itertools.accumulate((b for _, b in task_spans), max))

    def in_a_task(pos: int) -> bool:
        k = bisect.bisect_right(starts, pos) - 1
        return k >= 0 and pos < reach[k]

    def within_a_task(low: int, high: int) -> bool:
        k = bisect.bisect_right(starts, low) - 1
        return k >= 0 and high < reach[k]

    def under(search: Any, index: int) -> bool:
        k: int | None = index
        while k is not None:
            if search(headings[k].section.title):
                return True
            k = tree.parent[k]
        return False

    origin = clean.origin
    for i, heading in enumerate(headings):
        found = clean.text.find(heading.section.title, heading.start, heading.title_end + 1)
        text_start = found if found >= 0 else heading.start
        if text_start >= heading.own_end:
            continue
        if task_spans and within_a_task(origin[text_start], origin[heading.own_end - 1]):
            continue
        if under(c.fact_sections.search, i):
            continue
        all_targets = under(c.target_sections.search, i)
        text = clean.text[text_start:heading.own_end]
        for target in T.find_targets(text, year=year, rules=rules["targets"]):
            if not all_targets and target.comparator in (Comparator.EQ,):
                continue
            a, b = target.span
            shifted = copied(target, {"span": clean.span(text_start + a, text_start + b)})
            if not in_a_task(shifted.span[0]):
                targets.append(shifted)
    return sorted(targets, key=lambda t: t.span)


@pytest.fixture
def compared(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Every _document_targets call of the pipeline checked against the plain version; the list
    counts the calls and the targets outside tasks they found."""
    fast = tasks_module._document_targets
    counts = [0, 0]

    def both(*args: Any) -> Any:
        got = fast(*args)
        _same(got, _plain_document_targets(*args))
        counts[0] += 1
        counts[1] += sum(1 for t in got if t.task is None)
        return got

    monkeypatch.setattr(tasks_module, "_document_targets", both)
    return counts


def test_document_targets_on_the_samples(compared: list[int]) -> None:
    found = sum(len(govplan.extract(path.read_text(encoding="utf-8")).targets) for path in sorted(SAMPLES.glob("*.txt")))
    assert compared[0] == 5 and found > 30  # (the samples' targets all stand in tasks: compared[1] is 0)


_PLAN = """某市城市管理提升行动实施方案

一、工作目标
到2025年底，建成15个口袋公园，绿化覆盖率达到40%以上，新增停车泊位1000个。

二、基本情况
全市现有公园32个，2022年完成改造老旧小区98个，覆盖率不低于30%。

三、重点任务
（一）推进垃圾分类。2024年底前完成20个示范小区建设，回收利用率达到35%以上。（责任单位：市城管局）
（二）提升道路通行率。新建停车泊位1000个以上，道路完好率不低于95%。
牵头单位：市住建局
（三）加强宣传引导。每季度至少召开1次推进会，全年开展宣传活动12场。

四、保障措施
（一）加大资金投入。每年安排专项资金不少于500万元，新增培训100人次，财政投入增长10%。
（二）强化考核。考核优秀率达到90%以上，完成督查20次。
"""


def test_document_targets_on_a_hand_made_plan(compared: list[int]) -> None:
    plan = govplan.extract(_PLAN)
    outside = [t for t in plan.targets if t.task is None]
    assert compared == [1, len(outside)]
    # the 目标 section keeps its plain count, the 保障措施 section only its bounds, 基本情况 none
    assert {(t.comparator, t.value) for t in outside} >= {(Comparator.EQ, 1000), (Comparator.GE, 5000000)}
    assert (Comparator.EQ, 100) not in {(t.comparator, t.value) for t in outside}
    assert all(t.value != 98 for t in plan.targets)


_TOPS = ["工作目标", "基本情况", "重点任务", "保障措施", "工作要求", "发展现状", "主要目标"]
_BODIES = [
    "到2025年底，绿化覆盖率达到40%以上，建成15个口袋公园",
    "新增停车泊位1000个以上，完成改造60个",
    "每年安排专项资金不少于500万元，新增培训100人次",
    "全市现有公园32个，覆盖率不低于30%",
    "加强统筹协调，形成工作合力",
    "开展线下公益培训班10门课程20个班次以上",
    "年接待进馆人数突破20万人次，6月底前完成",
]
_CLAUSES = ["", "（责任单位：市城管局）", "（牵头单位：市住建局；配合单位：各区人民政府）"]
_NUMERALS = "一二三四五六七"
_ITEM = st.tuples(st.sampled_from(_BODIES), st.sampled_from(_BODIES), st.sampled_from(_CLAUSES))
_SECTION = st.tuples(st.sampled_from(_TOPS), st.sampled_from(["", *_BODIES]), st.lists(_ITEM, max_size=3))


@settings(max_examples=40, deadline=None)
@given(sections=st.lists(_SECTION, min_size=1, max_size=5))
def test_document_targets_on_random_plans(sections: list[Any]) -> None:
    lines = ["某市城市品质提升实施方案", ""]
    for n, (top, intro, items) in enumerate(sections):
        lines.append(f"{_NUMERALS[n]}、{top}")
        if intro:
            lines.append(intro + "。")
        for k, (title, body, clause) in enumerate(items):
            lines.append(f"（{_NUMERALS[k]}）{title[:8]}。{body}。{clause}")
        lines.append("")
    with pytest.MonkeyPatch.context() as monkeypatch:
        fast = tasks_module._document_targets

        def both(*args: Any) -> Any:
            got = fast(*args)
            _same(got, _plain_document_targets(*args))
            return got

        monkeypatch.setattr(tasks_module, "_document_targets", both)
        govplan.extract("\n".join(lines))
