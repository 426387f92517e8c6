"""targets: text → Target[].

Takes a piece of plan text and the document's year, and gives every quantitative commitment in
it: the comparator (达到20%以上 → >=, 突破 → >, 控制在…以内 → <=, plain 完成60个 → =), the value as a
plain number (20万人次 → 200000, 3.935亿元 → 393500000; numbers in words through cn2an), the unit
(%, 个百分点, a measure word, 元 for money), a short indicator (the thing measured), the deadline
governing it (the nearest dated deadline in the same sentence, found by ``find_deadlines``), and
the clause it came from with its span [start, end) in the given text.

What is and is not a target follows gold/GUIDE.md; the vocabulary (units, comparator words,
commitment verbs, the contexts that are never a target) lives in ``rules/targets.yaml``:

* a percentage (or 个百分点, 半数) is a target wherever it stands, unless masked;
* a count is a target when a comparator or a commitment verb governs it in its clause, when it
  itemises one (其中…9套), or in a construction such as 对现有六座…进行改造;
* masked first: dates and durations, unit prices (每座15万元), existing stock (在…的基础上, 现有,
  全区1218家), project descriptions (总投资, 建筑面积), the document's own parts (8个圈层), titles,
  short quoted names, document and phone numbers, ages, pipe sizes;
* the same commitment restated (same indicator, comparator, value, unit and deadline) is
  reported once, where it first appears.
"""

from __future__ import annotations

import bisect
import datetime as dt
import itertools
import re
from array import array
from collections.abc import Callable, Iterable, Sequence
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from typing import Any, NamedTuple

import regex
from pydantic import field_validator

from .deadlines import HALF_WIDTH, DeadlineRules, TimeSpan, half_width, time_spans
from .models import Comparator, Target, construct
from .numerals import to_number
from .ruleset import RuleFile, compiled, default_rules, field_mismatches, needed_words

EXAMPLE_YEAR = 2023  # the document year a rule example is read with unless it gives one

# --- rule-file schema --------------------------------------------------------------------------


class TargetExpect(RuleFile):
    """One expected target of an example; only the fields written are checked."""

    comparator: Comparator | None = None
    value: int | float
    unit: str | None = None
    indicator: str | None = None
    deadline: dt.date | None = None


class TargetExample(RuleFile):
    text: str
    year: int | None = EXAMPLE_YEAR
    expect: list[TargetExpect] = []


class _Group(RuleFile):
    examples: list[TargetExample] = []


class Numbers(_Group):
    multipliers: dict[str, int]
    approx: dict[str, Comparator]
    fractions: dict[str, float]
    percent_words: list[str]
    word_numeral_blockers: list[str]
    article_numerals: list[str]


class Units(_Group):
    percent: list[str]
    points: list[str]
    money: list[str]
    measures: list[str]
    not_followed_by: dict[str, list[str]] = {}
    implicit_from_noun: list[str] = []
    dimensionless: list[str] = []


class Comparators(_Group):
    before: dict[str, Comparator]
    before_gap: int
    verb_like: list[str] = []
    after: dict[str, Comparator]
    after_gap: int


def _check_patterns(patterns: list[str]) -> list[str]:
    for pattern in patterns:
        try:
            regex.compile(_expand(pattern, ["个"]))
        except (regex.error, KeyError, IndexError, ValueError) as err:
            raise ValueError(f"bad pattern {pattern!r}: {err}") from None
    return patterns


class Licensing(_Group):
    verbs: list[str]
    breakdown: list[str]
    constructions: list[str] = []

    @field_validator("constructions")
    @classmethod
    def _compiles(cls, patterns: list[str]) -> list[str]:
        return _check_patterns(patterns)


class NotTargets(_Group):
    patterns: list[str]

    @field_validator("patterns")
    @classmethod
    def _compiles(cls, patterns: list[str]) -> list[str]:
        return _check_patterns(patterns)


class Indicator(_Group):
    leading_fillers: list[str]
    trailing_fillers: list[str]
    max_chars: int
    drop_patterns: list[str] = []

    @field_validator("drop_patterns")
    @classmethod
    def _compiles(cls, patterns: list[str]) -> list[str]:
        return _check_patterns(patterns)


class TargetRules(RuleFile):
    numbers: Numbers
    units: Units
    comparators: Comparators
    licensing: Licensing
    not_targets: NotTargets
    indicator: Indicator
    examples: list[TargetExample] = []



def check_example(example: TargetExample, rules: TargetRules | None = None) -> list[str]:
    """What ``find_targets`` gets wrong on ``example`` ([] when it matches)."""
    found = find_targets(example.text, year=example.year, rules=rules)
    problems: list[str] = []
    if len(found) != len(example.expect):
        shown = [f"{t.comparator.value}{t.value}{t.unit or ''}" for t in found]
        problems.append(f"expected {len(example.expect)} target(s), found {shown}")
    for got, want in zip(found, example.expect, strict=False):
        problems.extend(field_mismatches(f"{got.value}{got.unit or ''}", got, want))
    return problems


# --- compiled rules ----------------------------------------------------------------------------

_NUM = r"(?:\d+(?:,\d{3})*(?:\.\d+)?|[一二两三四五六七八九十][一二两三四五六七八九十百千零〇]*)\s*[万亿]?\s*[余多]?"
_WORD_NUMERAL = r"[一二两三四五六七八九十][一二两三四五六七八九十百千零〇]*"
_CLAUSE_BREAKS = "，,；;。！？!?：:\n\t"  # a tab parts the cells of a table row
_DIGIT = regex.compile(r"\d")
_HEAD_WINDOW = 80  # characters before a number searched for its verb or subject; clauses are shorter
_BREAK_OR_LIST = re.compile(r"[，,；;。！？!?：:\n\t、]")
_SENTENCE_BREAKS = "；;。！？!?\n\t"
_LIST_BREAK = re.compile(r"[、，,]")
# (the forward searches for literal characters by the standard library's engine, which scans for
# them faster than ``regex``: a class of literals matches the same in both)
_CLAUSE_BREAK = re.compile("[" + re.escape(_CLAUSE_BREAKS) + "]")
_CLAUSE_BREAK_BACK = regex.compile("(?r)[" + regex.escape(_CLAUSE_BREAKS) + "]")  # searches backwards
_SENTENCE_BREAK = re.compile("[" + re.escape(_SENTENCE_BREAKS) + "]")
_SENTENCE_BREAK_BACK = regex.compile("(?r)[" + regex.escape(_SENTENCE_BREAKS) + "]")
_LIST_MARKER = regex.compile(
    r"^(?:\s|\d{1,2}[.．、](?!\d)|[（(][一二三四五六七八九十\d]{1,3}[)）]|[一二三四五六七八九十]{1,2}是|[①-⑳])+"
)


