"""``models.construct`` sets a model's four instance slots through BaseModel's own slot descriptors
(``descriptor.__set__``) instead of ``object.__setattr__``: the same model.

``object.__setattr__(model, name, value)`` looks ``name`` up along ``type(model).__mro__`` and, on
finding a data descriptor, calls its ``__set__``: the descriptors it finds for ``__dict__`` and the
three ``__pydantic_*__`` slots are BaseModel's as long as no model class defines them again (tested
here for every model of govplan.models).  These tests compare the new ``construct`` with a copy of
the one it replaced and with pydantic's own ``model_construct`` / validation, on hand-picked and
hypothesis values of every stage model, with and without an explicit ``fields_set``.
"""

from __future__ import annotations

import datetime as dt
import inspect
from collections.abc import Iterable
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import BaseModel, ValidationError

import govplan
from govplan import models
from govplan.models import (
    Comparator,
    Deadline,
    DeadlineKind,
    Phase,
    Role,
    Section,
    Target,
    Task,
    UnitRef,
    construct,
    copied,
)
from sample_lines import SAMPLES

_SLOTS = ("__dict__", "__pydantic_fields_set__", "__pydantic_extra__", "__pydantic_private__")


def _old_construct(cls: type[Any], values: dict[str, Any], fields_set: Iterable[str] | None = None) -> Any:
    """models.construct as it was (object.__setattr__ a slot)."""
    model = cls.__new__(cls)
    object.__setattr__(model, "__dict__", values)
    object.__setattr__(model, "__pydantic_fields_set__", set(values if fields_set is None else fields_set))
    object.__setattr__(model, "__pydantic_extra__", None)
    object.__setattr__(model, "__pydantic_private__", None)
    return model


def _model_classes() -> list[type[BaseModel]]:
    return [
        cls for _, cls in inspect.getmembers(models, inspect.isclass)
        if issubclass(cls, BaseModel) and cls is not BaseModel and cls.__module__ == models.__name__
    ]


def _same(a: BaseModel, b: BaseModel) -> None:
    assert type(a) is type(b)
    assert a.__dict__ == b.__dict__ and list(a.__dict__) == list(b.__dict__)
    assert a.__pydantic_fields_set__ == b.__pydantic_fields_set__
    assert type(a.__pydantic_fields_set__) is set and type(b.__pydantic_fields_set__) is set
    assert a.__pydantic_extra__ is None and b.__pydantic_extra__ is None
    assert a.__pydantic_private__ is None and b.__pydantic_private__ is None
    assert a == b and repr(a) == repr(b) and hash(a.model_dump_json()) == hash(b.model_dump_json())
    assert a.model_dump() == b.model_dump() and a.model_dump(exclude_unset=True) == b.model_dump(exclude_unset=True)


def test_no_model_class_defines_the_slots_again() -> None:
    """The condition for the descriptors to be the ones object.__setattr__ finds."""
    classes = _model_classes()
    assert {Section, UnitRef, Deadline, Target, Task, Phase} <= set(classes)
    for cls in classes:
        for name in _SLOTS:
            owner = next(klass for klass in cls.__mro__ if name in vars(klass))
            assert owner is BaseModel, (cls, name)
        assert cls.__new__ is object.__new__  # (construct calls object.__new__ directly)


def _unit_values(name: str, canonical: str, role: Role, a: int, b: int) -> dict[str, Any]:
    return {"name": name, "canonical": canonical, "role": role, "span": (a, b)}


_HAND: list[tuple[type[BaseModel], dict[str, Any]]] = [
    (UnitRef, _unit_values("市住建局", "市住房和城乡建设局", Role.LEAD, 3, 7)),
    (Section, {"id": "s1", "level": 1, "number": "一", "title": "总体要求", "path": "一", "line": 5, "span": (40, 46)}),
    (Deadline, {
        "text": "2023年底前", "date": dt.date(2023, 12, 31), "start": None, "kind": DeadlineKind.DATE,
        "span": (10, 17), "year_assumed": None,
    }),
    (Target, {
        "text": "覆盖率达到95%以上", "indicator": "覆盖率", "comparator": Comparator.GE, "value": 95, "unit": "%",
        "deadline": None, "span": (0, 10), "task": "t3",
    }),
    (Phase, {"title": "动员部署阶段", "start": dt.date(2023, 1, 1), "end": dt.date(2023, 3, 31), "span": (5, 20)}),
]


