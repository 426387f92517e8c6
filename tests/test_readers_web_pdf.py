"""Saved web pages, PDFs and legacy .doc/.wps: the same plan as the .txt, and one clear error for
every bad file.  Fixtures are made by scripts/make_fixtures_web_pdf.py from samples/."""

from __future__ import annotations

import importlib.util
import json
import os
import re
import shutil
import stat
import sys
import time
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner

from govplan import extract
from govplan.cli import main
from govplan.errors import ExitCode, InputError
from govplan.export import render
from govplan.readers import office as office_reader
from govplan.readers import read, read_bytes
from govplan.readers.pdf import NEEDS_EXTRA, Line, assemble

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"
WEB = ROOT / "tests" / "fixtures" / "web"
PDF = ROOT / "tests" / "fixtures" / "pdf"
SHARED = ROOT.parent / "shared"
SCORER = SHARED / "tools" / "score.py"

WEB_DOC = "001_7f1fd31981bc28f0"  # the corpus document scraped from a portal
PRINTED_DOC = "003_4235a890aa1425d0"  # the corpus document printed as a notice


def _cli(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.stdout, result.stderr


def _input_error(path: Path | str) -> InputError:
    with pytest.raises(InputError) as caught:
        read(path)
    assert str(caught.value).startswith(f"{path}: ")
    return caught.value


def _fails_in_cli(path: Path, words: str) -> str:
    """The one-line message and exit code of ``govplan extract`` on a bad file."""
    code, out, err = _cli("extract", str(path))
    assert code == ExitCode.INPUT
    assert out == ""
    assert err.count("\n") == 1 and "Traceback" not in err
    assert str(path) in err and words in err
    return err


# --- the same scores as the .txt ---------------------------------------------------------------------


def _scorer() -> Any:
    spec = importlib.util.spec_from_file_location("govplan_shared_score", SCORER)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _scores(path: Path, stem: str) -> dict[str, float]:
    score = _scorer()
    gold = yaml.safe_load((SHARED / "gold" / f"{stem}.gold.yaml").read_text(encoding="utf-8"))
    pred = json.loads(render(extract(path), "json"))
    return {k: (a / c if k == "meta" else score.f1(a, b, c)) for k, (a, b, c) in score.score_doc(gold, pred).items()}


@pytest.mark.skipif(not SCORER.exists(), reason="../shared/tools/score.py not beside the repository")
@pytest.mark.parametrize(
    ("fixture", "stem"),
    [
        (WEB / f"{WEB_DOC}.html", WEB_DOC),
        (WEB / f"{PRINTED_DOC}.xxgk.html", PRINTED_DOC),
        (PDF / f"{PRINTED_DOC}.pdf", PRINTED_DOC),
    ],
    ids=["portal-page", "xxgk-page", "printed-pdf"],
)
def test_saved_page_and_pdf_score_as_the_txt(fixture: Path, stem: str) -> None:
    as_txt = _scores(SAMPLES / f"{stem}.txt", stem)
    as_fixture = _scores(fixture, stem)
    for field, value in as_txt.items():
        assert as_fixture[field] >= value - 0.02, f"{field}: {as_fixture[field]:.3f} vs .txt {value:.3f}"


# --- web pages -----------------------------------------------------------------------------------------


def test_portal_page_keeps_the_article_and_drops_the_chrome() -> None:
    doc = read(WEB / f"{WEB_DOC}.html")
    assert doc.source.format == "html"
    for chrome in ("首页", "当前位置", "无障碍浏览", "分享到", "微信", "打印本页", "相关链接", "ICP", "网站标识码", "主办单位",
                   "触碰右侧滑开", "请输入关键字", "浏览器版本", "_hmt"):
        assert chrome not in doc.raw, chrome
    sample = (SAMPLES / f"{WEB_DOC}.txt").read_text(encoding="utf-8")
    body = [line for line in sample.splitlines() if line.startswith(("一、", "二、", "（", "(", "责任单位", "配合部门"))]
    lines = doc.raw.split("\n")
    assert [line for line in lines if line in body] == body  # every heading and unit line, in order


def test_portal_metadata_table_reaches_meta() -> None:
    plan = extract(WEB / f"{WEB_DOC}.html")
    assert plan.meta.title == "2021年乌海市城市精细化管理工作重点任务分工方案"
    assert plan.meta.issuer == "城市管理综合执法局"
    assert plan.meta.date is not None and plan.meta.date.isoformat() == "2021-06-30"
    assert plan.meta.index_no == "11150300011554666A/2021-03833"
    assert plan.meta.doc_number is None  # the 发文字号 cell is empty


def test_xxgk_page_in_gb2312_with_th_labels() -> None:
    doc = read(WEB / f"{PRINTED_DOC}.xxgk.html")
    assert doc.source.encoding == "gb18030"
    assert doc.raw.split("\n")[:3] == [
        "索 引 号：11150200MB0000000X/2023-000407",
        "主题分类：城乡建设、环境保护",
        "发文机关：昆都仑区人民政府",
    ]
    plan = extract(WEB / f"{PRINTED_DOC}.xxgk.html")
    assert plan.meta.doc_number == "昆府发〔2023〕6号"
    assert plan.meta.title == "2023年深入推进城市精细化长效常态管理全面优化市容环境实施方案"
    assert plan.meta.notice_title == "昆都仑区人民政府关于印发《2023年深入推进城市精细化长效常态管理全面优化市容环境实施方案》的通知"
    assert plan.meta.published is not None and plan.meta.published.isoformat() == "2023-04-12"


def _tasks(plan: Any) -> list[tuple[str, list[tuple[str, str]]]]:
    return [(t.title, sorted((u.canonical, u.role.value) for u in t.units)) for t in plan.tasks]


def test_task_table_page_gives_the_tasks_and_units_of_the_txt() -> None:
    from_table = _tasks(extract(WEB / f"{WEB_DOC}.tasks.html"))
    from_txt = [t for t in _tasks(extract(SAMPLES / f"{WEB_DOC}.txt")) if t[1]]
    assert len(from_table) == 18
    assert from_table == from_txt


def test_task_table_rowspan_repeats_and_colspan_pads() -> None:
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
        "2\t提升物业服务\t市住建局\t2023年6月底前",
        "合计\t\t2项\t",
    ]
    assert doc.hints == ("table",)


