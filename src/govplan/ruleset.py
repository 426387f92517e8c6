"""Rules are data: load, validate and merge the YAML rule files.

Each rule file ``<name>.yaml`` is validated by the pydantic model registered for ``<name>`` in
``SCHEMAS`` (``extra="forbid"``: an unknown key is an error).  An error names the file, the line
and the rule id.  A rule id is the dotted path of a key in its file (``clauses.labels.lead``,
``deadlines.negatives``); an item of a list of named rules is known by its name
(``outline.styles.cn``).  A key written twice is an error, not a silent override.

The default files ship inside the package (``govplan/rules``).  A user directory given with
``--rules DIR`` extends them, as ``extends: default`` does in yamllint (the line may be written
at the top of a user file; it is the default):

- mappings are merged key by key, recursively (a rule with the same id is overridden);
- lists of words and patterns are prepended, user items first, duplicates dropped;
- lists of named rules (``styles``) are merged by name: a user rule with a default rule's name
  replaces it in place, a new one is put first;
- scalars are replaced;
- ``replace: [rule id, …]`` takes the user's value of those rules as is (a list is not
  extended), ``replace: true`` the whole file.

Safety: YAML is read with the safe loader only (no tags that build objects), and every regular
expression a user file brings is compiled at load and probed for catastrophic backtracking (see
``probe_pattern``); a bad or catastrophic pattern is a ``RulesError`` naming file, line and rule.

Compiled regular expressions are cached per process (``RuleSet`` is built once per rules dir).
"""

from __future__ import annotations

import contextlib
import importlib
import itertools
import re
from collections.abc import Callable, Iterable, Iterator
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, ValidationError

from .errors import RulesError

# rule-file name -> "module:Class" of its schema; imported lazily so a stage pays only for itself
SCHEMAS: dict[str, str] = {
    "clean": "govplan.clean:CleanRules",
    "outline": "govplan.outline:OutlineRules",
    "meta": "govplan.meta:MetaRules",
    "clauses": "govplan.clauses:ClauseRules",
    "units": "govplan.units:UnitRules",
    "tasks": "govplan.tasks:TaskRules",
    "deadlines": "govplan.deadlines:DeadlineRules",
    "targets": "govplan.targets:TargetRules",
}


class RuleFile(BaseModel):
    """Base of every rule-file schema: strict and immutable."""

    model_config = ConfigDict(extra="forbid", frozen=True)


def examples_of(rule_file: BaseModel) -> list[tuple[str, Any]]:
    """(where, example) for every ``examples:`` entry of a rule file, its rule groups' first
    (e.g. ``("years.examples[2]", …)``), then the file's own."""
    found: list[tuple[str, Any]] = []
    for name in type(rule_file).model_fields:
        group = getattr(rule_file, name)
        examples = getattr(group, "examples", None) if isinstance(group, BaseModel) else None
        if isinstance(examples, list):
            found.extend((f"{name}.examples[{i}]", ex) for i, ex in enumerate(examples))
    own = getattr(rule_file, "examples", None)
    if isinstance(own, list):
        found.extend((f"examples[{i}]", ex) for i, ex in enumerate(own))
    return found


def field_mismatches(label: str, got: BaseModel, want: BaseModel) -> list[str]:
    """The fields an example's expectation sets (``want``) that the result (``got``) gets wrong."""
    return [
        f"{label}: {field} is {getattr(got, field)!r}, expected {getattr(want, field)!r}"
        for field in sorted(want.model_fields_set)
        if getattr(got, field) != getattr(want, field)
    ]


class RuleSet:
    """The rule files of one rules configuration, validated by name on first use."""

    def __init__(self, defaults: dict[str, tuple[str, str]], user: dict[str, tuple[str, str]]) -> None:
        self._defaults = defaults
        self._user = user
        self._files: dict[str, Any] = {}

    def __getitem__(self, name: str) -> Any:
        if name not in self._files:
            self._files[name] = _build(name, self._defaults.get(name), self._user.get(name))
        return self._files[name]

    def names(self) -> list[str]:
        return list(SCHEMAS)

    def sources(self, name: str) -> list[str]:
        return [found[0] for found in (self._defaults.get(name), self._user.get(name)) if found]

    def validate_all(self) -> None:
        """Validate every rule file now (``govplan rules check``); raises RulesError."""
        for name in SCHEMAS:
            self[name]


