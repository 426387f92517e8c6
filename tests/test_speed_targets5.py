"""The fifth speed pass of targets.py gives what the code it replaced gave.

Each rewritten piece is compared with a plain rendering of what it replaces (kept here), on
hand-picked cases, hypothesis texts built from the rules' own words, and every line of the samples:

* ``_Screened.running``: one bit mask from ``in`` tests and one stdlib pass, in place of a test
  per pattern (``in``, any-of-words, a class search, a lazily run word scan);
* ``_tidy`` and ``_licensed``: substitutions skipped where their first/last character or the
  words they need are missing;
* ``may_hold``: a lookahead after the numeral for the characters that can follow it;
* literal alternations (verbs, breakdown, comparator words, noun ends, break classes) run by the
  standard library's ``re`` instead of ``regex``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import Any

import pytest
import regex
from hypothesis import given, settings
from hypothesis import strategies as st

from govplan import targets as T
from govplan.ruleset import needed_words
from sample_lines import sample_lines

RULES = T.target_rules()
C = T._compiled(RULES)


LINES = sample_lines()


# --- the plain versions of what was replaced ---------------------------------------------------


def _plain_running(patterns: list[Any], sources: list[str], text: str) -> list[Any]:
    """The patterns a text may match, as the replaced ``_Screened.running`` chose them: per
    pattern, the first cheap group of ``needed_words`` (up to four words, else up to sixteen
    words of two characters or more, else single characters), and the pattern kept when the
    text holds a word of that group (every pattern kept when it has none)."""
    out = []
    for pattern, source in zip(patterns, sources, strict=True):
        groups = sorted(
            (frozenset(g) for g in needed_words(source) if not all(w.isascii() and w.isdigit() for w in g)),
            key=lambda g: (len(g), -min(map(len, g))),
        )
        few = next((g for g in groups if len(g) <= 4), None)
        many = next((g for g in groups if len(g) <= 16 and min(map(len, g)) >= 2), None)
        chars = next((g for g in groups if all(len(w) == 1 for w in g)), None)
        group = few if few is not None else many if many is not None else chars
        if group is None or any(word in text for word in group):
            out.append(pattern)
    return out


def _plain_tidy(phrase: str, c: Any) -> str:
    """``_tidy`` as it was: every substitution run."""
    phrase = T._LIST_MARKER.sub("", phrase)
    for drop, _ in c.indicator_drops:
        phrase = drop.sub("", phrase)
    for _ in range(4):
        tidied = c.trailing_fillers.sub("", c.leading_fillers.sub("", phrase))
        if tidied == phrase:
            break
        phrase = tidied
    phrase = phrase.strip()
    if len(phrase) > c.max_chars:
        verb = c.verbs.match(phrase)
        last_item = T._LIST_BREAK.split(phrase)[-1]
        phrase = (verb.group() if verb and not last_item.startswith(verb.group()) else "") + last_item
    if len(phrase) > c.max_chars:
        phrase = phrase[-c.max_chars :]
    return phrase


def _sources(patterns: Iterable[str]) -> list[str]:
    return [T._expand(p, RULES.units.measures) for p in patterns]


NOT_TARGET_SOURCES = _sources(RULES.not_targets.patterns)
CONSTRUCTION_SOURCES = _sources(RULES.licensing.constructions)


# --- alphabets built from the rules --------------------------------------------------------------


def _words_of(sources: list[str]) -> list[str]:
    return sorted({w for s in sources for g in needed_words(s) for w in g})


_RULE_WORDS = sorted(
    {
        *_words_of(NOT_TARGET_SOURCES),
        *_words_of(CONSTRUCTION_SOURCES),
        *RULES.indicator.leading_fillers,
        *RULES.indicator.trailing_fillers,
        *RULES.licensing.verbs,
        *RULES.licensing.breakdown,
        *RULES.comparators.before,
        *RULES.comparators.after,
        *RULES.units.measures,
        *RULES.units.percent,
    }
)
_PIECES = st.sampled_from(
    [
        *_RULE_WORDS,
        "15", "2023年", "6月底前", "一", "十二", "（一）", "1.", "①", "是", " ", "\u3000", "\n", "\t", "，", "、",
        "：", "（", "(", "；", "。", "《", "》", "“", "”", "dn", "A", "由", "较上年", "同比", "年", "的", "建设",
        "改造", "社区", "\U00020000", "\x1c", "\x85", "０", "％", "万", "余", "个",
    ]
)
_TEXTS = st.lists(_PIECES, max_size=25).map("".join)


# --- _Screened.running ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("screened", "patterns", "sources"),
    [
        (C.not_target_scans, C.not_targets, NOT_TARGET_SOURCES),
        (C.construction_scans, C.constructions, CONSTRUCTION_SOURCES),
    ],
    ids=["not_targets", "constructions"],
)
def test_running_is_the_plain_choice_on_every_sample_line(screened: Any, patterns: Any, sources: Any) -> None:
    ran = 0
    for line in LINES:
        text = T.half_width(line)
        got = list(screened.running(text))
        assert got == _plain_running(patterns, sources, text), line
        ran += len(got)
    assert ran > 0


def test_the_table_of_masks_stays_bounded_and_right(monkeypatch: pytest.MonkeyPatch) -> None:
    screened = T._Screened(C.not_targets, NOT_TARGET_SOURCES)
    monkeypatch.setattr(T._Screened, "MASKS_KEPT", 3)
    masks_seen = 0
    for line in LINES:
        text = T.half_width(line)
        assert list(screened.running(text)) == _plain_running(C.not_targets, NOT_TARGET_SOURCES, text), line
        assert len(screened._by_mask) <= 3
        masks_seen = max(masks_seen, len(screened._by_mask))
    assert masks_seen == 3  # the samples give more masks than that: the table was emptied


@settings(max_examples=400, deadline=None)
@given(text=_TEXTS)
def test_running_is_the_plain_choice_on_random_texts(text: str) -> None:
    assert list(C.not_target_scans.running(text)) == _plain_running(C.not_targets, NOT_TARGET_SOURCES, text)
    assert list(C.construction_scans.running(text)) == _plain_running(
        C.constructions, CONSTRUCTION_SOURCES, text
    )


@settings(max_examples=300, deadline=None)
@given(text=_TEXTS)
def test_running_never_leaves_out_a_pattern_that_matches(text: str) -> None:
    running = C.not_target_scans.running(text)
    for pattern in C.not_targets:
        if pattern.search(text):
            assert pattern in running


def test_running_words_overlapping_and_prefixes() -> None:
    """Words that overlap (总投资 / 投资总额), one a prefix of another (占地 / 占地面积), a word inside
    a longer one found at the same place, and a Latin letter are all seen."""
    s = T._Screened(
        [regex.compile(p) for p in ["a", "b", "c", "d"]],
        ["(?:总投资|投资总额)", "(?:占地|占地面积)", "(?:全区|全市)共", "[A-Za-z]+1"],
    )
    assert [p.pattern for p in s.running("总投资总额")] == ["a"]
    assert [p.pattern for p in s.running("投资总额")] == ["a"]
    assert [p.pattern for p in s.running("占地面积")] == ["b"]
    assert [p.pattern for p in s.running("全市共有")] == ["c"]
    assert [p.pattern for p in s.running("DN1")] == ["d"]
    assert [p.pattern for p in s.running("全区占地")] == ["b", "c"]
    assert s.running("无关") == ()
    # a pattern whose matches need no known word always runs
    always = T._Screened([regex.compile(r"\d+"), regex.compile("x")], [r"\d+", "x"])
    assert [p.pattern for p in always.running("")] == [r"\d+"]


# --- _tidy, _licensed -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "phrase",
    [
        "", " ", "\n", "的", "力争到", "并进一步推进", "（一）建设社区便民点", "1.完成改造", "①建设", "一是建设",
        "处理率由60%", "满意率较上年", "满意率同比", "比2020年", "绿色出行分担率的\n", "均要", "\U00020000要",
        "要\U00020000", "举办足球、篮球、排球、乒乓球、羽毛球、网球、青少年体育赛事活动", "力争确保全面",
    ],
)
def test_tidy_as_before_on_hand_picked_phrases(phrase: str) -> None:
    assert T._tidy(phrase, C) == _plain_tidy(phrase, C)


@settings(max_examples=600, deadline=None)
@given(phrase=_TEXTS)
def test_tidy_as_before_on_random_phrases(phrase: str) -> None:
    assert T._tidy(phrase, C) == _plain_tidy(phrase, C)


def test_tidy_as_before_on_every_sample_clause() -> None:
    for line in LINES:
        for clause in re.split("[，；。]", line):
            assert T._tidy(clause, C) == _plain_tidy(clause, C), clause


def test_first_and_last_character_sets() -> None:
    """What the guards rest on: every character `regex` reads as \\s is in each set, so are the
    filler words' first (last) characters, the list markers' digits and numerals."""
    spaces = set(regex.findall(r"\s", T._bmp()))
    assert spaces <= C.leading_firsts and spaces <= C.trailing_lasts and spaces <= C.list_marker_firsts
    assert {w[0] for w in RULES.indicator.leading_fillers} <= C.leading_firsts
    assert {w[-1] for w in RULES.indicator.trailing_fillers} <= C.trailing_lasts
    assert {"1", "０", "（", "(", "一", "十", "①", "⑳"} <= C.list_marker_firsts
    assert "建" not in C.leading_firsts and "率" not in C.trailing_lasts and "建" not in C.list_marker_firsts
    assert T._first_chars(["", "a"], "b") == frozenset(T._bmp())  # an empty word: no guard


@settings(max_examples=300, deadline=None)
@given(head=_TEXTS)
def test_list_marker_guard_drops_the_same(head: str) -> None:
    guarded = T._LIST_MARKER.sub("", head) if head[:1] in C.list_marker_firsts or head[:1] > T._BMP_LAST else head
    assert guarded == T._LIST_MARKER.sub("", head)


# --- may_hold ----------------------------------------------------------------------------------


def _may_hold_without_guard() -> Callable[[str], Any]:
    """``may_hold`` with the lookahead after the numeral taken out."""
    n, u = RULES.numbers, RULES.units
    _, spaces = T._regex_digits_and_spaces()
    counted = [*u.percent, *u.points, *u.money, *u.measures, *n.multipliers]
    guard = T._first_of(T._full_width_spellings([*n.multipliers, *n.approx, *counted]), f"[{spaces}]*")
    pattern = C.may_hold.__self__.pattern
    assert guard and pattern.count(guard) == 1
    return re.compile(pattern.replace(guard, "")).search


_PLAIN_MAY_HOLD = _may_hold_without_guard()


def _hit(search: Callable[[str], Any], text: str) -> int | None:
    found = search(text)
    return None if found is None else found.start()


def test_may_hold_as_without_its_guard_on_every_sample_line() -> None:
    hits = 0
    for line in LINES:
        assert _hit(C.may_hold, line) == _hit(_PLAIN_MAY_HOLD, line), line
        hits += C.may_hold(line) is not None
    assert hits > 20


@settings(max_examples=500, deadline=None)
@given(text=_TEXTS)
def test_may_hold_as_without_its_guard_on_random_texts(text: str) -> None:
    assert _hit(C.may_hold, text) == _hit(_PLAIN_MAY_HOLD, text)


# --- literal alternations by the standard library ------------------------------------------------


_ALTERNATIONS = [
    ("verbs", RULES.licensing.verbs),
    ("breakdown", RULES.licensing.breakdown),
    ("before_words", list(RULES.comparators.before)),
]


@settings(max_examples=300, deadline=None)
@given(text=_TEXTS)
def test_literal_alternations_find_what_regex_finds(text: str) -> None:
    for name, words in _ALTERNATIONS:
        plain = regex.compile(T._alt(words))
        fast = getattr(C, name)
        assert [m.span() for m in fast.finditer(text)] == [m.span() for m in plain.finditer(text)]
        assert (fast.match(text) or [None])[0] == (plain.match(text) or [None])[0]
    noun_end = regex.compile(rf"{T._alt(RULES.comparators.after)}|[《“”》]")
    assert [m.span() for m in C.noun_end.finditer(text)] == [m.span() for m in noun_end.finditer(text)]
    for fast, plain in [
        (T._CLAUSE_BREAK, regex.compile("[" + regex.escape(T._CLAUSE_BREAKS) + "]")),
        (T._SENTENCE_BREAK, regex.compile("[" + regex.escape(T._SENTENCE_BREAKS) + "]")),
        (T._LIST_BREAK, regex.compile(r"[、，,]")),
        (T._BREAK_OR_LIST, regex.compile(r"[，,；;。！？!?：:\n\t、]")),
    ]:
        assert [m.span() for m in fast.finditer(text)] == [m.span() for m in plain.finditer(text)]
        assert fast.split(text) == plain.split(text)


def test_std_alt_is_alt_for_literal_words() -> None:
    assert T._std_alt([]) == "(?!)"
    words = ["以上", "及以上", "上", "a.b", "(x)"]
    assert re.compile(T._std_alt(words)).findall("及以上a.b(x)上axb") == regex.compile(T._alt(words)).findall(
        "及以上a.b(x)上axb"
    )
