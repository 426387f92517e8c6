"""Task tables (govplan.table): category columns, per-column merged cells, flattened rows with
multi-unit cells and page marks, and where a table ends."""

from __future__ import annotations

from govplan import extract
from govplan.clean import clean
from govplan.document import CleanText
from govplan.models import Plan, Role
from govplan.readers import read_bytes
from govplan.ruleset import default_rules
from govplan.table import Table, find_table

L, R, C = Role.LEAD, Role.RESPONSIBLE, Role.COOPERATING


def _table(text: str) -> tuple[CleanText, Table]:
    ruleset = default_rules()
    cleaned = clean(read_bytes(text.encode("utf-8"), "t.txt"), ruleset)
    table = find_table(cleaned, 0, ruleset)
    assert table is not None
    return cleaned, table


def _rows(table: Table) -> list[tuple[str, str, list[tuple[Role, str]], str | None]]:
    return [
        (group.title, row.title, [(u.role, u.name) for u in row.units], row.deadline)
        for group in table.groups for row in group.rows
    ]


def _units(plan: Plan) -> dict[str, list[tuple[Role, str]]]:
    return {t.title: [(u.role, u.name) for u in t.units] for t in plan.tasks}


# --- category columns -------------------------------------------------------------------------------

CATEGORY_TSV = (
    "某区2024年城市更新工作方案\n"
    "序号\t重点领域\t主要任务\t牵头单位\t配合单位\t完成时限\n"
    "1\t老旧小区改造\t改造老旧小区12个\t区住建局\t各街道办事处\t2024年10月底前\n"
    "2\t老旧小区改造\t加装电梯30部\t区住建局\t区市场监管局\t2024年12月底前\n"
    "3\t街区更新\t打造特色街区2条\t区商务局\t区文旅局\t2024年9月底前\n"
    "4\t街区更新\t整治沿街立面3公里\t区城管局\t区住建局\t年底前\n"
)


def test_category_column_labels_groups_and_titles_come_from_the_task_column() -> None:
    _, table = _table(CATEGORY_TSV)
    assert [(g.number, g.title, g.category) for g in table.groups] == [
        ("", "老旧小区改造", True), ("", "街区更新", True)]
    assert [r[1] for r in _rows(table)] == ["改造老旧小区12个", "加装电梯30部", "打造特色街区2条", "整治沿街立面3公里"]
    plan = extract(CATEGORY_TSV)
    # an unnumbered category is a label, not a section: the rows keep their own numbers as paths
    assert [(t.section, t.title) for t in plan.tasks] == [
        ("1", "改造老旧小区12个"), ("2", "加装电梯30部"), ("3", "打造特色街区2条"), ("4", "整治沿街立面3公里")]
    assert all(s.title not in ("老旧小区改造", "街区更新") for s in plan.sections)
    assert _units(plan)["加装电梯30部"] == [(L, "区住建局"), (C, "区市场监管局")]


def test_numbered_category_opens_a_section_and_a_blank_category_cell_stays_in_its_group() -> None:
    text = (
        "某县2024年农业农村重点工作任务分工\n"
        "序号\t任务类别\t工作内容\t责任单位\t完成时间\n"
        "1\t一、粮食生产\t稳定粮食播种面积50万亩\t县农业农村局\t2024年6月底前\n"
        "2\t\t新建高标准农田2万亩\t县农业农村局\t2024年11月底前\n"
        "3\t二、乡村建设\t新改建农村公路40公里\t县交通运输局\t2024年10月底前\n"
    )
    plan = extract(text)
    assert [(s.number, s.title) for s in plan.sections if s.title in ("粮食生产", "乡村建设")] == [
        ("一", "粮食生产"), ("二", "乡村建设")]
    assert [(t.section, t.title) for t in plan.tasks] == [
        ("一/1", "稳定粮食播种面积50万亩"), ("一/2", "新建高标准农田2万亩"), ("二/3", "新改建农村公路40公里")]


