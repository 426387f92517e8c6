"""Round six's fast paths in clauses.py and units.py equal the code they replaced.

- ``_labelled`` reads a label's unit list from a lookahead group of ``label_value`` (its start
  where ``_skip_to_value`` puts it, its end at the first bracket, line end or 。) instead of
  calling ``_skip_to_value`` and searching ``_VALUE_MARKS``; a first mark that opens a bracket
  goes to ``_nested_value_end``, the old loop.
- ``_units_in`` reads the usual list (``plain_parts``) without building split_names' triples, and
  hands a name ending in a bracket or a verb's last character to ``_add_marked`` (the old branch).
- ``split_names`` tests for the usual list in another order and splits a list joined by 、 alone
  with str.split (``plain_parts``); any other text goes to ``_split_names``, round five's code.
- ``canonicalizer`` sorts all names once and runs ``_in_order`` written out.

Each is compared with a copy of round five's code on hand-picked texts, on the sample lines and
on random texts built from labels, colons, brackets, spaces, separators, duty words and names.
"""

from __future__ import annotations

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from govplan.clauses import (
    _CLOSE,
    _NO_UNIT,
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
from govplan.models import Role
from govplan.ruleset import default_rules
from govplan.units import (
    _LIST_EXTRAS,
    _SEPARATOR,
    UnitRules,
    _has_space,
    _in_order,
    _split_names,
    canonicalizer,
    looks_like_unit,
    plain_parts,
    split_names,
)
from govplan.units import (
    _compiled as _units_compiled,
)
from sample_lines import sample_lines

RULES = default_rules()
C = _compiled(RULES["clauses"])
UNIT_RULES: UnitRules = RULES["units"]

# --- round five's code --------------------------------------------------------------------------


def _split_names_reference(text: str, rules: UnitRules | None = None) -> list[tuple[int, int, str]]:
    """split_names as it was: its test for the usual list, then the regex split (its duty
    pre-test as it is now: the words of the rules' duty phrases, no longer 职/负责/分工 only)."""
    spaced = _has_space(text)
    duty_words = _units_compiled(rules if rules is not None else UNIT_RULES).may_cut_duty(text)
    if not (spaced or duty_words) and _LIST_EXTRAS.search(text) is None:
        out = []
        start = 0
        for part in _SEPARATOR.split(text):
            if part:
                out.append((start, start + len(part), part))
            start += len(part) + 1
        return out
    return _split_names(text, rules)  # the rest of the function, unchanged


def _units_in_reference(text: str, start: int, end: int, role: Role, offset: int) -> list[FoundUnit]:
    c = C
    value = text[start:end]
    at = start + offset
    found = []
    for a, b, name in _split_names_reference(value):
        own_role = role
        mark = c.role_mark.search(name) if name[-1] in "）)" else None
        glued = c.verb_tail.search(name) if mark is None and name[-1] in c.verb_last else None
        if mark is not None:
            own_role = c.verb_role[mark.group("verb")]
            name = name[: mark.start()]
            piece = value[a:b]
            b = a + len(piece[: max(piece.rfind("（"), piece.rfind("("))].rstrip())
        elif glued is not None and looks_like_unit(name[: glued.start()], UNIT_RULES):
            own_role = c.verb_role[glued.group("verb")]
            name = name[: glued.start()]
            b = a + len(value[a:b].rstrip()) - len(glued.group("verb"))
        if name and name not in _NO_UNIT:
            found.append(FoundUnit(name, own_role, at + a, at + b))
    return found


def _labelled_reference(text: str, offset: int = 0) -> list[Clause]:
    """_labelled as it was: the label pattern's matches, _skip_to_value and a loop over the
    brackets, line ends and 。 after each label."""
    c = C
    wide, narrow = text.find("："), text.find(":")
    if wide < 0 and narrow < 0:
        return []
    k = min(wide, narrow) if wide >= 0 and narrow >= 0 else max(wide, narrow)
    while k > 0 and text[k - 1].isspace():
        k -= 1
    labels = list(c.label.finditer(text, max(0, k - c.longest_label)))
    clauses: list[Clause] = []
    size = len(text)
    i = 0
    while i < len(labels):
        first = labels[i]
        k = first.start() - 1
        while k >= 0 and text[k] in " \t":
            k -= 1
        open_pos = k if k >= 0 and text[k] in _OPEN else None
        units: list[FoundUnit] = []
        clause_end = first.end()
        j = i
        while j < len(labels):
            label = labels[j]
            value_start = label.end()
            if value_start < size and text[value_start] in " \t\n":
                value_start = _skip_to_value(text, value_start)
            value_end, stop = size, "end"
            depth = 0
            for m in _VALUE_MARKS.finditer(text, value_start):
                ch = m.group()
                if ch in _OPEN:
                    depth += 1
                elif ch in _CLOSE:
                    if depth == 0:
                        value_end, stop = m.start(), "close" if open_pos is not None else "stray"
                        break
                    depth -= 1
                elif ch == "\n" or (ch == "。" and depth == 0):
                    value_end = m.start()
                    break
            if text.find("：", value_start, value_end) >= 0 or text.find(":", value_start, value_end) >= 0:
                other = _OTHER_FIELD.search(text, value_start, value_end)
                if other is not None and not c.label.match(text, other.start() + 1):
                    value_end, stop = other.start(), "field"
            j += 1
            if j < len(labels) and labels[j].start() < value_end:
                value_end = labels[j].start()
                stop = "label"
            role = c.label_role[label.group("label")]
            units.extend(_units_in_reference(text, value_start, value_end, role, offset))
            clause_end = value_end
            if stop != "label":
                break
        start = open_pos if open_pos is not None else first.start()
        if open_pos is not None and clause_end < size and text[clause_end] in _CLOSE:
            clause_end += 1
        clauses.append(Clause(start + offset, clause_end + offset, tuple(units)))
        i = j
    return clauses


def _canonicalizer_reference(names: list[str], rules: UnitRules) -> dict[str, str]:
    aliases = dict(rules.aliases)
    distinct = list(dict.fromkeys(names))
    by_first: dict[str, list[tuple[int, str, str]]] = {}
    for name in distinct:
        by_first.setdefault(name[:1], []).append((len(name), name[-3:], name))
    for group in by_first.values():
        group.sort(key=lambda entry: -entry[0])
    canonical: dict[str, str] = {}
    for name in distinct:
        if name in aliases:
            canonical[name] = aliases[name]
            continue
        found = None
        count = 0
        for length, tail, full in by_first[name[:1]]:
            if length <= len(name):
                break
            if name[-1:] in tail and _in_order(name, full):
                found = full
                count += 1
                if count > 1:
                    break
        canonical[name] = found if count == 1 and found is not None else name
    return canonical


# --- texts ---------------------------------------------------------------------------------------

_LABELS = ["责任单位", "牵头单位", "配合部门", "牵头", "配合", "主责单位", "协办单位", "完成时限", "备注", "具体责任单位"]
_PIECES = [
    *_LABELS, "：", ":", " ", "  ", "\t", "\n", "\u3000", "\x1c", "（", "）", "(", ")", "【", "】", "[", "]", "。",
    "，", "、", "；", "市住建局", "区教育局", "各区人民政府", "信开环境科技（包头）有限公司", "省数据局（牵头）",
    "各街道配合", "无", "2025年底前", "加强统筹", "暂无", "市发展改革委", "各有关单位按职责分工负责", "等部门",
    "（责任单位：", "【牵头处室：", "(配合部门:", "；配合部门：", "，协办单位：", "\n责任单位：", "。（牵头： ",
    "责任单位： \n ", "牵头单位：\t\n\n", "市住建局、区教育局）", "各区人民政府】", "市财政局)\n", "，完成时限：2025年）",
    "（市住建局（牵头）、区教育局）", "区教育局（配合）", "。其他）",
]

_CLAUSE_TEXTS = [
    "推进外资招引。【牵头处室：外资处；配合处室：投资促进处、综合处】",
    "（牵头：县文旅局；配合：各乡镇）",
    "……形成合力。（责任单位：市公安局、市交通运输局，配合部门：各区人民政府）",
    "牵头单位：区城市管理综合执法局\n责任部门：区教育局、卫健委",
    "责任单位:信开环境科技（包头）有限公司、各旗区综合（行政）执法局",
    "（责任单位：市住建局（牵头）、市财政局，完成时限：2025年底）\n",
    "责任单位：\n  市住建局、各区人民政府\n配合部门:各成员单位\n",
    "责任单位： \t\n\n 市住建局\n",
    "责任单位： 市住建局、 区教育局",
    "责任单位：市住建局）多余（配合部门：【各区】政府",
    "  （ 责任单位 ：市住建局、各街道配合。其他）",
    "（责任单位：市住建局（含下属单位。）、区教育局）",
    "（责任单位：【市住建局\n区教育局】）",
    ":（责任单位：市住建局，完成时限:2025年）",  # the first ":" at 0, another inside the value
    "责任单位：",
    "责任单位：\n",
    "无冒号的文本",
    "",
]

_UNIT_PIECES = [
    "市住建局", "区教育局", "各区人民政府", "市卫健委", "市卫生健康委员会", "各县（市、区）人民政府", "信开环境科技（包头）有限公司",
    "、", "、", "、", "，", ",", "；", ";", " ", "  ", "\t", "\n", "\u3000", "\x1c", "（", "）", "(", ")", "《", "》", "【", "】",
    "等", "等部门", "等有关单位", "职责", "按职责分工负责", "负责", "分工", "共同配合", "各司其职", ":", "：", "。", ".", "无", "暂无",
    "省数据局（牵头）", "各街道配合", "A", "1",
]

_NAME_POOL = [
    "市住建局", "市住房和城乡建设局", "市卫健委", "市卫生健康委员会", "市卫生健康局", "市发改委", "市发展和改革委员会",
    "市发展改革委", "区教育局", "区教育体育局", "各区人民政府", "各区政府", "市应急局", "市应急管理局", "市公安局", "市",
    "区", "市委政法委", "县卫健局",
]


# --- split_names and _units_in -------------------------------------------------------------------


@settings(max_examples=500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(_UNIT_PIECES), max_size=14), st.booleans())
@example(["市住建局", "、", "区教育局"], False)
@example(["市住建局"], True)
@example(["、", "市住建局", "、", "、"], False)
@example(["市住建局", "，", "区教育局", "；", "各区人民政府"], False)
@example(["市住建局", "、", "各县（市、区）人民政府"], False)
@example(["各有关单位", "按职责分工负责"], True)
def test_split_names_equals_round_five(pieces: list[str], with_rules: bool) -> None:
    text = "".join(pieces)
    rules = UNIT_RULES if with_rules else None
    assert split_names(text, rules) == _split_names_reference(text, rules)


