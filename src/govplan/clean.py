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
from typing import Any

import regex

from .document import CleanText, Document
from .outline import StartTest, heading_lines
from .ruleset import RuleFile, RuleSet, compiled, default_rules, needed_words


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
_STOPS = _ENDS + _CLOSERS  # a line ending in these goes on only inside an open bracket


class _Compiled:
    def __init__(self, rules: CleanRules) -> None:
        self.junk = _LineTest(rules.junk_lines)
        self.footer = _LineTest(rules.footer_markers)
        self.inline = regex.compile("|".join(f"(?:{p})" for p in rules.inline_junk)) if rules.inline_junk else None
        self.label = regex.compile(rules.label_line)
        # words a labelled line holds (the colon of its label): a line lacking them all is none
        self.label_words = _rarest_words(rules.label_line)
        self.title_end = tuple(rules.title_endings)
        self.rules = rules


class _LineTest:
    """Does any of ``patterns`` occur in a line (no newline)?  As one alternation (one search a
    line instead of one per pattern), unless a pattern refers to its groups by number or sets
    flags, which an alternation would change.  The patterns anchored at the start (^…, no | outside
    parentheses) make an alternation tried at the start of the line only (match), the others one
    searched: the engine then does not try every anchored branch at every position.

    Most lines are tested by no regex at all.  The anchored alternation is tried only on a line
    whose first character one of its patterns can start with (``outline.StartTest``).  The
    others are searched only in the lines ``lines_to_test`` finds, in one scan of the whole text:
    those holding a word that some pattern needs (every match of a pattern holds a word of a group
    ``ruleset.needed_words`` gives); a line holding none cannot hit."""

    def __init__(self, patterns: list[str]) -> None:
        # searched in one line: ^.*X matches where X matches anywhere, and without the leading .*
        # the engine does not try every split of the line (several times faster)
        patterns = [p[3:] if p.startswith("^.*") and p[3:4] not in ("?", "+", "{") else p for p in patterns]
        self.each: list[Any] = []
        self.at_start: Any = None
        self.anywhere: Any = None
        self.start = StartTest([])
        if any(_GROUP_SENSITIVE.search(p) for p in patterns):
            self.each = [regex.compile(p) for p in patterns]
            self.words = _needed_words_scan(patterns)  # (each pattern searched: all of them)
            return
        at_start = [p for p in patterns if _anchored(p)]
        anywhere = [p for p in patterns if not _anchored(p)]
        self.words = _needed_words_scan(anywhere)
        if at_start:
            self.at_start = regex.compile("|".join(f"(?:{p})" for p in at_start))
            self.start = StartTest(at_start)
        if anywhere:
            self.anywhere = regex.compile("|".join(f"(?:{p})" for p in anywhere))

    def lines_to_test(self, text: str, pos: int = 0) -> set[int] | None:
        """The starts of the lines of ``text`` (from ``pos`` on) where the searched patterns may
        hit; None: every line.  A word needed holds no newline, so a line holding it holds the whole
        occurrence: an occurrence that another one overlaps (and so hides from the scan) is in the
        same line."""
        if self.words is None:
            return None
        return {text.rfind("\n", 0, m.start()) + 1 for m in self.words.finditer(text, pos)}

    def hit(self, line: str, searched: bool = True) -> bool:
        """Does a pattern hit ``line``?  ``searched``: False when ``lines_to_test`` left the line
        out (then only the anchored patterns can)."""
        if self.at_start is not None and self.start.may_start(line) and self.at_start.match(line):
            return True
        if not searched:
            return False
        if self.anywhere is not None and self.anywhere.search(line):
            return True
        return any(pattern.search(line) for pattern in self.each) if self.each else False


