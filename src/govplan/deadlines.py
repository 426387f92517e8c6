"""deadlines: text → Deadline[].

Takes a piece of plan text (a task, a table's 完成时限 cell, a phase heading) and the document's
year, and gives every time expression in it, normalized: ``2023年底`` → 2023-12-31,
``6月底前`` → the document year's 06-30, ``2019年6月至2020年9月`` → a range, ``每月28日前`` →
recurring, ``长期坚持`` → open, ``30分钟内`` → a duration.  Spans are [start, end) in the given
text; the expressions come out in order and never overlap (the longest match wins).

The vocabulary (prefixes, suffixes, relative years, parts of years and months, five-year plans,
open-ended and recurring words, duration units, and the spans that are never a deadline) lives in
``rules/deadlines.yaml``; the shapes of numbers and dates are built here.  Chinese numerals
(二〇二三年十二月) are read with cn2an.

How a reading is chosen:

* A year left out is the document's year (``year_assumed`` records it); with no document year the
  date is None but the kind is still set.
* ``X月`` ends on the month's last day, ``X月前`` too (plans write 6月前 for "by June").
* A bare ``2020年`` is a deadline only where it reads as one (see ``years`` in the rule file).
* ``2020年12月以后`` / ``自7月起`` are ranges with a start and no end (``date`` None).
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections.abc import Callable, Iterable
from functools import lru_cache
from typing import Any, NamedTuple

import regex
from pydantic import field_validator

from .models import Deadline, DeadlineKind, construct
from .numerals import to_number
from .ruleset import RuleFile, compiled, default_rules, field_mismatches, needed_words, tightness

EXAMPLE_YEAR = 2023  # the document year a rule example is read with unless it gives one

# --- rule-file schema --------------------------------------------------------------------------


class DeadlineExpect(RuleFile):
    """One expected expression of an example; only the fields written are checked."""

    text: str | None = None
    kind: DeadlineKind
    date: dt.date | None = None
    start: dt.date | None = None
    year_assumed: int | None = None


class DeadlineExample(RuleFile):
    text: str
    year: int | None = EXAMPLE_YEAR
    expect: list[DeadlineExpect] = []


class _Group(RuleFile):
    examples: list[DeadlineExample] = []


class Affixes(_Group):
    by_prefixes: list[str]
    start_prefixes: list[str]
    before_suffixes: list[str]
    start_suffixes: list[str]
    past_suffixes: list[str]
    range_connectors: list[str]
    range_tails: list[str]


class Years(_Group):
    relative: dict[str, int]
    end_words: dict[str, int]  # word closing a year -> first month of the period it names
    alone_end_words: list[str]
    bare_year_followers: list[str]
    bare_year_scope_followers: list[str]


class YearParts(_Group):
    parts: dict[str, tuple[int, int]]
    quarter_word: str
    quarter_prefixes: list[str] = []
    end_words: list[str] = []

    @field_validator("parts")
    @classmethod
    def _months(cls, parts: dict[str, tuple[int, int]]) -> dict[str, tuple[int, int]]:
        for word, (first, last) in parts.items():
            if not (1 <= first <= last <= 24):
                raise ValueError(f"{word}: months must be 1 <= first <= last <= 24")
        return parts


class MonthParts(_Group):
    parts: dict[str, tuple[int, int]]

    @field_validator("parts")
    @classmethod
    def _days(cls, parts: dict[str, tuple[int, int]]) -> dict[str, tuple[int, int]]:
        for word, (first, last) in parts.items():
            if not (1 <= first <= last <= 31):
                raise ValueError(f"{word}: days must be 1 <= first <= last <= 31")
        return parts


class PlanAnchor(RuleFile):
    ordinal: int
    start: int


class FiveYearPlans(_Group):
    anchor: PlanAnchor
    whole_words: list[str]
    end_words: list[str]


class OpenEnded(_Group):
    words: list[str]
    not_followed_by: list[str] = []


class Recurring(_Group):
    prefixes: list[str]
    periods: list[str]
    words: list[str] = []


class Durations(_Group):
    units: list[str]
    units_needing_within: list[str] = []
    within: list[str]


class Festivals(_Group):
    days: dict[str, str]

    @field_validator("days")
    @classmethod
    def _month_day(cls, days: dict[str, str]) -> dict[str, str]:
        for word, month_day in days.items():
            try:
                dt.date.fromisoformat(f"2000-{month_day}")
            except ValueError:
                raise ValueError(f"{word}: {month_day!r} is not MM-DD") from None
        return days


class Negatives(_Group):
    patterns: list[str]

    @field_validator("patterns")
    @classmethod
    def _compiles(cls, patterns: list[str]) -> list[str]:
        for pattern in patterns:
            try:
                regex.compile(pattern)
            except regex.error as err:
                raise ValueError(f"bad regular expression {pattern!r}: {err}") from None
        return patterns


class DeadlineRules(RuleFile):
    affixes: Affixes
    years: Years
    year_parts: YearParts
    month_parts: MonthParts
    five_year_plans: FiveYearPlans
    open_ended: OpenEnded
    recurring: Recurring
    durations: Durations
    festivals: Festivals
    negatives: Negatives
    examples: list[DeadlineExample] = []



def check_example(example: DeadlineExample, rules: DeadlineRules | None = None) -> list[str]:
    """What ``find_deadlines`` gets wrong on ``example`` ([] when it matches)."""
    found = find_deadlines(example.text, year=example.year, rules=rules)
    problems: list[str] = []
    if len(found) != len(example.expect):
        problems.append(f"expected {len(example.expect)} expression(s), found {[d.text for d in found]}")
    for got, want in zip(found, example.expect, strict=False):
        problems.extend(field_mismatches(repr(got.text), got, want))
    return problems


# --- number and date shapes --------------------------------------------------------------------

_YEAR = r"(?:(?:19|20)\d{2}|[〇零○Ｏ一二三四五六七八九]{4})"
_YEAR_FIRSTS = "12〇零○Ｏ一二三四五六七八九"  # the characters a _YEAR starts with
_MONTH = r"(?:1[0-2]|0?[1-9]|十[一二]?|[一二三四五六七八九])"
_DAY = (
    r"(?:3[01]|[12]\d|0?[1-9]|三十一?|二十[一二三四五六七八九]?|十[一二三四五六七八九]?|[一二三四五六七八九])"
)
_COUNT = r"(?:\d+(?:\.\d+)?|[半两一二三四五六七八九十百]+)"
_ZERO_GLYPHS = str.maketrans({"○": "〇", "Ｏ": "〇"})  # look-alike glyphs of 〇 that cn2an does not read
# Full-width digits and separators read as ASCII; one character for one, so spans stay valid.
_FULL_WIDTH_CHARS = "０１２３４５６７８９．／－：％"
HALF_WIDTH = str.maketrans(_FULL_WIDTH_CHARS, "0123456789./-:%")
_FULL_WIDTH = re.compile(f"[{_FULL_WIDTH_CHARS}]")  # (the stdlib: less overhead a call)


def half_width(text: str) -> str:
    """``text`` with full-width digits and ./-:% made ASCII (same length, so spans hold); a
    search first, as str.translate with a table is slow on Chinese text that has none."""
    last = _LAST_HALF_WIDTH[0]
    if last[0] is text:  # the same string again (a task's text: its deadlines, then its targets)
        return last[1]
    out = text.translate(HALF_WIDTH) if _FULL_WIDTH.search(text) else text
    _LAST_HALF_WIDTH[0] = (text, out)
    return out


# the last answer of half_width, for the very same string object only (one entry: it never grows)
_LAST_HALF_WIDTH: list[tuple[str | None, str]] = [(None, "")]


@lru_cache(maxsize=4096)  # cn2an takes ~10 µs a call, and the same few numerals recur
def _number(text: str) -> int:
    """An integer written in digits or in Chinese (二〇二三, 十二, 两)."""
    text = text.strip()
    if text.isascii():
        return int(text)
    return int(to_number(text.translate(_ZERO_GLYPHS)))


def _escaped_set(*chars: str) -> str:
    """The body of a class holding every character of ``chars``."""
    return "".join(re.escape(ch) for ch in sorted(set("".join(chars))))


def _alt(words: Iterable[str]) -> str:
    """A regex alternation of ``words``, longest first so the longest reading wins.

    Written as a trie (截止到|截至|截止 as 截(?:止(?:到|)|至)): the engine tests one branch per
    first character instead of every word.  It means the same as the words one after the other,
    longest first: the words matching at a position are prefixes of one another, and the trie
    tries them longest first too (a longer branch before the end of a shorter word), also when
    the engine comes back to try a shorter one."""
    unique = set(words)
    if not unique:
        return "(?!)"
    trie: dict[str, Any] = {}
    for word in unique:
        node = trie
        for ch in word:
            node = node.setdefault(ch, {})
        node[""] = {}  # a word ends here
    return f"(?:{_trie(trie)})"  # (a group, as a quantifier may follow)


def _trie(node: dict[str, Any]) -> str:
    branches = [re.escape(ch) + _trie(sub) for ch, sub in sorted(node.items()) if ch]
    if "" in node:
        branches.append("")  # (last: a longer word first)
    return branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"


@lru_cache(maxsize=4096)  # calendar.monthrange works out the weekday too: a few µs a call
def _last_day(year: int, month: int) -> int:
    return calendar.monthrange(year, month)[1]


def _month_date(year: int, month: int, day: int) -> dt.date:
    """A date whose month may run past 12 (into the next year) and whose day is clamped."""
    year, month = year + (month - 1) // 12, (month - 1) % 12 + 1
    return dt.date(year, month, min(day, _last_day(year, month)))


def _needed_words(pattern: str) -> tuple[tuple[str, ...], ...]:
    """``ruleset.needed_words`` of a negative pattern, groups of at most eight words (a longer
    alternation is cheaper to run than to look for)."""
    return tuple(group for group in needed_words(pattern) if len(group) <= 8)


# The recognisers run on the stdlib engine (less overhead a call than `regex`, and a fast skip to
# the next possible first character), written as for `regex`.  The engines read \d and \s with
# different Unicode tables: regex's \s lacks \x1c-\x1f, and its \d knows digits of newer scripts,
# all outside the Basic Multilingual Plane (on the BMP both read \d alike).  So _stdlib spells \s
# out as regex reads it, and \d too for a text holding a character beyond the BMP (rare, and a
# long class is slow to test); tests/test_deadlines.py checks these sets over every code point.
_REGEX_SPACES = "\t\n\x0b\x0c\r\x20\x85\xa0\u1680" + "".join(map(chr, range(0x2000, 0x200B))) + "\u2028\u2029\u202f\u205f\u3000"
_REGEX_SPACE = "".join(f"\\x{ord(ch):02x}" if ord(ch) < 0x100 else f"\\u{ord(ch):04x}" for ch in _REGEX_SPACES)
_REGEX_DIGIT_RANGES = (
    "30 660 6f0 7c0 966 9e6 a66 ae6 b66 be6 c66 ce6 d66 de6 e50 ed0 f20 1040 1090 17e0 1810 1946 19d0 1a80 "
    "1a90 1b50 1bb0 1c40 1c50 a620 a8d0 a900 a9d0 a9f0 aa50 abf0 ff10 104a0 10d30 10d40 11066 110f0 11136 "
    "111d0 112f0 11450 114d0 11650 116c0 116d0:116e3 11730 118e0 11950 11bf0 11c50 11d50 11da0 11de0 11f50 "
    "16130 16a60 16ac0 16b50 16d70 1ccf0 1d7ce:1d7ff 1e140 1e2f0 1e4f0 1e5f1 1e950 1fbf0"
)  # the first digit of each run of ten (first:last where a run is not ten long)
_REGEX_DIGIT = "".join(
    f"\\U{int(low, 16):08x}-\\U{int(high, 16) if high else int(low, 16) + 9:08x}"
    for low, _, high in (run.partition(":") for run in _REGEX_DIGIT_RANGES.split())
)
_ESCAPES_KEPT = set("tnrfvxuU")  # letter escapes both engines read alike


def _stdlib(pattern: str, *, wide: bool = False) -> str:
    r"""``pattern`` (written for `regex`) for the stdlib engine, with \s as `regex` reads it, and
    \d too where ``wide`` (for texts with characters beyond the BMP; elsewhere \d is the same);
    ValueError on another letter escape (\w, \b, \p …: this file writes none)."""
    out: list[str] = []
    in_class = False
    i = 0
    while i < len(pattern):
        ch = pattern[i]
        if ch == "\\":
            escaped = pattern[i + 1]
            if escaped == "s" or (escaped == "d" and wide):
                chars = _REGEX_SPACE if escaped == "s" else _REGEX_DIGIT
                out.append(chars if in_class else f"[{chars}]")
            elif escaped == "d" or escaped in _ESCAPES_KEPT or not (escaped.isascii() and escaped.isalnum()):
                out.append(pattern[i : i + 2])  # (a punctuation escape is a literal in both)
            else:
                raise ValueError(f"\\{escaped} in {pattern!r}: not translated for the stdlib")
            i += 2
            continue
        if in_class:
            in_class = ch != "]"
        elif ch == "[":  # a class opens; a ] right after [ or [^ is a literal
            in_class = True
            j = i + 1 + pattern.startswith("^", i + 1)
            j += pattern.startswith("]", j)
            out.append(pattern[i:j])
            i = j
            continue
        out.append(ch)
        i += 1
    return "".join(out)


def _overlapping(guard: str, pattern: str, *, wide: bool = False) -> re.Pattern[str]:
    """The stdlib form of the `regex` recogniser ``(?=[guard])pattern`` run with overlapped=True.

    A match consumes one character of ``guard`` (a leading class: the engine skips to the next
    such character in C instead of trying the pattern everywhere), then steps back onto it with a
    one-character lookbehind and reads ``pattern`` there in a lookahead, into group 1.  So a
    search from ``pos`` gives group 1 = the match of ``pattern`` at the first position >= ``pos``
    where the guard and the pattern both hold, and a search again from that position + 1 gives
    the next one: exactly the matches, spans and groups of the overlapped `regex` scan, which
    also looks for the next match one position after the start of the last (see
    _Compiled.matches; a loop of searches costs less than finditer here).  A pattern the stdlib
    refuses in a lookbehind (a back reference) is read in a lookahead alone: the same group 1,
    without the quick skip."""
    if not guard:
        return re.compile("(?!)")
    body = _stdlib(pattern, wide=wide)
    try:
        return re.compile(f"[{guard}](?<=(?=({body}))[\\s\\S])")
    except re.error:
        return re.compile(f"(?=[{guard}])(?=({body}))")


def _quick(firsts: str | None, pattern: str, *, wide: bool = False) -> Callable[..., Any]:
    """The search method of a quick pattern (see _Compiled._prefilters); with ``firsts``, every
    character a match of it can start with, in a leading class that skips to them in C and then
    reads the pattern in a lookahead (the same answer: a match or None)."""
    body = _stdlib(pattern, wide=wide)
    if firsts:
        try:
            return re.compile(f"[{firsts}](?<=(?={body})[\\s\\S])").search
        except re.error:  # (a back reference, refused in a lookbehind)
            pass
    return re.compile(body).search


# --- what a match means ------------------------------------------------------------------------


class _Hit(NamedTuple):  # (a named tuple: four times quicker to build than a frozen dataclass)
    """A time expression found: its span, kind and period (first and last day it covers)."""

    start: int
    end: int
    kind: DeadlineKind
    first: dt.date | None = None
    last: dt.date | None = None
    year_assumed: int | None = None

    def deadline(self, text: str, place: Callable[[int, int], tuple[int, int]] | None = None) -> Deadline:
        """The Deadline of this hit in ``text``; its span ``place(start, end)`` where given."""
        kind = self.kind
        start = self.start
        # a pattern's optional tail after \s* may have taken blanks (a clause masked after it): trim them
        written = text[start : self.end]
        trimmed = written.rstrip()
        end = start + len(trimmed)
        # Built without validation (models.construct), every field in declared order and set,
        # as Deadline.model_validate of these values would give: the text a str, the dates
        # datetime.date or None (_Hit's first and last), the kind a DeadlineKind, the span a
        # tuple of two ints (place gives CleanText.span's), year_assumed an int or None.
        return construct(Deadline, {
            "text": trimmed,
            "date": self.last if kind is DeadlineKind.DATE or kind is DeadlineKind.RANGE else None,
            "start": self.first if kind is DeadlineKind.RANGE else None,
            "kind": kind,
            "span": (start, end) if place is None else place(start, end),
            "year_assumed": self.year_assumed,
        })


class _NoDeadline(Exception):
    """The match is not a time expression after all (an impossible date, a year naming a thing)."""


class _Year(NamedTuple):
    """The year a part of an expression refers to, and whether the document's year was used."""

    value: int | None
    assumed: bool