@pytest.mark.parametrize(
    ("block", "lines"),
    [
        (  # th labels beside td values, a title over three columns
            "<table><tr><th>索引号</th><td>0001/2024-01</td><th>发文机关</th><td>某县人民政府</td></tr>"
            "<tr><th>标　题</th><td colspan='3'>某县2024年工作要点</td></tr></table>",
            ["索引号：0001/2024-01", "发文机关：某县人民政府", "标　题：某县2024年工作要点"],
        ),
        (  # label cells with their own colon
            "<table><tr><td>发文字号：</td><td>某府发〔2024〕3号</td><td>成文日期:</td><td>2024-03-05</td></tr></table>",
            ["发文字号：某府发〔2024〕3号", "成文日期:2024-03-05"],
        ),
        (  # each cell led by its label
            "<table><tr><td>发布机构：某县人民政府</td><td>文　　种：通知</td></tr></table>",
            ["发布机构：某县人民政府", "文　　种：通知"],
        ),
        (  # a list
            "<ul class='xxgk'><li><span>索引号：</span>0001/2024-01</li><li><b>发布日期：</b>2024-03-06</li></ul>",
            ["索引号：0001/2024-01", "发布日期：2024-03-06"],
        ),
    ],
    ids=["th-labels", "colon-labels", "label-led-cells", "list"],
)
def test_metadata_blocks_become_label_lines(block: str, lines: list[str]) -> None:
    page = f"<html><body>{block}<h1>某县2024年工作要点</h1><p>一、重点任务</p></body></html>"
    doc = read_bytes(page.encode("utf-8"), "meta.html")
    assert doc.raw.split("\n")[: len(lines)] == lines
    assert doc.hints == ()  # a metadata table is not a data table


