"""The fast paths of units.py and table.py equal the plain ones.

``unit_list_suffix`` no longer tries every tail of a span before segmenting it: a cheap test on
the span's last character rejects most spans, and the tails are tried from the shortest.  The
table's unit cell tests split_names's cleaned names instead of cleaning each item again, and
``_carry_down`` builds its role sets once a row.  These tests compare each with a copy of the
code it replaced (hand-picked spans, random spans built from unit names, separators, sentence
text, cut words and brackets, and random rows of merged cells).
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from govplan.clauses import FoundUnit
from govplan.models import Role
from govplan.ruleset import default_rules
from govplan.table import Group, Row, _carry_down, _unit_cell
from govplan.units import (
    _UNIT_START_WORD,
    UnitRules,
    _compiled,
    _no_tail_is_unit_list,
    _some_tail_is_unit_list,
    _words,
    is_unit_list,
    looks_like_clean_unit,
    looks_like_unit,
    split_names,
    unit_list_suffix,
    unit_rules,
)

# --- the plain implementations, as they were before the fast paths --------------------------------


def _unit_list_suffix_reference(text: str, rules: UnitRules | None = None) -> int | None:
    """unit_list_suffix trying every tail of the span, from the longest, before segmenting it."""
    r = rules or unit_rules()
    stripped = text.rstrip()
    for boundary in (max(stripped.rfind(ch) for ch in "。；;！？ \t") + 1,):
        if stripped[boundary:] and is_unit_list(stripped[boundary:], r):
            return boundary + (len(stripped[boundary:]) - len(stripped[boundary:].lstrip()))
    stripped_start = max(0, len(stripped) - 80)
    if not any(is_unit_list(stripped[p:], r) for p in range(stripped_start, len(stripped))):
        return None
    offset = stripped_start
    c = _compiled(r)
    for start, word in _words(stripped[stripped_start:], r):
        tail = stripped[offset + start:]
        starts_unit = (
            _UNIT_START_WORD.match(word)
            or word in c.vocabulary
            or (word[0] in "市区县省旗各"
            and looks_like_unit(word, r))
        )
        if starts_unit and is_unit_list(tail, r):
            return offset + start
    return None


def _any_tail_reference(stripped: str, lo: int, r: UnitRules) -> bool:
    return any(is_unit_list(stripped[p:], r) for p in range(lo, len(stripped)))


def _unit_cell_reference(bare: str, rules: UnitRules) -> tuple[int | None, list[tuple[int, int, str]] | None]:
    """table._unit_cell testing each item with looks_like_unit (the item cleaned again)."""
    from govplan.table import _LOOSE_UNIT, _MEASURE_WORD, _SENTENCE_END

    sentence = max(bare.rfind(ch) for ch in _SENTENCE_END) + 1
    if sentence:
        cell = bare[sentence:]
        lead = len(cell) - len(cell.lstrip())
        names = split_names(cell, rules)
        if names and looks_like_unit(cell[names[0][0]:names[0][1]], rules) and all(
            looks_like_unit(cell[a:b], rules) or (_LOOSE_UNIT.match(cell[a:b]) and not _MEASURE_WORD.search(cell[a:b]))
            for a, b, _ in names[1:]
        ):
            return sentence + lead, (names if lead == 0 else None)
    return _unit_list_suffix_reference(bare, rules), None


def _carry_down_reference(groups: list[Group], roles: list[Role], *, blanks_merged: bool) -> None:
    order = {role: i for i, role in enumerate(roles)}
    primary = next((r for r in roles if r != Role.COOPERATING), roles[0] if roles else Role.RESPONSIBLE)
    above: dict[Role, list[FoundUnit]] = {}
    deadline: tuple[str, tuple[int, int]] | None = None
    for group in groups:
        if not group.category:
            above, deadline = {}, None
        for row in group.rows:
            own = {u.role for u in row.units} | row.written
            taken = [
                role for role in above
                if role not in own and (not row.units or role == primary or blanks_merged)
            ]
            if taken:
                inherited = [u for role in taken for u in above[role]]
                row.units = sorted([*row.units, *inherited], key=lambda u: order.get(u.role, len(order)))
                row.units_inherited = True
            for role in {u.role for u in row.units} | row.written:
                above[role] = [u for u in row.units if u.role == role]
            if row.deadline is not None and row.deadline_span is not None:
                deadline = (row.deadline, row.deadline_span)
            elif deadline is not None:
                row.deadline, row.deadline_span = deadline
                row.deadline_inherited = True


# --- spans built from unit names, separators, sentence text and brackets ----------------------------

_UNITS = ["市住建局", "市住房和城乡建设局", "各区人民政府", "市公用事业发展中心", "生态环境局", "卫健委",
          "市委政法委", "乌海供电分公司", "各旗区综合（行政）执法局", "信开环境科技（包头）有限公司",
          "市大数据中心", "各街道", "区交管大队", "市文体旅游广电局", "各县（市、区）人民政府", "各乡镇（街道）",
          "市城市管理 综合执法局", "包钢集团", "市发改委", "市场监管局"]
_TEXT = ["加强日常管理", "2024年底", "2023年6月底前", "长期坚持", "市文体旅游", "推进", "负责", "按职责分工负责",
         "等相关单位", "等部门", "等", "职", "分工", "要", "应急", "实现阅读便捷化", "和", "及", "与", "1.",
         "2", "局", "委", "办", "中心", "广电局", "有限公司", "A", "·"]
_MARKS = ["、", "，", ",", "；", ";", "。", "：", ":", ".", "！", "？", " ", "  ", "\n", "\t", "\u3000", "\xa0",
          "\x1c", "（", "）", "(", ")", "《", "》", "【", "】"]
_PIECE = st.sampled_from(_UNITS + _TEXT + _MARKS)
_SPANS = st.lists(_PIECE, max_size=14).map("".join)
# long spans: the 80-character window of the tail test cuts into them
_LONG_SPANS = st.lists(_PIECE, min_size=10, max_size=40).map("".join)

# rules whose suffixes and vocabulary end in other characters than the default's, whose duty
# pattern differs from the one split_names uses (the default's), and one with an empty suffix
_ODD_RULES = UnitRules(
    suffixes=["中心", "局", "游", "2"], vocabulary=["市文体旅游", "与"], aliases={"住建": "市住建局"},
    trailing_duty=["负责"],
)
_EMPTY_SUFFIX_RULES = UnitRules(suffixes=["", "局"], vocabulary=["市住建局"])


@pytest.mark.parametrize(
    "text",
    [
        "市文体旅游2024年底",
        "“一键借阅平台”,实现阅读便捷化、数字化、智能移动化。 市文体旅游",
        "城市管理综合执法局2026年底卫健委、生态环境局",
        "加强日常管理市住建局市财政局",
        "市城市管理综合执法局、市大数据中心、住建局、",
        "广电局",
        "各旗区综合（行政）执法局",
        "加强管理各县（市、区）人民政府",
        "落实责任各有关单位按职责分工负责",
        "推进改造市住建局等相关单位",
        "市住建局 市公安局",
        "",
        "   ",
        "局",
        "加强管理（市住建局",
    ],
)
def test_unit_list_suffix_equals_the_plain_one_on_chosen_spans(text: str) -> None:
    rules = unit_rules()
    assert unit_list_suffix(text, rules) == _unit_list_suffix_reference(text, rules)


def test_a_span_ending_in_a_date_or_a_verb_is_rejected_by_its_last_character() -> None:
    c = _compiled(unit_rules())
    assert _no_tail_is_unit_list("市文体旅游2024年底", 0, c)
    assert _no_tail_is_unit_list("加强日常管理，推进", 0, c)
    # a unit at the end, or a cut word in the last piece: not rejected (the tails decide)
    assert not _no_tail_is_unit_list("加强日常管理市住建局", 0, c)
    assert not _no_tail_is_unit_list("加强日常管理市住建局等", 0, c)
    assert not _no_tail_is_unit_list("各有关单位按职责分工负责", 0, c)
    assert not _no_tail_is_unit_list("市住建局（牵头）", 0, c)
    # 等 before the last separator is no cut of the last piece; inside brackets it may be
    assert _no_tail_is_unit_list("市住建局等、推进", 0, c)
    assert not _no_tail_is_unit_list("（市住建局等、推进", 0, c)
    # an empty suffix ends every name: no rejection at all
    assert not _no_tail_is_unit_list("市文体旅游2024年底", 0, _compiled(_EMPTY_SUFFIX_RULES))


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_SPANS, st.sampled_from([None, "odd", "empty"]))
@example("城市管理综合执法局2026年底卫健委、生态环境局", None)
@example("市文体旅游2024年底", "odd")
@example("加强管理市住建局等", None)
@example("（市住建局等、推进", None)
@example("市住建局（筹、推进", None)
def test_the_tail_test_equals_trying_every_tail(span: str, which: str | None) -> None:
    rules = {None: unit_rules(), "odd": _ODD_RULES, "empty": _EMPTY_SUFFIX_RULES}[which]
    stripped = span.rstrip()
    c = _compiled(rules)
    for lo in range(len(stripped) + 1):
        want = _any_tail_reference(stripped, lo, rules)
        assert _some_tail_is_unit_list(stripped, lo, rules) == want
        if stripped and lo < len(stripped) and _no_tail_is_unit_list(stripped, lo, c):
            assert not want  # the rejection is a necessary test only


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(_SPANS, _LONG_SPANS), st.booleans())
@example("加强日常管理市住建局市财政局", False)
@example("实现阅读便捷化、数字化。 市文体旅游", True)
def test_unit_list_suffix_equals_the_plain_one(span: str, odd: bool) -> None:
    rules = _ODD_RULES if odd else unit_rules()
    assert unit_list_suffix(span, rules) == _unit_list_suffix_reference(span, rules)


# --- the table's unit cell ---------------------------------------------------------------------------


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(_SPANS, _LONG_SPANS))
@example("细化考核制度。市住房和城乡建设局、中国人民银行某县支行")
@example("细化考核制度。 市住建局、市公安局")
@example("细化考核制度。市住建局 市公安局、推进落实")
def test_unit_cell_equals_the_plain_one(bare: str) -> None:
    bare = bare.rstrip()
    rules = default_rules()["units"]
    assert _unit_cell(bare, rules) == _unit_cell_reference(bare, rules)


@settings(max_examples=300, deadline=None)
@given(_SPANS)
def test_split_names_names_are_clean_so_the_clean_test_is_looks_like_unit(text: str) -> None:
    rules = unit_rules()
    for a, b, name in split_names(text, rules):
        assert looks_like_clean_unit(name, rules) == looks_like_unit(text[a:b], rules)
        assert looks_like_clean_unit(name) == looks_like_unit(text[a:b])


# --- carrying merged cells down ------------------------------------------------------------------------

_ROLES = [Role.LEAD, Role.RESPONSIBLE, Role.COOPERATING]
_ROW = st.tuples(
    st.lists(st.tuples(st.sampled_from(["市住建局", "市公安局", "各区人民政府"]), st.sampled_from(_ROLES)), max_size=3),
    st.sets(st.sampled_from(_ROLES), max_size=2),
    st.sampled_from([None, "2024年底", "长期坚持"]),
)
_GROUPS = st.lists(st.tuples(st.booleans(), st.lists(_ROW, max_size=5)), max_size=4)


def _build(spec: list[tuple[bool, list[tuple[list[tuple[str, Role]], set[Role], str | None]]]]) -> list[Group]:
    groups = []
    at = 0
    for category, rows in spec:
        group = Group("", "", at, at, at, category=category)
        for units, written, deadline in rows:
            row = Row("1", "t", at, at + 10, at + 2)
            row.units = [FoundUnit(name, role, at + i, at + i + 1) for i, (name, role) in enumerate(units)]
            row.written = set(written)
            if deadline is not None:
                row.deadline, row.deadline_span = deadline, (at + 5, at + 9)
            group.rows.append(row)
            at += 10
        groups.append(group)
    return groups


@settings(max_examples=300, deadline=None)
@given(_GROUPS, st.lists(st.sampled_from(_ROLES), min_size=1, max_size=3, unique=True), st.booleans())
def test_carry_down_equals_the_plain_one(spec: list, roles: list[Role], blanks_merged: bool) -> None:  # type: ignore[type-arg]
    fast, plain = _build(spec), _build(spec)
    _carry_down(fast, roles, blanks_merged=blanks_merged)
    _carry_down_reference(plain, roles, blanks_merged=blanks_merged)
    assert fast == plain  # (dataclass equality: every field of every row, units in order)


# --- the unit-name test --------------------------------------------------------------------------------


def _looks_like_clean_reference(name: str, rules: UnitRules) -> bool:
    """units._looks_like_clean with its tests in their former order (the bad words first)."""
    from govplan.units import _BAD, _BRACKETED, _NAME_CHARS

    c = _compiled(rules)
    if not (2 <= len(name) <= 30):
        return False
    if name in c.vocabulary or name in c.aliases:
        return True
    if _BAD.search(name):
        return False
    if "（" in name or "(" in name:
        core = _BRACKETED.sub("", name)
        if not core or not _NAME_CHARS.match(core):
            return False
        return core.endswith(c.suffix_tuple) or name.rstrip("）)").endswith(c.suffix_tuple)
    return bool(_NAME_CHARS.match(name)) and name.endswith(c.suffix_tuple)


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(_UNITS + _TEXT + ["（", "）", "(", ")", "2024年", "1"]), max_size=5).map("".join),
       st.booleans())
@example("加强市住建局", False)
@example("投资促进中心", False)
@example("各县（市、区）人民政府", False)
@example("2024年市住建局", True)
def test_the_unit_name_test_equals_the_plain_one(name: str, odd: bool) -> None:
    rules = _ODD_RULES if odd else unit_rules()
    assert looks_like_clean_unit(name, rules) == _looks_like_clean_reference(name, rules)
