"""read: path -> Document.  Encodings, .docx, .html, .pdf, every bad input, and any bytes."""

from __future__ import annotations

import hashlib
import io
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from govplan.document import Document
from govplan.errors import InputError
from govplan.readers import read, read_bytes, read_text

SAMPLES = Path(__file__).resolve().parent.parent / "samples"

# "一" (U+4E00) has a zero low byte in UTF-16, which the BOM-less detection must tolerate
PLAN_TEXT = (
    "关于印发《推进一刻钟社区城市颜值圈建设工作方案》的通知\n"
    "一、指导思想\n"
    "（一）完善网格化管理。结合城管领域实际，2023年底前完成改造老旧小区60个。\n"
    "责任单位：市委政法委、市城管执法局\n"
    "配合部门：各成员单位\n"
)


def _read_error(path: Path | str) -> InputError:
    with pytest.raises(InputError) as caught:
        read(path)
    assert caught.value.path == str(path)
    assert str(caught.value).startswith(f"{path}: ")
    return caught.value


# --- plain text and encodings -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("codec", "expected"),
    [
        ("utf-8", "utf-8"),
        ("utf-8-sig", "utf-8-sig"),
        ("gb18030", "gb18030"),
        ("gbk", "gb18030"),
        ("gb2312", "gb18030"),
        ("utf-16", "utf-16"),
        ("utf-16-le", "utf-16-le"),
        ("utf-16-be", "utf-16-be"),
        ("utf-32", "utf-32"),
    ],
)
def test_txt_encodings_are_detected(tmp_path: Path, codec: str, expected: str) -> None:
    data = PLAN_TEXT.encode(codec)
    path = tmp_path / f"plan-{codec}.txt"
    path.write_bytes(data)
    doc = read(path)
    assert doc.raw == PLAN_TEXT
    assert doc.source.encoding == expected
    assert doc.source.format == "txt"
    assert doc.source.path == str(path)
    assert doc.source.sha256 == hashlib.sha256(data).hexdigest()
    assert doc.source.chars == len(PLAN_TEXT)


@pytest.mark.parametrize("sample", sorted(SAMPLES.glob("*.txt")), ids=lambda p: p.name[:3])
@pytest.mark.parametrize("codec", ["gb18030", "utf-16-le", "utf-16-be"])
def test_real_samples_decode_in_every_encoding(sample: Path, codec: str) -> None:
    text = sample.read_text(encoding="utf-8")
    doc = read_bytes(text.encode(codec), sample.name)
    assert doc.raw == text
    assert doc.source.encoding == codec


@pytest.mark.parametrize("newline", ["\r\n", "\r"])
def test_newlines_are_normalised_and_spans_count_in_the_normalised_text(tmp_path: Path, newline: str) -> None:
    data = PLAN_TEXT.replace("\n", newline).encode("utf-8")
    path = tmp_path / "crlf.txt"
    path.write_bytes(data)
    doc = read(path)
    assert doc.raw == PLAN_TEXT
    assert "\r" not in doc.raw
    assert doc.source.chars == len(PLAN_TEXT)
    assert doc.source.sha256 == hashlib.sha256(data).hexdigest()  # of the bytes, not the text
    start = doc.raw.index("责任单位")
    assert doc.raw[start : start + 4] == "责任单位"


def test_read_text_normalises_and_hashes_utf8() -> None:
    doc = read_text("一、总体要求\r\n正文", name="given")
    assert doc.raw == "一、总体要求\n正文"
    assert doc.source.path == "given"
    assert doc.source.chars == len(doc.raw)
    assert doc.source.sha256 == hashlib.sha256("一、总体要求\r\n正文".encode()).hexdigest()


def test_read_text_rejects_blank_text() -> None:
    with pytest.raises(InputError, match="empty"):
        read_text(" \n\u3000", name="given")


