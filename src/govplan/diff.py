"""diff: two versions of a plan in, what changed task by task out.

``diff(old, new)`` takes two plans (a ``Plan``, a document path, a ``govplan extract`` JSON or
YAML output, or a text) and gives a ``PlanDiff``:

1. load: a ``.json``/``.yaml`` output is validated back into a ``Plan``; anything else is
   extracted.  ``restrict(plan, words)`` keeps one part of a plan (the sections whose title
   holds all the words, and what lies below them).
2. align: every old task is scored against every new task: title similarity (characters and
   jieba tokens), text similarity (tf-idf cosine of jieba tokens, with unit names left out) and
   relative position.  The best one-to-one assignment (Hungarian method) above a threshold gives
   the matched pairs; a task left over whose words are mostly inside a matched task of the other
   side, and that completes it, makes that match a split (one old, several new) or a merge
   (several old, one new).  What is still left over is added or removed.
3. compare each match: retitled, moved (to a section that does not correspond to the old one;
   sections are aligned by title and by where their tasks went), text changed (the wording
   beyond units, deadlines and targets), units added/removed per role (compared through
   canonical names across both plans: 市住建局 ~ 市住房和城乡建设局, 住建局 ~ 市住建局),
   deadlines moved earlier/later, added or removed, targets raised/lowered/added/dropped; and
   the metadata.
4. render: ``render_json`` (the models dumped; field names in ``PlanDiff``), ``render_markdown``
   (a report), ``render_terminal`` (a coloured side-by-side summary with rich).

jieba, rapidfuzz and rich are imported inside the functions that use them, so ``import govplan``
stays light.
"""

from __future__ import annotations

import json
import math
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Any

import regex

from .errors import InputError
from .models import Deadline, Frozen, Plan, Role, Target, Task

if TYPE_CHECKING:
    from .ruleset import RuleSet

DIFF_SCHEMA_VERSION = "1"

# weights of the task similarity and the thresholds of the alignment, tuned on real revisions
TITLE_WEIGHT = 0.30
TEXT_WEIGHT = 0.60
POSITION_WEIGHT = 0.10
CONTAINMENT_DISCOUNT = 0.85  # one text inside a longer one counts a little less than equal texts
MATCH_THRESHOLD = 0.36  # a pair below this is not the same task
PART_INSIDE = 0.25  # a split/merge part: at least this share of its words lies inside the whole,
PART_GAIN = 0.10  # adding it covers at least this much more of the whole,
PART_EVIDENCE = 0.6  # and the two together reach this
WEAK_MATCH = 0.45  # reports flag matches under this score as worth a look
SECTION_SAME_TITLE = 0.8  # sections with titles this similar are the same section
SECTION_THRESHOLD = 0.3  # else a section corresponds to another with this much evidence


class ChangeKind(StrEnum):
    RETITLED = "retitled"
    MOVED = "moved"
    TEXT_CHANGED = "text_changed"
    UNITS_ADDED = "units_added"
    UNITS_REMOVED = "units_removed"
    DEADLINE_EARLIER = "deadline_earlier"
    DEADLINE_LATER = "deadline_later"
    DEADLINE_ADDED = "deadline_added"
    DEADLINE_REMOVED = "deadline_removed"
    TARGET_RAISED = "target_raised"
    TARGET_LOWERED = "target_lowered"
    TARGET_CHANGED = "target_changed"
    TARGET_ADDED = "target_added"
    TARGET_DROPPED = "target_dropped"


class MatchKind(StrEnum):
    MATCHED = "matched"  # one old task, one new task
    SPLIT = "split"  # one old task, several new tasks
    MERGED = "merged"  # several old tasks, one new task


class TaskRef(Frozen):
    """A task as the diff names it."""

    id: str
    section: str  # path of the task's section (its own heading, if it has one)
    title: str
    line: int
    home: str  # path of the section the task stands in ("" for the top of the plan)
    home_title: str | None = None


class Change(Frozen):
    """One change of a matched task.  Scalar changes fill ``old``/``new``; list-like ones fill
    ``removed``/``added``."""

    kind: ChangeKind
    role: Role | None = None  # units_added / units_removed
    subject: str | None = None  # the target's indicator, the deadline's text
    old: str | None = None
    new: str | None = None
    removed: list[str] = []
    added: list[str] = []
    similarity: float | None = None  # text_changed: 0..1


class TaskDiff(Frozen):
    kind: MatchKind
    old: list[TaskRef]
    new: list[TaskRef]
    score: float  # similarity of the pair (of the main pair for a split or merge), 0..1
    changes: list[Change] = []

    @property
    def changed(self) -> bool:
        return bool(self.changes) or self.kind != MatchKind.MATCHED


class MetaChange(Frozen):
    field: str
    old: str | None = None
    new: str | None = None


class PlanSide(Frozen):
    path: str
    title: str | None = None
    date: str | None = None
    section: str | None = None  # "path title" of the part the plan was restricted to
    tasks: int


class Summary(Frozen):
    changed: bool
    old_tasks: int
    new_tasks: int
    matched: int  # one-to-one matches
    unchanged: int
    changed_tasks: int  # one-to-one matches with changes
    split: int
    merged: int
    added: int
    removed: int
    meta_changes: int
    target_changes: int = 0  # changes of the plan's targets outside any task (a 目标 section)


class PlanDiff(Frozen):
    schema_version: str = DIFF_SCHEMA_VERSION
    old: PlanSide
    new: PlanSide
    summary: Summary
    meta: list[MetaChange] = []
    tasks: list[TaskDiff] = []  # matches, splits and merges, in old-plan order
    added: list[TaskRef] = []
    removed: list[TaskRef] = []
    targets: list[Change] = []  # the plan's own targets (outside tasks): raised, lowered, added, dropped

    @property
    def changed(self) -> bool:
        return self.summary.changed


# --- loading ----------------------------------------------------------------------------------

PlanSource = Plan | str | Path


