"""The written-out fast paths of clauses._labelled and outline._heading_of equal the plain ones.

``_labelled`` inlines ``_enclosing_open`` and ``_value_end`` (one Python call less for each clause
and label); ``_heading_of`` reads a heading line's text after the marker in place instead of
copying it (``rest = line[marker_end:]``).  These tests compare each with a copy of the code it
replaced, on hand-picked texts and on random ones built from labels, colons, brackets, unit
names, separators, line breaks and sentence text (and, for headings, every heading style's marker
followed by titles with stops, commas and digits).
"""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from govplan.clauses import (
    _CLOSE,
    _OPEN,
    _OTHER_FIELD,
    _VALUE_MARKS,
    Clause,
    FoundUnit,
    _compiled,
    _labelled,
    _skip_to_value,
    _units_in,
    find_clauses,
)
from govplan.outline import _ENCLOSED_MARKER, HeadingMatch, cut_title, match_heading
from govplan.outline import _compiled as _outline_compiled
from govplan.ruleset import default_rules

RULES = default_rules()
C = _compiled(RULES["clauses"])
UNIT_RULES = RULES["units"]
OUTLINE = RULES["outline"]

# --- the plain implementations, as they were before the fast paths --------------------------------


def _enclosing_open(text: str, pos: int) -> int | None:
    """The opening bracket just before a label (（责任单位：…), if the label starts a bracket."""
    k = pos - 1
    while k >= 0 and text[k] in " \t":
        k -= 1
    return k if k >= 0 and text[k] in _OPEN else None


def _value_end(text: str, start: int, in_bracket: bool) -> tuple[int, str]:
    """Where a label's unit list ends: the bracket closing the clause, a line end or 。."""
    depth = 0
    for m in _VALUE_MARKS.finditer(text, start):  # brackets, line ends and 。 only
        ch = m.group()
        k = m.start()
        if ch in _OPEN:
            depth += 1
        elif ch in _CLOSE:
            if depth == 0:
                return k, "close" if in_bracket else "stray"
            depth -= 1
        elif ch == "\n" or (ch == "。" and depth == 0):
            return k, "end"
    return len(text), "end"



def _labelled_reference(text: str, offset: int = 0) -> list[Clause]:
    """_labelled calling _enclosing_open and _value_end."""
    c = C
    wide, narrow = text.find("："), text.find(":")
    if wide < 0 and narrow < 0:
        return []
    k = min(wide, narrow) if wide >= 0 and narrow >= 0 else max(wide, narrow)
    while k > 0 and text[k - 1].isspace():
        k -= 1
    labels = list(c.label.finditer(text, max(0, k - c.longest_label)))
    clauses: list[Clause] = []
    i = 0
    size = len(text)
    while i < len(labels):
        first = labels[i]
        open_pos = _enclosing_open(text, first.start())
        units: list[FoundUnit] = []
        clause_end = first.end()
        j = i
        while j < len(labels):
            label = labels[j]
            value_start = label.end()
            if value_start < size and text[value_start] in " \t\n":
                value_start = _skip_to_value(text, value_start)
            value_end, stop = _value_end(text, value_start, open_pos is not None)
            if text.find("：", value_start, value_end) >= 0 or text.find(":", value_start, value_end) >= 0:
                other = _OTHER_FIELD.search(text, value_start, value_end)
                if other is not None and not c.label.match(text, other.start() + 1):
                    value_end, stop = other.start(), "field"
            next_label = labels[j + 1] if j + 1 < len(labels) else None
            if next_label is not None and next_label.start() < value_end:
                value_end = next_label.start()
                stop = "label"
            role = c.label_role[label.group("label")]
            units.extend(_units_in(text, value_start, value_end, role, c, UNIT_RULES, offset))
            clause_end = value_end
            j += 1
            if stop != "label":
                break
        start = open_pos if open_pos is not None else first.start()
        if open_pos is not None and clause_end < len(text) and text[clause_end] in _CLOSE:
            clause_end += 1
        clauses.append(Clause(start + offset, clause_end + offset, tuple(units)))
        i = j
    return clauses