def _alt(words: Iterable[str]) -> str:
    """A regex alternation of ``words``, longest first so the longest reading wins."""
    unique = sorted(set(words), key=lambda w: (-len(w), w))
    return "(?:" + "|".join(regex.escape(w) for w in unique) + ")" if unique else "(?!)"


def _std_alt(words: Iterable[str]) -> str:
    """``_alt`` for the standard library's ``re``: the same words in the same order."""
    unique = sorted(set(words), key=lambda w: (-len(w), w))
    return "(?:" + "|".join(re.escape(w) for w in unique) + ")" if unique else "(?!)"


def _first_of(words: Iterable[str], blanks: str = "") -> str:
    """A lookahead for the first characters of ``words`` (placed before their alternation: the
    same matches, fewer tries), after ``blanks`` (a pattern) if given."""
    firsts = {word[:1] for word in words}
    if not firsts or "" in firsts:  # no word (no match at all), or an empty one: no guard
        return ""
    return f"(?={blanks}[" + "".join(regex.escape(ch) for ch in sorted(firsts)) + "])"


def _expand(pattern: str, measures: list[str]) -> str:
    """A rule pattern with its macros ({num}, {measure}) filled in."""
    return pattern.replace("{num}", _NUM).replace("{measure}", _alt(measures))


def _required(pattern: str) -> list[frozenset[str]] | None:
    """Sets of strings such that every match of ``pattern`` holds a string of each set (的基础上,
    one of 全区|全市…), or None when that cannot be told (``ruleset.needed_words``)."""
    return [frozenset(group) for group in needed_words(pattern)] or None


class _Screened:
    """The ``finditer`` of each of ``patterns``, skipped where the text cannot hold a match: every
    match holds a word of each group ``ruleset.needed_words`` gives for its source (每, 的基础上,
    one of 全区|全市…, a Latin letter), and most texts lack one.

    One group of each pattern is tested, the first that can be tested cheaply of: the groups of up
    to four words (fewest first); of up to sixteen words of two characters or more; of single
    characters.  A group of one word is tested with ``in``; the words of all other groups are
    looked for in one pass of the standard library's engine (which scans for plain literals faster
    than ``regex``), and a text's answer is a bit mask of the patterns that may match."""

    MASKS_KEPT = 4096

    def __init__(self, patterns: list[Any], sources: list[str]) -> None:
        self.patterns = patterns
        self.always = 0  # the bits of the patterns not tested (no group, or a group holding "")
        self.singles: list[tuple[str, int]] = []  # (the one word of a group, its pattern's bit)
        scanned: list[tuple[frozenset[str], int]] = []  # (a group of several words, its pattern's bit)
        for i, source in enumerate(sources):
            # digits are in about every text that has a count: no test worth its cost
            groups = sorted(
                (g for g in _required(source) or () if not all(w.isascii() and w.isdigit() for w in g)),
                key=lambda g: (len(g), -min(map(len, g))),
            )
            few = next((g for g in groups if len(g) <= 4), None)
            many = next((g for g in groups if len(g) <= 16 and min(map(len, g)) >= 2), None)
            chars = next((g for g in groups if all(len(w) == 1 for w in g)), None)
            group = few if few is not None else many if many is not None else chars
            if group is None or "" in group:  # ("" is in every text)
                self.always |= 1 << i
            elif len(group) == 1:
                self.singles.append((next(iter(group)), 1 << i))
            else:
                scanned.append((group, 1 << i))
        # A lookahead at each position gives the longest word there (longest first), and a
        # shorter word there is a prefix of it: a word is in the text exactly when it is a prefix
        # of a word found.  The lookahead sits in a one-character lookbehind after a class of the
        # words' first characters, which the engine skips to in C (as in ``_Compiled.may_hold``);
        # each match consumes one character, so every position is tried.
        words = {word for group, _ in scanned for word in group}
        longest_first = sorted(words, key=lambda w: (-len(w), w))
        firsts = "".join(sorted({re.escape(word[0]) for word in words}))
        self.find_words = re.compile(
            f"[{firsts}](?<=(?=({'|'.join(re.escape(w) for w in longest_first)}))[\\s\\S])" if words else "(?!)"
        ).findall
        self.bits_of: dict[str, int] = {  # a word found → the bits of the patterns whose group holds a prefix of it
            word: sum(bit for group, bit in scanned if any(word.startswith(w) for w in group)) for word in words
        }
        self.scans = bool(words)
        # the patterns of a bit mask: a few dozen masks occur; emptied should it ever reach
        # MASKS_KEPT (a user rule set with many patterns could otherwise grow it without end)
        self._by_mask: dict[int, tuple[Any, ...]] = {}

    def running(self, text: str) -> tuple[Any, ...]:
        """The patterns that may match in ``text`` (the others lack a word their matches need)."""
        mask = self.always
        for word, bit in self.singles:
            if word in text:
                mask |= bit
        if self.scans:
            bits_of = self.bits_of
            for word in set(self.find_words(text)):
                mask |= bits_of[word]
        out = self._by_mask.get(mask)
        if out is None:
            if len(self._by_mask) >= self.MASKS_KEPT:
                self._by_mask.clear()
            out = self._by_mask[mask] = tuple(p for i, p in enumerate(self.patterns) if mask >> i & 1)
        return out


def _full_width_spellings(words: Iterable[str]) -> set[str]:
    """``words`` and every spelling of them that ``half_width`` makes into one of them (％ for %,
    毫克／升 for 毫克/升)."""
    spellings: set[str] = set()
    for word in words:
        options = [(ch, *_FULL_WIDTH_OF.get(ch, ())) for ch in word]
        spellings.update("".join(chars) for chars in itertools.product(*options))
    return spellings


_FULL_WIDTH_OF: dict[str, list[str]] = {}  # an ASCII character → the full-width ones half_width reads as it
for _full, _ascii in HALF_WIDTH.items():
    _FULL_WIDTH_OF.setdefault(chr(_ascii), []).append(chr(_full))


