"""meta: CleanText → Meta, and where the body of the plan begins.

Reads the front matter of a plan as published: web metadata lines (标题/索引号/发文机构/成文日期/
公开日期), a cover notice (its title 关于印发《…》的通知, 发文字号, 主送机关, contact lines, signature
and date), and the plan's own title block.  Dates may be written 2023年4月7日, 2023-06-30 or
二〇二三年四月七日.  ``front()`` also says where the plan's body starts, so the outline does not
read the numbered lists of a cover notice as headings.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from itertools import islice

import regex

from .document import CleanText
from .models import Contact, Meta
from .outline import StartTest, needed_suffix
from .ruleset import RuleFile, RuleSet, compiled, default_rules, needed_words


class ContactLabels(RuleFile):
    name: list[str] = []
    phone: list[str] = []
    email: list[str] = []


class MetaExample(RuleFile):
    input: str
    title: str | None = None
    doc_number: str | None = None
    issuer: str | None = None
    date: str | None = None


class MetaRules(RuleFile):
    fields: dict[str, list[str]]
    contact: ContactLabels = ContactLabels()
    title_genres: list[str]
    notice_title: str
    org_suffixes: list[str]
    doc_number: str
    date_line: str
    # a short bracketed line under the title that belongs to it: （2024—2026年）, （试行）
    title_suffix_line: str = r"^[（(][^（()）]{1,16}[）)]$"
    # ... also when an issuing body is printed above the title (<机关>\n关于…方案\n（2018年-2020年）)
    title_suffix_after_issuer: bool = True
    # a line that opens an annex (附件, 附件1, 附件：…): a signature just above it closes a cover notice
    annex_line: str = r"^附\s*件\s*\d*\s*(?:[:：].*)?$"
    examples: list[MetaExample] = []


_CN_DIGITS = {"〇": 0, "零": 0, "○": 0, "Ｏ": 0, "O": 0, "一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_DATE = regex.compile(
    r"(?P<y>(?:19|20)\d{2}|[〇零○Ｏ一二三四五六七八九]{4})\s*(?:年|[-/.])\s*"
    r"(?P<m>\d{1,2}|[一二三四五六七八九十]{1,2})\s*(?:月|[-/.])\s*"
    r"(?P<d>\d{1,2}|[一二三四五六七八九十]{1,3})\s*日?"
)
_PHONE = regex.compile(r"(?<!\d)(?:1[3-9]\d{9}|(?:0\d{2,3}-)?\d{7,8}(?:-\d{1,4})?)(?!\d)")
_EMAIL = regex.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_SPACES = regex.compile(r"\s+")
# the plan a notice publishes: 关于印发XX方案的通知 → XX方案
_PUBLISHED = regex.compile(r"关于(?:印发|转发|下发|发布|公布)(.+?)的?通知$")
_QUOTED = regex.compile(r"《(.+)》")
_RECIPIENT_SEP = regex.compile(r"[、，,；;]")
_NAME_END = regex.compile(r"[，,；;、\s（(]")


def _cn_number(text: str) -> int | None:
    if text.isdigit():
        return int(text)
    if all(ch in _CN_DIGITS for ch in text):  # 二〇二三: digit by digit
        return int("".join(str(_CN_DIGITS[ch]) for ch in text))
    if "十" in text:
        tens, _, ones = text.partition("十")
        return (_CN_DIGITS.get(tens, 1) if tens else 1) * 10 + (_CN_DIGITS.get(ones, 0) if ones else 0)
    return None


def parse_date(text: str) -> dt.date | None:
    """The first full date in ``text`` (2023年4月7日, 2021-06-30, 二〇二三年四月七日)."""
    m = _DATE.search(text)
    if not m:
        return None
    y, mo, d = (_cn_number(m.group(k)) for k in ("y", "m", "d"))
    if y is None or mo is None or d is None:
        return None
    try:
        return dt.date(y, mo, d)
    except ValueError:
        return None


def _squeeze(text: str) -> str:
    if " " not in text and text.isprintable():
        # every white space character (``regex``'s \s, str.strip's) but the space is unprintable:
        # none here, nothing to remove
        return text
    return _SPACES.sub("", text).strip()


_WIDE_GAP = regex.compile(r"\s{2,}")


def _issuer_text(text: str, c: _Compiled) -> str:
    """An issuer as printed, spaces removed; a joint signature (两个机关 side by side, set apart by
    a wide gap: 中共某镇委员会        某镇人民政府) keeps one space between the bodies."""
    parts = [p for p in _WIDE_GAP.split(text.strip()) if p]
    if len(parts) > 1 and all(c.org.search(p) for p in parts):
        return " ".join(_squeeze(p) for p in parts)
    return _squeeze(text)


class _Compiled:
    def __init__(self, rules: MetaRules) -> None:
        self.rules = rules
        label_to_field: dict[str, str] = {}
        alternatives = []
        for name, labels in rules.fields.items():
            for label in labels:
                label_to_field[label] = name
                alternatives.append(r"\s*".join(regex.escape(ch) for ch in label))
        alternatives.sort(key=len, reverse=True)
        self.label_to_field = label_to_field
        self.field_label = regex.compile(r"(?P<label>" + "|".join(alternatives) + r")\s*[:：]")
        self.field_start = StartTest([self.field_label.pattern])  # (the first characters of the labels)
        self.notice = regex.compile(rules.notice_title)
        # words a notice title needs (关于, 通知): a text lacking one is not matched
        self.notice_words = needed_words(rules.notice_title)
        # ... and what it ends with (…通知): a long line lacking it is not matched at all (the
        # pattern's backtracking over such a line costs its length squared)
        self.notice_end = needed_suffix(rules.notice_title)
        self.doc_number = regex.compile(rules.doc_number)
        self.doc_number_line = regex.compile(r"^\s*(?:" + rules.doc_number + r")\s*$")
        self.date_line = regex.compile(rules.date_line)
        self.date_start = StartTest([rules.date_line])  # (most lines start with no date)
        genres = "|".join(sorted(map(regex.escape, rules.title_genres), key=len, reverse=True))
        self.title_end = regex.compile(r"(?:" + genres + r")\s*(?:[（(][^（()）]{1,12}[）)])?$")
        self.title_suffix = regex.compile(rules.title_suffix_line)
        self.annex = regex.compile(rules.annex_line)
        self.org = regex.compile(r"(?:" + "|".join(map(regex.escape, rules.org_suffixes)) + r")$")
        contact = rules.contact
        self.contact = {
            kind: regex.compile(r"^\s*(?:" + "|".join(map(regex.escape, labels)) + r")\s*[:：]\s*(?P<value>.*)$")
            for kind, labels in (("name", contact.name), ("phone", contact.phone), ("email", contact.email))
            if labels
        }
        # the first characters of any contact label (a line starting otherwise has none)
        self.contact_start = StartTest([p.pattern for p in self.contact.values()])


def _compiled(rules: MetaRules) -> _Compiled:
    return compiled(rules, _Compiled)


@dataclass
class Front:
    """What the front matter told: metadata and where the plan's body starts (cleaned offset)."""

    meta: Meta
    body_start: int
    notes: list[str] = field(default_factory=list)
    # where the closing signature (issuer line, date line) starts, when the document ends with one:
    # the last task ends there
    body_end: int | None = None


