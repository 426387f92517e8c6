"""govplan diff: alignment, per-task changes, renderers, the CLI, and two real revisions checked by hand.

The property tests build plans from a pool of realistic tasks, mutate one thing (drop, add, move,
retitle a task; change a unit, a deadline, a target) and assert the diff reports exactly that.
"""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from functools import cache
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import govplan
from govplan.cli import main
from govplan.diff import (
    ChangeKind,
    MatchKind,
    PlanDiff,
    assignment,
    diff_plans,
    load_plan,
    render_json,
    render_markdown,
    render_terminal,
    restrict,
    unit_keys,
)
from govplan.models import (
    Comparator,
    Deadline,
    DeadlineKind,
    Meta,
    Plan,
    Role,
    Section,
    Source,
    Target,
    Task,
    UnitRef,
)

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = sorted((ROOT / "samples").glob("*.txt"))
PLAN_2022 = ROOT / "samples" / "000_827dc12619368c5f.txt"  # 城市颜值圈 work plan, 2022
PLAN_2021 = ROOT / "samples" / "001_7f1fd31981bc28f0.txt"  # refined-management task plan, 2021
LIST_2023 = ROOT / "samples" / "004_8aeef2efaded7953.txt"  # 2023 task list, 城市颜值圈 is part 七


@cache
def extracted(path: Path) -> Plan:
    return govplan.extract(path)


def kinds(result: PlanDiff) -> set[tuple[str, ChangeKind]]:
    return {(d.old[0].id, c.kind) for d in result.tasks for c in d.changes}


def pairs(result: PlanDiff) -> dict[str, list[str]]:
    """old title → new titles, for every match."""
    return {" + ".join(r.title for r in d.old): [r.title for r in d.new] for d in result.tasks}


# --- synthetic plans ------------------------------------------------------------------------

# (title, a reworded title, body): distinct subjects, as a plan of the genre words them
POOL = [
    ("推进老旧小区改造", "加快老旧小区综合改造", "完成老旧小区水电气暖管网更新，同步加装电梯和无障碍坡道"),
    ("做好生活垃圾分类", "全面推行生活垃圾分类", "在居民小区设置分类投放点，配齐厨余垃圾收运车辆"),
    ("治理交通拥堵", "缓解城市交通拥堵", "优化公交线网和信号配时，打通断头路，增设潮汐车道"),
    ("加强养犬管理", "规范文明养犬管理", "开展犬只登记免疫，整治遛狗不牵绳和犬只扰民行为"),
    ("提升园林绿化水平", "提升公园绿地品质", "新建口袋公园，补植行道树，修复破损草坪和花坛"),
    ("整治违法建设", "开展违建专项整治", "拆除楼顶私搭乱建和侵占绿地的彩钢房，建立巡查台账"),
    ("规范共享单车停放", "加强共享单车停放管理", "划定电子围栏停放点位，督促运营企业及时调度清运"),
    ("加强燃气安全监管", "强化城镇燃气安全", "排查餐饮场所燃气管道和报警装置，更换老化胶管"),
    ("完善网格化管理", "深化城市网格治理", "划分网格单元，配备专职网格员，推动多网融合"),
    ("推进智慧城管平台建设", "建设城市运行管理服务平台", "接入视频监控和物联感知设备，实现案件自动派遣"),
    ("加强殡葬管理", "推进殡葬移风易俗", "劝导小区内搭设灵棚和焚烧祭品，倡导文明治丧"),
    ("提升供热服务质量", "改善冬季供热服务", "检修换热站和入户管道，开通供热投诉热线限时答复"),
    ("治理户外广告牌匾", "规范户外广告设置", "拆除破损和违规设置的广告牌，统一沿街店招样式"),
    ("开展水环境治理", "推进黑臭水体治理", "建设雨污分流管网，清淤疏浚排水沟渠，建设海绵设施"),
    ("加强建筑工地扬尘管控", "严控施工扬尘污染", "工地围挡全覆盖，出入车辆冲洗，裸土苫盖到位"),
    ("规范农贸市场秩序", "提升农贸市场管理", "改造市场排水和照明设施，取缔周边马路市场"),
    ("推进公厕提档升级", "改造提升城市公厕", "新建环保公厕，为旧公厕加装供暖和第三卫生间"),
    ("加强历史建筑保护", "保护历史文化街区", "开展历史建筑普查认定，挂牌保护并编制修缮方案"),
    ("推动物业管理规范化", "提升住宅物业服务", "成立业主委员会，公开物业收费标准和维修资金使用"),
    ("提高道路机械化清扫率", "推进道路机械化作业", "购置洗扫车和洒水车，主次干道实行夜间机械化清扫"),
    ("加强停车场建设管理", "缓解停车难问题", "利用边角地建设立体停车场，推行错时共享停车"),
    ("开展城市体检评估", "建立城市体检机制", "采集住房、交通、生态等指标数据，形成体检报告和整改清单"),
]
UNITS = ["市城市管理综合执法局", "市住房和城乡建设局", "市公安局", "市交通运输局", "市自然资源局",
         "市生态环境局", "市民政局", "市市场监督管理局", "市应急管理局", "各区人民政府"]
