"""The data model: what every stage takes and gives, and the JSON output contract (DESIGN.md).

All models are frozen pydantic models.  Closed sets are enums.  Every extracted value keeps the
text it came from and a ``span`` [start, end) in characters of the source text as read (after
decoding, before cleaning); ``line`` numbers are 1-based lines of that same text.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field

SCHEMA_VERSION = "1"

Span = tuple[int, int]


class Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Role(StrEnum):
    LEAD = "lead"
    RESPONSIBLE = "responsible"
    COOPERATING = "cooperating"


class DeadlineKind(StrEnum):
    DATE = "date"  # a dated end
    RANGE = "range"  # start and end
    RECURRING = "recurring"  # 每月28日前, 每季度
    OPEN = "open"  # 长期坚持, 持续推进
    DURATION = "duration"  # 30分钟内, 1.5个工作日


class Comparator(StrEnum):
    EQ = "="
    GE = ">="
    GT = ">"
    LE = "<="
    LT = "<"


class Source(Frozen):
    path: str
    format: str  # txt | docx | html | pdf
    encoding: str | None = None
    sha256: str
    chars: int


class Contact(Frozen):
    name: str | None = None
    phone: list[str] = Field(default_factory=list)
    email: str | None = None


class Meta(Frozen):
    title: str | None = None
    notice_title: str | None = None
    doc_number: str | None = None
    issuer: str | None = None
    date: dt.date | None = None
    recipients: list[str] = Field(default_factory=list)
    contact: Contact | None = None
    index_no: str | None = None  # 索引号 of a web page
    published: dt.date | None = None  # 公开日期 / 发布日期 when printed apart from 成文日期


class Section(Frozen):
    id: str
    level: int
    number: str
    title: str
    path: str
    line: int
    span: Span


class UnitRef(Frozen):
    name: str  # as printed, line breaks and spaces removed
    canonical: str
    role: Role
    span: Span


class Deadline(Frozen):
    text: str
    date: dt.date | None = None  # ISO end for DATE and RANGE
    start: dt.date | None = None  # start of a RANGE
    kind: DeadlineKind
    span: Span
    year_assumed: int | None = None  # the document year filled in when the text left it out


class Target(Frozen):
    text: str
    indicator: str | None = None
    comparator: Comparator
    value: int | float  # plain number, 万/亿 multiplied out
    unit: str | None = None
    deadline: dt.date | None = None
    span: Span
    task: str | None = None  # id of the task the target belongs to, in the document-level list


class Task(Frozen):
    id: str
    section: str
    title: str
    text: str
    units: list[UnitRef] = Field(default_factory=list)
    deadlines: list[Deadline] = Field(default_factory=list)
    targets: list[Target] = Field(default_factory=list)
    line: int
    span: Span


class Phase(Frozen):
    title: str
    start: dt.date | None = None
    end: dt.date | None = None
    span: Span


class Plan(Frozen):
    schema_version: str = SCHEMA_VERSION
    source: Source
    meta: Meta
    sections: list[Section] = Field(default_factory=list)
    tasks: list[Task] = Field(default_factory=list)
    targets: list[Target] = Field(default_factory=list)
    phases: list[Phase] = Field(default_factory=list)
    warnings: list[str] = Field(default_factory=list)
