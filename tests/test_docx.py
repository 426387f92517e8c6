"""Word documents: the corpus as .docx (made by scripts/make_fixtures_docx.py) reads like its .txt;
Word tables with merged cells; automatic numbering; bad packages refused with one line."""

from __future__ import annotations

import io
import struct
import zipfile
from pathlib import Path

import docx
import pytest
from click.testing import CliRunner
from docx.oxml import parse_xml

from govplan import extract
from govplan.cli import main
from govplan.errors import ExitCode, InputError
from govplan.models import Plan, Role
from govplan.readers import read, read_bytes
from govplan.readers.numbering import chinese

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures" / "docx"
SAMPLES = sorted((ROOT / "samples").glob("*.txt"))
W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def _content(plan: Plan) -> dict[str, object]:
    """What the issue asks to be the same for the same content: sections, tasks, units, deadlines."""
    return {
        "sections": [(s.path, s.level, s.title) for s in plan.sections],
        "tasks": [
            (t.section, t.title, sorted((u.canonical, u.role.value) for u in t.units),
             [(d.kind.value, d.date) for d in t.deadlines], [(g.indicator, g.value) for g in t.targets])
            for t in plan.tasks
        ],
        "meta": (plan.meta.title, plan.meta.doc_number, plan.meta.date),
    }


@pytest.fixture(scope="module")
def txt_plans() -> dict[str, Plan]:
    return {p.stem: extract(p) for p in SAMPLES}


@pytest.mark.parametrize("variant", ["", ".numbered"])
@pytest.mark.parametrize("sample", [p.stem for p in SAMPLES])
def test_corpus_docx_reads_like_its_txt(sample: str, variant: str, txt_plans: dict[str, Plan]) -> None:
    path = FIXTURES / f"{sample}{variant}.docx"
    if not path.exists():
        pytest.skip(f"no {variant or 'plain'} .docx variant of {sample} (see scripts/make_fixtures_docx.py)")
    plan = extract(path)
    assert plan.source.format == "docx"
    assert _content(plan) == _content(txt_plans[sample])


def test_numbered_variants_exist_and_carry_no_typed_numbers() -> None:
    """The automatic-numbering fixtures really depend on numbering.xml: their paragraphs hold no
    typed heading numbers, and govplan recovers them."""
    numbered = sorted(FIXTURES.glob("*.numbered.docx"))
    assert len(numbered) >= 3
    for path in numbered:
        paragraphs = [p.text for p in docx.Document(str(path)).paragraphs]
        with_num_pr = [p for p in docx.Document(str(path)).paragraphs if p._p.pPr is not None and p._p.pPr.numPr is not None]
        assert with_num_pr, path.name
        assert not any(p.text.lstrip().startswith(("一、", "（一）", "(一)")) for p in with_num_pr)
        assert any(line.startswith("一、") for line in read(path).raw.split("\n")), path.name
        assert paragraphs


def test_task_table_as_real_word_table_gives_49_tasks(txt_plans: dict[str, Plan]) -> None:
    path = FIXTURES / "004_8aeef2efaded7953.table.docx"
    table = docx.Document(str(path)).tables[0]
    merged = [tc for row in table._tbl.tr_lst for tc in row.tc_lst if tc.vMerge == "continue"]
    assert len(merged) > 50  # unit, deadline and task cells really are vertically merged
    plan = extract(path)
    txt = txt_plans["004_8aeef2efaded7953"]
    assert len(plan.tasks) == 49
    assert len([s for s in plan.sections if s.level == 1]) == 8
    assert _content(plan)["tasks"] == _content(txt)["tasks"]
    first, second = plan.tasks[0], plan.tasks[1]
    assert first.title == "推进老旧小区改造,2023年完成改造老旧小区60个"
    assert [(u.name, u.role) for u in first.units] == [("市住房和城乡建设局", Role.RESPONSIBLE)]
    assert [d.date.isoformat() for d in first.deadlines if d.date] == ["2023-12-31"]
    # the merged 责任单位 / 完成时限 cells apply to the next task too
    assert [u.name for u in second.units] == ["市住房和城乡建设局"]
    assert [d.date.isoformat() for d in second.deadlines if d.date] == ["2023-12-31"]


# --- Word tables built here: merged cells, two unit columns, section rows ----------------------------