SECTION_TITLES = ["舒适安居", "出行畅通", "市容整洁", "生态宜居", "智慧高效"]
INDICATORS = ["完成率", "覆盖率", "达标率", "满意度", "知晓率"]
NUMERALS = "一二三四五六七八九十"


def make_task(index: int, spec: dict, section: str) -> Task:
    """A task whose text carries its units, deadline and target the way a plan prints them."""
    title = spec["title"]
    parts = [spec["body"]]
    deadlines, targets = [], []
    if spec.get("deadline"):
        end = spec["deadline"]
        deadline_text = f"{end.year}年{end.month}月底前"
        parts.append(f"，{deadline_text}完成")
        deadlines.append(Deadline(text=deadline_text, date=end, kind=DeadlineKind.DATE, span=(0, 1)))
    if spec.get("target"):
        indicator, value = spec["target"]
        target_text = f"{indicator}达到{value}%以上"
        parts.append(f"，{target_text}")
        targets.append(Target(text=target_text, indicator=indicator, comparator=Comparator.GE, value=value,
                              unit="%", span=(0, 1), task=f"t{index}"))
    responsible = [u for u, role in spec["units"] if role == Role.RESPONSIBLE]
    cooperating = [u for u, role in spec["units"] if role == Role.COOPERATING]
    clause = f"责任单位：{'、'.join(responsible)}"
    if cooperating:
        clause += f"，配合单位：{'、'.join(cooperating)}"
    text = "".join(parts) + f"。（{clause}）"
    units = [UnitRef(name=u, canonical=u, role=role, span=(0, 1)) for u, role in spec["units"]]
    return Task(id=f"t{index}", section=section, title=title, text=text, units=units, deadlines=deadlines,
                targets=targets, line=index + 10, span=(0, 1))


def make_plan(layout: list[tuple[str, list[dict]]]) -> Plan:
    """A plan from [(section title, [task spec …]) …], sections 二/一, 二/二 … under 二、重点任务."""
    sections = [Section(id="s1", level=1, number="二", title="重点任务", path="二", line=1, span=(0, 1))]
    tasks = []
    for k, (title, specs) in enumerate(layout):
        path = f"二/{NUMERALS[k]}"
        sections.append(Section(id=f"s{k + 2}", level=2, number=NUMERALS[k], title=title, path=path,
                                line=k + 2, span=(0, 1)))
        for spec in specs:
            tasks.append(make_task(len(tasks) + 1, spec, path))
    source = Source(path="plan.txt", format="txt", encoding="utf-8", sha256="0" * 64, chars=1)
    return Plan(source=source, meta=Meta(title="某市城市精细化管理工作方案", date=dt.date(2023, 3, 1)),
                sections=sections, tasks=tasks)


