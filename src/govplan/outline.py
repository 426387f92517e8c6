"""outline: CleanText → sections.

Finds the numbered headings of the body (一、 （一） 1. （1） ① 第X章 第X条 and their half-width
and 、/． variants), headings that run into their text ("（一）加强组织领导。加强……"), and gives
each its level by order of appearance in this document, its number, title and path.  A heading
must start a line, carry a title with Chinese text, and continue its sibling sequence (a "3."
after "1." at the same level is taken, a stray "7." inside a list of 1–3 is not).
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass
from typing import Any, NamedTuple

import regex

from .document import CleanText
from .models import Section, construct
from .ruleset import RuleFile, RuleSet, compiled, default_rules, stdlib_tree


class HeadingStyle(RuleFile):
    name: str
    pattern: str
    number: str = "{num}"


class OutlineExample(RuleFile):
    input: str
    style: str | None
    number: str | None = None
    title: str | None = None


class OutlineRules(RuleFile):
    styles: list[HeadingStyle]
    title_stops: list[str] = ["。"]
    title_max_chars: int = 40
    title_min_han: int = 2
    not_after_number: str = r"^\d"
    examples: list[OutlineExample] = []


class HeadingMatch(NamedTuple):  # (a tuple: built several times faster than a frozen dataclass)
    style: str
    num: str  # the numeral as printed
    number: str  # formatted for output ("一", "1", "第一章")
    marker_end: int  # offset in the line where the title starts
    title: str
    title_end: int  # offset in the line where the title ends


@dataclass(frozen=True, slots=True)
class Heading:
    """A section plus where it sits in the cleaned text."""

    section: Section
    style: str
    start: int  # cleaned offset of the heading line
    title_end: int  # cleaned offset where the title ends (the body may go on in the same line)
    end: int  # cleaned offset where the section (with its subsections) ends
    own_end: int  # cleaned offset where its own text ends (the first child heading, if any)


_GROUP_SENSITIVE = regex.compile(r"\\[1-9g]|\(\?P=|\(\?[a-zA-Z]+[:)]|\(\?\(|\(\?[0-9R&+-]")


class _Compiled:
    def __init__(self, rules: OutlineRules) -> None:
        self.styles = [(s, regex.compile(s.pattern)) for s in rules.styles]
        self.any_start = regex.compile("|".join(f"(?:{s.pattern})" for s in rules.styles))
        # one match to turn down most lines at once, which also tells the first style that
        # matches: an alternation tries its branches in order at the start of the line, as the
        # loop over the styles does, and each branch is wrapped in a group of its own.  Not where
        # the alternation could change a pattern (numbered groups, inline flags): then every
        # style is tried in turn, as before
        names = [f"_style_{i}_" for i in range(len(rules.styles))]
        self.prefilter = None if any(_GROUP_SENSITIVE.search(s.pattern) for s in rules.styles) else regex.compile(
            "|".join(f"(?P<{name}>{s.pattern})" for name, s in zip(names, rules.styles, strict=True))
        )
        # the group number of each style's branch
        self.branches = [self.prefilter.groupindex[name] for name in names] if self.prefilter is not None else []
        # the characters a heading can start with (most lines start with none: no regex call)
        self.start = StartTest([s.pattern for s in rules.styles])
        # the characters each style can start with (None: unknown for some style), and for each
        # character met, the styles that can start with it, in order
        firsts = [first_class([s.pattern]) for s in rules.styles]
        self.style_firsts = firsts if all(f is not None for f in firsts) else None
        self.styles_of: dict[str, tuple[int, ...]] = {}
        self.patterns = [pattern for _, pattern in self.styles]
        # lines that heading() turns down at once, by their first character ("" for an empty
        # line); empty where style_firsts is unknown (outline() then calls heading() for all)
        self.no_start: set[str] = {""} if self.style_firsts is not None else set()
        self.not_after = regex.compile(rules.not_after_number)
        self.not_after_start = StartTest([rules.not_after_number])  # (most titles start otherwise)
        # a title with at least title_min_han Han characters (one search, not a list of them all)
        n = rules.title_min_han
        self.enough_han = regex.compile(r"\p{Han}(?:[^\p{Han}]*\p{Han}){" + str(n - 1) + "}") if n > 0 else None
        self.rules = rules
        self.title_stops = list(rules.title_stops)
        self.title_max_chars = rules.title_max_chars
        # too_little_han's quick test: the title opens with title_min_han characters of 一-龥
        self.han_opening = re.compile("[\u4e00-\u9fa5]{" + str(n) + "}") if n > 0 else None

    def heading(self, line: str) -> HeadingMatch | None:
        """The heading at the start of ``line`` (``match_heading``).  The styles are tried in
        order and the first one matching decides, as in the prefilter's alternation: only those
        that can start with the line's first character need trying (mostly none, or one)."""
        if self.style_firsts is not None:
            if not line:
                return None  # (no style matches the empty string: each has first characters)
            candidates = self.styles_of.get(line[0])
            if candidates is None:
                ch = line[0]
                candidates = tuple(i for i, first in enumerate(self.style_firsts) if first.match(ch))
                self.styles_of[ch] = candidates
                if not candidates:
                    self.no_start.add(ch)
            for i in candidates:
                m = self.patterns[i].match(line)
                if m is not None:
                    # _match_heading(line, self, i, m) returns from its first turn, with m
                    return _heading_of(line, self, self.styles[i][0], m)
            return None
        if not self.start.may_start(line):
            return None
        if self.prefilter is None:
            return _match_heading(line, self, 0)
        first = self.prefilter.match(line)
        return None if first is None else _match_heading(line, self, _first_style(first, self))

    def too_little_han(self, title: str) -> bool:
        """Has ``title`` fewer than title_min_han Han characters?"""
        if self.enough_han is None:
            return False
        if self.han_opening is not None and self.han_opening.match(title):
            return False  # it opens with enough of them (一-龥: the first CJK block, Han throughout)
        return self.enough_han.search(title) is None