# --- YAML with line numbers -------------------------------------------------------------------


class _LineLoader(yaml.SafeLoader):
    """A safe loader that remembers the line of every mapping value and sequence item."""


# the same loader on libyaml's parser (the same nodes and lines, several times faster: most of a
# cold start's rule loading); a text it refuses is parsed again by _LineLoader, for its messages
_FAST_LOADER: Any = getattr(yaml, "CSafeLoader", None)


class _DuplicateKey(Exception):
    def __init__(self, key_path: tuple[Any, ...], line: int) -> None:
        super().__init__(key_path)
        self.key_path = key_path
        self.line = line


_PLAIN_TAGS = ("tag:yaml.org,2002:map", "tag:yaml.org,2002:seq")


def _construct(loader: _LineLoader, node: yaml.Node, path: tuple[Any, ...], lines: dict[tuple[Any, ...], int]) -> Any:
    lines[path] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode | yaml.SequenceNode) and node.tag not in _PLAIN_TAGS:
        # a tag such as !!python/object/apply: never built, always an error
        raise yaml.constructor.ConstructorError(None, None, f"tag {node.tag!r} is not allowed", node.start_mark)
    if isinstance(node, yaml.MappingNode):
        loader.flatten_mapping(node)  # YAML merge keys (<<) resolved as the safe loader does
        out: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            key = loader.construct_object(key_node, deep=True)
            if key in out:
                raise _DuplicateKey((*path, key), key_node.start_mark.line + 1)
            out[key] = _construct(loader, value_node, (*path, key), lines)
            lines[(*path, key)] = key_node.start_mark.line + 1
        return out
    if isinstance(node, yaml.SequenceNode):
        return [_construct(loader, item, (*path, i), lines) for i, item in enumerate(node.value)]
    return loader.construct_object(node, deep=True)


def load_yaml_with_lines(text: str, path: str) -> tuple[Any, dict[tuple[Any, ...], int]]:
    """The data of a YAML text (safe loading only) and the line of every key and item in it."""
    name = Path(path).stem
    if _FAST_LOADER is not None:
        with contextlib.suppress(yaml.YAMLError, _DuplicateKey):
            fast = _FAST_LOADER(text)
            try:
                node = fast.get_single_node()
                found: dict[tuple[Any, ...], int] = {}
                return (_construct(fast, node, (), found) if node is not None else None), found
            finally:
                fast.dispose()
    try:
        loader = _LineLoader(text)
        try:
            node = loader.get_single_node()
            lines: dict[tuple[Any, ...], int] = {}
            data = _construct(loader, node, (), lines) if node is not None else None
        finally:
            loader.dispose()
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        problem = getattr(err, "problem", None) or str(err)
        raise RulesError(f"not valid YAML: {problem}", path=path, line=line) from None
    except _DuplicateKey as dup:
        raise RulesError(f"rule {rule_id(name, dup.key_path)}: written twice (duplicate rule id)",
                         path=path, line=dup.line) from None
    return data, lines


def rule_id(name: str, key_path: Iterable[Any]) -> str:
    """``clauses`` + ("labels", "lead") -> ``clauses.labels.lead``."""
    return ".".join([name, *(str(part) for part in key_path)])


# --- loading ----------------------------------------------------------------------------------


def _schema(name: str) -> type[RuleFile]:
    module_name, cls_name = SCHEMAS[name].split(":")
    cls = getattr(importlib.import_module(module_name), cls_name)
    assert issubclass(cls, RuleFile)
    return cls