@lru_cache(maxsize=1)
def _bmp() -> str:
    """Every character of the Basic Multilingual Plane (surrogates included), in order."""
    return array("I", range(0x10000)).tobytes().decode("utf-32-le", "surrogatepass")


@lru_cache(maxsize=1)
def _regex_digits_and_spaces() -> tuple[str, str]:
    """The characters `regex` matches with \\d and with \\s, as bodies of classes for the standard
    library's ``re``: those of the Basic Multilingual Plane spelt out as ranges (a class of ranges
    tests faster than \\d, and the two engines' Unicode tables differ), and every other plane."""
    bmp = _bmp()

    def ranges(cls: str) -> str:
        points = [ord(ch) for ch in regex.findall(cls, bmp)]
        runs: list[list[int]] = []
        for point in points:
            if runs and runs[-1][1] == point - 1:
                runs[-1][1] = point
            else:
                runs.append([point, point])
        return "".join(f"\\u{a:04x}-\\u{b:04x}" for a, b in runs) + "\\U00010000-\\U0010ffff"

    return ranges(r"\d"), ranges(r"\s")


_BMP_LAST = "\uffff"  # a character greater than this lies beyond the Basic Multilingual Plane


def _first_chars(words: Iterable[str], cls: str) -> frozenset[str]:
    """The first characters of ``words`` and the characters of the Basic Multilingual Plane that
    `regex` matches with the class ``[cls]``; every character of that plane if a word is empty."""
    bmp = _bmp()
    if any(not word for word in words):
        return frozenset(bmp)
    return frozenset(word[0] for word in words) | frozenset(regex.findall(f"[{cls}]", bmp))


def _tightest(groups: list[frozenset[str]] | None) -> tuple[str, ...] | None:
    """The group of ``_required`` words with the fewest words (None: none known, or a group
    holding the empty word, which every text holds)."""
    usable = [g for g in groups or () if "" not in g]
    if not usable:
        return None
    fewest = min(usable, key=len)
    return tuple(sorted(fewest))


# the capturing groups of ``_Compiled.number``, in order (``_read_mention`` reads them by number)
_NUMBER_GROUPS = ("frac", "pw", "pnum", "arabic", "word", "mult", "approx", "unit")
_MULT_GROUP = _NUMBER_GROUPS.index("mult") + 1
_UNIT_GROUP = _NUMBER_GROUPS.index("unit") + 1


