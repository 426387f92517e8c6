"""Build the web-page and PDF test fixtures from the corpus texts in samples/.

    .venv/bin/python scripts/make_fixtures_web_pdf.py          # writes tests/fixtures/web and tests/fixtures/pdf

Web pages (tests/fixtures/web/) are written as a government portal saves them: a head with the
site's meta tags, styles and scripts, a navigation bar, a breadcrumb, the public-information
metadata block, the article, share buttons, related links and a footer with 主办单位 / ICP备案 /
网站标识码.  Their text is taken from the sample, line by line, so that the page says exactly
what the .txt says.

PDFs (tests/fixtures/pdf/) are typeset by LibreOffice from a .docx that python-docx builds from
the sample text, laid out as a printed notice (A4, 16 pt CJK serif, justified, first-line indent
of two characters), with a running header and "— N —" page numbers in the footer.  From that PDF
the script also derives an image-only copy (a "scan", no text layer) and an encrypted copy.
Making PDFs needs ``soffice`` (apt-get install libreoffice-writer-nogui fonts-noto-cjk); the
committed fixtures are what this script made, so tests and CI need neither.
"""

from __future__ import annotations

import html
import io
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"
WEB = ROOT / "tests" / "fixtures" / "web"
PDF = ROOT / "tests" / "fixtures" / "pdf"

WEB_SAMPLE = "001_7f1fd31981bc28f0"  # the corpus document scraped from a portal (metadata lines, footer)
PDF_SAMPLE = "003_4235a890aa1425d0"  # a printed notice: cover notice, signature, plan with four levels
ENCRYPT_PASSWORD = "govplan"

# labels of the public-information metadata block as portals print them
META_LABELS = ("标题", "索引号", "发文字号", "发文机构", "信息分类", "概述", "成文日期", "公开日期", "废止日期", "有效性")
_LABEL = re.compile("(" + "|".join(r"\s*".join(label) for label in META_LABELS) + r")\s*[:：]")
_HEADING = re.compile(r"^(?:[一二三四五六七八九十]+、|[（(][一二三四五六七八九十]+[）)]|\d+[.．])")


# --- web pages ----------------------------------------------------------------------------------------

_HEAD = """<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta http-equiv="Content-Type" content="text/html; charset={charset}">
<meta http-equiv="X-UA-Compatible" content="IE=edge">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<meta name="SiteName" content="{site}">
<meta name="SiteDomain" content="www.example.gov.cn">
<meta name="SiteIDCode" content="1500000001">
<meta name="ColumnName" content="{column}">
<meta name="ColumnType" content="政策文件">
<meta name="ArticleTitle" content="{title}">
<meta name="PubDate" content="{date}">
<meta name="ContentSource" content="{source}">
<meta name="Keywords" content="城市管理,精细化">
<title>{title}_{site}</title>
<link rel="stylesheet" type="text/css" href="/css/common.css">
<style type="text/css">
  body {{ font-family: "Microsoft YaHei", sans-serif; margin: 0; }}
  .xxgk-table td {{ border: 1px solid #ddd; padding: 4px 8px; }}
  .article p {{ text-indent: 2em; line-height: 2; }}
</style>
<script type="text/javascript" src="/js/jquery.min.js"></script>
<script type="text/javascript">
  var _hmt = _hmt || [];
  (function () {{ var hm = document.createElement("script"); hm.src = "https://hm.example.com/hm.js?x";
    var s = document.getElementsByTagName("script")[0]; s.parentNode.insertBefore(hm, s); }})();
  document.write("<div class='tip'>您的浏览器版本过低</div>");
</script>
</head>
<body>
<div class="top-bar"><div class="wrap"><span class="date" id="today"></span>
  <a href="/wza/">无障碍浏览</a> | <a href="/old/">长者模式</a> | <a href="/en/">English</a></div></div>
<div class="header"><div class="wrap"><a class="logo" href="/"><img src="/images/logo.png" alt="{site}"></a>
  <div class="search"><form action="/search/" method="get"><input type="text" name="q" value="请输入关键字">
  <button type="submit">搜索</button></form></div></div></div>
<div class="nav" id="mainNav"><ul>
  <li><a href="/">首页</a></li><li><a href="/zwgk/">政务公开</a></li><li><a href="/zwfw/">政务服务</a></li>
  <li><a href="/hdjl/">互动交流</a></li><li><a href="/zjwh/">走进本市</a></li></ul></div>
<div class="breadcrumb wrap">当前位置：<a href="/">首页</a> &gt; <a href="/zwgk/">政务公开</a> &gt; <a href="/zwgk/zcwj/">{column}</a></div>
"""

