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


# --- user rule directories: extends, overrides by rule id, safety --------------------------------

import json  # noqa: E402
import time  # noqa: E402

from click.testing import CliRunner  # noqa: E402

from govplan.cli import main  # noqa: E402
from govplan.rulecheck import check_all, uncovered  # noqa: E402
from govplan.ruleset import iter_patterns, pattern_problem  # noqa: E402

DUTY_PLAN = "某县工作方案\n\n一、重点任务\n（一）整治背街小巷。（督办单位：县住建局；配合单位：各乡镇）\n"


def _rules_dir(tmp_path: Path, **files: str) -> str:
    for name, text in files.items():
        (tmp_path / f"{name}.yaml").write_text(text, encoding="utf-8")
    load_rules.cache_clear()
    return str(tmp_path)


@pytest.fixture(autouse=True)
def _fresh_rules_cache():  # type: ignore[no-untyped-def]
    yield
    load_rules.cache_clear()


def _units(rules_dir: str | None) -> list[tuple[str, str]]:
    import govplan

    plan = govplan.extract(DUTY_PLAN, rules=load_rules(rules_dir))
    return [(u.role.value, u.name) for t in plan.tasks for u in t.units]


def test_a_user_label_adds_a_role(tmp_path: Path) -> None:
    assert ("lead", "县住建局") not in _units(None)
    rules_dir = _rules_dir(tmp_path, clauses="extends: default\nlabels:\n  lead: [督办单位]\n")
    assert _units(rules_dir) == [("lead", "县住建局"), ("cooperating", "各乡镇")]


def test_replace_by_rule_id_overrides_one_list(tmp_path: Path) -> None:
    rules_dir = _rules_dir(tmp_path, clauses="replace: [labels.cooperating]\nlabels:\n  cooperating: [协理单位]\n")
    clauses = load_rules(rules_dir)["clauses"]
    assert clauses.labels.cooperating == ["协理单位"]
    assert "牵头单位" in clauses.labels.lead  # the other rules still extend the defaults


def test_replace_names_an_unknown_rule(tmp_path: Path) -> None:
    rules_dir = _rules_dir(tmp_path, clauses="replace: [labels.helpers]\nlabels:\n  lead: [x]\n")
    with pytest.raises(RulesError, match=r"clauses.yaml:1: replace: rule 'labels.helpers'"):
        load_rules(rules_dir)["clauses"]


def test_named_rules_override_in_place_and_new_ones_come_first(tmp_path: Path) -> None:
    text = (
        "styles:\n"
        "  - {name: cn, pattern: '^(?P<num>[一二三四五六七八九十]{1,3})\\s*[、．.]\\s*'}\n"
        "  - {name: roman, pattern: '^(?P<num>[IVX]{1,4})\\.\\s*'}\n"
    )
    outline = load_rules(_rules_dir(tmp_path, outline=text))["outline"]
    names = [s.name for s in outline.styles]
    assert names[0] == "roman" and names.count("cn") == 1
    defaults = [s.name for s in default_rules()["outline"].styles]
    assert names.index("cn") == defaults.index("cn") + 1  # where the default put it, after the new roman
    assert "，" not in next(s for s in outline.styles if s.name == "cn").pattern


def test_extends_only_knows_default(tmp_path: Path) -> None:
    with pytest.raises(RulesError, match=r"units.yaml:1: extends: 'strict'"):
        load_rules(_rules_dir(tmp_path, units="extends: strict\n"))["units"]


def test_a_key_written_twice_is_a_duplicate_rule_id(tmp_path: Path) -> None:
    rules_dir = _rules_dir(tmp_path, clauses="labels:\n  lead: [督办单位]\n  lead: [统筹单位]\n")
    with pytest.raises(RulesError) as info:
        load_rules(rules_dir)["clauses"]
    assert str(info.value).startswith(f"{tmp_path / 'clauses.yaml'}:3: rule clauses.labels.lead")
    assert "duplicate" in str(info.value)


def test_a_bad_regex_names_file_line_and_rule(tmp_path: Path) -> None:
    rules_dir = _rules_dir(tmp_path, clean="junk_lines:\n  - '^广告$'\n  - '^(?:更多新闻'\n")
    with pytest.raises(RulesError) as info:
        load_rules(rules_dir)["clean"]
    message = str(info.value)
    assert message.startswith(f"{tmp_path / 'clean.yaml'}:3: rule clean.junk_lines.1: bad regular expression")


@pytest.mark.parametrize(
    ("name", "text", "rule"),
    [
        ("clean", "junk_lines:\n  - '^(a|aa)+$'\n", "clean.junk_lines.0"),
        ("tasks", "non_plan_titles:\n  - '(\\p{Han}|\\p{Han}\\p{Han})+x'\n", "tasks.non_plan_titles.0"),
        ("outline", "styles:\n  - {name: ordinal, pattern: '^第(?:一|一一)+(?P<num>条)'}\n", "outline.styles.ordinal.pattern"),
        ("targets", "not_targets:\n  patterns:\n    - '{num}\\s*(?:\\s|\\s\\s)+元'\n", "targets.not_targets.patterns.0"),
    ],
)
def test_a_catastrophic_regex_is_rejected_quickly(tmp_path: Path, name: str, text: str, rule: str) -> None:
    rules_dir = _rules_dir(tmp_path, **{name: text})
    started = time.monotonic()
    with pytest.raises(RulesError) as info:
        load_rules(rules_dir)[name]
    assert time.monotonic() - started < 5  # seconds, not the hours the pattern would take
    assert f"{name}.yaml:" in str(info.value) and f"rule {rule}:" in str(info.value)
    assert "catastrophic backtracking" in str(info.value)


