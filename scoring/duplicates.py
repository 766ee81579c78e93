"""一稿多投 candidates for a person to decide: the evidence of each pair side by side, and the
admin's decision (keep both, exclude one, exclude both). `eligibility.compute` only finds the
pairs; nothing is excluded until an admin decides here.
"""
from __future__ import annotations

import json

from scoring import audit
from scoring import db as _db
from scoring.errors import NotFound, ValidationError
from scoring.permissions import Actor, require_admin
from scoring.works import exclude_in_tx

_COLS = "id, title, project, stage, school, authors, folder_name, excluded, eligibility"


def _decision(findings: list[dict], pair: list[int]) -> dict | None:
    found = [f for f in findings if f.get("rule") == "eligibility.duplicate_decision" and f.get("pair") == pair]
    return found[-1] if found else None


def candidates(actor: Actor, *, db=None) -> list[dict]:
    """Admin: every 一稿多投 pair once, lower id first: {"pair": [a, b], "works": [dict, dict],
    "same_files": [[path in a, path in b]], "similarity": float | None, "reason": str,
    "decision": None | {"exclude": [ids], "note", "actor"}}. Undecided pairs first."""
    require_admin(actor)
    rows = {w["id"]: w for w in _db.rows(_db.cursor(db), f"SELECT {_COLS} FROM works "
                                         "WHERE eligibility LIKE '%eligibility.duplicate%' ORDER BY id")}
    out = []
    for wid, w in rows.items():
        w["eligibility"] = json.loads(w["eligibility"])
    for wid, w in rows.items():
        for f in w["eligibility"]:
            other = f.get("other")
            if f.get("rule") != "eligibility.duplicate" or other not in rows or other < wid:
                continue
            ev = f.get("evidence") or {}
            pair = [wid, other]
            out.append({"pair": pair, "works": [_public(w), _public(rows[other])],
                        "same_files": ev.get("same_files") or [], "similarity": ev.get("similarity"),
                        "reason": f.get("message", ""), "decision": _decision(w["eligibility"], pair)})
    out.sort(key=lambda c: (c["decision"] is not None, c["pair"]))
    return out


def _public(w: dict) -> dict:
    return {k: w[k] for k in ("id", "title", "project", "stage", "school", "authors", "folder_name", "excluded")}


def decide(actor: Actor, work_a: int, work_b: int, exclude: list[int], note: str = "", *, db=None) -> None:
    """Admin: decide a 一稿多投 pair. `exclude` is [] (keep both), one of the two ids, or both.
    Exclusions go through the same admin exclusion as `works.set_excluded`; a work kept that an
    earlier decision on this pair had excluded is restored. All of it is in the audit record."""
    require_admin(actor)
    pair = sorted([int(work_a), int(work_b)])
    exclude = sorted({int(i) for i in exclude})
    if not set(exclude) <= set(pair):
        raise ValidationError("只能排除这一对作品中的作品")

    def tx(cur):
        found = {r[0]: json.loads(r[1]) for r in cur.execute(
            "SELECT id, eligibility FROM works WHERE id IN (?, ?)", pair).fetchall()}
        if len(found) != 2:
            raise NotFound("作品不存在")
        if not any(f.get("rule") == "eligibility.duplicate" and f.get("other") == pair[1] for f in found[pair[0]]):
            raise ValidationError(f"作品 {pair[0]} 与 {pair[1]} 不是一稿多投候选")
        before = _decision(found[pair[0]], pair)
        entry = {"rule": "eligibility.duplicate_decision", "level": "info", "pair": pair, "exclude": exclude,
                 "note": note, "actor": actor.username,
                 "message": ("管理员核定一稿多投：" + ("两件均保留" if not exclude else
                             "排除作品 " + "、".join(map(str, exclude))) + (f"（{note}）" if note else ""))}
        for wid in pair:
            cur.execute("UPDATE works SET eligibility = ? WHERE id = ?",
                        [json.dumps(found[wid] + [entry], ensure_ascii=False), wid])
        why = f"一稿多投（与作品 {pair[1] if pair[0] in exclude else pair[0]}）" + (f"：{note}" if note else "")
        for wid in pair:
            if wid in exclude:
                exclude_in_tx(cur, actor, wid, True, why)
            elif before and wid in (before.get("exclude") or []):
                exclude_in_tx(cur, actor, wid, False, "一稿多投改判为保留" + (f"：{note}" if note else ""))
        audit.record(cur, actor, "duplicate.decide", f"pair:{pair[0]},{pair[1]}",
                     {"exclude": before.get("exclude")} if before else None, {"exclude": exclude, "note": note},
                     work_id=pair[0])
    _db.write(tx, db)
