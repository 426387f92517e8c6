"""tasks: which items of a small plan are tasks, and the units each carries (gold/GUIDE.md).

Each plan here is written for the test, the way an office elsewhere would write it, and goes
through the whole pipeline (``govplan.extract``).
"""

from __future__ import annotations

import pytest

import govplan
from govplan.models import Plan, Role

L, R, C = Role.LEAD, Role.RESPONSIBLE, Role.COOPERATING


def extract(text: str) -> Plan:
    return govplan.extract(text)


def tasks(plan: Plan) -> list[tuple[str, str]]:
    return [(t.section, t.title) for t in plan.tasks]


def units(plan: Plan, section: str) -> list[tuple[Role, str]]:
    (task,) = [t for t in plan.tasks if t.section == section]
    return [(u.role, u.name) for u in task.units]


def by_section(plan: Plan) -> dict[str, list[tuple[Role, str]]]:
    return {t.section: [(u.role, u.name) for u in t.units] for t in plan.tasks}


# --- working part vs the parts around it ----------------------------------------------------------

WORKING_PART = """安庆市2024年城区背街小巷环境整治工作方案

为持续改善城区人居环境，结合我市实际，制定本方案。
一、指导思想
坚持以人民为中心的发展思想，由市城管局牵头统筹推进背街小巷整治工作。
二、工作目标
到2024年底，完成城区120条背街小巷整治提升。
三、重点任务
（一）整治路面破损。对坑洼破损路面实施修补，2024年6月底前完成。（责任单位：市住建局、各区人民政府）
（二）规范停车秩序。合理施划停车泊位，严查乱停乱放。(牵头单位:市公安局交警支队;配合单位:市城管局)
（三）清理空中线缆。
对架空线缆进行梳理规整，消除安全隐患。
责任单位：市数据资源局
配合单位：电信公司、移动公司、联通公司
四、保障措施
（一）加强组织领导。成立工作专班，统筹推进整治工作。
（二）强化督查考核。将整治工作纳入年度目标考核，每月28日前报送进展。
五、实施步骤
（一）动员部署阶段（2024年3月）。
（二）集中整治阶段（2024年4月至10月）。
"""


def test_only_the_working_part_gives_tasks() -> None:
    plan = extract(WORKING_PART)
    assert tasks(plan) == [
        ("三/一", "整治路面破损"),
        ("三/二", "规范停车秩序"),
        ("三/三", "清理空中线缆"),
    ]
    assert by_section(plan) == {
        "三/一": [(R, "市住建局"), (R, "各区人民政府")],
        "三/二": [(L, "市公安局交警支队"), (C, "市城管局")],
        "三/三": [(R, "市数据资源局"), (C, "电信公司"), (C, "移动公司"), (C, "联通公司")],
    }


def test_canonical_names_from_the_alias_table() -> None:
    plan = extract(WORKING_PART)
    (task,) = [t for t in plan.tasks if t.section == "三/一"]
    assert [(u.name, u.canonical) for u in task.units] == [
        ("市住建局", "市住房和城乡建设局"),
        ("各区人民政府", "各区人民政府"),
    ]


# --- leaves vs groups; a clause written once for several items ------------------------------------

GROUPS = """南平市推进城市生活垃圾分类工作实施方案

一、总体要求
以习近平新时代中国特色社会主义思想为指导，全面推进生活垃圾分类。到2025年，城区生活垃圾回收利用率达到35%以上。
二、主要任务
（一）完善分类投放体系
1.合理设置投放点。按照“四分类”标准配置分类收集容器。
责任单位：各区人民政府
2.推行定时定点投放。在条件成熟的小区撤桶并点，实行定时定点投放。
责任单位：各区人民政府、市住建局
（二）健全分类收运体系（牵头单位：市城管局）
1.配齐分类运输车辆。按需配备厨余垃圾专用运输车辆。
2.规范收运作业。杜绝“混装混运”现象。
（三）加快处理设施建设
1.建设厨余垃圾处理厂。
2.推进焚烧发电项目。
责任单位：市城管局、市发改委
配合单位：市自然资源局
三、保障措施
（一）加强组织领导。各区要成立垃圾分类工作领导小组。
（二）强化宣传引导。组织开展垃圾分类进社区、进学校活动。（责任单位：市委宣传部、市教育局）
（三）加大资金投入。各级财政要安排专项资金。
"""