def _anchored(pattern: str) -> bool:
    """Can ``pattern`` match only at the start of a string (it opens with ^ and has no | outside
    parentheses)?  Then match() finds what search() finds.  Unsure (a nested set, unbalanced
    parentheses): no, and search() is used."""
    if not pattern.startswith("^") or pattern[1:2] in ("?", "*", "+", "{"):
        return False
    depth = 0
    i, n = 1, len(pattern)
    while i < n:
        ch = pattern[i]
        if ch == "\\":
            i += 2
            continue
        if ch == "[":  # a set, up to its ]: a ] right after [ or [^ is a member
            i += 1
            if pattern[i:i + 1] == "^":
                i += 1
            if pattern[i:i + 1] == "]":
                i += 1
            while i < n and pattern[i] != "]":
                if pattern[i] == "[":
                    return False
                i += 2 if pattern[i] == "\\" else 1
        elif ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
            if depth < 0:
                return False
        elif ch == "|" and depth == 0:
            return False
        i += 1
    return depth == 0


# [: opens a POSIX class ([:alpha:]) only in that form: elsewhere (a set [:：]) the colon is a
# literal, which \: spells without the ambiguity (ruleset.needed_words then reads the pattern)
_SET_COLON = re.compile(r"\[:(?!\^?[A-Za-z]+:\])")


def _rarity(group: tuple[str, ...]) -> tuple[int, int]:
    """The longer its shortest word, then the fewer its words, the rarer a group of words."""
    return min(map(len, group)), -len(group)


def _rarest_words(pattern: str) -> tuple[str, ...]:
    """Words one of which every match of ``pattern`` holds (the rarest group ``needed_words``
    gives), or () when none is known."""
    groups = needed_words(_SET_COLON.sub(r"[\\:", pattern))
    return max(groups, key=_rarity) if groups else ()


def _labelled(line: str, c: _Compiled) -> bool:
    """Does ``line`` open with a label (label_line)?"""
    words = c.label_words
    if words:
        for word in words:  # (a loop, not any() of a generator: one call fewer a line)
            if word in line:
                break
        else:
            return False
    return c.label.match(line) is not None


def _needed_words_scan(patterns: list[str]) -> Any:
    """A scan (stdlib ``re``, an alternation of plain words) for words one of which every match of
    any of ``patterns`` holds, or None when some pattern needs no word known."""
    words: set[str] = set()
    for pattern in patterns:
        rarest = _rarest_words(pattern)  # (any group will do: a match holds a word of each)
        if not rarest:
            return None
        words.update(rarest)
    if not words or any(not w or "\n" in w for w in words):
        return None
    words = {w for w in words if not any(o != w and o in w for o in words)}  # 打印 covers 打印本页
    return re.compile("|".join(re.escape(w) for w in sorted(words, key=len, reverse=True)))


_GROUP_SENSITIVE = regex.compile(r"\\[1-9g]|\(\?P=|\(\?[a-zA-Z]+[:)]|\(\?\(|\(\?[0-9R&+-]")


def _compiled(rules: CleanRules) -> _Compiled:
    return compiled(rules, _Compiled)


# one character in, one character out (full-width → ASCII, wide spaces → " "); _DROP goes apart
_ONE_TO_ONE = {
    **{code: code - 0xFEE0 for lo, hi in ((0xFF10, 0xFF19), (0xFF21, 0xFF3A), (0xFF41, 0xFF5A)) for code in range(lo, hi + 1)},
    **{ord(ch): ord(out) for ch, out in _SPACES.items()},
}
_DROPPED = regex.compile("[" + "".join(sorted(_DROP)) + "]")
# the standard library's engine: several times faster than ``regex`` at a plain character class
_WIDE = re.compile("[" + "".join(re.escape(chr(k)) for k in sorted(_ONE_TO_ONE)) + "]")
_NARROW = {chr(k): chr(v) for k, v in _ONE_TO_ONE.items()}


# either (one scan where most texts hold neither)
_WIDE_OR_DROPPED = re.compile("[" + "".join(re.escape(chr(k)) for k in sorted(_ONE_TO_ONE)) + "".join(sorted(_DROP)) + "]")


def _narrow(match: re.Match[str]) -> str:
    return _NARROW[match.group()]
# the brackets and line breaks of a text: its brackets line by line, in one scan (a plain class:
# the standard library's engine, the faster one here)
_BRACKET_OR_NEWLINE = re.compile("[\n" + re.escape(_OPENERS + _CLOSERS) + "]")