def _compiled(rules: OutlineRules) -> _Compiled:
    return compiled(rules, _Compiled)


def heading_start_pattern(rules: OutlineRules) -> Any:
    """One compiled pattern matching any heading marker at the start of a string."""
    return _compiled(rules).any_start


def heading_lines(rules: OutlineRules) -> Any:
    """What tells a line opening with a heading marker: ``.any_start`` (one compiled pattern
    matching any marker at the start of a string) and ``.start.may_start(line)``, False where no
    marker can start with the line's first character (then any_start cannot match)."""
    return _compiled(rules)


# --- the characters a match can start with ------------------------------------------------------

_CATEGORY_CLASS = {
    "CATEGORY_DIGIT": r"\d", "CATEGORY_NOT_DIGIT": r"\D", "CATEGORY_SPACE": r"\s",
    "CATEGORY_NOT_SPACE": r"\S", "CATEGORY_WORD": r"\w", "CATEGORY_NOT_WORD": r"\W",
}


class _Unknown(Exception):
    """A construct whose first characters are not worked out."""


def first_class(patterns: list[str]) -> Any:
    """A compiled ``regex`` pattern matching each character that a match of one of ``patterns``
    (tried at the start of a string with match()) can begin with, or None when that cannot be told
    (a pattern can match the empty string, or uses syntax not read here).  A string whose first
    character it does not match has no match: a prefilter that needs no regex call per string.

    Read from the tree of the standard library's parser (private, so every failure means None);
    each first character becomes a class in ``regex`` syntax (\\p{Han} and \\d kept as written, so
    they mean what they mean in the pattern).  Zero-width items (^, lookarounds) are skipped: that
    only lets more characters through."""
    atoms: list[str] = []
    for pattern in patterns:
        found = _first_of(pattern)
        if found is None:
            return None
        atoms.extend(found)
    return regex.compile("|".join(dict.fromkeys(atoms))) if atoms else None


def _first_of(pattern: str) -> list[str] | None:
    parsed = _parse(pattern)
    if parsed is None:
        return None
    items, ops, originals = parsed
    try:
        atoms, nullable = _first_atoms(items, ops, originals)
    except Exception:  # _Unknown, a parser of another shape
        return None
    return None if nullable or not atoms else atoms