def _resolve_year(match: Any, doc_year: int | None, relative: dict[str, int], group: str = "y") -> _Year:
    written = match.group(group)
    if written:
        value = _number(written)
        if not 1900 <= value <= 2100:
            raise _NoDeadline
        return _Year(value, False)
    rel = match.group("rel") if "rel" in match.re.groupindex else None  # (groupdict builds every group)
    offset = relative.get(rel, 0) if rel else 0
    return _Year(None if doc_year is None else doc_year + offset, True)


# --- compiled rules ----------------------------------------------------------------------------


class _WordGroups:
    """Which of several items (recognisers) a text may hold, each item needing a word of each of
    its groups of words: every (item, group) is a bit, and ``present(text)`` gives the bits of the
    groups with a word in ``text``; item i may match where ``present & needs[i] == needs[i]`` (a
    group holding "" is found anywhere and needs no bit).  Two more bits, in the same pass:
    ``beyond_bmp`` tells whether the text holds a character beyond the BMP (see _stdlib), and
    ``full_width`` whether it holds one that half_width changes."""

    def __init__(self, groups: list[list[list[str]]]) -> None:
        keys = [(i, g) for i, word_groups in enumerate(groups) for g in range(len(word_groups))]
        bit = {key: 1 << n for n, key in enumerate(keys)}
        self.needs = [
            sum(bit[i, g] for g, group in enumerate(word_groups) if "" not in group)
            for i, word_groups in enumerate(groups)
        ]
        # All the words in one pass: at each position it reports the longest word there, and a
        # shorter word there is a prefix of it, so each word found stands for the groups holding
        # it or one of its prefixes.  (One match a position that starts a word: the class is the
        # engine's quick skip, and the lookbehind steps back onto that character to read the
        # longest word there into group 1.)
        # A character beyond the BMP or one that half_width changes that starts no word is
        # reported by itself, as no word.
        words = {word for word_groups in groups for group in word_groups for word in group if word}
        full = _escaped_set(_FULL_WIDTH_CHARS)
        firsts = _escaped_set(*(word[0] for word in words), _FULL_WIDTH_CHARS)
        beyond = "\U00010000-\U0010ffff"
        longest = _alt(words) if words else "(?!)"
        self.findall = re.compile(f"[{firsts}{beyond}](?<=(?=({longest}|[{beyond}{full}]))[\\s\\S])").findall
        self.beyond_bmp = 1 << len(keys)
        self.full_width = 1 << (len(keys) + 1)
        self.satisfies = {
            word: sum(
                bit[i, g]
                for i, word_groups in enumerate(groups)
                for g, group in enumerate(word_groups)
                if any(word.startswith(w) for w in group if w)
            )
            | (self.beyond_bmp if word[0] > "\uffff" else 0)
            | (self.full_width if word[0] in _FULL_WIDTH_CHARS else 0)
            for word in words | set(_FULL_WIDTH_CHARS)
        }

    def present(self, text: str) -> int:
        present = 0
        satisfies, beyond_bmp = self.satisfies.get, self.beyond_bmp
        for word in self.findall(text):  # (a word found twice ors its bits in twice: no set built)
            present |= satisfies(word, beyond_bmp)
        return present