def test_leaves_are_tasks_and_group_clauses_are_copied() -> None:
    plan = extract(GROUPS)
    assert tasks(plan) == [
        ("二/一/1", "合理设置投放点"),
        ("二/一/2", "推行定时定点投放"),
        ("二/二/1", "配齐分类运输车辆"),
        ("二/二/2", "规范收运作业"),
        ("二/三/1", "建设厨余垃圾处理厂"),
        ("二/三/2", "推进焚烧发电项目"),
        ("三/二", "强化宣传引导"),  # outside the working part, but it carries a clause
    ]
    group_end = [(R, "市城管局"), (R, "市发改委"), (C, "市自然资源局")]
    assert by_section(plan) == {
        "二/一/1": [(R, "各区人民政府")],
        "二/一/2": [(R, "各区人民政府"), (R, "市住建局")],
        # the clause in the group heading governs both children
        "二/二/1": [(L, "市城管局")],
        "二/二/2": [(L, "市城管局")],
        # the clause printed once after the last item governs the earlier one too
        "二/三/1": group_end,
        "二/三/2": group_end,
        "三/二": [(R, "市委宣传部"), (R, "市教育局")],
    }


GROUP_OWN_CLAUSE = """漳州市龙文区创建国家卫生城区巩固提升工作方案

一、指导思想
坚持预防为主、综合治理，巩固国家卫生城区创建成果。
二、工作任务
（一）病媒生物防制（牵头单位：区卫健局）
1.开展鼠密度监测。春秋两季各开展一次集中灭鼠活动。（责任单位：区疾控中心）
2.清除蚊蝇孳生地。全面清理积水容器和卫生死角。（责任单位：各街道办事处）
（二）农贸市场整治
1.规范市场分区布局。（责任单位：区市场监管局）
2.完善市场基础设施。（责任单位：区商务局）
三、保障措施
（一）加强组织领导。
成立区巩卫工作指挥部，统筹推进巩卫工作。
牵头单位：区政府办
（二）强化资金保障。区财政要将巩卫经费列入年度预算。
"""


def test_group_with_its_own_clause_is_a_task_too() -> None:
    plan = extract(GROUP_OWN_CLAUSE)
    sections = [s for s, _ in tasks(plan)]
    assert sections == ["二/一", "二/一/1", "二/一/2", "二/二/1", "二/二/2", "三/一"]
    titles = dict(tasks(plan))
    assert titles["二/一"].startswith("病媒生物防制")
    assert titles["二/一/1"] == "开展鼠密度监测"
    assert titles["三/一"] == "加强组织领导"
    found = by_section(plan)
    assert found["二/一"] == [(L, "区卫健局")]
    assert [u for u in found["二/一/1"] if u[0] is R] == [(R, "区疾控中心")]
    assert [u for u in found["二/一/2"] if u[0] is R] == [(R, "各街道办事处")]
    assert found["二/二/1"] == [(R, "区市场监管局")]
    assert found["二/二/2"] == [(R, "区商务局")]
    assert found["三/一"] == [(L, "区政府办")]


# --- level-1 headings that are the tasks themselves ---------------------------------------------

KEY_POINTS = """2024年嘉兴市南湖区优化营商环境工作要点

一、提升政务服务效能。深化“一网通办”改革，推动高频事项“掌上办”“就近办”。（区行政审批局牵头，区大数据中心配合）
二、降低企业要素成本。落实减税降费政策，开展涉企收费专项检查。（区财政局、区税务局按职责分工负责）
三、强化市场监管服务。
推行包容审慎监管，建立轻微违法行为免罚清单。
牵头单位：区市场监管局
配合单位：区司法局
四、优化法治保障环境。
加强涉企案件府院联动，规范行政执法行为。
责任单位：区司法局、区法院
五、营造亲清政商关系。健全政企沟通机制，畅通诉求反映渠道。（由区工商联牵头，区委统战部配合）
"""


def test_level_one_headings_are_the_tasks() -> None:
    plan = extract(KEY_POINTS)
    assert tasks(plan) == [
        ("一", "提升政务服务效能"),
        ("二", "降低企业要素成本"),
        ("三", "强化市场监管服务"),
        ("四", "优化法治保障环境"),
        ("五", "营造亲清政商关系"),
    ]
    found = by_section(plan)
    assert found["一"] == [(L, "区行政审批局"), (C, "区大数据中心")]
    assert found["三"] == [(L, "区市场监管局"), (C, "区司法局")]
    assert found["四"] == [(R, "区司法局"), (R, "区法院")]


def test_key_points_two_responsible_units() -> None:
    assert units(extract(KEY_POINTS), "二") == [(R, "区财政局"), (R, "区税务局")]


def test_key_points_you_inside_brackets() -> None:
    assert units(extract(KEY_POINTS), "五") == [(L, "区工商联"), (C, "区委统战部")]


# --- headings that run into their text -----------------------------------------------------------