def _merge(base: Any, extra: Any, path: tuple[Any, ...] = (), replaced: frozenset[tuple[Any, ...]] = frozenset()) -> Any:
    """``extra`` (a user file's data) over ``base`` (the defaults'), as the module docstring says."""
    if path in replaced:
        return extra
    if isinstance(base, dict) and isinstance(extra, dict):
        merged = dict(base)
        for key, value in extra.items():
            merged[key] = _merge(base[key], value, (*path, key), replaced) if key in base else value
        return merged
    if isinstance(base, list) and isinstance(extra, list):
        if _named(base) and _named(extra):
            by_name = {item["name"]: item for item in extra}
            overridden = [by_name.pop(item["name"], item) for item in base]
            return [item for item in extra if item["name"] in by_name] + overridden
        out: list[Any] = []
        for item in [*extra, *base]:
            if item not in out:
                out.append(item)
        return out
    return extra


def _named(items: list[Any]) -> bool:
    """A list of named rules (each a mapping with a ``name``), merged by name."""
    return bool(items) and all(isinstance(item, dict) and isinstance(item.get("name"), str) for item in items)


def _line_of(loc: tuple[Any, ...], lines: dict[tuple[Any, ...], int]) -> int | None:
    for cut in range(len(loc), -1, -1):  # the deepest located node the key is under
        if loc[:cut] in lines:
            return lines[loc[:cut]]
    return None


def _validate(name: str, data: Any, path: str, lines: dict[tuple[Any, ...], int]) -> RuleFile:
    schema = _schema(name)
    try:
        return schema.model_validate(data or {})
    except ValidationError as err:
        first = err.errors()[0]
        loc = tuple(first["loc"])
        raise RulesError(f"rule {rule_id(name, loc)}: {first['msg']}", path=path, line=_line_of(loc, lines)) from None


def _default_dir() -> Path:
    return Path(str(resources.files("govplan") / "rules"))


def _read_dir(directory: Path) -> dict[str, tuple[str, str]]:
    """name -> (path, text) of the rule files in ``directory``."""
    if not directory.is_dir():
        raise RulesError("not a directory of rule files", path=str(directory))
    found: dict[str, tuple[str, str]] = {}
    for file in sorted(directory.glob("*.yaml")) + sorted(directory.glob("*.yml")):
        name = file.stem
        if name not in SCHEMAS:
            known = ", ".join(sorted(SCHEMAS))
            raise RulesError(f"unknown rule file {file.name!r} (known: {known})", path=str(file))
        try:
            found[name] = (str(file), file.read_text(encoding="utf-8"))
        except UnicodeDecodeError:
            raise RulesError("not UTF-8 text: save the rule file as UTF-8", path=str(file)) from None
        except OSError as err:
            raise RulesError(f"cannot read the rule file: {err.strerror or err}", path=str(file)) from None
    return found


_USER_KEYS = ("extends", "replace")


def _build(name: str, default: tuple[str, str] | None, user: tuple[str, str] | None) -> RuleFile:
    data: Any = {}
    if default is not None:
        path, text = default
        data, lines = load_yaml_with_lines(text, path)
        validated = _validate(name, data, path, lines)
        if user is None:
            return validated
    if user is not None:
        path, text = user
        extra, lines = load_yaml_with_lines(text, path)
        if extra is None:
            extra = {}
        if not isinstance(extra, dict):
            raise RulesError("a rule file must be a mapping at its top", path=path, line=1)
        extends = extra.pop("extends", "default")
        if extends != "default":
            raise RulesError(f"extends: {extends!r} is not known (only 'default')", path=path, line=lines.get(("extends",)))
        replace = extra.pop("replace", False)
        check_user_patterns(name, extra, path, lines)
        if replace is True:
            data = extra
        else:
            data = _merge(data or {}, extra, (), _replaced_paths(name, replace, extra, path, lines))
        return _validate(name, data, path, lines)
    return _schema(name).model_validate(data or {})