def _parse(pattern: str) -> tuple[list[Any], Any, dict[str, str]] | None:
    """The items of ``pattern`` as the standard library's parser reads them, its opcodes, and the
    private-use characters standing for its \\p{…} classes; None where that reading could differ
    from ``regex``'s (flags, fuzzy matching, POSIX classes, a warning) or fails."""
    originals: dict[str, str] = {}

    def placeholder(m: Any) -> str:  # \p{Han} -> a private-use character standing for it
        ch = chr(0xF0000 + len(originals))
        originals[ch] = m.group()
        return ch

    if any(ord(ch) >= 0xF0000 for ch in pattern):  # the placeholders' own range
        return None
    parsed = stdlib_tree(pattern, placeholder)
    return None if parsed is None else (*parsed, originals)


def needed_suffix(pattern: str) -> str:
    """Text that every string holding a match of ``pattern`` ends with, or ends with followed by
    one newline ($ also matches before a last newline); "" when none is known.  Read as
    ``first_class`` reads: the literal characters right before a closing $ (at the top level or
    at the end of groups that close there)."""
    parsed = _parse(pattern)
    if parsed is None:
        return ""
    items, ops, originals = parsed
    if not items or items[-1] != (ops.AT, ops.AT_END):
        return ""
    suffix: list[str] = []
    items = items[:-1]
    while items:
        op, arg = items[-1]
        if op is ops.LITERAL and chr(arg) not in originals:
            suffix.append(chr(arg))
            items = items[:-1]
        elif op is ops.SUBPATTERN and not arg[1] and not arg[2]:
            items = list(arg[3])  # the group ends where the pattern does: its end goes on
        else:
            break
    return "".join(reversed(suffix))


def _char(code: int, originals: dict[str, str]) -> str:
    ch = chr(code)
    return originals.get(ch) or regex.escape(ch)


def _class_atom(items: Any, ops: Any, originals: dict[str, str]) -> str:
    parts = []
    for op, arg in items:
        if op is ops.NEGATE:
            parts.append("^")
        elif op is ops.LITERAL:
            parts.append(_char(arg, originals))
        elif op is ops.RANGE:
            lo, hi = chr(arg[0]), chr(arg[1])
            if lo in originals or hi in originals:
                raise _Unknown
            parts.append(f"{regex.escape(lo)}-{regex.escape(hi)}")
        elif op is ops.CATEGORY and str(arg) in _CATEGORY_CLASS:
            parts.append(_CATEGORY_CLASS[str(arg)])
        else:
            raise _Unknown
    if parts and parts[0] == "^" and len(parts) == 1:
        raise _Unknown
    return "[" + "".join(parts) + "]"


def _first_atoms(items: list[Any], ops: Any, originals: dict[str, str]) -> tuple[list[str], bool]:
    """The classes of the first character of a match of ``items`` in sequence, and whether the
    sequence can match the empty string (then what follows it can start the match too)."""
    atoms: list[str] = []
    for op, arg in items:
        if op in (ops.AT, ops.ASSERT, ops.ASSERT_NOT):
            continue  # zero width
        if op is ops.LITERAL:
            atoms.append(_char(arg, originals))
            return atoms, False
        if op is ops.NOT_LITERAL:
            if chr(arg) in originals:
                raise _Unknown
            atoms.append(f"[^{regex.escape(chr(arg))}]")
            return atoms, False
        if op is ops.ANY:
            atoms.append(".")  # (no flags: not a newline, as in the pattern)
            return atoms, False
        if op is ops.IN:
            atoms.append(_class_atom(arg, ops, originals))
            return atoms, False
        if op is ops.SUBPATTERN:
            _, add_flags, del_flags, inner = arg
            if add_flags or del_flags:
                raise _Unknown
            sub, nullable = _first_atoms(list(inner), ops, originals)
        elif op is ops.ATOMIC_GROUP:
            sub, nullable = _first_atoms(list(arg), ops, originals)
        elif op is ops.BRANCH:
            sub, nullable = [], False
            for branch in arg[1]:
                branch_atoms, branch_nullable = _first_atoms(list(branch), ops, originals)
                sub.extend(branch_atoms)
                nullable = nullable or branch_nullable
        elif op in (ops.MAX_REPEAT, ops.MIN_REPEAT, ops.POSSESSIVE_REPEAT):
            low, high, inner = arg
            if high == 0:
                continue
            sub, nullable = _first_atoms(list(inner), ops, originals)
            nullable = nullable or low == 0
        else:
            raise _Unknown  # back references, conditionals …
        atoms.extend(sub)
        if not nullable:
            return atoms, False
    return atoms, True


