"""Assigning reviewers to works: automatic (load-balanced within caps) and manual override.

Automatic assignment fills each eligible work (初审 passed, not excluded) up to the
`reviewers_per_work` setting. Works with the fewest possible reviewers go first; each takes the
candidates with the lowest current load. A candidate is active, judges the work's project type and
学段, is not yet assigned to it, is below their cap and has no recusal conflict (scoring.recusal).
"""
from __future__ import annotations

import random
from collections import Counter

from scoring import audit, contest
from scoring import db as _db
from scoring.errors import NotFound, PermissionDenied, ValidationError
from scoring.permissions import Actor, require_admin
from scoring.recusal import conflict
from scoring.settings import read_settings

_WORK_COLS = "id, title, project, subtype, stage, school, district, folder_name"

REASON_ORDER = ("项目类别不符", "学段不符", "同校回避", "同区县回避", "已达评审上限")


def _why_not(rev: dict, work: dict, load: int, assigned: set) -> str | None:
    if work["project"] not in rev["projects"]:
        return "项目类别不符"
    if work["stage"] not in rev["stages"]:
        return "学段不符"
    c = conflict(rev, work)
    if c:
        return c
    if rev["username"] in assigned:
        return "已分配"
    if load >= rev["cap"]:
        return "已达评审上限"
    return None


def auto_assign(actor: Actor, *, seed: int | None = 0, db=None) -> dict:
    """Admin: top up every eligible work to N reviewers. Returns
    {"assigned": new_count, "uncovered": [{work_id, title, project, stage, needed, assigned, reason}]}.
    Existing (including manual) assignments are kept. Deterministic for a given seed."""
    require_admin(actor)
    cur = _db.cursor(db)
    n_per = read_settings(cur)["reviewers_per_work"]
    works = _db.rows(cur, f"SELECT {_WORK_COLS} FROM works WHERE precheck_status = 'pass' "
                          "AND NOT excluded ORDER BY id")
    reviewers = _db.rows(cur, "SELECT * FROM reviewers WHERE active ORDER BY username")
    current: dict[int, set] = {}
    load: Counter = Counter()
    for wid, rname in cur.execute("SELECT work_id, reviewer FROM assignments").fetchall():
        current.setdefault(wid, set()).add(rname)
        load[rname] += 1
    by_ps: dict[tuple, list[dict]] = {}
    for r in reviewers:
        for p in r["projects"]:
            for s in r["stages"]:
                by_ps.setdefault((p, s), []).append(r)
    rng = random.Random(seed)
    tiebreak = {r["username"]: rng.random() for r in reviewers}

    def candidates(w):
        assigned = current.get(w["id"], set())
        return [r for r in by_ps.get((w["project"], w["stage"]), [])
                if r["username"] not in assigned and not conflict(r, w)]

    todo = [w for w in works if len(current.get(w["id"], ())) < n_per]
    todo.sort(key=lambda w: (len(candidates(w)), w["id"]))
    new_rows = []
    for w in todo:
        need = n_per - len(current.get(w["id"], ()))
        pool = [r for r in candidates(w) if load[r["username"]] < r["cap"]]
        pool.sort(key=lambda r: (load[r["username"]], tiebreak[r["username"]]))
        for r in pool[:need]:
            current.setdefault(w["id"], set()).add(r["username"])
            load[r["username"]] += 1
            new_rows.append((w["id"], r["username"]))

    def tx(c):
        for wid, rname in new_rows:
            c.execute("INSERT INTO assignments (work_id, reviewer, manual, assigned_by) "
                      "VALUES (?, ?, FALSE, ?) ON CONFLICT DO NOTHING", [wid, rname, actor.username])
        _db.mark_dirty(c, [wid for wid, _ in new_rows])
        audit.record(c, actor, "assign.auto", None, None,
                     {"assigned": len(new_rows), "pairs": [list(p) for p in new_rows]})
    if new_rows:
        _db.write(tx, db)

    uncovered = []
    for w in works:
        have = current.get(w["id"], set())
        if len(have) >= n_per:
            continue
        why = Counter()
        for r in reviewers:
            reason = _why_not(r, w, load[r["username"]], have)
            if reason and reason != "已分配":
                why[reason] += 1
        detail = "、".join(f"{k} {why[k]} 位" for k in REASON_ORDER if why[k])
        reason = (f"需要 {n_per} 位评委，只分配到 {len(have)} 位：在岗评委共 {len(reviewers)} 位"
                  + (f"，其中{detail}" if detail else "")) if reviewers else "没有在岗评委"
        uncovered.append({"work_id": w["id"], "title": w["title"], "project": w["project"],
                          "stage": w["stage"], "needed": n_per, "assigned": len(have), "reason": reason})
    return {"assigned": len(new_rows), "uncovered": uncovered}


