"""The fast paths of clean._unspace and clean._char_pass, and outline's numeral table and Heading
builder, equal the code they replaced.

``_unspace`` turns down a line with spaces without the ``regex`` search for spaced Han pairs when no
run of spaced single characters can be in it and the share test fails for bounds of its counts;
``_char_pass`` skips the narrowing substitution and the drop scans when one scan finds neither kind
of character; ``_numeral_value`` looks the usual numerals up in a table; ``_heading`` sets a
Heading's slots directly.  Each is compared with a copy of the code it replaced, on hand-picked
strings and on random ones (Han inside and outside 一-龥, spaces, full-width and dropped
characters, ASCII, brackets).
"""

from __future__ import annotations

import re
from typing import Any

import pytest
import regex
from hypothesis import example, given, settings
from hypothesis import strategies as st

from govplan.clean import (
    _DROP,
    _HAN_BLOCK_RUN,
    _JOINED_RUN,
    _NARROW,
    _RUN_HINT,
    _SPACED_PAIR,
    _SPACED_RUN,
    _WIDE_OR_DROPPED,
    CleanRules,
    _char_pass,
    _compiled,
    _drop_ranges,
    _unspace,
    clean_text,
)
from govplan.document import CleanText
from govplan.models import Section
from govplan.outline import (
    _CIRCLED,
    _NUMERAL_VALUES,
    Heading,
    _heading,
    _numeral_value,
    _numeral_value_read,
    outline,
)
from govplan.ruleset import default_rules

RULES = default_rules()
CLEAN = RULES["clean"]

# --- the plain implementations, as they were before the fast paths --------------------------------


def _unspace_plain(text: str, rules: CleanRules) -> list[tuple[int, int]]:
    if " " not in text:
        return []
    spaced = [m.span(1) for m in _SPACED_PAIR.finditer(text)]
    if not spaced:
        return []
    share = rules.letter_spaced_share
    n_spaced = len(spaced)
    joined = 0
    if share > 0:
        for run in _JOINED_RUN.finditer(text):
            a, b = run.span()
            joined += b - a - 1
            if n_spaced <= share * (n_spaced + joined):
                break
    else:
        for run in _JOINED_RUN.finditer(text):
            a, b = run.span()
            joined += b - a - 1
    if n_spaced > share * (n_spaced + joined):
        return spaced
    if n_spaced < max(2, rules.letter_spaced_run - 1):
        return []
    drop: list[tuple[int, int]] = []
    for run in _SPACED_RUN.finditer(text):
        if (run.end() - run.start() + 1) // 2 >= rules.letter_spaced_run:
            drop.extend((i, i + 1) for i in range(run.start() + 1, run.end(), 2))
    return drop


_WIDE_PLAIN = re.compile("[" + "".join(re.escape(ch) for ch in sorted(_NARROW)) + "]")


def _char_pass_plain(raw: str, inline: Any) -> tuple[str, list[tuple[int, int]]]:
    pieces: list[str] = []
    kept: list[tuple[int, int]] = []
    pos = 0
    for start, end in [*_drop_ranges(raw, inline), (len(raw), len(raw))]:
        if start > pos:
            pieces.append(_WIDE_PLAIN.sub(lambda m: _NARROW[m.group()], raw[pos:start]))
            kept.append((pos, start))
        pos = max(pos, end)
    return "".join(pieces), kept


# --- _unspace --------------------------------------------------------------------------------------

# Han of the first block and outside it (㐀 extension A, 豈 a compatibility ideograph, 𠀀 extension
# B: Han, but not 一-龥, so not counted by the fast path's lower bound), letters, digits, punctuation
_LINE_CHARS = st.sampled_from(list("市财政局工作目标一二十区长主任㐀㑇豈𠀀  ab1、，。：（）【】·\u3000"))

_SPACED_LINES = [
    "一、工 作 目 标",
    "市 财 政 局 负责",
    "赵 波 区财政局局长",
    "徐  凤  区卫生健康委员会主任、爱卫办主任",
    "发文机构: 城市管理综合执法局 信息分类: 计划规划",
    "市公安局 市交通运输局 市住建局",
    "㐀 㑇 豈 𠀀",
    "工 作 目 标 一 二",
    "市 财 政局",
    "颜值圈 建设",
    "a b c 市 区",
    "  市 局  ",
    # no run of spaced single characters, and most pairs spaced: the share test decides
    "工 作目 标",
    "工 作、、、、、、目 标",
    "㐀 㑇豈 𠀀",
    "市  局长 区",
]