_TAIL = """<div class="share-bar bdsharebuttonbox"><span>分享到：</span>
  <a class="bds_weixin" title="分享到微信">微信</a><a class="bds_tsina" title="分享到新浪微博">微博</a>
  <a class="bds_qzone" title="分享到QQ空间">QQ空间</a></div>
<div class="tools"><a href="javascript:window.print()">【打印本页】</a> <a href="javascript:window.close()">【关闭窗口】</a></div>
<div class="related-links"><h3>相关链接</h3><ul>
  <li><a href="/zwgk/1.html">关于做好城市管理工作的通知</a></li>
  <li><a href="/zwgk/2.html">城市管理工作情况通报</a></li></ul></div>
<div class="footer" id="footer"><div class="wrap">
  <p><a href="/wzdt/">网站地图</a> | <a href="/lxwm/">联系我们</a> | <a href="/sm/">网站声明</a></p>
  <p>主办单位：{site_owner}　　承办单位：大数据中心</p>
  <p>ICP备案：京ICP备05000000号　京公网安备 11000002000001号　网站标识码：1500000001</p>
  <p><img src="/images/dzjg.png" alt="党政机关"> <img src="/images/jiucuo.png" alt="政府网站找错"></p>
</div></div>
<script type="text/javascript">
  document.getElementById("today").innerHTML = new Date().toLocaleDateString();
  var _maq = _maq || []; _maq.push(["_setAccount", "site"]);
</script>
</body>
</html>
"""


def _esc(text: str) -> str:
    return html.escape(text, quote=True)


def _meta_pairs(line: str) -> list[tuple[str, str]]:
    """The (label, value) pairs of one metadata line ("索  引  号: x 发文字号: y")."""
    labels = list(_LABEL.finditer(line))
    pairs = []
    for i, match in enumerate(labels):
        end = labels[i + 1].start() if i + 1 < len(labels) else len(line)
        pairs.append((match.group(0).strip(), line[match.end() : end].strip()))
    return pairs


def _split_web_sample(lines: list[str]) -> dict[str, list[str]]:
    """The parts of a scraped portal page: junk above, metadata lines, title, byline, body, footer."""
    meta_at = [i for i, line in enumerate(lines) if _LABEL.match(line.strip())]
    first_meta, last_meta = meta_at[0], meta_at[-1]
    title_at = last_meta + 1
    byline_at = title_at + 1
    footer_at = next(i for i, line in enumerate(lines) if line.strip().startswith("上一条"))
    return {
        "above": [line for line in lines[:first_meta] if line.strip()],
        "meta": lines[first_meta : last_meta + 1],
        "title": [lines[title_at]],
        "byline": [lines[byline_at]],
        "body": [line for line in lines[byline_at + 1 : footer_at] if line.strip()],
        "footer": [line for line in lines[footer_at:] if line.strip()],
    }


def portal_page(text: str) -> str:
    """A 信息公开 page: metadata table with one row per printed metadata line (label cells with a
    colon, a value cell after each), the title, a byline, paragraphs, 上一条/下一条 and a footer."""
    parts = _split_web_sample(text.splitlines())
    title = parts["title"][0].strip()
    rows = []
    for line in parts["meta"]:
        cells = "".join(
            f'<td class="label">{_esc(label)}</td><td class="value">{_esc(value)}</td>'
            for label, value in _meta_pairs(line.strip())
        )
        rows.append(f"  <tr>{cells}</tr>")
    body = "\n".join(f"  <p>{_esc(line.strip())}</p>" for line in parts["body"])
    prev_next = "".join(f"<p>{_esc(line.strip())}</p>" for line in parts["footer"][:2])
    page = _HEAD.format(
        charset="utf-8", site="市人民政府门户网站", column="政策文件", title=_esc(title), date="2021-06-30", source="日报"
    )
    page += f'<div class="swipe-tip mobile-only">{_esc(parts["above"][0].strip())}</div>\n' if parts["above"] else ""
    page += '<div class="main wrap">\n<div class="xxgk-info">\n<table class="xxgk-table" cellspacing="0">\n'
    page += "\n".join(rows) + "\n</table>\n</div>\n"
    page += f'<div class="article">\n<h1 class="article-title">{_esc(title)}</h1>\n'
    page += f'<div class="article-info">{_esc(parts["byline"][0].strip())}</div>\n'
    page += f'<div class="article-content" id="zoom">\n{body}\n</div>\n</div>\n'
    page += f'<div class="prev-next">{prev_next}</div>\n</div>\n'
    return page + _TAIL.format(site_owner="市人民政府办公室")