class StartTest:
    """Can a match of a pattern (tried with match()) start a string?  False when the string's first
    character is not one a match can begin with; True when unsure.  The answer for a character is
    kept (one regex call for each character the process meets first, a dict look-up after)."""

    __slots__ = ("first", "seen")

    def __init__(self, patterns: list[str]) -> None:
        self.first = first_class(patterns)
        self.seen: dict[str, bool] = {}

    def may_start(self, text: str) -> bool:
        if self.first is None:
            return True
        if not text:
            return False  # (a pattern that can match the empty string has no first class)
        ch = text[0]
        ok = self.seen.get(ch)
        if ok is None:
            ok = self.seen[ch] = self.first.match(ch) is not None
        return ok


_CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"
_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}


def _numeral_value(num: str) -> int | None:
    """The value of numeral ``num`` (None: not read).  The numerals headings mostly carry are
    looked up in ``_NUMERAL_VALUES``, the values this function gives them (built at import)."""
    value = _NUMERAL_VALUES.get(num)
    if value is not None:
        return value
    return _numeral_value_read(num)


def _numeral_value_read(num: str) -> int | None:
    if num in _CIRCLED:
        return _CIRCLED.index(num) + 1
    if num.isascii() and num.isdigit():
        return int(num)
    digits = _DIGITS
    if num == "十":
        return 10
    if "百" in num:
        head, _, rest = num.partition("百")
        hundreds = digits.get(head, 1) if head else 1
        tail = _numeral_value_read(rest.lstrip("零〇")) if rest else 0
        return hundreds * 100 + (tail or 0)
    if "十" in num:
        tens, _, ones = num.partition("十")
        return (digits.get(tens, 1) if tens else 1) * 10 + (digits.get(ones, 0) if ones else 0)
    if len(num) == 1 and num in digits:
        return digits[num]
    return None


# the value of every circled numeral, of 0 … 99 in ASCII digits and of the Chinese numerals 一 … 九十九
# (with 两 and 〇 where they can stand), read once by _numeral_value_read: a look-up, where it took
# a few string scans a heading
_NUMERAL_VALUES: dict[str, int] = {
    num: value
    for num in (
        *_CIRCLED, *map(str, range(100)), *_DIGITS, "十",
        *(f"{tens}十{ones}" for tens in ("", *_DIGITS) for ones in ("", *_DIGITS) if tens or ones),
    )
    if (value := _numeral_value_read(num)) is not None
}


def cut_title(text: str, rules: OutlineRules) -> int:
    """Where the title of a heading whose text (after the marker) is ``text`` ends."""
    end = len(text)
    for stop in rules.title_stops:
        pos = text.find(stop)
        if 0 <= pos < end:
            end = pos
    if end > rules.title_max_chars:
        commas = [p for p in (text.find("，", 0, end), text.find(",", 0, end)) if p > 0]
        if commas:
            end = min(commas)
    return end


_ENCLOSED_MARKER = regex.compile(r"[）)①-⑳]\s*$")


def match_heading(line: str, rules: OutlineRules) -> HeadingMatch | None:
    """The heading at the start of ``line``, or None."""
    return _compiled(rules).heading(line)


def _first_style(first: Any, c: _Compiled) -> int:
    """The index of the style whose branch of the prefilter made match ``first``."""
    spans = first.regs  # one call for the spans of all groups
    for i, group in enumerate(c.branches):
        if spans[group][0] >= 0:
            return i
    return 0  # not reached: some branch matched


def _match_heading(line: str, c: _Compiled, first_style: int, first: Any = None) -> HeadingMatch | None:
    """The heading at the start of ``line``, trying the styles from ``first_style`` on (none
    before it can match).  ``first``: the match of style ``first_style``'s pattern, when made."""
    styles = c.styles
    for index in range(first_style, len(styles)):
        style, pattern = styles[index]
        m = first if first is not None and index == first_style else pattern.match(line)
        if not m:
            continue
        return _heading_of(line, c, style, m)  # (decides: a heading or None)
    return None