def _replaced_paths(name: str, replace: Any, extra: dict[str, Any], path: str,
                    lines: dict[tuple[Any, ...], int]) -> frozenset[tuple[Any, ...]]:
    """The key paths of ``replace: [rule id, …]`` (ids with or without the file name)."""
    if replace is False or replace is None:
        return frozenset()
    if not isinstance(replace, list) or not all(isinstance(r, str) for r in replace):
        raise RulesError("replace: must be true or a list of rule ids", path=path, line=lines.get(("replace",)))
    found = set()
    for i, rid in enumerate(replace):
        parts = rid.split(".")
        if parts[0] == name and len(parts) > 1:
            parts = parts[1:]
        node: Any = extra
        for part in parts:
            if not isinstance(node, dict) or part not in node:
                raise RulesError(f"replace: rule {rid!r} is not in this file", path=path, line=lines.get(("replace", i)))
            node = node[part]
        found.add(tuple(parts))
    return frozenset(found)


# --- regular expressions in rule files --------------------------------------------------------

# rule file -> key paths whose strings are regular expressions ("*": every item of a list or map)
PATTERN_FIELDS: dict[str, tuple[tuple[str, ...], ...]] = {
    "clean": (("junk_lines", "*"), ("footer_markers", "*"), ("inline_junk", "*"), ("label_line",)),
    "outline": (("styles", "*", "pattern"), ("not_after_number",)),
    "meta": (("notice_title",), ("doc_number",), ("date_line",)),
    "tasks": (("non_plan_titles", "*"), ("deadline_cell",), ("closing_lines", "*")),
    "deadlines": (("negatives", "patterns", "*"),),
    "targets": (("licensing", "constructions", "*"), ("not_targets", "patterns", "*"),
                ("indicator", "drop_patterns", "*")),
}
# rule files whose patterns carry macros, and the function that fills them in (pattern -> regex)
PATTERN_MACROS: dict[str, str] = {"targets": "govplan.targets:_expand"}

PROBE_TIMEOUT = 0.05  # seconds one probe may take; catastrophic backtracking takes hours
_PROBE_RUN = 48  # characters in a probe: 2**48 steps for (a|a)+, φ**48 for (a|aa)+


def iter_patterns(name: str, data: Any) -> Iterator[tuple[tuple[Any, ...], str]]:
    """(key path, pattern) of every regular expression in a rule file's data."""
    for field in PATTERN_FIELDS.get(name, ()):
        yield from _walk(data, (), field)


def _walk(node: Any, path: tuple[Any, ...], field: tuple[str, ...]) -> Iterator[tuple[tuple[Any, ...], str]]:
    if not field:
        if isinstance(node, str):
            yield path, node
        return
    head, rest = field[0], field[1:]
    if head == "*":
        items = node.items() if isinstance(node, dict) else enumerate(node) if isinstance(node, list) else ()
        for key, value in items:
            yield from _walk(value, (*path, key), rest)
    elif isinstance(node, dict) and head in node:
        yield from _walk(node[head], (*path, head), rest)


def _pattern_id(name: str, data: Any, key_path: tuple[Any, ...]) -> str:
    """The rule id of a pattern: list items of named rules by their name."""
    parts: list[str] = []
    node = data
    for part in key_path:
        child = node[part] if isinstance(node, dict | list) else None
        if isinstance(part, int):
            label = child.get("name") if isinstance(child, dict) else None
            parts.append(str(label) if isinstance(label, str) else str(part))
        else:
            parts.append(str(part))
        node = child
    return rule_id(name, parts)


def _expander(name: str) -> Any:
    target = PATTERN_MACROS.get(name)
    if target is None:
        return None
    module_name, attr = target.split(":")
    expand = getattr(importlib.import_module(module_name), attr)
    return lambda pattern: expand(pattern, ["个"])


def pattern_problem(pattern: str, expand: Any = None) -> str | None:
    """Why ``pattern`` cannot be used (does not compile, or backtracks catastrophically), or None."""
    import regex

    try:
        compiled_pattern = regex.compile(expand(pattern) if expand else pattern)
    except (regex.error, KeyError, IndexError, ValueError) as err:
        return f"bad regular expression: {err}"
    return probe_pattern(compiled_pattern)