@st.composite
def layouts(draw: st.DrawFn) -> list[tuple[str, list[dict]]]:
    count = draw(st.integers(min_value=4, max_value=9))
    chosen = draw(st.lists(st.integers(0, len(POOL) - 1), min_size=count, max_size=count, unique=True))
    specs = []
    for i in chosen:
        title, alt, body = POOL[i]
        units = draw(st.lists(st.sampled_from(UNITS), min_size=1, max_size=3, unique=True))
        roles = [Role.RESPONSIBLE] + [draw(st.sampled_from([Role.RESPONSIBLE, Role.COOPERATING])) for _ in units[1:]]
        deadline = draw(st.none() | st.dates(dt.date(2023, 1, 1), dt.date(2025, 12, 1)))
        if deadline is not None:  # an end of month, as 6月底前 means
            deadline = (deadline.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1)
        target = draw(st.none() | st.tuples(st.sampled_from(INDICATORS), st.integers(10, 95)))
        specs.append({"pool": i, "title": title, "alt": alt, "body": body, "units": list(zip(units, roles, strict=True)),
                      "deadline": deadline, "target": target})
    section_count = draw(st.integers(min_value=2, max_value=min(4, count)))
    titles = draw(st.permutations(SECTION_TITLES))[:section_count]
    cuts = sorted(draw(st.lists(st.integers(1, count - 1), min_size=section_count - 1,
                                max_size=section_count - 1, unique=True)))
    bounds = [0, *cuts, count]
    return [(titles[k], specs[bounds[k]:bounds[k + 1]]) for k in range(section_count)]


def flat(layout: list[tuple[str, list[dict]]]) -> list[dict]:
    return [spec for _, specs in layout for spec in specs]


def copy_layout(layout: list[tuple[str, list[dict]]]) -> list[tuple[str, list[dict]]]:
    return [(title, [dict(spec) for spec in specs]) for title, specs in layout]


def task_id(layout: list[tuple[str, list[dict]]], spec: dict) -> str:
    return f"t{[s['pool'] for s in flat(layout)].index(spec['pool']) + 1}"


FAST = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FAST
@given(layouts())
def test_a_plan_against_itself_has_no_change(layout: list) -> None:
    plan = make_plan(layout)
    result = diff_plans(plan, plan)
    assert not result.changed
    assert result.summary.unchanged == len(plan.tasks) and not result.added and not result.removed


@FAST
@given(layouts(), st.data())
def test_a_dropped_task_is_removed_and_nothing_else(layout: list, data: st.DataObject) -> None:
    old = make_plan(layout)
    k = data.draw(st.sampled_from([k for k, (_, specs) in enumerate(layout) if len(specs) > 1] or [0]))
    new_layout = copy_layout(layout)
    dropped = new_layout[k][1].pop(data.draw(st.integers(0, len(new_layout[k][1]) - 1)))
    result = diff_plans(old, make_plan(new_layout))
    assert [r.id for r in result.removed] == [task_id(layout, dropped)]
    assert not result.added and not kinds(result) and result.summary.merged == 0


@FAST
@given(layouts(), st.data())
def test_an_added_task_is_added_and_nothing_else(layout: list, data: st.DataObject) -> None:
    used = {spec["pool"] for spec in flat(layout)}
    extra = data.draw(st.sampled_from([i for i in range(len(POOL)) if i not in used]))
    title, alt, body = POOL[extra]
    spec = {"pool": extra, "title": title, "alt": alt, "body": body,
            "units": [(UNITS[0], Role.RESPONSIBLE)], "deadline": None, "target": None}
    new_layout = copy_layout(layout)
    k = data.draw(st.integers(0, len(layout) - 1))
    new_layout[k][1].insert(data.draw(st.integers(0, len(new_layout[k][1]))), spec)
    result = diff_plans(make_plan(layout), make_plan(new_layout))
    assert [r.title for r in result.added] == [title]
    assert not result.removed and not kinds(result) and result.summary.split == 0


@FAST
@given(layouts(), st.data())
def test_a_task_moved_to_another_section_is_moved_and_nothing_else(layout: list, data: st.DataObject) -> None:
    source = data.draw(st.integers(0, len(layout) - 1))
    target = data.draw(st.sampled_from([k for k in range(len(layout)) if k != source]))
    new_layout = copy_layout(layout)
    spec = new_layout[source][1].pop(data.draw(st.integers(0, len(new_layout[source][1]) - 1)))
    new_layout[target][1].append(spec)
    result = diff_plans(make_plan(layout), make_plan(new_layout))
    assert kinds(result) == {(task_id(layout, spec), ChangeKind.MOVED)}
    moved = next(c for d in result.tasks for c in d.changes)
    assert moved.old == f"二/{NUMERALS[source]} {layout[source][0]}"
    assert moved.new == f"二/{NUMERALS[target]} {layout[target][0]}"
    assert not result.added and not result.removed