def _heading_of(line: str, c: _Compiled, style: HeadingStyle, m: Any) -> HeadingMatch | None:
    """The heading ``m``, a match of ``style`` at the start of ``line``, makes (None: not one)."""
    # the text after the marker, ``rest = line[marker_end:]``, read in place (not copied: a heading
    # line often runs on into its paragraph); offsets in rest are those in line less marker_end
    marker_end = m.end()
    if (
        c.not_after_start.may_start(line[marker_end:marker_end + 1])  # (it reads the first character only)
        and c.not_after.match(line[marker_end:])
        and not _ENCLOSED_MARKER.search(m.group())
    ):
        return None  # 一、二级医院, 3.5万: a number in the text (an enclosed ①, （一） can't be one)
    # cut_title(rest, c.rules) written out
    title_end = len(line)
    for stop in c.title_stops:
        pos = line.find(stop, marker_end)
        if 0 <= pos < title_end:
            title_end = pos
    if title_end - marker_end > c.title_max_chars:
        # (p > 0 in rest: a comma after the marker's end)
        commas = [p for p in (line.find("，", marker_end, title_end), line.find(",", marker_end, title_end)) if p > marker_end]
        if commas:
            title_end = min(commas)
    title_len = title_end - marker_end
    title = line[marker_end:title_end].strip()
    han_opening = c.han_opening  # (too_little_han's quick test, without its call)
    if (han_opening is None or han_opening.match(title) is None) and c.too_little_han(title):
        return None
    num = m.group("num")
    if style.number == "{num}":  # the usual format: the numeral itself
        number = num
    else:
        number = style.number.format(**{**{k: v or "" for k, v in m.groupdict().items()}, "num": num})
    # HeadingMatch(…) without the Python frame of the named tuple's __new__
    return _tuple_new(HeadingMatch, (style.name, num, number, marker_end, title, marker_end + title_len))


_tuple_new = tuple.__new__


@dataclass(slots=True)
class _Open:
    style: str
    number: str
    value: int | None
    index: int  # index into the result list


def outline(
    clean: CleanText, *, start: int = 0, end: int | None = None, rules: RuleSet | None = None,
    hints: dict[int, int] | None = None, skip: tuple[int, int] | None = None,
) -> list[Heading]:
    """The headings of ``clean.text[start:end]`` in document order.  ``hints`` maps the cleaned
    start of a line the source marks as a heading (a Word heading style) to its level there: such a
    line is a heading even without a number (its number is empty; its path segment is its title).
    ``skip`` is a region read otherwise (a task table): no heading is looked for there, and a
    heading's own text stops where it starts."""
    outline_rules: OutlineRules = (rules or default_rules())["outline"]
    c = _compiled(outline_rules)
    heading = c.heading
    no_start = c.no_start
    text = clean.text
    stop = len(text) if end is None else end
    found: list[tuple[int, HeadingMatch, int]] = []  # (line start, match, level)
    stack: list[_Open] = []
    # the lines starting in [start, stop): the first one at or after ``start``
    if start <= 0:
        line_start = 0
    elif start > len(text):
        line_start = start  # past the end: no line
    elif text[start - 1] == "\n":
        line_start = start
    else:
        newline = text.find("\n", start)
        line_start = len(text) + 1 if newline < 0 else newline + 1  # (none: no line)
    if line_start < stop and line_start <= len(text):
        # the lines from there to the one holding ``stop``, split at once
        newline = text.find("\n", stop)
        for line in text[line_start:len(text) if newline < 0 else newline].split("\n"):
            if line_start >= stop:
                break
            if skip is None or not skip[0] <= line_start < skip[1]:
                stripped = line.lstrip()
                # (heading(stripped) is None for a first character in no_start)
                match = None if stripped[:1] in no_start else heading(stripped)
                if match is None and hints and line_start in hints:
                    match = _hinted(stripped, hints[line_start], outline_rules)
                if match is not None:
                    level = _place(stack, match, len(found))
                    if level is not None:
                        found.append((line_start + len(line) - len(stripped), match, level))
            line_start += len(line) + 1
    return _build(clean, found, stop, skip)