def check_user_patterns(name: str, data: Any, path: str, lines: dict[tuple[Any, ...], int]) -> None:
    """Compile and probe every pattern of a user's rule file; the first bad one is a RulesError."""
    expand = None
    for key_path, pattern in iter_patterns(name, data):
        if expand is None:
            expand = _expander(name) or (lambda p: p)
        problem = pattern_problem(pattern, expand)
        if problem:
            raise RulesError(f"rule {_pattern_id(name, data, key_path)}: {problem} in {pattern!r}",
                             path=path, line=_line_of(key_path, lines))


def probe_pattern(compiled_pattern: Any) -> str | None:
    """Search adversarial texts built from the pattern's own characters, each under a time limit.

    A pattern whose matching time explodes on some input (nested or overlapping repetition such
    as ``(a|aa)+$``) explodes on a long run of the characters it repeats followed by one that makes
    the match fail; the probes are such runs, of every character the pattern names or stands for
    (``\\p{Han}`` → 汉, ``\\d`` → 1 …) and of every pair of them, with and without the pattern's
    literal prefix.  Returns a description of the first probe that timed out, else None.
    """
    named = _probe_chars(compiled_pattern.pattern)
    chars = named[:16]
    # what may have to come before the repeated part: its literal prefix, or one of the
    # characters the pattern names first ({num}\s*(?:\s|\s\s)+ needs a digit before the spaces)
    prefixes = list(dict.fromkeys(["", _literal_prefix(compiled_pattern.pattern), *named[:4]]))
    # the run ends in a character the pattern never names; then, so that an engine which first
    # looks for a required literal (年 of (\d|\d\d)+年) still tries, in all the pattern's characters
    tails = ("\u2603", "\u2603" + "".join(named))
    bodies = [ch * _PROBE_RUN for ch in chars]
    bodies += [(a + b) * (_PROBE_RUN // 2) for a, b in itertools.permutations(chars, 2)]
    for body in bodies:
        for lead, tail in itertools.product(prefixes, tails):
            probe = lead + body + tail
            if not _times_out(compiled_pattern, probe):
                continue
            if _times_out(compiled_pattern, probe, PROBE_TIMEOUT * 10):  # not a pause of a busy machine
                shown = body[:6] + "…"
                return (f"catastrophic backtracking: matching {len(probe)} characters ({lead}{shown}) takes more than "
                        f"{PROBE_TIMEOUT * 10}s; make the repeated parts unambiguous (no (a|aa)+, (x+)*x+)")
    return None


def _times_out(compiled_pattern: Any, probe: str, timeout: float = PROBE_TIMEOUT) -> bool:
    try:
        compiled_pattern.search(probe, timeout=timeout)
    except TimeoutError:
        return True
    return False


_BASE_PROBE_CHARS = "a1汉 ，"
_CLASS_SAMPLES = {"d": "1", "w": "a", "s": " ", "D": "a", "W": "，", "S": "a", "n": "\n", "t": "\t", "b": "", "B": "",
                  "A": "", "Z": "", "z": ""}


def _probe_chars(pattern: str) -> list[str]:
    """The characters a pattern stands for (\\d → 1, \\p{Han} → 汉, . → a) first, then the literal
    characters it names (two of each [class]), then a few of every kind."""
    samples: list[str] = []
    literals: list[str] = []
    i = 0
    in_class = 0  # characters taken from the current [class]
    while i < len(pattern):
        ch = pattern[i]
        if ch == "\\" and i + 1 < len(pattern):
            nxt = pattern[i + 1]
            if nxt in "pP" and i + 2 < len(pattern) and pattern[i + 2] == "{":
                close = pattern.find("}", i)
                prop = pattern[i + 3 : close] if close > 0 else ""
                samples.append("汉" if "han" in prop.lower() else "a")
                i = close + 1 if close > 0 else i + 2
                continue
            if nxt in _CLASS_SAMPLES:
                samples.append(_CLASS_SAMPLES[nxt])
            elif not nxt.isalnum():
                literals.append(nxt)
            i += 2
            continue
        if ch == "(" and pattern.startswith("?", i + 1):  # (?:  (?=  (?<!  (?P<name>: no characters
            ends = [k for k in (pattern.find(c, i + 2) for c in ":=!>") if k > 0]
            i = min(ends) + 1 if ends else i + 2
            continue
        if ch == "[":
            in_class = 1
        elif ch == "]":
            in_class = 0
        elif ch == "{" and not in_class:
            close = pattern.find("}", i)
            i = close + 1 if close > 0 else i + 1  # a {m,n} quantifier names no characters
            continue
        elif ch == "." and not in_class:
            samples.append("a")
        elif ch not in "()|*+?^$-" and (not in_class or in_class <= 2):
            literals.append(ch)
            if in_class:
                in_class += 1
        i += 1
    return [ch for ch in dict.fromkeys([*samples, *literals, *_BASE_PROBE_CHARS]) if ch]


def _literal_prefix(pattern: str) -> str:
    """The literal characters a pattern starts with (after ``^``), e.g. ``第`` of ``^第(…)章``."""
    out = []
    for ch in pattern.lstrip("^"):
        if ch in "\\()[]{}|*+?^$.":
            break
        out.append(ch)
    if out and pattern.lstrip("^")[len(out) : len(out) + 1] in ("*", "+", "?", "{"):
        out.pop()  # a quantified last character is not a fixed prefix
    return "".join(out)


@cache
def load_rules(user_dir: str | None = None) -> RuleSet:
    """The default rules, extended by the files in ``user_dir`` if given.  Cached per process."""
    defaults = _read_dir(_default_dir())
    user = _read_dir(Path(user_dir)) if user_dir else {}
    return RuleSet(defaults, user)


def default_rules() -> RuleSet:
    return load_rules(None)


_COMPILED: dict[tuple[int, str], tuple[Any, Any]] = {}
# the same answers keyed by the build object itself, for builds defined at module level (a class
# or a function that lives as long as the process): one tuple hash instead of formatting a name,
# on a path taken thousands of times a document
_BY_BUILD: dict[tuple[int, Any], Any] = {}


def compiled(rules: Any, build: Any) -> Any:
    """``build(rules)``, computed once per process for each rules object (rule files are frozen
    but hold lists, so they cannot be hashed; the object is kept alive so its id stays unique)."""
    fast = (id(rules), build)
    hashable = True
    try:
        return _BY_BUILD[fast]
    except KeyError:
        pass
    except TypeError:  # a build that cannot be hashed
        hashable = False
    name = f"{getattr(build, '__module__', '')}.{getattr(build, '__qualname__', repr(build))}"
    key = (id(rules), name)
    hit = _COMPILED.get(key)
    if hit is None:
        hit = (rules, build(rules))
        _COMPILED[key] = hit
    if hashable and "<" not in name:  # not a lambda or a local function: its identity is stable
        _BY_BUILD[fast] = hit[1]  # the rules object is kept alive by _COMPILED
    return hit[1]


# --- the words a pattern needs (prefilters: a pattern is not run on a text lacking them) ------------

# syntax the stdlib reads otherwise than ``regex`` (inline flags, fuzzy {e<=1}, [[:alpha:]], nested
# sets, named lists): nothing is read from such a pattern
_FOREIGN_SYNTAX = re.compile(r"\\L|\(\?(?!P[<=]|[:=!<>])|\{(?!\d|,)|\[:\^?[A-Za-z]+:\]|\[\[")
_UNICODE_CLASS = re.compile(r"\\[pP](?:\{[^}]*\}|\w)")


def stdlib_tree(pattern: str, unicode_class: Callable[[re.Match[str]], str]) -> tuple[list[Any], Any] | None:
    """The items of ``pattern`` as the standard library's (private) regex parser reads them, and
    its opcode module, each \\p{…} class (unknown to the stdlib) replaced by ``unicode_class`` of
    its match; None where that reading could differ from ``regex``'s (an escaped backslash, flags,
    fuzzy matching, POSIX classes, nested sets, named lists, a warning) or fails.  What
    ``needed_words`` and outline's ``first_class``/``needed_suffix`` read patterns with."""
    if "\\\\" in pattern:  # an escaped backslash could be read as the start of \p
        return None
    text = _UNICODE_CLASS.sub(unicode_class, pattern)
    if _FOREIGN_SYNTAX.search(text):
        return None
    try:
        import warnings

        parser = importlib.import_module("re._parser")
        ops = importlib.import_module("re._constants")
        with warnings.catch_warnings(record=True) as warned:
            warnings.simplefilter("always")
            tree = parser.parse(text)
        if warned or tree.state.flags & ~ops.SRE_FLAG_UNICODE:
            return None
        return list(tree), ops
    except Exception:  # a pattern the stdlib cannot read, a parser of another shape
        return None
_SMALL_RANGE = 64  # a class range of at most this many characters is listed (一-十 is not: too wide)


def _minimal(words: Iterable[str]) -> tuple[str, ...]:
    """``words`` without those holding another of them: a text holds one of the result exactly
    when it holds one of ``words`` (十 stands for 二十)."""
    unique = set(words)
    return tuple(sorted(w for w in unique if not any(o != w and o in w for o in unique)))


def needed_words(pattern: str) -> tuple[tuple[str, ...], ...]:
    """Groups of words such that every match of ``pattern`` holds a word of each group (a text
    lacking all words of a group has no match); () when nothing is known.

    Read from the tree of the standard library's regex parser (private, so every failure means
    "nothing known"): literal runs, classes of literals and small ranges, groups, repeats of at
    least one, and branches (a word of each branch).  Anything else (\\d, lookarounds, back
    references) requires nothing.  A pattern with syntax the stdlib reads otherwise than
    ``regex`` (flags, fuzzy matching, POSIX classes, or one it warns about) gets ()."""
    parsed = stdlib_tree(pattern, lambda m: "\\w")  # \w: a class that needs nothing
    if parsed is None:
        return ()
    try:
        return tuple(_sequence_needs(*parsed))
    except Exception:  # a parser of another shape
        return ()


def tightness(group: tuple[str, ...]) -> tuple[int, int]:
    """Fewer words first, then longer ones: the group a text most likely lacks."""
    return len(group), -min(len(word) for word in group)


def _class_chars(items: Any, ops: Any) -> list[str] | None:
    out: list[str] = []
    for op, arg in items:
        if op is ops.LITERAL:
            out.append(chr(arg))
        elif op is ops.RANGE and arg[1] - arg[0] < _SMALL_RANGE:
            out.extend(chr(c) for c in range(arg[0], arg[1] + 1))
        else:
            return None  # negated, a category, a wide range
    return out or None


def _sequence_needs(items: list[Any], ops: Any) -> list[tuple[str, ...]]:
    groups: list[tuple[str, ...]] = []
    run = ""  # the literal characters read in a row
    for op, arg in items:
        if op is ops.LITERAL:
            run += chr(arg)
            continue
        if run:
            groups.append((run,))
            run = ""
        if op is ops.IN:
            chars = _class_chars(arg, ops)
            if chars is not None:
                groups.append(_minimal(chars))
        elif op is ops.SUBPATTERN:
            _, add_flags, del_flags, inner = arg
            if not add_flags and not del_flags:
                groups.extend(_sequence_needs(list(inner), ops))
        elif op in (ops.MAX_REPEAT, ops.MIN_REPEAT, ops.POSSESSIVE_REPEAT):
            low, _, inner = arg
            if low >= 1:
                groups.extend(_sequence_needs(list(inner), ops))
        elif op is ops.ATOMIC_GROUP:
            groups.extend(_sequence_needs(list(arg), ops))
        elif op is ops.BRANCH:
            words: list[str] = []
            for branch in arg[1]:
                needs = _sequence_needs(list(branch), ops)
                if not needs:
                    break
                tightest: tuple[str, ...] = min(needs, key=tightness)  # the group a text most likely lacks
                words.extend(tightest)
            else:
                groups.append(_minimal(words))
    if run:
        groups.append((run,))
    return groups
