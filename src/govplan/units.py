"""units: what a unit name looks like, splitting unit lists, and canonical names.

A unit list (责任单位：A、B，C) is split on 、，,；; and whitespace, but never inside brackets
(信开环境科技（包头）有限公司, 各旗区综合（行政）执法局).  A unit is recognised by its structure
(a name ending in 局/委/办/中心/政府/支队/公司 …) or by the vocabulary in rules/units.yaml.
Canonical names come from the alias table plus aliases learned inside a document (a full name
and its abbreviation both present: 市住建局 ~ 市住房和城乡建设局).

jieba is used only to find where a unit list starts inside a short run-on span (a table cell
glued to the end of a sentence), loaded lazily with the unit vocabulary as its user dictionary.
"""

from __future__ import annotations

import re
from typing import Any

import regex

from .ruleset import RuleFile, RuleSet, compiled, default_rules, needed_words


class UnitExample(RuleFile):
    input: str
    unit: bool
    canonical: str | None = None
    items: list[str] | None = None  # the names split_units reads from ``input`` as a list


def example_items(example: UnitExample, rules: UnitRules) -> list[str]:
    """The unit names ``split_units`` reads from an example's input (for ``items:``)."""
    return [clean_name(example.input[a:b]) for a, b in split_units(example.input, rules)]


class UnitRules(RuleFile):
    suffixes: list[str]
    collective_prefixes: list[str] = []
    vocabulary: list[str] = []
    aliases: dict[str, str] = {}
    # words that close a unit list without being part of its last name (各有关单位按职责分工负责):
    # regular expressions matched at the end of an item and cut off
    trailing_duty: list[str] = []
    examples: list[UnitExample] = []


_SEPARATORS = "、，,；;"
_BRACKETED = regex.compile(r"[（(][^（()）]{1,12}[）)]")
_OPEN = "（(《【"
_CLOSE = "）)》】"
# Patterns of literals and character classes only use the standard ``re`` (the same matches as
# ``regex``, found faster); ``regex``'s \s, which lacks \x1c-\x1f, is spelled out for ``re``.
_REGEX_SPACE = "\t\n\x0b\x0c\r \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"
_LIST_MARKS = re.compile("[" + re.escape(_OPEN + _CLOSE + _SEPARATORS) + "\n\t]")
_BRACKET = re.compile("[" + re.escape(_OPEN + _CLOSE) + "]")
_SEPARATOR = re.compile("[" + re.escape(_SEPARATORS) + "\n\t]")  # _LIST_MARKS less the brackets
_TRIM = re.compile(f"^[{_REGEX_SPACE}:：、，,；;。.]+|[{_REGEX_SPACE}:：、，,；;。.]+$")
# the characters _TRIM takes besides whitespace: a piece whose end is none of them nor a space
# (str.isspace, a superset of \s) is left as it is
_TRIM_MARKS = frozenset(":：、，,；;。.")
_INNER_TRIM = re.compile("[:：。.]")  # _TRIM_MARKS less the separators
_LIST_EXTRAS = re.compile("[" + re.escape(_OPEN + _CLOSE) + ":：。.等]")  # brackets, _INNER_TRIM, 等
_ETC = re.compile(r"等(?:相关|有关|其他)?(?:单位|部门|企业|机构)?[。.]?$")
_BAD = regex.compile(
    r"[。！？!?：:]|\d{4}年|^\d|[要将需]|应(?!急|用)|"
    # a verb makes a phrase, not a name, unless an office word follows it (投资促进中心, 发展研究中心)
    r"(?:负责|加强|强化|推进|推动|促进|落实|确保|完善|健全|开展|提高|提升|做好|加快|深化|实现|建立)"
    r"(?!中心|局|会|处|委|办|站|所|院|室|科|署|厅|队|组)"
)
# a word that may begin a unit name inside a run-on span: an administrative prefix, a collective,
# or a place name (乌海市, 昆都仑区)
# compiled once: regex.sub(pattern, …) with a pattern string pays a cache look-up every call
_NON_SPACE = regex.compile(r"\S+")
_SPACE_RUN = regex.compile(r"\s+")
_NAME_CHARS = regex.compile(r"^[\p{Han}A-Za-z0-9·]+$")
_UNIT_START_WORD = regex.compile(r"^(?:市|区|县|省|自治区|旗|州|盟|镇|乡|各|全|中国|国家|\p{Han}{2,4}(?:省|市|区|县|旗))$")