class _Compiled:
    def __init__(self, rules: TargetRules) -> None:
        self.rules = rules
        n, u, c = rules.numbers, rules.units, rules.comparators
        self.percent = set(u.percent)
        self.points = set(u.points)
        self.money = set(u.money)
        self.ratio_units = self.percent | self.points
        self.multipliers = {word: Decimal(value) for word, value in n.multipliers.items()}
        self.int_multipliers = {word: int(value) for word, value in n.multipliers.items()}
        self.approx = dict(n.approx)
        self.fractions = dict(n.fractions)
        self.not_followed_by = {unit: tuple(chars) for unit, chars in u.not_followed_by.items()}
        self.implicit_units = tuple(u.implicit_from_noun)
        self.blockers = set(n.word_numeral_blockers)
        self.articles = set(n.article_numerals)
        self.before = dict(c.before)
        self.after = dict(c.after)
        self.verb_like = set(c.verb_like)
        units = [*u.percent, *u.points, *u.money, *u.measures]
        self.number = regex.compile(
            rf"(?P<frac>{_alt(n.fractions)})"
            rf"|(?P<pw>{_alt(n.percent_words)})(?P<pnum>\d+(?:\.\d+)?|[一二两三四五六七八九十百零〇点]+)"
            rf"|(?:(?<![\d.A-Za-z])(?P<arabic>\d+(?:,\d{{3}})*(?:\.\d+)?)|(?P<word>{_WORD_NUMERAL}))"
            rf"\s*(?P<mult>{_alt(n.multipliers)})?\s*(?P<approx>{_alt(n.approx)})?"
            # (the unit's first characters looked ahead for, to spare trying every unit after most
            # numbers; the same matches, as a unit can only start with one of them)
            rf"\s*(?:{_first_of(units)}(?P<unit>{_alt(units)}))?"
        )
        # The same scan with the bare numbers (no frac, pw, mult, approx or unit: 一 of 统一, 2023
        # of 2023年) read but not reported, or only the bare word numerals: a bare match ends in
        # (*SKIP)(*FAIL), which fails it without trying a shorter reading at its start and resumes
        # after it, as finditer resumes after a match.  So these report exactly the matches of
        # ``number`` that are not bare (or not bare words), with the same groups (see ``_mentions``).
        unbare = "(?(mult)|(?(approx)|(?(unit)|(*SKIP)(*FAIL))))"  # fails a match with none of them
        self.number_not_bare = regex.compile(f"(?:{self.number.pattern})(?(frac)|(?(pw)|{unbare}))")
        self.number_not_bare_word = regex.compile(f"(?:{self.number.pattern})(?(word){unbare})")
        # the last character before a position that no match of ``number`` can hold (searched
        # backwards): a match holds digits, blanks, numerals, 点 , . and the characters of words
        in_number = set(",.点一二两三四五六七八九十百千零〇")
        for word in [*n.fractions, *n.percent_words, *n.multipliers, *n.approx, *units]:
            in_number.update(word)
        outside_number = "".join(regex.escape(ch) for ch in sorted(in_number))
        self.outside_number_back = regex.compile(rf"(?r)[^\d\s{outside_number}]").search
        index = self.number.groupindex
        if tuple(sorted(index, key=index.__getitem__)) != _NUMBER_GROUPS or self.number.groups != len(index):
            raise AssertionError(f"number groups {self.number.groupindex} are not {_NUMBER_GROUPS}")
        # a unit's normal name: a percent word is %, else a points word 个百分点, else the unit
        self.normal_units = {word: "个百分点" for word in u.points} | {word: "%" for word in u.percent}
        # (alternations of literal words, the same in both engines, run by the standard library's:
        # it skips to their first characters faster than ``regex``)
        self.before_words = re.compile(_std_alt(c.before))
        self.after_words = regex.compile(
            rf"[^\d，,；;。！？!?：:\n、]{{0,{c.after_gap}}}?(?P<w>{_alt(c.after)})"
        )
        self.before_gap = c.before_gap
        self.after_gap = c.after_gap
        self.verbs = re.compile(_std_alt(rules.licensing.verbs))
        self.breakdown = re.compile(_std_alt(rules.licensing.breakdown))
        self.constructions = [regex.compile(_expand(p, u.measures)) for p in rules.licensing.constructions]
        self.not_targets = [regex.compile(_expand(p, u.measures)) for p in rules.not_targets.patterns]
        # most patterns need a word such as 每, 基础上, 岁 or ×, absent from most texts
        measures = u.measures
        self.construction_scans = _Screened(
            self.constructions, [_expand(src, measures) for src in rules.licensing.constructions]
        )
        self.not_target_scans = _Screened(
            self.not_targets, [_expand(src, measures) for src in rules.not_targets.patterns]
        )
        ind = rules.indicator
        filler_chars = r"\s，,、：:（("
        self.leading_fillers = regex.compile(rf"^(?:{_alt(ind.leading_fillers)}|[{filler_chars}])+")
        self.trailing_fillers = regex.compile(rf"(?:{_alt(ind.trailing_fillers)}|[{filler_chars}])+$")
        # What the first (last) character of a text must be for ``leading_fillers``
        # (``trailing_fillers``) to match in it: the first (last) character of a filler word or a
        # character of the class, of the Basic Multilingual Plane (``_tidy`` tries the patterns on
        # a text starting (ending) with any other plane's character).  A match of the first starts
        # at the text's start (``^``, no MULTILINE), one of the second ends at its end or before a
        # final newline, a blank of the class; neither is empty (``+`` of non-empty items; with an
        # empty filler word the sets hold every character: no test).
        self.leading_firsts = _first_chars(ind.leading_fillers, filler_chars)
        self.trailing_lasts = _first_chars([w[::-1] for w in ind.trailing_fillers], filler_chars)
        # (the same for ``_LIST_MARKER``: a blank, a digit, a bracket, a numeral, ①-⑳)
        self.list_marker_firsts = _first_chars([], r"\s\d（(一二三四五六七八九十①-⑳")
        self.max_chars = ind.max_chars
        # each with the words a match needs one of (None: not known), a text lacking all of them has none
        self.indicator_drops = [
            (regex.compile(_expand(p, u.measures)), _tightest(_required(_expand(p, u.measures))))
            for p in ind.drop_patterns
        ]
        self.noun_after = regex.compile(r"[^\d，,；;。！？!?：:\n\t、（(的]{1,14}")
        self.noun_end = re.compile(rf"{_std_alt(c.after)}|[《“”》]")
        # a unitless value: its bound word before it (控制在, 不低于), its indicator's ending before
        # that (电能利用效率（PUE）), and after it only a bound word (以下) and the end of the clause
        self.bound_before = regex.compile(
            rf"(?P<ind>{_alt(u.dimensionless)})\s*(?:[（(][^（()）]{{1,12}}[）)])?\s*"
            rf"(?P<w>{_alt(w for w in c.before if w not in c.verb_like)})\s*$"
        )
        # cheap tests that a text may hold a quantity (see ``_may_hold_quantity``): a superset of
        # what ``number`` and ``bound_before`` need, run by the standard library's ``re`` (it scans
        # simple patterns faster) with \d and \s spelt out as `regex` reads them
        digit, spaces = _regex_digits_and_spaces()  # (digit: inside a class)
        space = f"[{spaces}]*"
        numeral = f"[{digit}一二两三四五六七八九十百千零〇]"  # the last character of an arabic or word number

        def before_dimensionless(spell: Callable[[Iterable[str]], Iterable[str]]) -> str:
            return (
                rf"(?:{_alt(spell(u.dimensionless))}){space}(?:[（(][^（()）]{{1,12}}[）)])?{space}"
                rf"(?:{_alt(spell(w for w in c.before if w not in c.verb_like))}){space}[{digit}]"
            )

        # The tests run on the text as written, before ``half_width``: every word they look for is
        # also looked for in each full-width spelling (％ for %, ／ for /), and full-width digits are
        # digits to `regex`, so a text they pass over has no quantity once made half-width either.
        wide = _full_width_spellings
        counted = [*units, *n.multipliers]
        # (after the numeral, the lookahead for the first characters of the words that can follow
        # it past blanks, the multipliers, approximations and counted words: the same matches,
        # as each of these is optional but the last and none is empty; most numerals, 一 of 统一,
        # fail there at once)
        after_numeral = wide([*n.multipliers, *n.approx, *counted])
        maybe_count = (
            rf"{numeral}{_first_of(after_numeral, space)}"
            rf"{space}(?:{_alt(wide(n.multipliers))})?{space}(?:{_alt(wide(n.approx))})?{space}"
            # (the first characters of the words, looked ahead for: most numerals stand before none)
            rf"{_first_of(wide(counted))}(?:{_alt(wide(counted))})"
        )
        quantity_words = wide([*n.fractions, *n.percent_words])
        maybe_dimensionless_written = before_dimensionless(wide)
        # The three in one search: a class of the characters any of them can start with, consumed
        # (the engine skips to the next such character in C), then a one-character lookbehind
        # steps back onto it and tries the three there.  So it finds a match exactly where one of
        # the three matches at some position (a numeral starts ``maybe_count``; a word of its
        # alternation starts each of the other two).  Without the class when a word is empty.
        either = f"(?:{maybe_count})|{_alt(quantity_words)}|(?:{maybe_dimensionless_written})"
        dimensionless_words = wide(u.dimensionless)
        if "" in quantity_words or "" in dimensionless_words:
            self.may_hold = re.compile(either).search
        else:
            starts = {word[0] for word in quantity_words | dimensionless_words}
            firsts = digit + "一二两三四五六七八九十百千零〇" + "".join(re.escape(ch) for ch in sorted(starts))
            self.may_hold = re.compile(f"[{firsts}](?<=(?={either})[\\s\\S])").search
        # the same on a half-width text (for ``_mentions``)
        self.maybe_dimensionless = re.compile(before_dimensionless(set)).search
        self.bound_after = regex.compile(rf"\s*(?:{_alt(c.after)})?\s*(?:[{regex.escape(_CLAUSE_BREAKS)}]|$)")

    def masked(self, text: str, until: int) -> list[tuple[int, int]]:
        """The non-empty matches of the not-target patterns that start before ``until``: a
        pattern's matches come in order of their starts, so its scan stops at the first after."""
        spans: list[tuple[int, int]] = []
        for pattern in self.not_target_scans.running(text):
            for match in pattern.finditer(text):
                start, end = match.span()
                if start >= until:
                    break
                if end > start:
                    spans.append((start, end))
        return spans

    def licensed_by_construction(self, text: str) -> list[tuple[int, int]]:
        return [m.span() for pattern in self.construction_scans.running(text) for m in pattern.finditer(text)]


