"""The readers' fast paths (speed round 5) against the code they replace."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from govplan.readers import sniff, suffix_of
from govplan.readers.base import _LINE_BREAK, blank, normalise_newlines
from govplan.readers.docx import _grid_span, _run_text, _v_merge
from govplan.readers.html import _CJK_BREAK, _SPACES, _collapse, _is_junk
from govplan.readers.text import _BAD, utf8_surely_clean

FIXTURES = Path(__file__).parent / "fixtures"


# --- suffix_of == Path(name).suffix ---------------------------------------------------------

@pytest.mark.parametrize(
    "name",
    ["a.txt", "dir/a.TXT", "a.tar.gz", ".bashrc", "a.", "a..", "..", ".", "", "/", "-", "a/b.txt/",
     "a/b.txt/.", "a//b.docx", "./x.html", "x/.hidden.txt", "目录/方案.docx", "a.b/c", "C:\\dir\\a.txt"],
)
def test_suffix_of_hand_picked(name: str) -> None:
    assert suffix_of(name) == Path(name).suffix


@given(st.text(alphabet="ab./-_\\ 方", max_size=12))
def test_suffix_of_any_name(name: str) -> None:
    assert suffix_of(name) == Path(name).suffix


# --- blank and normalise_newlines --------------------------------------------------------------

@given(st.text(alphabet=" \t\n\r\x0b\x0c\x1c\x85\xa0\u3000a一", max_size=8))
def test_blank_is_not_strip(text: str) -> None:
    assert blank(text) == (not text.strip())


@given(st.text(alphabet="a一\n\r\v\f\x85\u2028\u2029\x1c", max_size=12))
def test_normalise_newlines_is_the_pattern(text: str) -> None:
    assert normalise_newlines(text) == _LINE_BREAK.sub("\n", text)


# --- utf8_surely_clean: never True when _BAD would count something ------------------------------

_BAD_SAMPLES = ["\x00", "\x08", "\x0e", "\x19", "\x1b", "\x1f", "\x7f", "\x80", "\x9f", "\ue000", "\uefff",
                "\uf000", "\uf8ff", "\ufffe", "\uffff", "\U000f0000", "\U000ffffd", "\U00100000", "\U0010fffd"]
_GOOD_SAMPLES = ["\t", "\n", "\v", "\f", "\r", "\x1a", " ", "~", "\xa0", "\xb7", "\u4e00", "\uff0c", "\uffe5",
                 "\uf900", "\ufffd", "\U00020000"]


@pytest.mark.parametrize("char", _BAD_SAMPLES)
def test_utf8_surely_clean_sees_each_bad_character(char: str) -> None:
    assert _BAD.match(char)
    assert not utf8_surely_clean(f"为推动{char}工作".encode())


@pytest.mark.parametrize("char", _GOOD_SAMPLES)
def test_utf8_surely_clean_passes_text(char: str) -> None:
    assert not _BAD.match(char)
    assert utf8_surely_clean(f"为推动{char}工作，（一）".encode())


_ANY_CHAR = st.characters(blacklist_categories=("Cs",))


@given(st.text(alphabet=st.one_of(_ANY_CHAR, st.sampled_from(_BAD_SAMPLES + _GOOD_SAMPLES)), max_size=40))
@settings(max_examples=300)
def test_utf8_surely_clean_implies_no_bad_character(text: str) -> None:
    if utf8_surely_clean(text.encode("utf-8")):
        assert _BAD.search(text) is None
    if _BAD.search(text) is not None:
        assert not utf8_surely_clean(text.encode("utf-8"))


# --- sniff.magic: the first-byte test keeps every label ----------------------------------------

def _magic_by_loop(data: bytes) -> str | None:
    for prefix, label in sniff._BINARY_MAGIC:
        if data.startswith(prefix):
            return label
    return None


@pytest.mark.parametrize("prefix", [p for p, _ in sniff._BINARY_MAGIC])
def test_magic_labels_every_signature(prefix: bytes) -> None:
    data = prefix + b"\x00rest"
    assert sniff.magic(data) == _magic_by_loop(data)
    assert sniff.magic(data) is not None


@given(st.binary(max_size=10))
def test_magic_is_the_loop(data: bytes) -> None:
    kind = sniff.magic(data)
    if kind not in (sniff.PDF, sniff.ZIP, sniff.OLE2, "WebP image"):
        assert kind == _magic_by_loop(data)


# --- docx: run text, gridSpan and vMerge as python-docx's element classes give them ------------

_W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_RUN_PARTS = [
    "<w:t>工作</w:t>", "<w:t xml:space=\"preserve\"> a </w:t>", "<w:t/>", "<w:tab/>", "<w:ptab/>", "<w:cr/>",
    "<w:br/>", "<w:br w:type=\"page\"/>", "<w:br w:type=\"column\"/>", "<w:br w:type=\"textWrapping\"/>",
    "<w:br w:type=\"odd\"/>", "<w:noBreakHyphen/>", "<w:softHyphen/>", "<w:rPr><w:b/></w:rPr>",
    "<w:instrText>PAGE</w:instrText>", "<w:delText>旧</w:delText>", "<w:sym w:char=\"F0FC\"/>",
]


def _both_parsers(xml: str) -> tuple:
    from docx.oxml.parser import parse_xml

    from govplan.readers.docx import _parse_plain

    return parse_xml(xml.encode()), _parse_plain(xml.encode())


@given(st.lists(st.sampled_from(_RUN_PARTS), max_size=8))
def test_run_text_is_python_docx(parts: list[str]) -> None:
    docx_run, plain_run = _both_parsers(f'<w:r xmlns:w="{_W_NS}">{"".join(parts)}</w:r>')
    assert _run_text(plain_run) == docx_run.text


_TC_PR_PARTS = ["", "<w:tcW w:w=\"100\"/>", "<w:gridSpan w:val=\"3\"/>", "<w:gridSpan w:val=\"0\"/>",
                "<w:gridSpan w:val=\" 2\"/>", "<w:vMerge/>", "<w:vMerge w:val=\"restart\"/>",
                "<w:vMerge w:val=\"continue\"/>", "<w:vMerge w:val=\"odd\"/>"]


@given(st.lists(st.sampled_from(_TC_PR_PARTS), max_size=4))
def test_grid_span_and_v_merge_are_python_docx(parts: list[str]) -> None:
    docx_tc, plain_tc = _both_parsers(f'<w:tc xmlns:w="{_W_NS}"><w:tcPr>{"".join(parts)}</w:tcPr><w:p/></w:tc>')
    tc_pr = plain_tc.find(f"{{{_W_NS}}}tcPr")
    assert _grid_span(tc_pr) == docx_tc.grid_span
    assert _v_merge(tc_pr) == docx_tc.vMerge


@pytest.mark.parametrize("value", ["x", "", "1.5"])
def test_grid_span_errors_are_python_docx(value: str) -> None:
    docx_tc, plain_tc = _both_parsers(
        f'<w:tc xmlns:w="{_W_NS}"><w:tcPr><w:gridSpan w:val="{value}"/></w:tcPr></w:tc>')
    with pytest.raises(ValueError) as expected:
        _ = docx_tc.grid_span
    with pytest.raises(ValueError) as got:
        _grid_span(plain_tc.find(f"{{{_W_NS}}}tcPr"))
    assert str(got.value) == str(expected.value)


def test_grid_span_without_value_is_python_docx_error() -> None:
    from docx.oxml.exceptions import InvalidXmlError

    docx_tc, plain_tc = _both_parsers(f'<w:tc xmlns:w="{_W_NS}"><w:tcPr><w:gridSpan/></w:tcPr></w:tc>')
    with pytest.raises(InvalidXmlError) as expected:
        _ = docx_tc.grid_span
    with pytest.raises(InvalidXmlError) as got:
        _grid_span(plain_tc.find(f"{{{_W_NS}}}tcPr"))
    assert str(got.value) == str(expected.value)


# --- html: _collapse skips the CJK-break pass without a newline; _is_junk without attributes -----

@given(st.text(alphabet=" \t\n\r\f\xa0a一，", max_size=16))
def test_collapse_is_both_patterns(text: str) -> None:
    assert _collapse(text) == _SPACES.sub(" ", _CJK_BREAK.sub("", text)).strip(" ")


def test_is_junk_without_attributes_is_false_for_content_tags() -> None:
    import lxml.etree

    for tag in ("div", "p", "span", "td", "section", "article", "ul"):
        element = lxml.etree.Element(tag)
        assert not _is_junk(element, tag)
    assert _is_junk(lxml.etree.Element("div", {"class": "nav"}), "div")
    assert _is_junk(lxml.etree.Element("script"), "script")


def test_web_pages_read_as_with_lxml_html_elements() -> None:
    """The plain parser gives the lines lxml.html's element classes gave."""
    import lxml.etree
    import lxml.html

    from govplan.readers.html import _Walker, decode_html

    pages = sorted((FIXTURES / "web").glob("*.htm*"))
    assert pages
    for page in pages:
        text, _ = decode_html(page.read_bytes(), str(page))
        walkers = []
        for parser_class in (lxml.html.HTMLParser, lxml.etree.HTMLParser):
            parser = parser_class(encoding="utf-8", remove_comments=True, remove_pis=True, no_network=True,
                                  huge_tree=True)
            root = lxml.etree.fromstring(text.encode("utf-8", errors="replace"), parser)
            walker = _Walker()
            walker.walk(root)
            walkers.append((walker.lines, walker.has_table))
        assert walkers[0] == walkers[1], page.name
        assert walkers[0][0]


def test_docx_fixtures_read_through_one_package_opening() -> None:
    from govplan.readers import read_bytes
    from govplan.readers.docx import is_docx, read_docx

    files = sorted((FIXTURES / "docx").glob("*.docx"))
    assert files
    for file in files:
        data = file.read_bytes()
        if not is_docx(data):
            continue
        direct = read_docx(data, str(file))
        assert read_bytes(data, str(file)) == direct
        assert direct.source.format == "docx" and direct.raw.strip()


def test_regex_line_break_pattern_unchanged() -> None:
    assert _LINE_BREAK.pattern == re.compile("\r\n|[\r\v\f\x85\u2028\u2029]").pattern