def load_plan(source: PlanSource, rules: RuleSet | str | Path | None = None) -> Plan:
    """A ``Plan`` from a Plan, a path (a document, or a ``.json``/``.yaml`` extract output) or a text."""
    from .pipeline import extract
    from .readers import read_text

    if isinstance(source, Plan):
        return source
    if isinstance(source, str) and not _names_a_file(source):
        stripped = source.lstrip()
        if stripped.startswith("{"):
            return _plan_from_tree(_parse_json(stripped, "<text>"), "<text>")
        return extract(read_text(source), rules)
    path = Path(source)
    if path.suffix.lower() in (".json", ".yaml", ".yml"):
        return _plan_from_file(path)
    return extract(path, rules)


def _names_a_file(source: str) -> bool:
    """A str is a path when it is one line, short, and names an existing file or has a suffix
    (the rule of ``govplan.extract``); otherwise it is the text itself."""
    import os

    return "\n" not in source and len(source) < 1024 and (os.path.exists(source) or bool(Path(source).suffix))


def _plan_from_file(path: Path) -> Plan:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise InputError("no such file", path=str(path)) from None
    except IsADirectoryError:
        raise InputError("is a directory", path=str(path)) from None
    except (OSError, UnicodeDecodeError) as err:
        raise InputError(f"cannot read: {err}", path=str(path)) from None
    if path.suffix.lower() == ".json":
        return _plan_from_tree(_parse_json(text, str(path)), str(path))
    import yaml

    try:
        tree = yaml.safe_load(text)
    except yaml.YAMLError as err:
        raise InputError(f"not valid YAML: {err}".splitlines()[0], path=str(path)) from None
    return _plan_from_tree(tree, str(path))


def _parse_json(text: str, where: str) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError as err:
        raise InputError(f"not valid JSON: {err}", path=where) from None


def _plan_from_tree(tree: Any, where: str) -> Plan:
    from pydantic import ValidationError

    if isinstance(tree, list):
        raise InputError(f"holds {len(tree)} plans; diff compares one plan with one plan", path=where)
    if not isinstance(tree, dict):
        raise InputError("is not a govplan extract output (expected a mapping)", path=where)
    try:
        return Plan.model_validate(tree)
    except ValidationError as err:
        first = err.errors()[0]
        location = ".".join(str(part) for part in first["loc"])
        raise InputError(f"is not a govplan extract output: {location}: {first['msg']}", path=where) from None


def restrict(plan: Plan, words: str) -> tuple[Plan, str]:
    """The part of ``plan`` under the sections whose title holds every word of ``words`` (the
    outermost such sections), and a label naming them."""
    wanted = [_norm(word) for word in words.split() if _norm(word)]
    if not wanted:
        raise InputError("empty section words", path=plan.source.path)
    hits = [s for s in plan.sections if all(word in _norm(s.title) for word in wanted)]
    roots = [s for s in hits if not any(_is_below(s.path, other.path) for other in hits if other is not s)]
    if not roots:
        raise InputError(f"no section title contains {words!r}", path=plan.source.path)
    paths = [s.path for s in roots]

    def inside(path: str) -> bool:
        return any(path == root or _is_below(path, root) for root in paths)

    tasks = [t for t in plan.tasks if inside(t.section)]
    ids = {t.id for t in tasks}
    part = plan.model_copy(update={
        "sections": [s for s in plan.sections if inside(s.path)],
        "tasks": tasks,
        "targets": [t for t in plan.targets if t.task in ids],
    })
    return part, "; ".join(f"{s.path} {s.title}" for s in roots)


def _is_below(path: str, root: str) -> bool:
    return path.startswith(root + "/")


# --- text helpers -----------------------------------------------------------------------------

_PUNCT = regex.compile(r"[\s\p{P}\p{S}]+")
_SENTENCE_END = regex.compile(r"(?<=[。；;！？!?\n])")
_MASK = "□"
_MASK_RUN = regex.compile(r"[(（]?" + _MASK + r"(?:[\s、，,；;:：和及与]*" + _MASK + r")*[)）]?")
_TOKEN_OK = regex.compile(r"[\p{Han}A-Za-z0-9]")
_STOP_WORDS = "的 和 与 及 等 在 对 为 了 是 将 把 要 并 以 由 于 中 其 各 按 从 向 之 或 就 也 上 下 个 项"
_STOP = frozenset(_STOP_WORDS.split())
# the genre's stock verbs and nouns (提升…水平, 加强…管理, 推进…工作): they say little about what a task
# is about, so they weigh less than its content words whatever their frequency in the two plans
_GENERIC_WORDS = (
    "加强 强化 提升 提高 推进 推动 促进 加快 加大 完善 健全 深化 落实 做好 开展 实施 建立 建设 管理 工作 水平 能力 力度 "
    "体系 机制 制度 质量 品质 全面 进一步 持续 积极 切实 不断 有效 相关 各类 问题 城市 社区 全市 我市 服务"
)
_GENERIC = frozenset(_GENERIC_WORDS.split())
GENERIC_WEIGHT = 0.3


def _norm(text: str) -> str:
    """Text compared as the same when only width, case, spaces and punctuation differ."""
    return _PUNCT.sub("", unicodedata.normalize("NFKC", text)).lower()


def clause_labels(rules: RuleSet | None = None) -> list[str]:
    """The labels that introduce a unit list (责任单位, 配合部门 …), longest first."""
    from .ruleset import default_rules

    labels = (rules or default_rules())["clauses"].labels
    words = {w for role in ("lead", "responsible", "cooperating") for w in getattr(labels, role)}
    return sorted(words, key=len, reverse=True)


def _masked(task: Task, labels: Sequence[str] = ()) -> str:
    """The task's text with its units, deadlines, targets and clause labels replaced by one mark
    each, so that a changed unit or number is not also a changed wording; a whole clause
    （责任单位：A、B，配合部门：C） becomes one mark."""
    text = unicodedata.normalize("NFKC", task.text)
    pieces = {u.name for u in task.units} | {u.canonical for u in task.units}
    pieces |= {d.text for d in task.deadlines} | {t.text for t in task.targets}
    for piece in sorted((unicodedata.normalize("NFKC", p) for p in pieces if p), key=len, reverse=True):
        text = text.replace(piece, _MASK)
    for label in labels:
        text = text.replace(label, _MASK)
    return _MASK_RUN.sub(_MASK, text)