Handler = Callable[[Any, str, "int | None"], "_Hit | None"]
# (search, handler, bits of the required word groups, quick search or None): see _Compiled
_Recogniser = tuple[Callable[..., Any], Handler, int, "Callable[..., Any] | None"]


class _Compiled:
    """The recognisers of one rule file: (pattern, handler) pairs and the negative masks."""

    def __init__(self, rules: DeadlineRules) -> None:
        self.rules = rules
        a, y = rules.affixes, rules.years
        self.relative = dict(y.relative)
        self.year_end_words = dict(y.end_words)
        self.year_parts = dict(rules.year_parts.parts)
        self.month_parts = dict(rules.month_parts.parts)
        self.festivals = {w: dt.date.fromisoformat(f"2000-{md}") for w, md in rules.festivals.days.items()}
        self.start_prefixes = set(a.start_prefixes)
        self.start_suffixes = set(a.start_suffixes)
        self.past_suffixes = set(a.past_suffixes)
        self.whole_plan_words = set(rules.five_year_plans.whole_words)
        self.needing_within = set(rules.durations.units_needing_within)
        # each negative pattern with the words it needs: most texts lack them, and a pass is spared
        # (`in` tests: cheaper here than one pass for all their words, as some are digits), the
        # group a text most likely lacks first (fewer words, then longer ones: 号 before six brackets)
        self.negatives = [
            (regex.compile(p), tuple(sorted(_needed_words(p), key=tightness))) for p in rules.negatives.patterns
        ]
        # Every expression starts with a digit, a numeral or a word of the vocabulary: testing the
        # first character before trying a pattern makes the scan about ten times faster.
        # Each recogniser is guarded by the characters its own matches can start with (a subset of
        # those: a month never starts with 每, a duration never with 到), so that the engine gives up
        # at once at most positions instead of trying the pattern's prefixes there.
        first = self._first_characters()
        starts = self._starting_characters()
        prefilters = self._prefilters()
        # handler name -> (guard characters, pattern): the recognisers as written, which
        # `regex.compile("(?=[" + guard + "])" + pattern)` with overlapped=True would run (kept for
        # the tests, which compare the stdlib form below with that reading)
        self.sources: dict[str, tuple[str, str]] = {}
        recognisers = [
            (handler, pattern, *prefilters.get(handler.__name__, ([], None, None))) for pattern, handler in self._patterns()
        ]
        groups = [word_groups for _, _, word_groups, _, _ in recognisers]
        # A recogniser is skipped where it cannot give a hit: a text lacking every word of one of
        # its required groups (every month point has 月, every range a connector and 月 …), or in
        # which its quick pattern (a part every hit contains, see _prefilters) finds nothing.
        self.required = _WordGroups(groups)
        self.all_need_words = all(self.required.needs)
        # (guard characters, pattern, handler, bits of the groups it needs, quick pattern, the
        # characters it starts with) of each recogniser, for _recognisers
        self.built: list[tuple[str, str, Handler, int, str | None, str | None]] = []
        for i, (handler, pattern, _, quick, quick_firsts) in enumerate(recognisers):
            name = handler.__name__
            chars = "".join(re.escape(ch) for ch in sorted(first & starts[name] if name in starts else first))
            self.sources[name] = (chars, pattern)
            self.built.append((chars, pattern, handler, self.required.needs[i], quick, quick_firsts))
        self.recognisers = self._recognisers(wide=False)
        self._wide: list[_Recogniser] | None = None  # (built at the first text beyond the BMP)
        # bits of the word groups a text holds -> the recognisers to run on it (see _runnable_for)
        self._runnable: dict[int, list[tuple[Callable[..., Any], Handler, Callable[..., Any] | None]]] = {}
        self.bare_year_followers = re.compile(
            _stdlib(rf"[ \t]*(?:$|[，,、：:；;。！？!?\n\t]|{_alt(y.bare_year_followers)})")
        )
        self.bare_year_scope = re.compile(_stdlib(rf"\s*{_alt(y.bare_year_scope_followers)}"))

    def _recognisers(self, *, wide: bool) -> list[_Recogniser]:
        """(search, handler, bits of the groups it needs, quick search or None) of each
        recogniser, for texts within the BMP or (wide) beyond it; see matches."""
        return [
            (
                _overlapping(chars, pattern, wide=wide).search,
                handler,
                needs,
                _quick(quick_firsts, quick, wide=wide) if quick else None,
            )
            for chars, pattern, handler, needs, quick, quick_firsts in self.built
        ]

    def wide_recognisers(self) -> list[_Recogniser]:
        if self._wide is None:
            self._wide = self._recognisers(wide=True)
        return self._wide

    def _runnable_for(self, present: int) -> list[tuple[Callable[..., Any], Handler, Callable[..., Any] | None]]:
        """(search, handler, quick search or None) of each recogniser whose required word groups
        all have a bit in ``present`` (the bits of ``_WordGroups.present``), in recogniser order,
        on the wide engine where ``present`` has the beyond-the-BMP bit.  This depends on the
        rule set and the bits only, not on a text: matches keeps it per bit set (a few dozen
        sets occur; the table is emptied should it ever reach 4096)."""
        recognisers = self.wide_recognisers() if present & self.required.beyond_bmp else self.recognisers
        runnable = [(search, handler, quick) for search, handler, needs, quick in recognisers if present & needs == needs]
        if len(self._runnable) >= 4096:
            self._runnable.clear()
        self._runnable[present] = runnable
        return runnable

    def _prefilters(self) -> dict[str, tuple[list[list[str]], str | None, str | None]]:
        """handler name → (groups of words, quick pattern, the characters a match of the quick
        pattern can start with or None): every match of its pattern that the handler turns into a
        hit contains a word of each group and a match of the quick pattern (see _patterns; what the
        handler rejects without a hit need not pass)."""
        r = self.rules
        a, y = r.affixes, r.years
        year = rf"{_YEAR}\s*年"
        needing = set(r.durations.units_needing_within)
        part_words = [*self.year_parts, r.year_parts.quarter_word]
        return {
            "_month_point": ([["月"]], None, None),
            # a year and a closing word (年 then the word or a blank: 2023年底, 2023年 底), a
            # relative year (今年) or a word alone (年底)
            "_year_end": (
                [
                    [
                        *(f"年{end}" for end in y.end_words),
                        *(f"年{blank}" for blank in _REGEX_SPACES),
                        *y.relative,
                        *y.alone_end_words,
                    ]
                ],
                None,
                None,
            ),
            # a part of a year, or a quarter word right after its number (季度 alone is none: 每季度)
            "_year_part": (
                [part_words],
                rf"{_alt(self.year_parts)}|(?<=[一二三四1-4]){regex.escape(r.year_parts.quarter_word)}",
                _escaped_set(*(word[0] for word in part_words)) if all(part_words) else None,
            ),
            "_bare_year": ([["年"]], None, None),  # (a quick `year` spares too few scans to pay)
            # read from the connector (rarer than a year's first characters, every digit): right
            # before it a year's last character (\d or a numeral), its 年, or a blank of \s*
            "_year_range": (
                [["年"], a.range_connectors],
                rf"(?<=[\d〇零○Ｏ一二三四五六七八九年\s]){_alt(a.range_connectors)}\s*{year}",
                _escaped_set(*(word[0] for word in a.range_connectors)) if all(a.range_connectors) else None,
            ),
            # the handler wants 月 after the first number or (with no day there) a second month, and
            # after the connector (and a year) a month or a day
            "_range": (
                [a.range_connectors, ["月"]],
                rf"{_alt(a.range_connectors)}\s*(?:{year}\s*|{_alt(y.relative)})?(?:{_MONTH}\s*月|{_DAY}\s*[日号])",
                _escaped_set(*(word[0] for word in a.range_connectors if word)),
            ),
            # (the words of a group are looked for at every position that starts one: a group of
            # frequent characters such as 19|20, or 内 and 末 below, costs more than it spares)
            # a separator and the month's first digit (an ASCII one: the month is 1[0-2]|0?[1-9]);
            # a separator alone is in most texts (1. numbering a measure), this pair in few
            "_numeric": (
                [[sep + digit for sep in "./-／" for digit in "0123456789"]],
                r"(?:19|20)\d{2}(?P<sep>[./\-／])(?:1[0-2]|0?[1-9])(?P=sep)(?:3[01]|[12]\d|0?[1-9])",
                None,  # (it opens with 19|20: the engine skips to a 1 or a 2 by itself)
            ),
            "_five_year_plan": ([["十"], ["五"]], None, None),
            "_recurring": ([[*r.recurring.prefixes, *r.recurring.words]], None, None),
            # a count right before a unit, and before a unit that needs it a 内 word (3年内): a hit
            # holds its unit, or a unit that needs a 内 word right before one
            "_duration": (
                [
                    [unit for unit in r.durations.units if unit not in needing]
                    + [unit + within for unit in r.durations.units if unit in needing for within in r.durations.within]
                ],
                # read from the unit back: the character right before the unit ends the count
                # or the blanks after it (a numeral or a digit, or \s), and the engine skips to
                # the units' first characters, rarer than a count's (every digit of a date)
                rf"(?<=[\d半两一二三四五六七八九十百\s])(?:{_alt(set(r.durations.units) - needing)}"
                rf"|{_alt(needing)}{_alt(r.durations.within)})",
                _escaped_set(*(unit[0] for unit in r.durations.units)) if all(r.durations.units) else None,
            ),
            "_open": ([list(r.open_ended.words)], None, None),
            # the festival, its closing quote and 节 if written, and the suffix, all in a row (a
            # festival and a 前 anywhere in a long text would not do)
            "_festival": (
                [
                    [
                        f"{festival}{quote}{day}{suffix}"
                        for festival in self.festivals
                        for quote in ("", "”", '"')
                        for day in ("", "节")
                        for suffix in a.before_suffixes
                    ]
                ],
                None,
                None,
            ),
        }

    def _first_characters(self) -> set[str]:
        r = self.rules
        first = set('0123456789〇零○Ｏ一二两三四五六七八九十半“"「『')
        for words in (
            r.affixes.by_prefixes,
            r.affixes.start_prefixes,
            r.years.relative,
            r.years.alone_end_words,
            r.year_parts.parts,
            r.year_parts.quarter_prefixes,
            r.recurring.prefixes,
            r.recurring.words,
            r.open_ended.words,
            r.festivals.days,
        ):
            first.update(word[0] for word in words)
        return first

    def _starting_characters(self) -> dict[str, set[str]]:
        """handler name → every character a match of its pattern can start with (see _patterns:
        an optional prefix, then the year, month, numeral or word the pattern opens with)."""
        r = self.rules
        a = r.affixes

        def firsts(*groups: Iterable[str]) -> set[str]:
            return {word[0] for words in groups for word in words if word}

        pre = firsts(a.by_prefixes, a.start_prefixes)
        year = set(_YEAR_FIRSTS)
        month = set("0123456789十一二三四五六七八九")  # _MONTH
        rel = firsts(r.years.relative)
        return {
            "_month_point": pre | year | rel | month,
            "_year_end": pre | year | rel | firsts(r.years.alone_end_words),
            "_year_part": pre | year | rel | firsts(self.year_parts, r.year_parts.quarter_prefixes) | set("一二三四1234"),
            "_bare_year": pre | year,
            "_year_range": pre | year,
            "_range": pre | year | month,
            "_numeric": pre | set("12"),
            "_five_year_plan": pre | set('“"「『十'),
            "_recurring": firsts(r.recurring.prefixes, r.recurring.words),
            "_duration": set("0123456789半两一二三四五六七八九十百"),  # _COUNT (the guard allows ASCII digits only)
            "_open": firsts(r.open_ended.words),
            "_festival": pre | year | set('“"') | firsts(self.festivals),
        }

    def _patterns(self) -> list[tuple[str, Handler]]:
        """(pattern, handler) of every recogniser; the handler reads what the pattern matched."""
        r = self.rules
        a, y, plan, recurring, durations = r.affixes, r.years, r.five_year_plans, r.recurring, r.durations
        pre = rf"(?P<pre>{_alt([*a.by_prefixes, *a.start_prefixes])})?"
        suf = rf"(?P<suf>{_alt([*a.before_suffixes, *a.start_suffixes, *a.past_suffixes])}(?!后))?"
        year = rf"(?<![\d.])(?P<y>{_YEAR})\s*年"
        rel = rf"(?P<rel>{_alt(y.relative)})"
        year_or_rel = rf"(?:{year}\s*|{rel})"
        no_numeral_before = r"(?<![\d.〇零一二两三四五六七八九十半])"
        quarter = rf"(?:{_alt(r.year_parts.quarter_prefixes)})?(?P<q>[一二三四1-4]){regex.escape(r.year_parts.quarter_word)}"
        conn = rf"\s*(?:{_alt(a.range_connectors)})\s*"
        day_or_part = rf"(?:(?P<d>{_DAY})\s*[日号]|(?P<mp>{_alt(self.month_parts)}))"
        return [
            # 2023年6月30日, 6月底前, 今年6月, 自7月开始
            (
                rf"{pre}(?:{year_or_rel}|(?<![\d.〇零一二三四五六七八九十]))(?P<m>{_MONTH})\s*月(?:份)?{day_or_part}?{suf}",
                self._month_point,
            ),
            # 2023年底, 2023年年底前, 年底前, 今年, 年内
            (
                rf"{pre}(?:{year}\s*(?P<part>{_alt(y.end_words)})|{rel}\s*(?P<part2>{_alt([*y.end_words, *y.alone_end_words])})?"
                rf"|{no_numeral_before}(?P<alone>{_alt(y.alone_end_words)})){suf}",
                self._year_end,
            ),
            # 上半年, 2023年第三季度, 三季度末, 今年冬季
            (
                rf"{pre}(?:{year_or_rel}|{no_numeral_before})(?:(?P<yp>{_alt(self.year_parts)})|{quarter})"
                rf"(?:{_alt(r.year_parts.end_words)})?{suf}",
                self._year_part,
            ),
            # 到2020年, 2020年，完成…
            (rf"{pre}{year}{suf}", self._bare_year),
            # 2018-2020年, 2021年至2023年6月
            (
                rf"{pre}(?<![\d.])(?P<y>{_YEAR})\s*年?{conn}(?P<y2>{_YEAR})\s*年(?:\s*(?P<m2>{_MONTH})\s*月)?"
                rf"(?:{_alt(y.end_words)})?(?:{_alt(a.range_tails)})?",
                self._year_range,
            ),
            # 2019年6月至2020年9月, 3月至6月, 2023年3月1日至31日, 2023年3—6月, 11月至次年3月
            (
                rf"{pre}(?:(?<![\d.])(?P<y>{_YEAR})\s*年\s*)?(?<![\d.])(?P<m>{_MONTH})\s*(?P<mu>月)?(?:份)?\s*(?:(?P<d>{_DAY})\s*[日号])?\s*"
                rf"{conn}(?:(?P<y2>{_YEAR})\s*年\s*|(?P<rel2>{_alt(y.relative)}))?(?:(?P<m2>{_MONTH})\s*月(?:份)?\s*)?"
                rf"(?:(?P<d2>{_DAY})\s*[日号])?(?P<mp2>{_alt(self.month_parts)})?(?:{_alt(a.range_tails)}|{_alt(a.before_suffixes)})?",
                self._range,
            ),
            # 2023.6.30, 2023-06-30, 2023/6/30
            (
                rf"{pre}(?<![\d.])(?P<y>(?:19|20)\d{{2}})(?P<sep>[./\-／])(?P<m>1[0-2]|0?[1-9])(?P=sep)(?P<d>3[01]|[12]\d|0?[1-9])"
                rf"(?!\d)(?!\.\d){suf}",
                self._numeric,
            ),
            # “十四五”期间, 十四五末
            (
                rf"{pre}[“\"「『]?十(?P<k>[一二三四五六七八九])五[”\"」』]?(?:规划)?(?P<part>{_alt([*plan.whole_words, *plan.end_words])}){suf}",
                self._five_year_plan,
            ),
            # 每月28日前, 每季度, 每两周, 按月
            (
                rf"(?:{_alt(recurring.prefixes)}(?:[两二三四五六七八九十]|\d+)?个?{_alt(recurring.periods)}"
                rf"(?:(?:第[一二三四1-4]个月|首月|末月)?的?(?:{_MONTH}\s*月(?:份)?)?(?:{_DAY}\s*[日号]|月?{_alt(self.month_parts)})?"
                rf"(?:{_alt(a.before_suffixes)})?)?|{_alt(recurring.words)})",
                self._recurring,
            ),
            # 30分钟内, 1.5个工作日, 24小时, 3年内 (never 第三天, 上半年)
            (
                rf"(?<![\d.第〇零一二两三四五六七八九十百上下])(?P<n>{_COUNT})\s*(?P<u>{_alt(durations.units)})(?!年)"
                rf"(?P<w>{_alt(durations.within)})?",
                self._duration,
            ),
            # 长期坚持, 持续推进, 常态化
            (rf"{_alt(r.open_ended.words)}(?!{_alt(r.open_ended.not_followed_by)})", self._open),
            # 国庆节前 (never 国庆前后)
            (
                rf"{pre}(?:{year}\s*)?[“\"]?(?P<f>{_alt(self.festivals)})[”\"]?(?:节)?(?P<suf>{_alt(a.before_suffixes)})(?!后)",
                self._festival,
            ),
        ]

    # -- period helpers -------------------------------------------------------------------------

    def _finish(
        self,
        match: Any,
        kind: DeadlineKind,
        first: dt.date | None,
        last: dt.date | None,
        assumed: bool,
        doc_year: int | None,
    ) -> _Hit | None:
        """A hit for ``match``, turned into an open range by 自…/…起, dropped by …以来."""
        names = match.re.groupindex  # not every pattern has both groups; groupdict builds every group
        suffix = match.group("suf") if "suf" in names else None
        prefix = match.group("pre") if "pre" in names else None
        if suffix in self.past_suffixes:
            return None
        if kind is DeadlineKind.DATE and (suffix in self.start_suffixes or prefix in self.start_prefixes):
            kind, last = DeadlineKind.RANGE, None
        start, end = match.span(1)
        return _Hit(start, end, kind, first, last, doc_year if assumed else None)

    # -- handlers: one per recogniser ---------------------------------------------------------

    def _month_point(self, match: Any, text: str, doc_year: int | None) -> _Hit | None:
        month_text = match.group("m")
        if not month_text.isascii() and not (
            match.group("y") or match.group("d") or match.group("mp") or match.group("suf")
        ):
            return None  # a lone 三月 in Chinese needs a year, a day or a part to be a date
        year = _resolve_year(match, doc_year, self.relative)
        month = _number(month_text)
        if year.value is None:
            return self._finish(match, DeadlineKind.DATE, None, None, True, doc_year)
        if match.group("d"):
            day = _number(match.group("d"))
            if day > _last_day(year.value, month):
                raise _NoDeadline
            first = last = dt.date(year.value, month, day)
        else:
            low, high = self.month_parts.get(match.group("mp") or "", (1, 31))
            first, last = _month_date(year.value, month, low), _month_date(year.value, month, high)
        return self._finish(match, DeadlineKind.DATE, first, last, year.assumed, doc_year)

    def _year_end(self, match: Any, text: str, doc_year: int | None) -> _Hit | None:
        year = _resolve_year(match, doc_year, self.relative)
        if year.value is None:
            return self._finish(match, DeadlineKind.DATE, None, None, True, doc_year)
        closing = match.group("part") or match.group("part2") or match.group("alone")
        first_month = self.year_end_words.get(closing, 12) if closing else 1  # 年内/今年: the whole year
        return self._finish(
            match,
            DeadlineKind.DATE,
            dt.date(year.value, first_month, 1),
            dt.date(year.value, 12, 31),
            year.assumed,
            doc_year,
        )

    def _year_part(self, match: Any, text: str, doc_year: int | None) -> _Hit | None:
        year = _resolve_year(match, doc_year, self.relative)
        if match.group("q"):
            quarter = _number(match.group("q"))
            first_month, last_month = 3 * quarter - 2, 3 * quarter
        else:
            first_month, last_month = self.year_parts[match.group("yp")]
        if year.value is None:
            return self._finish(match, DeadlineKind.DATE, None, None, True, doc_year)
        first = _month_date(year.value, first_month, 1)
        last = _month_date(year.value, last_month, 31)
        return self._finish(match, DeadlineKind.DATE, first, last, year.assumed, doc_year)

    def _bare_year(self, match: Any, text: str, doc_year: int | None) -> _Hit | None:
        if not (match.group("pre") or match.group("suf") or self._reads_as_deadline(match, text)):
            return None
        year = _resolve_year(match, doc_year, self.relative)
        assert year.value is not None
        return self._finish(
            match, DeadlineKind.DATE, dt.date(year.value, 1, 1), dt.date(year.value, 12, 31), False, doc_year
        )

    def _reads_as_deadline(self, match: Any, text: str) -> bool:
        """Is a bare ``2020年`` here a deadline (see ``years`` in the rule file)?"""
        end = match.end(1)
        if self.bare_year_followers.match(text, end):
            return True
        start = match.start(1)
        while start and text[start - 1] in " \t":
            start -= 1
        opens_clause = not start or text[start - 1] in "，,。；;：:、（(\n\t"
        return opens_clause and bool(self.bare_year_scope.match(text, end))

    def _year_range(self, match: Any, text: str, doc_year: int | None) -> _Hit | None:
        first_year = _resolve_year(match, doc_year, self.relative)
        last_year = _resolve_year(match, doc_year, self.relative, "y2")
        assert first_year.value is not None and last_year.value is not None
        if last_year.value < first_year.value:
            raise _NoDeadline
        last_month = _number(match.group("m2")) if match.group("m2") else 12
        first = dt.date(first_year.value, 1, 1)
        last = _month_date(last_year.value, last_month, 31)
        return self._finish(match, DeadlineKind.RANGE, first, last, False, doc_year)

    def _range(self, match: Any, text: str, doc_year: int | None) -> _Hit | None:
        if not (match.group("m2") or match.group("d2")):
            return None
        if not match.group("mu") and (match.group("d") or not match.group("m2")):
            return None  # "3-15日": a number before the connector must be a month (3—6月)
        y1, y2 = match.group("y"), match.group("y2")
        first_year = _number(y1) if y1 else None
        last_year = _number(y2) if y2 else first_year
        first_year = first_year if first_year is not None else last_year
        assumed = first_year is None
        if assumed:
            first_year = last_year = doc_year
        if match.group("rel2") and first_year is not None:  # 11月至次年3月: relative to the start
            last_year = first_year + self.relative[match.group("rel2")]
            y2 = match.group("rel2")
        if first_year is None or last_year is None:
            return _Hit(match.start(1), match.end(1), DeadlineKind.RANGE, None, None, None)
        if not (1900 <= first_year <= 2100 and 1900 <= last_year <= 2100):
            raise _NoDeadline
        first_month = _number(match.group("m"))
        last_month = _number(match.group("m2")) if match.group("m2") else first_month
        if match.group("d"):
            day = _number(match.group("d"))
            if day > _last_day(first_year, first_month):
                raise _NoDeadline
            first = dt.date(first_year, first_month, day)
        else:
            first = dt.date(first_year, first_month, 1)
        if match.group("d2"):
            day2 = _number(match.group("d2"))
            if day2 > _last_day(last_year, last_month):
                raise _NoDeadline
            last = dt.date(last_year, last_month, day2)
        else:
            high = self.month_parts.get(match.group("mp2") or "", (1, 31))[1]
            last = _month_date(last_year, last_month, high)
        if last < first:
            if not (assumed or not y2):
                raise _NoDeadline
            last = _month_date(last.year + 1, last.month, last.day)  # 11月至次年2月 written without years
        return _Hit(
            match.start(1), match.end(1), DeadlineKind.RANGE, first, last, doc_year if assumed else None
        )

    def _numeric(self, match: Any, text: str, doc_year: int | None) -> _Hit | None:
        year, month, day = (int(match.group(g)) for g in ("y", "m", "d"))
        if day > _last_day(year, month):
            raise _NoDeadline
        when = dt.date(year, month, day)
        return self._finish(match, DeadlineKind.DATE, when, when, False, doc_year)

    def _five_year_plan(self, match: Any, text: str, doc_year: int | None) -> _Hit | None:
        anchor = self.rules.five_year_plans.anchor
        ordinal = _number("十" + match.group("k"))
        first_year = anchor.start + 5 * (ordinal - anchor.ordinal)
        first, last = dt.date(first_year, 1, 1), dt.date(first_year + 4, 12, 31)
        kind = DeadlineKind.RANGE if match.group("part") in self.whole_plan_words else DeadlineKind.DATE
        return self._finish(match, kind, first, last, False, doc_year)

    def _recurring(self, match: Any, text: str, doc_year: int | None) -> _Hit | None:
        return _Hit(match.start(1), match.end(1), DeadlineKind.RECURRING)

    def _duration(self, match: Any, text: str, doc_year: int | None) -> _Hit | None:
        if match.group("u") in self.needing_within and not match.group("w"):
            return None
        count = match.group("n")
        if count != "半" and not count[0].isdigit():
            _number(count)  # raises ValueError on a run of numerals that is no number (一二三)
        return _Hit(match.start(1), match.end(1), DeadlineKind.DURATION)

    def _open(self, match: Any, text: str, doc_year: int | None) -> _Hit | None:
        return _Hit(match.start(1), match.end(1), DeadlineKind.OPEN)

    def _festival(self, match: Any, text: str, doc_year: int | None) -> _Hit | None:
        year = _resolve_year(match, doc_year, self.relative)
        if year.value is None:
            return self._finish(match, DeadlineKind.DATE, None, None, True, doc_year)
        festival = self.festivals[match.group("f")]
        when = festival.replace(year=year.value) - dt.timedelta(days=1)
        return self._finish(match, DeadlineKind.DATE, when, when, year.assumed, doc_year)

    # -- scanning -------------------------------------------------------------------------------

    def masked(self, text: str) -> list[tuple[int, int]]:
        spans: list[tuple[int, int]] = []
        for pattern, needs in self.negatives:
            for group in needs:
                for word in group:
                    if word in text:
                        break
                else:
                    break  # no word of this group: no match
            else:
                spans.extend(m.span() for m in pattern.finditer(text) if m.end() > m.start())
        return spans

    def matches(self, text: str, present: int | None = None) -> list[tuple[int, int, Any, Handler]]:
        """(start, end, match, handler) of every non-empty match of every recogniser that may give
        a hit in ``text``: recogniser by recogniser, each in order of position.  ``present``:
        ``self.required.present(text)`` where known already."""
        if present is None:
            present = self.required.present(text)
        if not present and self.all_need_words:
            return []
        found: list[tuple[int, int, Any, Handler]] = []
        runnable = self._runnable.get(present)
        if runnable is None:
            runnable = self._runnable_for(present)
        for search, handler, quick in runnable:
            if quick is not None and quick(text) is None:
                continue
            # every match, overlapping ones too (see _overlapping): group 1 is the match
            match = search(text)
            while match is not None:
                start, end = match.span(1)
                if end != start:
                    found.append((start, end, match, handler))
                match = search(text, start + 1)
        return found


