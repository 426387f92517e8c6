"""clauses: text → UnitRef[] — who is responsible, in which role.

Finds responsibility clauses in every layout the genre uses:

- labelled lists, in parentheses at the end of a paragraph or on lines of their own, several
  labels in one clause: （责任单位：A、B，配合部门：C）, 牵头单位：A / 责任部门：B;
- unlabelled assignments in parentheses: （省商务厅牵头，合肥海关配合）, （市发展改革委负责）;
- closing phrases: 由区建管委牵头、各街镇配合.

Labels and verbs map to roles (lead / responsible / cooperating) through rules/clauses.yaml.
A unit that is merely the subject of a sentence (市发改委要加强统筹) is not a clause.  Spans are
offsets in the text given.
"""

from __future__ import annotations

import re
from typing import Any, NamedTuple

import regex

from .models import Role
from .ruleset import RuleFile, RuleSet, compiled, default_rules
from .units import UnitRules, _all_units, _split_names, looks_like_unit, plain_parts, split_names


class RoleWords(RuleFile):
    lead: list[str] = []
    responsible: list[str] = []
    cooperating: list[str] = []

    def by_word(self) -> dict[str, Role]:
        out: dict[str, Role] = {}
        for role in Role:
            for word in getattr(self, role.value):
                out[word] = role
        return out


class ClauseExample(RuleFile):
    input: str
    units: list[tuple[Role, str]]


class ClauseRules(RuleFile):
    labels: RoleWords
    verbs: RoleWords
    examples: list[ClauseExample] = []


# named tuples, not frozen dataclasses: a document builds thousands, and a tuple is built in
# half the time
class FoundUnit(NamedTuple):
    name: str
    role: Role
    start: int
    end: int


class Clause(NamedTuple):
    start: int  # the whole clause, brackets included
    end: int
    units: tuple[FoundUnit, ...]


# Patterns made only of literals, character classes, anchors and lookarounds are compiled with the
# standard ``re``: for those it matches exactly what ``regex`` matches (same backtracking order, and
# the same ``$``/``^`` in both modes) and scans several times faster for an alternation of words.
# ``re``'s \s also takes \x1c-\x1f (str.isspace), ``regex``'s does not: _SPACE is ``regex``'s \s.
_SPACE = r"[^\S\x1c-\x1f]"