def _sentences(task: Task, labels: Sequence[str]) -> list[tuple[str, str]]:
    """(normalised masked sentence, sentence as written) of a task's text; a sentence that is
    only a responsibility clause is left out (its units are compared on their own)."""
    written = [s.strip() for s in _SENTENCE_END.split(task.text) if s.strip()]
    out = []
    for sentence in written:
        probe = task.model_copy(update={"text": sentence})
        key = _norm(_masked(probe, labels).replace(_MASK, "#"))
        if key.strip("#"):
            out.append((key, sentence))
    return out


# --- similarity -------------------------------------------------------------------------------


def _tokenizer(rules: RuleSet | None) -> Callable[[str], list[str]]:
    from .units import _jieba, unit_rules

    jieba_tokenizer = _jieba(unit_rules(rules))
    cache: dict[str, list[str]] = {}

    def tokens(text: str) -> list[str]:
        if text not in cache:
            words = jieba_tokenizer.cut(unicodedata.normalize("NFKC", text), HMM=False)
            cache[text] = [w.lower() for w in words if _TOKEN_OK.search(w) and w not in _STOP]
        return cache[text]

    return tokens


Vector = dict[str, float]


def _vector(tokens: Iterable[str], idf: dict[str, float]) -> Vector:
    counts = Counter(tokens)
    weights = {w: (1 + math.log(n)) * idf.get(w, 1.0) * (GENERIC_WEIGHT if w in _GENERIC else 1.0)
               for w, n in counts.items()}
    norm = math.sqrt(sum(v * v for v in weights.values())) or 1.0
    return {w: v / norm for w, v in weights.items()}


def _cosine(a: Vector, b: Vector) -> float:
    if len(a) > len(b):
        a, b = b, a
    return sum(v * b.get(w, 0.0) for w, v in a.items())


def _coverage(part: Vector, whole: set[str]) -> float:
    """Share of ``part``'s weight (squared, so it sums to 1) whose words occur in ``whole``."""
    return sum(v * v for w, v in part.items() if w in whole)


@dataclass
class _TaskFeatures:
    task: Task
    title: str  # normalised
    title_vec: Vector
    vec: Vector  # title and text
    words: set[str]
    position: float  # 0..1 in its plan


@dataclass
class _Side:
    plan: Plan
    features: list[_TaskFeatures] = field(default_factory=list)
    homes: list[str] = field(default_factory=list)
    section_titles: dict[str, str] = field(default_factory=dict)


def _features(plans: tuple[Plan, Plan], rules: RuleSet | None) -> tuple[_Side, _Side]:
    tokens = _tokenizer(rules)
    token_lists: list[tuple[list[str], list[str]]] = []
    for plan in plans:
        for task in plan.tasks:
            body = task.text
            for name in sorted({u.name for u in task.units} | {u.canonical for u in task.units}, key=len, reverse=True):
                body = body.replace(name, " ")
            token_lists.append((tokens(task.title), tokens(body)))
    documents = [set(title) | set(body) for title, body in token_lists]
    frequency = Counter(w for doc in documents for w in doc)
    total = max(1, len(documents))
    idf = {w: math.log((1 + total) / (1 + n)) + 1.0 for w, n in frequency.items()}
    sides = []
    index = 0
    for plan in plans:
        side = _Side(plan, section_titles={s.path: s.title for s in plan.sections})
        count = len(plan.tasks)
        for i, task in enumerate(plan.tasks):
            title_tokens, body_tokens = token_lists[index]
            index += 1
            side.features.append(_TaskFeatures(
                task=task,
                title=_norm(task.title),
                title_vec=_vector(title_tokens, idf),
                vec=_vector(title_tokens + body_tokens, idf),
                words=set(title_tokens) | set(body_tokens),
                position=i / (count - 1) if count > 1 else 0.5,
            ))
            side.homes.append(_home(task, side.section_titles))
        sides.append(side)
    return sides[0], sides[1]


def _home(task: Task, titles: dict[str, str]) -> str:
    """The section a task stands in: its section's parent when the section is the task's own
    heading, else its section."""
    own = titles.get(task.section)
    if own is not None:
        a, b = _norm(own), _norm(task.title)
        if a and b and (a.startswith(b) or b.startswith(a)):
            return task.section.rpartition("/")[0]
    return task.section


def _title_similarity(a: _TaskFeatures, b: _TaskFeatures) -> float:
    """Characters in order, shared words, or the shorter title's words inside the longer one
    (提升园林绿化水平 ~ 提升城市园林绿化品质，强化景观亮化维修维护)."""
    from rapidfuzz import fuzz

    shorter, longer = (a, b) if len(a.title_vec) <= len(b.title_vec) else (b, a)
    inside = _coverage(shorter.title_vec, set(longer.title_vec))
    return max(fuzz.ratio(a.title, b.title) / 100.0, _cosine(a.title_vec, b.title_vec), CONTAINMENT_DISCOUNT * inside)


def _text_similarity(a: _TaskFeatures, b: _TaskFeatures) -> float:
    """tf-idf cosine, or how much of one text lies inside the other (a task grown or cut down)."""
    inside = max(_coverage(a.vec, b.words), _coverage(b.vec, a.words))
    return max(_cosine(a.vec, b.vec), CONTAINMENT_DISCOUNT * inside)


def _score_matrix(old: _Side, new: _Side) -> list[list[float]]:
    matrix = []
    for a in old.features:
        row = []
        for b in new.features:
            title = _title_similarity(a, b)
            text = _text_similarity(a, b)
            position = 1.0 - abs(a.position - b.position)
            row.append(TITLE_WEIGHT * title + TEXT_WEIGHT * text + POSITION_WEIGHT * position)
        matrix.append(row)
    return matrix