def _compiled(rules: DeadlineRules) -> _Compiled:
    last = _LAST_COMPILED[0]
    if last is not None and last[0] is rules:  # (one pipeline uses one rule set: no key to build)
        return last[1]
    found: _Compiled = compiled(rules, _Compiled)
    _LAST_COMPILED[0] = (rules, found)
    return found


# the rule set last compiled and its recognisers (one entry, kept alive by `compiled` anyway)
_LAST_COMPILED: list[tuple[DeadlineRules, _Compiled] | None] = [None]


def deadline_rules() -> DeadlineRules:
    """The default deadline rules (``rules/deadlines.yaml``)."""
    return default_rules()["deadlines"]


def _scan(text: str, year: int | None, rules: DeadlineRules | None) -> list[_Hit]:
    """Every time expression of ``text``: longest first, never overlapping, then in order.

    The matches are ranked before their handlers run: a match overlapping one taken already is
    never taken, whatever its handler would say, so only the matches that can still be taken
    are read (the same choice as reading every match and ranking the hits: a match whose handler
    gives no hit takes no room either way)."""
    c = _compiled(rules or deadline_rules())
    # text = half_width(text), and the bits of the words it holds: one pass where the text holds
    # no character that half_width changes (the pass says so by a bit), as most texts
    present = c.required.present(text)
    if present & c.required.full_width:
        text = half_width(text)
        present = c.required.present(text)
    else:
        _LAST_HALF_WIDTH[0] = (text, text)  # (half_width's answer, for find_targets reading this text next)
    found = c.matches(text, present)
    if not found:
        return []  # no need for the negative patterns
    spans = c.masked(text)
    if spans:
        masked = bytearray(len(text))  # 1 where a negative pattern matched
        for start, end in spans:
            masked[start:end] = b"\x01" * (end - start)
        found = [f for f in found if masked.find(1, f[0], f[1]) < 0]
    if len(found) > 1:
        found.sort(key=_longest_first)  # (stable: equal spans stay in recogniser order)
    taken = bytearray(len(text))  # 1 where a chosen expression stands
    chosen: list[_Hit] = []
    for start, end, match, handler in found:
        if taken.find(1, start, end) >= 0:
            continue
        try:
            hit = handler(match, text, year)
        except (_NoDeadline, ValueError, OverflowError):
            continue  # not a time expression after all
        if hit is not None:
            taken[start:end] = b"\x01" * (end - start)
            chosen.append(hit)
    if len(chosen) > 1:
        chosen.sort(key=_hit_start)
    return chosen