def _compiled(rules: TargetRules) -> _Compiled:
    last = _LAST_COMPILED[0]
    if last is not None and last[0] is rules:
        return last[1]
    built = compiled(rules, _Compiled)
    _LAST_COMPILED[0] = (rules, built)
    return built


# the rules last compiled, by identity (they are kept alive here): find_targets runs on every
# task text, and ``compiled`` builds a key and looks it up each time
_LAST_COMPILED: list[tuple[TargetRules, _Compiled] | None] = [None]


def target_rules() -> TargetRules:
    """The default target rules (``rules/targets.yaml``)."""
    return default_rules()["targets"]


# --- reading one number ------------------------------------------------------------------------


class _Mention(NamedTuple):  # a tuple: made for every quantity, faster than a frozen dataclass
    """A number with its unit as written: 20万人次, 10000余个, 75%, 半数."""

    start: int
    end: int  # after the unit
    value: int | float
    unit: str | None
    approx: Comparator | None
    is_article: bool  # 一 written as a word

    @property
    def is_ratio(self) -> bool:
        return self.unit in ("%", "个百分点")


def _plain(value: Decimal) -> int | float:
    return int(value) if value == value.to_integral_value() else float(value)


@lru_cache(maxsize=4096)  # cn2an takes ~10 µs a call, and the same few numerals recur
def _word_value(word: str) -> Decimal:
    return to_number(word)


def _may_hold_quantity(written: str, c: _Compiled) -> int | None:
    """Where ``written`` (a text as written, before ``half_width``) may first hold a quantity;
    None where it cannot.  Most texts of a plan hold none, and this tells most of them cheaply: a
    quantity needs a fraction or percent word, a unit or 万/亿 after a numeral, or (a value
    without unit) a dimensionless indicator and its bound word right before a digit; ``c.may_hold``
    looks for these (or more), so where it finds nothing, ``_mentions`` of the half-width text
    finds nothing.  (The position is that of the first such word, or of the numeral before one.)"""
    hit = c.may_hold(written)
    return None if hit is None else hit.start()


def _mentions(text: str, c: _Compiled, first: int = 0) -> list[_Mention]:
    """The quantities of ``text``: every match of ``c.number`` that ``_read_mention`` reads;
    ``first`` is where ``_may_hold_quantity`` saw the first possible one (0 if not known).

    Most matches are bare numbers (一 of 统一, 2023 of 2023年); they are not even reported, with
    the same result: a bare word numeral (no frac, pw, mult, approx or unit) is never a quantity
    (``_dimensionless`` reads digits only), and a bare arabic number only where
    ``c.maybe_dimensionless`` finds an indicator and bound word before a digit somewhere.  The
    scans ``c.number_not_bare`` and ``c.number_not_bare_word`` report the other matches of
    ``c.number`` in order, unchanged (see ``_Compiled``).

    Without dimensionless values, the scan starts after the last character before ``first``
    that no match can hold: no match spans that character, so the scan finds the same matches
    from there on (finditer resumes after a match, and a match is tried where the previous one
    ended or later); and a match read as a quantity holds the position where ``c.may_hold``
    hits for it (its fraction or percent word, or the last numeral before its unit or 万),
    so every such match lies at or after ``first`` and none ended before."""
    start = 0
    if c.maybe_dimensionless(text) is None:
        scan = c.number_not_bare
        if first:
            outside = c.outside_number_back(text, 0, first)
            start = 0 if outside is None else outside.end()
    else:
        scan = c.number_not_bare_word
    found: list[_Mention] = []
    for match in scan.finditer(text, start):
        mention = _read_mention(match, text, c)
        if mention is not None:
            found.append(mention)
    return found


def _read_mention(match: Any, text: str, c: _Compiled) -> _Mention | None:
    """The number ``match`` found, or None when it is no quantity (no unit, an ordinal…)."""
    # (the groups by number, in the order of _NUMBER_GROUPS: faster than by name)
    frac, pw, pnum, arabic, word, mult, approx, unit = match.groups()
    if not (frac or pw or unit or mult):
        return _dimensionless(match, text, c)  # a bare number (一是, 统一): mostly no quantity
    start, end = match.span()
    if frac:
        return _Mention(start, end, _plain(Decimal(str(c.fractions[frac]))), "%", None, False)
    if pw:
        try:
            percent = _word_or_digits(pnum)
        except (ValueError, InvalidOperation):
            return None  # 百分之十四五: numerals that are no number
        return _Mention(start, end, _plain(percent), "%", None, False)
    before = text[start - 1] if start else ""
    if before == "第" or (word and before in c.blockers):
        return None
    written_unit = unit
    if unit and text.startswith(c.not_followed_by.get(unit, ()), match.end(_UNIT_GROUP)):
        return None
    if unit is None and mult:
        unit = _implicit_unit(text, end, c)
    if unit is None:
        return None
    value: int | float
    if arabic is not None and len(arabic) <= 18 and arabic.isascii() and arabic.isdigit():
        # plain digits: the integer Decimal would give (times 万/亿, still exact: at most 27 digits)
        value = int(arabic) * c.int_multipliers[mult] if mult else int(arabic)
    else:
        try:
            number = _word_or_digits(arabic or word)
        except (ValueError, InvalidOperation):
            return None  # a run of numerals that is no number (十四五, 一二三)
        if mult:
            number *= c.multipliers[mult]
        value = _plain(number)
    # the span ends after the unit the number carries (or after the number, for an implicit unit)
    if written_unit is None:
        end = match.end(_MULT_GROUP)
    return _Mention(
        start,
        end,
        value,
        c.normal_units.get(unit, unit),
        c.approx.get(approx or ""),
        bool(word) and word in c.articles,
    )


def _dimensionless(match: Any, text: str, c: _Compiled) -> _Mention | None:
    """A unitless value under an explicit bound, of an indicator such as a coefficient, an index
    or an efficiency (电能利用效率（PUE）控制在1.3以下, 利用系数不低于0.58): unit ""."""
    number = match.group("arabic")
    if not number or not c.rules.units.dimensionless:
        return None
    start, end = match.start("arabic"), match.end("arabic")
    if not c.bound_after.match(text, end):
        return None  # 1.5倍, 3.5级: a unit the rules do not know, no dimensionless value
    window = text[max(0, start - 24) : start]
    if not c.bound_before.search(window):
        return None
    return _Mention(start, end, _plain(Decimal(number.replace(",", ""))), "", None, False)