def assignment(scores: Sequence[Sequence[float]]) -> list[tuple[int, int]]:
    """The (row, column) pairs of a one-to-one assignment with the greatest total score
    (Hungarian method with potentials, O(n²m)); rectangular matrices welcome."""
    if not scores or not scores[0]:
        return []
    transposed = len(scores) > len(scores[0])
    matrix = [list(col) for col in zip(*scores, strict=True)] if transposed else [list(r) for r in scores]
    n, m = len(matrix), len(matrix[0])
    top = max(max(row) for row in matrix)
    cost = [[top - v for v in row] for row in matrix]
    inf = float("inf")
    u = [0.0] * (n + 1)
    v = [0.0] * (m + 1)
    owner = [0] * (m + 1)  # owner[j]: row (1-based) assigned to column j
    way = [0] * (m + 1)
    for i in range(1, n + 1):
        owner[0] = i
        j0 = 0
        minv = [inf] * (m + 1)
        used = [False] * (m + 1)
        while True:
            used[j0] = True
            i0 = owner[j0]
            delta = inf
            j1 = 0
            for j in range(1, m + 1):
                if not used[j]:
                    reduced = cost[i0 - 1][j - 1] - u[i0] - v[j]
                    if reduced < minv[j]:
                        minv[j] = reduced
                        way[j] = j0
                    if minv[j] < delta:
                        delta = minv[j]
                        j1 = j
            for j in range(m + 1):
                if used[j]:
                    u[owner[j]] += delta
                    v[j] -= delta
                else:
                    minv[j] -= delta
            j0 = j1
            if owner[j0] == 0:
                break
        while j0:
            j1 = way[j0]
            owner[j0] = owner[j1]
            j0 = j1
    pairs = [(owner[j] - 1, j - 1) for j in range(1, m + 1) if owner[j]]
    if transposed:
        pairs = [(col, row) for row, col in pairs]
    return sorted(pairs)


@dataclass
class _Group:
    old: list[int]
    new: list[int]
    score: float

    @property
    def kind(self) -> MatchKind:
        if len(self.new) > 1:
            return MatchKind.SPLIT
        if len(self.old) > 1:
            return MatchKind.MERGED
        return MatchKind.MATCHED


def _align(old: _Side, new: _Side) -> tuple[list[_Group], list[int], list[int]]:
    """Groups of matched tasks, and the indices of removed (old) and added (new) tasks."""
    scores = _score_matrix(old, new)
    kept = [(i, j) for i, j in assignment(scores) if scores[i][j] >= MATCH_THRESHOLD]
    groups = {i: _Group([i], [j], scores[i][j]) for i, j in kept}
    matched_new = {j: i for i, j in kept}
    free_old = [i for i in range(len(old.features)) if i not in groups]
    free_new = [j for j in range(len(new.features)) if j not in matched_new]
    # a left-over new task inside a matched old task, completing it: a split
    for j in list(free_new):
        part = new.features[j]
        best = _best_whole(part, [(i, old.features[i]) for i in groups],
                           lambda i: [new.features[k].words for k in groups[i].new])
        if best is not None and len(groups[best].old) == 1:
            groups[best].new.append(j)
            free_new.remove(j)
    # a left-over old task inside a matched new task, completing it: a merge
    by_new = {g.new[0]: g for g in groups.values() if len(g.new) == 1}
    for i in list(free_old):
        part = old.features[i]
        best = _best_whole(part, [(j, new.features[j]) for j in by_new],
                           lambda j: [old.features[k].words for k in by_new[j].old])
        if best is not None:
            by_new[best].old.append(i)
            free_old.remove(i)
    ordered = sorted(groups.values(), key=lambda g: min(g.old))
    for group in ordered:
        group.old.sort()
        group.new.sort()
    return ordered, free_old, free_new


def _best_whole(part: _TaskFeatures, wholes: list[tuple[int, _TaskFeatures]],
                counterparts: Callable[[int], list[set[str]]]) -> int | None:
    """The whole (a matched task) that ``part`` is a piece of: most of ``part``'s words lie in it,
    and ``part`` covers a good share of the whole that its present counterparts leave uncovered."""
    best: tuple[float, int] | None = None
    for key, whole in wholes:
        inside = _coverage(part.vec, whole.words)
        if inside < PART_INSIDE:
            continue
        present = set().union(*counterparts(key))
        gain = _coverage(whole.vec, present | part.words) - _coverage(whole.vec, present)
        if gain < PART_GAIN or inside + gain < PART_EVIDENCE:
            continue
        if best is None or inside + gain > best[0]:
            best = (inside + gain, key)
    return None if best is None else best[1]


# --- sections: which old section corresponds to which new one ----------------------------------


def _align_sections(old: _Side, new: _Side, groups: list[_Group]) -> dict[str, str]:
    """old home path → the new section that corresponds to it.  A section whose title is still
    there (renumbered or not) corresponds to that one; else to the section most of its tasks went
    to, weighed with title likeness and depth.  Several old sections may map to one new section
    (a plan restructured: 提升市容环境品质 and 工作任务 both into one task list)."""
    from rapidfuzz import fuzz

    headings = {f.task.section for f, home in zip(new.features, new.homes, strict=True) if f.task.section != home}
    candidates = ["", *(path for path in new.section_titles if path not in headings)]  # not a task's own heading
    votes: Counter[tuple[str, str]] = Counter()
    totals: Counter[str] = Counter()
    for group in groups:
        for i in group.old:
            totals[old.homes[i]] += 1
            votes[(old.homes[i], new.homes[group.new[0]])] += 1
    mapping = {}
    for home in sorted(set(old.homes)):
        title = _norm(old.section_titles.get(home, ""))
        best: tuple[float, str] | None = None
        for path in candidates:
            other = _norm(new.section_titles.get(path, ""))
            likeness = 1.0 if title == other else fuzz.ratio(title, other) / 100.0
            vote = votes[(home, path)] / totals[home] if totals[home] else 0.0
            depth = 1.0 if home.count("/") == path.count("/") and (home == "") == (path == "") else 0.0
            # a title still present wins outright; otherwise the evidence is weighed
            score = 2.0 + vote if likeness >= SECTION_SAME_TITLE else 0.55 * likeness + 0.35 * vote + 0.10 * depth
            if best is None or score > best[0]:
                best = (score, path)
        if best is not None and best[0] >= SECTION_THRESHOLD:
            mapping[home] = best[1]
    return mapping