def _longest_first(found: tuple[int, int, Any, Handler]) -> tuple[int, int]:
    return found[0] - found[1], found[0]


def _hit_start(hit: _Hit) -> int:
    return hit.start


# --- public API --------------------------------------------------------------------------------


def find_deadlines(
    text: str,
    *,
    year: int | None,
    rules: DeadlineRules | None = None,
    place: Callable[[int, int], tuple[int, int]] | None = None,
) -> list[Deadline]:
    """Every time expression in ``text``, in order, spans relative to ``text``.

    ``year`` is the document's year, used (and recorded as ``year_assumed``) where an expression
    leaves the year out; with ``year`` None such an expression keeps its kind and gets no date.
    ``place`` maps each span to the one the Deadline records (a task's text placed in its
    document): ``copied(d, {"span": place(*d.span)})`` of each Deadline, built once.
    """
    hits = _hits(text, year, rules or deadline_rules())
    return [hit.deadline(text, place) for hit in hits]


def _hits(text: str, year: int | None, rules: DeadlineRules) -> tuple[_Hit, ...]:
    """``_scan(text, year, rules)``, or its last answer where that was for this very text."""
    last = _LAST_FOUND[0]
    if last is not None and last[0] is rules and last[1] == year and last[2] == text:
        return last[3]
    hits = tuple(_scan(text, year, rules))
    _LAST_FOUND[0] = (rules, year, text, hits)
    return hits


