"""outline: CleanText → sections.

Finds the numbered headings of the body (一、 （一） 1. （1） ① 第X章 第X条 and their half-width
and 、/． variants), headings that run into their text ("（一）加强组织领导。加强……"), and gives
each its level by order of appearance in this document, its number, title and path.  A heading
must start a line, carry a title with Chinese text, and continue its sibling sequence (a "3."
after "1." at the same level is taken, a stray "7." inside a list of 1–3 is not).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import regex

from .document import CleanText
from .models import Section
from .ruleset import RuleFile, RuleSet, compiled, default_rules


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


@dataclass(frozen=True, slots=True)
class HeadingMatch:
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
        self.not_after = regex.compile(rules.not_after_number)
        # a title with at least title_min_han Han characters (one search, not a list of them all)
        n = rules.title_min_han
        self.enough_han = regex.compile(r"\p{Han}(?:[^\p{Han}]*\p{Han}){" + str(n - 1) + "}") if n > 0 else None
        self.rules = rules

    def too_little_han(self, title: str) -> bool:
        """Has ``title`` fewer than title_min_han Han characters?"""
        return self.enough_han is not None and self.enough_han.search(title) is None


def _compiled(rules: OutlineRules) -> _Compiled:
    return compiled(rules, _Compiled)


def heading_start_pattern(rules: OutlineRules) -> Any:
    """One compiled pattern matching any heading marker at the start of a string."""
    return _compiled(rules).any_start


def _numeral_value(num: str) -> int | None:
    circled = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"
    if num in circled:
        return circled.index(num) + 1
    if num.isascii() and num.isdigit():
        return int(num)
    digits = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
    if num == "十":
        return 10
    if "百" in num:
        head, _, rest = num.partition("百")
        hundreds = digits.get(head, 1) if head else 1
        tail = _numeral_value(rest.lstrip("零〇")) if rest else 0
        return hundreds * 100 + (tail or 0)
    if "十" in num:
        tens, _, ones = num.partition("十")
        return (digits.get(tens, 1) if tens else 1) * 10 + (digits.get(ones, 0) if ones else 0)
    if len(num) == 1 and num in digits:
        return digits[num]
    return None


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
    c = _compiled(rules)
    if c.prefilter is None:
        return _match_heading(line, c, 0)
    first = c.prefilter.match(line)
    return None if first is None else _match_heading(line, c, _first_style(first, c))


def _first_style(first: Any, c: _Compiled) -> int:
    """The index of the style whose branch of the prefilter made match ``first``."""
    spans = first.regs  # one call for the spans of all groups
    for i, group in enumerate(c.branches):
        if spans[group][0] >= 0:
            return i
    return 0  # not reached: some branch matched


def _match_heading(line: str, c: _Compiled, first_style: int) -> HeadingMatch | None:
    """The heading at the start of ``line``, trying the styles from ``first_style`` on (none
    before it can match)."""
    rules = c.rules
    styles = c.styles
    for index in range(first_style, len(styles)):
        style, pattern = styles[index]
        m = pattern.match(line)
        if not m:
            continue
        marker_end = m.end()
        rest = line[marker_end:]
        if c.not_after.match(rest) and not _ENCLOSED_MARKER.search(m.group()):
            return None  # 一、二级医院, 3.5万: a number in the text (an enclosed ①, （一） can't be one)
        title_len = cut_title(rest, rules)
        title = rest[:title_len].strip()
        if c.too_little_han(title):
            return None
        num = m.group("num")
        if style.number == "{num}":  # the usual format: the numeral itself
            number = num
        else:
            number = style.number.format(**{**{k: v or "" for k, v in m.groupdict().items()}, "num": num})
        return HeadingMatch(style.name, num, number, marker_end, title, marker_end + title_len)
    return None


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
    prefilter = c.prefilter
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
                match = None
                if prefilter is None:
                    match = _match_heading(stripped, c, 0)
                else:
                    first = prefilter.match(stripped)
                    if first is not None:
                        match = _match_heading(stripped, c, _first_style(first, c))
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
    value = _numeral_value(match.num)
    for depth, open_ in enumerate(stack):
        if open_.style != match.style:
            continue
        expected = (open_.value or 0) + 1
        if value is not None and value not in (expected, expected + 1, 1) and open_.value is not None:
            return None  # out of sequence: a number inside the text, not a heading
        del stack[depth:]
        stack.append(_Open(match.style, match.number, value, index))
        return depth + 1
    stack.append(_Open(match.style, match.number, value, index))
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
    for i, (pos, match, level) in enumerate(found):
        del path[level - 1:]
        path.append(match.number or match.title)
        end = ends[i]
        own_end = found[i + 1][0] if i + 1 < len(found) else stop
        own_end = min(own_end, end)
        if skip is not None and pos < skip[0] < own_end:
            own_end = skip[0]
        section = Section(
            id=f"s{i + 1}",
            level=level,
            number=match.number,
            title=match.title,
            path="/".join(path),
            line=clean.line(pos),
            span=clean.span(pos, pos + match.title_end),
        )
        headings.append(Heading(section, match.style, pos, pos + match.title_end, end, own_end))
    return headings