class _Compiled:
    def __init__(self, rules: UnitRules) -> None:
        suffixes = sorted(rules.suffixes, key=len, reverse=True)
        self.suffix = regex.compile(r"(?:" + "|".join(map(regex.escape, suffixes)) + r")$")
        self.vocabulary = frozenset(rules.vocabulary)
        self.collective = tuple(rules.collective_prefixes)
        self.aliases = dict(rules.aliases)
        duty = "|".join(f"(?:{p})" for p in rules.trailing_duty)
        self.trailing_duty = regex.compile(rf"(?:{duty})$") if duty else None
        # words every duty phrase holds one of (read from the patterns: a user's rules too), a
        # search for each group's words: a text lacking them all has nothing to cut
        self.duty_tests = tuple(
            re.compile("|".join(map(re.escape, group))).search
            for group in (needed_words(rf"(?:{duty})$") if duty else ())
            if "" not in group
        )
        # the suffixes are literals (escaped above): for a name without whitespace (a cleaned name),
        # ``suffix.search`` finds one exactly when ``str.endswith`` does
        self.suffix_tuple = tuple(suffixes)
        # the characters a name passing _looks_like_clean can end with (see _no_tail_is_unit_list);
        # None when any character can (an empty suffix: every name ends with it)
        self.last_chars: frozenset[str] | None = (
            None if "" in suffixes
            else frozenset(word[-1] for word in (*suffixes, *self.vocabulary, *self.aliases) if word)
        )
        self.rules = rules

    def may_cut_duty(self, text: str) -> bool:
        """Whether ``trailing_duty`` may match somewhere in ``text`` (False: it cannot)."""
        if self.trailing_duty is None:
            return False
        for test in self.duty_tests:  # noqa: SIM110 (a loop: no generator set up, tens of thousands of calls)
            if test(text) is None:
                return False
        return True

    def cuts_duty(self, name: str) -> bool:
        """Whether a duty phrase closes ``name`` after something (按职责分工负责 alone is kept)."""
        if not self.may_cut_duty(name):
            return False
        cut = self.trailing_duty.search(name)  # type: ignore[union-attr]
        return cut is not None and cut.start() > 0


def _compiled(rules: UnitRules) -> _Compiled:
    return compiled(rules, _Compiled)


def unit_rules(rules: RuleSet | None = None) -> UnitRules:
    found: UnitRules = (rules or default_rules())["units"]
    return found


_DEFAULT: list[Any] = [None, None]  # the default RuleSet and its compiled unit rules


def _default_compiled() -> _Compiled:
    """``_compiled(unit_rules())`` without the rule-set look-ups (default_rules() is cached, so
    the answer changes only when that cache is cleared)."""
    ruleset = default_rules()
    if _DEFAULT[0] is not ruleset:
        _DEFAULT[1] = _compiled(ruleset["units"])
        _DEFAULT[0] = ruleset
    found: _Compiled = _DEFAULT[1]
    return found


def _has_space(text: str) -> bool:
    """Does ``text`` hold a str.isspace() character (a superset of the regexes' \\s)?  Every such
    character but the ASCII space is unprintable, so two C-level scans decide it."""
    return " " in text or not text.isprintable()


def split_units(text: str, rules: UnitRules | None = None) -> list[tuple[int, int]]:
    """[start, end) of each item of a unit list, splitting outside brackets only; a closing
    duty phrase (…按职责分工负责, rules ``trailing_duty``) and 等部门 are cut from the last name."""
    return [(a, b) for a, b, _ in split_names(text, rules)]


def plain_parts(text: str, rules: UnitRules | None = None) -> list[str] | None:
    """The pieces between the separators of the usual unit list (市住建局、各区人民政府), where
    ``split_names`` gives each non-empty piece as it is, as its own name (at its offset); None
    for any other text.

    Such a text has no whitespace (str.isspace() characters are the ASCII space and unprintable
    ones: the test is ``not _has_space(text)``), no bracket, nothing to cut (no piece closed by a
    duty phrase, no 等),
    and of _TRIM's characters only the separators, which split.  A text joined by 、 alone (the
    usual one) is split by str.split: there is no line break or tab either (printable)."""
    if " " not in text and _LIST_EXTRAS.search(text) is None and text.isprintable():
        parts = _SEPARATOR.split(text) if "，" in text or "," in text or "；" in text or ";" in text else text.split("、")
        c = _compiled(rules) if rules is not None else _default_compiled()
        if c.may_cut_duty(text) and any(c.cuts_duty(part) for part in parts):
            return None
        return parts
    return None