# --- units across two plans -------------------------------------------------------------------

_LEVEL_PREFIXES = ("市", "区", "县", "省", "旗", "州", "盟")


def unit_keys(names: Iterable[str], rules: RuleSet | None = None) -> dict[str, str]:
    """name → one name for the same unit across plans: the alias table, abbreviations of a name
    present (市卫生健康委 ~ 市卫生健康委员会), and a name written without its level prefix when
    exactly one prefixed form is present (公用事业发展中心 ~ 市公用事业发展中心)."""
    from .units import _is_abbreviation, canonicalizer, unit_rules

    unit_table = unit_rules(rules)
    pool = list(dict.fromkeys(names))
    present = set(pool)
    listed = set(unit_table.aliases) | set(unit_table.aliases.values())
    levels = Counter(name[0] for name in pool if name.startswith(_LEVEL_PREFIXES))
    usual = levels.most_common(1)[0][0] if levels else None  # the plans' own level (市 in a city's plans)

    def forms(name: str, names: set[str]) -> set[str]:
        return {
            prefix + name for prefix in _LEVEL_PREFIXES
            if prefix + name in names or any(_is_abbreviation(prefix + name, k) for k in names if k[0] == prefix)
        }

    def with_prefix(name: str) -> str:
        if name.startswith(("各", "全", *_LEVEL_PREFIXES)):
            return name
        found = forms(name, present)  # a prefixed form written in the plans first
        if len(found) == 1:
            return found.pop()
        if not found and usual is not None and usual + name in forms(name, listed):
            return usual + name  # else the alias table's form at the plans' level
        return name

    expanded = {name: with_prefix(name) for name in pool}
    canonical = canonicalizer(list(dict.fromkeys([*expanded.values(), *pool])), unit_table)
    keys = {}
    for name, longer in expanded.items():
        key = canonical.get(longer, longer)
        for _ in range(3):  # an alias may lead to a name that is itself abbreviated
            key = canonical.get(key, key)
        keys[name] = key
    return keys


# --- comparing one match -----------------------------------------------------------------------

_ROLE_ORDER = (Role.LEAD, Role.RESPONSIBLE, Role.COOPERATING)


def _unit_changes(old: list[Task], new: list[Task], keys: dict[str, str]) -> list[Change]:
    changes = []
    for role in _ROLE_ORDER:
        before = list(dict.fromkeys(keys.get(u.canonical, u.canonical) for t in old for u in t.units if u.role == role))
        after = list(dict.fromkeys(keys.get(u.canonical, u.canonical) for t in new for u in t.units if u.role == role))
        removed = [u for u in before if u not in after]
        added = [u for u in after if u not in before]
        if added:
            changes.append(Change(kind=ChangeKind.UNITS_ADDED, role=role, added=added))
        if removed:
            changes.append(Change(kind=ChangeKind.UNITS_REMOVED, role=role, removed=removed))
    return changes


def _deadline_key(deadline: Deadline) -> str:
    if deadline.date is not None:
        return deadline.date.isoformat()
    return f"{deadline.kind.value}:{_norm(deadline.text)}"


def _deadline_changes(old: list[Task], new: list[Task]) -> list[Change]:
    before = {_deadline_key(d): d for t in old for d in t.deadlines}
    after = {_deadline_key(d): d for t in new for d in t.deadlines}
    gone = [before[k] for k in sorted(before) if k not in after]
    came = [after[k] for k in sorted(after) if k not in before]
    gone_dated = [d for d in gone if d.date is not None]
    came_dated = [d for d in came if d.date is not None]
    changes = []
    for a, b in zip(gone_dated, came_dated, strict=False):  # paired in date order
        assert a.date is not None and b.date is not None
        kind = ChangeKind.DEADLINE_EARLIER if b.date < a.date else ChangeKind.DEADLINE_LATER
        changes.append(Change(kind=kind, subject=b.text, old=a.date.isoformat(), new=b.date.isoformat()))
    paired = min(len(gone_dated), len(came_dated))
    for d in gone_dated[paired:] + [d for d in gone if d.date is None]:
        changes.append(Change(kind=ChangeKind.DEADLINE_REMOVED, subject=d.text, old=_deadline_value(d)))
    for d in came_dated[paired:] + [d for d in came if d.date is None]:
        changes.append(Change(kind=ChangeKind.DEADLINE_ADDED, subject=d.text, new=_deadline_value(d)))
    return changes


def _deadline_value(deadline: Deadline) -> str:
    return deadline.date.isoformat() if deadline.date else f"{deadline.text} ({deadline.kind.value})"


def target_value(target: Target) -> str:
    """A target as one short string: ``>= 20 %``, ``= 60 个 by 2023-12-31``."""
    value = f"{target.value:g}" if isinstance(target.value, float) else str(target.value)
    text = f"{target.comparator.value} {value}{' ' + target.unit if target.unit else ''}"
    return f"{text} by {target.deadline.isoformat()}" if target.deadline else text


def _target_identity(target: Target) -> tuple[Any, ...]:
    return (_norm(target.indicator or ""), target.comparator, float(target.value), target.unit, target.deadline)


def _target_changes(old: list[Task], new: list[Task]) -> list[Change]:
    return _targets_diff([t for task in old for t in task.targets], [t for task in new for t in task.targets])


def _plan_targets(plan: Plan) -> list[Target]:
    """The plan's targets that belong to no task (工作目标 and the like)."""
    return [t for t in plan.targets if t.task is None]


def _unmatched(targets: list[Target], others: list[Target]) -> list[Target]:
    """The targets of ``targets`` that ``others`` does not state as well (counted as a multiset)."""
    left = Counter(_target_identity(t) for t in others)
    out = []
    for target in targets:
        identity = _target_identity(target)
        if left[identity]:
            left[identity] -= 1
        else:
            out.append(target)
    return out