RUN_IN = """常德市鼎城区老旧小区改造提升工作方案
为改善老旧小区居住条件，结合我区实际，制定本方案。
一、基本原则。坚持居民自愿、政府引导，坚持因地制宜、分类施策。
（一）坚持居民自愿。改造内容由居民议定。
（二）坚持统筹推进。与城市更新同步谋划。
二、重点工作
（一）完善基础设施。改造供水、排水、供气等老化管网，2023年11月底前完成。（责任单位：区住房和城乡建设局）
（二）补齐服务短板。增设养老托育、便民商业等设施。（责任单位：区民政局、区商务局）
（三）健全管理机制。推动成立业主委员会，引入专业化物业服务。（责任单位：各街道办事处）
三、组织保障。区政府成立领导小组，区长任组长，各相关部门主要负责人为成员。
（一）强化资金保障。区财政统筹安排改造资金。
（二）强化督查考核。区督查室每季度通报进展情况。
"""


def test_headings_running_into_their_text() -> None:
    plan = extract(RUN_IN)
    assert tasks(plan) == [
        ("二/一", "完善基础设施"),
        ("二/二", "补齐服务短板"),
        ("二/三", "健全管理机制"),
    ]
    assert by_section(plan) == {
        "二/一": [(R, "区住房和城乡建设局")],
        "二/二": [(R, "区民政局"), (R, "区商务局")],
        "二/三": [(R, "各街道办事处")],
    }


# --- a cover notice, four levels, half-width markers, a 工作要求 part ----------------------------

NOTICE_AND_DEEP = """关于印发《绵阳市涪城区2023年城乡供水保障三年行动工作方案》的通知
各乡镇人民政府、街道办事处，区级各部门：
现将《绵阳市涪城区2023年城乡供水保障三年行动工作方案》印发给你们，请认真贯彻执行。
绵阳市涪城区人民政府办公室
2023年3月15日
绵阳市涪城区2023年城乡供水保障三年行动工作方案
一、工作目标
到2025年底，农村自来水普及率达到95%。
二、主要任务
(一)提升供水能力
1、新建水厂。在城北片区新建日供水能力5万吨水厂1座。
(1)开展项目前期工作，2023年9月底前完成可研批复。
(2)启动主体工程建设。
责任单位：区水务局
配合单位：区发展改革局、区财政局
2、改造老旧管网。改造城区老旧供水管网30公里。(责任单位：区水务集团)
(二)保障水质安全
1、加强水源保护。划定水源保护区并设立标志。(牵头部门：区生态环境分局；配合部门：各乡镇人民政府、各街道办事处)
2、强化水质检测。每季度开展一次水质全分析检测。(责任部门：区卫健局)
三、工作要求
各责任单位要明确专人负责，于每月25日前将工作进展报区水务局。
"""


def test_cover_notice_deep_outline_and_requirements() -> None:
    plan = extract(NOTICE_AND_DEEP)
    assert tasks(plan) == [
        ("二/一/1/1", "开展项目前期工作，2023年9月底前完成可研批复"),
        ("二/一/1/2", "启动主体工程建设"),
        ("二/一/2", "改造老旧管网"),
        ("二/二/1", "加强水源保护"),
        ("二/二/2", "强化水质检测"),
    ]
    water = [(R, "区水务局"), (C, "区发展改革局"), (C, "区财政局")]
    assert by_section(plan) == {
        "二/一/1/1": water,
        "二/一/1/2": water,
        "二/一/2": [(R, "区水务集团")],
        "二/二/1": [(L, "区生态环境分局"), (C, "各乡镇人民政府"), (C, "各街道办事处")],
        "二/二/2": [(R, "区卫健局")],
    }


# --- steps, requirements, a group clause in parentheses on its own line ---------------------------

STEPS = """咸宁市咸安区校园周边环境综合治理实施方案

一、总体目标
通过集中整治，校园周边治安、交通、卫生秩序明显好转。
二、主要措施
（一）净化校园周边治安环境
（1）开展校园周边治安巡逻，在上下学时段设置“护学岗”。
（2）排查整治校园周边出租屋、网吧等重点场所。
（责任单位：区公安分局；配合单位：各乡镇人民政府、各街道办事处）
（二）整治校园周边交通秩序
（1）规范接送学生车辆停放，施划临时停车区。（责任单位：区公安分局交警大队）
（2）完善学校周边交通标志标线。（责任单位：区交通运输局、区住建局）
三、实施步骤
（一）排查摸底（2024年3月1日至3月31日）。各乡镇、街道全面排查校园周边问题，建立问题台账。
（二）集中整治（2024年4月至8月）。
（三）总结验收（2024年9月）。
四、工作要求
（一）加强协调配合。各单位要强化协作，形成工作合力。
（二）严格督查问责。区教育局要会同区委督查室定期开展督查。（牵头单位：区教育局）
"""