@FAST
@given(layouts(), st.data())
def test_a_retitled_task_is_retitled_and_nothing_else(layout: list, data: st.DataObject) -> None:
    new_layout = copy_layout(layout)
    spec = data.draw(st.sampled_from(flat(new_layout)))
    spec["title"] = spec["alt"]
    result = diff_plans(make_plan(layout), make_plan(new_layout))
    assert kinds(result) == {(task_id(layout, spec), ChangeKind.RETITLED)}
    change = next(c for d in result.tasks for c in d.changes)
    assert change.new == spec["alt"]


@FAST
@given(layouts(), st.data())
def test_a_replaced_unit_is_one_added_and_one_removed(layout: list, data: st.DataObject) -> None:
    new_layout = copy_layout(layout)
    spec = data.draw(st.sampled_from(flat(new_layout)))
    position = data.draw(st.integers(0, len(spec["units"]) - 1))
    gone, role = spec["units"][position]
    came = data.draw(st.sampled_from([u for u in UNITS if u not in {name for name, _ in spec["units"]}]))
    spec["units"] = [*spec["units"][:position], (came, role), *spec["units"][position + 1:]]
    result = diff_plans(make_plan(layout), make_plan(new_layout))
    tid = task_id(layout, spec)
    assert kinds(result) == {(tid, ChangeKind.UNITS_ADDED), (tid, ChangeKind.UNITS_REMOVED)}
    changes = {c.kind: c for d in result.tasks for c in d.changes}
    assert changes[ChangeKind.UNITS_ADDED].added == [came] and changes[ChangeKind.UNITS_ADDED].role == role
    assert changes[ChangeKind.UNITS_REMOVED].removed == [gone] and changes[ChangeKind.UNITS_REMOVED].role == role


@FAST
@given(layouts(), st.data(), st.integers(-400, 400).filter(lambda days: abs(days) > 31))
def test_a_moved_deadline_is_earlier_or_later(layout: list, data: st.DataObject, days: int) -> None:
    new_layout = copy_layout(layout)
    spec = data.draw(st.sampled_from(flat(new_layout)))
    before = spec["deadline"] or dt.date(2024, 6, 30)
    old_layout = copy_layout(layout)
    next(s for s in flat(old_layout) if s["pool"] == spec["pool"])["deadline"] = before
    moved = before + dt.timedelta(days=days)
    after = (moved.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1)
    spec["deadline"] = after
    result = diff_plans(make_plan(old_layout), make_plan(new_layout))
    kind = ChangeKind.DEADLINE_LATER if after > before else ChangeKind.DEADLINE_EARLIER
    assert kinds(result) == {(task_id(layout, spec), kind)}
    change = next(c for d in result.tasks for c in d.changes)
    assert (change.old, change.new) == (before.isoformat(), after.isoformat())


@FAST
@given(layouts(), st.data(), st.integers(-9, 9).filter(bool))
def test_a_changed_target_is_raised_or_lowered(layout: list, data: st.DataObject, step: int) -> None:
    old_layout = copy_layout(layout)
    spec = data.draw(st.sampled_from(flat(old_layout)))
    indicator, value = spec["target"] or ("完成率", 50)
    spec["target"] = (indicator, value)
    new_layout = copy_layout(old_layout)
    next(s for s in flat(new_layout) if s["pool"] == spec["pool"])["target"] = (indicator, value + step)
    result = diff_plans(make_plan(old_layout), make_plan(new_layout))
    kind = ChangeKind.TARGET_RAISED if step > 0 else ChangeKind.TARGET_LOWERED
    assert kinds(result) == {(task_id(layout, spec), kind)}
    change = next(c for d in result.tasks for c in d.changes)
    assert change.subject == indicator and change.old == f">= {value} %" and change.new == f">= {value + step} %"