def _targets_diff(before: list[Target], after: list[Target]) -> list[Change]:
    from rapidfuzz import fuzz

    gone, came = _unmatched(before, after), _unmatched(after, before)
    # pair the rest by indicator: the same, else similar with the same unit
    candidates = []
    for i, a in enumerate(gone):
        for j, b in enumerate(came):
            ia, ib = _norm(a.indicator or ""), _norm(b.indicator or "")
            if ia and ia == ib:
                similarity = 2.0
            elif ia and ib and a.unit == b.unit:
                similarity = fuzz.ratio(ia, ib) / 100.0
            elif not ia and not ib and a.unit == b.unit:
                similarity = 0.75
            else:
                continue
            if similarity >= 0.7:
                candidates.append((similarity, -i, -j))
    paired_old: set[int] = set()
    paired_new: set[int] = set()
    changes = []
    for _, mi, mj in sorted(candidates, reverse=True):
        i, j = -mi, -mj
        if i in paired_old or j in paired_new:
            continue
        paired_old.add(i)
        paired_new.add(j)
        a, b = gone[i], came[j]
        if float(a.value) != float(b.value):
            kind = ChangeKind.TARGET_RAISED if b.value > a.value else ChangeKind.TARGET_LOWERED
        else:
            kind = ChangeKind.TARGET_CHANGED
        changes.append(Change(kind=kind, subject=b.indicator or a.indicator, old=target_value(a), new=target_value(b)))
    for i, a in enumerate(gone):
        if i not in paired_old:
            changes.append(Change(kind=ChangeKind.TARGET_DROPPED, subject=a.indicator, old=target_value(a)))
    for j, b in enumerate(came):
        if j not in paired_new:
            changes.append(Change(kind=ChangeKind.TARGET_ADDED, subject=b.indicator, new=target_value(b)))
    return changes


def _text_change(a: Task, b: Task, labels: Sequence[str]) -> Change | None:
    from rapidfuzz import fuzz

    old_sentences, new_sentences = _sentences(a, labels), _sentences(b, labels)
    old_text, new_text = "".join(k for k, _ in old_sentences), "".join(k for k, _ in new_sentences)
    if old_text == new_text:
        return None
    old_keys = {k for k, _ in old_sentences}
    new_keys = {k for k, _ in new_sentences}
    return Change(
        kind=ChangeKind.TEXT_CHANGED,
        similarity=round(fuzz.ratio(old_text, new_text) / 100.0, 3),
        removed=[s for k, s in old_sentences if k not in new_keys],
        added=[s for k, s in new_sentences if k not in old_keys],
    )


def _section_label(side: _Side, path: str) -> str:
    title = side.section_titles.get(path)
    if not path:
        return "(top)"
    return f"{path} {title}" if title else path


def _compare(group: _Group, old: _Side, new: _Side, sections: dict[str, str], keys: dict[str, str],
             labels: Sequence[str]) -> list[Change]:

    old_tasks = [old.features[i].task for i in group.old]
    new_tasks = [new.features[j].task for j in group.new]
    changes = []
    first_old, first_new = group.old[0], group.new[0]
    if group.kind == MatchKind.MATCHED:
        a, b = old_tasks[0], new_tasks[0]
        if _norm(a.title) != _norm(b.title):
            changes.append(Change(kind=ChangeKind.RETITLED, old=a.title, new=b.title))
    old_home, new_home = old.homes[first_old], new.homes[first_new]
    if sections.get(old_home) != new_home:
        old_label, new_label = _section_label(old, old_home), _section_label(new, new_home)
        if old_label != new_label:  # two sections printed with one number (a typo) are no move
            changes.append(Change(kind=ChangeKind.MOVED, old=old_label, new=new_label))
    if group.kind == MatchKind.MATCHED:
        text = _text_change(old_tasks[0], new_tasks[0], labels)
        if text is not None:
            changes.append(text)
    changes.extend(_unit_changes(old_tasks, new_tasks, keys))
    changes.extend(_deadline_changes(old_tasks, new_tasks))
    changes.extend(_target_changes(old_tasks, new_tasks))
    return changes


# --- metadata ---------------------------------------------------------------------------------


def _meta_changes(old: Plan, new: Plan) -> list[MetaChange]:
    a, b = old.meta, new.meta
    changes = []
    for name in ("title", "notice_title", "doc_number", "issuer", "date", "index_no", "published"):
        before, after = getattr(a, name), getattr(b, name)
        if before != after:
            changes.append(MetaChange(field=name, old=_meta_text(before), new=_meta_text(after)))
    if set(a.recipients) != set(b.recipients):
        gone = [r for r in a.recipients if r not in b.recipients]
        came = [r for r in b.recipients if r not in a.recipients]
        changes.append(MetaChange(field="recipients", old="、".join(gone) or None, new="、".join(came) or None))
    if a.contact != b.contact:
        changes.append(MetaChange(field="contact", old=_contact_text(a.contact), new=_contact_text(b.contact)))
    return changes


def _meta_text(value: Any) -> str | None:
    if value is None:
        return None
    return value.isoformat() if hasattr(value, "isoformat") else str(value)


def _contact_text(contact: Any) -> str | None:
    if contact is None:
        return None
    parts = [contact.name, *contact.phone, contact.email]
    return " ".join(p for p in parts if p) or None


# --- the entry points -------------------------------------------------------------------------


def task_ref(task: Task, home: str, titles: dict[str, str]) -> TaskRef:
    return TaskRef(id=task.id, section=task.section, title=task.title, line=task.line,
                   home=home, home_title=titles.get(home))