def _drop_ranges(raw: str, inline: Any, dropped: bool = True) -> list[tuple[int, int]]:
    """[start, end) of the raw text removed: inline junk and the characters of ``_DROP``
    (``dropped`` False: ``raw`` is known to hold none of them)."""
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
    if not dropped or not any(ch in raw for ch in _DROP):  # a few str scans instead of a regex one
        return ranges
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


# 0, 1, 2 … as one tuple for the process: a character map sliced from it shares its int objects,
# where range() makes a new object for every int above 256 (most of the cost of building a map).
# It grows to the longest text seen, up to _POSITIONS_MAX; longer texts use range().
_POSITIONS: tuple[int, ...] = ()
_POSITIONS_MAX = 1 << 18  # 262,144 (a tuple of ~9 MB at most)


def positions(start: int, end: int) -> tuple[int, ...]:
    """(start, start + 1, …, end - 1): for maps of offsets (a tuple or list.extend() of it costs
    no new int object)."""
    global _POSITIONS
    if end > len(_POSITIONS):
        if end > _POSITIONS_MAX:
            return tuple(range(start, end))
        _POSITIONS = tuple(range(min(_POSITIONS_MAX, max(end, 2 * len(_POSITIONS)))))
    return _POSITIONS[start:end]


def _raw_map(ranges: list[tuple[int, int]]) -> tuple[int, ...]:
    """The raw indices in the [start, end) raw ``ranges``, in order, as one tuple: the map of a
    text made of the characters of those ranges."""
    if len(ranges) == 1:
        return positions(*ranges[0])
    out: list[int] = []
    for a, b in ranges:
        out.extend(positions(a, b))
    return tuple(out)


