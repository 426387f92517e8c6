"""Score extractions against hand-made gold files, and explain every miss.

Takes a directory of gold files (``<stem>.gold.yaml``, format of the shared gold GUIDE) and, for
each, the prediction: the plan extracted from the document ``<stem>.*`` or an existing
``<stem>.json`` written by ``govplan extract -f json``.  Gives per-document and total scores,
computed exactly as the GUIDE's "Scoring" section says (and as the independent ``score.py``
computes them):

- sections: F1 over (level, number, title), titles compared without spaces and punctuation
  (a title of 4+ characters may contain or be contained in the other);
- tasks: a predicted task matches a gold task when its normalised title equals, contains or is
  contained in the gold title (greedy, in gold order, each matched once);
- units: over matched tasks, F1 over (task, role, unit), and role-blind over (task, unit);
- deadlines: over matched tasks, F1 over (task, ISO date);
- targets: over the document, F1 over (value, unit);
- meta: share of non-null gold title, doc_number, issuer, date reproduced exactly.

Every false positive and false negative is kept as a ``Miss`` with the line of the source it
comes from: a prediction's own ``line``/``span``, a gold item's text found in the document.
"""

from __future__ import annotations

import bisect
import datetime as dt
import json
import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import InputError

METRICS = ("sections", "tasks", "units", "units_roleblind", "deadlines", "targets", "meta")
META_FIELDS = ("title", "doc_number", "issuer", "date")
DOCUMENT_SUFFIXES = (".txt", ".docx", ".html", ".htm", ".pdf")

_PUNCT = re.compile(r"[\s\u3000，,。．.、；;：:！!？?“”\"'‘’（）()《》〈〉【】\[\]—\-－·…]+")
_SPACE = re.compile(r"\s+")
_NUMBER_DECORATION = re.compile(r"[\s、.．()（）]")


# --- normalisation (identical to the GUIDE's scorer) -------------------------------------------


def norm(value: Any) -> str:
    """NFKC, spaces and punctuation removed: how titles and meta values are compared."""
    if value is None:
        return ""
    return _PUNCT.sub("", unicodedata.normalize("NFKC", str(value)))


def unit_norm(value: Any) -> str:
    return _SPACE.sub("", unicodedata.normalize("NFKC", str(value or "")))


def number_norm(value: Any) -> str:
    return _NUMBER_DECORATION.sub("", unicodedata.normalize("NFKC", str(value or "")))


def f1(tp: int, n_pred: int, n_gold: int) -> float:
    precision = tp / n_pred if n_pred else (1.0 if n_gold == 0 else 0.0)
    recall = tp / n_gold if n_gold else (1.0 if n_pred == 0 else 0.0)
    return 0.0 if precision + recall == 0 else 2 * precision * recall / (precision + recall)


def _as_float(value: Any) -> float | None:
    try:
        return round(float(value), 4)
    except (TypeError, ValueError):
        return None


def _iso(value: Any) -> str:
    return value.isoformat() if isinstance(value, dt.date) else str(value)


# --- results ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Miss:
    """One false positive (``kind == "fp"``) or false negative (``"fn"``) of a metric."""

    metric: str
    kind: str  # fp | fn
    item: str  # what was predicted or expected, readable
    line: int | None = None  # 1-based line of the source document, None when not found
    task: str = ""  # the task title it belongs to (units, deadlines)

    def as_dict(self) -> dict[str, Any]:
        return {"metric": self.metric, "kind": self.kind, "item": self.item, "line": self.line, "task": self.task}


@dataclass
class DocScore:
    """Counts (true positives, predicted, gold) per metric, and the misses behind them."""

    stem: str
    counts: dict[str, tuple[int, int, int]] = field(default_factory=dict)
    misses: list[Miss] = field(default_factory=list)
    source: str | None = None  # the document or prediction file scored

    def score(self, metric: str) -> float:
        return metric_score(metric, self.counts[metric])