class _Compiled:
    def __init__(self, rules: ClauseRules) -> None:
        self.label_role = rules.labels.by_word()
        labels = sorted(self.label_role, key=len, reverse=True)
        self.label = re.compile(r"(?P<label>" + "|".join(map(re.escape, labels)) + ")" + _SPACE + "*[:：]")
        self.longest_label = max(map(len, labels), default=0)
        # the label pattern, then (looking ahead: the same matches) a label's unit list as far as
        # the first bracket, line end or 。: ``value`` starts where _skip_to_value puts it (after
        # spaces and line breaks when the line ends after the label) and ends at the first
        # _VALUE_MARKS match from there, or at the end of the text
        self.label_value = re.compile(
            self.label.pattern + r"(?=(?:[ \t]*\n[ \t\n]*)?(?P<value>[^" + re.escape(_OPEN + _CLOSE) + r"\n。]*))"
        )
        self.verb_role = rules.verbs.by_word()
        verbs = sorted(self.verb_role, key=len, reverse=True)
        verb_words = "|".join(map(re.escape, verbs))
        self.verb_tail = re.compile(r"(?P<verb>" + verb_words + r")$")
        # a segment without any role verb has no assignment: skip the costly lazy pattern
        self.any_verb = re.compile(verb_words)
        self.paren = re.compile(r"[（(【](?P<body>[^（()）【】]*(?:[（(][^（()）]*[）)][^（()）【】]*)*)[）)】]")
        self.assignment = regex.compile(
            r"(?P<units>[^、，,；;]+?(?:、[^、，,；;]+?)*?)(?P<verb>"
            + "|".join(map(regex.escape, verbs))
            + r")(?:落实|实施|推进|完成|组织实施)?(?=、|$)"
        )
        # what self.assignment matches after its unit list, tried at every position of a segment
        # (see _assignments_in)
        self.verb_at = regex.compile(
            r"(?P<verb>" + "|".join(map(regex.escape, verbs)) + r")(?:落实|实施|推进|完成|组织实施)?(?=、|$)"
        )
        verb_alt = "(?:" + verb_words + r")(?:落实|实施|推进|完成|组织实施)?"
        # 由A牵头，B负责，C、D配合: a first assignment, then more segments that end in a role verb
        more = r"(?:[，,][^。；;！？，,\n]{2,60}?" + verb_alt + r"(?=[。；;，,]|$))*"
        self.by_phrase = re.compile(r"由(?P<body>[^。；;！？]{2,80}?" + verb_alt + r"(?=[。；;，,]|$)" + more + ")")
        # a whole sentence that is an assignment: 区工商联负责组织实施，各街道办事处配合。
        self.sentence = re.compile(
            r"(?:^|(?<=[。；;！？\n]))[ \t]*(?P<body>[^。；;！？\n（()）由]{2,60}?" + verb_alt + r"(?=[。；;，,]|$)"
            + more + r")(?=[。；;]|$)",
            re.M,
        )
        self.verb_end = re.compile(verb_alt + r"(?=[。；;，,]|$)", re.M)
        # a verb that can end an assignment of any of the three kinds: followed by a character
        # that can end a unit-list segment, a by-phrase or a sentence, or by the end of the text.
        # Every match of verb_end is one (re.M's $: before \n or at the end), and so is the verb
        # ending each segment _assignment takes from a bracket body (a segment ends at [，,；;] or
        # at the body's end, where a closing bracket follows; verb_at's $ also before a last \n)
        self.may_assign = re.compile(verb_alt + r"(?=[、。；;，,\n）)】]|\Z)")
        self.role_mark = re.compile(r"[（(](?P<verb>" + verb_words + r")[）)]$")
        # the last characters of the verbs: a cleaned name (no line break for $ to stop before)
        # can end in a verb only if it ends in one of these
        self.verb_last = frozenset(verb[-1] for verb in verbs)
        # a name ending in none of these is neither marked nor glued to a verb (see _units_in)
        self.special_last = self.verb_last | frozenset("）)")


def _compiled(rules: ClauseRules) -> _Compiled:
    return compiled(rules, _Compiled)


_OPEN = "（(【["
_CLOSE = "）)】]"
_VALUE_MARKS = re.compile("[" + re.escape(_OPEN + _CLOSE) + "\n。]")
# another field of the same bracket ("完成时限：", "备注：") ends a unit list
_SEGMENT_BREAK = re.compile(r"([，,；;])")
_LEAD_IN = regex.compile(r"^\s*(?:由|请|要求)")
_OTHER_FIELD = regex.compile(r"[，,；;\s]\s*\p{Han}{2,6}\s*[:：]")


# the rule set of the last call and what it compiles to (a RuleSet hands out the same rule file
# objects on every look-up, so the pair stays valid as long as the rule set is the same object)
_LAST: list[Any] = [None, None, None]


def find_clauses(text: str, rules: RuleSet | None = None, offset: int = 0) -> list[Clause]:
    """Every responsibility clause in ``text``, in order; spans are offsets in ``text`` plus
    ``offset`` (the text's start in a longer one)."""
    ruleset = rules or default_rules()
    if _LAST[0] is not ruleset:
        _LAST[1] = _compiled(ruleset["clauses"])
        _LAST[2] = ruleset["units"]
        _LAST[0] = ruleset
    c: _Compiled = _LAST[1]
    unit_rules: UnitRules = _LAST[2]
    clauses = _labelled(text, c, unit_rules, offset)
    unlabelled = _unlabelled(text, c, unit_rules, offset)
    if not unlabelled:
        return clauses  # _labelled's clauses come in order of their starts already
    taken = [(cl.start, cl.end) for cl in clauses]
    for clause in unlabelled:
        if not any(a < clause.end and clause.start < b for a, b in taken):
            clauses.append(clause)
            taken.append((clause.start, clause.end))
    return sorted(clauses, key=lambda cl: cl.start)