def test_steps_are_not_tasks_a_requirement_with_a_clause_is() -> None:
    plan = extract(STEPS)
    assert tasks(plan) == [
        ("二/一/1", "开展校园周边治安巡逻，在上下学时段设置“护学岗”"),
        ("二/一/2", "排查整治校园周边出租屋、网吧等重点场所"),
        ("二/二/1", "规范接送学生车辆停放，施划临时停车区"),
        ("二/二/2", "完善学校周边交通标志标线"),
        ("四/二", "严格督查问责"),
    ]
    police = [(R, "区公安分局"), (C, "各乡镇人民政府"), (C, "各街道办事处")]
    assert by_section(plan) == {
        "二/一/1": police,
        "二/一/2": police,
        "二/二/1": [(R, "区公安分局交警大队")],
        "二/二/2": [(R, "区交通运输局"), (R, "区住建局")],
        "四/二": [(L, "区教育局")],
    }


def test_circled_number_items() -> None:
    plan = extract(
        "枣庄市薛城区河道清淤工作方案\n"
        "一、重点任务\n"
        "（一）开展河道清淤\n"
        "①清理河道垃圾和漂浮物。\n"
        "②疏浚淤积河段。\n"
        "责任单位：区水利局\n"
    )
    assert tasks(plan) == [("一/一/①", "清理河道垃圾和漂浮物"), ("一/一/②", "疏浚淤积河段")]
    assert by_section(plan) == {"一/一/①": [(R, "区水利局")], "一/一/②": [(R, "区水利局")]}


# --- a division-of-labour plan with clauses broken over lines ---------------------------------

DIVISION = """揭阳市榕城区2024年“百县千镇万村高质量发展工程”重点任务分工方案
一、壮大县域经济
（一）培育主导产业。聚焦纺织服装、五金不锈钢等产业集群，推动产业链延链补链强链。（牵头单位：区工业和信息化局；责任单位：
各镇人民政府、各街道办事处）
（二）优化营商环境。深化“放管服”改革，
压缩企业开办时间至1个工作日内。（区政务服务数据管理局牵头，区市场监督管理局配合）
二、推进强镇兴村
（三）建设美丽圩镇。
责任单位：各镇人民政府
1.开展圩镇人居环境整治，清理乱搭乱建。
2.完善圩镇污水收集管网。
3.推进圩镇道路“白改黑”。
（四）发展乡村特色产业。支持发展“一村一品”，培育农业龙头企业3家。
牵头单位：区农业农村局
配合单位：区供销社、区农商银行
"""


def test_division_plan_with_broken_clauses_and_group_clause_under_heading() -> None:
    plan = extract(DIVISION)
    assert tasks(plan) == [
        ("一/一", "培育主导产业"),
        ("一/二", "优化营商环境"),
        ("二/三/1", "开展圩镇人居环境整治，清理乱搭乱建"),
        ("二/三/2", "完善圩镇污水收集管网"),
        ("二/三/3", "推进圩镇道路“白改黑”"),
        ("二/四", "发展乡村特色产业"),
    ]
    towns = [(R, "各镇人民政府")]
    assert by_section(plan) == {
        "一/一": [(L, "区工业和信息化局"), (R, "各镇人民政府"), (R, "各街道办事处")],
        "一/二": [(L, "区政务服务数据管理局"), (C, "区市场监督管理局")],
        "二/三/1": towns,
        "二/三/2": towns,
        "二/三/3": towns,
        "二/四": [(L, "区农业农村局"), (C, "区供销社"), (C, "区农商银行")],
    }


# --- learned aliases across one plan ------------------------------------------------------------

LEARNED = """黄冈市黄州区2024年卫生健康重点工作安排

为全面推进健康黄州建设，现将2024年重点工作安排如下。
一、工作目标
全区居民健康素养水平提高到30%以上。
二、重点工作
（一）推进紧密型县域医共体建设。完善医共体内部管理制度，实现医保基金打包付费。（责任单位：区卫生健康局，配合单位：区医疗保障局）
（二）提升基层医疗服务能力。年内完成5个乡镇卫生院提档升级。（责任单位：区卫健局、区财政局）
（三）加强公共卫生体系建设。（责任单位：区疾病预防控制中心）
三、保障措施
（一）加强组织领导。各单位主要负责同志亲自抓。
（二）强化经费保障。区财政局（区卫健局）按规定安排经费。
"""