def metric_score(metric: str, counts: tuple[int, int, int]) -> float:
    tp, n_pred, n_gold = counts
    if metric == "meta":
        return tp / n_gold if n_gold else 1.0
    return f1(tp, n_pred, n_gold)


@dataclass
class EvalResult:
    docs: list[DocScore]

    def totals(self) -> dict[str, tuple[int, int, int]]:
        out: dict[str, tuple[int, int, int]] = {}
        for doc in self.docs:
            for metric, (a, b, c) in doc.counts.items():
                x, y, z = out.get(metric, (0, 0, 0))
                out[metric] = (x + a, y + b, z + c)
        return out

    def micro(self) -> dict[str, float]:
        return {metric: round(metric_score(metric, counts), 3) for metric, counts in self.totals().items()}

    def macro(self) -> dict[str, float]:
        """Mean of per-document scores over the documents where gold or prediction has items."""
        out: dict[str, float] = {}
        for metric in self.totals():
            values = [
                doc.score(metric) if metric != "meta" else (doc.counts[metric][0] / doc.counts[metric][2]
                                                             if doc.counts[metric][2] else 0.0)
                for doc in self.docs
                if doc.counts[metric][1] or doc.counts[metric][2]
            ]
            out[metric] = round(sum(values) / len(values), 3) if values else 1.0
        return out

    def as_json(self) -> dict[str, Any]:
        """The shape the shared scorer prints with ``--json``, plus the misses of every document."""
        return {
            "total": self.micro(),
            "macro": self.macro(),
            "docs": {doc.stem: {k: list(v) for k, v in doc.counts.items()} for doc in self.docs},
            "misses": {doc.stem: [m.as_dict() for m in doc.misses] for doc in self.docs},
        }


# --- locating evidence in the source -----------------------------------------------------------


class Locator:
    """Lines of a source text: of a span, and of a piece of gold text found in it (compared
    without spaces and punctuation, so a title split over lines or printed with other
    punctuation is still found)."""

    def __init__(self, text: str | None) -> None:
        self.text = text or ""
        self._line_starts = [0] + [i + 1 for i, ch in enumerate(self.text) if ch == "\n"]
        squeezed: list[str] = []
        self._origin: list[int] = []
        for i, raw_char in enumerate(self.text):
            for ch in unicodedata.normalize("NFKC", raw_char):
                if not _PUNCT.match(ch):
                    squeezed.append(ch)
                    self._origin.append(i)
        self._squeezed = "".join(squeezed)

    def __bool__(self) -> bool:
        return bool(self.text)

    def line_of(self, offset: int | None) -> int | None:
        if offset is None or not self.text:
            return None
        return bisect.bisect_right(self._line_starts, max(0, min(offset, len(self.text) - 1)))

    def line_of_span(self, span: Any) -> int | None:
        if isinstance(span, list | tuple) and span and isinstance(span[0], int):
            return self.line_of(span[0])
        return None

    def find(self, needle: Any, after_line: int | None = None) -> int | None:
        """The line of the first occurrence of ``needle`` (at or after ``after_line`` if it occurs
        there, else anywhere)."""
        key = norm(needle)
        if not key or not self._squeezed:
            return None
        start = 0
        if after_line is not None and after_line >= 1:
            start = bisect.bisect_left(self._origin, self._line_starts[min(after_line, len(self._line_starts)) - 1])
        pos = self._squeezed.find(key, start)
        if pos < 0 and start:
            pos = self._squeezed.find(key)
        return self.line_of(self._origin[pos]) if pos >= 0 else None


# --- scoring ------------------------------------------------------------------------------------


def _multiset_match(pred: list[Any], gold: list[Any]) -> tuple[list[int], list[int]]:
    """Indices of the unmatched predicted and gold items (each gold item matched once)."""
    remaining = list(range(len(gold)))
    unmatched_pred = []
    for pi, item in enumerate(pred):
        for k, gi in enumerate(remaining):
            if gold[gi] == item:
                del remaining[k]
                break
        else:
            unmatched_pred.append(pi)
    return unmatched_pred, remaining


