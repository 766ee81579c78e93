"""Reviewers (评委): who judges which project types and 学段, their school/district and load cap."""
from __future__ import annotations

import csv
import io
import os

from scoring import audit, contest
from scoring import db as _db
from scoring.errors import NotFound, ValidationError
from scoring.permissions import Actor, require_admin

CSV_COLUMNS = ("username", "name", "school", "district", "projects", "stages", "cap")


def _project_key(text: str) -> str:
    text = text.strip()
    projects = contest.projects()
    if text in projects:
        return text
    for key, p in projects.items():
        if text in (p.get("name"), p.get("folder")):
            return key
    raise ValidationError(f"未知的项目类别：{text}（可用：{'、'.join(projects)}）")


def _split(value: str) -> list[str]:
    return [v.strip() for v in (value or "").replace("；", ";").split(";") if v.strip()]


def clean_reviewer(rec: dict) -> dict:
    """Normalise one reviewer record (project names -> keys, 中职 -> 中等职业教育); raises ValidationError."""
    username = (rec.get("username") or "").strip()
    if not username:
        raise ValidationError("评委用户名不能为空")
    projects = rec.get("projects")
    projects = _split(projects) if isinstance(projects, str) else list(projects or [])
    stages = rec.get("stages")
    stages = _split(stages) if isinstance(stages, str) else list(stages or [])
    known = set(contest.stages()) | {"高职"}
    for s in stages:
        if s not in known:
            raise ValidationError(f"评委 {username} 的学段“{s}”无法识别")
    try:
        cap = int(rec.get("cap") if rec.get("cap") not in (None, "") else 30)
    except (TypeError, ValueError):
        raise ValidationError(f"评委 {username} 的评审上限“{rec.get('cap')}”不是整数") from None
    if cap < 0:
        raise ValidationError(f"评委 {username} 的评审上限不能为负数")
    active = rec.get("active", True)
    if isinstance(active, str):
        active = active.strip().lower() not in ("0", "false", "否", "no", "n")
    return {
        "username": username,
        "name": (rec.get("name") or username).strip(),
        "school": (rec.get("school") or "").strip(),
        "district": (rec.get("district") or "").strip(),
        "projects": sorted({_project_key(p) for p in projects}),
        "stages": sorted({contest.canonical_stage(s) for s in stages}),
        "cap": cap,
        "active": bool(active),
    }


def upsert_reviewers(actor: Actor, records: list[dict], *, db=None) -> int:
    """Admin: add or update reviewers (by username). Returns how many were written."""
    require_admin(actor)
    clean = [clean_reviewer(r) for r in records]

    def tx(cur):
        for r in clean:
            old = _db.rows(cur, "SELECT * FROM reviewers WHERE username = ?", [r["username"]])
            if not old or old[0] != r:
                audit.record(cur, actor, "reviewer.upsert", f"reviewer:{r['username']}",
                             old[0] if old else None, r)
            cur.execute("INSERT OR REPLACE INTO reviewers VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                        [r["username"], r["name"], r["school"], r["district"], r["projects"],
                         r["stages"], r["cap"], r["active"]])
    _db.write(tx, db)
    return len(clean)


def import_reviewers_csv(actor: Actor, path_or_text: str | os.PathLike, *, db=None) -> int:
    """Admin: load a CSV (username,name,school,district,projects,stages,cap; ';' inside a cell)."""
    if isinstance(path_or_text, str) and "\n" in path_or_text:
        text = path_or_text
    else:
        with open(path_or_text, encoding="utf-8-sig", newline="") as fh:
            text = fh.read()
    reader = csv.DictReader(io.StringIO(text))
    missing = [c for c in ("username", "projects", "stages") if c not in (reader.fieldnames or [])]
    if missing:
        raise ValidationError(f"评委名单缺少列：{'、'.join(missing)}（需要 {','.join(CSV_COLUMNS)}）")
    records = []
    for lineno, row in enumerate(reader, start=2):
        try:
            records.append(clean_reviewer(row))
        except ValidationError as exc:
            raise ValidationError(f"评委名单第 {lineno} 行：{exc}") from None
    return upsert_reviewers(actor, records, db=db)


def set_active(actor: Actor, username: str, active: bool, *, db=None) -> None:
    require_admin(actor)

    def tx(cur):
        old = cur.execute("SELECT active FROM reviewers WHERE username = ?", [username]).fetchone()
        if not old:
            raise NotFound(f"没有评委 {username}")
        cur.execute("UPDATE reviewers SET active = ? WHERE username = ?", [active, username])
        if bool(old[0]) != bool(active):
            audit.record(cur, actor, "reviewer.active", f"reviewer:{username}", {"active": bool(old[0])},
                         {"active": bool(active)})
    _db.write(tx, db)


def list_reviewers(actor: Actor, *, db=None) -> list[dict]:
    """Admin: all reviewers with their current load (assignments) and submitted count."""
    require_admin(actor)
    return _db.rows(_db.cursor(db), """
        SELECT r.*, count(a.work_id) AS load,
               count(*) FILTER (WHERE v.status = 'submitted') AS submitted
        FROM reviewers r
        LEFT JOIN assignments a ON a.reviewer = r.username
        LEFT JOIN reviews v ON v.work_id = a.work_id AND v.reviewer = a.reviewer
        GROUP BY ALL ORDER BY r.username""")
