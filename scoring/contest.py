"""The few facts scoring needs from data/rules/contest.yaml (project names, 学段, recusal)."""
from __future__ import annotations

import functools
from pathlib import Path

import yaml

RULES_PATH = Path(__file__).resolve().parents[1] / "data" / "rules" / "contest.yaml"

# Notices write the vocational 学段 both ways; rankings group them as one.
STAGE_ALIASES = {"中职": "中等职业教育"}


@functools.lru_cache(maxsize=4)
def _load(path: str) -> dict:
    with open(path, encoding="utf-8") as fh:
        return yaml.safe_load(fh)


def rules(path: Path | None = None) -> dict:
    return _load(str(path or RULES_PATH))


def projects() -> dict[str, dict]:
    return rules()["projects"]


def project_name(key: str | None) -> str:
    return projects().get(key or "", {}).get("name", key or "未识别")


def stages() -> list[str]:
    return list(rules()["stages"])


def canonical_stage(stage: str | None) -> str | None:
    if not stage:
        return stage
    stage = stage.strip()
    return STAGE_ALIASES.get(stage, stage)


def recusal(project: str | None, subtype: str | None) -> str:
    """'district' when a judge must not judge works of their own district, else 'school'."""
    sub = (projects().get(project or "", {}).get("subtypes") or {}).get(subtype or "", {})
    return sub.get("recusal", "school")


def subtype_names(project: str) -> dict[str, str]:
    return {k: v.get("name", k) for k, v in (projects().get(project, {}).get("subtypes") or {}).items()}