# a line with text (after a newline or at the start, as str.split("\n") cuts): its leading white
# space, then its text stripped as str.strip() strips (the stdlib's \s and \S are str.isspace()'s
# classes, so the group is the line's text from its first to its last non-space character; ``.``
# stops only at a newline, as the split does)
_TEXT_LINE = re.compile(r"^[^\S\n]*(\S(?:.*\S)?)", re.MULTILINE)


def _texts(text: str) -> list[str]:
    """The text of each line that has any, stripped, in one C scan (no object built a line)."""
    return _TEXT_LINE.findall(text)


def _line_start(text: str, index: int) -> int:
    """Where line ``index`` of ``_texts(text)`` starts (its first non-space character): the
    same scan, consumed in C up to that line."""
    return next(islice(_TEXT_LINE.finditer(text), index, None)).start(1)


def _field_line(text: str, c: _Compiled) -> bool:
    """Does ``text`` open with a web metadata label (标题：…)?"""
    return c.field_start.may_start(text) and c.field_label.match(text) is not None


def _web_fields(lines: list[str], c: _Compiled) -> tuple[dict[str, str], int]:
    """Values of the web metadata lines among the first lines, and the index after the last one."""
    values: dict[str, str] = {}
    last = -1
    for i, line in enumerate(lines[:40]):
        if (":" not in line and "：" not in line) or not _field_line(line, c):
            continue  # the first label must open the line (a label ends in a colon)
        labels = list(c.field_label.finditer(line))
        if not labels or labels[0].start() != 0:
            continue
        last = i
        for j, m in enumerate(labels):
            end = labels[j + 1].start() if j + 1 < len(labels) else len(line)
            label = _squeeze(m.group("label"))
            name = c.label_to_field.get(label, "other")
            value = line[m.end():end].strip()
            if value and name not in values:
                values[name] = value
    return values, last + 1


_CLAUSE_PUNCT = regex.compile(r"[，。：:；]")


def _is_org(text: str, c: _Compiled) -> bool:
    return bool(c.org.search(text)) and len(text) <= 30 and "关于" not in text and not _CLAUSE_PUNCT.search(text)


_FIRST_HEADING = regex.compile(r"^(?:一\s*[、．.]|第一章|[（(]一[）)])")
_FIRST_HEADING_START = "一第（("  # the characters it can start with