def test_split_names_equals_round_five_on_sample_lines() -> None:
    for line in sample_lines():
        for text in (line, line[-40:], line[line.find("：") + 1:]):
            assert split_names(text) == _split_names_reference(text), text


def test_plain_parts_takes_only_the_usual_list() -> None:
    assert plain_parts("市住建局、区教育局") == ["市住建局", "区教育局"]
    assert plain_parts("市住建局，区教育局；各区人民政府") == ["市住建局", "区教育局", "各区人民政府"]
    assert plain_parts("") == [""]
    for text in ("市住建局、 区教育局", "各县（市、区）人民政府", "市住建局等部门", "市住建局按职责分工负责", "区教育局。",
                 "市住建局\n区教育局", "市住建局\x1c", "市住建局、各区人民政府共同配合"):
        assert plain_parts(text) is None, text
    # a duty phrase with nothing before it is no closing phrase: split_names keeps it whole
    assert plain_parts("按职责分工负责") == ["按职责分工负责"]


@settings(max_examples=500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(_UNIT_PIECES), max_size=14), st.data(), st.integers(0, 300))
def test_units_in_equals_round_five(pieces: list[str], data: st.DataObject, offset: int) -> None:
    text = "".join(pieces)
    start = data.draw(st.integers(0, len(text)))
    end = data.draw(st.integers(start, len(text)))
    for role in (Role.LEAD, Role.COOPERATING):
        got = _units_in(text, start, end, role, C, UNIT_RULES, offset)
        assert got == _units_in_reference(text, start, end, role, offset)
        assert all(type(unit) is FoundUnit for unit in got)