def xxgk_page(text: str) -> str:
    """A 政府信息公开 page laid out as the central portal does: a metadata table with ``th`` label
    cells (索引号, 主题分类, 发文机关, 成文日期, 标题, 发文字号, 发布日期), then the notice and the plan
    it publishes, one paragraph per line, titles centred and the signature right-aligned."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    first_heading = next(i for i, line in enumerate(lines) if _HEADING.match(line))
    notice_start = next(i for i, line in enumerate(lines) if "关于" in line)
    notice_end = next(i for i in range(notice_start, len(lines)) if lines[i].endswith("通知"))
    issuer = lines[notice_start - 1]
    notice_title = issuer + "".join(lines[notice_start : notice_end + 1])
    number = next(line for line in lines if re.search(r"〔\d{4}〕\d+号$", line))
    signed = next(line for line in lines[:first_heading] if re.fullmatch(r"\d{4}年\d{1,2}月\d{1,2}日", line))
    year, month, day = (int(n) for n in re.findall(r"\d+", signed))
    fields = [
        ("索 引 号", f"11150200MB0000000X/{year}-00{month:02d}{day:02d}", "主题分类", "城乡建设、环境保护"),
        ("发文机关", issuer, "成文日期", f"{year}年{month:02d}月{day:02d}日"),
        ("标　　题", notice_title, None, None),
        ("发文字号", number, "发布日期", f"{year}年{month:02d}月{day + 5:02d}日"),
    ]
    rows = []
    for label, value, label2, value2 in fields:
        if label2 is None:
            rows.append(f"  <tr><th>{_esc(label)}</th><td colspan=\"3\">{_esc(value)}</td></tr>")
        else:
            rows.append(
                f"  <tr><th>{_esc(label)}</th><td>{_esc(value)}</td><th>{_esc(label2)}</th><td>{_esc(value2 or '')}</td></tr>"
            )
    paragraphs = []
    for kind, line in _line_kinds(text.splitlines()):
        style = {"title": ' style="text-align: center;"', "right": ' style="text-align: right;"'}.get(kind, "")
        paragraphs.append(f"  <p{style}>{_esc(line)}</p>")
    page = _HEAD.format(
        charset="gb2312", site="区人民政府门户网站", column="区政府文件", title=_esc(notice_title),
        date=f"{year}-{month:02d}-{day + 5:02d}", source=_esc(issuer),
    )
    page += '<div class="main wrap">\n<div class="policy-header">\n<table class="bd1" cellpadding="0" cellspacing="1">\n'
    page += "\n".join(rows) + "\n</table>\n</div>\n"
    page += '<div class="pages_content" id="UCAP-CONTENT">\n' + "\n".join(paragraphs) + "\n</div>\n"
    page += '<div class="attachments"><a href="/files/notice.pdf" class="download-link">附件：</a></div>\n</div>\n'
    return page + _TAIL.format(site_owner="区人民政府办公室")


_TASK_TITLE = re.compile(r"^(?:[（(][一二三四五六七八九十]+[）)]|\d+[.．])(.+?)(?:。(.*))?$")
_UNIT_LABEL = re.compile(r"^(责任单位|牵头单位|配合部门|配合单位)[:：](.*)$")


def task_table_page(text: str) -> str:
    """The tasks of a 分工方案 page as a 任务分工 table: 序号, 重点任务, 工作内容, 责任单位, 配合部门,
    one row per task, a 配合部门 cell shared by consecutive rows merged with ``rowspan``."""
    parts = _split_web_sample(text.splitlines())
    title = parts["title"][0].strip()
    tasks: list[dict[str, str]] = []
    in_tasks = False
    for line in (line.strip() for line in parts["body"]):
        if re.match(r"^[一二三四五六七八九十]+、", line):
            in_tasks = "任务" in line
            continue
        if not in_tasks:
            continue
        unit = _UNIT_LABEL.match(line)
        heading = _TASK_TITLE.match(line)
        if unit and tasks:
            tasks[-1]["coop" if unit.group(1).startswith("配合") else "resp"] = unit.group(2)
        elif heading and len(heading.group(1)) <= 30:
            if tasks and not tasks[-1].get("resp") and not tasks[-1]["text"]:
                tasks.pop()  # a group heading over numbered tasks: its rows follow
            tasks.append({"title": heading.group(1), "text": heading.group(2) or ""})
        elif tasks:
            tasks[-1]["text"] += line
    rows = []
    n = 0
    while n < len(tasks):
        run = 1
        while n + run < len(tasks) and tasks[n + run].get("coop") and tasks[n + run].get("coop") == tasks[n].get("coop"):
            run += 1
        for k in range(run):
            task = tasks[n + k]
            coop = ""
            if k == 0:
                span = f' rowspan="{run}"' if run > 1 else ""
                coop = f"<td{span}>{_esc(task.get('coop', ''))}</td>"
            rows.append(
                f"  <tr><td>{n + k + 1}</td><td>{_esc(task['title'])}</td><td>{_esc(task['text'])}</td>"
                f"<td>{_esc(task.get('resp', ''))}</td>{coop}</tr>"
            )
        n += run
    page = _HEAD.format(
        charset="utf-8", site="市人民政府门户网站", column="政策文件", title=_esc(title), date="2021-06-30", source="日报"
    )
    page += f'<div class="main wrap">\n<div class="article">\n<h1>{_esc(title)}</h1>\n'
    page += f"<p>{_esc(parts['body'][0].strip())}</p>\n"
    page += '<table class="task-table" border="1">\n'
    page += "  <tr><th>序号</th><th>重点任务</th><th>工作内容</th><th>责任单位</th><th>配合部门</th></tr>\n"
    page += "\n".join(rows) + "\n</table>\n</div>\n</div>\n"
    return page + _TAIL.format(site_owner="市人民政府办公室")


# --- PDF -------------------------------------------------------------------------------------------------

_W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_FONT = "Noto Serif CJK SC"
_BODY_PT = 16  # 三号, the body size of printed notices
_TITLE_PT = 22  # 二号, the title size


def _line_kinds(lines: list[str]) -> list[tuple[str, str]]:
    """(kind, text) for every non-blank line: "title" (centred), "right" (signature), "flush"
    (recipients, no indent) or "body" (justified, first line indented)."""
    first_heading = next((i for i, line in enumerate(lines) if _HEADING.match(line.strip())), len(lines))
    date_line = re.compile(r"^\d{4}年\d{1,2}月\d{1,2}日$")
    out = []
    for i, line in enumerate(lines):
        text = line.strip()
        if not text:
            continue
        if len(line) - len(line.lstrip()) >= 10 or (date_line.match(text) and i < first_heading):
            out.append(("right", text))
        elif i < first_heading and text.endswith(("：", ":")):
            out.append(("flush", text))
        elif i < first_heading and len(text) <= 30 and not text.endswith(("。", "；")):
            out.append(("title", text))
        else:
            out.append(("body", text))
    return out


def _set_font(run: object, size: int, bold: bool = False) -> None:
    from docx.oxml.ns import qn
    from docx.shared import Pt

    run.font.size = Pt(size)  # type: ignore[attr-defined]
    run.font.bold = bold  # type: ignore[attr-defined]
    run.font.name = _FONT  # type: ignore[attr-defined]
    fonts = run._element.get_or_add_rPr().get_or_add_rFonts()  # type: ignore[attr-defined]
    fonts.set(qn("w:eastAsia"), _FONT)


def _page_field(paragraph: object) -> None:
    """A PAGE field (the page number) appended to ``paragraph``."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    for kind, instr in (("begin", None), (None, " PAGE "), ("separate", None), (None, "1"), ("end", None)):
        run = paragraph.add_run()  # type: ignore[attr-defined]
        _set_font(run, 14)
        if kind:
            char = OxmlElement("w:fldChar")
            char.set(qn("w:fldCharType"), kind)
            run._element.append(char)
        elif instr == " PAGE ":
            code = OxmlElement("w:instrText")
            code.set(qn("xml:space"), "preserve")
            code.text = instr
            run._element.append(code)
        else:
            run.text = instr


