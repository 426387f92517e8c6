"""Rules are data: load, validate and merge the YAML rule files.

Each rule file ``<name>.yaml`` is validated by the pydantic model registered for ``<name>`` in
``SCHEMAS`` (``extra="forbid"``: an unknown key is an error).  An error names the file, the line
and the rule.  The default files ship inside the package (``govplan/rules``); a user directory
given with ``--rules DIR`` extends them: lists are prepended (user rules win ties), mappings are
updated, scalars replaced.  A user file with ``replace: true`` at its top replaces the default.

Compiled regular expressions are cached per process (``RuleSet`` is built once per rules dir).
"""

from __future__ import annotations

import importlib
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


def _construct(loader: _LineLoader, node: yaml.Node, path: tuple[Any, ...], lines: dict[tuple[Any, ...], int]) -> Any:
    lines[path] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        out: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            key = loader.construct_object(key_node, deep=True)
            out[key] = _construct(loader, value_node, (*path, key), lines)
            lines[(*path, key)] = key_node.start_mark.line + 1
        return out
    if isinstance(node, yaml.SequenceNode):
        return [_construct(loader, item, (*path, i), lines) for i, item in enumerate(node.value)]
    return loader.construct_object(node, deep=True)


def load_yaml_with_lines(text: str, path: str) -> tuple[Any, dict[tuple[Any, ...], int]]:
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
    return data, lines


# --- loading ----------------------------------------------------------------------------------


def _schema(name: str) -> type[RuleFile]:
    module_name, cls_name = SCHEMAS[name].split(":")
    cls = getattr(importlib.import_module(module_name), cls_name)
    assert issubclass(cls, RuleFile)
    return cls


def _merge(base: Any, extra: Any) -> Any:
    if isinstance(base, dict) and isinstance(extra, dict):
        merged = dict(base)
        for key, value in extra.items():
            merged[key] = _merge(base[key], value) if key in base else value
        return merged
    if isinstance(base, list) and isinstance(extra, list):
        return [*extra, *base]
    return extra


def _validate(name: str, data: Any, path: str, lines: dict[tuple[Any, ...], int]) -> RuleFile:
    schema = _schema(name)
    try:
        return schema.model_validate(data or {})
    except ValidationError as err:
        first = err.errors()[0]
        loc = tuple(first["loc"])
        line = None
        for cut in range(len(loc), -1, -1):  # the deepest located node the error is under
            if loc[:cut] in lines:
                line = lines[loc[:cut]]
                break
        rule = ".".join(str(p) for p in loc) or name
        raise RulesError(f"rule {rule}: {first['msg']}", path=path, line=line) from None


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
        found[name] = (str(file), file.read_text(encoding="utf-8"))
    return found


def _build(name: str, default: tuple[str, str] | None, user: tuple[str, str] | None) -> RuleFile:
    data: Any = {}
    if default is not None:
        path, text = default
        data, lines = load_yaml_with_lines(text, path)
        _validate(name, data, path, lines)
    if user is not None:
        path, text = user
        extra, lines = load_yaml_with_lines(text, path)
        if not isinstance(extra, dict):
            raise RulesError("a rule file must be a mapping at its top", path=path, line=1)
        replace = bool(extra.pop("replace", False))
        data = extra if replace else _merge(data or {}, extra)
        return _validate(name, data, path, lines)
    return _schema(name).model_validate(data or {})


@cache
def load_rules(user_dir: str | None = None) -> RuleSet:
    """The default rules, extended by the files in ``user_dir`` if given.  Cached per process."""
    defaults = _read_dir(_default_dir())
    user = _read_dir(Path(user_dir)) if user_dir else {}
    return RuleSet(defaults, user)


def default_rules() -> RuleSet:
    return load_rules(None)


_COMPILED: dict[tuple[int, str], tuple[Any, Any]] = {}


def compiled(rules: Any, build: Any) -> Any:
    """``build(rules)``, computed once per process for each rules object (rule files are frozen
    but hold lists, so they cannot be hashed; the object is kept alive so its id stays unique)."""
    key = (id(rules), f"{getattr(build, '__module__', '')}.{getattr(build, '__qualname__', repr(build))}")
    hit = _COMPILED.get(key)
    if hit is None:
        hit = (rules, build(rules))
        _COMPILED[key] = hit
    return hit[1]