def test_units_in_reads_marks_and_glued_verbs() -> None:
    text = "责任单位：省数据局（牵头）、市住建局、各街道配合"
    got = _units_in(text, 5, len(text), Role.RESPONSIBLE, C, UNIT_RULES, 10)
    assert got == [
        FoundUnit("省数据局", Role.LEAD, 15, 19),
        FoundUnit("市住建局", Role.RESPONSIBLE, 24, 28),
        FoundUnit("各街道", Role.COOPERATING, 29, 32),
    ]
    assert got == _units_in_reference(text, 5, len(text), Role.RESPONSIBLE, 10)


# --- _labelled -----------------------------------------------------------------------------------


@settings(max_examples=500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(_PIECES), max_size=30), st.integers(min_value=0, max_value=500))
@example(["责任单位： \n ", "市住建局"], 0)
@example(["（责任单位：", "（市住建局（牵头）、区教育局）", "）"], 3)
@example(["责任单位：", "【", "市住建局", "\n"], 0)
def test_labelled_equals_round_five(pieces: list[str], offset: int) -> None:
    text = "".join(pieces)
    assert _labelled(text, C, UNIT_RULES, offset) == _labelled_reference(text, offset)


def test_labelled_equals_round_five_on_examples_and_sample_lines() -> None:
    for text in _CLAUSE_TEXTS:
        for offset in (0, 17):
            assert _labelled(text, C, UNIT_RULES, offset) == _labelled_reference(text, offset), text
    lines = sample_lines()
    for n in range(0, len(lines), 3):
        text = "\n".join(lines[n:n + 3])
        assert _labelled(text, C, UNIT_RULES, 5) == _labelled_reference(text, 5), text


