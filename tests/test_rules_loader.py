"""Rule files are parsed by libyaml when PyYAML has it (most of a cold start's rule loading), with
the pure-Python parser as the reference: the same data and lines, and its messages for bad YAML."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from govplan import ruleset
from govplan.errors import RulesError

RULES = sorted((Path(ruleset.__file__).parent / "rules").glob("*.yaml"))

pytestmark = pytest.mark.skipif(ruleset._FAST_LOADER is None, reason="PyYAML without libyaml")


def _pure(monkeypatch: pytest.MonkeyPatch, text: str, path: str) -> object:
    with monkeypatch.context() as patched:
        patched.setattr(ruleset, "_FAST_LOADER", None)
        try:
            return ruleset.load_yaml_with_lines(text, path)
        except RulesError as err:
            return f"{err}"


def _fast(text: str, path: str) -> object:
    try:
        return ruleset.load_yaml_with_lines(text, path)
    except RulesError as err:
        return f"{err}"


def test_default_rule_files_load_the_same_with_libyaml(monkeypatch: pytest.MonkeyPatch) -> None:
    assert len(RULES) >= 5
    for file in RULES:
        text = file.read_text(encoding="utf-8")
        data, lines = ruleset.load_yaml_with_lines(text, str(file))
        assert (data, lines) == _pure(monkeypatch, text, str(file))
        assert data and max(lines.values()) > 10


@pytest.mark.parametrize(
    "text",
    [
        "a: b: c",
        "a:\n  - x\n y: 2",
        "a: [1, 2",
        "\tfoo: 1",
        "a: 1\na: 2",
        "k: !!python/object/apply:os.system ['x']",
        "a: 1\n---\nb: 2",
        "base: &b {x: 1}\nmore:\n  <<: *b\n  y: 2\nlist:\n  - 1\n  - [2, 3]\n  - '4'\n  - 2023-05-01\n",
        "",
        "# only a comment\n",
    ],
)
def test_texts_load_or_fail_as_with_the_pure_python_parser(monkeypatch: pytest.MonkeyPatch, text: str) -> None:
    assert _fast(text, "rules/clauses.yaml") == _pure(monkeypatch, text, "rules/clauses.yaml")


def test_a_refused_text_keeps_the_pure_python_message() -> None:
    with pytest.raises(RulesError) as caught:
        ruleset.load_yaml_with_lines("a: b: c", "rules/clauses.yaml")
    assert "mapping values are not allowed here" in str(caught.value)
    assert caught.value.line == 1
    assert isinstance(yaml.CSafeLoader("a: 1"), ruleset._FAST_LOADER)
