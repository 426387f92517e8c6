"""The data model: what every stage takes and gives, and the JSON output contract (DESIGN.md).

All models are frozen pydantic models.  Closed sets are enums.  Every extracted value keeps the
text it came from and a ``span`` [start, end) in characters of the source text as read (after
decoding, before cleaning); ``line`` numbers are 1-based lines of that same text.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from enum import StrEnum
from typing import Annotated, Any, TypeVar

from pydantic import BaseModel, ConfigDict, Field

SCHEMA_VERSION = "1"

Span = Annotated[
    tuple[int, int],
    Field(description="[start, end) in characters of the source text as read (after decoding, before cleaning)."),
]
_LINE = "1-based line of the source text as read where it starts."


class Frozen(BaseModel):
    # every field is always written, so the output schema lists them all as required
    model_config = ConfigDict(frozen=True, extra="forbid", json_schema_serialization_defaults_required=True)


class Role(StrEnum):
    """The role a unit plays in a task: lead (牵头单位, 牵头), responsible (责任单位, 责任部门, 主责单位, 负责),
    cooperating (配合单位, 配合部门, 协办单位, 参与单位, 配合)."""

    LEAD = "lead"
    RESPONSIBLE = "responsible"
    COOPERATING = "cooperating"


class DeadlineKind(StrEnum):
    """date: a dated end (2023年底); range: a start and an end (2019年6月至2020年9月); recurring (每月28日前);
    open: no end (长期坚持, 持续推进); duration: a length of time (30分钟内)."""

    DATE = "date"  # a dated end
    RANGE = "range"  # start and end
    RECURRING = "recurring"  # 每月28日前, 每季度
    OPEN = "open"  # 长期坚持, 持续推进
    DURATION = "duration"  # 30分钟内, 1.5个工作日


class Comparator(StrEnum):
    """How a target's value binds: = (完成60个), >= (达到…以上, 不低于), > (超过), <= (不超过, 以内), < (低于)."""

    EQ = "="
    GE = ">="
    GT = ">"
    LE = "<="
    LT = "<"


class Source(Frozen):
    """The file the plan was read from."""

    path: str = Field(description="The path as given (<stdin> or <text> when not read from a file).")
    format: str = Field(description="How it was read: txt, docx, html or pdf.")
    encoding: str | None = Field(default=None, description="The detected text encoding (txt and html); null for docx and pdf.")
    sha256: str = Field(description="SHA-256 of the input bytes, hex.")
    chars: int = Field(description="Length of the source text as read, in characters; spans count in this text.")


class Contact(Frozen):
    """The contact printed at the end of a notice (联系人, 联系电话, 邮箱)."""

    name: str | None = Field(default=None, description="联系人.")
    phone: list[str] = Field(default_factory=list, description="联系电话, each as printed.")
    email: str | None = Field(default=None, description="电子邮箱.")


class Meta(Frozen):
    """The document's metadata, from the front matter and the signature."""

    title: str | None = Field(default=None, description="Title of the plan itself (not of the cover notice).")
    notice_title: str | None = Field(
        default=None, description="Title of the cover notice (关于印发《…》的通知), null if there is none."
    )
    doc_number: str | None = Field(default=None, description="发文字号 exactly as printed, e.g. 昆府发〔2023〕6号.")
    issuer: str | None = Field(default=None, description="发文机关 / 署名.")
    date: dt.date | None = Field(default=None, description="成文日期 (else 公开日期 / 发布日期), ISO.")
    recipients: list[str] = Field(default_factory=list, description="主送机关, in order.")
    contact: Contact | None = Field(default=None, description="联系人 and how to reach them, null if none is printed.")
    index_no: str | None = Field(default=None, description="索引号 of a government web page.")
    published: dt.date | None = Field(
        default=None, description="公开日期 / 发布日期 when printed apart from the 成文日期, ISO."
    )


class Section(Frozen):
    """A numbered heading of the body (一、 （一） 1. （1） ① 第一章 第一条)."""

    id: str = Field(description="s1, s2, … in document order.")
    level: int = Field(description="Depth in this document's outline: 1 is the outermost numbered level used.")
    number: str = Field(description="The numeral without decoration: 一、 → 一, （三） → 三, 1. → 1, 第一章 stays.")
    title: str = Field(description="The heading text after the numeral, without the closing 。.")
    path: str = Field(description="Numbers of this heading and the headings enclosing it, outermost first, joined by /.")
    line: int = Field(description=_LINE)
    span: Span


class UnitRef(Frozen):
    """A unit named in a task's responsibility clause, with its role."""

    name: str = Field(description="As printed, line breaks and spaces removed.")
    canonical: str = Field(description="The full name when the rules know an alias (市城管执法局 → 市城市管理综合执法局), else the name.")
    role: Role
    span: Span


class Deadline(Frozen):
    """A time expression of a task (完成时限)."""

    text: str = Field(description="As printed (2023年底前, 长期坚持).")
    date: dt.date | None = Field(
        default=None, description="ISO end for kinds date and range; null for recurring, open and duration."
    )
    start: dt.date | None = Field(default=None, description="ISO start of a range.")
    kind: DeadlineKind
    span: Span
    year_assumed: int | None = Field(
        default=None, description="The document's year, filled in when the text left the year out (6月底前)."
    )