def test_learned_alias_gives_one_canonical_name() -> None:
    plan = extract(LEARNED)
    assert tasks(plan) == [
        ("二/一", "推进紧密型县域医共体建设"),
        ("二/二", "提升基层医疗服务能力"),
        ("二/三", "加强公共卫生体系建设"),
    ]
    canon = {(t.section, u.name): u.canonical for t in plan.tasks for u in t.units}
    assert canon[("二/一", "区卫生健康局")] == "区卫生健康局"
    assert canon[("二/二", "区卫健局")] == "区卫生健康局"
    assert canon[("二/二", "区财政局")] == "区财政局"
    assert canon[("二/三", "区疾病预防控制中心")] == "区疾病预防控制中心"


# --- a 职责分工 part whose headings are unit names ----------------------------------------------

DUTIES = """关于开展2023年城市道路交通秩序综合治理行动的工作方案

为进一步改善我县道路交通秩序，特制定本方案。
一、工作目标
全县交通事故起数同比下降10%。
二、职责分工
（一）县公安局
1.负责牵头组织综合治理行动，依法查处各类交通违法行为。
2.负责重点路段警力部署和交通疏导。
（二）县交通运输局
1.负责客运车辆和运输企业的源头监管。
2.负责农村公路安全隐患排查整治。
（三）县教育局
负责校园周边交通安全宣传教育。
三、工作要求
各单位要于每月5日前报送工作进展情况。
"""


def test_duty_items_are_tasks() -> None:
    plan = extract(DUTIES)
    assert tasks(plan) == [
        ("二/一/1", "负责牵头组织综合治理行动，依法查处各类交通违法行为"),
        ("二/一/2", "负责重点路段警力部署和交通疏导"),
        ("二/二/1", "负责客运车辆和运输企业的源头监管"),
        ("二/二/2", "负责农村公路安全隐患排查整治"),
        ("二/三", "县教育局"),
    ]


def test_duty_items_carry_the_heading_unit() -> None:
    assert by_section(extract(DUTIES)) == {
        "二/一/1": [(R, "县公安局")],
        "二/一/2": [(R, "县公安局")],
        "二/二/1": [(R, "县交通运输局")],
        "二/二/2": [(R, "县交通运输局")],
        "二/三": [(R, "县教育局")],
    }


# --- task tables flattened to text ----------------------------------------------------------------

TABLE_LINES = """泸州市江阳区2023年城市管理重点任务清单

序号主要任务具体措施责任单位完成时限
一、市容环境提升
1开展户外广告专项整治。1.全面排查辖区户外广告设施，建立台账。2.依法拆除违规设置的大型户外广告。区城管执法局2023年6月底前
2规范临街商铺经营秩序。1.开展“门前三包”责任制落实情况检查。2.查处占道经营、店外经营行为。
3提升道路清扫保洁质量。1.推行机械化清扫作业，主次干道机扫率达到90%以上。区环卫所2023年12月底前
二、基础设施完善
4实施排水管网改造。1.改造雨污合流管网15公里。区住房城乡建设局2023年10月底前
5推进公厕提质改造。1.新建改建公厕20座。2.落实公厕保洁管理制度。区环卫所、各街道办事处2023年9月底前
"""


def test_flattened_table_rows_and_merged_cells() -> None:
    plan = extract(TABLE_LINES)
    assert tasks(plan) == [
        ("一/1", "开展户外广告专项整治"),
        ("一/2", "规范临街商铺经营秩序"),
        ("一/3", "提升道路清扫保洁质量"),
        ("二/4", "实施排水管网改造"),
        ("二/5", "推进公厕提质改造"),
    ]
    assert by_section(plan) == {
        "一/1": [(R, "区城管执法局")],
        "一/2": [(R, "区城管执法局")],  # merged cell: written once for rows 1–2
        "一/3": [(R, "区环卫所")],
        "二/4": [(R, "区住房城乡建设局")],
        "二/5": [(R, "区环卫所"), (R, "各街道办事处")],
    }
    # measures are part of their row, not tasks of their own
    (row,) = [t for t in plan.tasks if t.section == "一/1"]
    assert "依法拆除违规设置的大型户外广告" in row.text


TABLE_ONE_LINE = (
    "2024年芜湖市镜湖区一刻钟便民生活圈建设任务清单\n"
    "序号重点任务工作措施牵头单位完成时间一、便民商业网点布局1新建社区便民菜店，满足居民日常采买需求。"
    "1.摸排社区菜店分布情况，形成网点清单。2.引导连锁企业进社区开设菜店。区商务局2024年6月底前"
    "2推动早餐店规范化建设。1.培育一批品牌早餐示范店。3发展社区养老服务。1.建设社区嵌入式养老服务站5个。"
    "2.开展助餐服务。区民政局2024年12月底前二、公共服务设施补短板4改造提升社区卫生服务站。1.完善基本诊疗设备配置。"
    "区卫健委2024年9月底前5建设口袋公园。1.利用边角地建设口袋公园8个。区城管局、区住建局2024年10月底前\n"
)