def _section_key(section: dict[str, Any]) -> tuple[int, str, str]:
    return (int(section.get("level", 0) or 0), number_norm(section.get("number")), norm(section.get("title")))


def _section_matches(pred: tuple[int, str, str], gold: tuple[int, str, str]) -> bool:
    if pred[0] != gold[0] or pred[1] != gold[1]:
        return False
    return pred[2] == gold[2] or (len(pred[2]) >= 4 and (pred[2] in gold[2] or gold[2] in pred[2]))


def match_tasks(pred_tasks: list[dict[str, Any]], gold_tasks: list[dict[str, Any]]) -> list[tuple[int, int]]:
    """(gold index, predicted index) pairs: greedy in gold order by normalised title equality, else
    the first containment of a title of 4+ characters."""
    pairs = []
    used: set[int] = set()
    for gi, gold in enumerate(gold_tasks):
        gold_title = norm(gold.get("title"))
        if not gold_title:
            continue
        best = None
        for pi, pred in enumerate(pred_tasks):
            if pi in used:
                continue
            pred_title = norm(pred.get("title"))
            if not pred_title:
                continue
            if pred_title == gold_title:
                best = pi
                break
            if best is None and (
                (len(pred_title) >= 4 and pred_title in gold_title) or (len(gold_title) >= 4 and gold_title in pred_title)
            ):
                best = pi
        if best is not None:
            used.add(best)
            pairs.append((gi, best))
    return pairs


def _pred_units(task: dict[str, Any]) -> list[tuple[str, str, Any]]:
    return [(str(u.get("role")), unit_norm(u.get("name")), u.get("span")) for u in task.get("units") or []]


def _gold_units(task: dict[str, Any]) -> list[tuple[str, str]]:
    return [(role, unit_norm(u)) for role in ("lead", "responsible", "cooperating") for u in task.get(role) or []]


def _pred_dates(task: dict[str, Any]) -> dict[str, Any]:
    """ISO date -> span of the first deadline carrying it."""
    out: dict[str, Any] = {}
    for deadline in task.get("deadlines") or []:
        if deadline.get("date"):
            out.setdefault(str(deadline.get("date")), deadline.get("span"))
    return out


def _target_key(target: dict[str, Any]) -> tuple[float | None, str]:
    return (_as_float(target.get("value")), norm(target.get("unit")))


def _target_label(target: dict[str, Any]) -> str:
    value = _as_float(target.get("value"))
    shown = f"{value:g}" if value is not None else "?"
    text = target.get("text")
    return f"{shown} {target.get('unit') or ''}".strip() + (f" ({text})" if text else "")


