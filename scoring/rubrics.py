"""Rubrics as data: data/rubrics/<project_key>.yaml, validated at load with file and line in errors.

A rubric has criteria (key, name, max points, weight, descriptors) whose Σ max × weight is the full
mark (100), and a veto (一票否决) for 政治性 / 科学性 errors that disqualifies instead of costing points.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from checks.errors import RulesError
from checks.yaml_lines import LineDict, line_loader

RUBRICS_DIR = Path(__file__).resolve().parents[1] / "data" / "rubrics"
FULL_MARK = 100.0


@dataclass(frozen=True)
class Criterion:
    key: str
    name: str
    max: float
    weight: float = 1.0
    descriptors: tuple[str, ...] = ()

    @property
    def max_weighted(self) -> float:
        return self.max * self.weight


@dataclass(frozen=True)
class Veto:
    key: str
    name: str
    reasons: tuple[str, ...]
    description: str = ""


@dataclass(frozen=True)
class Rubric:
    project: str
    name: str
    criteria: tuple[Criterion, ...]
    veto: Veto
    path: str = ""
    by_key: dict = field(default_factory=dict, compare=False, repr=False)

    @property
    def max_total(self) -> float:
        return sum(c.max_weighted for c in self.criteria)

    def total(self, scores: dict[str, float]) -> float:
        """Σ points × weight, rounded to 2 decimals so SQL and Python agree on ties."""
        return round(sum(float(scores.get(c.key, 0) or 0) * c.weight for c in self.criteria), 2)

    def to_dict(self) -> dict:
        return {"project": self.project, "name": self.name, "max_total": self.max_total,
                "criteria": [{"key": c.key, "name": c.name, "max": c.max, "weight": c.weight,
                              "descriptors": list(c.descriptors)} for c in self.criteria],
                "veto": {"key": self.veto.key, "name": self.veto.name,
                         "reasons": list(self.veto.reasons), "description": self.veto.description}}


# Mappings from the shared line-aware loader remember the line of themselves and of each key.
_Mapping = LineDict


def _err(path, line, msg) -> RulesError:
    return RulesError(f"{path}:{line}: 评分标准错误：{msg}")


def _num(path, m: _Mapping, key: str, *, default=None, positive=True) -> float:
    v = m.get(key, default)
    line = m.key_lines.get(key, m.line)
    if isinstance(v, bool) or not isinstance(v, (int, float)):
        raise _err(path, line, f"“{key}”必须是数字，现为 {v!r}")
    if positive and v <= 0:
        raise _err(path, line, f"“{key}”必须大于 0，现为 {v!r}")
    return float(v)


def _text(path, m: _Mapping, key: str, *, required=True) -> str:
    v = m.get(key)
    if v is None and not required:
        return ""
    if not isinstance(v, str) or not v.strip():
        raise _err(path, m.key_lines.get(key, m.line), f"缺少“{key}”或它不是文字")
    return v.strip()


def parse_rubric(text: str, path: str, project: str | None = None) -> Rubric:
    """Parse and validate rubric YAML text; `path` is used in error messages only."""
    loader = line_loader()(text)
    try:
        doc = loader.get_single_data()
    except RulesError as exc:          # a duplicate key, reported with its line by the loader
        raise RulesError(f"{path}: 评分标准错误：{exc}") from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        raise _err(path, mark.line + 1 if mark else 1, f"YAML 语法错误：{exc.problem}") from None
    finally:
        loader.dispose()
    if not isinstance(doc, _Mapping):
        raise _err(path, 1, "文件内容必须是一个映射（project、name、criteria、veto）")
    unknown = set(doc) - {"project", "name", "criteria", "veto"}
    if unknown:
        k = sorted(unknown)[0]
        raise _err(path, doc.key_lines[k], f"未知的键“{k}”")
    key = _text(path, doc, "project")
    if project and key != project:
        raise _err(path, doc.key_lines["project"], f"project 应为 {project}，现为 {key}")
    name = _text(path, doc, "name")
    crit_nodes = doc.get("criteria")
    if not isinstance(crit_nodes, list) or not crit_nodes:
        raise _err(path, doc.key_lines.get("criteria", doc.line), "criteria 必须是非空列表")
    criteria, seen = [], set()
    for c in crit_nodes:
        if not isinstance(c, _Mapping):
            raise _err(path, doc.key_lines["criteria"], "criteria 的每一项必须是映射（key、name、max …）")
        extra = set(c) - {"key", "name", "max", "weight", "descriptors"}
        if extra:
            k = sorted(extra)[0]
            raise _err(path, c.key_lines[k], f"未知的键“{k}”")
        ckey = _text(path, c, "key")
        if not ckey.isidentifier():
            raise _err(path, c.key_lines["key"], f"指标 key “{ckey}”只能用英文字母、数字和下划线")
        if ckey in seen:
            raise _err(path, c.key_lines["key"], f"指标 key “{ckey}”重复")
        seen.add(ckey)
        desc = c.get("descriptors", [])
        if not isinstance(desc, list) or not all(isinstance(d, str) for d in desc):
            raise _err(path, c.key_lines.get("descriptors", c.line), "descriptors 必须是文字列表")
        criteria.append(Criterion(ckey, _text(path, c, "name"), _num(path, c, "max"),
                                  _num(path, c, "weight", default=1), tuple(desc)))
    total = sum(c.max_weighted for c in criteria)
    if abs(total - FULL_MARK) > 1e-9:
        raise _err(path, doc.key_lines["criteria"],
                   f"各指标满分 × 权重之和应为 {FULL_MARK:g}，现为 {total:g}")
    v = doc.get("veto")
    if not isinstance(v, _Mapping):
        raise _err(path, doc.key_lines.get("veto", doc.line), "缺少一票否决项 veto（key、name、reasons）")
    reasons = v.get("reasons")
    if not isinstance(reasons, list) or not reasons or not all(isinstance(r, str) for r in reasons):
        raise _err(path, v.key_lines.get("reasons", v.line), "veto.reasons 必须是非空的文字列表")
    vkey = _text(path, v, "key")
    if vkey in seen:
        raise _err(path, v.key_lines["key"], f"一票否决项 key “{vkey}”与指标重名")
    veto = Veto(vkey, _text(path, v, "name"), tuple(reasons), _text(path, v, "description", required=False))
    return Rubric(key, name, tuple(criteria), veto, path, {c.key: c for c in criteria})


_cache: dict[str, tuple[float, Rubric]] = {}


def load_rubric(project: str, directory: str | os.PathLike | None = None) -> Rubric:
    """The rubric of a project type, re-read when its file changes. Raises RulesError."""
    path = Path(directory or RUBRICS_DIR) / f"{project}.yaml"
    try:
        mtime = path.stat().st_mtime
    except OSError:
        raise RulesError(f"{path}:1: 评分标准错误：找不到项目 {project} 的评分标准文件") from None
    hit = _cache.get(str(path))
    if hit and hit[0] == mtime:
        return hit[1]
    rubric = parse_rubric(path.read_text(encoding="utf-8"), str(path), project)
    _cache[str(path)] = (mtime, rubric)
    return rubric


def load_rubrics(directory: str | os.PathLike | None = None) -> dict[str, Rubric]:
    """Every project type's rubric, keyed by project (all are validated)."""
    from scoring.contest import projects
    return {key: load_rubric(key, directory) for key in projects()}