def test_table_glued_on_one_line_with_lead_column() -> None:
    plan = extract(TABLE_ONE_LINE)
    assert tasks(plan) == [
        ("一/1", "新建社区便民菜店，满足居民日常采买需求"),
        ("一/2", "推动早餐店规范化建设"),
        ("一/3", "发展社区养老服务"),
        ("二/4", "改造提升社区卫生服务站"),
        ("二/5", "建设口袋公园"),
    ]
    assert by_section(plan) == {
        "一/1": [(L, "区商务局")],
        "一/2": [(L, "区商务局")],
        "一/3": [(L, "区民政局")],
        "二/4": [(L, "区卫健委")],
        "二/5": [(L, "区城管局"), (L, "区住建局")],
    }


def test_table_deadline_month_is_not_a_row_number() -> None:
    plan = extract(
        "2024年池州市贵池区道路交通安全整治任务清单\n"
        "序号主要任务具体措施责任单位完成时限1整治重点车辆。1.开展货车超限超载治理。区交通运输局2024年5月底前"
        "2排查道路隐患。1.整改临水临崖路段。区公路中心2024年3月底前\n"
    )
    assert tasks(plan) == [("1", "整治重点车辆"), ("2", "排查道路隐患")]
    assert by_section(plan) == {"1": [(R, "区交通运输局")], "2": [(R, "区公路中心")]}


def test_tab_separated_table_rows() -> None:
    plan = extract(
        "宿州市埇桥区2023年城市管理领域重点工作任务清单\n"
        "序号\t重点任务\t具体措施\t责任单位\t完成时限\n"
        "1\t开展违法建设治理\t拆除存量违法建设2万平方米\t区城管局\t2023年11月底前\n"
        "2\t整治渣土车违规运输\t开展联合执法检查\t区公安分局、区城管局\t2023年8月底前\n"
        "3\t推进停车设施建设\t新增公共停车泊位1500个\t区住建局\t2023年12月底前\n"
    )
    assert tasks(plan) == [("1", "开展违法建设治理"), ("2", "整治渣土车违规运输"), ("3", "推进停车设施建设")]
    assert by_section(plan) == {
        "1": [(R, "区城管局")],
        "2": [(R, "区公安分局"), (R, "区城管局")],
        "3": [(R, "区住建局")],
    }


# --- documents that are not plans -----------------------------------------------------------------

REGULATION = """鹰潭市城市绿化管理条例

第一章 总则
第一条 为了促进城市绿化事业发展，改善生态环境，根据有关法律、法规，结合本市实际，制定本条例。
第二条 本条例适用于本市城市规划区内的绿化规划、建设、保护和管理。
第三条 市人民政府城市绿化行政主管部门负责全市城市绿化工作。
第二章 规划与建设
第四条 城市绿化规划由市自然资源主管部门会同市城市绿化行政主管部门编制。
第五条 新建居住区绿地率不得低于百分之三十。
第三章 法律责任
第六条 违反本条例规定，擅自砍伐城市树木的，由城市绿化行政主管部门责令停止侵害，并处罚款。
第七条 本条例自2024年3月1日起施行。
"""

NEWS = """我市召开城市更新工作推进会

6月12日下午，市政府召开城市更新工作推进会，副市长王某出席会议并讲话。
会议指出，今年以来，全市各级各部门坚持高位推动，城市更新工作取得阶段性成效，累计完成老旧小区改造46个。
会议强调，一是要提高政治站位，切实增强做好城市更新工作的责任感。二是要聚焦重点难点，加快推进项目建设。三是要强化协调配合，市住建局要加强统筹调度，各区要压实属地责任。
市发改委、市财政局、市自然资源局等部门负责同志参加会议。
（来源：市融媒体中心 责任编辑：张三）
"""

INTERPRETATION = """《岳阳市推进城乡环境综合整治实施方案》政策解读

一、出台背景
为深入贯彻省委、省政府关于城乡环境整治的决策部署，市政府办公室印发了《岳阳市推进城乡环境综合整治实施方案》。
二、主要内容
《方案》明确了三个方面重点任务：一是整治农村人居环境；二是提升城市市容市貌；三是完善长效管护机制。
三、责任分工
《方案》明确由市住建局牵头，各县市区人民政府负责具体落实。
四、解读机关及联系方式
解读机关：岳阳市住房和城乡建设局
联系电话：0730-8888888
"""