def _labelled(text: str, c: _Compiled, unit_rules: UnitRules, offset: int) -> list[Clause]:
    wide, narrow = text.find("："), text.find(":")
    if wide < 0 and narrow < 0:
        return []  # every label ends in a colon
    # a label ends at most a run of spaces before a colon (the first one, or a later one: the run
    # before a later colon starts after the first), so none starts more than the longest label
    # before the run ending at the first colon: the scan starts there (str.isspace() takes every
    # character the pattern's spaces match)
    k = min(wide, narrow) if wide >= 0 and narrow >= 0 else max(wide, narrow)
    while k > 0 and text[k - 1].isspace():
        k -= 1
    labels = list(c.label_value.finditer(text, max(0, k - c.longest_label)))
    clauses: list[Clause] = []
    if not labels:
        return clauses
    i = 0
    size = len(text)
    count = len(labels)
    label_role = c.label_role
    find = text.find
    while i < count:
        first = labels[i]
        first_start = first.start()
        clause_end = first.end()
        # (the opening bracket just before the label, if the label starts a bracket)
        k = first_start - 1
        while k >= 0 and text[k] in " \t":
            k -= 1
        open_pos = k if k >= 0 and text[k] in _OPEN else None
        in_bracket = open_pos is not None
        units: list[FoundUnit] = []
        j = i
        while j < count:
            label = labels[j]
            # (where the unit list starts, and where it ends: the bracket closing the clause, a
            # line end or 。; the first of those marks ends it unless it opens a bracket, see
            # _nested_value_end)
            value_start, value_end = label.span("value")
            if value_end == size:
                stop = "end"
            else:
                ch = text[value_end]
                if ch in _CLOSE:
                    stop = "close" if in_bracket else "stray"
                elif ch in _OPEN:
                    value_end, stop = _nested_value_end(text, value_end, in_bracket)
                else:  # a line end, or 。 outside brackets
                    stop = "end"
            # another field needs its colon inside the value
            # (narrow < 0: the text has no ":" at all)
            if find("：", value_start, value_end) >= 0 or (narrow >= 0 and find(":", value_start, value_end) >= 0):
                other = _OTHER_FIELD.search(text, value_start, value_end)
                if other is not None and not c.label.match(text, other.start() + 1):
                    value_end, stop = other.start(), "field"
            j += 1
            if j < count and labels[j].start() < value_end:  # the next label
                value_end = labels[j].start()
                stop = "label"
            units.extend(_units_in(text, value_start, value_end, label_role[label.group("label")], c, unit_rules, offset))
            clause_end = value_end
            if stop != "label":
                break
        if open_pos is not None:
            start = open_pos
            if clause_end < size and text[clause_end] in _CLOSE:
                clause_end += 1
        else:
            start = first_start
        clauses.append(_tuple_new(Clause, (start + offset, clause_end + offset, tuple(units))))
        i = j
    return clauses


# _labelled writes out what two helpers did (the opening bracket before a label, where a label's
# unit list ends); tests/test_speed_clauses_outline.py keeps those plain helpers and checks that
# _labelled finds what a loop calling them finds


def _nested_value_end(text: str, pos: int, in_bracket: bool) -> tuple[int, str]:
    """Where a label's unit list ends (and why) when the first bracket, line end or 。 after its
    start is the opening bracket at ``pos``: the first closing bracket outside brackets, a line
    end, or 。 outside brackets."""
    depth = 0
    for m in _VALUE_MARKS.finditer(text, pos):  # brackets, line ends and 。 only
        ch = m.group()
        if ch in _OPEN:
            depth += 1
        elif ch in _CLOSE:
            if depth == 0:
                return m.start(), "close" if in_bracket else "stray"
            depth -= 1
        elif ch == "\n" or (ch == "。" and depth == 0):
            return m.start(), "end"
    return len(text), "end"


def _skip_to_value(text: str, pos: int) -> int:
    """A label at the end of its line ("责任单位：" then the units on the next line)."""
    k = pos
    while k < len(text) and text[k] in " \t":
        k += 1
    if k < len(text) and text[k] == "\n":
        while k < len(text) and text[k] in " \t\n":
            k += 1
        return k
    return pos