def _first_heading_index(lines: list[str]) -> int:
    for i, line in enumerate(lines):
        if line[0] in _FIRST_HEADING_START and _FIRST_HEADING.match(line):
            return i
    return len(lines)


def front(clean: CleanText, rules: RuleSet | None = None) -> Front:
    """Metadata of the document and the cleaned offset where its body begins."""
    meta_rules: MetaRules = (rules or default_rules())["meta"]
    c = _compiled(meta_rules)
    # the lines' texts only: a line's start is looked up for the two lines that need it
    lines = _texts(clean.text)
    web, after_web = _web_fields(lines, c)
    head_end = _first_heading_index(lines)
    head = lines[:head_end]

    notice_title, issuer_from_notice, notice_idx = _notice(head, c)
    doc_number = _doc_number(web, head, c)
    recipients = _recipients(head, notice_idx, c) if notice_idx is not None else []
    contact = _contact(head, c)
    sig_issuer, sig_date, sig_idx = _signature(head, c)
    tail = lines[head_end:]
    tail_issuer, tail_date, tail_idx = _tail_signature(tail, c)
    body_end = _line_start(clean.text, head_end + tail_idx) if tail_idx is not None and tail_idx > 0 else None
    if sig_date is None:
        sig_date = tail_date
        sig_issuer = sig_issuer or tail_issuer
    if sig_date is None:
        annex_issuer, sig_date = _annex_signature(lines, c)
        sig_issuer = sig_issuer or annex_issuer

    search_from = max(after_web, (sig_idx + 1) if sig_idx is not None else 0, (notice_idx + 1) if notice_idx is not None else 0)
    title, title_idx, title_issuer = _title_block(head, search_from, c)
    if title is None and search_from:
        title, title_idx, title_issuer = _title_block(head, 0, c)
    if notice_title and "《" in notice_title:
        inner = _QUOTED.search(notice_title)
        if inner and (title is None or title_idx is None or title_idx <= (notice_idx or 0)):
            title = _squeeze(inner.group(1))
    elif notice_title and title is None:
        inner = _PUBLISHED.search(notice_title)
        title = _squeeze(inner.group(1)) if inner else None
    if "title" in web:
        # a portal's 标题 field may hold the cover notice's title: the plan's title is inside 《》
        web_title = _squeeze(web["title"])
        if c.notice.match(web_title):
            inner = _QUOTED.search(web_title) or _PUBLISHED.search(web_title)
            if title is None or c.notice.match(title):
                title = _squeeze(inner.group(1)) if inner else title
            notice_title = notice_title or web_title
        else:
            title = web_title

    issuer = web.get("issuer") or sig_issuer or issuer_from_notice or title_issuer
    # the date the document was made (成文日期, the signature) before the date a portal published it
    date = parse_date(web.get("date", "")) or sig_date or parse_date(web.get("published", ""))
    published = parse_date(web.get("published", ""))

    body_idx = max(after_web, (title_idx + 1) if title_idx is not None else 0)
    if body_idx >= len(lines):
        body_start = len(clean.text)
    elif body_idx > head_end:
        body_start = _line_start(clean.text, head_end) if head_end < len(lines) else len(clean.text)
    else:
        body_start = _line_start(clean.text, body_idx) if body_idx < len(lines) else len(clean.text)
    meta = Meta(
        title=title,
        notice_title=notice_title,
        doc_number=doc_number,
        issuer=_issuer_text(issuer, c) if issuer else None,
        date=date,
        recipients=recipients,
        contact=contact,
        index_no=web.get("index_no"),
        published=published if published and published != date else None,
    )
    if body_end is not None and body_end <= body_start:
        body_end = None
    return Front(meta, body_start, body_end=body_end)


def _notice(head: list[str], c: _Compiled) -> tuple[str | None, str | None, int | None]:
    """The cover notice's title (joined over its lines), the issuer it names, its last line index."""
    for i, line in enumerate(head[:25]):
        if "关于" not in line or _field_line(line, c):  # a web 标题 field is no cover notice
            continue
        joined = line
        j = i
        while not joined.endswith("通知") and j + 1 < len(head) and j - i < 4 and len(head[j + 1]) <= 40:
            j += 1
            joined += head[j]
        joined = _squeeze(joined)
        end = c.notice_end
        if end and not (joined.endswith(end) or joined.endswith(end + "\n")):  # ($: before a last newline too)
            continue  # it does not end as every notice title does
        if not all(any(word in joined for word in group) for group in c.notice_words):
            continue  # it lacks a word every notice title holds
        m = c.notice.match(joined)
        if not m:
            continue
        issuer = m.group("issuer") or None
        if not issuer and i > 0 and _is_org(head[i - 1], c):
            issuer = _squeeze(head[i - 1])
            joined = issuer + joined
        return joined, issuer, j
    return None, None, None