class _Scorer:
    def __init__(self, stem: str, gold: dict[str, Any], pred: dict[str, Any], locator: Locator) -> None:
        self.gold = gold
        self.pred = pred
        self.where = locator
        self.result = DocScore(stem)

    def miss(self, metric: str, kind: str, item: str, line: int | None, task: str = "") -> None:
        self.result.misses.append(Miss(metric, kind, item, line, task))

    def run(self) -> DocScore:
        self.sections()
        self.tasks_units_deadlines()
        self.targets()
        self.meta()
        order = {m: i for i, m in enumerate(METRICS)}
        self.result.misses.sort(key=lambda m: (order[m.metric], m.line or 0, m.kind))
        return self.result

    def sections(self) -> None:
        gold = self.gold.get("sections") or []
        pred = self.pred.get("sections") or []
        gold_keys = [_section_key(s) for s in gold]
        used: set[int] = set()
        tp = 0
        for section in pred:
            key = _section_key(section)
            for gi, gold_key in enumerate(gold_keys):
                if gi not in used and _section_matches(key, gold_key):
                    used.add(gi)
                    tp += 1
                    break
            else:
                self.miss("sections", "fp", _section_label(section), section.get("line") or
                          self.where.line_of_span(section.get("span")))
        for gi, section in enumerate(gold):
            if gi not in used:
                self.miss("sections", "fn", _section_label(section), self.where.find(section.get("title")))
        self.result.counts["sections"] = (tp, len(pred), len(gold))

    def _pred_task_line(self, task: dict[str, Any]) -> int | None:
        return task.get("line") or self.where.line_of_span(task.get("span"))

    def tasks_units_deadlines(self) -> None:
        gold = self.gold.get("tasks") or []
        pred = self.pred.get("tasks") or []
        pairs = match_tasks(pred, gold)
        self.result.counts["tasks"] = (len(pairs), len(pred), len(gold))
        matched = dict(pairs)
        matched_pred = {pi for _, pi in pairs}
        units = [0, 0, 0]
        blind = [0, 0, 0]
        dates = [0, 0, 0]
        for gi, gold_task in enumerate(gold):
            title = str(gold_task.get("title") or "")
            gold_units = _gold_units(gold_task)
            gold_dates = {_iso(d) for d in gold_task.get("deadlines") or []}
            units[2] += len(gold_units)
            blind[2] += len(gold_units)
            dates[2] += len(gold_dates)
            if gi not in matched:
                line = self.where.find(title)
                self.miss("tasks", "fn", f"{gold_task.get('section', '')} {title}".strip(), line)
                for role, name in gold_units:
                    self.miss("units", "fn", f"{role} {name}", self.where.find(name, line) or line, title)
                    self.miss("units_roleblind", "fn", name, self.where.find(name, line) or line, title)
                for date in sorted(gold_dates):
                    self.miss("deadlines", "fn", date, line, title)
                continue
            pred_task = pred[matched[gi]]
            task_line = self._pred_task_line(pred_task)
            self._units(pred_task, gold_units, title, task_line, units, blind)
            predicted_dates = _pred_dates(pred_task)
            dates[1] += len(predicted_dates)
            dates[0] += len(set(predicted_dates) & gold_dates)
            for date, span in predicted_dates.items():
                if date not in gold_dates:
                    self.miss("deadlines", "fp", date, self.where.line_of_span(span) or task_line, title)
            for date in sorted(gold_dates - set(predicted_dates)):
                self.miss("deadlines", "fn", date, task_line, title)
        for pi, pred_task in enumerate(pred):
            if pi in matched_pred:
                continue
            title = str(pred_task.get("title") or "")
            task_line = self._pred_task_line(pred_task)
            self.miss("tasks", "fp", f"{pred_task.get('section', '')} {title}".strip(), task_line)
            predicted_units = _pred_units(pred_task)
            units[1] += len(predicted_units)
            blind[1] += len(predicted_units)
            for role, name, span in predicted_units:
                line = self.where.line_of_span(span) or task_line
                self.miss("units", "fp", f"{role} {name}", line, title)
                self.miss("units_roleblind", "fp", name, line, title)
            predicted_dates = _pred_dates(pred_task)
            dates[1] += len(predicted_dates)
            for date, span in predicted_dates.items():
                self.miss("deadlines", "fp", date, self.where.line_of_span(span) or task_line, title)
        self.result.counts["units"] = (units[0], units[1], units[2])
        self.result.counts["units_roleblind"] = (blind[0], blind[1], blind[2])
        self.result.counts["deadlines"] = (dates[0], dates[1], dates[2])

    def _units(self, pred_task: dict[str, Any], gold_units: list[tuple[str, str]], title: str,
               task_line: int | None, units: list[int], blind: list[int]) -> None:
        predicted = _pred_units(pred_task)
        units[1] += len(predicted)
        blind[1] += len(predicted)
        for metric, counts, pred_keys, gold_keys, label in (
            ("units", units, [(r, n) for r, n, _ in predicted], gold_units, lambda k: f"{k[0]} {k[1]}"),
            ("units_roleblind", blind, [n for _, n, _ in predicted], [n for _, n in gold_units], str),
        ):
            extra, missing = _multiset_match(pred_keys, gold_keys)
            counts[0] += len(pred_keys) - len(extra)
            for pi in extra:
                line = self.where.line_of_span(predicted[pi][2]) or task_line
                self.miss(metric, "fp", label(pred_keys[pi]), line, title)
            for gi in missing:
                line = self.where.find(gold_units[gi][1], task_line) or task_line
                self.miss(metric, "fn", label(gold_keys[gi]), line, title)

    def targets(self) -> None:
        gold = self.gold.get("targets") or []
        source = self.pred.get("targets")
        if source is None:
            source = [t for task in self.pred.get("tasks") or [] for t in task.get("targets") or []]
        extra, missing = _multiset_match([_target_key(t) for t in source], [_target_key(t) for t in gold])
        self.result.counts["targets"] = (len(source) - len(extra), len(source), len(gold))
        for pi in extra:
            self.miss("targets", "fp", _target_label(source[pi]), self.where.line_of_span(source[pi].get("span")))
        for gi in missing:
            self.miss("targets", "fn", _target_label(gold[gi]), self.where.find(gold[gi].get("text")))

    def meta(self) -> None:
        gold = self.gold.get("meta") or {}
        pred = self.pred.get("meta") or {}
        ok = n = 0
        for key in META_FIELDS:
            if gold.get(key) is None:
                continue
            n += 1
            if norm(_iso(gold[key])) == norm(pred.get(key)):
                ok += 1
            else:
                line = self.where.find(gold[key]) if key != "date" else None
                self.miss("meta", "fn", f"{key}: expected {_iso(gold[key])!s}, got {pred.get(key)!s}", line)
        self.result.counts["meta"] = (ok, n, n)