def _units_in(
    text: str, start: int, end: int, role: Role, c: _Compiled, unit_rules: UnitRules, offset: int
) -> list[FoundUnit]:
    value = text[start:end]
    at = start + offset
    found: list[FoundUnit] = []
    special = c.special_last
    parts = plain_parts(value, unit_rules)
    if parts is not None:
        # the usual list: split_names(value) is each non-empty part at its offset (see
        # plain_parts), read here without building those (start, end, name) triples first
        pos = at  # where the part starts in the whole text
        for name in parts:
            size = len(name)
            if size:
                # the patterns end in ）) and in a verb's last character: a name ending otherwise
                # is kept as it is (the usual case).  _tuple_new(FoundUnit, …) is what
                # FoundUnit(…) does, without the Python frame of the named tuple's __new__
                if name[-1] not in special:
                    if name not in _NO_UNIT:
                        found.append(_tuple_new(FoundUnit, (name, role, pos, pos + size)))
                else:
                    _add_marked(found, value, pos - at, pos - at + size, name, role, at, c, unit_rules)
            pos += size + 1
        return found
    for a, b, name in _split_names(value, unit_rules):  # (split_names of a text plain_parts rejects)
        if name[-1] not in special:  # a name is never empty
            if name not in _NO_UNIT:
                found.append(_tuple_new(FoundUnit, (name, role, at + a, at + b)))
        else:
            _add_marked(found, value, a, b, name, role, at, c, unit_rules)
    return found


def _add_marked(
    found: list[FoundUnit], value: str, a: int, b: int, name: str, role: Role, at: int, c: _Compiled, unit_rules: UnitRules
) -> None:
    """_units_in for a name ending in a closing bracket or a verb's last character (``value[a:b]``
    its item, ``at`` the value's start in the whole text)."""
    own_role = role
    last = name[-1]
    mark = c.role_mark.search(name) if last in "）)" else None
    glued = c.verb_tail.search(name) if mark is None and last in c.verb_last else None
    if mark is not None:  # 省数据局（牵头）: the bracket sets the unit's role and is no part of its name
        own_role = c.verb_role[mark.group("verb")]
        name = name[: mark.start()]
        piece = value[a:b]
        b = a + len(piece[: max(piece.rfind("（"), piece.rfind("("))].rstrip())
    elif glued is not None and looks_like_unit(name[: glued.start()], unit_rules):
        # 责任单位：A、B，C配合: the last item names its own role
        own_role = c.verb_role[glued.group("verb")]
        name = name[: glued.start()]
        b = a + len(value[a:b].rstrip()) - len(glued.group("verb"))
    if name and name not in _NO_UNIT:
        found.append(FoundUnit(name, own_role, at + a, at + b))


_NO_UNIT = ("无", "暂无")
_tuple_new = tuple.__new__


def _unlabelled(text: str, c: _Compiled, unit_rules: UnitRules, offset: int) -> list[Clause]:
    first_verb = c.may_assign.search(text)
    if first_verb is None:
        return []  # every assignment ends in a role verb that may_assign finds (see _Compiled)
    clauses = []
    any_verb = c.may_assign.search
    # next_verb: where the first such verb at or after the last body start looked at starts.  One
    # inside a body [a, b) (the search stopping at b, where \Z stands for the closing bracket)
    # starts where one of the whole text does, so a body ending before next_verb holds none, and
    # once none is left no later body holds one.  A body without one has no segment that
    # _assignments_in takes: _assignment would find nothing
    next_verb = first_verb.start()
    for m in c.paren.finditer(text):
        body_start, body_end = m.span("body")
        if next_verb < body_start:
            found = any_verb(text, body_start)
            if found is None:
                break
            next_verb = found.start()
        if next_verb < body_end and any_verb(text, body_start, body_end):
            units = _assignment(m.group("body"), body_start + offset, c, unit_rules)
            if units:
                clauses.append(Clause(m.start() + offset, m.end() + offset, tuple(units)))
    if "由" in text:  # by_phrase starts with it
        for m in c.by_phrase.finditer(text):
            units = _assignment(m.group("body"), m.start("body") + offset, c, unit_rules)
            if units:
                clauses.append(Clause(m.start() + offset, m.end() + offset, tuple(units)))
    tried: set[int] = set()
    # a sentence can only be an assignment if a verb ends a segment; no verb_end match starts
    # before the first may_assign one (each is one of those)
    rfind = text.rfind
    for verb in c.verb_end.finditer(text, first_verb.start()):
        # (after the last of _SENTENCE_ENDS before the verb, or 0)
        v = verb.start()
        start = max(rfind("。", 0, v), rfind("；", 0, v), rfind(";", 0, v), rfind("！", 0, v), rfind("？", 0, v), rfind("\n", 0, v)) + 1
        if start in tried:
            continue
        tried.add(start)
        whole = c.sentence.match(text, start)
        if whole is None:
            continue
        units = _assignment(whole.group("body"), whole.start("body") + offset, c, unit_rules, strict=True)
        if units:
            clauses.append(Clause(whole.start("body") + offset, whole.end() + offset, tuple(units)))
    return clauses