def _word_or_digits(number: str) -> Decimal:
    if number[0].isdigit():
        return Decimal(number.replace(",", ""))
    return _word_value(number)


def _implicit_unit(text: str, end: int, c: _Compiled) -> str | None:
    """The unit a head noun gives a bare 万/亿 count (17.8万居民燃气用户 → 户)."""
    noun = c.noun_after.match(text, end)
    if noun and noun.group().endswith(c.implicit_units):
        return noun.group()[-1]
    return None


# --- clauses, comparators, licensing -----------------------------------------------------------


class _Layout:
    """Where the clauses and sentences of a text break, to find the one around a position fast:
    a text has a few candidates, so the breaks next to each are searched for (backwards and
    forwards from it) rather than all breaks of the text listed."""

    def __init__(self, text: str, breaks: Sequence[tuple[int, int]] = ()) -> None:
        self.text = text
        self.length = len(text)
        self.breaks = sorted(breaks)  # [start, end) runs every character of which is a break
        # the clause and the sentence found last: counts come in order, several to a clause
        self.last_clause = (1, 0)  # (an empty range: holds no position)
        self.last_sentence = (1, 0)

    def clause(self, pos: int) -> tuple[int, int]:
        """[start, end) of the clause around ``pos``: after the last break before ``pos``, up to
        the first break at or after it.  (The clause [start, end) found for one position is that
        of every position from start to end: no break stands in [start, end), and one before
        start and at end, or the text begins or ends there.)"""
        start, end = last = self.last_clause
        if start <= pos <= end:
            return last
        self.last_clause = found = self._around(_CLAUSE_BREAK, _CLAUSE_BREAK_BACK, pos)
        return found

    def sentence(self, pos: int) -> tuple[int, int]:
        """As ``clause``, for sentences."""
        start, end = last = self.last_sentence
        if start <= pos <= end:
            return last
        self.last_sentence = found = self._around(_SENTENCE_BREAK, _SENTENCE_BREAK_BACK, pos)
        return found

    def _around(self, forward: Any, backward: Any, pos: int) -> tuple[int, int]:
        previous = backward.search(self.text, 0, pos)
        following = forward.search(self.text, pos)
        start = previous.start() + 1 if previous is not None else 0
        end = following.start() if following is not None else self.length
        for a, b in self.breaks:
            if a < pos:  # the run's last character before pos is a break
                start = max(start, min(b, pos))
            if b > pos:  # and its first at or after pos
                end = min(end, max(a, pos))
                break
        return start, end


class _Word(NamedTuple):
    start: int
    end: int
    comparator: Comparator
    word: str


def _before_comparator(text: str, clause_start: int, mention: _Mention, c: _Compiled) -> _Word | None:
    """The comparator word nearest before the number, at most ``before_gap`` characters away."""
    nearest = None
    for match in c.before_words.finditer(text, clause_start, mention.start):
        gap = text[match.end() : mention.start]
        allowed = c.before_gap if len(match.group()) > 1 else 0
        if len(gap) <= allowed and not _DIGIT.search(gap):
            nearest = _Word(match.start(), match.end(), c.before[match.group()], match.group())
    return nearest


def _after_comparator(text: str, mention: _Mention, c: _Compiled) -> _Word | None:
    match = c.after_words.match(text, mention.end)
    if match is None:
        return None
    start, end = match.span(1)  # (group 1 is ``w``, its only group: by number, faster than by name)
    word = match.group(1)
    return _Word(start, end, c.after[word], word)


def _comparator(before: _Word | None, after: _Word | None, mention: _Mention) -> Comparator:
    """以上/以内 after the number decide; else the word before it; else 余/多; else =."""
    if after is not None:
        return after.comparator
    if before is not None:
        return before.comparator
    return mention.approx or Comparator.EQ


def _licensed(
    text: str,
    clause_start: int,
    mention: _Mention,
    has_comparator: bool,
    constructions: list[list[tuple[int, int]]],
    c: _Compiled,
) -> bool:
    """Is this count a commitment (see the ``licensing`` rules)?  ``constructions`` holds the
    spans of the text's licensing constructions once a count has needed them (most never do)."""
    if mention.is_article:
        return has_comparator
    if mention.is_ratio or has_comparator:
        return True
    head = text[clause_start : mention.start]
    if c.verbs.search(head):
        return True
    if head[:1] in c.list_marker_firsts or head[:1] > _BMP_LAST:  # (as in _tidy)
        head = _LIST_MARKER.sub("", head)
    if c.breakdown.match(head):
        return True
    if not constructions:
        constructions.append(c.licensed_by_construction(text))
    return any(a <= mention.start and mention.end <= b for a, b in constructions[0])


# --- indicator and deadline --------------------------------------------------------------------


def _strip_spans(text: str, offset: int, spans: list[tuple[int, int]]) -> str:
    """``text`` (starting at ``offset`` in the document) without the characters of ``spans``
    (sorted and disjoint, in document positions)."""
    end = offset + len(text)
    i = max(bisect.bisect_right(spans, (offset, offset)) - 1, 0)
    kept: list[str] = []
    pos = offset
    while i < len(spans) and spans[i][0] < end:
        start, stop = spans[i]
        if stop > pos:
            kept.append(text[pos - offset : max(start, pos) - offset])
            pos = max(pos, stop)
        i += 1
    if pos < end:
        kept.append(text[pos - offset :])
    return "".join(kept)