def test_a_task_cut_in_two_is_a_split() -> None:
    whole = {"pool": 0, "title": "加强市容环境整治",
             "body": "拆除楼顶私搭乱建和侵占绿地的彩钢房，建立巡查台账；拆除破损和违规设置的广告牌，统一沿街店招样式",
             "units": [(UNITS[0], Role.RESPONSIBLE)], "deadline": None, "target": None}
    first = {**whole, "pool": 1, "title": "整治违法建设", "body": "拆除楼顶私搭乱建和侵占绿地的彩钢房，建立巡查台账"}
    second = {**whole, "pool": 2, "title": "治理户外广告牌匾", "body": "拆除破损和违规设置的广告牌，统一沿街店招样式"}
    other = {"pool": 3, "title": POOL[3][0], "body": POOL[3][2], "units": [(UNITS[2], Role.RESPONSIBLE)],
             "deadline": None, "target": None}
    old, new = make_plan([("市容整洁", [whole, other])]), make_plan([("市容整洁", [first, second, other])])
    result = diff_plans(old, new)
    split = [d for d in result.tasks if d.kind == MatchKind.SPLIT]
    assert len(split) == 1 and [r.title for r in split[0].new] == ["整治违法建设", "治理户外广告牌匾"]
    assert not result.added and not result.removed
    merged = diff_plans(new, old)  # and the other way round, a merge
    assert [[r.title for r in d.old] for d in merged.tasks if d.kind == MatchKind.MERGED] == [["整治违法建设", "治理户外广告牌匾"]]


# --- pieces ----------------------------------------------------------------------------------


def test_assignment_finds_the_best_total_not_the_greedy_one() -> None:
    # greedy would take (0, 0) = 0.9 and leave row 1 with 0.1; the best total pairs 0-1 and 1-0
    assert assignment([[0.9, 0.8], [0.85, 0.1]]) == [(0, 1), (1, 0)]
    assert assignment([[0.2], [0.9], [0.4]]) == [(1, 0)]  # more rows than columns
    assert assignment([]) == []


def test_unit_keys_join_abbreviations_and_missing_level_prefixes() -> None:
    keys = unit_keys(["市住建局", "住建局", "市住房和城乡建设局", "公用事业发展中心", "市公用事业发展中心",
                      "卫健委", "市卫生健康委", "市卫生健康委员会", "消防支队", "市消防支队", "各区人民政府"])
    assert {keys[n] for n in ("市住建局", "住建局", "市住房和城乡建设局")} == {"市住房和城乡建设局"}
    assert keys["公用事业发展中心"] == "市公用事业发展中心"
    assert {keys[n] for n in ("卫健委", "市卫生健康委")} == {"市卫生健康委员会"}
    assert keys["消防支队"] == "市消防支队" and keys["各区人民政府"] == "各区人民政府"


def test_an_abbreviated_unit_in_the_new_version_is_no_change() -> None:
    text = PLAN_2022.read_text(encoding="utf-8")
    assert "市住建局" in text
    old = govplan.extract(text.replace("市住建局", "市住房和城乡建设局"))
    new = govplan.extract(text)
    assert not diff_plans(old, new).changed


def test_a_unit_changed_in_a_real_document_is_only_a_unit_change() -> None:
    text = PLAN_2022.read_text(encoding="utf-8")
    new_text = text.replace("（责任单位：市消防支队，", "（责任单位：市应急管理局，")
    assert new_text != text
    result = diff_plans(govplan.extract(text), govplan.extract(new_text))
    (task,) = [d for d in result.tasks if d.changes]
    assert task.new[0].title == "加强小区消防安全管理"
    assert [(c.kind, c.role, c.added or c.removed) for c in task.changes] == [
        (ChangeKind.UNITS_ADDED, Role.RESPONSIBLE, ["市应急管理局"]),
        (ChangeKind.UNITS_REMOVED, Role.RESPONSIBLE, ["市消防支队"]),
    ]


def test_renumbered_sections_are_not_a_move() -> None:
    text = PLAN_2022.read_text(encoding="utf-8")
    # a new first task renumbers every later heading of the part
    extra = "（一）加强养老设施管理\n\n新建社区养老服务站，配齐助餐助浴设备。（责任单位：市民政局）\n\n"
    renumbered = text.replace("（一）完善网格化管理", "（二）完善网格化管理", 1)
    new_text = renumbered.replace("二、工作任务\n\n", "二、工作任务\n\n" + extra, 1)
    result = diff_plans(govplan.extract(text), govplan.extract(new_text))
    assert [r.title for r in result.added] == ["加强养老设施管理"]
    assert not any(c.kind == ChangeKind.MOVED for d in result.tasks for c in d.changes)