def split_names(text: str, rules: UnitRules | None = None) -> list[tuple[int, int, str]]:
    """``split_units`` with each item's ``clean_name`` (start, end, name)."""
    parts = plain_parts(text, rules)
    if parts is None:
        return _split_names(text, rules)
    if len(parts) == 1:  # one name, or none in an empty text
        return [(0, len(text), text)] if text else []
    out: list[tuple[int, int, str]] = []
    start = 0
    for part in parts:
        end = start + len(part)
        if part:
            out.append((start, end, part))
        start = end + 1
    return out


def _split_names(text: str, rules: UnitRules | None) -> list[tuple[int, int, str]]:
    """``split_names`` of a text ``plain_parts`` does not split."""
    out: list[tuple[int, int, str]] = []
    items: list[tuple[int, int]] = []
    spaced = _has_space(text)
    # the cuts only where they can change something (the same tests, once for the whole text);
    # the duty pattern is looked up only where its words are
    c = _compiled(rules) if rules is not None else _default_compiled()
    may_duty = c.may_cut_duty(text)
    duty = c.trailing_duty
    may_etc = "等" in text
    bracketed = _BRACKET.search(text) is not None
    # as in plain_parts, but brackets allowed: a piece is its own name unless it begins or ends
    # in a separator (inside brackets)
    plain = not (spaced or may_duty or may_etc) and _INNER_TRIM.search(text) is None
    if not bracketed:  # depth 0 throughout: every separator splits
        start = 0
        for part in _SEPARATOR.split(text):
            items.append((start, start + len(part)))
            start += len(part) + 1
    else:
        depth = 0
        start = 0
        for m in _LIST_MARKS.finditer(text):  # brackets and separators only, not every character
            ch = m.group()
            if ch in _OPEN:
                depth += 1
            elif ch in _CLOSE:
                depth = max(0, depth - 1)
            elif depth == 0:
                i = m.start()
                items.append((start, i))
                start = i + 1
        items.append((start, len(text)))
    if spaced:  # without a space anywhere no item has two words: _split_on_spaces keeps each
        items = [piece for a, b in items for piece in _split_on_spaces(text, a, b, rules)]
    for a, b in items:
        piece = text[a:b]
        if not piece:
            continue
        if plain and piece[0] not in _TRIM_MARKS and piece[-1] not in _TRIM_MARKS:
            out.append((a, b, piece))  # nothing to trim or cut: the loop below keeps it as it is
            continue
        # the regexes only where they can change something: _TRIM only at an end that is one of
        # its characters, and _ETC needs its 等
        first = piece[0]
        trim = _TRIM.match(piece) if first in _TRIM_MARKS or first.isspace() else None
        lead = trim.end() if trim else 0
        if lead:
            piece = piece[lead:]
        if may_duty and c.may_cut_duty(piece):
            cut = duty.search(piece)  # type: ignore[union-attr]
            if cut is not None and cut.start() > 0:
                piece = piece[: cut.start()]
        if may_etc and "等" in piece:
            piece = _ETC.sub("", piece)
        if piece and (piece[-1] in _TRIM_MARKS or piece[-1].isspace()):
            piece = _TRIM.sub("", piece)
        if piece:
            # the name is read back from the offsets (_ETC's $ may match before a last line break,
            # leaving a piece that is not the text between them)
            end = a + lead + len(piece)
            name = text[a + lead:end]
            out.append((a + lead, end, _SPACE_RUN.sub("", name) if spaced else name))
    return out


def _split_on_spaces(text: str, a: int, b: int, rules: UnitRules | None = None) -> list[tuple[int, int]]:
    """Split ``text[a:b]`` on spaces only when every part is a unit on its own
    (市公安局 市交通运输局); a space inside one name (市城市管理 综合执法局) stays inside it."""
    piece = text[a:b]
    if len(piece.split(None, 1)) <= 1:
        return [(a, b)]  # one word at most (every \s is a str.isspace() character): nothing to split
    parts = [(m.start() + a, m.end() + a) for m in _NON_SPACE.finditer(piece)]
    if len(parts) > 1 and all(looks_like_unit(text[x:y], rules) for x, y in parts):
        return parts
    return [(a, b)]


def clean_name(name: str) -> str:
    """A unit as the GUIDE writes it: line breaks and spaces removed."""
    return _SPACE_RUN.sub("", name) if _has_space(name) else name


def looks_like_unit(name: str, rules: UnitRules | None = None) -> bool:
    """Is ``name`` built like a unit name (or listed in the vocabulary)?"""
    c = _compiled(rules) if rules is not None else _default_compiled()
    return _looks_like_clean(clean_name(name), c)