@pytest.mark.parametrize(
    "text",
    [
        pytest.param(REGULATION, id="regulation"),
        pytest.param(NEWS, id="news"),
        pytest.param(INTERPRETATION, id="policy-interpretation"),
    ],
)
def test_not_a_plan_has_no_tasks(text: str) -> None:
    assert extract(text).tasks == []


def test_regulation_is_read_as_chapters_and_articles() -> None:
    plan = extract(REGULATION)
    assert [s.path for s in plan.sections][:3] == ["第一章", "第一章/第一条", "第一章/第二条"]


def test_closing_signature_is_not_part_of_the_last_task() -> None:
    text = (
        "某县2024年农业农村工作要点\n"
        "一、重点任务\n"
        "（一）稳定粮食生产。全年粮食播种面积稳定在50万亩以上。（牵头单位：县农业农村局）\n"
        "（二）推进高标准农田建设。新建高标准农田2万亩。（牵头单位：县农业农村局；配合单位：县财政局）\n"
        "\n"
        "某县农业农村局\n"
        "2024年3月1日\n"
    )
    plan = extract(text)
    last = plan.tasks[-1]
    assert last.title == "推进高标准农田建设"
    assert "2024年3月1日" not in last.text and "某县农业农村局" not in last.text
    assert all(d.text != "2024年3月1日" for t in plan.tasks for d in t.deadlines)
    assert plan.meta.date is not None and plan.meta.date.isoformat() == "2024-03-01"


def test_bound_targets_outside_tasks_count_but_facts_do_not() -> None:
    text = (
        "某市2024年住房保障工作方案\n"
        "一、基本情况\n"
        "2023年全市保障性住房覆盖率达到30%以上，建成公租房5000套。\n"
        "二、重点任务\n"
        "（一）筹集保障性租赁住房。新筹集保障性租赁住房3000套。（责任单位：市住建局）\n"
        "三、保障措施\n"
        "（一）加强资金保障。市级财政投入不低于2亿元，并安排专项资金1000万元。\n"
    )
    plan = extract(text)
    values = [(t.value, t.unit, t.comparator.value) for t in plan.targets]
    assert (3000, "套", "=") in values
    assert (200000000, "元", ">=") in values  # a bound in 保障措施 is a commitment
    assert (10000000, "元", "=") not in values  # a plain amount outside tasks and 目标 sections is not
    assert all(v[0] not in (30, 5000) for v in values)  # 基本情况 states facts


MIXED_GROUP = """某市2024年数字政府建设工作方案
一、重点任务
（一）夯实基础支撑（牵头单位：市数据局；配合单位：市通信管理办）
1.建设政务云平台。完成存量系统迁移评估。
2.完善电子政务外网。年底前新增接入单位120个。
3.推进公共数据共享。责任单位：各县（市、区）政府。
（二）提升政务服务效能（市政务服务中心牵头，市直各部门按职责分工负责）
1.深化“一网通办”改革。上半年完成事项要素统一规范。
2.推进“高效办成一件事”。配合单位：市发改委、市人社局。
"""


def test_group_clause_in_the_title_governs_every_item_and_leaves_the_title() -> None:
    plan = extract(MIXED_GROUP)
    titles = {s.path: s.title for s in plan.sections}
    assert titles["一/一"] == "夯实基础支撑"
    assert titles["一/二"] == "提升政务服务效能"
    assert [s for s, _ in tasks(plan)] == ["一/一/1", "一/一/2", "一/一/3", "一/二/1", "一/二/2"]
    found = by_section(plan)
    group = [(L, "市数据局"), (C, "市通信管理办")]
    assert found["一/一/1"] == group
    assert found["一/一/3"] == [(R, "各县（市、区）政府"), *group]  # its own clause, then the group's
    assert (L, "市政务服务中心") in found["一/二/2"] and (C, "市发改委") in found["一/二/2"]


def test_outline_goes_on_after_a_task_table() -> None:
    text = (
        "某区2024年生态环境保护重点工作任务分工\n"
        "一、工作目标\n"
        "全区空气质量优良天数比例达到85%以上。\n"
        "二、任务分工\n"
        "序号\t工作任务\t主责单位\t协办单位\t完成时间\n"
        "1\t推进工业企业深度治理\t区生态环境分局\t区工信局\t2024年10月底前\n"
        "2\t加强扬尘污染管控\t区住建局\t区城管局\t长期坚持\n"
        "三、工作要求\n"
        "（一）压实工作责任。各主责单位要制定具体工作方案。\n"
        "（二）加强调度通报。区生态环境分局每季度通报进展。\n"
    )
    plan = extract(text)
    assert [(s.path, s.title) for s in plan.sections] == [
        ("一", "工作目标"), ("二", "任务分工"), ("二/1", "推进工业企业深度治理"), ("二/2", "加强扬尘污染管控"),
        ("三", "工作要求"), ("三/一", "压实工作责任"), ("三/二", "加强调度通报")]
    assert [s.id for s in plan.sections] == [f"s{n}" for n in range(1, 8)]
    assert [t.title for t in plan.tasks] == ["推进工业企业深度治理", "加强扬尘污染管控"]  # not 任务分工 itself