def test_restrict_keeps_the_part_under_the_section() -> None:
    plan, label = restrict(extracted(LIST_2023), "城市颜值圈")
    assert label.startswith("七 ") and "城市颜值圈" in label
    assert len(plan.tasks) == 13 and all(t.section.startswith("七/") for t in plan.tasks)
    assert all(t.task in {x.id for x in plan.tasks} for t in plan.targets)


@pytest.mark.parametrize("sample", SAMPLES, ids=lambda p: p.stem[:3])
def test_every_sample_against_itself_has_no_change(sample: Path) -> None:
    plan = extracted(sample)
    result = diff_plans(plan, plan)
    assert not result.changed and result.summary.unchanged == len(plan.tasks)


# --- the two real revisions, checked by hand ---------------------------------------------------


@cache
def refined_management() -> PlanDiff:
    return govplan.diff(extracted(PLAN_2021), extracted(PLAN_2022))


@cache
def city_appearance() -> PlanDiff:
    return govplan.diff(extracted(PLAN_2022), extracted(LIST_2023), new_section="城市颜值圈")


def test_2021_to_2022_matches_the_tasks_that_carried_over() -> None:
    matched = pairs(refined_management())
    assert matched["完善网格化管理"] == ["完善网格化管理"]
    assert matched["做好城市垃圾分类"] == ["做好城市垃圾分类"]
    assert matched["提升城市安全韧性"] == ["提升城市安全韧性"]
    assert matched["提升城市园林绿化水平"] == ["提升园林绿化水平"]
    assert matched["提高城市管理智慧化水平"] == ["提高智慧管理能力"]
    # reworded and renumbered (十一/1 → 三/1): the public-transport sentences carried over
    assert matched["大力发展公共交通"] == ["构建绿色交通体系，倡导低碳、文明出行"]
    # 2022's 加大环境卫生整治 took in the facade and signboard sentences of 2021's 加强市容市貌管理
    assert matched["加强市容市貌管理 + 加大环境卫生整治"] == ["加大环境卫生整治"]


def test_2021_to_2022_added_and_removed() -> None:
    result = refined_management()
    removed = {r.title for r in result.removed}
    assert {"理顺体制机制", "健全制度标准", "开展城市体检", "推进老旧小区改造", "强化历史文化保护"} <= removed
    added = {r.title for r in result.added}
    assert {"加强养犬管理", "加强小区殡葬管理", "加强小区消防安全管理", "整治小区内私搭乱建"} <= added
    assert result.summary.changed


def test_2021_to_2022_changes_of_the_carried_over_tasks() -> None:
    by_title = {d.old[0].title: d for d in refined_management().tasks}
    smart = {(c.kind, c.role): c for c in by_title["提高城市管理智慧化水平"].changes}
    assert smart[(ChangeKind.UNITS_ADDED, Role.RESPONSIBLE)].added == ["市大数据中心"]
    assert smart[(ChangeKind.UNITS_REMOVED, Role.RESPONSIBLE)].removed == ["市市域治理中心", "各区人民政府"]
    assert (ChangeKind.RETITLED, None) in smart and (ChangeKind.DEADLINE_REMOVED, None) in smart
    # 市卫健委 (2022) is 市卫生健康委员会; 市住建局 and 市住房和城乡建设局 are one unit
    safety = {(c.kind, c.role): c for c in by_title["提升城市安全韧性"].changes}
    assert safety[(ChangeKind.UNITS_ADDED, Role.RESPONSIBLE)].added == ["市卫生健康委员会"]
    assert "市住房和城乡建设局" in safety[(ChangeKind.UNITS_ADDED, Role.COOPERATING)].added
    assert "市住房和城乡建设局" in safety[(ChangeKind.UNITS_REMOVED, Role.RESPONSIBLE)].removed
    waste = [c for c in by_title["做好城市垃圾分类"].changes]
    assert [c.old for c in waste if c.kind == ChangeKind.TARGET_DROPPED] == [">= 50 % by 2021-12-31", ">= 1 个 by 2021-12-31"]
    assert [c.old for c in waste if c.kind == ChangeKind.DEADLINE_REMOVED] == ["2021-12-31"]
    grid = {(c.kind, c.role): c for c in by_title["完善网格化管理"].changes}
    assert "市委政法委" in grid[(ChangeKind.UNITS_REMOVED, Role.RESPONSIBLE)].removed
    assert grid[(ChangeKind.UNITS_ADDED, Role.COOPERATING)].added == ["市委政法委", "各区人民政府"]
    # renumbered sections (二/十二 → 二/五 提升市容环境品质) are no move; the 共享单车 sentences of
    # 2021's 慢行系统 task went to 2022's 提升市容环境品质 section: a move
    moves = [(d.old[0].title, c.old, c.new) for d in refined_management().tasks for c in d.changes
             if c.kind == ChangeKind.MOVED]
    assert moves == [("完善慢行系统建设", "二/十一 治理交通拥堵", "二/五 提升市容环境品质")]