def looks_like_clean_unit(name: str, rules: UnitRules | None = None) -> bool:
    """``looks_like_unit`` of a name already cleaned (as split_names gives them): clean_name leaves
    such a name as it is."""
    return _looks_like_clean(name, _compiled(rules) if rules is not None else _default_compiled())


def _looks_like_clean(name: str, c: _Compiled) -> bool:
    """``looks_like_unit`` of a name already cleaned (no whitespace)."""
    if not (2 <= len(name) <= 30):
        return False
    if name in c.vocabulary or name in c.aliases:
        return True
    if "（" in name or "(" in name:
        if _BAD.search(name):
            return False
        core = _BRACKETED.sub("", name)  # 各县（市、区）人民政府, 各乡镇（街道）
        if not core or not _NAME_CHARS.match(core):
            return False
        # no whitespace in either (a cleaned name): endswith is suffix.search
        return core.endswith(c.suffix_tuple) or name.rstrip("）)").endswith(c.suffix_tuple)
    # no bracket: _BRACKETED changes nothing, and rstrip("）)") neither; the three tests (no bad
    # word, name characters, a suffix) in any order, the cheap one first
    return name.endswith(c.suffix_tuple) and _BAD.search(name) is None and _NAME_CHARS.match(name) is not None


def is_unit_list(text: str, rules: UnitRules | None = None) -> bool:
    items = split_names(text, rules)
    return _all_units(items, rules)


def _all_units(items: list[tuple[int, int, str]], rules: UnitRules | None) -> bool:
    """``is_unit_list`` of the text ``items`` (from ``split_names``) were read from."""
    if not items:
        return False
    c = _compiled(rules) if rules is not None else _default_compiled()
    return all(_looks_like_clean(name, c) for _, _, name in items)


def unit_list_suffix(text: str, rules: UnitRules | None = None) -> int | None:
    """Where, in a short run-on span, the unit list at its end starts (None if there is none).

    Tries the natural boundaries first (after 。；, spaces); for a list glued straight to the end
    of a sentence it segments the span with jieba (vocabulary as user dictionary) and tries each
    word boundary from the left, so the longest unit list wins.
    """
    r = rules or unit_rules()
    stripped = text.rstrip()
    last = stripped.rfind  # (the last of 。；;！？, space and tab, one rfind each)
    for boundary in (max(last("。"), last("；"), last(";"), last("！"), last("？"), last(" "), last("\t")) + 1,):
        if stripped[boundary:] and is_unit_list(stripped[boundary:], r):
            return boundary + (len(stripped[boundary:]) - len(stripped[boundary:].lstrip()))
    stripped_start = max(0, len(stripped) - 80)  # jieba on short spans only
    # jieba only proposes where the list may start: where no tail of the span is a unit list at
    # all (the usual case: a sentence that ends in a date or a verb), the answer is None without
    # segmenting (and without opening jieba's dictionary at all)
    if not _some_tail_is_unit_list(stripped, stripped_start, r):
        return None
    offset = stripped_start
    c = _compiled(r)
    for start, word in _words(stripped[stripped_start:], r):  # leftmost: the longest list
        tail = stripped[offset + start:]
        starts_unit = (
            _UNIT_START_WORD.match(word)
            or word in c.vocabulary
            or (word[0] in "市区县省旗各"
            and looks_like_unit(word, r))
        )
        if starts_unit and is_unit_list(tail, r):
            return offset + start
    return None


_LIST_END_SEPARATORS = _SEPARATORS + "\n\t"  # the characters _SEPARATOR splits on
_CUT_WORDS = ("等", "职", "负责", "分工")  # what split_names's 等 and duty cuts need in a piece


def _some_tail_is_unit_list(stripped: str, lo: int, r: UnitRules) -> bool:
    """``any(is_unit_list(stripped[p:], r) for p in range(lo, len(stripped)))`` for a ``stripped``
    without trailing whitespace, worked out faster: rejected at once where no tail can be a unit
    list (_no_tail_is_unit_list), else the tails tried from the shortest (any() of the same
    answers in another order: is_unit_list has no side effect), which finds a list ending in a
    unit (…生态环境局: 境局 is one) in a few tries instead of ~70."""
    if lo >= len(stripped):
        return False
    if _no_tail_is_unit_list(stripped, lo, _compiled(r)):
        return False
    return any(is_unit_list(stripped[p:], r) for p in range(len(stripped) - 1, lo - 1, -1))