def _heading_reference(line: str) -> HeadingMatch | None:
    """match_heading copying the text after the marker and cutting its title with cut_title."""
    c = _outline_compiled(OUTLINE)
    for style, pattern in c.styles:
        m = pattern.match(line)
        if not m:
            continue
        marker_end = m.end()
        rest = line[marker_end:]
        if c.not_after.match(rest) and not _ENCLOSED_MARKER.search(m.group()):
            return None
        title_len = cut_title(rest, OUTLINE)
        title = rest[:title_len].strip()
        if c.too_little_han(title):
            return None
        num = m.group("num")
        groups: dict[str, Any] = {k: v or "" for k, v in m.groupdict().items()}
        number = style.number.format(**{**groups, "num": num})
        return HeadingMatch(style.name, num, number, marker_end, title, marker_end + title_len)
    return None


# --- clauses -----------------------------------------------------------------------------------

# the clause texts and pieces of the round-six tests (a superset of the ones this file had)
from test_speed_clauses6 import _CLAUSE_TEXTS, _PIECES  # noqa: E402


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(_PIECES), max_size=30), st.integers(min_value=0, max_value=500))
def test_labelled_equals_plain(pieces: list[str], offset: int) -> None:
    text = "".join(pieces)
    assert _labelled(text, C, UNIT_RULES, offset) == _labelled_reference(text, offset)


def test_labelled_equals_plain_on_examples() -> None:
    for text in _CLAUSE_TEXTS:
        for offset in (0, 17):
            assert _labelled(text, C, UNIT_RULES, offset) == _labelled_reference(text, offset), text


def test_labelled_finds_real_clauses() -> None:
    clauses = find_clauses("形成合力。（责任单位：市公安局、市交通运输局，配合部门：各区人民政府）", RULES, 10)
    assert len(clauses) == 1
    names = [(u.role.value, u.name) for u in clauses[0].units]
    assert names == [("responsible", "市公安局"), ("responsible", "市交通运输局"), ("cooperating", "各区人民政府")]
    assert clauses[0].start == 15  # the opening bracket, plus the offset
    assert clauses[0].end == 10 + len("形成合力。（责任单位：市公安局、市交通运输局，配合部门：各区人民政府）")
    # a label at the end of its line: the units on the next one, the clause stops at the line end
    (clause,) = find_clauses("责任单位：\n  市住建局、区教育局\n其他内容", RULES)
    assert [u.name for u in clause.units] == ["市住建局", "区教育局"]
    assert clause.end == len("责任单位：\n  市住建局、区教育局")


# --- outline -----------------------------------------------------------------------------------

_MARKERS = ["一、", "十二、", "（一）", "(三)", "1.", "12、", "3．", "（2）", "①", "第一章", "第三条", "第二节", "第一部分", "二,", ""]
_TEXT = ["加强组织领导", "。", "，", ",", "3.5万", "二级医院", "工作", " ", "Ab", "1", "推进改革发展", "（", "）", "要求"]


@settings(max_examples=400, deadline=None)
@given(st.sampled_from(_MARKERS), st.lists(st.sampled_from(_TEXT), max_size=25))
@example("1.", ["3.5万", "工作"])
@example("①", ["1", "加强组织领导"])
@example("一、", ["推进改革发展"] * 8 + ["，", "工作"])
def test_heading_equals_plain(marker: str, pieces: list[str]) -> None:
    line = marker + "".join(pieces)
    assert match_heading(line, OUTLINE) == _heading_reference(line)


def test_heading_title_cut_in_place() -> None:
    long_title = "推进改革发展" * 8
    m = match_heading(f"（二）{long_title}，加强统筹。后文", OUTLINE)
    assert m is not None
    assert (m.number, m.marker_end, m.title) == ("二", 3, long_title)
    assert m.title_end == 3 + len(long_title)
    short = match_heading("3. 加强组织领导。各单位要……", OUTLINE)
    assert short is not None and (short.title, short.title_end) == ("加强组织领导", 9)
    assert match_heading("1.5万元的补助", OUTLINE) is None