def _section_label(section: dict[str, Any]) -> str:
    return f"L{section.get('level')} {section.get('number')} {section.get('title')}"


def score_document(stem: str, gold: dict[str, Any], pred: dict[str, Any], source_text: str | None = None) -> DocScore:
    """Score one prediction (the JSON tree of a plan) against one gold file's data."""
    return _Scorer(stem, gold or {}, pred or {}, Locator(source_text)).run()


# --- gold and predictions on disk ---------------------------------------------------------------


@dataclass(frozen=True)
class GoldFile:
    stem: str
    path: Path
    data: dict[str, Any]


def load_gold(gold_dir: Path, only: Iterable[str] | None = None) -> list[GoldFile]:
    """The ``*.gold.yaml`` files of ``gold_dir`` (safe YAML), sorted by name."""
    import yaml

    if not gold_dir.is_dir():
        raise InputError("not a directory of gold files", path=str(gold_dir))
    wanted = set(only) if only else None
    found = []
    for path in sorted(gold_dir.glob("*.gold.yaml")):
        stem = path.name[: -len(".gold.yaml")]
        if wanted is not None and stem not in wanted:
            continue
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8"))
        except (yaml.YAMLError, UnicodeDecodeError) as err:
            raise InputError(f"not a valid gold file: {str(err).splitlines()[0]}", path=str(path)) from None
        if data is not None and not isinstance(data, dict):
            raise InputError("not a valid gold file: a mapping is expected at its top", path=str(path))
        problem = _shape_problem(data or {})
        if problem is not None:
            raise InputError(f"not a valid gold file: {problem}", path=str(path))
        found.append(GoldFile(stem, path, data or {}))
    if not found:
        raise InputError("no *.gold.yaml files" + (" matching --docs" if wanted else ""), path=str(gold_dir))
    return found


_LIST_FIELDS = ("sections", "tasks", "targets", "phases")
_TASK_LISTS = ("lead", "responsible", "cooperating", "deadlines", "targets")