def test_metadata_from_th_table_reaches_meta() -> None:
    page = (
        "<html><body><table><tr><th>索 引 号</th><td>0001/2024-01</td><th>发文机关</th><td>某县人民政府</td></tr>"
        "<tr><th>发文字号</th><td>某府发〔2024〕3号</td><th>成文日期</th><td>2024年03月05日</td></tr>"
        "<tr><th>标　　题</th><td colspan='3'>某县人民政府关于印发《某县2024年城市管理工作要点》的通知</td></tr></table>"
        "<div class='content'><p>一、重点任务</p><p>（一）推进老旧小区改造。责任单位：县住建局</p></div></body></html>"
    )
    plan = extract(read_bytes(page.encode("utf-8"), "meta.html").raw)
    assert plan.meta.title == "某县2024年城市管理工作要点"
    assert plan.meta.notice_title == "某县人民政府关于印发《某县2024年城市管理工作要点》的通知"
    assert plan.meta.doc_number == "某府发〔2024〕3号"
    assert plan.meta.issuer == "某县人民政府"
    assert plan.meta.date is not None and plan.meta.date.isoformat() == "2024-03-05"
    assert plan.meta.index_no == "0001/2024-01"


def test_header_row_of_a_data_table_is_not_taken_for_labels() -> None:
    page = "<html><body><table><tr><th>序号</th><th>任务</th><th>责任单位</th><th>时限</th></tr></table></body></html>"
    assert read_bytes(page.encode("utf-8"), "t.html").raw == "序号\t任务\t责任单位\t时限"


@pytest.mark.parametrize(
    "chrome",
    [
        "<div class='top-bar'>无障碍浏览 | 长者模式</div>",
        "<div class='pre-next'><p>上一篇：某通知</p></div>",
        "<div class='related-links'><h3>相关文件</h3><a>某通知</a></div>",
        "<div class='article-tools'><a>打印</a><a>关闭</a></div>",
        "<div id='qrcode'>扫一扫在手机打开</div>",
        "<div class='xglj'>相关链接</div>",
        "<div class='search-box'>请输入关键词</div>",
    ],
)
def test_page_chrome_by_name_is_dropped(chrome: str) -> None:
    page = f"<html><body><div class='article-title'>某县工作方案</div>{chrome}<p>一、重点任务</p></body></html>"
    assert read_bytes(page.encode("utf-8"), "p.html").raw == "某县工作方案\n一、重点任务"


# --- PDF: headers, footers, page numbers, broken lines --------------------------------------------------


def _normalised_lines(text: str) -> list[str]:
    return [" ".join(line.split()) for line in text.splitlines() if line.strip()]


def test_printed_pdf_reads_back_the_lines_of_the_txt() -> None:
    doc = read(PDF / f"{PRINTED_DOC}.pdf")
    assert doc.source.format == "pdf"
    sample = (SAMPLES / f"{PRINTED_DOC}.txt").read_text(encoding="utf-8")
    # headers ("…文件") and "— N —" footers gone, each paragraph one line again, no "2023 年"
    assert _normalised_lines(doc.raw) == _normalised_lines(sample)


def _page(*lines: tuple[str, float, float, float], size: float = 16.0) -> list[Line]:
    """Lines given as (text, left, right, top) on a page."""
    return [Line(text, left, right, top, top - size) for text, left, right, top in lines]


def _body(top: float, *texts: str, size: float = 16.0) -> list[tuple[str, float, float, float]]:
    """Lines of a justified body: a "~" prefix marks an indented line, a "." suffix a line that
    ends short (a paragraph's last line), the others run to the right edge at 520."""
    out = []
    for n, text in enumerate(texts):
        left = 112.0 if text.startswith("~") else 80.0
        text = text.lstrip("~")
        right = left + size * (len(text) - 1) if text.endswith(".") else 520.0
        out.append((text.rstrip("."), left, right, top - 28 * n))
    return out