def test_2022_to_2023_city_appearance_part() -> None:
    result = city_appearance()
    matched = pairs(result)
    assert matched["做好城市垃圾分类"] == ["全面推进全市垃圾分类工作"]
    assert matched["提升园林绿化水平"] == ["提升城市园林绿化品质,强化景观亮化维修维护"]
    assert {"完善网格化管理", "加强养犬管理", "加强小区殡葬管理"} <= {r.title for r in result.removed}
    assert {"解决供热服务质量问题", "解决停车难问题", "优化供水服务供给"} <= {r.title for r in result.added}
    waste = next(d for d in result.tasks if d.old[0].title == "做好城市垃圾分类")
    found = {c.kind: c for c in waste.changes}
    assert found[ChangeKind.DEADLINE_ADDED].new == "2023-12-31"
    assert [c.subject for c in waste.changes if c.kind == ChangeKind.TARGET_ADDED] == [
        "召开生活垃圾分类工作推进会", "组织开展全市大型垃圾分类宣传活动"]
    assert "各区人民政府" in found[ChangeKind.UNITS_REMOVED].removed
    assert result.new.section and "城市颜值圈" in result.new.section and result.new.tasks == 13


@pytest.mark.xfail(strict=True, reason="2022's 提高智慧管理能力 went to 2023's 服务响应圈 (outside part 七); "
                   "restricted to 七 it is matched to the 智慧 pipe-gallery task instead of being removed")
def test_2022_smart_management_is_removed_from_the_city_appearance_part() -> None:
    assert "提高智慧管理能力" in {r.title for r in city_appearance().removed}


@pytest.mark.xfail(strict=True, reason="the 2023 text shares only the words 市政基础设施建设 with 2022's task; "
                   "its score (0.35) stays under the match threshold")
def test_2022_municipal_infrastructure_matches_its_2023_successor() -> None:
    assert pairs(city_appearance()).get("提升市政基础设施建设管理水平") == [
        "加强供热、供水、供气、排水等市政基础设施建设改造及日常巡检维护"]


def test_the_sample_reports_are_current(monkeypatch: pytest.MonkeyPatch) -> None:
    sys.path.insert(0, str(ROOT / "scripts"))
    try:
        import diff_samples
    finally:
        sys.path.remove(str(ROOT / "scripts"))
    monkeypatch.chdir(ROOT)
    for name, report in diff_samples.reports().items():
        assert (ROOT / "samples" / name).read_bytes() == report, f"samples/{name} is stale: run scripts/diff_samples.py"


# --- renderers, loading and the CLI ----------------------------------------------------------


def test_json_output_has_the_documented_fields() -> None:
    tree = json.loads(render_json(refined_management()))
    assert set(tree) == {"schema_version", "old", "new", "summary", "meta", "tasks", "added", "removed", "targets"}
    assert set(tree["summary"]) == {"changed", "old_tasks", "new_tasks", "matched", "unchanged", "changed_tasks",
                                    "split", "merged", "added", "removed", "meta_changes", "target_changes"}
    task = tree["tasks"][0]
    assert set(task) == {"kind", "old", "new", "score", "changes"}
    assert set(task["old"][0]) == {"id", "section", "title", "line", "home", "home_title"}
    assert set(task["changes"][0]) == {"kind", "role", "subject", "old", "new", "removed", "added", "similarity"}
    assert PlanDiff.model_validate(tree) == refined_management()