def _tidy(phrase: str, c: _Compiled) -> str:
    # Each substitution is skipped where it cannot match (see ``_Compiled``): the result is the
    # same, as a substitution without a match returns its text unchanged.
    if phrase[:1] in c.list_marker_firsts or phrase[:1] > _BMP_LAST:
        phrase = _LIST_MARKER.sub("", phrase)
    for drop, needs in c.indicator_drops:
        if needs is not None:  # (a loop: any() of a generator costs more than the tests)
            for word in needs:
                if word in phrase:
                    break
            else:
                continue  # no word of the group: no match
        phrase = drop.sub("", phrase)
    leading, trailing = c.leading_fillers.sub, c.trailing_fillers.sub
    lead_firsts, trail_lasts = c.leading_firsts, c.trailing_lasts
    for _ in range(4):  # fillers can stack: 力争到…, 并进一步…
        tidied = phrase
        if tidied[:1] in lead_firsts or tidied[:1] > _BMP_LAST:
            tidied = leading("", tidied)
        if tidied[-1:] in trail_lasts or tidied[-1:] > _BMP_LAST:
            tidied = trailing("", tidied)
        if tidied == phrase:
            break  # nothing more to strip: another round would change nothing either
        phrase = tidied
    phrase = phrase.strip()
    if len(phrase) > c.max_chars:  # a long list: keep its verb and its last item (举办…、青少年体育赛事活动)
        verb = c.verbs.match(phrase)
        last_item = _LIST_BREAK.split(phrase)[-1]
        phrase = (verb.group() if verb and not last_item.startswith(verb.group()) else "") + last_item
    if len(phrase) > c.max_chars:  # the words nearest the number say most about it
        phrase = phrase[-c.max_chars :]
    return phrase


def _indicator(
    text: str,
    clause_start: int,
    mention: _Mention,
    before: _Word | None,
    time_spans: list[tuple[int, int]],
    c: _Compiled,
    floor: int = 0,
) -> str | None:
    """The thing measured: the subject before a comparator (绿色出行分担率达到…), else the verb
    phrase before the number with the noun after its unit (建设14个社区便民点 → 建设社区便民点).
    ``floor`` is where the previous count of the clause ended: its words are not this one's."""
    if before is not None and (mention.is_ratio or before.word not in c.verb_like):
        subject_start = max(clause_start, floor)
        subject = _tidy(_strip_spans(text[subject_start : before.start], subject_start, time_spans), c)
        if subject:
            return subject
    governs = before is not None and before.word not in c.verb_like  # 至少召开1次: read after 至少
    head_start = max(before.end if before is not None and governs else clause_start, floor)
    head = _strip_spans(text[head_start : mention.start], head_start, time_spans)
    verb = c.verbs.search(head)
    if verb is not None:
        head = head[verb.start() :]
    return _tidy(head + _noun_after(text, mention, c), c) or None


def _noun_after(text: str, mention: _Mention, c: _Compiled) -> str:
    """The noun the count is of (60个社区商业网点 → 社区商业网点): up to punctuation, 的, a
    comparator word or a quotation mark; a 《title》 right after the unit is kept whole."""
    noun = c.noun_after.match(text, mention.end)
    if noun is None:
        return ""
    if noun.group().startswith("《"):
        return noun.group()
    end = c.noun_end.search(noun.group())
    return noun.group()[: end.start()] if end else noun.group()


def _governing_deadline(layout: _Layout, mention: _Mention, dated: list[TimeSpan]) -> dt.date | None:
    """The nearest dated deadline before the number in its sentence, else the first after it."""
    if not dated:
        return None
    start, end = layout.sentence(mention.start)
    first = bisect.bisect_left(dated, start, key=_start_of)
    last = bisect.bisect_left(dated, end, key=_start_of)
    inside = [d for d in dated[first:last] if d.end <= end]
    before = [d for d in inside if d.end <= mention.start]
    if before:
        return before[-1].date
    after = [d for d in inside if d.start >= mention.end]
    return after[0].date if after else None


def _start_of(time: TimeSpan) -> int:
    return time.start


def _evidence(
    text: str, layout: _Layout, clause: tuple[int, int], time_spans: list[tuple[int, int]]
) -> tuple[int, int]:
    """The span of the clause a target came from, with a time clause that opens its sentence
    (到2021年底，绿色出行分担率达到20%以上)."""
    start, end = clause
    if start >= 2 and text[start - 1] in "，,":
        previous = layout.clause(start - 2)
        words = text[previous[0] : previous[1]].strip()
        spans_inside = [(a, b) for a, b in time_spans if previous[0] <= a and b <= previous[1]]
        if (
            spans_inside
            and not _strip_spans(text[previous[0] : previous[1]], previous[0], spans_inside).strip()
        ):
            start = previous[0] if words else start
    while start < end and text[start].isspace():
        start += 1
    marker = _LIST_MARKER.match(text, start, end)
    if marker is not None and marker.end() < end:
        start = marker.end()
    while end > start and (text[end - 1].isspace() or text[end - 1] in "（(【["):
        end -= 1  # blanks, and a bracket left open where a masked clause started
    return start, end


# --- public API --------------------------------------------------------------------------------


class _Candidate(NamedTuple):
    """A count that passed the licensing test, with the words that compare it and its clause."""

    mention: _Mention
    before: _Word | None
    after: _Word | None
    clause: tuple[int, int]
    head_start: int  # where the words governing the count may start: its clause, at most _HEAD_WINDOW back