def diff_plans(old: Plan, new: Plan, rules: RuleSet | None = None, *,
               old_label: str | None = None, new_label: str | None = None) -> PlanDiff:
    """What changed from ``old`` to ``new`` (both already loaded, and restricted if wanted)."""
    old_side, new_side = _features((old, new), rules)
    groups, removed, added = _align(old_side, new_side)
    sections = _align_sections(old_side, new_side, groups)
    names = [n for plan in (old, new) for t in plan.tasks for u in t.units for n in (u.canonical, u.name)]
    keys = unit_keys(names, rules)
    labels = clause_labels(rules)
    task_diffs = []
    for group in groups:
        task_diffs.append(TaskDiff(
            kind=group.kind,
            old=[task_ref(old_side.features[i].task, old_side.homes[i], old_side.section_titles) for i in group.old],
            new=[task_ref(new_side.features[j].task, new_side.homes[j], new_side.section_titles) for j in group.new],
            score=round(group.score, 3),
            changes=_compare(group, old_side, new_side, sections, keys, labels),
        ))
    meta = _meta_changes(old, new)
    plan_targets = _targets_diff(_plan_targets(old), _plan_targets(new))
    added_refs = [task_ref(new_side.features[j].task, new_side.homes[j], new_side.section_titles) for j in added]
    removed_refs = [task_ref(old_side.features[i].task, old_side.homes[i], old_side.section_titles) for i in removed]
    one_to_one = [d for d in task_diffs if d.kind == MatchKind.MATCHED]
    changed_tasks = sum(1 for d in one_to_one if d.changes)
    split = sum(1 for d in task_diffs if d.kind == MatchKind.SPLIT)
    merged = sum(1 for d in task_diffs if d.kind == MatchKind.MERGED)
    summary = Summary(
        changed=bool(meta or added_refs or removed_refs or changed_tasks or split or merged or plan_targets
                     or any(d.changes for d in task_diffs)),
        old_tasks=len(old.tasks), new_tasks=len(new.tasks),
        matched=len(one_to_one), unchanged=len(one_to_one) - changed_tasks, changed_tasks=changed_tasks,
        split=split, merged=merged, added=len(added_refs), removed=len(removed_refs), meta_changes=len(meta),
        target_changes=len(plan_targets),
    )
    return PlanDiff(old=_side_info(old, old_label), new=_side_info(new, new_label), summary=summary,
                    meta=meta, tasks=task_diffs, added=added_refs, removed=removed_refs, targets=plan_targets)


def _side_info(plan: Plan, section: str | None) -> PlanSide:
    date = plan.meta.date or plan.meta.published
    return PlanSide(path=plan.source.path, title=plan.meta.title, date=date.isoformat() if date else None,
                    section=section, tasks=len(plan.tasks))


def diff(old: PlanSource, new: PlanSource, rules: RuleSet | str | Path | None = None, *,
         old_section: str | None = None, new_section: str | None = None) -> PlanDiff:
    """What changed from ``old`` to ``new``: each a Plan, a path (document or extract output) or a
    text.  ``old_section``/``new_section`` restrict a side to the sections whose title holds
    those words (separated by spaces)."""
    from .pipeline import _resolve_rules

    ruleset = _resolve_rules(rules)
    old_plan, new_plan = load_plan(old, ruleset), load_plan(new, ruleset)
    old_label = new_label = None
    if old_section:
        old_plan, old_label = restrict(old_plan, old_section)
    if new_section:
        new_plan, new_label = restrict(new_plan, new_section)
    return diff_plans(old_plan, new_plan, ruleset, old_label=old_label, new_label=new_label)


# --- rendering --------------------------------------------------------------------------------

KIND_LABEL = {
    ChangeKind.RETITLED: "retitled",
    ChangeKind.MOVED: "moved",
    ChangeKind.TEXT_CHANGED: "text",
    ChangeKind.UNITS_ADDED: "units +",
    ChangeKind.UNITS_REMOVED: "units −",
    ChangeKind.DEADLINE_EARLIER: "deadline earlier",
    ChangeKind.DEADLINE_LATER: "deadline later",
    ChangeKind.DEADLINE_ADDED: "deadline +",
    ChangeKind.DEADLINE_REMOVED: "deadline −",
    ChangeKind.TARGET_RAISED: "target raised",
    ChangeKind.TARGET_LOWERED: "target lowered",
    ChangeKind.TARGET_CHANGED: "target changed",
    ChangeKind.TARGET_ADDED: "target +",
    ChangeKind.TARGET_DROPPED: "target −",
}