def _table_docx(rows: list[list[str]], merges: list[tuple[int, int, int, int]] = (), before: list[str] = ()) -> bytes:  # type: ignore[assignment]
    document = docx.Document()
    for line in before:
        document.add_paragraph(line)
    table = document.add_table(rows=len(rows), cols=len(rows[0]))
    for r, values in enumerate(rows):
        for c, value in enumerate(values):
            if value:
                table.cell(r, c).text = value
    for r1, c1, r2, c2 in merges:
        top = table.cell(r1, c1)
        text = top.text
        top.merge(table.cell(r2, c2))
        for p in top._tc.findall(f"{{{W_NS}}}p")[1:]:
            top._tc.remove(p)
        top.paragraphs[0].text = text
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def test_word_table_lead_and_cooperating_columns_and_merged_task_cell() -> None:
    rows = [
        ["重点任务", "具体措施", "牵头单位", "配合单位", "完成时限"],
        ["一、优化营商环境", "", "", "", ""],
        ["深化“一网通办”改革", "推行高频事项“掌上办”", "县政务服务局", "县大数据中心、县司法局", "2024年6月底前"],
        ["", "实现90%以上事项全程网办", "", "", "2024年12月底前"],
        ["开展涉企收费专项检查", "清理规范涉企收费", "县市场监管局", "县发展改革局", "长期坚持"],
        ["二、强化要素保障", "", "", "", ""],
        ["盘活存量低效用地", "完成低效用地再开发500亩", "县自然资源局", "各乡镇人民政府", "2024年底"],
    ]
    merges = [(1, 0, 1, 4), (2, 0, 3, 0), (2, 2, 3, 2), (2, 3, 3, 3), (5, 0, 5, 4)]
    data = _table_docx(rows, merges, before=["某县2024年优化营商环境工作方案", "为进一步优化营商环境，制定本方案。"])
    plan = extract(read_bytes(data, "plan.docx"))
    assert [t.title for t in plan.tasks] == ["深化“一网通办”改革", "开展涉企收费专项检查", "盘活存量低效用地"]
    assert [(s.number, s.title) for s in plan.sections if s.level == 1] == [("一", "优化营商环境"), ("二", "强化要素保障")]
    first = plan.tasks[0]
    assert [(u.name, u.role) for u in first.units] == [
        ("县政务服务局", Role.LEAD), ("县大数据中心", Role.COOPERATING), ("县司法局", Role.COOPERATING)]
    assert first.deadlines[0].date is not None and first.deadlines[0].date.isoformat() == "2024-06-30"
    assert "实现90%以上事项全程网办" in first.text  # the merged task cell gathers both measure rows
    assert [(u.name, u.role) for u in plan.tasks[2].units] == [("县自然资源局", Role.LEAD), ("各乡镇人民政府", Role.COOPERATING)]


def test_blank_unit_cell_of_a_new_group_is_not_filled_from_another_table_row() -> None:
    rows = [
        ["序号", "工作任务", "责任单位", "完成时间"],
        ["1", "建设智慧停车平台", "市城管局", "2023年9月底前"],
        ["2", "新增公共停车泊位2000个", "市城管局", "2023年底"],
    ]
    plan = extract(read_bytes(_table_docx(rows, before=["停车设施建设任务清单"]), "t.docx"))
    assert [t.title for t in plan.tasks] == ["建设智慧停车平台", "新增公共停车泊位2000个"]
    assert [d.date.isoformat() for t in plan.tasks for d in t.deadlines if d.date] == ["2023-09-30", "2023-12-31"]


# --- tables given as text: tab- and pipe-separated ----------------------------------------------------


def test_pipe_table_in_text() -> None:
    text = (
        "某区2023年城市更新重点任务清单\n"
        "| 序号 | 主要任务 | 责任单位 | 配合单位 | 完成时限 |\n"
        "|---|---|---|---|---|\n"
        "| 1 | 完成老旧小区改造30个 | 区住建局 | 各街道办事处 | 2023年底 |\n"
        "| 2 | 新建口袋公园5处 | 区园林中心 | 区财政局 | 2023年10月底前 |\n"
    )
    plan = extract(text)
    assert [t.title for t in plan.tasks] == ["完成老旧小区改造30个", "新建口袋公园5处"]
    assert [(u.name, u.role) for u in plan.tasks[0].units] == [("区住建局", Role.RESPONSIBLE), ("各街道办事处", Role.COOPERATING)]
    assert plan.tasks[1].deadlines[0].date is not None and plan.tasks[1].deadlines[0].date.isoformat() == "2023-10-31"
    assert [(t.value, t.unit) for t in plan.tasks[0].targets] == [(30, "个")]