@pytest.mark.parametrize(("cls", "values"), _HAND, ids=lambda v: getattr(v, "__name__", ""))
def test_construct_is_the_old_construct_and_validation(cls: type[BaseModel], values: dict[str, Any]) -> None:
    new, old = construct(cls, dict(values)), _old_construct(cls, dict(values))
    _same(new, old)
    _same(new, cls(**values))  # every value has its declared type: validating keeps it
    _same(new, cls.model_construct(**values))
    some = list(values)[:2]
    _same(construct(cls, dict(values), some), _old_construct(cls, dict(values), some))
    _same(construct(cls, dict(values), iter(some)), _old_construct(cls, dict(values), some))
    assert construct(cls, dict(values), ()).model_fields_set == set()
    with pytest.raises(ValidationError):  # still frozen
        setattr(new, next(iter(values)), values[next(iter(values))])
    moved = copied(new, {"span": (1, 2)})
    _same(moved, cls(**values).model_copy(update={"span": (1, 2)}))
    assert new.span == values["span"]  # type: ignore[attr-defined]


def test_each_model_gets_its_own_dict_and_fields_set() -> None:
    values = _unit_values("市财政局", "市财政局", Role.RESPONSIBLE, 0, 4)
    first, second = construct(UnitRef, values), construct(UnitRef, values)
    assert first.__pydantic_fields_set__ is not second.__pydantic_fields_set__
    given_set = {"name"}
    third = construct(UnitRef, dict(values), given_set)
    assert third.__pydantic_fields_set__ is not given_set
    given_set.add("role")
    assert third.model_fields_set == {"name"}


_TEXT = st.text(alphabet="市县区局委办公室住建财政发改一二三（）、 ", max_size=12)
_SPAN = st.tuples(st.integers(0, 10_000), st.integers(0, 10_000))


@settings(max_examples=150, deadline=None)
@given(
    name=_TEXT, canonical=_TEXT, role=st.sampled_from(list(Role)), span=_SPAN,
    fields=st.none() | st.lists(st.sampled_from(["name", "canonical", "role", "span"]), unique=True),
)
def test_unit_refs_as_before(name: str, canonical: str, role: Role, span: tuple[int, int], fields: list[str] | None) -> None:
    values = {"name": name, "canonical": canonical, "role": role, "span": span}
    _same(construct(UnitRef, dict(values), fields), _old_construct(UnitRef, dict(values), fields))
    if fields is None:
        _same(construct(UnitRef, dict(values)), UnitRef(**values))


@settings(max_examples=100, deadline=None)
@given(
    text=_TEXT, indicator=st.none() | _TEXT, comparator=st.sampled_from(list(Comparator)),
    value=st.integers(0, 10**9) | st.floats(0, 1e9, allow_nan=False), unit=st.none() | _TEXT,
    deadline=st.none() | st.dates(dt.date(2000, 1, 1), dt.date(2040, 12, 31)), span=_SPAN,
    task=st.none() | st.just("t7"),
)
def test_targets_as_before(
    text: str, indicator: str | None, comparator: Comparator, value: float, unit: str | None,
    deadline: dt.date | None, span: tuple[int, int], task: str | None,
) -> None:
    values = {
        "text": text, "indicator": indicator, "comparator": comparator, "value": value, "unit": unit,
        "deadline": deadline, "span": span, "task": task,
    }
    fields = [k for k in values if k != "task" or task is not None]
    _same(construct(Target, dict(values), fields), _old_construct(Target, dict(values), fields))
    assert construct(Target, dict(values), fields) == Target(**values)


@pytest.mark.parametrize("path", sorted(SAMPLES.glob("*.txt"))[:2], ids=lambda p: p.name)
def test_extracted_plans_validate_back(path: Any) -> None:
    plan = govplan.extract(path)
    again = type(plan).model_validate(plan.model_dump())
    assert again == plan and repr(again) == repr(plan)
    for task in plan.tasks:
        for ref in task.units:
            _same(ref, _old_construct(UnitRef, dict(ref.__dict__), ref.model_fields_set))


def test_a_slot_pydantic_does_not_define_is_set_by_object_setattr() -> None:
    """The fallback for a pydantic release whose BaseModel holds a slot otherwise."""

    class Holder:
        pass

    holder = Holder()
    models._slot_setter("__not_a_pydantic_slot__")(holder, 3)
    assert holder.__dict__ == {"__not_a_pydantic_slot__": 3}
    assert models._slot_setter("__dict__") == BaseModel.__dict__["__dict__"].__set__