def _hinted(line: str, level: int, rules: OutlineRules) -> HeadingMatch | None:
    """A heading the source marks by its style, not by a number."""
    title_len = cut_title(line, rules)
    title = line[:title_len].strip()
    if not title or _compiled(rules).too_little_han(title):
        return None
    return HeadingMatch(style=f"styled{level}", num="", number="", marker_end=0, title=title, title_end=title_len)


def _place(stack: list[_Open], match: HeadingMatch, index: int) -> int | None:
    """Give ``match`` its level on ``stack`` (styles in order of appearance), or None to reject."""
    style, num, number = match[0], match[1], match[2]  # (.style, .num, .number: items, not properties)
    value = _numeral_value(num)
    for depth, open_ in enumerate(stack):
        if open_.style != style:
            continue
        expected = (open_.value or 0) + 1
        if value is not None and value not in (expected, expected + 1, 1) and open_.value is not None:
            return None  # out of sequence: a number inside the text, not a heading
        del stack[depth:]
        stack.append(_Open(style, number, value, index))
        return depth + 1
    stack.append(_Open(style, number, value, index))
    return len(stack)


def _build(
    clean: CleanText, found: list[tuple[int, HeadingMatch, int]], stop: int, skip: tuple[int, int] | None = None
) -> list[Heading]:
    headings: list[Heading] = []
    path: list[str] = []
    ends = [stop] * len(found)  # a section ends where the next heading of its level or above starts
    open_: list[int] = []
    for i, (pos, _, level) in enumerate(found):
        while open_ and found[open_[-1]][2] >= level:
            ends[open_.pop()] = pos
        open_.append(i)
    # Section built without validation (Section.model_construct with every field, written out as
    # tasks._unit_refs does): every value already has its declared type.  number is a str (the
    # numeral group, a str.format result, or "" for a styled heading; a non-participating num
    # group would have failed in _place already), title and path are str, level is an int from
    # _place, line an int from bisect and span a tuple of two ints (CleanText.span, inlined below
    # with CleanText.line)
    origin = clean.origin
    size = len(origin)
    raw_end = len(clean.raw)
    line_starts = clean._line_starts
    last = len(found) - 1
    for i, (pos, match, level) in enumerate(found):
        style, _, number, _, title, match_title_end = match  # (items, not the named tuple's properties)
        del path[level - 1:]
        path.append(number or title)
        end = ends[i]
        own_end = found[i + 1][0] if i < last else stop
        if own_end > end:  # (min(own_end, end))
            own_end = end
        if skip is not None and pos < skip[0] < own_end:
            own_end = skip[0]
        title_end = pos + match_title_end
        at = origin[pos] if pos < size else raw_end
        # CleanText.span: (at, at) for an empty range
        span = (at, at) if title_end <= pos else (at, origin[title_end - 1] + 1)
        section = construct(Section, {  # built without validation: every value of its declared type
            "id": f"s{i + 1}",
            "level": level,
            "number": number,
            "title": title,
            "path": "/".join(path),
            "line": bisect_right(line_starts, at),
            "span": span,
        })
        headings.append(_heading(section, style, pos, title_end, end, own_end))
    return headings


# the slots of Heading (its fields, in order): set directly by _heading
_SET_SECTION, _SET_STYLE, _SET_START, _SET_TITLE_END, _SET_END, _SET_OWN_END = (
    getattr(Heading, name).__set__ for name in ("section", "style", "start", "title_end", "end", "own_end")
)


def _heading(section: Section, style: str, start: int, title_end: int, end: int, own_end: int) -> Heading:
    """``Heading(section, style, start, title_end, end, own_end)`` without the frozen dataclass's
    __init__ (an object.__setattr__ looked up for each field): its slots set directly."""
    heading = _new_object(Heading)
    _SET_SECTION(heading, section)
    _SET_STYLE(heading, style)
    _SET_START(heading, start)
    _SET_TITLE_END(heading, title_end)
    _SET_END(heading, end)
    _SET_OWN_END(heading, own_end)
    return heading


_new_object = object.__new__


