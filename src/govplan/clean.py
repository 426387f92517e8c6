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


Line = tuple[str, list[int]]


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


def _split_lines(text: str, origin: list[int]) -> list[Line]:
    lines: list[Line] = []
    start = 0
    for i, ch in enumerate(text):
        if ch == "\n":
            lines.append((text[start:i], origin[start:i]))
            start = i + 1
    lines.append((text[start:], origin[start:]))
    return lines


def _strip(line: Line) -> Line:
    text, origin = line
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
    total = sum(len(t) + 1 for t, _ in lines)
    seen = 0
    kept: list[Line] = []
    for line in lines:
        text = line[0].strip()
        if text and seen >= total * (1 - c.rules.footer_tail) and any(p.search(text) for p in c.footer):
            break
        seen += len(line[0]) + 1
        if text and any(p.search(text) for p in c.junk):
            continue
        kept.append(line)
    return kept


def _wrapped(prev: str, nxt: str, c: _Compiled) -> bool:
    """Is the break between non-empty lines ``prev`` and ``nxt`` an extraction artefact?"""
    if c.heading_start.match(nxt) or c.label.match(nxt) or "\t" in prev or "\t" in nxt:
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
    pending_breaks: list[Line] = []  # the newlines (and blank lines) since the last content line
    prev: str | None = None
    for i, line in enumerate(lines):
        stripped = _strip(line)
        if not stripped[0]:
            pending_breaks.append(line)
            continue
        if prev is not None and _wrapped(prev, stripped[0], c):
            text, origin = stripped
            # drop trailing spaces already emitted on the previous line
            while out_text and out_text[-1] in " \t":
                out_text.pop()
                out_origin.pop()
            prev = prev + text
        else:
            if i > 0:
                # keep the real line structure: one "\n" per raw line break
                breaks = len(pending_breaks) + 1
                nl_origin = _newline_origins(line, pending_breaks, breaks)
                out_text.extend("\n" * breaks)
                out_origin.extend(nl_origin)
            text, origin = line
            prev = stripped[0]
        out_text.extend(text)
        out_origin.extend(origin)
        pending_breaks = []
    if pending_breaks:
        for blank in pending_breaks:
            pos = (blank[1][0] - 1) if blank[1] else (out_origin[-1] + 1 if out_origin else 0)
            out_text.append("\n")
            out_origin.append(max(pos, out_origin[-1] + 1 if out_origin else 0))
    return "".join(out_text), out_origin


def _newline_origins(line: Line, blanks: list[Line], count: int) -> list[int]:
    """Raw positions for the newlines before ``line``: each one just before a line start."""
    starts = [b[1][0] if b[1] else None for b in blanks] + [line[1][0] if line[1] else None]
    result: list[int] = []
    for start in starts[:count]:
        result.append(start - 1 if start else 0)
    return result


def clean_text(raw: str, rules: RuleSet | None = None) -> CleanText:
    from .outline import heading_start_pattern

    ruleset = rules or default_rules()
    c = _compiled(ruleset["clean"], heading_start_pattern(ruleset["outline"]))
    text, origin = _char_pass(raw, c.inline)
    lines = _drop_junk(_split_lines(text, origin), c)
    text, origin = _join_lines(lines, c)
    text, origin = _monotonic(text, origin)
    return CleanText.build(text, tuple(origin), raw)


def _monotonic(text: str, origin: list[int]) -> tuple[str, list[int]]:
    """Guarantee the map never goes backwards (newline origins are estimates)."""
    fixed: list[int] = []
    last = -1
    for pos in origin:
        pos = max(pos, last + 1) if pos <= last else pos
        fixed.append(pos)
        last = pos
    return text.rstrip("\n") if text.endswith("\n") else text, fixed[: len(text.rstrip("\n"))] if text.endswith("\n") else fixed


def clean(document: Document, rules: RuleSet | None = None) -> CleanText:
    """The cleaned text of ``document`` with its map back to ``document.raw``."""
    return clean_text(document.raw, rules)