def _load_pair(cur, work_id: int, username: str) -> tuple[dict, dict]:
    w = _db.rows(cur, f"SELECT {_WORK_COLS} FROM works WHERE id = ?", [work_id])
    if not w:
        raise NotFound(f"作品 {work_id} 不存在")
    r = _db.rows(cur, "SELECT * FROM reviewers WHERE username = ?", [username])
    if not r:
        raise NotFound(f"评委 {username} 不存在")
    return w[0], r[0]


def assign(actor: Actor, work_id: int, reviewer: str, *, db=None) -> dict:
    """Admin override: assign one reviewer to one work. Refuses a recusal conflict or an inactive
    reviewer; may exceed the cap or cross project/学段 (the result lists such warnings)."""
    require_admin(actor)
    w, r = _load_pair(_db.cursor(db), work_id, reviewer)
    c = conflict(r, w)
    if c:
        raise PermissionDenied(f"不能分配：评委 {r['name']} 与作品“{w['title']}”需{c}。")
    if not r["active"]:
        raise ValidationError(f"评委 {r['name']} 已停用，不能分配。")
    warnings = []
    if w["project"] not in r["projects"]:
        warnings.append(f"评委 {r['name']} 不负责该项目类别（{contest.project_name(w['project'])}）")
    if w["stage"] not in r["stages"]:
        warnings.append(f"评委 {r['name']} 不负责该学段（{w['stage']}）")

    def tx(cur):
        load = cur.execute("SELECT count(*) FROM assignments WHERE reviewer = ?", [reviewer]).fetchone()[0]
        before = [r[0] for r in cur.execute("SELECT reviewer FROM assignments WHERE work_id = ? ORDER BY reviewer",
                                            [work_id]).fetchall()]
        cur.execute("INSERT INTO assignments (work_id, reviewer, manual, assigned_by) VALUES (?, ?, TRUE, ?) "
                    "ON CONFLICT DO NOTHING", [work_id, reviewer, actor.username])
        _db.mark_dirty(cur, [work_id])
        if reviewer not in before:
            audit.record(cur, actor, "assign", f"work:{work_id}", {"reviewers": before},
                         {"reviewers": sorted([*before, reviewer]), "added": reviewer}, work_id=work_id)
        return load
    load = _db.write(tx, db)
    if load + 1 > r["cap"]:
        warnings.append(f"评委 {r['name']} 的评审量（{load + 1}）超过上限 {r['cap']}")
    return {"work_id": work_id, "reviewer": reviewer, "warnings": warnings}


def unassign(actor: Actor, work_id: int, reviewer: str, *, discard_review: bool = False, db=None) -> None:
    """Admin override: remove an assignment. A review already started is kept unless
    discard_review=True, in which case it is deleted and the deletion goes to the history."""
    require_admin(actor)

    def tx(cur):
        _db.flush_pending(cur)
        review = cur.execute("SELECT scores, status FROM reviews WHERE work_id = ? AND reviewer = ?",
                             [work_id, reviewer]).fetchone()
        if review and not discard_review:
            raise ValidationError("该评委已开始评审此作品；如确需取消，请选择同时作废其评分。")
        before = [r[0] for r in cur.execute("SELECT reviewer FROM assignments WHERE work_id = ? ORDER BY reviewer",
                                            [work_id]).fetchall()]
        if reviewer not in before:
            raise NotFound(f"评委 {reviewer} 未被分配作品 {work_id}")
        cur.execute("DELETE FROM assignments WHERE work_id = ? AND reviewer = ?", [work_id, reviewer])
        audit.record(cur, actor, "unassign", f"work:{work_id}",
                     {"reviewers": before, "review": review[1] if review else None},
                     {"reviewers": [r for r in before if r != reviewer], "removed": reviewer,
                      "review_discarded": bool(review)}, work_id=work_id)
        _db.mark_dirty(cur, [work_id])
        if review:
            cur.execute("DELETE FROM reviews WHERE work_id = ? AND reviewer = ?", [work_id, reviewer])
            cur.execute("INSERT INTO score_history (actor, work_id, reviewer, field, old, new, note) "
                        "VALUES (?, ?, ?, 'review', ?, NULL, '取消分配并作废评分')",
                        [actor.username, work_id, reviewer, review[0]])
    _db.write(tx, db)
