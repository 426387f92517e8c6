"""clean: Document → CleanText.

Takes the text as read and gives the text the later stages parse, with a map from every
cleaned character back to its raw position (so spans stay grounded in the source):

- full-width digits and letters become ASCII; ideographic and no-break spaces become spaces;
  zero-width characters and conversion artefacts ([bookmark: _GoBack]) go;
- web chrome (navigation, share and print links, footer, ICP lines) goes, whole lines;
- a line break inside a word or clause (``市\\n\\n城市管理综合执法局``: PDF and web extraction
  wrap lines) is joined, while real paragraph breaks, headings and labelled lines stay apart.

Spaces inside Chinese text are kept: a space may be an extraction artefact (颜值圈 建设) or a
separator (市公安局 市交通运输局); the stage that reads the span decides (titles squeeze them,
unit lists split on them only between whole unit names).  The one exception is letter spacing
(一、工 作 目 标 as copied from a PDF, 市 财 政 局): there the spaces between Han characters go,
so headings and names read as written.

Nothing is ever reordered: the map is monotonic.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import regex

from .document import CleanText, Document
from .ruleset import RuleFile, RuleSet, compiled, default_rules


class CleanExample(RuleFile):
    input: str
    output: str


class CleanRules(RuleFile):
    junk_lines: list[str] = []
    footer_markers: list[str] = []
    footer_tail: float = 0.4
    inline_junk: list[str] = []
    wrap_min_chars: int = 25
    title_endings: list[str] = []
    label_line: str = r"^[\p{Han}A-Za-z ]{1,10}[:：]"
    # letter-spaced lines (工 作 目 标): a space between two Han characters goes when at least
    # this share of the line's Han pairs are spaced, or inside a run of this many single spaced
    # Han characters (市 财 政 局 in a longer line)
    letter_spaced_share: float = 0.5
    letter_spaced_run: int = 3
    examples: list[CleanExample] = []


_SPACES = {"\u3000": " ", "\xa0": " ", "\t": "\t"}
_DROP = {"\u200b", "\u200c", "\u200d", "\ufeff", "\u2028", "\u2029", "\r"}
_OPENERS = "（(《“〈【「"
_CLOSERS = "）)》”〉】」"
_CONTINUES = "、，,；;"  # a line ending in these goes on
_ENDS = "。！？!?：:…)）”》】」"


class _Compiled:
    def __init__(self, rules: CleanRules, heading_start: Any) -> None:
        self.junk = _any_of(rules.junk_lines)
        self.footer = [regex.compile(p) for p in rules.footer_markers]
        self.inline = regex.compile("|".join(f"(?:{p})" for p in rules.inline_junk)) if rules.inline_junk else None
        self.label = regex.compile(rules.label_line)
        self.title_end = tuple(rules.title_endings)
        self.heading_start = heading_start
        self.rules = rules


def _any_of(patterns: list[str]) -> list[Any]:
    """Patterns searched in single lines, as one alternation (one search a line instead of one
    per pattern), unless a pattern refers to its groups by number or sets flags, which an
    alternation would change."""
    if not patterns:
        return []
    # searched in one line (no newline): ^.*X matches where X matches anywhere, and without the
    # leading .* the engine does not try every split of the line (several times faster)
    patterns = [p[3:] if p.startswith("^.*") and p[3:4] not in ("?", "+", "{") else p for p in patterns]
    if any(_GROUP_SENSITIVE.search(p) for p in patterns):
        return [regex.compile(p) for p in patterns]
    return [regex.compile("|".join(f"(?:{p})" for p in patterns))]


_GROUP_SENSITIVE = regex.compile(r"\\[1-9g]|\(\?P=|\(\?[a-zA-Z]+[:)]|\(\?\(|\(\?[0-9R&+-]")


def _compiled(rules: CleanRules, heading_start: Any) -> _Compiled:
    return compiled(rules, lambda r: _Compiled(r, heading_start))


# one character in, one character out (full-width → ASCII, wide spaces → " "); _DROP goes apart
_ONE_TO_ONE = {
    **{code: code - 0xFEE0 for lo, hi in ((0xFF10, 0xFF19), (0xFF21, 0xFF3A), (0xFF41, 0xFF5A)) for code in range(lo, hi + 1)},
    **{ord(ch): ord(out) for ch, out in _SPACES.items()},
}
_DROPPED = regex.compile("[" + "".join(sorted(_DROP)) + "]")
# the standard library's engine: several times faster than ``regex`` at a plain character class
_WIDE = re.compile("[" + "".join(re.escape(chr(k)) for k in sorted(_ONE_TO_ONE)) + "]")
_NARROW = {chr(k): chr(v) for k, v in _ONE_TO_ONE.items()}


def _narrow(match: re.Match[str]) -> str:
    return _NARROW[match.group()]
_BRACKET = regex.compile("[" + regex.escape(_OPENERS + _CLOSERS) + "]")


def _drop_ranges(raw: str, inline: Any) -> list[tuple[int, int]]:
    """[start, end) of the raw text removed: inline junk and the characters of ``_DROP``."""
    ranges: list[tuple[int, int]] = []
    if inline is not None:
        drops = {m.start(): m.end() for m in inline.finditer(raw)}
        skip_until = -1
        for start in sorted(drops):
            if start < skip_until:
                continue  # inside the junk before it
            end = max(drops[start], start + 1)  # an empty match still drops its character
            ranges.append((start, end))
            skip_until = end
    taken = ranges
    ranges = []
    k = 0
    for m in _DROPPED.finditer(raw):
        pos = m.start()
        while k < len(taken) and taken[k][1] <= pos:
            ranges.append(taken[k])
            k += 1
        if k < len(taken) and taken[k][0] <= pos:
            continue  # already inside inline junk
        ranges.append((pos, pos + 1))
    ranges.extend(taken[k:])
    return ranges


def _char_pass(raw: str, inline: Any) -> tuple[str, list[int]]:
    """Characters normalised (full-width digits and letters to ASCII, wide spaces to " ") and junk
    removed, with each kept character's raw index; a run of kept characters at a time
    (str.translate), never a character at a time in Python."""
    pieces: list[str] = []
    origin: list[int] = []
    pos = 0
    for start, end in [*_drop_ranges(raw, inline), (len(raw), len(raw))]:
        if start > pos:
            run = raw[pos:start]
            pieces.append(_WIDE.sub(_narrow, run))  # only the few wide characters, not every one
            origin.extend(range(pos, start))
        pos = max(pos, end)
    return "".join(pieces), origin


@dataclass(frozen=True, slots=True)
class Line:
    text: str
    origin: list[int]
    newline: int | None  # raw position of the newline that ends the line (None for the last)


def _split_lines(text: str, origin: list[int]) -> list[Line]:
    lines: list[Line] = []
    start = 0
    i = text.find("\n")
    while i >= 0:
        lines.append(Line(text[start:i], origin[start:i], origin[i]))
        start = i + 1
        i = text.find("\n", start)
    lines.append(Line(text[start:], origin[start:], None))
    return lines


def _strip(line: Line) -> tuple[str, list[int]]:
    text, origin = line.text, line.origin
    left = len(text) - len(text.lstrip())
    right = len(text.rstrip())
    return text[left:right], origin[left:right]


def _unclosed(text: str) -> bool:
    depth = 0
    for ch in _BRACKET.findall(text):  # only the brackets, not every character
        if ch in _OPENERS:
            depth += 1
        elif ch in _CLOSERS and depth > 0:
            depth -= 1
    return depth > 0


# two Han characters with one or two spaces between them (a full-width space is one space by now)
_SPACED_PAIR = regex.compile(r"(?<=\p{Han})( {1,2})(?=\p{Han})")
_JOINED_PAIR = regex.compile(r"\p{Han}(?=\p{Han})")
_SPACED_RUN = regex.compile(r"(?<![\p{Han} ])\p{Han}(?: \p{Han}(?![\p{Han}])){2,}")


def _unspace(line: Line, rules: CleanRules) -> Line:
    """``line`` without the spaces of letter spacing (一、工 作 目 标 → 一、工作目标; 市 财 政 局):
    a space between two Han characters goes when most of the line's Han pairs are spaced, or
    inside a run of ``letter_spaced_run`` single Han characters each one space apart.  Spaces
    between words (市公安局 市交通运输局, 颜值圈 建设) stay: the later stages decide those."""
    text = line.text
    if " " not in text:
        return line
    spaced = [m.span(1) for m in _SPACED_PAIR.finditer(text)]
    if not spaced:
        return line
    joined = len(_JOINED_PAIR.findall(text))
    drop: list[tuple[int, int]]
    if len(spaced) > rules.letter_spaced_share * (len(spaced) + joined):
        drop = spaced
    else:
        drop = []
        for run in _SPACED_RUN.finditer(text):
            if (run.end() - run.start() + 1) // 2 >= rules.letter_spaced_run:
                drop.extend((i, i + 1) for i in range(run.start() + 1, run.end(), 2))
        if not drop:
            return line
    keep_text: list[str] = []
    keep_origin: list[int] = []
    pos = 0
    for a, b in drop:
        keep_text.append(text[pos:a])
        keep_origin.extend(line.origin[pos:a])
        pos = b
    keep_text.append(text[pos:])
    keep_origin.extend(line.origin[pos:])
    return Line("".join(keep_text), keep_origin, line.newline)


def _drop_junk(lines: list[Line], c: _Compiled) -> list[Line]:
    total = sum(len(line.text) + 1 for line in lines)
    seen = 0
    kept: list[Line] = []
    for line in lines:
        text = line.text.strip()
        if text and seen >= total * (1 - c.rules.footer_tail) and any(p.search(text) for p in c.footer):
            break
        seen += len(line.text) + 1
        if text and any(p.search(text) for p in c.junk):
            continue
        kept.append(line)
    return kept


# a row of a pipe (Markdown) table: never joined to its neighbours
_PIPE_ROW = regex.compile(r"^\s*[|｜].*[|｜]\s*$")


_DATE_LINE = regex.compile(
    r"^\s*(?:(?:19|20)\d{2}|[一二三四五六七八九〇零○]{4})\s*年\s*[0-9一二三四五六七八九十]{1,3}\s*月"
    r"\s*[0-9一二三四五六七八九十〇零]{1,3}\s*日\s*$"
)


def _wrapped(prev: str, nxt: str, c: _Compiled) -> bool:
    """Is the break between non-empty lines ``prev`` and ``nxt`` an extraction artefact?"""
    if c.heading_start.match(nxt) or c.label.match(nxt) or "\t" in prev or "\t" in nxt or _PIPE_ROW.match(prev) or _PIPE_ROW.match(nxt):
        return False  # headings, labelled lines and table rows (cells joined by tabs) stand alone
    if _DATE_LINE.match(nxt):
        return False  # a signature date under the issuer
    if _unclosed(prev):
        return True
    last = prev[-1]
    if last in _CONTINUES:
        return True
    if last in _ENDS or last in _CLOSERS or len(prev) < c.rules.wrap_min_chars:
        return False
    if prev.endswith(c.title_end) or c.label.match(prev):
        return False
    heading = c.heading_start.match(prev)
    return not (heading and "。" not in prev)  # a heading line standing alone is not wrapped


def _join_lines(lines: list[Line], c: _Compiled) -> tuple[str, list[int]]:
    out_text: list[str] = []  # pieces of text (a line or part of one), not characters
    out_origin: list[int] = []
    pending: list[int] = []  # raw positions of the newlines since the last content line
    prev: str | None = None
    for line in lines:
        text, origin = _strip(line)
        if text:
            if prev is not None and _wrapped(prev, text, c):
                # trailing spaces of the wrapped line: all in its last piece, which holds its content
                last = out_text[-1]
                kept = len(last.rstrip(" \t"))
                if kept < len(last):
                    out_text[-1] = last[:kept]
                    del out_origin[kept - len(last):]
                prev = prev + text
            else:
                if pending:
                    out_text.append("\n" * len(pending))
                    out_origin.extend(pending)
                text, origin = line.text, line.origin  # a line of its own keeps its indentation
                prev = text.strip()
            out_text.append(text)
            out_origin.extend(origin)
            pending = []
        elif prev is None:
            out_text.append(line.text)  # leading blank lines stay as they are
            out_origin.extend(line.origin)
            if line.newline is not None:
                out_text.append("\n")
                out_origin.append(line.newline)
            continue
        if line.newline is not None:
            pending.append(line.newline)
    return "".join(out_text), out_origin


def clean_text(raw: str, rules: RuleSet | None = None) -> CleanText:
    from .outline import heading_start_pattern

    ruleset = rules or default_rules()
    c = _compiled(ruleset["clean"], heading_start_pattern(ruleset["outline"]))
    text, origin = _char_pass(raw, c.inline)
    lines = [_unspace(line, c.rules) for line in _drop_junk(_split_lines(text, origin), c)]
    text, origin = _join_lines(lines, c)
    return CleanText.build(text, tuple(origin), raw)


def clean(document: Document, rules: RuleSet | None = None) -> CleanText:
    """The cleaned text of ``document`` with its map back to ``document.raw``."""
    return clean_text(document.raw, rules)