def test_nested_repetition_the_engine_handles_is_accepted(tmp_path: Path) -> None:
    """(a+)+$ and (\\p{Han}+)+x are the textbook cases, but the `regex` module matches them in
    linear time; the probe measures the engine govplan uses instead of rejecting by shape."""
    rules_dir = _rules_dir(tmp_path, tasks="non_plan_titles: ['(\\p{Han}+)+x$', '(a+)+$']\n")
    assert "(a+)+$" in load_rules(rules_dir)["tasks"].non_plan_titles
    assert pattern_problem("(a+)+$") is None


def test_a_rule_file_cannot_run_code(tmp_path: Path) -> None:
    marker = tmp_path / "ran"
    text = f"suffixes: !!python/object/apply:os.system ['touch {marker}']\n"
    with pytest.raises(RulesError, match=r"units\.yaml:1: not valid YAML"):
        load_rules(_rules_dir(tmp_path, units=text))["units"]
    assert not marker.exists()


def test_every_default_pattern_compiles_and_is_safe() -> None:
    rules = default_rules()
    checked = 0
    for name in SCHEMAS:
        for key_path, pattern in iter_patterns(name, rules[name].model_dump(mode="json")):
            expand = (lambda p: p.replace("{num}", "1").replace("{measure}", "个")) if name == "targets" else None
            assert pattern_problem(pattern, expand) is None, (name, key_path)
            checked += 1
    assert checked > 40


def test_every_default_rule_carries_examples() -> None:
    rules = default_rules()
    assert {name: uncovered(name, rules[name]) for name in SCHEMAS} == {name: [] for name in SCHEMAS}


def test_a_new_style_without_examples_is_reported(tmp_path: Path) -> None:
    rules_dir = _rules_dir(tmp_path, outline="styles:\n  - {name: roman, pattern: '^(?P<num>[IVX]{1,4})\\.\\s*'}\n")
    report = check_all(load_rules(rules_dir))
    assert [p.message for p in report.problems] == ["rule outline.styles.roman has no examples"]


def _cli(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_rules_check_reports_every_broken_file_and_failing_example(tmp_path: Path) -> None:
    rules_dir = _rules_dir(
        tmp_path,
        clauses="labels:\n  lead: [督办单位]\nexamples:\n  - input: '（督办单位：县住建局）'\n    units: [[responsible, 县住建局]]\n",
        tasks="working_sections: [攻坚行动]\nworking_sections: [专项行动]\n",
    )
    code, out, err = _cli("rules", "check", rules_dir)
    assert code == 1
    assert "clauses" in out and "expected [('responsible', '县住建局')], got [('lead', '县住建局')]" in out
    assert f"{tmp_path / 'tasks.yaml'}:2: rule tasks.working_sections: written twice" in out
    assert "problems" in err and "Traceback" not in err


def test_rules_check_takes_the_directory_either_way(tmp_path: Path) -> None:
    rules_dir = _rules_dir(tmp_path, clauses="labels:\n  lead: [督办单位]\nexamples:\n  - input: '（督办单位：县住建局）'\n    units: [[lead, 县住建局]]\n")
    for args in (["rules", "check", rules_dir], ["rules", "check", "--rules", rules_dir]):
        code, out, err = _cli(*args)
        assert code == 0, out + err
        assert f"{tmp_path / 'clauses.yaml'}" in out


def test_rules_show_prints_the_effective_rules(tmp_path: Path) -> None:
    rules_dir = _rules_dir(tmp_path, clauses="labels:\n  lead: [督办单位]\n")
    code, out, _ = _cli("rules", "show", "clauses", "--rules", rules_dir, "-f", "json")
    assert code == 0
    lead = json.loads(out)["clauses"]["labels"]["lead"]
    assert lead[0] == "督办单位" and "牵头单位" in lead
    code, out, _ = _cli("rules", "show")
    assert code == 0 and "# targets:" in out and "examples" not in out


@pytest.mark.parametrize(
    "pattern",
    [r"\L<units>局", r"[[市区]--[区]]局", r"(?i)市局", r"市{e<=1}局", r"[[:alpha:]]局", r"\\p局", r"(?#note)市局"],
)
def test_patterns_the_stdlib_reads_otherwise_are_not_read_by_either_prefilter(pattern: str) -> None:
    from govplan.outline import _first_of, needed_suffix
    from govplan.ruleset import needed_words, stdlib_tree

    assert stdlib_tree(pattern, lambda m: r"\w") is None
    assert needed_words(pattern) == ()
    assert _first_of(pattern) is None and needed_suffix(pattern) == ""


def test_one_stdlib_reading_serves_both_prefilters() -> None:
    from govplan.outline import _first_of
    from govplan.ruleset import needed_words

    assert needed_words(r"\p{Han}{2,8}(?:局|委)") == (("委", "局"),)
    assert _first_of(r"(?:市|区)\p{Han}+局") == ["[市区]"]
    assert _first_of(r"\p{Han}市") == [r"\p{Han}"]  # the class given back as written