@pytest.mark.parametrize("share,run", [(0.5, 3), (0.3, 3), (0.7, 4), (1.0, 3), (0.0, 3), (-0.5, 2)])
@pytest.mark.parametrize("line", _SPACED_LINES)
def test_unspace_equals_the_plain_reading_on_chosen_lines(line: str, share: float, run: int) -> None:
    rules = CLEAN.model_copy(update={"letter_spaced_share": share, "letter_spaced_run": run})
    assert _unspace(line, rules) == _unspace_plain(line, rules)


def test_the_bounds_the_fast_path_reads_hold() -> None:
    """Its lower bound of joined pairs counts Han only (一-龥 is Han throughout), and its run hint
    finds every run _SPACED_RUN can find."""
    han = regex.compile(r"\p{Han}")
    assert all(han.match(chr(code)) for code in range(0x4E00, 0x9FA6))
    assert _HAN_BLOCK_RUN.pattern == "[\u4e00-\u9fa5]{2,}"
    for line in ("市 财 政", "召开会议，市 财 政 局", "㐀 㑇 豈", "a，市 财 政，b"):
        assert _SPACED_RUN.search(line) is not None and _RUN_HINT.search(line) is not None
    assert _RUN_HINT.search("徐  凤  区卫生健康委员会主任") is None and _RUN_HINT.search("市公安局 市交通运输局") is None


def test_unspace_still_drops_letter_spacing() -> None:
    assert _unspace("一、工 作 目 标", CLEAN) == [(3, 4), (5, 6), (7, 8)]
    # a run of four single characters in a longer line: its inner spaces go, the one after it stays
    assert _unspace("召开会议，市 财 政 局 负责落实各项任务要求", CLEAN) == [(6, 7), (8, 9), (10, 11)]
    assert _unspace("赵 波 区财政局局长", CLEAN) == []  # a name and its post: two spaced pairs, no run
    assert _unspace("工 作目 标", CLEAN) == [(1, 2), (4, 5)]  # two pairs of three spaced, no run


@settings(max_examples=400, deadline=None)
@given(st.text(_LINE_CHARS, max_size=40), st.sampled_from([0.5, 0.3, 0.25, 0.6, 1.0]), st.sampled_from([2, 3, 4]))
@example("市 局 长 区", 0.5, 3)
@example("市 局 区长主任", 0.5, 3)
def test_unspace_equals_the_plain_reading(line: str, share: float, run: int) -> None:
    rules = CLEAN.model_copy(update={"letter_spaced_share": share, "letter_spaced_run": run})
    assert _unspace(line, rules) == _unspace_plain(line, rules)


# --- _char_pass ------------------------------------------------------------------------------------

_RAW_CHARS = st.sampled_from([*"市财政局工作ab1 \n\t、，（）", "\u3000", "\xa0", "０", "９", "Ａ", "ｚ", "\u200b", "\ufeff", "\r", "\u2028"])
_RAW_PIECES = st.one_of(_RAW_CHARS, st.sampled_from(["[bookmark: _GoBack]", "[image: a.png]", "[图片:x]"]))


@settings(max_examples=300, deadline=None)
@given(st.lists(_RAW_PIECES, max_size=30).map("".join))
@example("二〇二四年１２月\u3000市财政局")
@example("\ufeff[bookmark: _GoBack]工作\r\n方案")
@example("plain text with no wide character")
def test_char_pass_equals_the_plain_one(raw: str) -> None:
    inline = _compiled(CLEAN).inline
    assert _char_pass(raw, inline) == _char_pass_plain(raw, inline)


def test_one_scan_finds_every_character_to_narrow_or_drop() -> None:
    assert all(_WIDE_OR_DROPPED.fullmatch(ch) for ch in [*_NARROW, *_DROP])
    assert not any(_WIDE_OR_DROPPED.search(ch) for ch in "市财政局ab19 ，。（）【】\n")


