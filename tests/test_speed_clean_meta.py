"""Fast paths of clean and meta give what the plain code gives.

- meta: ``front`` reads the lines' texts from one regex scan (``_texts``) and looks up where a
  line starts only for the lines it needs (``_line_start``), instead of building a ``_Line`` for
  every line (``_lines``, the plain reading, now the reference below).
- clean: letter spacing is looked for only in a line whose stripped text holds a space.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from hypothesis import example, given, settings
from hypothesis import strategies as st

from govplan.clean import _unspace, clean_text
from govplan.document import CleanText
from govplan.meta import _line_start, _texts, front
from govplan.ruleset import default_rules


@dataclass(slots=True)
class _Line:
    start: int
    end: int
    text: str  # stripped


def _lines(clean: CleanText) -> list[_Line]:
    """meta's plain reading of the lines, before ``_texts``/``_line_start``: the lines with text,
    stripped, where each starts and ends in the cleaned text (the reference)."""
    out = []
    start = 0
    for text in clean.text.split("\n"):
        stripped = text.strip()
        if stripped:
            lead = 0 if text[0] == stripped[0] else len(text) - len(text.lstrip())
            out.append(_Line(start + lead, start + lead + len(stripped), stripped))
        start += len(text) + 1
    return out

# every kind of white space str.strip() drops and str.split("\n") does not cut at (\r, \x1c, \x85,
# \u2028, the ideographic space …), the newline, and some text
_WHITE = " \t\r\x0b\x0c\x1c\x1d\x1e\x1f\x85\xa0\u1680\u2000\u2028\u2029\u202f\u3000"
_LINES = st.text(alphabet=_WHITE + "\n一二市局、：（）通知方案A1", max_size=60)


def test_the_stdlib_white_space_class_is_str_isspace() -> None:
    """What ``meta._TEXT_LINE`` assumes: its \\s and \\S are the white space str.strip() strips."""
    chars = "".join(chr(c) for c in range(0x110000) if not 0xD800 <= c < 0xE000)
    assert set(re.findall(r"\s", chars)) == {ch for ch in chars if ch.isspace()}


@settings(max_examples=500, deadline=None)
@given(_LINES)
@example("")
@example("\n\n")
@example("一")
@example(" 一 \n\u3000\n\x85二\x1c\r\n  市 局\u2028 ")
def test_texts_and_starts_are_those_of_the_lines(text: str) -> None:
    lines = _lines(CleanText.identity(text))
    assert _texts(text) == [line.text for line in lines]
    assert [_line_start(text, i) for i in range(len(lines))] == [line.start for line in lines]


def test_texts_of_a_document() -> None:
    text = "  关于印发《某市实施方案》的通知\n\n各区人民政府：\r\n\u3000\u3000一、总体要求 \n\x85\n（一）目标\t\n"
    lines = _lines(CleanText.identity(text))
    assert _texts(text) == ["关于印发《某市实施方案》的通知", "各区人民政府：", "一、总体要求", "（一）目标"]
    assert [_line_start(text, i) for i in range(4)] == [line.start for line in lines] == [2, 19, 30, 40]


def test_front_finds_body_and_closing_signature() -> None:
    """The two line starts front() looks up: where the body begins and where a closing signature
    starts."""
    text = (
        "某市人民政府办公室\n关于印发某市推进社区建设工作方案的通知\n\n各县区人民政府：\n现将方案印发给你们。\n\n"
        "某市推进社区建设工作方案\n\n  一、总体要求\n做好工作。\n\n  二、主要任务\n加强建设。\n\n"
        "  某市人民政府办公室\n  2024年3月5日\n"
    )
    result = front(CleanText.identity(text))
    assert text[result.body_start:].startswith("一、总体要求")
    assert result.body_end is not None and text[result.body_end:].startswith("某市人民政府办公室\n  2024年3月5日")
    assert result.meta.title == "某市推进社区建设工作方案"


_SPACED_TEXT = st.text(alphabet=" \t\u3000工作目标市财政局、1A", max_size=30)


@settings(max_examples=500, deadline=None)
@given(_SPACED_TEXT)
def test_no_letter_spacing_without_a_space_inside_the_text(line: str) -> None:
    """clean skips ``_unspace`` for a line whose stripped text holds no space: it drops nothing
    there (a dropped space stands between two Han characters)."""
    line = line.replace("\u3000", " ")  # (the character pass has made wide spaces plain ones)
    rules = default_rules()["clean"]
    if " " not in line.strip():
        assert _unspace(line, rules) == []


@settings(max_examples=200, deadline=None)
@given(st.lists(_SPACED_TEXT, min_size=1, max_size=8))
def test_clean_text_drops_letter_spacing_only_inside_text(lines: list[str]) -> None:
    """Indentation of every width stays on a line of its own; letter spacing inside goes."""
    raw = "\n".join(["  一、工 作 目 标", *lines, "\u3000\u3000市 财 政 局负责。"])
    cleaned = clean_text(raw).text
    assert "一、工作目标" in cleaned
    assert "市财政局负责。" in cleaned