def _doc_number(web: dict[str, str], head: list[str], c: _Compiled) -> str | None:
    if web.get("doc_number"):
        m = c.doc_number.search(web["doc_number"])
        return _squeeze(m.group(0)) if m else _squeeze(web["doc_number"])
    for line in head[:30]:
        if c.doc_number_line.match(line):
            return _squeeze(line)
    return None


def _recipients(head: list[str], notice_idx: int, c: _Compiled) -> list[str]:
    for line in head[notice_idx + 1: notice_idx + 4]:
        text = line
        if c.doc_number_line.match(text):
            continue
        if text.endswith(("：", ":")) and not any(p.match(text) for p in c.contact.values()):
            parts = _RECIPIENT_SEP.split(text[:-1])
            return [_squeeze(p) for p in parts if _squeeze(p)]
        break
    return []


def _contact(head: list[str], c: _Compiled) -> Contact | None:
    name = email = None
    phones: list[str] = []
    for line in head:
        if (":" not in line and "：" not in line) or not c.contact_start.may_start(line):
            continue  # every contact label ends in a colon, and starts the line
        for kind, pattern in c.contact.items():
            m = pattern.match(line)
            if not m:
                continue
            value = m.group("value").strip()
            if kind == "name" and value and name is None:
                name = _NAME_END.split(value)[0] or None
                phones.extend(_PHONE.findall(value))
            elif kind == "phone":
                phones.extend(_PHONE.findall(value))
            elif kind == "email":
                found = _EMAIL.search(value)
                email = email or (found.group(0) if found else None)
    if name is None and not phones and email is None:
        return None
    return Contact(name=name, phone=list(dict.fromkeys(phones)), email=email)


def _signature(head: list[str], c: _Compiled) -> tuple[str | None, dt.date | None, int | None]:
    """Issuer and date of a signature (an org line, then a date line) in the front matter, or a
    lone date line under the title."""
    for i, line in enumerate(head[:40]):
        if not (c.date_start.may_start(line) and c.date_line.match(line)):
            continue
        issuer = head[i - 1] if i > 0 and _is_org(head[i - 1], c) else None
        return issuer, parse_date(line), i
    return None, None, None


def _tail_signature(body: list[str], c: _Compiled) -> tuple[str | None, dt.date | None, int | None]:
    """Issuer and date of a closing signature among the last lines, and the index of its first line."""
    for i in range(len(body) - 1, max(len(body) - 6, -1), -1):
        if c.date_start.may_start(body[i]) and c.date_line.match(body[i]):
            org = i > 0 and _is_org(body[i - 1], c)
            issuer = body[i - 1] if org else None
            return issuer, parse_date(body[i]), i - 1 if org else i
    return None, None, None


def _annex_signature(lines: list[str], c: _Compiled) -> tuple[str | None, dt.date | None]:
    """Issuer and date of a cover notice's signature standing just above its annex (…\n附件：…
    \n石门市人民政府办公室\n2025年2月24日\n\n附件\n<plan>): a date line, an org line above it,
    and an 附件 line among the next two lines."""
    for i, line in enumerate(lines):
        if not (c.date_start.may_start(line) and c.date_line.match(line)):
            continue
        if not any(c.annex.match(nxt) for nxt in lines[i + 1 : i + 3]):
            continue
        if i > 0 and _is_org(lines[i - 1], c):
            return lines[i - 1], parse_date(line)
    return None, None


def _title_block(head: list[str], start: int, c: _Compiled) -> tuple[str | None, int | None, str | None]:
    """The plan's own title (its short lines joined), the index of its last line, and an issuing
    body printed on the line above it."""
    for i in range(start, min(len(head), start + 15)):
        text = head[i]
        if len(text) > 60 or not c.title_end.search(_squeeze(text)):
            continue
        if c.notice.match(_squeeze(text)) or c.date_line.match(text):
            continue
        first = i
        while first > start and _is_title_part(head[first - 1], c):
            first -= 1
        issuer = head[first - 1] if first > 0 and _is_org(head[first - 1], c) else None
        last = i
        if (
            i + 1 < len(head)
            and c.title_suffix.match(_squeeze(head[i + 1]))
            and (issuer is None or c.rules.title_suffix_after_issuer)
        ):
            last = i + 1  # （2024—2026年） under the title is part of it
        title = "".join(_squeeze(head[k]) for k in range(first, last + 1))
        return title, last, issuer
    return None, None, None


def _is_title_part(text: str, c: _Compiled) -> bool:
    return (
        len(text) <= 30
        and not _is_org(text, c)
        and not c.date_line.match(text)
        and not text.endswith(("：", ":", "。"))
        and not _field_line(text, c)
    )
