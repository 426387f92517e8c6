"""readers/text.py's plausibility checks count characters with regular expressions and one encode;
these tests hold them to the per-character definitions they replace (str.isspace,
unicodedata.category, encoding each character as GB2312), on the whole of Unicode and on
random strings."""

from __future__ import annotations

import sys
import unicodedata

from hypothesis import given, settings
from hypothesis import strategies as st

from govplan.readers import text as text_reader

ALLOWED_CONTROLS = frozenset("\t\n\r\v\f\x1a")


def _is_bad(ch: str) -> bool:
    if ch in ALLOWED_CONTROLS:
        return False
    return unicodedata.category(ch) in ("Cc", "Co", "Cs") or ch in "\ufffe\uffff"


def _in_gb2312(ch: str) -> bool:
    try:
        ch.encode("gb2312")
    except UnicodeEncodeError:
        return False
    return True


def _is_cjk(ch: str) -> bool:
    code = ord(ch)
    return 0x4E00 <= code <= 0x9FFF or 0x3400 <= code <= 0x4DBF


def _is_cjk_symbol(ch: str) -> bool:
    code = ord(ch)
    return 0x2000 <= code <= 0x2BFF or 0x3000 <= code <= 0x30FF or 0xFE30 <= code <= 0xFFEF


def reference_bad_share(text: str) -> float:
    return sum(1 for ch in text if _is_bad(ch)) / len(text) if text else 0.0


def reference_plausible_chinese(text: str) -> bool:
    sample = text[:20_000]
    non_ascii = [ch for ch in sample if ord(ch) > 0x7F and not ch.isspace()]
    if not non_ascii or reference_bad_share(sample) > 0.01:
        return False
    cjk = sum(1 for ch in non_ascii if _is_cjk(ch))
    common = sum(1 for ch in non_ascii if _in_gb2312(ch))
    return cjk >= 0.5 * len(non_ascii) and common >= 0.8 * len(non_ascii)


def reference_readable(text: str) -> bool:
    sample = text[:20_000]
    visible = [ch for ch in sample if not ch.isspace()]
    if not visible or reference_bad_share(sample) > 0.01:
        return False
    usual = sum(1 for ch in visible if ord(ch) < 0x250 or _is_cjk(ch) or _is_cjk_symbol(ch))
    return usual >= 0.9 * len(visible)


EVERY_CHARACTER = "".join(map(chr, range(sys.maxunicode + 1)))


def test_bad_characters_are_exactly_the_categories_on_all_of_unicode() -> None:
    bad = text_reader._BAD.findall(EVERY_CHARACTER)
    assert bad == [ch for ch in EVERY_CHARACTER if _is_bad(ch)]
    assert "\x1a" not in bad and "\t" not in bad and "\x00" in bad and "\ue000" in bad


def test_visible_non_ascii_is_exactly_isspace_on_all_of_unicode() -> None:
    found = "".join(text_reader._NON_ASCII_VISIBLE.findall(EVERY_CHARACTER))
    assert found == "".join(ch for ch in EVERY_CHARACTER if ord(ch) > 0x7F and not ch.isspace())


def test_gb2312_count_by_one_encode_matches_per_character() -> None:
    plane = "".join(text_reader._NON_ASCII_VISIBLE.findall(EVERY_CHARACTER[:0x30000]))
    missing = plane.encode("gb2312", errors="replace").count(b"?")
    assert len(plane) - missing == sum(1 for ch in plane if _in_gb2312(ch))
    assert missing > 0 and len(plane) - missing > 6000  # GB2312 holds 6,763 hanzi and symbols


def test_unusual_characters_match_readable_definition() -> None:
    visible = "".join(ch for ch in EVERY_CHARACTER if not ch.isspace())
    unusual = text_reader._unusual().findall(visible)
    assert len(unusual) == sum(
        1 for ch in visible if not (ord(ch) < 0x250 or _is_cjk(ch) or _is_cjk_symbol(ch))
    )


# strings mixing the characters the checks tell apart: ASCII, controls, CJK, GB2312-only and
# GBK-only hanzi, Latin-1, Hangul, private use, whitespace of every kind
_ALPHABET = st.one_of(
    st.characters(max_codepoint=0x7F),
    st.sampled_from(list("\x00\x07\x1a\x7f\x85\x9f\xa0\u3000\u2028\ue000\ufffe\uffff\U000f0000")),
    st.sampled_from(list("一二三市政府落实责任單位鎔龘䶵")),
    st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF),
    st.characters(min_codepoint=0x80, max_codepoint=0x24F),
    st.characters(min_codepoint=0xAC00, max_codepoint=0xD7A3),
    st.characters(min_codepoint=0x2000, max_codepoint=0x30FF),
    st.characters(),
)


@settings(max_examples=400, deadline=None)
@given(st.text(_ALPHABET, max_size=300))
def test_checks_equal_their_per_character_definitions(text: str) -> None:
    assert text_reader._bad_share(text) == reference_bad_share(text)
    assert text_reader.plausible_chinese(text) == reference_plausible_chinese(text)
    assert text_reader._readable(text) == reference_readable(text)


def test_checks_on_real_decodings() -> None:
    chinese = "关于印发工作方案的通知\n一、重点任务\n（一）完善制度。2023年底前完成。（责任单位：市住建局）\n" * 50
    latin = "Grüße aus München, déjà vu, naïve café. " * 80
    for text in (
        chinese,
        chinese.encode("gb18030").decode("latin-1"),  # GB bytes read as Latin-1: not Chinese
        latin.encode("latin-1").decode("gb18030", errors="replace"),  # Latin-1 bytes read as GB18030
        "대한민국 정부 계획 " * 100,
        chinese + "\x00\x01\x02" * 200,
        chinese.encode("utf-16-le").decode("utf-8", errors="replace"),
    ):
        assert text_reader.plausible_chinese(text) == reference_plausible_chinese(text)
        assert text_reader._readable(text) == reference_readable(text)
        assert text_reader._bad_share(text) == reference_bad_share(text)
    assert text_reader.plausible_chinese(chinese)
    assert not text_reader.plausible_chinese(chinese.encode("gb18030").decode("latin-1"))