def test_char_pass_narrows_and_drops() -> None:
    inline = _compiled(CLEAN).inline
    assert _char_pass("２０２４年\u3000目标", inline) == ("2024年 目标", [(0, 8)])
    assert _char_pass("工作\u200b方案", inline) == ("工作方案", [(0, 2), (3, 5)])
    assert _char_pass("工作方案", inline) == ("工作方案", [(0, 4)])
    assert clean_text("一、工 作 目 标\n（一）２０２４年完成。").text == "一、工作目标\n（一）2024年完成。"


# --- outline: numerals and headings ----------------------------------------------------------------


def test_numeral_table_holds_what_the_reading_gives() -> None:
    assert _NUMERAL_VALUES["一"] == 1 and _NUMERAL_VALUES["十二"] == 12 and _NUMERAL_VALUES["九十九"] == 99
    assert _NUMERAL_VALUES["③"] == 3 and _NUMERAL_VALUES["42"] == 42 and _NUMERAL_VALUES["两"] == 2
    for num, value in _NUMERAL_VALUES.items():
        assert _numeral_value_read(num) == value


@given(st.text(st.sampled_from(list("一二三四五六七八九十百零〇两0123456789") + list(_CIRCLED[:5])), min_size=1, max_size=5))
@example("一百零五")
@example("二十")
@example("①②")
@example("007")
def test_numeral_value_equals_the_reading(num: str) -> None:
    assert _numeral_value(num) == _numeral_value_read(num)


def test_heading_builder_equals_the_dataclass() -> None:
    section = Section(id="s1", level=1, number="一", title="总体要求", path="一", line=3, span=(10, 14))
    fast = _heading(section, "cn", 5, 9, 40, 30)
    plain = Heading(section, "cn", 5, 9, 40, 30)
    assert fast == plain
    assert (fast.section, fast.style, fast.start, fast.title_end, fast.end, fast.own_end) == (section, "cn", 5, 9, 40, 30)
    with pytest.raises(AttributeError):
        fast.start = 6  # type: ignore[misc]  # still frozen


def test_outline_sections_and_offsets() -> None:
    text = (
        "前言。\n一、总体要求\n（一）工作目标。到2025年完成。\n（二）基本原则\n二、重点任务\n1.加强组织领导\n"
        "2.强化督促检查\n三、保障措施\n（一）落实经费"
    )
    clean = CleanText.identity(text)
    headings = outline(clean, rules=RULES)
    assert [(h.section.path, h.section.title, h.section.level, h.style) for h in headings] == [
        ("一", "总体要求", 1, "cn"),
        ("一/一", "工作目标", 2, "cn_paren"),
        ("一/二", "基本原则", 2, "cn_paren"),
        ("二", "重点任务", 1, "cn"),
        ("二/1", "加强组织领导", 2, "arabic"),
        ("二/2", "强化督促检查", 2, "arabic"),
        ("三", "保障措施", 1, "cn"),
        ("三/一", "落实经费", 2, "cn_paren"),
    ]
    first, second = headings[0], headings[1]
    assert (first.start, first.title_end) == (text.index("一、"), text.index("一、") + 6)
    assert second.section.span == (text.index("（一）"), text.index("（一）") + 7)
    assert [h.section.id for h in headings] == [f"s{i}" for i in range(1, 9)]
    assert [h.section.line for h in headings] == [2, 3, 4, 5, 6, 7, 8, 9]
    starts = [h.start for h in headings]
    assert [h.own_end for h in headings] == [*starts[1:], len(text)]  # each up to the next heading
    assert [h.end for h in headings] == [starts[3], starts[2], starts[3], starts[6], starts[5], starts[6], len(text), len(text)]
    # a region read otherwise (a table) ends the own text of the heading before it
    skipped = outline(clean, rules=RULES, skip=(starts[4], starts[5]))
    assert [h.section.path for h in skipped] == ["一", "一/一", "一/二", "二", "二/2", "三", "三/一"]
    assert skipped[3].own_end == starts[4] and skipped[3].end == starts[6]
    # a stray number out of sequence is no heading
    assert [h.section.number for h in outline(CleanText.identity("一、甲乙丙\n二、丁戊己\n七、庚辛壬"), rules=RULES)] == ["一", "二"]