HTML_ROWSPAN = """<html><body>
<p>某县2024年文化惠民工程实施方案</p>
<p>一、重点任务</p>
<table>
<tr><th>序号</th><th>任务类型</th><th>工作内容</th><th>牵头单位</th><th>配合单位</th><th>完成时限</th></tr>
<tr><td>1</td><td rowspan="2">阵地建设</td><td>新建村级文化服务中心10个</td><td rowspan="2">县文旅局</td><td>各乡镇人民政府</td><td>2024年9月底前</td></tr>
<tr><td>2</td><td>改造提升县图书馆分馆3个</td><td>县财政局</td><td rowspan="2">年底前</td></tr>
<tr><td>3</td><td>活动开展</td><td>开展送戏下乡演出120场</td><td>县文化馆</td><td>各乡镇人民政府</td></tr>
</table>
<p>二、保障措施</p>
<p>（一）加强经费保障。县财政局统筹安排专项资金。</p>
</body></html>"""


def test_html_rowspan_category_is_not_the_title_and_merged_cells_apply_across_categories() -> None:
    plan = extract(read_bytes(HTML_ROWSPAN.encode("utf-8"), "plan.html"))
    titles = [t.title for t in plan.tasks]
    assert titles == ["新建村级文化服务中心10个", "改造提升县图书馆分馆3个", "开展送戏下乡演出120场"]
    units = _units(plan)
    assert units["改造提升县图书馆分馆3个"] == [(L, "县文旅局"), (C, "县财政局")]  # 牵头单位 by rowspan
    # 年底前 spans rows 2–3, across the two categories
    assert [d.text for d in plan.tasks[2].deadlines] == ["年底前"]


# --- 主责单位 and merged cells a column at a time ----------------------------------------------------

BLANK_MERGED_TSV = (
    "某区2024年生态环境保护重点工作任务分工\n"
    "二、任务分工\n"
    "序号\t工作任务\t具体内容\t主责单位\t协办单位\t完成时间\n"
    "一、大气污染防治\t\t\t\t\t\n"
    "1\t推进工业企业治理\t完成企业超低排放改造3家\t区生态环境局\t区经信局、区发改局\t2024年10月底前\n"
    "2\t整治露天焚烧\t建立网格化巡查机制\t\t\t长期坚持\n"
    "3\t管控施工扬尘\t落实扬尘防治措施\t\t区住建局\t2024年6月底前\n"
    "4\t治理餐饮油烟\t开展餐饮油烟专项检查\t区城管局\t\t\n"
    "二、水污染防治\t\t\t\t\t\n"
    "5\t整治入河排污口\t完成排污口整治20个\t\t区水务局\t2024年9月底前\n"
    "6\t保障饮用水安全\t开展水源地排查整治\t区水务局\t—\t\n"
    "7\t提升污水收集能力\t新建污水管网10公里\t\t\t2024年12月底前\n"
    "\n"
    "三、工作要求\n"
    "（一）压实工作责任。各主责单位要制定具体工作方案。\n"
)


def test_blank_cells_are_carried_down_a_column_at_a_time_within_a_section() -> None:
    cleaned, table = _table(BLANK_MERGED_TSV)
    assert table.roles == [L, C]  # 主责单位 is the lead column (GUIDE: 牵头/主责 → lead)
    rows = {r[1]: (r[2], r[3]) for r in _rows(table)}
    assert rows["推进工业企业治理"] == ([(L, "区生态环境局"), (C, "区经信局"), (C, "区发改局")], "2024年10月底前")
    assert rows["整治露天焚烧"] == ([(L, "区生态环境局"), (C, "区经信局"), (C, "区发改局")], "长期坚持")
    # the lead is blank, the cooperating cell is not: only the lead is carried down
    assert rows["管控施工扬尘"] == ([(L, "区生态环境局"), (C, "区住建局")], "2024年6月底前")
    # the lead is written, the cooperating cell and the deadline are blank: both carried down
    assert rows["治理餐饮油烟"] == ([(L, "区城管局"), (C, "区住建局")], "2024年6月底前")
    # a section row stops the merge: nothing above row 5 in its section
    assert rows["整治入河排污口"] == ([(C, "区水务局")], "2024年9月底前")
    # a cell written "—" is not blank: no cooperating unit, and it ends the merge for the next row
    assert rows["保障饮用水安全"] == ([(L, "区水务局")], "2024年9月底前")
    assert rows["提升污水收集能力"] == ([(L, "区水务局")], "2024年12月底前")
    # the table ends with its last row; what follows is the body again
    assert cleaned.text[:table.end].endswith("2024年12月底前")
    assert cleaned.text[table.end:].lstrip().startswith("三、工作要求")