_SENTENCE_ENDS = "。；;！？\n"  # (_unlabelled looks for each of them)


def _assignment(body: str, offset: int, c: _Compiled, unit_rules: UnitRules, *, strict: bool = False) -> list[FoundUnit]:
    """Units of "A、B牵头，C配合" / "A牵头、B配合": each segment that ends in a role verb must be a
    unit list; other segments (a time limit, a remark) are passed over; one assignment at least.
    Once units are found, a later segment that names none ends the clause (由A牵头，B配合，各部门要
    加强协同配合).  ``strict``: every segment must be an assignment (a whole sentence)."""
    units: list[FoundUnit] = []
    pos = 0
    for segment in _SEGMENT_BREAK.split(body):
        seg_start = pos
        pos += len(segment)
        if not segment.strip() or segment in "，,；;":
            continue
        if not c.any_verb.search(segment):
            if strict:
                return []
            continue  # neither an assignment nor a verb-ended segment
        matches = _assignments_in(segment, c)
        if not matches:
            if strict:
                return []
            if c.verb_tail.search(segment):
                return units  # ends like an assignment but names no unit: prose
            continue
        for names_start, names, verb in matches:
            lead_in = _LEAD_IN.match(names)
            if lead_in:
                names_start += lead_in.end()
                names = names[lead_in.end():]
            items = split_names(names, unit_rules) if names else []
            if not _all_units(items, unit_rules):  # is_unit_list, the list split once
                return [] if strict else units
            role = c.verb_role[verb]
            at = offset + seg_start + names_start
            for a, b, name in items:
                units.append(FoundUnit(name, role, at + a, at + b))
    return units


def _assignments_in(segment: str, c: _Compiled) -> list[tuple[int, str, str]]:
    """(start, text, verb) of the unit list of each ``c.assignment.finditer(segment)`` match, for a
    segment without ，,；; (split on them), in linear time instead of the pattern's lazy search.

    There ``[^、，,；;]`` is ``[^、]``, so the pattern's unit list is a run of non-empty items joined by
    single 、.  Backtracking from a start p tries the list's ends q in increasing order and at each
    end the same alternatives ``c.verb_at`` tries: the match at p ends its list at the first q > p
    where ``verb_at`` matches and ``segment[q-1]`` is not 、, unless ``segment[p]`` is 、 or a 、、
    lies in between (then no start before the second 、 can match).  The next search starts where
    a match ends, as finditer's does.
    """
    ends = [
        (m.start(), m.group("verb"), m.end())
        for m in c.verb_at.finditer(segment, overlapped=True)  # one match for each start
        if m.start() > 0 and segment[m.start() - 1] != "、"
    ]
    found: list[tuple[int, str, str]] = []
    p = 0
    i = 0
    while True:
        while i < len(ends) and ends[i][0] <= p:
            i += 1
        if i == len(ends):
            return found
        q, verb, end = ends[i]
        if segment[p] == "、":
            p += 1
            continue
        k = segment.rfind("、、", p, q)
        if k >= 0:
            p = k + 1
            continue
        found.append((p, segment[p:q], verb))
        p = end