def render_json(result: PlanDiff) -> bytes:
    tree = result.model_dump(mode="json")
    return (json.dumps(tree, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def describe(change: Change) -> str:
    """One line of plain text for a change."""
    kind = change.kind
    if kind in (ChangeKind.UNITS_ADDED, ChangeKind.UNITS_REMOVED):
        names = change.added or change.removed
        role = change.role.value if change.role else "unit"
        return f"{role} {'added' if kind == ChangeKind.UNITS_ADDED else 'removed'}: {'、'.join(names)}"
    if kind == ChangeKind.TEXT_CHANGED:
        return (f"text changed (similarity {change.similarity:.2f}): "
                f"{len(change.removed)} sentence(s) removed, {len(change.added)} added")
    subject = f" {change.subject}" if change.subject else ""
    if change.old is not None and change.new is not None:
        return f"{KIND_LABEL[kind]}{subject}: {change.old} → {change.new}"
    return f"{KIND_LABEL[kind]}{subject}: {change.old if change.old is not None else change.new}"


def _ref(ref: TaskRef) -> str:
    return f"{ref.id} {ref.section} {ref.title}"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _short(text: str, limit: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _side_line(side: PlanSide) -> str:
    parts = [f"`{side.path}`"]
    if side.title:
        parts.append(side.title)
    if side.date:
        parts.append(side.date)
    parts.append(f"{side.tasks} tasks")
    if side.section:
        parts.append(f"section {side.section}")
    return ", ".join(parts)


def summary_line(result: PlanDiff) -> str:
    s = result.summary
    if not s.changed:
        return f"no change ({s.matched} tasks matched)"
    return (f"{s.matched} matched ({s.unchanged} unchanged, {s.changed_tasks} changed), {s.split} split, "
            f"{s.merged} merged, {s.added} added, {s.removed} removed, {s.meta_changes} metadata changes"
            + (f", {s.target_changes} plan target changes" if s.target_changes else ""))


def render_markdown(result: PlanDiff) -> bytes:
    out = [f"# Plan diff: {result.old.title or result.old.path} → {result.new.title or result.new.path}", ""]
    out += [f"- old: {_side_line(result.old)}", f"- new: {_side_line(result.new)}",
            f"- summary: {summary_line(result)}",
            f"- score: how alike a matched pair is (1 = same title and text); under {WEAK_MATCH:.2f} a weak match, "
            "worth a look; a split or merge lists its unit, deadline and target changes over all its tasks", ""]
    if result.meta:
        out += ["## Metadata", "", "| field | old | new |", "| --- | --- | --- |"]
        out += [f"| {m.field} | {_cell(m.old or '—')} | {_cell(m.new or '—')} |" for m in result.meta]
        out.append("")
    if result.targets:
        out += ["## Plan targets (outside tasks)", ""]
        out += [f"- {_cell(describe(change))}" for change in result.targets]
        out.append("")
    if result.tasks:
        out += ["## Alignment", "", "| old | new | score | changes |", "| --- | --- | --- | --- |"]
        for d in result.tasks:
            tags = ", ".join(dict.fromkeys(KIND_LABEL[c.kind] for c in d.changes))
            if d.kind != MatchKind.MATCHED:
                tags = f"**{d.kind.value}**" + (f", {tags}" if tags else "")
            old = "<br>".join(_cell(_ref(r)) for r in d.old)
            new = "<br>".join(_cell(_ref(r)) for r in d.new)
            out.append(f"| {old} | {new} | {d.score:.2f} | {tags or 'unchanged'} |")
        out.append("")
    changed = [d for d in result.tasks if d.changed]
    if changed:
        out += ["## Changes", ""]
        for d in changed:
            old = " + ".join(f"{r.id} {r.title}" for r in d.old)
            new = " + ".join(f"{r.id} {r.title}" for r in d.new)
            label = f" ({d.kind.value})" if d.kind != MatchKind.MATCHED else ""
            out += [f"### {_cell(old)} → {_cell(new)}{label}", "", f"score {d.score:.2f}", ""]
            for change in d.changes:
                out.append(f"- {_cell(describe(change))}")
                if change.kind == ChangeKind.TEXT_CHANGED:
                    out += [f"  - − {_cell(s)}" for s in change.removed]
                    out += [f"  - + {_cell(s)}" for s in change.added]
            out.append("")
    for heading, refs in (("Added", result.added), ("Removed", result.removed)):
        if refs:
            out += [f"## {heading}", "", "| id | section | title | line |", "| --- | --- | --- | --- |"]
            out += [f"| {r.id} | {_cell(r.section)} | {_cell(r.title)} | {r.line} |" for r in refs]
            out.append("")
    return ("\n".join(out).rstrip("\n") + "\n").encode("utf-8")


_STYLE = {
    ChangeKind.RETITLED: "yellow", ChangeKind.MOVED: "magenta", ChangeKind.TEXT_CHANGED: "yellow",
    ChangeKind.UNITS_ADDED: "green", ChangeKind.UNITS_REMOVED: "red",
    ChangeKind.DEADLINE_EARLIER: "cyan", ChangeKind.DEADLINE_LATER: "cyan",
    ChangeKind.DEADLINE_ADDED: "green", ChangeKind.DEADLINE_REMOVED: "red",
    ChangeKind.TARGET_RAISED: "green", ChangeKind.TARGET_LOWERED: "red", ChangeKind.TARGET_CHANGED: "yellow",
    ChangeKind.TARGET_ADDED: "green", ChangeKind.TARGET_DROPPED: "red",
}


def render_terminal(result: PlanDiff, console: Any = None, *, show_unchanged: bool = True) -> None:
    """A coloured side-by-side summary on ``console`` (a rich Console; stdout by default)."""
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    console = console or Console()
    console.print(Text(f"old: {_side_line(result.old).replace('`', '')}", style="bold red"))
    console.print(Text(f"new: {_side_line(result.new).replace('`', '')}", style="bold green"))
    console.print(Text(summary_line(result), style="bold"))
    if result.meta:
        meta = Table(title="metadata", show_lines=False)
        for column in ("field", "old", "new"):
            meta.add_column(column)
        for m in result.meta:
            meta.add_row(m.field, Text(m.old or "—", style="red"), Text(m.new or "—", style="green"))
        console.print(meta)
    if result.targets:
        console.print(Text("plan targets (outside tasks)", style="bold"))
        for change in result.targets:
            console.print(Text(f"  {_short(describe(change), 120)}", style=_STYLE[change.kind]))
    table = Table(show_lines=True, expand=True)
    table.add_column("old", ratio=3)
    table.add_column("score", justify="right", ratio=1)
    table.add_column("new", ratio=3)
    table.add_column("changes", ratio=4)
    rows: list[tuple[tuple[int, int], Any]] = []  # old-side rows in old order, then the added
    for d in result.tasks:
        if not d.changed and not show_unchanged:
            continue
        old = Text("\n".join(_short(_ref(r), 40) for r in d.old), style="" if d.changed else "dim")
        new = Text("\n".join(_short(_ref(r), 40) for r in d.new), style="" if d.changed else "dim")
        changes = Text()
        if d.kind != MatchKind.MATCHED:
            changes.append(d.kind.value + "\n", style="bold magenta")
        for change in d.changes:
            changes.append(_short(describe(change), 80) + "\n", style=_STYLE[change.kind])
        if not d.changed:
            changes.append("unchanged", style="dim")
        rows.append(((0, d.old[0].line), (old, Text(f"{d.score:.2f}"), new, changes)))
    for r in result.removed:
        rows.append(((0, r.line), (Text(_short(_ref(r), 40), style="red"), Text(""), Text(""), Text("removed", style="bold red"))))
    for i, r in enumerate(result.added):
        rows.append(((1, i), (Text(""), Text(""), Text(_short(_ref(r), 40), style="green"), Text("added", style="bold green"))))
    for _, row in sorted(rows, key=lambda item: item[0]):
        table.add_row(*row)
    console.print(table)
    for d in result.tasks:
        for change in d.changes:
            if change.kind == ChangeKind.TEXT_CHANGED and (change.removed or change.added):
                console.print(Text(f"{d.old[0].id} → {d.new[0].id} {d.new[0].title}", style="bold"))
                for sentence in change.removed:
                    console.print(Text(f"  − {_short(sentence, 120)}", style="red"))
                for sentence in change.added:
                    console.print(Text(f"  + {_short(sentence, 120)}", style="green"))
