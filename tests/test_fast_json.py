"""export's JSON goes through pydantic's serialiser when that gives the bytes of the reference
``json.dumps(plan.model_dump(mode="json"), ensure_ascii=False, indent=2)``: these tests hold the
two to the same bytes on the corpus, on every odd float and on random text in every field."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from govplan import extract
from govplan.export import render, render_many
from govplan.models import Comparator, Plan, Target
from govplan.readers import read_text

SAMPLES = sorted((Path(__file__).resolve().parent.parent / "samples").glob("*.txt"))
PLAN = (
    "关于印发某工作方案的通知\n一、重点任务\n（一）完善制度。2023年底前完成改造老旧小区60个。（责任单位：市住建局）\n"
    "（二）加强管理。绿色出行分担率达到20%以上。（牵头单位：市交通局；配合单位：市公安局）\n"
)


def reference(value: Plan | list[Plan]) -> bytes:
    tree = [p.model_dump(mode="json") for p in value] if isinstance(value, list) else value.model_dump(mode="json")
    return (json.dumps(tree, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def test_corpus_plans_render_as_the_reference() -> None:
    plans = [extract(sample) for sample in SAMPLES]
    for plan in plans:
        assert render(plan, "json") == reference(plan)
    assert render_many(plans, "json") == reference(plans)
    assert render_many(plans[:1], "json") == reference(plans[:1])
    assert render_many([], "json") == b"[]\n"


@pytest.mark.parametrize(
    "value",
    [0, 12, -7, 10**30, 2**63, 0.0, -0.0, 0.5, 1e-4, 9.5e-5, 2.5e-5, 3.935e8, 9.99e15, 1e16, 1.5e300,
     123456789.123, math.nan, math.inf, -math.inf],
)  # fmt: skip
def test_every_kind_of_number_renders_as_the_reference(value: float) -> None:
    plan = extract(PLAN)
    target = Target(text="x", comparator=Comparator.GE, value=value, span=(0, 1))
    odd = plan.model_copy(update={"targets": [target]})
    assert render(odd, "json") == reference(odd)
    assert render_many([plan, odd], "json") == reference([plan, odd])


_TEXT = st.text(
    st.one_of(
        st.characters(max_codepoint=0x7F),
        st.sampled_from(list("\x00\x08\x1f\x7f\x85\u2028\u2029\ufeff\ufffe\"\\/é😀一、（）")),
        st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF),
        st.characters(blacklist_categories=("Cs",)),
    ),
    max_size=40,
)


@settings(max_examples=150, deadline=None)
@given(title=_TEXT, body=_TEXT, warning=_TEXT, path=_TEXT)
def test_any_text_renders_as_the_reference(title: str, body: str, warning: str, path: str) -> None:
    plan = extract(PLAN)
    task = plan.tasks[0].model_copy(update={"title": title, "text": body})
    odd = plan.model_copy(
        update={
            "tasks": [task, *plan.tasks[1:]],
            "warnings": [warning, ""],
            "meta": plan.meta.model_copy(update={"title": title or None}),
            "source": plan.source.model_copy(update={"path": path}),
        }
    )
    assert render(odd, "json") == reference(odd)


def test_a_lone_surrogate_fails_as_before() -> None:
    plan = extract(read_text(PLAN + "\ud800\n"))
    with pytest.raises(UnicodeEncodeError):
        reference(plan)
    with pytest.raises(UnicodeEncodeError):
        render(plan, "json")