def test_a_blank_cooperating_cell_next_to_a_written_lead_in_a_resolved_table_stays_blank() -> None:
    # every row writes its lead (a Word or HTML table whose merges the reader already resolved):
    # a blank 配合单位 means no cooperating unit
    text = (
        "某县2024年优化营商环境任务清单\n"
        "序号\t重点任务\t牵头单位\t配合单位\t完成时限\n"
        "1\t推行企业开办一日办结\t县市场监管局\t县税务局、县公安局\t2024年6月底前\n"
        "2\t压减工程建设审批时间\t县住建局\t\t2024年9月底前\n"
    )
    _, table = _table(text)
    assert [r[2] for r in _rows(table)] == [
        [(L, "县市场监管局"), (C, "县税务局"), (C, "县公安局")], [(L, "县住建局")]]


# --- flattened tables --------------------------------------------------------------------------------

FLAT = """某市2025年数字政府建设攻坚行动方案
一、工作目标
全市政务服务事项网上可办率达到98%以上。
二、重点任务
具体任务见附件。
附件
某市2025年数字政府建设任务分解表
序号重点任务具体措施责任单位完成时限一、平台建设1建设一体化政务服务平台。1.完成市级平台升级改造。2.推动平台与省平台对接。市数据局、市政务服务中心9月份2推进电子证照应用。1.新增电子证照类型30类。市数据局第三季度3完善公共数据开放。1.开放公共数据集200个。2.每月更新一次开放目录。市数据局、国家金融监督管理总局某市分局12月31日前二、应用推广4推广“一网统管”。1.接入城市运行指标50项。市城市运行管理中心上半年完成5加强数字技能培
— 6 —
训。1.开展公务人员数字技能培训2000人次。市人社局、市数据局年底前
— 7 —
"""


def test_flattened_unit_cell_is_read_whole_up_to_the_completion_time() -> None:
    _, table = _table(FLAT)
    rows = _rows(table)
    assert [(r[1], r[3]) for r in rows] == [
        ("建设一体化政务服务平台", "9月份"),
        ("推进电子证照应用", "第三季度"),
        ("完善公共数据开放", "12月31日前"),
        ("推广“一网统管”", "上半年完成"),
        ("加强数字技能培训", "年底前"),  # the page mark inside the title is dropped
    ]
    units = {r[1]: [name for _, name in r[2]] for r in rows}
    assert units["建设一体化政务服务平台"] == ["市数据局", "市政务服务中心"]
    assert units["推进电子证照应用"] == ["市数据局"]  # its own cell, not the row above's
    assert units["完善公共数据开放"] == ["市数据局", "国家金融监督管理总局某市分局"]
    assert units["推广“一网统管”"] == ["市城市运行管理中心"]
    assert units["加强数字技能培训"] == ["市人社局", "市数据局"]
    assert all(not row.units_inherited for g in table.groups for row in g.rows)


def test_flattened_table_deadlines_and_end_in_the_plan() -> None:
    plan = extract(FLAT)
    dates = {t.title: [d.date.isoformat() for d in t.deadlines if d.date] for t in plan.tasks if t.section.count("/")}
    assert dates == {
        "建设一体化政务服务平台": ["2025-09-30"],
        "推进电子证照应用": ["2025-09-30"],
        "完善公共数据开放": ["2025-12-31"],
        "推广“一网统管”": ["2025-06-30"],
        "加强数字技能培训": ["2025-12-31"],
    }
    last = next(t for t in plan.tasks if t.title == "加强数字技能培训")
    assert "— 7 —" not in last.text and "— 6 —" not in last.text