def notice_docx(text: str, running_header: str) -> bytes:
    """A .docx of ``text`` laid out as a printed notice (A4, 公文 margins, 16 pt, indented body)."""
    import docx
    from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
    from docx.shared import Mm, Pt

    document = docx.Document()
    section = document.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)
    section.header_distance, section.footer_distance = Mm(15), Mm(15)
    header = section.header.paragraphs[0]
    header.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    _set_font(header.add_run(running_header), 10)
    footer = section.footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _set_font(footer.add_run("— "), 14)
    _page_field(footer)
    _set_font(footer.add_run(" —"), 14)
    for kind, line in _line_kinds(text.splitlines()):
        paragraph = document.add_paragraph()
        fmt = paragraph.paragraph_format
        fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        fmt.line_spacing = Pt(28)
        fmt.space_before = fmt.space_after = Pt(0)
        if kind == "title":
            paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
            fmt.line_spacing = Pt(36)
            _set_font(paragraph.add_run(line), _TITLE_PT, bold=True)
        elif kind == "right":
            paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
            fmt.right_indent = Pt(2 * _BODY_PT)
            _set_font(paragraph.add_run(line), _BODY_PT)
        else:
            paragraph.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
            if kind == "body":
                fmt.first_line_indent = Pt(2 * _BODY_PT)
            _set_font(paragraph.add_run(line), _BODY_PT)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def soffice_convert(data: bytes, suffix: str, target: str, options: str = "") -> bytes:
    """``data`` (a file with ``suffix``) converted by LibreOffice to ``target`` (e.g. "pdf")."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        raise SystemExit("soffice not found: apt-get install -y libreoffice-writer-nogui fonts-noto-cjk")
    with tempfile.TemporaryDirectory(prefix="govplan-fixtures-") as tmp:
        source = Path(tmp) / f"input{suffix}"
        source.write_bytes(data)
        profile = Path(tmp, "profile").as_uri()
        command = [soffice, f"-env:UserInstallation={profile}", "--headless", "--norestore"]
        command += ["--convert-to", target + options, "--outdir", tmp, str(source)]
        subprocess.run(command, check=True, capture_output=True, timeout=300)
        return (Path(tmp) / f"input.{target}").read_bytes()


def scanned_copy(pdf_data: bytes, pages: int, scale: float) -> bytes:
    """The first ``pages`` of the PDF, each replaced by a grey picture of it: what a scanner makes."""
    import pypdfium2

    source = pypdfium2.PdfDocument(pdf_data)
    scan = pypdfium2.PdfDocument.new()
    for index in range(min(pages, len(source))):
        page = source[index]
        width, height = page.get_size()
        bitmap = page.render(scale=scale, grayscale=True)
        new_page = scan.new_page(width, height)
        image = pypdfium2.PdfImage.new(scan)
        image.set_bitmap(bitmap)
        image.set_matrix(pypdfium2.PdfMatrix().scale(width, height))
        new_page.insert_obj(image)
        new_page.gen_content()
    out = io.BytesIO()
    scan.save(out)
    return out.getvalue()


def main() -> int:
    WEB.mkdir(parents=True, exist_ok=True)
    PDF.mkdir(parents=True, exist_ok=True)
    web_text = (SAMPLES / f"{WEB_SAMPLE}.txt").read_text(encoding="utf-8")
    _write(WEB / f"{WEB_SAMPLE}.html", portal_page(web_text).encode("utf-8"))
    _write(WEB / f"{WEB_SAMPLE}.tasks.html", task_table_page(web_text).encode("utf-8"))
    pdf_text = (SAMPLES / f"{PDF_SAMPLE}.txt").read_text(encoding="utf-8")
    _write(WEB / f"{PDF_SAMPLE}.xxgk.html", xxgk_page(pdf_text).encode("gb18030"))
    running_header = next(line.strip() for line in pdf_text.splitlines() if line.strip()) + "文件"
    docx_data = notice_docx(pdf_text, running_header)
    pdf_data = soffice_convert(docx_data, ".docx", "pdf")
    _write(PDF / f"{PDF_SAMPLE}.pdf", pdf_data)
    _write(PDF / "scanned.pdf", scanned_copy(pdf_data, pages=2, scale=0.6))
    first_page = "\n".join(pdf_text.splitlines()[:16])
    encrypt = '{"EncryptFile":{"type":"boolean","value":"true"},"DocumentOpenPassword":{"type":"string","value":"%s"}}'
    options = ":writer_pdf_Export:" + encrypt % ENCRYPT_PASSWORD
    _write(PDF / "encrypted.pdf", soffice_convert(notice_docx(first_page, running_header), ".docx", "pdf", options))
    return 0


def _write(path: Path, data: bytes) -> None:
    path.write_bytes(data)
    print(f"wrote {path.relative_to(ROOT)} ({len(data):,} bytes)")


if __name__ == "__main__":
    sys.exit(main())
