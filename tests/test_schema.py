"""The output's JSON Schema: generated from the models, it validates every sample's output."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from click.testing import CliRunner

import govplan
from govplan.cli import main
from govplan.cli_show import output_schema

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = sorted((ROOT / "samples").glob("*.txt"))
SCHEMA = output_schema()
VALIDATOR = jsonschema.Draft202012Validator(SCHEMA, format_checker=jsonschema.FormatChecker())
PLAN = "某县工作方案\n\n一、重点任务\n（一）推进老旧小区改造。2024年底前完成改造30个。（牵头单位：县住建局，配合单位：各乡镇）\n"


def _errors(tree: Any) -> list[str]:
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in VALIDATOR.iter_errors(tree)]


def test_the_schema_is_a_valid_draft_2020_12_schema() -> None:
    jsonschema.Draft202012Validator.check_schema(SCHEMA)
    assert SCHEMA["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert SCHEMA["type"] == "object"
    assert set(SCHEMA["required"]) == set(SCHEMA["properties"])  # every field is always written


@pytest.mark.parametrize("sample", SAMPLES, ids=lambda p: p.stem)
def test_the_schema_validates_every_samples_output(sample: Path) -> None:
    tree = json.loads(govplan.extract(sample).to_json())
    assert tree["tasks"], "a sample with tasks exercises the nested models"
    assert _errors(tree) == []


def test_the_schema_refuses_what_breaks_the_contract() -> None:
    tree = json.loads(govplan.extract(PLAN).to_json())
    assert _errors(tree) == []
    unit = tree["tasks"][0]["units"][0]
    assert unit["role"] == "lead"
    unit["role"] = "owner"
    tree["tasks"][0]["deadlines"][0]["date"] = "2024年底"
    tree["tasks"][0]["extra"] = 1
    del tree["meta"]["title"]
    tree["sections"][0]["span"] = [1, 2, 3]
    errors = _errors(tree)
    assert any(e.startswith("tasks/0/units/0/role:") for e in errors)
    assert any(e.startswith("tasks/0/deadlines/0/date:") for e in errors)  # not an ISO date
    assert any("extra" in e for e in errors)  # additionalProperties: false
    assert any(e.startswith("meta:") and "title" in e for e in errors)
    assert any(e.startswith("sections/0/span:") for e in errors)


def _properties(schema: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    models = {"Plan": schema, **schema["$defs"]}
    return [
        (model, name, prop)
        for model, definition in models.items()
        for name, prop in definition.get("properties", {}).items()
    ]


def test_every_field_and_model_is_described() -> None:
    defs = SCHEMA["$defs"]
    undocumented = []
    for model, name, prop in _properties(SCHEMA):
        ref = prop.get("$ref", "").rsplit("/", 1)[-1]
        if not prop.get("description") and not defs.get(ref, {}).get("description"):
            undocumented.append(f"{model}.{name}")
    assert undocumented == []
    assert all(definition.get("description") for definition in defs.values())
    assert "牵头单位" in defs["Role"]["description"]
    assert defs["Role"]["enum"] == ["lead", "responsible", "cooperating"]


def test_schema_command_prints_the_same_schema() -> None:
    result = CliRunner().invoke(main, ["schema"])
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout) == SCHEMA
    assert "[start, end) in characters of the source text" in result.stdout  # Chinese and text unescaped
    compact = CliRunner().invoke(main, ["schema", "--indent", "0"])
    assert compact.stdout.count("\n") == 1


@pytest.mark.parametrize("path", SAMPLES, ids=lambda p: p.name)
def test_extracted_plans_hold_the_declared_types(path: Path) -> None:
    """Stages may build models without validating them (``model_construct`` in hot loops): every
    value must then already have its declared type.  Validating the plan's fields again must give
    the same plan, tuples as tuples, enums as enums, dates as dates."""
    from govplan.models import Plan

    plan = govplan.extract(path)
    again = Plan.model_validate(plan.model_dump())
    assert again == plan
    assert repr(again) == repr(plan)  # a list where a tuple is declared compares unequal here too


def test_construct_and_copied_are_model_construct_and_model_copy() -> None:
    from govplan.models import Role, UnitRef, construct, copied

    values = {"name": "市住建局", "canonical": "市住房和城乡建设局", "role": Role.LEAD, "span": (3, 7)}
    built, validated = construct(UnitRef, dict(values)), UnitRef(**values)
    assert built == validated and built.model_fields_set == validated.model_fields_set
    moved = copied(built, {"span": (10, 14)})
    assert moved == validated.model_copy(update={"span": (10, 14)}) and built.span == (3, 7)
    assert construct(UnitRef, dict(values), ("name",)).model_fields_set == {"name"}