def test_flattened_table_ends_before_the_heading_after_it() -> None:
    text = (
        "某区2024年城市管理重点任务清单\n"
        "序号主要任务具体措施责任单位完成时限\n"
        "1开展户外广告整治。1.拆除违规广告设施。区城管局2024年6月底前\n"
        "2提升道路保洁质量。1.主次干道机扫率达到90%以上。区环卫所2024年12月底前\n"
        "三、保障措施\n"
        "（一）加强组织领导。区政府办公室每月5日前通报进展。\n"
    )
    cleaned, table = _table(text)
    assert cleaned.text[:table.end].endswith("区环卫所2024年12月底前")
    assert cleaned.text[table.end:].lstrip().startswith("三、保障措施")
    last = table.groups[-1].rows[-1]
    assert last.end == table.end and last.deadline == "2024年12月底前"


def test_measure_words_of_time_inside_a_row_are_not_its_completion_time() -> None:
    # 每月 and 3月 stand inside the measure, followed by text: not the cell at the row's end
    text = (
        "某县2024年安全生产任务清单\n"
        "序号主要任务具体措施责任单位完成时限"
        "1开展隐患排查。1.每月开展一次排查，3月起实行台账管理。县安委办2024年11月底前"
        "2加强执法检查。1.检查企业不少于100家。县安委办、县市场监管局第四季度\n"
    )
    _, table = _table(text)
    assert [(r[1], r[3], [n for _, n in r[2]]) for r in _rows(table)] == [
        ("开展隐患排查", "2024年11月底前", ["县安委办"]),
        ("加强执法检查", "第四季度", ["县安委办", "县市场监管局"]),
    ]


def test_flattened_header_with_zhuze_column_gives_lead() -> None:
    text = (
        "某县2024年重点工作任务清单\n"
        "序号重点任务工作措施主责单位完成时限一、民生保障"
        "1新建养老服务中心。1.建成乡镇养老服务中心3个。县民政局2024年10月底前"
        "2改造农村危房。1.完成农村危房改造100户。县住建局2024年9月底前\n"
    )
    _, table = _table(text)
    assert table.roles == [L]
    assert [r[2] for r in _rows(table)] == [[(L, "县民政局")], [(L, "县住建局")]]


def test_rows_never_run_past_the_given_end() -> None:
    text = (
        "某县2024年重点工作任务清单\n"
        "序号\t重点任务\t责任单位\t完成时限\n"
        "1\t建设污水处理厂\t县住建局\t2024年10月底前\n"
        "2\t新建停车泊位500个\t县城管局\t2024年12月底前\n"
        "3\t开展道路改造\t县交通局\t2024年8月底前\n"
    )
    ruleset = default_rules()
    cleaned = clean(read_bytes(text.encode("utf-8"), "t.txt"), ruleset)
    third = cleaned.text.index("3\t开展")
    table = find_table(cleaned, 0, ruleset, end=third)
    assert table is not None
    assert [r[1] for r in _rows(table)] == ["建设污水处理厂", "新建停车泊位500个"]
    assert table.end <= third


def test_unit_cell_names_are_reused_only_for_the_cell_as_split() -> None:
    """A unit cell read after the measure's last sentence comes with its split_names (the names
    _add_units takes as they are), unless white space opens the cell: then none."""
    from govplan.table import _unit_cell
    from govplan.units import clean_name, split_names, unit_rules

    rules = unit_rules(default_rules())
    bare = "完善考核制度。市住房和城乡建设局、市 财政局"
    at, names = _unit_cell(bare, rules)
    assert at == bare.index("市住房")
    assert names == split_names(bare[at:], rules)
    assert [n for _, _, n in names] == [clean_name(bare[at:][a:b]) for a, b, _ in names] == ["市住房和城乡建设局", "市财政局"]
    spaced = "完善考核制度。 市住房和城乡建设局、市财政局"
    at, names = _unit_cell(spaced, rules)
    assert at == spaced.index("市住房") and names is None


def test_flattened_units_with_spaces_inside_a_name() -> None:
    text = (
        "某县2024年重点工作任务清单\n"
        "序号重点任务工作措施责任单位完成时限一、民生保障"
        "1新建养老服务中心。1.建成乡镇养老服务中心3个。县民 政局、县财政局2024年10月底前"
        "2改造农村危房。1.完成农村危房改造100户。县住建局2024年9月底前\n"
    )
    _, table = _table(text)
    assert [r[2] for r in _rows(table)] == [[(R, "县民政局"), (R, "县财政局")], [(R, "县住建局")]]