def test_tab_table_without_number_column_and_repeated_header() -> None:
    text = (
        "2024年政务公开工作要点任务分解\n"
        "工作任务\t责任部门\t时间节点\n"
        "一、加强政策解读\t\t\n"
        "完善政策解读机制\t县政府办\t2024年3月底前\n"
        "工作任务\t责任部门\t时间节点\n"
        "推进基层政务公开标准化\t各乡镇\t2024年底\n"
    )
    plan = extract(text)
    assert [t.title for t in plan.tasks] == ["完善政策解读机制", "推进基层政务公开标准化"]
    assert [u.name for t in plan.tasks for u in t.units] == ["县政府办", "各乡镇"]


# --- automatic numbering ----------------------------------------------------------------------------


@pytest.mark.parametrize(("n", "text"), [(1, "一"), (10, "十"), (11, "十一"), (20, "二十"), (23, "二十三"), (100, "一百"), (105, "一百零五"), (110, "一百一十")])
def test_chinese_counting(n: int, text: str) -> None:
    assert chinese(n) == text


def _numbered_docx(paragraphs: list[tuple[str, int | None]], levels: list[tuple[str, str]], *, num_id: str = "7",
                   start_override: int | None = None, via_style: bool = False) -> bytes:
    document = docx.Document()
    numbering = document.part.numbering_part.element
    lvls = "".join(
        f'<w:lvl w:ilvl="{i}"><w:start w:val="1"/><w:numFmt w:val="{fmt}"/><w:lvlText w:val="{text}"/></w:lvl>'
        for i, (fmt, text) in enumerate(levels)
    )
    abstract = parse_xml(f'<w:abstractNum xmlns:w="{W_NS}" w:abstractNumId="77">{lvls}</w:abstractNum>')
    numbering.insert(0, abstract)
    override = (f'<w:lvlOverride w:ilvl="0"><w:startOverride w:val="{start_override}"/></w:lvlOverride>'
                if start_override else "")
    numbering.append(parse_xml(f'<w:num xmlns:w="{W_NS}" w:numId="{num_id}"><w:abstractNumId w:val="77"/>{override}</w:num>'))
    if via_style:
        styles = document.part.styles.element
        styles.append(parse_xml(
            f'<w:style xmlns:w="{W_NS}" w:type="paragraph" w:styleId="PlanHeading"><w:name w:val="Plan Heading"/>'
            f'<w:basedOn w:val="Heading1"/><w:pPr><w:numPr><w:numId w:val="{num_id}"/></w:numPr></w:pPr></w:style>'))
    for text, level in paragraphs:
        paragraph = document.add_paragraph(text)
        if level is None:
            continue
        ppr = paragraph._p.get_or_add_pPr()
        if via_style and level == 0:
            ppr.insert(0, parse_xml(f'<w:pStyle xmlns:w="{W_NS}" w:val="PlanHeading"/>'))
        else:
            ppr.append(parse_xml(f'<w:numPr xmlns:w="{W_NS}"><w:ilvl w:val="{level}"/><w:numId w:val="{num_id}"/></w:numPr>'))
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


_PLAN_LEVELS = [("chineseCounting", "%1、"), ("chineseCounting", "（%2）"), ("decimal", "%3."), ("decimalEnclosedCircle", "%4")]


def test_automatic_numbering_levels_and_restarts() -> None:
    data = _numbered_docx(
        [("关于印发某县2024年乡村振兴重点任务的通知", None), ("总体要求", 0), ("指导思想", 1), ("重点任务", 0),
         ("发展特色产业", 1), ("建设标准化基地", 2), ("推广良种", 2), ("改善人居环境", 1), ("整治村容村貌", 2),
         ("拆除危旧房", 3), ("保障措施", 0)],
        _PLAN_LEVELS,
    )
    lines = read_bytes(data, "n.docx").raw.split("\n")
    assert lines[1:] == ["一、总体要求", "（一）指导思想", "二、重点任务", "（一）发展特色产业", "1.建设标准化基地",
                         "2.推广良种", "（二）改善人居环境", "1.整治村容村貌", "①拆除危旧房", "三、保障措施"]