def test_a_table_in_an_annex_starts_its_own_outline() -> None:
    text = (
        "某县2024年优化营商环境工作方案\n"
        "一、总体要求\n"
        "持续优化营商环境。\n"
        "二、保障措施\n"
        "（一）加强组织领导。县营商办统筹推进。\n"
        "附件：某县2024年优化营商环境重点任务分解表\n"
        "序号\t重点任务\t牵头单位\t完成时限\n"
        "一、政务服务\t\t\t\n"
        "1\t推行高频事项一件事一次办\t县政务服务中心\t2024年9月底前\n"
        "2\t推进政务服务跨域通办\t县政务服务中心\t2024年底\n"
    )
    plan = extract(text)
    table_sections = [(s.level, s.path, s.title) for s in plan.sections if s.span[0] > text.index("附件")]
    assert table_sections == [(1, "一", "政务服务"), (2, "一/1", "推行高频事项一件事一次办"), (2, "一/2", "推进政务服务跨域通办")]


def test_a_closing_paragraph_after_the_last_item_belongs_to_no_task() -> None:
    text = (
        "某市2024年教育工作要点\n"
        "一、重点工作\n"
        "（一）推进集团化办学。新组建教育集团5个。（牵头单位：市教育局）\n"
        "（二）做好招生考试工作。确保考试安全平稳。（牵头单位：市招生考试院）\n"
        "各县（市、区）教育局要结合实际细化措施，于3月15日前将工作计划报送市教育局办公室。\n"
    )
    plan = extract(text)
    last = plan.tasks[-1]
    assert last.title == "做好招生考试工作"
    assert last.deadlines == [] and "3月15日" not in last.text


UNNUMBERED = """某县2024年农村人居环境整治工作方案
一、工作目标
年底前农村卫生厕所普及率达到90%以上。
二、重点任务
推进农村厕所革命
新建改造农村户厕1200座，完善后续管护机制。（牵头单位：县农业农村局；配合单位：县卫健委）
加强生活污水治理
推进乡镇污水处理设施提标改造，2024年9月底前完成。（责任单位：县生态环境分局）
提升村容村貌
开展村庄清洁行动，清理乱堆乱放。（责任单位：各乡镇人民政府）
"""


def test_items_that_lost_their_numbers_are_tasks() -> None:
    plan = extract(UNNUMBERED)
    assert [(t.section, t.title) for t in plan.tasks] == [
        ("二", "推进农村厕所革命"), ("二", "加强生活污水治理"), ("二", "提升村容村貌")]
    found = by_section(plan)
    assert [[(u.role, u.name) for u in t.units] for t in plan.tasks] == [
        [(L, "县农业农村局"), (C, "县卫健委")], [(R, "县生态环境分局")], [(R, "各乡镇人民政府")]]
    assert found  # the section itself is no task
    assert [d.date.isoformat() for d in plan.tasks[1].deadlines if d.date] == ["2024-09-30"]


def test_a_section_of_plain_paragraphs_stays_one_task() -> None:
    text = (
        "某县2024年安全生产工作要点\n"
        "一、重点任务\n"
        "全面排查整治重大事故隐患，落实企业主体责任。（责任单位：县应急管理局）\n"
        "强化执法检查，严厉打击非法违法行为。\n"
    )
    plan = extract(text)
    assert [t.title for t in plan.tasks] == ["重点任务"]


def test_tasks_survive_validation_unchanged() -> None:
    """The task stage builds its models without validating them: every value must already be of
    its declared type, so validating the dumped plan gives the same plan, field for field."""
    from govplan.models import Section, Task, UnitRef

    for text in (TABLE_LINES, UNNUMBERED, WORKING_PART):
        plan = extract(text)
        assert plan.tasks and any(t.units for t in plan.tasks)
        assert Plan.model_validate(plan.model_dump()) == plan
        for task in plan.tasks:
            assert type(task) is Task and task.model_fields_set == set(Task.model_fields)
            assert type(task.span) is tuple and all(type(x) is int for x in task.span)
            for unit in task.units:
                assert type(unit) is UnitRef and unit.model_fields_set == set(UnitRef.model_fields)
                assert type(unit.role) is Role and type(unit.span) is tuple
        assert all(type(s) is Section and type(s.span) is tuple for s in plan.sections)
