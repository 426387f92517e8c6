"""Rule files: validated at load (errors name file, line and rule), user directories extend the
defaults, and every rule's examples pass (the same list `govplan rules check` runs)."""

from __future__ import annotations

from pathlib import Path

import pytest

from govplan.errors import RulesError
from govplan.rulecheck import check
from govplan.ruleset import SCHEMAS, default_rules, load_rules

RESULTS = check(default_rules())


@pytest.mark.parametrize("result", RESULTS, ids=[f"{r.file}:{r.input[:24]}" for r in RESULTS])
def test_rule_example(result) -> None:  # type: ignore[no-untyped-def]
    assert result.ok, result.message


def test_every_rule_file_carries_examples() -> None:
    files = {r.file for r in RESULTS}
    assert files == set(SCHEMAS)


def test_defaults_validate() -> None:
    default_rules().validate_all()


def _load(tmp_path: Path, name: str, text: str) -> None:
    (tmp_path / f"{name}.yaml").write_text(text, encoding="utf-8")
    load_rules.cache_clear()
    try:
        load_rules(str(tmp_path))[name]
    finally:
        load_rules.cache_clear()


def test_unknown_key_names_file_line_and_rule(tmp_path: Path) -> None:
    with pytest.raises(RulesError) as info:
        _load(tmp_path, "outline", "title_max_chars: 30\ntitle_stops: ['。']\nmax_depth: 3\n")
    message = str(info.value)
    assert message.startswith(f"{tmp_path / 'outline.yaml'}:3:")
    assert "max_depth" in message


def test_wrong_type_points_at_the_item(tmp_path: Path) -> None:
    with pytest.raises(RulesError) as info:
        _load(tmp_path, "units", "suffixes:\n  - 局\n  - [委, 办]\n")
    assert ":3:" in str(info.value) and "suffixes.1" in str(info.value)


def test_broken_yaml_is_a_rules_error(tmp_path: Path) -> None:
    with pytest.raises(RulesError) as info:
        _load(tmp_path, "clauses", "labels: [unclosed\n")
    assert "clauses.yaml" in str(info.value)


def test_unknown_rule_file(tmp_path: Path) -> None:
    (tmp_path / "headings.yaml").write_text("x: 1\n", encoding="utf-8")
    load_rules.cache_clear()
    with pytest.raises(RulesError, match="unknown rule file"):
        load_rules(str(tmp_path))
    load_rules.cache_clear()


def test_user_file_extends_lists_and_maps(tmp_path: Path) -> None:
    (tmp_path / "units.yaml").write_text("aliases:\n  市城管委: 市城市管理委员会\nvocabulary: [某某联络组]\n", encoding="utf-8")
    load_rules.cache_clear()
    rules = load_rules(str(tmp_path))["units"]
    load_rules.cache_clear()
    assert rules.aliases["市城管委"] == "市城市管理委员会"
    assert rules.aliases["市住建局"] == "市住房和城乡建设局"  # defaults kept
    assert rules.vocabulary[0] == "某某联络组" and "市委政法委" in rules.vocabulary


def test_user_file_can_replace(tmp_path: Path) -> None:
    (tmp_path / "tasks.yaml").write_text(
        "replace: true\nworking_sections: [攻坚行动]\nnon_working_sections: []\ntable_columns: {number: [序号], task: [任务]}\ndeadline_cell: '年底'\n",
        encoding="utf-8",
    )
    load_rules.cache_clear()
    rules = load_rules(str(tmp_path))["tasks"]
    load_rules.cache_clear()
    assert rules.working_sections == ["攻坚行动"]