FILLER = ("~坚持问题导向，聚焦管理短板，继续理", "顺体制机制，加强组织领导，调整完善", "议事协调机构，充分发挥职能作用。.")
FILLER2 = ("~规范完善城市精细化管理制度标准，", "建立系统化管理体系，加快推进城市管", "理相关领域地方立法工作。.")
FILLER3 = ("~借鉴疫情防控网格化管理经验，完善", "城市网格管理，将城市网格化管理纳入", "社会综合治理等网格中。.")


@pytest.mark.parametrize("number", ["- 2 -", "— 2 —", "－2－", "2", "第2页 共9页", "第 2 页", "2/9", "Page 2 of 9"])
def test_page_numbers_are_dropped(number: str) -> None:
    pages = [
        _page(*_body(700, "~一、总体要求.", *FILLER), ("1", 292, 300, 60)),
        _page(*_body(700, "~二、重点任务.", *FILLER2), (number, 280, 320, 60)),
    ]
    assert assemble(pages) == (
        "一、总体要求\n坚持问题导向，聚焦管理短板，继续理顺体制机制，加强组织领导，调整完善议事协调机构，充分发挥职能作用。\n"
        "二、重点任务\n规范完善城市精细化管理制度标准，建立系统化管理体系，加快推进城市管理相关领域地方立法工作。"
    )


def test_running_header_is_dropped_but_the_same_text_in_the_body_is_kept() -> None:
    header = ("某县人民政府文件", 420, 520, 796)
    pages = [
        _page(header, ("某县人民政府文件", 200, 400, 700), *_body(650, "~一、总体要求.", *FILLER)),
        _page(header, *_body(700, "~（一）加强领导.", *FILLER2)),
        _page(header, *_body(700, "~（二）压实责任.", *FILLER3)),
    ]
    lines = assemble(pages).split("\n")
    assert lines[:2] == ["某县人民政府文件", "一、总体要求"]
    assert [line for line in lines if line.startswith(("（", "某县"))] == ["某县人民政府文件", "（一）加强领导", "（二）压实责任"]


def test_footer_with_changing_numbers_is_dropped() -> None:
    headings = ["~一、总体要求.", "~二、重点任务.", "~三、保障措施."]
    fillers = [FILLER, FILLER2, FILLER3]
    pages = [
        _page(*_body(700, heading, *fillers[n - 1]), (f"某县工作方案 第{n}页", 80, 250, 40))
        for n, heading in enumerate(headings, 1)
    ]
    text = assemble(pages)
    assert "某县工作方案" not in text
    assert [line for line in text.split("\n") if "、" in line[:2]] == ["一、总体要求", "二、重点任务", "三、保障措施"]


def test_lines_broken_by_the_layout_are_joined() -> None:
    pages = [
        _page(*_body(700, "~一、总体要求.", "~坚持问题导向，聚焦", "管理短板，继续理顺", "体制机制。.", "~（一）加强组织领导。", "（二）压实责任。."))
    ]
    assert assemble(pages).split("\n") == [
        "一、总体要求",
        "坚持问题导向，聚焦管理短板，继续理顺体制机制。",  # full lines carried on, indented line starts anew
        "（一）加强组织领导。",  # a full line ending 。 before a heading at the left edge is not carried on
        "（二）压实责任。",
    ]


def test_a_paragraph_carries_on_across_a_page_break_under_a_footer() -> None:
    pages = [
        _page(*_body(700, "~一、总体要求.", *FILLER, "~坚持问题导向，聚焦"), ("— 1 —", 280, 320, 60)),
        _page(*_body(700, "管理短板。.", "~二、重点任务.", *FILLER2), ("— 2 —", 280, 320, 60)),
    ]
    assert assemble(pages).split("\n")[2:4] == ["坚持问题导向，聚焦管理短板。", "二、重点任务"]