def find_targets(
    text: str,
    *,
    year: int | None,
    rules: TargetRules | None = None,
    deadline_rules: DeadlineRules | None = None,
    breaks: Sequence[tuple[int, int]] = (),
    bounded_only: bool = False,
    place: Callable[[int, int], tuple[int, int]] | None = None,
    task: str | None = None,
) -> list[Target]:
    """Every quantitative target in ``text``, in order, spans relative to ``text``.

    ``year`` is the document's year, used to date deadlines that leave it out (年内, 6月底前);
    ``deadline_rules`` are the rules those deadlines are read with (the default ones if None).
    ``breaks`` are [start, end) runs of ``text`` that separate clauses as a "；" would: a task's
    text with its unit clause cut out and blanked (推进改造，覆盖率达到95%以上（责任单位：…）下一句)
    must not give a target whose clause runs across the blank.
    ``bounded_only``: only the targets with a bound (a comparator other than =), exactly those of
    the full list (see the comments below: the plain ones are left out without changing the others).
    ``place`` maps each span to the one the Target records (a text placed in its document) and
    ``task`` (if not None) is the task the targets belong to: each Target is built once as
    ``copied(t, {"span": place(*t.span), "task": task})`` (or without "task") of ``t`` would be.
    """
    last = _LAST_COMPILED[0]  # (``_compiled`` inlined: called for every text)
    c = last[1] if last is not None and rules is not None and last[0] is rules else _compiled(rules or target_rules())
    first = _may_hold_quantity(text, c)
    if first is None:  # most texts of a plan: spare them the rest
        return []
    source, text = text, half_width(text)  # read ６０％ as 60%; spans are unchanged
    mentions = _mentions(text, c, first)
    if not mentions:  # no quantity: spare the text the masks and the deadlines
        return []
    constructions: list[list[tuple[int, int]]] = []  # (see _licensed)
    layout = _Layout(text, breaks)

    licensed: list[_Candidate] = []
    for mention in mentions:
        clause = layout.clause(mention.start)
        head_start = max(clause[0], mention.start - _HEAD_WINDOW)
        before = _before_comparator(text, head_start, mention, c)
        after = _after_comparator(text, mention, c)
        if not _licensed(
            text, head_start, mention, before is not None or after is not None, constructions, c
        ):
            continue
        licensed.append(_Candidate(mention, before, after, clause, head_start))
    if not licensed:  # the masks and the deadlines only ever drop or date a licensed count
        return []

    # a count inside a mask (a number that is no target) or a time expression is dropped
    last_end = max(candidate.mention.end for candidate in licensed)
    found = _outside(licensed, c.masked(text, last_end))
    if not found:  # the deadlines only ever drop or date a count
        return []
    if bounded_only and not any(_may_be_bounded(candidate) for candidate in found):
        # every count would be read as = (``_comparator``: no word after or before it, no 余/多;
        # ``_shared_after`` lends a count only the word after another count of ``found``, and
        # the time masks below only drop counts): none is kept, the deadlines need not be read
        return []
    # the deadlines of ``find_deadlines``, read for their spans and dates only (``time_spans``)
    times = time_spans(source, year=year, rules=deadline_rules)
    spans = [(a, b) for a, b, _ in times]
    dated = [t for t in times if t.date is not None]
    found = _outside(found, [(a, b) for a, b in spans if a < b])  # and a count inside a time expression

    targets: list[Target] = []
    seen: set[tuple[Any, ...]] = set()
    for i, candidate in enumerate(found):
        mention, before, clause = candidate.mention, candidate.before, candidate.clause
        after = candidate.after or _shared_after(text, found, i)
        comparator = _comparator(before, after, mention)
        if bounded_only and comparator == Comparator.EQ:  # (as the caller would test it)
            # left out before its indicator, deadline and clause are read: nothing else depends
            # on it (``floor`` and ``_shared_after`` read ``found``, not the targets), and its key
            # in ``seen`` holds EQ, so it can never make a bounded target a restatement
            continue
        previous = found[i - 1] if i else None
        floor = previous.mention.end if previous is not None and previous.clause == clause else 0
        indicator = _indicator(text, candidate.head_start, mention, before, spans, c, floor)
        deadline = _governing_deadline(layout, mention, dated)
        key = (indicator, comparator, mention.value, mention.unit, deadline)
        if indicator and key in seen:
            continue  # the same commitment restated
        seen.add(key)
        start, end = _evidence(text, layout, clause, spans)
        span = (start, end) if place is None else place(start, end)
        targets.append(_target(source[start:end], indicator, comparator, mention, deadline, span, task))
    return targets


_TARGET_SET = frozenset(("text", "indicator", "comparator", "value", "unit", "deadline", "span"))
_TARGET_SET_TASK = _TARGET_SET | {"task"}


def _target(
    text: str,
    indicator: str | None,
    comparator: Comparator,
    mention: _Mention,
    deadline: dt.date | None,
    span: tuple[int, int],
    task: str | None = None,
) -> Target:
    """``Target(text=…, indicator=…, comparator=…, value=…, unit=…, deadline=…, span=…)`` built
    without validation (which costs more than the rest of a target): every value already has its
    declared type (str, a Comparator of the rules or EQ, an int or a float from ``_plain`` or
    ``int``, a date of a Deadline, a tuple of two ints), so validating would keep each as it is.
    The same ``__dict__`` (every field in declared order, ``task`` at its default None), the same
    fields set (those given), no extra or private attributes (Target forbids extra fields and has
    no private ones).  With ``task`` (a str), "task" holds it and counts as set too: what
    ``copied`` of the target without it, updating "task" (and "span"), gives."""
    return construct(
        Target,
        {
            "text": text,
            "indicator": indicator,
            "comparator": comparator,
            "value": mention.value,
            "unit": mention.unit,
            "deadline": deadline,
            "span": span,
            "task": task,
        },
        _TARGET_SET if task is None else _TARGET_SET_TASK,
    )


def _outside(candidates: list[_Candidate], spans: list[tuple[int, int]]) -> list[_Candidate]:
    """The candidates whose number overlaps none of ``spans``: a span [a, b) overlaps a number
    [start, end) when a < end and start < b, so some span does when the furthest end of the spans
    starting before ``end`` lies past ``start``."""
    if not spans:
        return candidates
    spans = sorted(spans)
    starts = [a for a, _ in spans]
    reach = list(itertools.accumulate((b for _, b in spans), max))  # the furthest end so far
    kept = []
    for candidate in candidates:
        before = bisect.bisect_left(starts, candidate.mention.end)  # the spans starting before its end
        if not before or reach[before - 1] <= candidate.mention.start:
            kept.append(candidate)
    return kept


def _may_be_bounded(candidate: _Candidate) -> bool:
    """Can ``find_targets`` give this count a comparator other than =?  Only with a comparator word
    after it (its own, or one it shares with the next count), one before it, or 余/多."""
    return candidate.after is not None or candidate.before is not None or candidate.mention.approx is not None


def quantity_test(rules: TargetRules | None = None) -> Callable[[str, int, int], Any]:
    """The quick test ``find_targets`` starts with (``_may_hold_quantity``), as a search ``test(text,
    start, end)`` of the piece [start, end) of ``text``: where it gives None, ``find_targets(text[start:end],
    …)`` is [] whatever the year, breaks and other options.

    (The same answer as the test of the piece cut out: the search reads no character before
    ``start`` — the class it consumes stands at or after it, its one-character lookbehind steps
    back onto that very character, and the lookaheads read forwards — and ``end`` ends the text
    for it as the cut would: the patterns hold no ^, $ or \b that could tell the two apart.)"""
    return _compiled(rules or target_rules()).may_hold


def _shared_after(text: str, found: list[_Candidate], i: int) -> _Word | None:
    """以上 written once after coordinated counts (10门课程20个班次以上) governs each of them."""
    if i + 1 >= len(found):
        return None
    mention, following = found[i].mention, found[i + 1]
    between = text[mention.end : following.mention.start]
    if following.after is not None and len(between) <= 6 and not _BREAK_OR_LIST.search(between):
        return following.after
    return None