def _shape_problem(data: dict[str, Any]) -> str | None:
    """What is wrong with the shape of a gold file (GUIDE.md's format), or None."""
    meta = data.get("meta")
    if meta is not None and not isinstance(meta, dict):
        return "meta: a mapping is expected"
    for key in _LIST_FIELDS:
        items = data.get(key)
        if items is None:
            continue
        if not isinstance(items, list):
            return f"{key}: a list is expected"
        for n, item in enumerate(items):
            if not isinstance(item, dict):
                return f"{key}[{n}]: a mapping is expected"
    for n, section in enumerate(data.get("sections") or []):
        level = section.get("level")
        if level is not None and not (isinstance(level, int) or (isinstance(level, str) and level.strip().isdigit())):
            return f"sections[{n}].level: a number is expected, not {level!r}"
        if not isinstance(section.get("title", ""), str | int | float):
            return f"sections[{n}].title: a text is expected"
    for n, task in enumerate(data.get("tasks") or []):
        if not isinstance(task.get("title", ""), str | int | float):
            return f"tasks[{n}].title: a text is expected"
        for key in _TASK_LISTS:
            value = task.get(key)
            if value is not None and not isinstance(value, list):
                return f"tasks[{n}].{key}: a list is expected"
    return None


def find_document(gold: GoldFile, dirs: Iterable[Path]) -> Path | None:
    """The source document of a gold file: its ``document:`` name, else ``<stem>.<any reader suffix>``."""
    names = [str(gold.data["document"])] if gold.data.get("document") else []
    names += [gold.stem + suffix for suffix in DOCUMENT_SUFFIXES]
    for directory in dirs:
        for name in names:
            candidate = directory / name
            if candidate.is_file():
                return candidate
    return None


def _read_text(path: Path | None) -> str | None:
    if path is None:
        return None
    from .readers import read

    try:
        return read(path).raw
    except Exception:  # the source only gives line numbers to the explanation
        return None


def evaluate(
    gold_dir: Path,
    target_dir: Path | None = None,
    *,
    rules: Any = None,
    only: Iterable[str] | None = None,
    progress: Callable[[str], None] | None = None,
) -> EvalResult:
    """Score every gold file of ``gold_dir``.  For each, ``target_dir`` (default: ``gold_dir``)
    holds either the prediction ``<stem>.json`` or the document, which is then extracted with
    ``rules``.  A gold file with neither scores as an empty prediction."""
    target = target_dir or gold_dir
    if not target.is_dir():
        raise InputError("not a directory of documents or predictions", path=str(target))
    docs = []
    for gold in load_gold(gold_dir, only):
        if progress:
            progress(gold.stem)
        prediction_file = target / f"{gold.stem}.json"
        if prediction_file.is_file():
            try:
                pred = json.loads(prediction_file.read_text(encoding="utf-8"))
            except (ValueError, UnicodeDecodeError) as err:
                raise InputError(f"not a JSON prediction: {err}", path=str(prediction_file)) from None
            if not isinstance(pred, dict):
                raise InputError("not a JSON prediction: an object is expected", path=str(prediction_file))
            source_path = _source_of(pred, gold, [target, gold_dir])
            score = score_document(gold.stem, gold.data, pred, _read_text(source_path))
            score.source = str(prediction_file)
        else:
            document = find_document(gold, [target, gold_dir])
            if document is None:
                score = score_document(gold.stem, gold.data, {})
            else:
                from .export import render
                from .pipeline import extract
                from .readers import read

                read_doc = read(document)
                plan = extract(read_doc, rules)
                pred = json.loads(render(plan, "json"))
                score = score_document(gold.stem, gold.data, pred, read_doc.raw)
                score.source = str(document)
        docs.append(score)
    return EvalResult(docs)


def _source_of(pred: dict[str, Any], gold: GoldFile, dirs: list[Path]) -> Path | None:
    recorded = (pred.get("source") or {}).get("path") if isinstance(pred.get("source"), dict) else None
    if recorded and Path(recorded).is_file():
        return Path(recorded)
    if recorded:
        for directory in dirs:
            candidate = directory / Path(recorded).name
            if candidate.is_file():
                return candidate
    return find_document(gold, dirs)