def test_automatic_numbering_from_style_and_start_override() -> None:
    data = _numbered_docx([("工作目标", 0), ("重点任务", 0), ("加强领导", 1)], _PLAN_LEVELS, via_style=True, start_override=3)
    assert read_bytes(data, "s.docx").raw.split("\n") == ["三、工作目标", "四、重点任务", "（一）加强领导"]


def test_bullets_and_unknown_lists_give_no_label() -> None:
    data = _numbered_docx([("要点一", 0), ("要点二", 0)], [("bullet", "•")])
    assert read_bytes(data, "b.docx").raw.split("\n") == ["要点一", "要点二"]


def test_numbered_plan_gives_sections_with_numbers() -> None:
    data = _numbered_docx(
        [("某县2024年乡村振兴重点任务实施方案", None), ("重点任务", 0), ("发展特色产业（县农业农村局牵头，2024年底前完成）", 1),
         ("改善人居环境（县住建局负责）", 1)],
        _PLAN_LEVELS,
    )
    plan = extract(read_bytes(data, "p.docx"))
    assert [(s.number, s.title[:6]) for s in plan.sections] == [("一", "重点任务"), ("一", "发展特色产业"), ("二", "改善人居环境")]
    assert [s.level for s in plan.sections] == [1, 2, 2]
    assert [[u.name for u in t.units] for t in plan.tasks] == [["县农业农村局"], ["县住建局"]]


def test_deleted_and_moved_away_text_is_not_read() -> None:
    document = docx.Document()
    p = document.add_paragraph("一、完成改造")
    p._p.append(parse_xml(f'<w:del xmlns:w="{W_NS}" w:id="1" w:author="a"><w:r><w:delText>50个</w:delText></w:r></w:del>'))
    p._p.append(parse_xml(f'<w:ins xmlns:w="{W_NS}" w:id="2" w:author="a"><w:r><w:t>60个</w:t></w:r></w:ins>'))
    p._p.append(parse_xml(f'<w:moveFrom xmlns:w="{W_NS}" w:id="3" w:author="a"><w:r><w:t>（旧位置）</w:t></w:r></w:moveFrom>'))
    p._p.append(parse_xml(f'<w:r xmlns:w="{W_NS}"><w:commentReference w:id="0"/></w:r>'))
    buffer = io.BytesIO()
    document.save(buffer)
    assert read_bytes(buffer.getvalue(), "d.docx").raw == "一、完成改造60个"


# --- bad packages: one line, exit 3, bounded memory ------------------------------------------------


def _cli(path: Path) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["extract", str(path)])
    return result.exit_code, result.stderr


def _sample_docx() -> bytes:
    return (FIXTURES / "002_6feac742dc1a93f6.docx").read_bytes()


def test_truncated_docx(tmp_path: Path) -> None:
    path = tmp_path / "cut.docx"
    path.write_bytes(_sample_docx()[: 9000])
    code, err = _cli(path)
    assert code == ExitCode.INPUT
    assert err.startswith(f"govplan: {path}: corrupt .docx") and err.count("\n") == 1


def test_damaged_part_in_docx(tmp_path: Path) -> None:
    data = bytearray(_sample_docx())
    with zipfile.ZipFile(io.BytesIO(bytes(data))) as z:
        info = z.getinfo("word/document.xml")
    start = info.header_offset + 30 + len(info.filename) + len(info.extra)
    for k in range(start + 50, start + 400):  # scramble compressed bytes of the main part
        data[k] ^= 0x5A
    path = tmp_path / "damaged.docx"
    path.write_bytes(bytes(data))
    code, err = _cli(path)
    assert code == ExitCode.INPUT
    assert "corrupt .docx" in err and err.count("\n") == 1


def _ole2(*streams: str) -> bytes:
    header = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 16 + struct.pack("<HH", 0x3E, 3) + b"\x00" * 478
    directory = b"".join(name.encode("utf-16-le").ljust(64, b"\x00") + b"\x00" * 64 for name in ("Root Entry", *streams))
    return header + directory + b"\x00" * 1024