# The last answer of _scan for find_deadlines and time_spans: a task's text is scanned for its
# deadlines and then, right after, again by find_targets for the deadlines its targets carry;
# one entry, so it never grows.
_LAST_FOUND: list[tuple[DeadlineRules, int | None, str, tuple[_Hit, ...]] | None] = [None]


class TimeSpan(NamedTuple):
    """Where a time expression stands and the date it gives: the ``span`` of a Deadline of
    ``find_deadlines``, and its ``date`` where its kind is DATE or RANGE (else None)."""

    start: int
    end: int
    date: dt.date | None


def time_spans(text: str, *, year: int | None, rules: DeadlineRules | None = None) -> list[TimeSpan]:
    """(span, date) of each deadline ``find_deadlines(text, year=year, rules=rules)`` gives, in
    the same order, without building the Deadline models (the span and the date are all that
    ``find_targets`` reads of them).  Where ``find_deadlines`` has just read this very text (a
    task's text, scanned by the task stage right before its targets), its answer is reused.

    The same values as ``find_deadlines``: the same ``_scan``; the span ends where
    ``_Hit.deadline`` trims it (blanks at the end dropped), and the date is ``_Hit.deadline``'s
    (the last day for DATE and RANGE, no date for the other kinds)."""
    spans: list[TimeSpan] = []
    for hit in _hits(text, year, rules or deadline_rules()):
        start, end = hit.start, hit.end
        # (as _Hit.deadline: the end before any blanks a pattern's optional tail took)
        end = start + len(text[start:end].rstrip())
        spans.append(TimeSpan(start, end, hit.last if hit.kind in _DATED else None))
    return spans


