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

from .ruleset import RuleFile, RuleSet, compiled, default_rules


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
_LIST_MARKS = regex.compile("[" + regex.escape(_OPEN + _CLOSE + _SEPARATORS) + "\n\t]")
_PLAIN_END = re.compile(r"[\u4e00-\u9fffA-Za-z0-9]")  # never a space nor punctuation
_TRIM = regex.compile(r"^[\s:：、，,；;。.]+|[\s:：、，,；;。.]+$")
_ETC = regex.compile(r"等(?:相关|有关|其他)?(?:单位|部门|企业|机构)?[。.]?$")
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
        self.rules = rules


def _compiled(rules: UnitRules) -> _Compiled:
    return compiled(rules, _Compiled)


def unit_rules(rules: RuleSet | None = None) -> UnitRules:
    found: UnitRules = (rules or default_rules())["units"]
    return found


def split_units(text: str, rules: UnitRules | None = None) -> list[tuple[int, int]]:
    """[start, end) of each item of a unit list, splitting outside brackets only; a closing
    duty phrase (…按职责分工负责, rules ``trailing_duty``) and 等部门 are cut from the last name."""
    duty = _compiled(rules or unit_rules()).trailing_duty
    items: list[tuple[int, int]] = []
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
    items = [piece for a, b in items for piece in _split_on_spaces(text, a, b)]
    out = []
    for a, b in items:
        piece = text[a:b]
        if not piece:
            continue
        # the regexes only where they can change something: an ideograph or a letter at an end
        # is never punctuation or a space, and _ETC needs its 等
        m = None if _PLAIN_END.match(piece[0]) else _TRIM.match(piece)
        lead = m.end() if m else 0
        if lead:
            piece = piece[lead:]
        if duty is not None and ("职" in piece or "负责" in piece or "分工" in piece):
            cut = duty.search(piece)
            if cut is not None and cut.start() > 0:
                piece = piece[: cut.start()]
        if "等" in piece:
            piece = _ETC.sub("", piece)
        if piece and not _PLAIN_END.match(piece[-1]):
            piece = _TRIM.sub("", piece)
        if piece:
            out.append((a + lead, a + lead + len(piece)))
    return out


def _split_on_spaces(text: str, a: int, b: int) -> list[tuple[int, int]]:
    """Split ``text[a:b]`` on spaces only when every part is a unit on its own
    (市公安局 市交通运输局); a space inside one name (市城市管理 综合执法局) stays inside it."""
    piece = text[a:b]
    if len(piece.split(None, 1)) <= 1:
        return [(a, b)]  # one word at most (every \s is a str.isspace() character): nothing to split
    parts = [(m.start() + a, m.end() + a) for m in _NON_SPACE.finditer(piece)]
    if len(parts) > 1 and all(looks_like_unit(text[x:y]) for x, y in parts):
        return parts
    return [(a, b)]


def clean_name(name: str) -> str:
    """A unit as the GUIDE writes it: line breaks and spaces removed."""
    return _SPACE_RUN.sub("", name)


def looks_like_unit(name: str, rules: UnitRules | None = None) -> bool:
    """Is ``name`` built like a unit name (or listed in the vocabulary)?"""
    c = _compiled(rules or unit_rules())
    name = clean_name(name)
    if not (2 <= len(name) <= 30):
        return False
    if name in c.vocabulary or name in c.aliases:
        return True
    if _BAD.search(name):
        return False
    core = _BRACKETED.sub("", name)  # 各县（市、区）人民政府, 各乡镇（街道）
    if not core or not _NAME_CHARS.match(core):
        return False
    return bool(c.suffix.search(core) or c.suffix.search(name.rstrip("）)")))


def is_unit_list(text: str, rules: UnitRules | None = None) -> bool:
    items = split_units(text)
    return bool(items) and all(looks_like_unit(text[a:b], rules) for a, b in items)


def unit_list_suffix(text: str, rules: UnitRules | None = None) -> int | None:
    """Where, in a short run-on span, the unit list at its end starts (None if there is none).

    Tries the natural boundaries first (after 。；, spaces); for a list glued straight to the end
    of a sentence it segments the span with jieba (vocabulary as user dictionary) and tries each
    word boundary from the left, so the longest unit list wins.
    """
    r = rules or unit_rules()
    stripped = text.rstrip()
    for boundary in (max(stripped.rfind(ch) for ch in "。；;！？ \t") + 1,):
        if stripped[boundary:] and is_unit_list(stripped[boundary:], r):
            return boundary + (len(stripped[boundary:]) - len(stripped[boundary:].lstrip()))
    stripped_start = max(0, len(stripped) - 80)  # jieba on short spans only
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
    import logging

    import jieba

    jieba.setLogLevel(logging.WARNING)
    tokenizer = jieba.Tokenizer()
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
    it = iter(full)
    return all(ch in it for ch in short)


def canonicalizer(names: list[str], rules: UnitRules | None = None) -> dict[str, str]:
    """name → canonical name for the units of one document (alias table, then learned)."""
    c = _compiled(rules or unit_rules())
    distinct = list(dict.fromkeys(names))
    by_first: dict[str, list[str]] = {}  # an abbreviation starts like its full name
    for name in distinct:
        by_first.setdefault(name[:1], []).append(name)
    canonical: dict[str, str] = {}
    for name in distinct:
        if name in c.aliases:
            canonical[name] = c.aliases[name]
            continue
        longer = [full for full in by_first[name[:1]] if full != name and _is_abbreviation(name, full)]
        canonical[name] = max(longer, key=len) if len(longer) == 1 else name
    return canonical