def test_read_bytes_names_stdin_in_source_and_errors() -> None:
    assert read_bytes(PLAN_TEXT.encode("gbk"), "-").source.path == "-"
    with pytest.raises(InputError) as caught:
        read_bytes(b"\x89PNG\r\n\x1a\n\x00\x00", "-")
    assert caught.value.path == "-"


def test_plain_txt_does_not_import_the_heavy_readers(tmp_path: Path) -> None:
    path = tmp_path / "plan.txt"
    path.write_text(PLAN_TEXT, encoding="utf-8")
    code = (
        "import sys; from govplan.readers import read; read(sys.argv[1]); "
        "print(sorted({'docx', 'lxml', 'pypdfium2', 'openpyxl'} & set(sys.modules)))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code, str(path)], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"


# --- .docx ---------------------------------------------------------------------------------------

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def _build_docx(path: Path) -> None:
    import docx
    from docx.oxml import parse_xml

    document = docx.Document()
    section = document.sections[0]
    section.header.paragraphs[0].text = "页眉：乌海市人民政府办公室"
    section.footer.paragraphs[0].text = "— 1 —"
    document.add_heading("推进一刻钟社区城市颜值圈建设工作方案", level=1)
    document.add_paragraph("一、主要任务")
    paragraph = document.add_paragraph("以人民为中心")
    paragraph.add_run("，聚焦民生。")
    table = document.add_table(rows=5, cols=4)
    rows = [
        ["序号", "主要任务", "责任单位", "完成时限"],
        ["1", "推进老旧小区改造", "", "2023年底"],
        ["2", "提升物业服务水平", "", "2023年6月底前"],
        ["3", "完善路网\t结构", "市交通运输局", "长期坚持"],
    ]
    for r, values in enumerate(rows):
        for c, value in enumerate(values):
            table.cell(r, c).text = value
    table.cell(1, 2).merge(table.cell(2, 2)).text = "市住房和城乡建设局"  # vertical merge
    table.cell(3, 1).add_paragraph("实施断头路改造")  # a second paragraph in one cell
    total = table.cell(4, 0).merge(table.cell(4, 1))  # horizontal merge
    total.text = "合计"
    table.cell(4, 2).text = "3项"
    inserted = document.add_paragraph("二、保障措施")
    inserted._p.append(
        parse_xml(f'<w:ins xmlns:w="{W_NS}" w:id="1" w:author="a"><w:r><w:t>（修订）</w:t></w:r></w:ins>')
    )
    inserted._p.append(
        parse_xml(
            f'<w:del xmlns:w="{W_NS}" w:id="2" w:author="a"><w:r><w:delText>删去</w:delText></w:r></w:del>'
        )
    )
    document.save(str(path))


def test_docx_body_in_document_order_with_table_rows(tmp_path: Path) -> None:
    path = tmp_path / "plan.docx"
    _build_docx(path)
    doc = read(path)
    assert doc.raw.split("\n") == [
        "推进一刻钟社区城市颜值圈建设工作方案",
        "一、主要任务",
        "以人民为中心，聚焦民生。",
        "序号\t主要任务\t责任单位\t完成时限",
        "1\t推进老旧小区改造\t市住房和城乡建设局\t2023年底",
        "2\t提升物业服务水平\t市住房和城乡建设局\t2023年6月底前",  # a vertical merge applies to each row
        "3\t完善路网 结构 实施断头路改造\t市交通运输局\t长期坚持",
        "合计\t\t3项\t",  # the horizontally merged cell once, then an empty cell per column it covers
        "二、保障措施（修订）",  # tracked insertion in, deletion out
    ]
    assert doc.hints == ("table",)
    assert doc.source.format == "docx"
    assert doc.source.chars == len(doc.raw)
    assert "页眉" not in doc.raw and "— 1 —" not in doc.raw


def test_docx_without_tables_has_no_hint(tmp_path: Path) -> None:
    import docx

    document = docx.Document()
    document.add_paragraph("一、总体要求")
    path = tmp_path / "plain.docx"
    document.save(str(path))
    doc = read(path)
    assert doc.raw == "一、总体要求"
    assert doc.hints == ()


def test_docx_is_recognised_by_content_whatever_its_name(tmp_path: Path) -> None:
    path = tmp_path / "plan.docx"
    _build_docx(path)
    doc = read_bytes(path.read_bytes(), "download.bin")
    assert doc.source.format == "docx"


# --- .html -----------------------------------------------------------------------------------------


def _sample_001() -> tuple[str, list[str]]:
    """The title and body lines of the scraped page in samples/001 (without its page chrome)."""
    lines = (SAMPLES / "001_7f1fd31981bc28f0.txt").read_text(encoding="utf-8").split("\n")
    title = lines[6]
    end = lines.index("上一条:")
    body = [line for line in lines[8:end] if line.strip()]
    return title, body


def _page(title: str, body: list[str], charset: str = "utf-8") -> str:
    paragraphs = "\n".join(f"  <p>&nbsp;&nbsp;<span>{line}</span></p>" for line in body)
    return f"""<!DOCTYPE html>
<html>
<head>
  <meta http-equiv="Content-Type" content="text/html; charset={charset}">
  <title>{title}_乌海市人民政府</title>
  <style>.content p {{ text-indent: 2em; }}</style>
  <script>var _hmt = _hmt || []; document.write("统计代码");</script>
</head>
<body>
<div id="topnav" class="nav"><a href="/">首页</a><a href="/zwgk">政务公开</a></div>
<header class="site-header">乌海政府网 乌海人民政府门户网站</header>
<div class="position breadcrumb">当前位置：首页 &gt; 政务公开 &gt; 计划规划</div>
<ul class="menu"><li>机构设置</li><li>政策文件</li></ul>
<div class="content">
  <table class="xxgk">
    <tr><th>索引号:</th><td>11150300011554666A/2021-03833</td><th>发文字号:</th><td></td></tr>
  </table>
  <h1>{title}</h1>
{paragraphs}
  <div class="bdsharebuttonbox">分享到：<a>微博</a><a>微信</a></div>
  <div style="display:none">隐藏的统计信息</div>
</div>
<aside>相关文章：2020年工作要点</aside>
<form action="/search"><input name="q"> 站内搜索</form>
<footer>
  <p>网站地图|设为首页|加入收藏</p>
  <p>乌海市人民政府 主办 乌海市大数据中心 维护</p>
</footer>
<noscript>请启用脚本</noscript>
<script>console.log("footer script")</script>
</body>
</html>
"""


JUNK = ["首页", "政务公开", "门户网站", "当前位置", "机构设置", "分享到", "隐藏", "相关文章", "站内搜索"]
JUNK += ["网站地图", "大数据中心", "请启用脚本", "console", "_hmt", "text-indent", "_乌海市人民政府"]


def test_html_page_keeps_the_body_and_drops_the_chrome(tmp_path: Path) -> None:
    title, body = _sample_001()
    path = tmp_path / "page.html"
    path.write_text(_page(title, body), encoding="utf-8")
    doc = read(path)
    lines = doc.raw.split("\n")
    assert lines[:2] == ["索引号:11150300011554666A/2021-03833", "发文字号:"]  # metadata: one field a line
    assert lines[2] == " ".join(title.split())
    assert lines[3:] == [" ".join(line.split()) for line in body]
    for junk in JUNK:
        assert junk not in doc.raw, junk
    assert doc.source.format == "html"
    assert doc.source.encoding == "utf-8"
    assert doc.hints == ()  # a metadata table is not a data table


def test_html_meta_charset_gbk_is_honoured(tmp_path: Path) -> None:
    title, body = _sample_001()
    path = tmp_path / "page.htm"
    path.write_bytes(_page(title, body, charset="gb2312").encode("gb18030"))
    doc = read(path)
    assert doc.source.encoding == "gb18030"
    assert doc.raw.split("\n")[3:] == [" ".join(line.split()) for line in body]


@pytest.mark.parametrize("charset", ["rot13", "base64", "undefined", "ascii", "no-such-codec", "utf-16"])
def test_html_with_a_bogus_meta_charset_falls_back_to_detection(charset: str) -> None:
    page = f"<html><head><meta charset='{charset}'></head><body><p>一、总体要求</p></body></html>"
    doc = read_bytes(page.encode("gb18030"), "page.html")
    assert doc.raw == "一、总体要求"
    assert doc.source.encoding == "gb18030"


def test_html_declared_latin1_is_used_only_when_nothing_else_decodes() -> None:
    page = "<html><head><meta charset='iso-8859-1'></head><body><p>{}</p></body></html>"
    assert read_bytes(page.format("一、总体要求").encode("gbk"), "a.html").source.encoding == "gb18030"
    latin = read_bytes(page.format("café crème").encode("latin-1"), "b.html")
    assert (latin.raw, latin.source.encoding) == ("café crème", "iso8859-1")


def test_html_sniffing_is_linear_in_the_number_of_leading_comments() -> None:
    data = b"<!-- -->" * 200 + b"x"  # a lazy comment pattern took seconds on 25 of these
    assert read_bytes(data, "comments.txt").raw == data.decode("ascii")


def test_html_is_sniffed_without_the_extension() -> None:
    page = b"\n<!doctype html><html><body><div class='footer'>x</div><p>\xe4\xb8\x80\xe3\x80\x81\xe6\x80\xbb</p></body></html>"
    doc = read_bytes(page, "page.txt")
    assert doc.source.format == "html"
    assert doc.raw == "一、总"


def test_html_line_breaks_between_cjk_vanish_and_br_breaks_lines() -> None:
    page = "<html><body><p>加强\n    组织领导，责任单位：\n市城管局 and\nothers<br>第二行</p></body></html>"
    doc = read_bytes(page.encode("utf-8"), "page.html")
    assert doc.raw == "加强组织领导，责任单位：市城管局 and others\n第二行"


def test_html_task_table_keeps_columns_under_rowspan_and_colspan() -> None:
    page = """<html><body><table>
      <tr><th>序号</th><th>主要任务</th><th>责任单位</th><th>完成时限</th></tr>
      <tr><td>1</td><td>推进老旧<br>小区改造</td><td rowspan="2"><p>市住建局</p></td><td>2023年底</td></tr>
      <tr><td>2</td><td>提升物业服务</td><td>2023年6月底前</td></tr>
      <tr><td colspan="2">合计</td><td>2项</td><td></td></tr>
    </table></body></html>"""
    doc = read_bytes(page.encode("utf-8"), "tasks.html")
    assert doc.raw.split("\n") == [
        "序号\t主要任务\t责任单位\t完成时限",
        "1\t推进老旧 小区改造\t市住建局\t2023年底",
        "2\t提升物业服务\t市住建局\t2023年6月底前",  # a rowspan applies to each row, as in .docx
        "合计\t\t2项\t",  # a colspan cell, then an empty cell per further column
    ]


def test_html_layout_table_is_read_as_blocks() -> None:
    article = "".join(f"<p>第{n}段正文。</p>" for n in range(1, 13))
    page = f"<html><body><table><tr><td>栏目</td><td><h1>标题</h1>{article}</td></tr></table></body></html>"
    doc = read_bytes(page.encode("utf-8"), "layout.html")
    assert doc.raw.split("\n") == ["栏目", "标题"] + [f"第{n}段正文。" for n in range(1, 13)]
    assert doc.hints == ()


def test_html_junk_named_wrapper_around_the_article_is_kept() -> None:
    _, body = _sample_001()
    paragraphs = "".join(f"<p>{line}</p>" for line in body)
    page = (
        f"<html><body><div class='nav-wrapper'><div class='menu'>首页</div>{paragraphs}</div></body></html>"
    )
    doc = read_bytes(page.encode("utf-8"), "wrapped.html")
    assert doc.raw.split("\n") == [" ".join(line.split()) for line in body]


def test_html_article_header_is_kept() -> None:
    page = "<html><body><header>站点</header><article><header><h1>工作方案</h1></header><p>正文</p></article></body></html>"
    assert read_bytes(page.encode("utf-8"), "a.html").raw == "工作方案\n正文"


def test_html_deep_nesting_does_not_recurse(tmp_path: Path) -> None:
    page = "<html><body>" + "<div><span>" * 700 + "深处" + "</span></div>" * 700 + "</body></html>"
    assert read_bytes(page.encode("utf-8"), "deep.html").raw == "深处"


def test_html_deeper_than_the_parser_allows_is_an_error_not_a_truncation() -> None:
    page = "<html><body><p>开头</p>" + "<div>" * 2100 + "深处" + "</div>" * 2100 + "</body></html>"
    with pytest.raises(InputError, match="cannot parse the HTML"):
        read_bytes(page.encode("utf-8"), "deep.html")


# --- .pdf ------------------------------------------------------------------------------------------


def _make_pdf(pages: list[list[str]]) -> bytes:
    """A PDF whose text layer is ``pages`` (any Unicode): a Type0 font with a ToUnicode map, no glyphs."""
    chars = sorted({ch for lines in pages for line in lines for ch in line})
    cid = {ch: n + 1 for n, ch in enumerate(chars)}
    mapping = "\n".join(f"<{cid[ch]:04X}> <{ord(ch):04X}>" for ch in chars)
    to_unicode = (
        "/CIDInit /ProcSet findresource begin 12 dict begin begincmap\n"
        "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n"
        "/CMapName /Adobe-Identity-UCS def /CMapType 2 def\n"
        "1 begincodespacerange <0000> <FFFF> endcodespacerange\n"
        f"{len(chars)} beginbfchar\n{mapping}\nendbfchar\n"
        "endcmap CMapName currentdict /CMap defineresource pop end end"
    )
    first_page = 6
    kids = " ".join(f"{first_page + 2 * n} 0 R" for n in range(len(pages)))
    objects = [
        "<< /Type /Catalog /Pages 2 0 R >>",
        f"<< /Type /Pages /Kids [{kids}] /Count {len(pages)} >>",
        "<< /Type /Font /Subtype /Type0 /BaseFont /SimSun /Encoding /Identity-H "
        "/DescendantFonts [4 0 R] /ToUnicode 5 0 R >>",
        "<< /Type /Font /Subtype /CIDFontType2 /BaseFont /SimSun "
        "/CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> /DW 1000 >>",
        f"<< /Length {len(to_unicode)} >>\nstream\n{to_unicode}\nendstream",
    ]
    for n, lines in enumerate(pages):
        shown = "\n".join("<" + "".join(f"{cid[ch]:04X}" for ch in line) + "> Tj T*" for line in lines)
        content = f"BT /F1 12 Tf 14 TL 50 750 Td\n{shown}\nET"
        objects.append(
            f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
            f"/Resources << /Font << /F1 3 0 R >> >> /Contents {first_page + 2 * n + 1} 0 R >>"
        )
        objects.append(f"<< /Length {len(content)} >>\nstream\n{content}\nendstream")
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n{body}\nendobj\n".encode("ascii")
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode("ascii")
    out += "".join(f"{offset:010d} 00000 n \n" for offset in offsets).encode("ascii")
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode("ascii")
    return bytes(out)


def test_pdf_text_layer_in_chinese(tmp_path: Path) -> None:
    pages = [["一、总体要求", "（一）加强组织领导。责任单位：市城管局"], ["2023年底前完成60个"]]
    data = _make_pdf(pages)
    path = tmp_path / "plan.pdf"
    path.write_bytes(data)
    doc = read(path)
    assert doc.raw == "一、总体要求\n（一）加强组织领导。责任单位：市城管局\n2023年底前完成60个"
    assert doc.source.format == "pdf"
    assert doc.source.sha256 == hashlib.sha256(data).hexdigest()


def _blank_pdf() -> bytes:
    import pypdfium2

    pdf = pypdfium2.PdfDocument.new()
    pdf.new_page(595, 842)
    buffer = io.BytesIO()
    pdf.save(buffer)
    pdf.close()
    return buffer.getvalue()


def test_pdf_without_text_layer_is_an_input_error(tmp_path: Path) -> None:
    path = tmp_path / "scan.pdf"
    path.write_bytes(_blank_pdf())
    assert "no text layer" in _read_error(path).message


def test_corrupt_pdf_is_an_input_error(tmp_path: Path) -> None:
    path = tmp_path / "broken.pdf"
    path.write_bytes(_make_pdf([["正文"]])[:60])
    assert "PDF" in _read_error(path).message


# --- bad input ---------------------------------------------------------------------------------------


def _zip_with(name: str, content: bytes) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as package:
        package.writestr(name, content)
    return buffer.getvalue()


def _zip_needing_version_7_1() -> bytes:
    data = bytearray(_zip_with("word/document.xml", b"<w:document/>"))
    central = data.index(b"PK\x01\x02")
    data[central + 6 : central + 8] = (71).to_bytes(2, "little")  # zipfile raises NotImplementedError
    return bytes(data)


BAD_FILES = {
    "png.txt": (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "PNG"),
    "jpeg.txt": (b"\xff\xd8\xff\xe0\x00\x10JFIF", "JPEG"),
    "gif.txt": (b"GIF89a\x01\x00\x01\x00", "GIF"),
    "elf.txt": (b"\x7fELF\x02\x01\x01" + bytes(9), "ELF"),
    "archive.txt": (_zip_with("a.txt", b"hello"), "ZIP"),
    "archive.docx": (_zip_with("a.txt", b"hello"), "corrupt .docx"),
    "old.doc": (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(100), "OLE2"),
    "nul.txt": (b"abc\x00\x00def\x00\x01\x02", "NUL"),
    "controls.txt": (b"\x01\x02\x03\x04 text", "control"),
    "latin1.txt": ("café crème brûlée".encode("latin-1"), "undecodable"),
    "big5.txt": ("我們的工作方案：加強組織領導。".encode("big5"), "undecodable"),
    "bad-bom.txt": (b"\xef\xbb\xbf\xff\xfe\xfd", "undecodable"),
    "empty.txt": (b"", "empty"),
    "blank.txt": (b" \r\n\t\n", "empty"),
    "blank16.txt": ("\u3000 \n".encode("utf-16"), "empty"),
    "notzip.docx": (PLAN_TEXT.encode("utf-8"), "corrupt .docx"),
    "future.docx": (_zip_needing_version_7_1(), "corrupt .docx"),
    "notpdf.pdf": (PLAN_TEXT.encode("utf-8"), "corrupt .pdf"),
    "empty.html": (b"<html><head><title>t</title></head><body><nav>x</nav></body></html>", "no text"),
}


@pytest.mark.parametrize("name", sorted(BAD_FILES))
def test_bad_input_is_an_input_error_naming_the_file(tmp_path: Path, name: str) -> None:
    data, words = BAD_FILES[name]
    path = tmp_path / name
    path.write_bytes(data)
    assert words in _read_error(path).message


def test_truncated_docx_is_corrupt(tmp_path: Path) -> None:
    good = tmp_path / "good.docx"
    _build_docx(good)
    path = tmp_path / "truncated.docx"
    path.write_bytes(good.read_bytes()[:3000])
    assert "corrupt .docx" in _read_error(path).message


def test_docx_with_broken_xml_is_corrupt(tmp_path: Path) -> None:
    good = tmp_path / "good.docx"
    _build_docx(good)
    path = tmp_path / "badxml.docx"
    with zipfile.ZipFile(good) as source, zipfile.ZipFile(path, "w") as target:
        for item in source.infolist():
            data = source.read(item)
            target.writestr(item, b"<w:document><unclosed>" if item.filename == "word/document.xml" else data)
    assert "corrupt .docx" in _read_error(path).message


def test_missing_file(tmp_path: Path) -> None:
    assert "no such file" in _read_error(tmp_path / "missing.txt").message


def test_directory(tmp_path: Path) -> None:
    assert "directory" in _read_error(tmp_path).message


def test_path_with_a_nul_character() -> None:
    assert "invalid path" in _read_error("plan\x00.txt").message


# --- any bytes in: a Document or an InputError out -------------------------------------------------

PREFIXES = [
    b"",
    b"\xef\xbb\xbf",
    b"\xff\xfe",
    b"\xfe\xff",
    b"PK\x03\x04",
    b"PK\x05\x06" + bytes(18),
    b"%PDF-1.4\n",
    b"<!DOCTYPE html><html><body>",
    b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",
]
NAMES = ["x.txt", "x.docx", "x.html", "x.pdf", "-", "x"]


def _check_document(doc: Document, name: str) -> None:
    assert doc.source.path == name
    assert doc.raw.strip()
    assert "\r" not in doc.raw
    assert doc.source.chars == len(doc.raw)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(prefix=st.sampled_from(PREFIXES), body=st.binary(max_size=400), name=st.sampled_from(NAMES))
def test_any_bytes_give_a_document_or_an_input_error(prefix: bytes, body: bytes, name: str) -> None:
    try:
        doc = read_bytes(prefix + body, name)
    except InputError as err:
        assert err.path == name
    else:
        _check_document(doc, name)


@settings(max_examples=100, deadline=None)
@given(
    text=st.text(st.characters(blacklist_categories=("Cc", "Cs", "Co", "Cn")), max_size=200),
    codec=st.sampled_from(["utf-8", "utf-16", "gb18030"]),
    name=st.sampled_from(NAMES),
)
def test_any_encoded_text_gives_a_document_or_an_input_error(text: str, codec: str, name: str) -> None:
    try:
        doc = read_bytes(text.encode(codec), name)
    except InputError as err:
        assert err.path == name
    else:
        _check_document(doc, name)


def _expected_raw(text: str) -> str:
    """``text`` with each line ending as "\\n", computed apart from the reader's own regex."""
    out = []
    for line in text.splitlines(keepends=True):
        content = line.splitlines()[0]
        out.append(content + ("\n" if content != line else ""))
    return "".join(out)


@settings(max_examples=150, deadline=None)
@given(text=st.text(st.characters(blacklist_categories=("Cc", "Cs", "Co", "Cn")), min_size=1, max_size=200))
def test_printable_utf8_text_reads_back_exactly(text: str) -> None:
    assume(text.strip() and not text.startswith("\ufeff") and "<" not in text and "%PDF-" not in text)
    assume(not text.startswith(("GIF87a", "GIF89a", "II*", "7z", "Rar!", "{\\rtf")))
    doc = read_bytes(text.encode("utf-8"), "t.txt")
    assert doc.raw == _expected_raw(text)
    assert doc.source.encoding == "utf-8"


@given(st.text(alphabet=st.sampled_from(list("ab规划\n\r\v\f\x85\u2028\u2029\x1c\t ")), max_size=40))
def test_line_breaks_normalised_as_the_pattern_says(text: str) -> None:
    """normalise_newlines's shortcut (no break character: the text as it is) changes nothing."""
    from govplan.readers.base import _LINE_BREAK, normalise_newlines

    assert normalise_newlines(text) == _LINE_BREAK.sub("\n", text)
    assert "\r" not in normalise_newlines(text) and "\u2028" not in normalise_newlines(text)