class Target(Frozen):
    """A quantitative target (量化目标): an indicator, a comparator and a number."""

    text: str = Field(description="The phrase as printed (到2021年底，绿色出行分担率达到20%以上).")
    indicator: str | None = Field(default=None, description="What is measured (绿色出行分担率), null when unnamed.")
    comparator: Comparator
    value: int | float = Field(description="A plain number, 万 and 亿 multiplied out.")
    unit: str | None = Field(default=None, description="The unit as printed (%, 个, 平方米; 元 for 亿元, the 亿 multiplied into the value).")
    deadline: dt.date | None = Field(default=None, description="ISO date by which the target is due, if the phrase says.")
    span: Span
    task: str | None = Field(
        default=None, description="Id of the task the target belongs to (document-level list), null if none."
    )


class Task(Frozen):
    """An item of the working part that asks someone to do something, with who, by when and how much."""

    id: str = Field(description="t1, t2, … in document order.")
    section: str = Field(description="Path of the heading the task stands under (see Section.path).")
    title: str = Field(description="The heading title, or for an unheaded item its first sentence without 。.")
    text: str = Field(description="The task's full text (具体内容), cleaned.")
    units: list[UnitRef] = Field(default_factory=list, description="Units with roles, in the order printed.")
    deadlines: list[Deadline] = Field(default_factory=list, description="Time expressions of the task.")
    targets: list[Target] = Field(default_factory=list, description="Quantitative targets of the task.")
    line: int = Field(description=_LINE)
    span: Span


class Phase(Frozen):
    """A stage of 实施步骤 / 时间安排 with its dates."""

    title: str = Field(description="The stage's name (动员部署阶段).")
    start: dt.date | None = Field(default=None, description="ISO start.")
    end: dt.date | None = Field(default=None, description="ISO end.")
    span: Span


class Plan(Frozen):
    """govplan's output for one document: metadata, outline, tasks, targets, phases and warnings."""

    schema_version: str = Field(default=SCHEMA_VERSION, description="Version of this output contract.")
    source: Source
    meta: Meta
    sections: list[Section] = Field(default_factory=list, description="Every numbered heading of the body, in order.")
    tasks: list[Task] = Field(default_factory=list, description="The tasks, in document order.")
    targets: list[Target] = Field(
        default_factory=list, description="Every quantitative target of the document, each with its task id or null."
    )
    phases: list[Phase] = Field(default_factory=list, description="实施步骤 stages with their date ranges.")
    warnings: list[str] = Field(
        default_factory=list, description="What the extractor was unsure of, each naming a line."
    )

    def to_json(self) -> str:
        """The JSON output contract: UTF-8 text, Chinese unescaped, indent 2."""
        from .export import render

        return render(self, "json").decode("utf-8")

    def to_yaml(self) -> str:
        """The same tree as YAML: Chinese unescaped, keys in contract order, dates as ISO strings."""
        from .export import render

        return render(self, "yaml").decode("utf-8")


# --- models built without validation (the stages' hot paths) ------------------------------------
# Validating a model costs more than building it.  Where a stage builds a model from values that
# already have their declared types (str, int, Role, Comparator, dates, tuples of ints for spans,
# lists of models built by the stages), ``construct`` is ``cls.model_construct(**values)`` for
# ``values`` holding every field in declared order, and ``copied`` is
# ``model.model_copy(update=update)``: the same ``__dict__``, fields set, extra and private
# attributes (None: the models forbid extra fields and have no private attributes), without the
# per-field Python loop of model_construct (slower than validating) or the generic copy.
# tests/test_schema.py and test_tasks.py check that extracted plans validate back unchanged.

_M = TypeVar("_M", bound=BaseModel)
# The four instance slots of every pydantic model, set through BaseModel's own slot descriptors:
# what object.__setattr__(model, name, value) does (it finds these same descriptors on the type,
# no model class overriding them), without the attribute lookup along the class's MRO each time
# (~3x faster a slot; construct is called ~140 times a document)
_new = object.__new__  # (cls.__new__: no model overrides __new__)


def _slot_setter(name: str) -> Callable[[Any, Any], None]:
    """BaseModel's setter of the slot ``name``; object.__setattr__ should a pydantic release
    hold its slots otherwise."""
    descriptor = BaseModel.__dict__.get(name)
    if descriptor is not None and hasattr(descriptor, "__set__"):
        return descriptor.__set__
    return lambda model, value: object.__setattr__(model, name, value)


_set_dict = _slot_setter("__dict__")
_set_fields_set = _slot_setter("__pydantic_fields_set__")
_set_extra = _slot_setter("__pydantic_extra__")
_set_private = _slot_setter("__pydantic_private__")


def construct(cls: type[_M], values: dict[str, Any], fields_set: Iterable[str] | None = None) -> _M:
    """``cls`` holding ``values`` (every field, in declared order) unvalidated; ``fields_set``:
    the fields counted as given (all of ``values`` when None)."""
    model = _new(cls)
    _set_dict(model, values)
    _set_fields_set(model, {*values} if fields_set is None else {*fields_set})
    _set_extra(model, None)
    _set_private(model, None)
    return model


def copied(model: _M, update: dict[str, Any]) -> _M:
    """``model.model_copy(update=update)`` for values of the declared types."""
    values = model.__dict__.copy()
    values.update(update)
    return construct(type(model), values, model.__pydantic_fields_set__ | update.keys())