def test_markdown_report_reads_as_a_report() -> None:
    text = render_markdown(refined_management()).decode("utf-8")
    assert text.startswith("# Plan diff: 2021年乌海市城市精细化管理工作重点任务分工方案 → 推进一刻钟社区城市颜值圈建设工作方案")
    assert "## Alignment" in text and "## Added" in text and "## Removed" in text and "**merged**" in text
    assert "- responsible added: 市大数据中心" in text


def test_terminal_rendering_is_side_by_side() -> None:
    from rich.console import Console

    console = Console(record=True, width=140, color_system=None)
    render_terminal(city_appearance(), console)
    text = console.export_text()
    assert "全面推进全市垃圾分类工作" in text and "做好城市垃圾分类" in text
    row = next(line for line in text.splitlines() if "做好城市垃圾分类" in line)
    assert "全面推进全市垃圾分类" in row  # old and new on one row


def test_a_json_output_loads_back(tmp_path: Path) -> None:
    path = tmp_path / "plan.json"
    path.write_bytes(json.dumps(extracted(PLAN_2022).model_dump(mode="json"), ensure_ascii=False).encode("utf-8"))
    assert load_plan(path) == extracted(PLAN_2022)
    yaml_path = tmp_path / "plan.yaml"
    code = CliRunner().invoke(main, ["extract", str(PLAN_2022), "-o", str(yaml_path)]).exit_code
    assert code == 0 and load_plan(yaml_path).tasks == extracted(PLAN_2022).tasks


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, ["diff", *args])
    return result.exit_code, result.stdout, result.stderr


def test_cli_exit_codes(tmp_path: Path) -> None:
    code, out, _ = run(str(PLAN_2022), str(PLAN_2022), "-f", "json")
    assert code == 0 and json.loads(out)["summary"]["changed"] is False
    code, out, _ = run(str(PLAN_2022), str(LIST_2023), "--new-section", "城市颜值圈", "-f", "markdown")
    assert code == 1 and "全面推进全市垃圾分类工作" in out
    code, out, err = run(str(tmp_path / "missing.txt"), str(PLAN_2022))
    assert code == 2 and "missing.txt" in err and not out and "Traceback" not in err
    broken = tmp_path / "broken.json"
    broken.write_text('{"schema_version": "1"}', encoding="utf-8")
    code, _, err = run(str(broken), str(PLAN_2022))
    assert code == 2 and "not a govplan extract output" in err
    code, _, err = run(str(PLAN_2022), str(PLAN_2022), "--section", "没有这一节")
    assert code == 2 and "no section title contains" in err
    bad_rules = tmp_path / "rules"
    bad_rules.mkdir()
    (bad_rules / "units.yaml").write_text("suffixes: [局\n", encoding="utf-8")
    assert run(str(PLAN_2022), str(PLAN_2022), "--rules", str(bad_rules))[0] == 2


def test_cli_writes_a_report_file(tmp_path: Path) -> None:
    out = tmp_path / "report.md"
    code, stdout, _ = run(str(PLAN_2021), str(PLAN_2022), "-f", "markdown", "-o", str(out))
    assert code == 1 and not stdout
    assert out.read_text(encoding="utf-8").startswith("# Plan diff:")


def test_cli_in_a_real_process() -> None:
    done = subprocess.run([sys.executable, "-m", "govplan", "diff", str(PLAN_2022), str(PLAN_2022), "-f", "json"],
                          capture_output=True, check=False)
    assert done.returncode == 0, done.stderr.decode("utf-8", "replace")
    assert json.loads(done.stdout)["summary"]["unchanged"] == 14


def test_plan_targets_outside_tasks_are_compared() -> None:
    old = "某市2023年工作方案\n一、工作目标\n到2023年底，垃圾分类覆盖率达到90%以上。\n二、重点任务\n（一）推进分类。责任单位：市城管局\n"
    new = "某市2024年工作方案\n一、工作目标\n到2024年底，垃圾分类覆盖率达到95%以上。\n二、重点任务\n（一）推进分类。责任单位：市城管局\n"
    result = govplan.diff(old, new)
    assert result.changed
    assert [(c.kind.value, c.subject) for c in result.targets] == [("target_raised", "垃圾分类覆盖率")]
    assert result.summary.target_changes == 1
    assert "Plan targets" in render_markdown(result).decode()
    same = govplan.diff(old, old)
    assert not same.changed and same.targets == []