def _no_tail_is_unit_list(stripped: str, lo: int, c: _Compiled) -> bool:
    """True only when no ``stripped[p:]`` (lo <= p < len) is a unit list: a cheap necessary test.

    Let z be the last character, neither a separator, a _TRIM character, a bracket nor whitespace
    (``stripped`` has none at its end).  In split_names of any tail t, the last piece (after t's
    last separator at depth 0; split_names always keeps a last piece running to len(t)) holds z,
    and a split on spaces keeps z at the end of its last part (z is not \\s).  Unless that piece
    holds 等 or a duty word (the only cuts at its end; the trailing trim needs a _TRIM character
    or whitespace at the end, and the leading one stops before z), the last item's name ends
    with z.  _looks_like_clean of a name ending with z needs z to end a vocabulary word, an
    alias, or a suffix: ``name.rstrip("）)")`` and ``core`` (_BRACKETED cuts only groups ending
    in a bracket) end with z too.  So with z in none of ``c.last_chars``, every tail's last item
    fails, and is_unit_list with it.  The last piece lies within the region tested for the cut
    words: t's text after the last separator of the window when no tail holds a bracket (then
    every separator splits), else the whole window."""
    if c.last_chars is None:
        return False
    z = stripped[-1]
    if z in c.last_chars or z in _TRIM_MARKS or z in _LIST_END_SEPARATORS or z in _OPEN or z in _CLOSE or z.isspace():
        return False
    window = stripped[lo:]
    if _BRACKET.search(window) is None:
        window = window[max(window.rfind(ch) for ch in _LIST_END_SEPARATORS) + 1:]
    return not any(word in window for word in _CUT_WORDS)


def _words(span: str, rules: UnitRules) -> list[tuple[int, str]]:
    tokenizer = _jieba(rules)
    words = []
    pos = 0
    for word in tokenizer.cut(span, HMM=False):
        words.append((pos, word))
        pos += len(word)
    return words


def _jieba(rules: UnitRules) -> Any:
    return compiled(rules, _load_jieba)


def _load_jieba(rules: UnitRules) -> Any:
    from .segmenter import lookup_tokenizer  # jieba's dictionary looked up on disk, not loaded

    tokenizer = lookup_tokenizer()
    for word in [*rules.vocabulary, *rules.aliases, *rules.aliases.values()]:
        tokenizer.add_word(word, freq=100000)
    for suffix in rules.suffixes:
        tokenizer.add_word(suffix, freq=1000)
    return tokenizer


def _is_abbreviation(short: str, full: str) -> bool:
    """``short`` abbreviates ``full``: same first character, its characters in order in ``full``,
    its last character among the last three of ``full`` (市卫健委 ~ 市卫生健康委员会)."""
    if len(short) >= len(full) or short[0] != full[0] or short[-1] not in full[-3:]:
        return False
    return _in_order(short, full)


def _in_order(short: str, full: str) -> bool:
    """The characters of ``short`` appear in ``full`` in order (str.find instead of an iterator)."""
    pos = 0
    find = full.find
    for ch in short:
        pos = find(ch, pos) + 1
        if not pos:
            return False
    return True


def canonicalizer(names: list[str], rules: UnitRules | None = None) -> dict[str, str]:
    """name → canonical name for the units of one document (alias table, then learned)."""
    c = _compiled(rules) if rules is not None else _default_compiled()
    aliases = c.aliases
    distinct = list(dict.fromkeys(names))
    # an abbreviation starts like its full name: the names by first character, each group the
    # longest first (one stable sort of all: within a group, the order of a sort of the group)
    by_first: dict[str, list[tuple[int, str, str]]] = {}
    for name in sorted(distinct, key=len, reverse=True):
        entry = (len(name), name[-3:], name)
        group = by_first.get(name[:1])
        if group is None:
            by_first[name[:1]] = [entry]
        else:
            group.append(entry)
    canonical: dict[str, str] = {}
    for name in distinct:
        if name in aliases:
            canonical[name] = aliases[name]
            continue
        # _is_abbreviation inlined: within by_first[name[:1]] the first characters agree, and a
        # longer name is never ``name`` itself; then _in_order written out (no call per pair)
        size = len(name)
        last = name[-1:]
        found = None
        count = 0
        for length, tail, full in by_first[name[:1]]:
            if length <= size:
                break
            if last in tail:
                pos = 0
                for ch in name:
                    pos = full.find(ch, pos) + 1
                    if not pos:
                        break
                else:  # every character found, in order
                    found = full
                    count += 1
                    if count > 1:
                        break
        canonical[name] = found if count == 1 and found is not None else name
    return canonical