def test_latin_words_broken_at_the_edge_keep_a_space() -> None:
    pages = [_page(*_body(700, "~The plan of the", "county government.", *FILLER))]
    assert assemble(pages).split("\n")[0] == "The plan of the county government"


def test_title_lines_are_not_joined_to_the_body() -> None:
    title = [("关于印发《某县城市精细化管理", 80, 520, 760), ("工作方案》的通知", 200, 400, 724)]
    pages = [[*_page(*title, size=22.0), *_page(*_body(680, "各乡镇人民政府，县直各部门：.", *FILLER))]]
    assert assemble(pages).split("\n")[:3] == ["关于印发《某县城市精细化管理", "工作方案》的通知", "各乡镇人民政府，县直各部门："]


# --- PDF: bad files ------------------------------------------------------------------------------------


def test_scanned_pdf_says_it_needs_ocr() -> None:
    assert "OCR" in _input_error(PDF / "scanned.pdf").message
    _fails_in_cli(PDF / "scanned.pdf", "OCR")


def test_encrypted_pdf_says_it_needs_a_password() -> None:
    assert "encrypted PDF" in _input_error(PDF / "encrypted.pdf").message
    _fails_in_cli(PDF / "encrypted.pdf", "password")


def test_truncated_pdf(tmp_path: Path) -> None:
    path = tmp_path / "cut.pdf"
    data = (PDF / f"{PRINTED_DOC}.pdf").read_bytes()
    path.write_bytes(data[: len(data) // 2])
    assert "truncated PDF" in _input_error(path).message
    _fails_in_cli(path, "truncated")


def test_pdf_with_a_damaged_body_but_an_end_marker(tmp_path: Path) -> None:
    path = tmp_path / "damaged.pdf"
    path.write_bytes(b"%PDF-1.7\n" + bytes(range(256)) * 20 + b"\nstartxref\n12\n%%EOF\n")
    assert "corrupt PDF" in _input_error(path).message
    _fails_in_cli(path, "corrupt PDF")


def test_pdf_without_the_extra_says_what_to_install(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "pypdfium2", None)  # import pypdfium2 now raises ImportError
    path = tmp_path / "plan.pdf"
    path.write_bytes((PDF / f"{PRINTED_DOC}.pdf").read_bytes())
    assert _input_error(path).message == NEEDS_EXTRA
    assert "govplan[pdf]" in _fails_in_cli(path, "pip install")


# --- .doc / .wps through LibreOffice --------------------------------------------------------------------

OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
needs_posix = pytest.mark.skipif(os.name != "posix", reason="a shell script stands in for soffice")
needs_soffice = pytest.mark.skipif(office_reader.find_soffice() is None, reason="LibreOffice (soffice) not installed")


@pytest.mark.parametrize("name", ["notice.doc", "notice.wps"])
def test_legacy_word_without_libreoffice_says_what_to_install(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str
) -> None:
    monkeypatch.setattr(office_reader.shutil, "which", lambda _command: None)
    path = tmp_path / name
    path.write_bytes(OLE2_MAGIC + bytes(600))
    message = _input_error(path).message
    assert "LibreOffice" in message and "soffice" in message and ".docx" in message
    _fails_in_cli(path, "install LibreOffice")


def _fake_soffice(folder: Path, script: str) -> Path:
    folder.mkdir()
    program = folder / "soffice"
    program.write_text("#!/bin/sh\n" + script, encoding="utf-8")
    program.chmod(program.stat().st_mode | stat.S_IXUSR)
    return folder


@needs_posix
def test_a_hanging_conversion_is_killed_after_the_time_limit(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    pid_file = tmp_path / "child.pid"
    bin_dir = _fake_soffice(tmp_path / "bin", f"sleep 60 &\necho $! > {pid_file}\nwait\n")
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}")
    monkeypatch.setenv(office_reader.TIMEOUT_ENV, "0.5")
    path = tmp_path / "slow.doc"
    path.write_bytes(OLE2_MAGIC + bytes(600))
    started = time.monotonic()
    assert "timed out after 0.5 s" in _input_error(path).message
    assert time.monotonic() - started < 10
    child = int(pid_file.read_text(encoding="utf-8"))
    for _ in range(50):  # the whole process group was killed, the grandchild too
        try:
            os.kill(child, 0)
        except ProcessLookupError:
            break
        time.sleep(0.05)
    else:
        pytest.fail("the converter's child process survived the timeout")
    _fails_in_cli(path, "timed out")


@needs_posix
@pytest.mark.parametrize(
    ("script", "words"),
    [("exit 0\n", "could not convert"), ("exit 3\n", "exit status 3")],
    ids=["no-output", "error-status"],
)
def test_a_failed_conversion_is_an_input_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, script: str, words: str
) -> None:
    bin_dir = _fake_soffice(tmp_path / "bin", script)
    monkeypatch.setattr(office_reader.shutil, "which", lambda command: str(bin_dir / "soffice"))
    path = tmp_path / "broken.wps"
    path.write_bytes(OLE2_MAGIC + bytes(600))
    assert words in _input_error(path).message
    _fails_in_cli(path, words)


def test_other_ole2_files_are_not_sent_to_libreoffice(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(office_reader, "convert_to_docx", lambda *a: pytest.fail("converted"))
    for name in ("sheet.xls", "notice.txt", "-"):
        with pytest.raises(InputError, match="OLE2"):
            read_bytes(OLE2_MAGIC + bytes(600), name)


@pytest.fixture(scope="module")
def legacy_word(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """A .docx with a heading, paragraphs and a task table, and the .doc and .rtf LibreOffice makes of it."""
    import docx

    folder = tmp_path_factory.mktemp("legacy")
    document = docx.Document()
    document.add_paragraph("某县2024年城市管理工作方案")
    document.add_paragraph("一、重点任务")
    table = document.add_table(rows=3, cols=3)
    for row, cells in zip(table.rows, [("序号", "主要任务", "责任单位"), ("1", "推进老旧小区改造", "县住建局"),
                                       ("2", "提升物业服务水平", "县住建局")], strict=True):
        for cell, text in zip(row.cells, cells, strict=True):
            cell.text = text
    document.add_paragraph("二、保障措施")
    source = folder / "plan.docx"
    document.save(str(source))
    soffice = office_reader.find_soffice()
    assert soffice is not None
    out = {"docx": source}
    for target in ("doc", "rtf"):
        profile = (folder / "profile").as_uri()
        import subprocess

        subprocess.run(
            [soffice, f"-env:UserInstallation={profile}", "--headless", "--convert-to", target, "--outdir", str(folder),
             str(source)],
            check=True, capture_output=True, timeout=120,
        )
        out[target] = folder / f"plan.{target}"
    return out


@needs_soffice
@pytest.mark.parametrize(("kind", "name", "fmt"), [("doc", "plan.doc", "doc"), ("doc", "plan.wps", "wps"),
                                                   ("rtf", "plan.rtf", "rtf"), ("rtf", "saved.doc", "doc")])
def test_legacy_word_is_converted_by_libreoffice(legacy_word: dict[str, Path], kind: str, name: str, fmt: str) -> None:
    data = legacy_word[kind].read_bytes()
    doc = read_bytes(data, name)
    assert doc.source.format == fmt
    assert doc.raw == read(legacy_word["docx"]).raw
    assert "1\t推进老旧小区改造\t县住建局" in doc.raw.split("\n")


@needs_soffice
def test_a_damaged_doc_is_reported_by_name(tmp_path: Path) -> None:
    path = tmp_path / "damaged.doc"
    path.write_bytes(OLE2_MAGIC + bytes(600))
    assert re.search(r"could not convert|failed to convert", _input_error(path).message)
    assert shutil.which("soffice") or shutil.which("libreoffice")