def test_the_value_group_starts_where_skip_to_value_puts_it() -> None:
    for text in ("责任单位：市住建局", "责任单位： 市住建局", "责任单位： \t\n \n\t市住建局", "责任单位：\n", "责任单位：  "):
        m = C.label_value.match(text)
        assert m is not None
        assert m.start("value") == _skip_to_value(text, m.end()), text
    (clause,) = find_clauses("责任单位： \n 市住建局、区教育局\n其他", RULES)
    assert [(u.name, u.start) for u in clause.units] == [("市住建局", 8), ("区教育局", 13)]


# --- canonicalizer -------------------------------------------------------------------------------


@settings(max_examples=400, deadline=None)
@given(
    st.lists(
        st.one_of(st.sampled_from(_NAME_POOL), st.text(alphabet="市区委局办卫健A", min_size=1, max_size=6)),
        max_size=25,
    )
)
@example(["市卫健委", "市卫生健康委员会"])
@example(["市卫健委", "市卫生健康委员会", "市卫生健康局"])
def test_canonicalizer_equals_round_five(names: list[str]) -> None:
    assert canonicalizer(names, UNIT_RULES) == _canonicalizer_reference(names, UNIT_RULES)


def test_canonicalizer_learns_one_full_name_only() -> None:
    names = ["市卫健委", "市卫生健康委员会", "区文旅局", "区文化和旅游局", "区文化旅游体育局", "区文化局"]
    got = canonicalizer(names, UNIT_RULES)
    assert got["市卫健委"] == "市卫生健康委员会"
    assert got["区文旅局"] == "区文旅局"  # two full names fit: none is learned
    assert got["区文化局"] == "区文化局"
    assert got == _canonicalizer_reference(names, UNIT_RULES)