def test_password_protected_docx(tmp_path: Path) -> None:
    path = tmp_path / "locked.docx"
    path.write_bytes(_ole2("EncryptionInfo", "EncryptedPackage"))
    code, err = _cli(path)
    assert code == ExitCode.INPUT
    assert "password-protected" in err and err.count("\n") == 1


def test_renamed_doc(tmp_path: Path) -> None:
    path = tmp_path / "old.docx"
    path.write_bytes(_ole2("WordDocument", "1Table"))
    code, err = _cli(path)
    assert code == ExitCode.INPUT
    assert ".doc" in err and "renamed" in err and err.count("\n") == 1


@pytest.fixture(scope="module")
def zip_bomb(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A .docx whose main part inflates to 160 MB of zeros from ~160 KB."""
    path = tmp_path_factory.mktemp("bomb") / "bomb.docx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>')
        with z.open("word/document.xml", "w", force_zip64=True) as part:
            chunk = b"\x00" * (1 << 20)
            for _ in range(160):
                part.write(chunk)
    assert path.stat().st_size < 2 * 1024 * 1024
    return path


def test_zip_bomb_is_refused_before_inflating(zip_bomb: Path) -> None:
    import resource

    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    with pytest.raises(InputError, match="zip bomb"):
        read(zip_bomb)
    grown_mb = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024
    assert grown_mb < 50
    code, err = _cli(zip_bomb)
    assert code == ExitCode.INPUT and "refused" in err and err.count("\n") == 1


def test_heading_styles_are_headings_without_numbers() -> None:
    document = docx.Document()
    document.add_paragraph("某区2024年城市管理工作方案")
    document.add_paragraph("为提升城市管理水平，制定本方案。")
    document.add_heading("总体要求", level=2)
    document.add_paragraph("坚持以人民为中心。")
    document.add_heading("重点任务", level=2)
    document.add_paragraph("（一）整治占道经营。由区城管局牵头，2024年6月底前完成。")
    document.add_paragraph("（二）提升道路保洁水平。责任单位：区环卫中心。")
    document.add_heading("保障措施", level=2)
    document.add_paragraph("加强组织领导。")
    buffer = io.BytesIO()
    document.save(buffer)
    doc = read_bytes(buffer.getvalue(), "styled.docx")
    assert doc.headings == ((2, 2), (4, 2), (7, 2))
    plan = extract(doc)
    assert [(s.level, s.number, s.title) for s in plan.sections][:3] == [(1, "", "总体要求"), (1, "", "重点任务"), (2, "一", "整治占道经营")]
    assert [t.title for t in plan.tasks] == ["整治占道经营", "提升道路保洁水平"]
    assert [t.section for t in plan.tasks] == ["重点任务/一", "重点任务/二"]
    assert [[u.name for u in t.units] for t in plan.tasks] == [["区城管局"], ["区环卫中心"]]


def test_heading_style_names_of_wps_and_outline_levels() -> None:
    from govplan.readers.numbering import Numbering

    numbering = Numbering(style_name={"a1": "标题 1", "b": "Heading 3", "c": "我的标题"}, style_base={"c": "a1"})

    def para(inner: str) -> object:
        return parse_xml(f'<w:p xmlns:w="{W_NS}"><w:pPr>{inner}</w:pPr></w:p>')

    assert numbering.heading_level(para('<w:pStyle w:val="a1"/>')) == 1
    assert numbering.heading_level(para('<w:pStyle w:val="b"/>')) == 3
    assert numbering.heading_level(para('<w:pStyle w:val="c"/>')) == 1  # based on 标题 1
    assert numbering.heading_level(para('<w:outlineLvl w:val="1"/>')) == 2
    assert numbering.heading_level(para('<w:outlineLvl w:val="9"/>')) is None  # body text
    assert numbering.heading_level(para("")) is None


SCORER = ROOT.parent / "shared" / "tools" / "score.py"


@pytest.mark.skipif(not SCORER.exists(), reason="../shared/tools/score.py not beside the repository")
@pytest.mark.parametrize("fixture", sorted(p.name for p in FIXTURES.glob("*.docx")))
def test_shared_scorer_gives_the_docx_the_score_of_its_txt(fixture: str) -> None:
    import importlib.util
    import json

    import yaml

    from govplan.export import render

    spec = importlib.util.spec_from_file_location("govplan_shared_score", SCORER)
    assert spec and spec.loader
    score = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(score)
    stem = fixture.split(".")[0]
    gold = yaml.safe_load((SCORER.parent.parent / "gold" / f"{stem}.gold.yaml").read_text(encoding="utf-8"))

    def scores(path: Path) -> dict[str, float]:
        pred = json.loads(render(extract(path), "json"))
        return {k: score.f1(*v) for k, v in score.score_doc(gold, pred).items() if k != "meta"}

    assert scores(FIXTURES / fixture) == scores(ROOT / "samples" / f"{stem}.txt")


def test_tab_table_number_cells_in_other_shapes_and_numbered_section_rows() -> None:
    text = (
        "某县2024年农村人居环境整治任务清单\n"
        "序号\t重点任务\t牵头单位\t完成时限\n"
        "一\t垃圾治理\t\t\n"
        "1.\t建设乡镇垃圾中转站3座\t县住建局\t2024年9月底前\n"
        "（2）\t推行垃圾分类\t县城管局\t年内\n"
        "二\t污水治理\t\t\n"
        "3、\t新建污水管网20公里\t县水利局\t2024年底\n"
    )
    plan = extract(text)
    assert [(s.number, s.title) for s in plan.sections if s.level == 1] == [("一", "垃圾治理"), ("二", "污水治理")]
    assert [(t.section, t.title) for t in plan.tasks] == [
        ("一/1", "建设乡镇垃圾中转站3座"), ("一/2", "推行垃圾分类"), ("二/3", "新建污水管网20公里")]
    assert [u.role for t in plan.tasks for u in t.units] == [Role.LEAD] * 3


def _repack(data: bytes, rename: dict[str, str] = {}, replace: dict[str, bytes] = {}) -> bytes:  # noqa: B006
    """``data`` (a .docx) with members renamed and contents replaced (names after renaming)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as old, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as new:
        for info in old.infolist():
            name = rename.get(info.filename, info.filename)
            new.writestr(name, replace.get(name, old.read(info.filename)))
    return out.getvalue()


def _styled_docx() -> bytes:
    document = docx.Document()
    document.add_paragraph("某县2025年工作要点")
    document.add_heading("重点任务", level=1)
    document.add_paragraph("（一）推进老旧小区改造。责任单位：县住建局。")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def test_main_part_is_found_through_the_package_relationships() -> None:
    """The main part is whatever _rels/.rels names as officeDocument (not always word/document.xml),
    and its styles part whatever that part's relationships name."""
    data = _styled_docx()
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        rels = z.read("_rels/.rels").replace(b"word/document.xml", b"word/main.xml")
        part_rels = z.read("word/_rels/document.xml.rels").replace(b'Target="styles.xml"', b'Target="../custom/s.xml"')
        assert part_rels != z.read("word/_rels/document.xml.rels")
    moved = _repack(
        data,
        rename={"word/document.xml": "word/main.xml", "word/_rels/document.xml.rels": "word/_rels/main.xml.rels",
                "word/styles.xml": "custom/s.xml"},
        replace={"_rels/.rels": rels, "word/_rels/main.xml.rels": part_rels},
    )
    assert read_bytes(moved, "moved.docx").raw == read_bytes(data, "plain.docx").raw
    assert read_bytes(moved, "moved.docx").headings == read_bytes(data, "plain.docx").headings == ((1, 1),)


def test_a_part_that_is_no_word_document_is_corrupt() -> None:
    data = _repack(_styled_docx(), replace={"word/document.xml": b"<?xml version='1.0'?><workbook/>"})
    with pytest.raises(InputError, match=r"corrupt \.docx: its main part"):
        read_bytes(data, "book.docx")


def test_styles_are_read_only_when_a_paragraph_names_a_style() -> None:
    """A body that names no style nor numbering never needs the styles part: a broken one does not
    matter then; once a paragraph names a style, it does."""
    plain = docx.Document()
    plain.add_paragraph("一、总体要求")
    buffer = io.BytesIO()
    plain.save(buffer)
    broken_styles = {"word/styles.xml": b"<w:styles"}
    assert read_bytes(_repack(buffer.getvalue(), replace=broken_styles), "plain.docx").raw == "一、总体要求"
    with pytest.raises(InputError, match=r"corrupt \.docx"):
        read_bytes(_repack(_styled_docx(), replace=broken_styles), "styled.docx")