_DATED = (DeadlineKind.DATE, DeadlineKind.RANGE)


# (wide: a cell is matched once, and its \d may meet any digit)
_BARE_YEAR_MONTH = re.compile(_stdlib(r"((?:19|20)\d{2})(?:\s*[./\-]\s*(1[0-2]|0?[1-9]))?", wide=True))


def parse_deadline(expr: str, *, year: int | None, rules: DeadlineRules | None = None) -> Deadline | None:
    """The deadline one whole string states (a 完成时限 cell: 2023年底, 6月底前, 长期坚持).

    A lone year (2023) is that year's end, a lone 2023.6 that month's.  Where the string holds several expressions
    (6月底前完成方案，12月底前完成改造) the latest dated one is the deadline; with none dated,
    the first expression.  None when the string holds no time expression.
    """
    stripped = expr.strip()
    bare = _BARE_YEAR_MONTH.fullmatch(half_width(stripped))
    if bare:  # a cell holding only 2023 or 2023.12: numbers that elsewhere could be anything
        offset = expr.index(stripped)
        year_written, month = int(bare.group(1)), int(bare.group(2) or 12)
        end = _month_date(year_written, month, 31)
        return Deadline(
            text=stripped, date=end, kind=DeadlineKind.DATE, span=(offset, offset + len(stripped))
        )
    found = find_deadlines(expr, year=year, rules=rules)
    dated = [d for d in found if d.date is not None]
    if dated:
        return max(dated, key=lambda d: d.date or dt.date.min)
    return found[0] if found else None


def parse_period(
    text: str, *, year: int | None, rules: DeadlineRules | None = None
) -> tuple[dt.date | None, dt.date | None] | None:
    """The period the first date or range of ``text`` covers, for plan phases.

    ``2019年6月至2020年9月`` → (2019-06-01, 2020-09-30); ``2023年4月`` → (2023-04-01, 2023-04-30);
    ``2020年12月以后`` → (2020-12-01, None).  None when ``text`` has no date or range.
    """
    for hit in _scan(text, year, rules):
        if hit.kind in (DeadlineKind.DATE, DeadlineKind.RANGE):
            return hit.first, hit.last
    return None
