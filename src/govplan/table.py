"""Task tables: rows of 序号 / 主要任务 / 具体措施 / 责任单位 / 完成时限, as text.

Two shapes reach us.  A table read from .docx or HTML arrives one row per line with its cells
joined by tabs.  A table copied out of a PDF or web page arrives flattened: cells run together,
a unit and a deadline glued to the end of a measure (…细化考核制度。市住房和城乡建设局2023年底2.在…),
and merged cells written once for several rows.  For the flattened shape the row numbers are
the skeleton: rows are numbered 1, 2, 3 … across the whole table, so the next row starts where
the next number stands glued to text (not "2." — that numbers a measure — and not "2号", "2个").
Group rows (一、… 二、…) interleave.  The unit and completion-time cells are found at the end of
a measure: a deadline expression followed by the next measure or the row end, preceded by a unit
list (the whole 、-separated cell after the measure's last sentence).  Page marks (— 4 —) that a
page break left inside a row are dropped.  The last row ends before the first later line that
opens a heading of the body, an 附件 or a 注： line.

Merged cells (a unit or deadline written once for several rows, or left blank in a pasted
spreadsheet) are carried down a column at a time: a row takes, from the rows above in the same
group, the cells of the columns it leaves blank.  A category column (任务类别, 重点领域 …, rules
``table_columns.category``) labels groups of rows: a category that changes opens a group
(numbered when it reads 一、…), the row titles come from the task column, and cells carry on
across category groups, which are labels rather than sections of the table.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache

import regex

from .clauses import FoundUnit
from .clean import positions
from .document import CleanText
from .models import Role
from .outline import OutlineRules, StartTest, cut_title
from .ruleset import RuleSet, compiled, default_rules
from .units import UnitRules, clean_name, looks_like_clean_unit, split_names, split_units, unit_list_suffix

_CN = "零一二三四五六七八九"


def to_cn(n: int) -> str:
    """1..99 as Chinese numerals (一, 十, 十一, 二十三)."""
    if n < 10:
        return _CN[n]
    tens, ones = divmod(n, 10)
    return ("" if tens == 1 else _CN[tens]) + "十" + (_CN[ones] if ones else "")


@dataclass
class Row:
    number: str
    title: str
    start: int  # cleaned offsets
    end: int
    title_end: int
    units: list[FoundUnit] = field(default_factory=list)  # offsets in the cleaned text
    units_inherited: bool = False
    deadline: str | None = None
    deadline_span: tuple[int, int] | None = None
    deadline_inherited: bool = False
    cells: list[tuple[int, int]] = field(default_factory=list)  # cleaned spans of unit/deadline cells
    written: set[Role] = field(default_factory=set)  # roles whose unit cell the row fills itself


@dataclass
class Group:
    number: str
    title: str
    start: int
    end: int
    title_end: int
    rows: list[Row] = field(default_factory=list)
    category: bool = False  # opened by a category cell (任务类别 …), not by a section row


@dataclass
class Table:
    start: int  # where the header starts
    groups: list[Group]
    roles: list[Role]  # the role(s) the unit column(s) carry, in column order
    end: int  # cleaned offset where the last row ends: the text after it is no longer the table's


class _Compiled:
    def __init__(self, rules: object) -> None:
        cols = rules.table_columns  # type: ignore[attr-defined]
        self.columns: dict[str, list[str]] = cols
        alt = lambda words: "|".join(sorted(map(regex.escape, words), key=len, reverse=True))  # noqa: E731
        unit_words = [*cols.get("lead", []), *cols.get("responsible", []), *cols.get("cooperating", [])]
        self.header = regex.compile(
            r"(?:" + alt(cols["number"]) + r")[\s\t]*(?:" + alt(cols["task"]) + r").{0,30}?(?:" + alt(unit_words) + r")"
        , regex.S)
        self.header_tail = regex.compile(r"[\s\t]*(?:(?:" + alt([w for ws in cols.values() for w in ws]) + r")[\s\t]*)*")
        self.deadline_cell = regex.compile(rules.deadline_cell)  # type: ignore[attr-defined]
        self.lead_col = regex.compile(alt(cols.get("lead", ["牵头单位"])))
        # a header opens with a 序号 column's word: a text holding none has no header (str.find
        # is faster than the search); no word, no such test
        self.number_words = tuple(cols["number"]) if all(cols["number"]) else ()
        self.coop_col = regex.compile(alt(cols.get("cooperating", ["配合单位"])))


def _compiled(rules: object) -> _Compiled:
    return compiled(rules, _Compiled)


# what, right after a number, makes it a quantity or a measure's number rather than a row's (matched at a position)
_NOT_ROW_AFTER = regex.compile(r"(?:[\d.．、%％]|[个项件次年月日号时分秒岁万亿千百元米吨户人名家座套条处所期批类级倍层方])")
_NOT_ROW_AFTER_ROW = regex.compile(r"[\d.．、%％年月日号时]")


def find_table(clean: CleanText, start: int = 0, rules: RuleSet | None = None, end: int | None = None) -> Table | None:
    """The task table in ``clean.text[start:end]``, if the document has one.  ``end`` is where the
    body ends (a closing signature, say): no row runs past it."""
    ruleset = rules or default_rules()
    c = _compiled(ruleset["tasks"])
    stop = len(clean.text) if end is None else max(start, min(end, len(clean.text)))
    text = clean.text
    header = (
        c.header.search(text, start, stop)
        if not c.number_words or any(text.find(word, start, stop) >= 0 for word in c.number_words)
        else None
    )
    celled = _celled_header(clean, start, c, before=header.start() if header else stop)
    if celled is not None:
        line_start, line_end = celled
        kinds = _column_kinds(_cells_of(clean.text[line_start:line_end], line_start), c)
        roles = list(dict.fromkeys(_ROLE_OF[k] for k in kinds if k in _ROLE_OF)) or [Role.RESPONSIBLE]
        groups, blanks_merged = _tabbed(clean, line_start, line_end, c, ruleset, stop)
        if groups and sum(len(g.rows) for g in groups) >= 2:
            _carry_down(groups, roles, blanks_merged=blanks_merged)
            return Table(line_start, groups, roles, _last_row_end(groups))
    if header is None:
        return None
    tail = c.header_tail.match(clean.text, header.end(), stop)
    body_start = tail.end() if tail else header.end()
    header_text = clean.text[header.start(): body_start]
    roles = [Role.LEAD] if c.lead_col.search(header_text) else [Role.RESPONSIBLE]
    groups = _flattened(clean, body_start, ruleset, stop)
    if not groups or sum(len(g.rows) for g in groups) < 2:
        return None
    _carry_down(groups, [Role.RESPONSIBLE], blanks_merged=True)
    if roles != [Role.RESPONSIBLE]:  # a flattened table has one unit column: its header names the role
        for group in groups:
            for row in group.rows:
                row.units = [FoundUnit(u.name, roles[0], u.start, u.end) for u in row.units]
                row.written = {roles[0]} if row.written else set()
    return Table(header.start(), groups, roles, _last_row_end(groups))


def _last_row_end(groups: list[Group]) -> int:
    return max(row.end for group in groups for row in group.rows)


_ROLE_OF = {"lead": Role.LEAD, "responsible": Role.RESPONSIBLE, "cooperating": Role.COOPERATING}
_UNIT_KINDS = frozenset(_ROLE_OF)


def _celled_header(clean: CleanText, start: int, c: _Compiled, before: int) -> tuple[int, int] | None:
    """The header row of a table whose cells are separated (tabs from .docx/HTML/spreadsheets,
    pipes from Markdown): a row naming a task or measures column and a unit or deadline column,
    with at least three known columns."""
    text = clean.text
    if "\t" not in text and "|" not in text and "｜" not in text:
        return None  # no line of cells anywhere (a pipe row needs a pipe)
    for line_start, line_end in clean.lines():
        if line_end <= start:
            continue
        if line_start > before:
            break
        line = text[line_start:line_end]
        if "\t" not in line and not _PIPE_ROW.match(line):
            continue
        kinds = _column_kinds(_cells_of(line, line_start), c)
        known = {k for k in kinds if k}
        if len([k for k in kinds if k]) >= 3 and known & {"task", "measures"} and (known & _UNIT_KINDS or "deadline" in known):
            return line_start, line_end
    return None


def _column_kinds(cells: list[tuple[str, int]], c: _Compiled) -> list[str | None]:
    """The kind of each header cell: the kind whose header word is the longest one in the cell
    (任务类别 is a category column although it contains 任务)."""
    kinds: list[str | None] = []
    for text, _ in cells:
        cell = "".join(text.split())
        best: tuple[int, str | None] = (0, None)
        for kind, words in c.columns.items():
            for word in words:
                if word in cell and len(word) > best[0]:
                    best = (len(word), kind)
        kinds.append(best[1])
    return kinds


_GROUP_NUMBER = regex.compile(r"^\s*(?P<number>[一二三四五六七八九十百]+)\s*[、.．]\s*")


def _tabbed(
    clean: CleanText, header_start: int, header_end: int, c: _Compiled, rules: RuleSet, stop: int,
) -> tuple[list[Group], bool]:
    """A table whose cells are separated: one row per line.  A row with a single filled cell, or a
    non-numeric 序号, is a section row (一、…); a row continuing a vertically merged task cell (same
    序号 and task as the row above, or both left blank) adds its measures, units and deadline to
    that row; a category cell (任务类别 …) that changes opens a group of rows.

    Also tells whether the table leaves merged cells blank (pasted from a spreadsheet, not a table
    whose merges the reader resolved): a row that leaves its first lead/responsible column blank."""
    kinds = _column_kinds(_cells_of(clean.text[header_start:header_end], header_start), c)
    unit_kinds = [k for k in kinds if k in _UNIT_KINDS]
    primary = next((k for k in unit_kinds if k != "cooperating"), unit_kinds[0] if unit_kinds else None)
    outline_rules: OutlineRules = rules["outline"]
    unit_rules: UnitRules = rules["units"]
    groups: list[Group] = []
    previous_key: tuple[str, str] | None = None
    category: str | None = None  # the category cell that opened the current group
    blanks_merged = False
    for line_start, line_end in clean.lines():
        if line_start <= header_start:
            continue
        if line_start >= stop:
            break
        line = clean.text[line_start:line_end]
        if "\t" not in line and not _PIPE_ROW.match(line):
            if line.strip() and groups and groups[-1].rows:
                break  # the table has ended
            continue
        cells = _cells_of(line, line_start)
        if all(_RULE_CELL.match(t) for t, _ in cells):
            continue  # a Markdown separator row |---|---|
        if kinds == _column_kinds(cells, c):
            continue  # a header repeated (a table over several pages)
        by_kind: dict[str, tuple[str, int]] = {}
        for kind, (text, at_) in zip(kinds, cells, strict=False):
            if kind and text.strip() and kind not in by_kind:
                by_kind[kind] = (text, at_)
        filled = [(t, a) for t, a in cells if t.strip()]
        number_cell = by_kind.get("number", ("", 0))[0].strip()
        if not filled:
            continue
        lone_section = len(filled) == 1 and (
            _GROUP_NUMBER.match(filled[0][0]) is not None or not ({"task", "measures"} & by_kind.keys()))
        arabic = _ARABIC_CELL.match(number_cell)
        chinese = _CHINESE_CELL.match(number_cell)
        has_cells = not _UNIT_KINDS.isdisjoint(by_kind) or "deadline" in by_kind
        if (chinese and not has_cells and len(filled) > 1) and "number" in by_kind:
            # 一 | 城市更新 | | : the 序号 column numbers a section
            at_number = by_kind["number"][1]
            title, at_ = next((t, a) for t, a in filled if a != at_number)
            lead = len(title) - len(title.lstrip())
            groups.append(Group(chinese.group(1), title.strip(), at_ + lead, line_end, at_ + len(title.rstrip())))
            previous_key, category = None, None
            continue
        if lone_section or (number_cell and not arabic and not chinese):
            title, at_ = filled[0]
            groups.append(_labelled_group(title, at_, line_end))
            previous_key, category = None, None
            continue
        if "category" in by_kind and (not groups or groups[-1].category):
            # a category cell (merged over its rows, or written in each) labels a group of rows;
            # under a section row of the table it stays a column of the rows
            text, at_ = by_kind["category"]
            if text.strip() != category:
                group = _labelled_group(text, at_, line_end)
                group.category = True
                groups.append(group)
                category = text.strip()
                previous_key = None
        if not groups:
            groups.append(Group("", "", line_start, line_start, line_start))
        task_text, task_at = by_kind.get("task", by_kind.get("measures", ("", line_start)))
        key = (number_cell, task_text.strip())
        if groups[-1].rows and (previous_key == key or key == ("", "")):
            row = groups[-1].rows[-1]  # the task cell is merged over this row too
            row.end = line_end
        else:
            number = (arabic or chinese).group(1) if (arabic or chinese) else str(sum(len(g.rows) for g in groups) + 1)
            lead = len(task_text) - len(task_text.lstrip())
            title_len = cut_title(task_text.strip(), outline_rules)
            row = Row(number, task_text.strip()[:title_len].strip(), line_start, line_end, task_at + lead + title_len)
            groups[-1].rows.append(row)
            if primary is not None and primary not in by_kind:
                blanks_merged = True
        previous_key = key
        for kind in ("lead", "responsible", "cooperating"):
            if kind in by_kind:
                text, at_ = by_kind[kind]
                known = {(u.name, u.role) for u in row.units}
                for a, b in ([] if _NO_UNIT.match(text) else split_units(text, unit_rules)):
                    unit = FoundUnit(clean_name(text[a:b]), _ROLE_OF[kind], at_ + a, at_ + b)
                    if (unit.name, unit.role) not in known:
                        row.units.append(unit)
                row.cells.append((at_, at_ + len(text)))
                row.written.add(_ROLE_OF[kind])
        if "deadline" in by_kind:
            text, at_ = by_kind["deadline"]
            if row.deadline is None:
                row.deadline = text.strip()
                row.deadline_span = (at_, at_ + len(text))
            row.cells.append((at_, at_ + len(text)))
        groups[-1].end = line_end
    return [g for g in groups if g.rows], blanks_merged


def _labelled_group(cell: str, at_: int, line_end: int) -> Group:
    """A group opened by a section row's or a category's cell: 一、城市更新 is numbered 一."""
    lead = len(cell) - len(cell.lstrip())
    m = _GROUP_NUMBER.match(cell)
    number = m.group("number") if m else ""
    body = cell[m.end():] if m else cell.strip()
    title_at = at_ + (m.end() if m else lead)
    return Group(number, body.strip(), at_ + lead, line_end, title_at + len(body.rstrip()))


# a unit cell that says there is none: —, /, 无
_NO_UNIT = regex.compile(r"^\s*(?:[—－–\-/／\\]+|无|暂无)\s*$")

# a 序号 cell: 3, 3., （3）, 3、 — or a Chinese numeral (一, （二）, 三、)
_ARABIC_CELL = regex.compile(r"^[（(]?(\d{1,3})[)）.．、]?$")
_CHINESE_CELL = regex.compile(r"^[（(]?([一二三四五六七八九十百]+)[)）.．、]?$")

# a Markdown / pipe table row: | a | b | c |  (full-width ｜ too)
_PIPE_ROW = regex.compile(r"^\s*[|｜].*[|｜].*[|｜]\s*$")
_RULE_CELL = regex.compile(r"^\s*:?-{2,}:?\s*$|^\s*$")


def _cells_of(line: str, offset: int) -> list[tuple[str, int]]:
    """The cells of a row and where each starts: split on tabs, or on the pipes of a pipe table."""
    if "\t" in line:
        sep = "\t"
        body, base = line, 0
    else:
        sep = "|"
        line = line.replace("｜", "|")
        first = line.index("|")
        last = line.rindex("|")
        body, base = line[first + 1:last], first + 1
    cells = []
    pos = 0
    for cell in body.split(sep):
        cells.append((cell, offset + base + pos))
        pos += len(cell) + 1
    return cells


# --- flattened tables ---------------------------------------------------------------------------

# a page mark left by a page break: a line of its own (— 4 —, - 4 -, 第4页, 第4页/共9页, 4/9), or a
# page number framed by spaced dashes inside a line (加强融资服— 4 —务 once the lines are joined)
_PAGE_LINE = regex.compile(
    r"^\s*(?:[—－–-]{1,2}\s*\d{1,4}\s*[—－–-]{1,2}|第\s*\d{1,4}\s*页(?:\s*[/，,]?\s*共\s*\d{1,4}\s*页)?"
    r"|\d{1,4}\s*/\s*\d{1,4})\s*$"
)
_PAGE_INLINE = regex.compile(r"[—－]\s+\d{1,4}\s+[—－]")
_PAGE_LINE_START = StartTest([_PAGE_LINE.pattern])  # (a line of text starts with none of its characters)


def _flatten(clean: CleanText, start: int, stop: int | None = None) -> tuple[str, list[int]]:
    """``clean.text[start:stop]`` without its line breaks and page marks, and the cleaned index of
    each character kept; a line at a time (str.find), never a character at a time in Python."""
    text = clean.text
    stop = len(text) if stop is None else stop
    where: list[int] = []
    pieces: list[str] = []
    pos = start
    while pos < stop:
        newline = text.find("\n", pos, stop)
        end = stop if newline < 0 else newline
        line = text[pos:end]
        if not (_PAGE_LINE_START.may_start(line) and _PAGE_LINE.match(line)):
            keep = [(pos, end)]
            if "—" in line or "－" in line:
                keep, kept_to = [], pos
                for m in _PAGE_INLINE.finditer(line):
                    keep.append((kept_to, pos + m.start()))
                    kept_to = pos + m.end()
                keep.append((kept_to, end))
            for a, b in keep:
                pieces.append(text[a:b])
                where.extend(positions(a, b))
        if newline < 0:
            break
        pos = newline + 1
    return "".join(pieces), where


# a line after a flattened table's last row that is no longer the table: an 附件 line, a note
# under the table, or a heading of the body (一、 （一） 第一章 …; not 1., which numbers measures)
_AFTER_TABLE = regex.compile(r"^\s*(?:附\s*件\s*\d*\s*[：:]?|注\s*[：:]|备\s*注\s*[：:])")
_BODY_HEADING_STYLES = ("chapter", "part", "article", "cn", "cn_paren")


@lru_cache(maxsize=8)
def _body_heading(patterns: tuple[str, ...]) -> regex.Pattern[str]:
    return regex.compile("|".join(f"(?:{p})" for p in patterns) or r"(?!)")


def _table_stop(clean: CleanText, row_start: int, stop: int, outline_rules: OutlineRules) -> int:
    """Where the text after a flattened table's last row (which starts at ``row_start``) stops
    being the table: the first later line that opens a heading of the body, an annex or a note."""
    text = clean.text
    heading = _body_heading(tuple(s.pattern for s in outline_rules.styles if s.name in _BODY_HEADING_STYLES))
    newline = text.find("\n", row_start, stop)
    while newline >= 0:
        line_start = newline + 1
        newline = text.find("\n", line_start, stop)
        line = text[line_start:stop if newline < 0 else newline].lstrip()
        if line and (_AFTER_TABLE.match(line) or heading.match(line)):
            return line_start
    return stop


def _flattened(clean: CleanText, start: int, rules: RuleSet, stop: int | None = None) -> list[Group]:
    stop = len(clean.text) if stop is None else stop
    flat, where = _flatten(clean, start, stop)
    outline_rules: OutlineRules = rules["outline"]
    unit_rules: UnitRules = rules["units"]
    c = _compiled(rules["tasks"])

    def at(i: int) -> int:
        return where[i] if i < len(where) else stop

    events: list[tuple[str, int, int, str]] = []  # (kind, start, marker end, number) in flat
    pos, next_row, next_group = 0, 1, 1
    # where row ``next_row`` and group ``next_group`` start from ``pos`` on: a search is repeated
    # only when its number changed or the place it found was passed (what stands at a place does
    # not depend on where the search began; none from an earlier place means none from a later one)
    row: tuple[int, int] | None = None
    group: tuple[int, int] | None = None
    row_of = group_of = 0
    while True:
        if row_of != next_row or (row is not None and row[0] < pos):
            row, row_of = _find_row(flat, pos, next_row), next_row
        if group_of != next_group or (group is not None and group[0] < pos):
            group, group_of = _find_group(flat, pos, next_group), next_group
        if row is None and group is None:
            break
        if group is not None and (row is None or group[0] < row[0]):
            events.append(("group", group[0], group[1], to_cn(next_group)))
            next_group += 1
            pos = group[1]
        else:
            assert row is not None
            events.append(("row", row[0], row[1], str(next_row)))
            next_row += 1
            pos = row[1]
    last_end = len(flat)
    if events and events[-1][0] == "row":  # the last row runs on to the first line that is no longer the table
        last_end = max(events[-1][2], bisect.bisect_left(where, _table_stop(clean, at(events[-1][1]), stop, outline_rules)))
    groups: list[Group] = []
    for k, (kind, ev_start, marker_end, number) in enumerate(events):
        last = k + 1 == len(events)
        ev_end = last_end if last else events[k + 1][1]
        text = flat[marker_end:ev_end]
        if kind == "group":
            title = text.strip()
            groups.append(Group(number, title, at(ev_start), at(ev_end), at(marker_end + len(text.rstrip()))))
            continue
        if not groups:
            groups.append(Group("", "", at(ev_start), at(ev_start), at(ev_start)))
        title_len = cut_title(text, outline_rules)
        kept = len(text.rstrip())
        # the last row ends after its last character kept, not at the page mark or text after it
        row_end = at(marker_end + kept - 1) + 1 if last and kept else at(ev_end)
        row_obj = Row(number, text[:title_len].strip(), at(ev_start), row_end, at(marker_end + title_len))
        _cells(row_obj, text, marker_end, at, c, unit_rules)
        groups[-1].rows.append(row_obj)
        groups[-1].end = row_end
    return [g for g in groups if g.rows]


# what ends a cell right before a row number: a sentence, a bracket, a dated completion time
_CELL_END = regex.compile(r"(?:[。；;）)\s]|(?:19|20)\d{2}年(?:\d{1,2}月)?(?:\d{1,2}日)?(?:底|末)?前?)$")


def _find_row(flat: str, pos: int, number: int) -> tuple[int, int] | None:
    """Where row ``number`` starts: the number glued to text, not a measure (2.) nor, unless a
    cell just ended, a quantity (20家, 2号)."""
    for m in _row_number(number).finditer(flat, pos):
        if not _NOT_ROW_AFTER.match(flat, m.end()):
            return m.start(), m.end()
        if not _NOT_ROW_AFTER_ROW.match(flat, m.end(), m.end() + 1) and _CELL_END.search(flat[max(0, m.start() - 16):m.start()]):
            return m.start(), m.end()
    return None


@lru_cache(maxsize=256)
def _row_number(number: int) -> regex.Pattern[str]:
    return regex.compile(r"(?<!\d)" + str(number) + r"(?=[\p{Han}“\"《（(])")


@lru_cache(maxsize=256)
def _group_number(number: int) -> regex.Pattern[str]:
    return regex.compile(regex.escape(to_cn(number)) + r"\s*、(?=[^、])")


def _find_group(flat: str, pos: int, number: int) -> tuple[int, int] | None:
    m = _group_number(number).search(flat, pos)
    return (m.start(), m.end()) if m else None


_SENTENCE_END = "。；;！？"  # (spelled out in _unit_cell's rfinds)
_MEASURE_NUMBER = regex.compile(r"\s*\d{1,2}\s*[.．、]")
# an item of a unit cell that the unit vocabulary does not know (中国人民银行某县支行): a short name,
# no sentence in it, no verb of a measure
_LOOSE_UNIT = regex.compile(r"^[\p{Han}A-Za-z0-9（）()·]{2,30}$")
_MEASURE_WORD = regex.compile(r"负责|加强|强化|推进|推动|促进|落实|确保|完善|健全|开展|提高|提升|做好|加快|深化|实现|建立|\d{4}年")


def _cells(row: Row, text: str, offset: int, at: Callable[[int], int], c: _Compiled, unit_rules: UnitRules) -> None:
    """Find the unit and completion-time cells glued into a row's text (``offset``: where ``text``
    starts in the flat text; ``at``: flat index -> cleaned index)."""
    for m in c.deadline_cell.finditer(text):
        m_end = m.end()
        if m_end == m.start():
            continue  # an empty match
        # what follows the deadline (by index: _MEASURE_NUMBER has no anchor nor lookbehind)
        if m_end < len(text):
            at_break = at(offset + m_end) != at(offset + m_end - 1) + 1  # a line ends here
            if not (at_break or text[m_end].isspace() or _MEASURE_NUMBER.match(text, m_end)):
                continue
        before = text[: m.start()]
        bare = before.rstrip()
        units_at: int | None = None
        names: list[tuple[int, int, str]] | None = None
        if bare and bare[-1] not in _SENTENCE_END:
            units_at, names = _unit_cell(bare, unit_rules)
            if units_at is None:
                continue
        row.deadline = m.group(0)
        row.deadline_span = (at(offset + m.start()), at(offset + m.end() - 1) + 1)
        row.cells.append(row.deadline_span)
        if units_at is not None:
            _add_units(row, bare, units_at, offset, at, unit_rules, names)
        return
    bare = text.rstrip()
    last = bare.rfind
    boundary = max(last("。"), last("；"), last(";"), last(" ")) + 1
    if 0 < boundary < len(bare):
        units_at = unit_list_suffix(bare[boundary:], unit_rules)
        if units_at == 0:
            _add_units(row, bare, boundary, offset, at, unit_rules)


def _unit_cell(bare: str, unit_rules: UnitRules) -> tuple[int | None, list[tuple[int, int, str]] | None]:
    """Where the unit cell at the end of ``bare`` (a row's text up to its completion time) starts.
    The cell is everything after the measure's last sentence when it reads as a unit list: its
    first item a unit and the others short names (a name the vocabulary lacks, 中国人民银行某县支行,
    stays in the cell); else the unit list at the end, segment by segment (unit_list_suffix).

    Also ``split_names`` of the cell from where it starts, when it was worked out here (else None):
    the cell read after the last sentence with no white space to skip is the text split here, and
    split_names is a function of its text (and rules) alone, so _add_units need not split it again."""
    last = bare.rfind  # (the last of _SENTENCE_END, one rfind each)
    sentence = max(last("。"), last("；"), last(";"), last("！"), last("？")) + 1
    if sentence:  # (no sentence before it: the list at the end, segment by segment)
        cell = bare[sentence:]
        lead = len(cell) - len(cell.lstrip())
        names = split_names(cell, unit_rules)  # (split_units is its (start, end) pairs)
        # looks_like_unit(cell[a:b]) is looks_like_clean_unit(name): split_names's name is
        # clean_name(cell[a:b])
        if names and looks_like_clean_unit(names[0][2], unit_rules) and all(
            looks_like_clean_unit(name, unit_rules) or (_LOOSE_UNIT.match(cell[a:b]) and not _MEASURE_WORD.search(cell[a:b]))
            for a, b, name in names[1:]
        ):
            return sentence + lead, (names if lead == 0 else None)
    return unit_list_suffix(bare, unit_rules), None


def _add_units(
    row: Row, text: str, units_at: int, offset: int, at: Callable[[int], int], unit_rules: UnitRules,
    names: list[tuple[int, int, str]] | None = None,
) -> None:
    """The units of the cell ``text[units_at:]`` (``names``: its split_names, when known)."""
    cell = text[units_at:]
    # split_names gives each item with its clean_name (the same name: its spaces removed, and
    # none to remove in a text holding none), so no clean_name call an item
    for a, b, name in split_names(cell, unit_rules) if names is None else names:
        start = at(offset + units_at + a)
        end = at(offset + units_at + b - 1) + 1
        row.units.append(FoundUnit(name, Role.RESPONSIBLE, start, end))
    row.cells.append((at(offset + units_at), at(offset + len(text) - 1) + 1))
    if row.units:
        row.written.add(Role.RESPONSIBLE)


def _carry_down(groups: list[Group], roles: list[Role], *, blanks_merged: bool) -> None:
    """Merged cells, a column at a time: a row takes the units of each unit column it leaves blank,
    and the completion time if it has none, from the rows above in the same group (category groups
    do not stop this: a merged cell may span rows of two categories).

    A row with no unit at all takes every column's units.  A row that fills its lead/responsible
    column takes the other columns it leaves blank only from a table that leaves merged cells blank
    (``blanks_merged``): where the reader resolved the merges (.docx, HTML), a blank 配合单位 cell
    next to a written 牵头单位 means the row has no cooperating unit."""
    order = {role: i for i, role in enumerate(roles)}
    primary = next((r for r in roles if r != Role.COOPERATING), roles[0] if roles else Role.RESPONSIBLE)
    above: dict[Role, list[FoundUnit]] = {}
    deadline: tuple[str, tuple[int, int]] | None = None
    for group in groups:
        if not group.category:
            above, deadline = {}, None
        for row in group.rows:
            own = {u.role for u in row.units} | row.written
            taken = [
                role for role in above
                if role not in own and (not row.units or role == primary or blanks_merged)
            ] if above else None
            if taken:
                inherited = [u for role in taken for u in above[role]]
                row.units = sorted([*row.units, *inherited], key=lambda u: order.get(u.role, len(order)))
                row.units_inherited = True
                own = {u.role for u in row.units} | row.written  # (else the same set, built the same way)
            units = row.units
            for role in own:  # a cell written "—" ends a merge too
                above[role] = [u for u in units if u.role == role] if len(own) > 1 else list(units)
            if row.deadline is not None and row.deadline_span is not None:
                deadline = (row.deadline, row.deadline_span)
            elif deadline is not None:
                row.deadline, row.deadline_span = deadline
                row.deadline_inherited = True
