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
unit lists split on them only between whole unit names).

Nothing is ever reordered: the map is monotonic.
"""

from __future__ import annotations

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
    examples: list[CleanExample] = []


_SPACES = {"\u3000": " ", "\xa0": " ", "\t": "\t"}
_DROP = {"\u200b", "\u200c", "\u200d", "\ufeff", "\u2028", "\u2029", "\r"}
_OPENERS = "（(《“〈【「"
_CLOSERS = "）)》”〉】」"
_CONTINUES = "、，,；;"  # a line ending in these goes on
_ENDS = "。！？!?：:…)）”》】」"


class _Compiled:
    def __init__(self, rules: CleanRules, heading_start: Any) -> None:
        self.junk = [regex.compile(p) for p in rules.junk_lines]
        self.footer = [regex.compile(p) for p in rules.footer_markers]
        self.inline = regex.compile("|".join(f"(?:{p})" for p in rules.inline_junk)) if rules.inline_junk else None
        self.label = regex.compile(rules.label_line)
        self.title_end = tuple(rules.title_endings)
        self.heading_start = heading_start
        self.rules = rules


def _compiled(rules: CleanRules, heading_start: Any) -> _Compiled:
    return compiled(rules, lambda r: _Compiled(r, heading_start))


def _normalise_char(ch: str) -> str:
    code = ord(ch)
    if 0xFF10 <= code <= 0xFF19 or 0xFF21 <= code <= 0xFF3A or 0xFF41 <= code <= 0xFF5A:
        return chr(code - 0xFEE0)
    if ch in _SPACES:
        return _SPACES[ch]
    if ch in _DROP:
        return ""
    return ch


def _char_pass(raw: str, inline: Any) -> tuple[str, list[int]]:
    chars: list[str] = []
    origin: list[int] = []
    skip_until = -1
    drops = {m.start(): m.end() for m in inline.finditer(raw)} if inline else {}
    for i, ch in enumerate(raw):
        if i < skip_until:
            continue
        if i in drops:
            skip_until = drops[i]
            continue
        out = _normalise_char(ch)
        if out:
            chars.append(out)
            origin.append(i)
    return "".join(chars), origin


@dataclass(frozen=True, slots=True)
class Line:
    text: str
    origin: list[int]
    newline: int | None  # raw position of the newline that ends the line (None for the last)


def _split_lines(text: str, origin: list[int]) -> list[Line]:
    lines: list[Line] = []
    start = 0
    for i, ch in enumerate(text):
        if ch == "\n":
            lines.append(Line(text[start:i], origin[start:i], origin[i]))
            start = i + 1
    lines.append(Line(text[start:], origin[start:], None))
    return lines


def _strip(line: Line) -> tuple[str, list[int]]:
    text, origin = line.text, line.origin
    left = len(text) - len(text.lstrip())
    right = len(text.rstrip())
    return text[left:right], origin[left:right]


def _unclosed(text: str) -> bool:
    depth = 0
    for ch in text:
        if ch in _OPENERS:
            depth += 1
        elif ch in _CLOSERS and depth > 0:
            depth -= 1
    return depth > 0


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


def _wrapped(prev: str, nxt: str, c: _Compiled) -> bool:
    """Is the break between non-empty lines ``prev`` and ``nxt`` an extraction artefact?"""
    if c.heading_start.match(nxt) or c.label.match(nxt) or "\t" in prev or "\t" in nxt or _PIPE_ROW.match(prev) or _PIPE_ROW.match(nxt):
        return False  # headings, labelled lines and table rows (cells joined by tabs) stand alone
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
    out_text: list[str] = []
    out_origin: list[int] = []
    pending: list[int] = []  # raw positions of the newlines since the last content line
    prev: str | None = None
    for line in lines:
        text, origin = _strip(line)
        if text:
            if prev is not None and _wrapped(prev, text, c):
                while out_text and out_text[-1] in " \t":  # trailing spaces of the wrapped line
                    out_text.pop()
                    out_origin.pop()
                prev = prev + text
            else:
                out_text.extend("\n" * len(pending))
                out_origin.extend(pending)
                text, origin = line.text, line.origin  # a line of its own keeps its indentation
                prev = text.strip()
            out_text.extend(text)
            out_origin.extend(origin)
            pending = []
        elif prev is None:
            out_text.extend(line.text)  # leading blank lines stay as they are
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
    lines = _drop_junk(_split_lines(text, origin), c)
    text, origin = _join_lines(lines, c)
    return CleanText.build(text, tuple(origin), raw)


def clean(document: Document, rules: RuleSet | None = None) -> CleanText:
    """The cleaned text of ``document`` with its map back to ``document.raw``."""
    return clean_text(document.raw, rules)