def _through(kept: list[tuple[int, int]], pieces: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The raw ranges of the [start, end) ranges ``kept`` of a text made of the raw ranges
    ``pieces`` run together (both in order, not overlapping).  ``_raw_map`` of the result is the
    selection ``kept`` of ``_raw_map(pieces)``: the text's character i is the raw character
    pieces[k][0] + (i - where piece k starts in the text), for the piece k holding i, so a kept
    range maps, piece by piece, to raw ranges of the same characters in the same order."""
    out: list[tuple[int, int]] = []
    k = 0
    base = 0  # where pieces[k] starts in the text
    for a, b in kept:
        while a < b:
            ra, rb = pieces[k]
            piece_end = base + rb - ra
            if a >= piece_end:  # (the range starts after this piece)
                base = piece_end
                k += 1
                continue
            e = b if b < piece_end else piece_end
            out.append((ra + a - base, ra + e - base))
            a = e
    return out


def _char_pass(raw: str, inline: Any) -> tuple[str, list[tuple[int, int]]]:
    """Characters normalised (full-width digits and letters to ASCII, wide spaces to " ") and junk
    removed, with the raw [start, end) ranges of the characters kept (in order: the map of the
    text is their ``_raw_map``); a run of kept characters at a time, never a character at a time in
    Python."""
    pieces: list[str] = []
    kept: list[tuple[int, int]] = []
    pos = 0
    # most texts hold no character to narrow or drop: one scan tells, and then neither the drop
    # scans nor the narrowing substitution run (they would find nothing)
    plain = _WIDE_OR_DROPPED.search(raw) is None
    for start, end in [*_drop_ranges(raw, inline, not plain), (len(raw), len(raw))]:
        if start > pos:
            run = raw[pos:start]
            pieces.append(run if plain else _WIDE.sub(_narrow, run))  # only the few wide characters
            kept.append((pos, start))
        pos = max(pos, end)
    return "".join(pieces), kept


# a row of a pipe (Markdown) table: never joined to its neighbours
_PIPE_ROW = regex.compile(r"^\s*[|｜].*[|｜]\s*$")


_DATE_LINE = regex.compile(
    r"^\s*(?:(?:19|20)\d{2}|[一二三四五六七八九〇零○]{4})\s*年\s*[0-9一二三四五六七八九十]{1,3}\s*月"
    r"\s*[0-9一二三四五六七八九十〇零]{1,3}\s*日\s*$"
)


# two Han characters with one or two spaces between them (a full-width space is one space by now)
_SPACED_PAIR = regex.compile(r"(?<=\p{Han})( {1,2})(?=\p{Han})")
# a run of two Han characters or more holds one joined pair (Han, Han) fewer than its length
_JOINED_RUN = regex.compile(r"\p{Han}{2,}")
_SPACED_RUN = regex.compile(r"(?<![\p{Han} ])\p{Han}(?: \p{Han}(?![\p{Han}])){2,}")


# (stdlib ``re``) " X Y", X and Y neither ASCII nor a space: in every run _SPACED_RUN finds
_RUN_HINT = re.compile(" [^\x00-\x7f ] [^\x00-\x7f ]")
# (stdlib ``re``) a run of two or more characters of the first CJK block, 一-龥 (all Han)
_HAN_BLOCK_RUN = re.compile("[\u4e00-\u9fa5]{2,}")


def _depth(depth: int, brackets: str) -> int:
    """Brackets open after a text with ``brackets`` (in order) when ``depth`` were open before it
    (a closer with none open is ignored)."""
    for ch in brackets:
        if ch in _OPENERS:
            depth += 1
        elif depth > 0:
            depth -= 1
    return depth


def _unspace(text: str, rules: CleanRules) -> list[tuple[int, int]]:
    """The spaces of letter spacing in line ``text`` (一、工 作 目 标 → 一、工作目标; 市 财 政 局), as
    [start, end) offsets to drop: a space between two Han characters goes when most of the line's
    Han pairs are spaced, or inside a run of ``letter_spaced_run`` single Han characters each one
    space apart.  Spaces between words (市公安局 市交通运输局, 颜值圈 建设) stay: the later stages
    decide those.  A dropped space always stands between two Han characters, so never in the
    line's leading or trailing white space."""
    if " " not in text:
        return []
    share = rules.letter_spaced_share
    if share > 0 and _RUN_HINT.search(text) is None:
        # Most lines with a space drop none, and they are told without the slow ``regex`` search
        # for spaced pairs.  With no run of three single Han characters one space apart (such a
        # run holds " X Y", X and Y neither ASCII nor a space, which _RUN_HINT finds), a space
        # goes only when the share test below passes: n_spaced > share * (n_spaced + joined).
        # That test grows with n_spaced and falls with joined, so it fails when it fails for an
        # upper bound of n_spaced (the line's spaces: each spaced pair holds one of its own) and
        # a lower bound of joined (the pairs in runs of 一-龥, Han throughout, a part of the Han
        # runs); then the result is [] (as below: no share, and no run to drop spaces from).
        bound = text.count(" ")
        joined = 0
        for run in _HAN_BLOCK_RUN.finditer(text):
            joined += run.end() - run.start() - 1
            if bound <= share * (bound + joined):
                return []
    spaced = [m.span(1) for m in _SPACED_PAIR.finditer(text)]
    if not spaced:
        return []
    # the joined pairs (Han, Han), a run at a time; with a positive share, only until there are
    # enough of them to tell that most pairs are not spaced (more would not change that)
    share = rules.letter_spaced_share
    n_spaced = len(spaced)
    joined = 0
    if share > 0:
        for run in _JOINED_RUN.finditer(text):
            a, b = run.span()
            joined += b - a - 1
            if n_spaced <= share * (n_spaced + joined):
                break
    else:
        for run in _JOINED_RUN.finditer(text):
            a, b = run.span()
            joined += b - a - 1
    if n_spaced > share * (n_spaced + joined):
        return spaced
    if n_spaced < max(2, rules.letter_spaced_run - 1):
        return []  # a run of k single Han characters holds k - 1 spaced pairs, and k >= 3
    drop: list[tuple[int, int]] = []
    for run in _SPACED_RUN.finditer(text):
        if (run.end() - run.start() + 1) // 2 >= rules.letter_spaced_run:
            drop.extend((i, i + 1) for i in range(run.start() + 1, run.end(), 2))
    return drop


def _without(text: str, drop: list[tuple[int, int]]) -> str:
    """``text`` without the [start, end) ranges of ``drop`` (in order, not overlapping)."""
    pieces = []
    pos = 0
    for a, b in drop:
        pieces.append(text[pos:a])
        pos = b
    pieces.append(text[pos:])
    return "".join(pieces)


def _wrapped(prev: str, prev_depth: int, nxt: str, c: _Compiled, heading: Any) -> bool:
    """Is the break between non-empty lines ``prev`` (with ``prev_depth`` brackets left open) and
    ``nxt`` an extraction artefact?

    The break is wrapped when (a) the lines read as one (an open bracket, a comma at the end, a
    long line not ending a sentence or a title) and (b) ``nxt`` does not stand alone (a heading, a
    labelled line, a table row, a date).  (a) is tested first: it is decided by the last character
    for most lines, without a regex."""
    if prev_depth <= 0:
        last = prev[-1]
        if last not in _CONTINUES:
            if last in _STOPS or len(prev) < c.rules.wrap_min_chars:
                return False
            if prev.endswith(c.title_end) or _labelled(prev, c):
                return False
            if "。" not in prev and heading.start.may_start(prev) and heading.any_start.match(prev):
                return False  # a heading line standing alone is not wrapped
    if "\t" in prev or "\t" in nxt:
        return False  # table rows (cells joined by tabs) stand alone
    if (("|" in prev or "｜" in prev) and _PIPE_ROW.match(prev)) or (("|" in nxt or "｜" in nxt) and _PIPE_ROW.match(nxt)):
        return False  # so do pipe table rows (a row holds two pipes)
    if (heading.start.may_start(nxt) and heading.any_start.match(nxt)) or _labelled(nxt, c):
        return False  # headings and labelled lines stand alone
    return not ("日" in nxt and _DATE_LINE.match(nxt))  # a signature date under the issuer


# Lines are handled as offsets into the text of the character pass, never as copies of their
# characters' raw positions: the cleaned text is a selection of that text's characters (nothing is
# added or reordered), so it is built once at the end from the ranges kept, and so is its map.


def _kept_ranges(text: str, c: _Compiled, heading: Any) -> list[tuple[int, int]]:
    """The [start, end) ranges of ``text`` the cleaned text keeps, in order, adjacent ones joined.

    Web chrome goes: junk lines, and from a footer marker in the tail of the text on, every line.
    Letter spacing goes.  A wrapped line is joined to the one before (the break, the blank lines
    between and the white space around the break go); a line of its own keeps its indentation and
    comes after the newlines since the last line with content.  Blank lines before the first
    content line stay as they are, those after the last one go."""
    out: list[tuple[int, int]] = []  # the ranges closed
    # the range being extended (most of a text is kept in one piece); a range added goes on it
    # when it starts where it ends, else closes it (if not empty) and opens a new one
    keep_from = keep_to = 0
    pending: list[int] = []  # the newlines since the last content line (offsets in ``text``)
    prev: str | None = None  # the last content line (joined, stripped, letter spacing dropped)
    depth = 0  # brackets left open in ``prev``
    rules = c.rules
    size = len(text)
    footer_from = (size + 1) * (1 - rules.footer_tail)
    junk, footer = c.junk, c.footer
    # (hit() tries the anchored patterns only where these are True)
    junk_may_start, footer_may_start = junk.start.may_start, footer.start.may_start
    # a line left out of the scan is tried by the anchored patterns only (hit(line, False)): with
    # none, by nothing; with some, only when its first character may start one.  That test is
    # StartTest.may_start's, inlined: its dict of answers read here, the call made only for a
    # character it has not answered yet (None) or when no first characters are known (every line)
    junk_anchored = junk.at_start
    junk_seen = junk.start.seen if junk.start.first is not None else None
    # the same for the footer, whose searched lines (all of them when its patterns need no word)
    # need hit() only when some of its patterns are searched: else only the anchored ones count
    footer_anchored = footer.at_start
    footer_seen = footer.start.seen if footer.start.first is not None else None
    footer_searches = footer.anywhere is not None or bool(footer.each)
    wrap_min = rules.wrap_min_chars
    # the lines where a junk or footer pattern searched may hit (a word they need, in one scan
    # each); a footer is looked for only in lines starting at footer_from or later (whose
    # characters are there too)
    junk_lines = junk.lines_to_test(text)
    footer_lines = footer.lines_to_test(text, min(len(text), max(0, int(footer_from))))
    brackets = "".join(_BRACKET_OR_NEWLINE.findall(text)).split("\n")  # of each line (strip drops none)
    start = 0
    for line, line_brackets in zip(text.split("\n"), brackets, strict=True):  # (as many lines)
        end = start + len(line)
        stripped = line.strip()
        if stripped:
            # ``start`` is the length of the lines before this one, newlines included
            if start >= footer_from:
                if footer_searches and (footer_lines is None or start in footer_lines):
                    if footer.hit(stripped):
                        break
                elif footer_anchored is not None:  # (footer.hit(stripped, False), inlined as above)
                    may = footer_seen.get(stripped[0]) if footer_seen is not None else True
                    if (may or (may is None and footer_may_start(stripped))) and footer_anchored.match(stripped):
                        break
            if junk_lines is None or start in junk_lines:
                if junk.hit(stripped):
                    start = end + 1
                    continue
            elif junk_anchored is not None:
                may = junk_seen.get(stripped[0]) if junk_seen is not None else True
                if (may or (may is None and junk_may_start(stripped))) and junk_anchored.match(stripped):
                    start = end + 1  # (what junk.hit(stripped, False) tells, without its calls)
                    continue
            # a space letter spacing drops stands between two Han characters, inside the line's
            # text: a line whose stripped text holds no space (only indentation) has none
            drop = _unspace(line, rules) if " " in stripped else None
            if drop:
                stripped = _without(line, drop).strip()
            # (_wrapped is False for a line ending a sentence outside brackets, and for a short one
            # not ending in a comma: not called)
            if prev is not None and (
                depth > 0 or (prev[-1] not in _STOPS and (prev[-1] in _CONTINUES or len(prev) >= wrap_min))
            ) and _wrapped(prev, depth, stripped, c, heading):
                # the wrapped line's trailing spaces and tabs go: they end the range being
                # extended, which ends with the last line's content (a character that is none)
                while text[keep_to - 1] in " \t":
                    keep_to -= 1
                left = len(line) - len(line.lstrip())
                right = len(line.rstrip())
                prev = prev + stripped
            else:
                for newline in pending:
                    if newline != keep_to:
                        if keep_to > keep_from:
                            out.append((keep_from, keep_to))
                        keep_from = newline
                    keep_to = newline + 1
                left, right = 0, len(line)  # a line of its own keeps its indentation
                prev = stripped
                depth = 0
            if line_brackets:
                depth = _depth(depth, line_brackets)
            pos = start + left
            if drop:
                for a, b in [*drop, (right, right)]:  # the pieces between the spaces dropped
                    if pos != keep_to:
                        if keep_to > keep_from:
                            out.append((keep_from, keep_to))
                        keep_from = pos
                    keep_to = start + a
                    pos = start + b
            else:  # (the same, for the one piece [left, right))
                if pos != keep_to:
                    if keep_to > keep_from:
                        out.append((keep_from, keep_to))
                    keep_from = pos
                keep_to = start + right
            pending = []
        elif prev is None:
            if start != keep_to:  # (after a junk line)
                if keep_to > keep_from:
                    out.append((keep_from, keep_to))
                keep_from = start
            keep_to = min(end + 1, size)  # leading blank lines stay, newline and all
            start = end + 1
            continue
        if end < size:
            pending.append(end)
        start = end + 1
    if keep_to > keep_from:
        out.append((keep_from, keep_to))
    return out


def clean_text(raw: str, rules: RuleSet | None = None) -> CleanText:
    ruleset = rules or default_rules()
    c = _compiled(ruleset["clean"])
    text, pieces = _char_pass(raw, c.inline)
    kept = _kept_ranges(text, c, heading_lines(ruleset["outline"]))
    # the map is built once, from the raw ranges of the characters finally kept (``_through``), not
    # as the character pass's map and then a selection of it (two copies of a text-long tuple)
    if kept == [(0, len(text))]:
        return CleanText.build(text, _raw_map(pieces), raw)
    return CleanText.build("".join([text[a:b] for a, b in kept]), _raw_map(_through(kept, pieces)) if kept else (), raw)


def clean(document: Document, rules: RuleSet | None = None) -> CleanText:
    """The cleaned text of ``document`` with its map back to ``document.raw``."""
    return clean_text(document.raw, rules)
