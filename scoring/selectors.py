"""Reads. Reviewers only ever get the blind view: no author names, school, district,
registration form or level-1 folder name, and only for works assigned to them without conflict."""
from __future__ import annotations

import json

from scoring import contest
from scoring import db as _db
from scoring.blind_files import blind_files, redact, secrets, viewable_work, work_files
from scoring.errors import NotFound, PermissionDenied
from scoring.permissions import Actor, require_admin
from scoring.reviews import _work_for_reviewer
from scoring.rubrics import load_rubric

BLIND_FIELDS = ("id", "project", "project_name", "subtype", "stage", "title", "files")


def _blind(work: dict, files: list[dict]) -> dict:
    return {"id": work["id"], "project": work["project"], "project_name": contest.project_name(work["project"]),
            "subtype": work["subtype"], "stage": work["stage"], "title": redact(work["title"] or "", secrets(work)),
            "files": [{k: v for k, v in f.items() if k != "ref"} for f in blind_files(work, files)]}


def blind_work(actor: Actor, work_id: int, *, db=None) -> dict:
    """The blind view of one work plus its rubric and the caller's own review (if any).
    A reviewer must be assigned and free of conflict; an admin sees the same blind view."""
    cur = _db.cursor(db)
    w = viewable_work(cur, actor, work_id)
    out = _blind(w, work_files(cur, work_id))
    out["rubric"] = load_rubric(w["project"]).to_dict()
    out["review"] = None if actor.is_admin else get_review(actor, work_id, db=db)
    return out


# A review is 退回 (returned) while its last status change is an admin's submitted -> draft: the
# reason is that change's note. Resubmitting adds a later status change, which ends it.
_RETURNED_SQL = """
    SELECT work_id, reviewer, reason FROM (
        SELECT work_id, reviewer, arg_max(old, id) AS old, arg_max(new, id) AS new, arg_max(note, id) AS reason
        FROM score_history WHERE field = 'status' AND reviewer = ? GROUP BY work_id, reviewer)
    WHERE old = 'submitted' AND new = 'draft'"""


def reviewer_queue(actor: Actor, *, db=None) -> list[dict]:
    """A reviewer's assigned works (blind fields only) with their review status and total."""
    cur = _db.cursor(db)
    me = _db.rows(cur, "SELECT school, district FROM reviewers WHERE username = ?", [actor.username])
    works = _db.rows(cur, f"""
        SELECT w.*, coalesce(v.status, 'todo') AS review_status, v.total, v.veto, h.reason AS returned_reason
        FROM assignments a JOIN works w ON w.id = a.work_id
        LEFT JOIN reviews v ON v.work_id = a.work_id AND v.reviewer = a.reviewer
        LEFT JOIN ({_RETURNED_SQL}) h ON h.work_id = a.work_id AND h.reviewer = a.reviewer
            AND v.status = 'draft'
        WHERE a.reviewer = ? ORDER BY w.project, w.stage, w.id""", [actor.username, actor.username])
    from scoring.recusal import conflict
    out = []
    for w in works:
        if me and conflict(me[0], w):
            continue
        item = {k: v for k, v in _blind(w, []).items() if k != "files"}
        item.update(review_status=w["review_status"], total=w["total"], veto=w["veto"],
                    returned_reason=w["returned_reason"])
        out.append(item)
    return out


def get_review(actor: Actor, work_id: int, reviewer: str | None = None, *, db=None) -> dict | None:
    """One review: a reviewer reads only their own; an admin reads anyone's (reviewer= required)."""
    reviewer = reviewer or actor.username
    if not actor.is_admin and reviewer != actor.username:
        raise PermissionDenied("只能查看自己的评审。")
    cur = _db.cursor(db)
    if not actor.is_admin:
        _work_for_reviewer(cur, work_id, actor.username)
    r = _db.rows(cur, "SELECT * FROM reviews WHERE work_id = ? AND reviewer = ?", [work_id, reviewer])
    if not r:
        return None
    r = r[0]
    r["scores"] = json.loads(r["scores"])
    back = _db.rows(cur, f"SELECT reason FROM ({_RETURNED_SQL}) WHERE work_id = ?", [reviewer, work_id])
    r["returned_reason"] = back[0]["reason"] if back and r["status"] == "draft" else None
    return r


def list_works(actor: Actor, *, project: str | None = None, stage: str | None = None, db=None) -> list[dict]:
    """Admin: every work with its 初审 status, eligibility findings and review counts."""
    require_admin(actor)
    where, params = [], []
    if project:
        where.append("w.project = ?"); params.append(project)
    if stage:
        where.append("w.stage = ?"); params.append(stage)
    rows = _db.rows(_db.cursor(db), f"""
        SELECT w.id, w.project, w.subtype, w.stage, w.school, w.district, w.title, w.authors,
               w.folder_name, w.source_path, w.precheck_status, w.eligibility, w.excluded, w.imported_at,
               (SELECT count(*) FROM assignments a WHERE a.work_id = w.id) AS n_assigned,
               (SELECT count(*) FROM reviews v JOIN assignments a USING (work_id, reviewer)
                 WHERE v.work_id = w.id AND v.status = 'submitted') AS n_submitted
        FROM works w {'WHERE ' + ' AND '.join(where) if where else ''} ORDER BY w.id""", params)
    for r in rows:
        r["eligibility"] = json.loads(r["eligibility"])
    return rows


def work_detail(actor: Actor, work_id: int, *, db=None) -> dict:
    """Admin: everything about a work: fields, files with hashes, 初审 report, assignments, reviews."""
    require_admin(actor)
    cur = _db.cursor(db)
    w = _db.rows(cur, "SELECT * FROM works WHERE id = ?", [work_id])
    if not w:
        raise NotFound(f"作品 {work_id} 不存在")
    w = w[0]
    w.pop("text_sketch", None)
    w["eligibility"] = json.loads(w["eligibility"])
    w["precheck_report"] = json.loads(w["precheck_report"]) if w["precheck_report"] else None
    w["files"] = _db.rows(cur, "SELECT * FROM work_files WHERE work_id = ? ORDER BY path", [work_id])
    w["assignments"] = _db.rows(cur, "SELECT * FROM assignments WHERE work_id = ? ORDER BY reviewer", [work_id])
    w["reviews"] = _db.rows(cur, "SELECT * FROM reviews WHERE work_id = ? ORDER BY reviewer", [work_id])
    for r in w["reviews"]:
        r["scores"] = json.loads(r["scores"])
    return w


def score_history(actor: Actor, *, work_id: int | None = None, reviewer: str | None = None, db=None) -> list[dict]:
    """Admin: the append-only change log, oldest first."""
    require_admin(actor)
    where, params = [], []
    if work_id is not None:
        where.append("work_id = ?"); params.append(work_id)
    if reviewer:
        where.append("reviewer = ?"); params.append(reviewer)
    return _db.rows(_db.cursor(db), "SELECT * FROM score_history "
                    f"{'WHERE ' + ' AND '.join(where) if where else ''} ORDER BY id", params)


def all_scores(actor: Actor, *, db=None) -> list[dict]:
    """Admin: every review of a currently assigned reviewer: {work_id, reviewer, total, submitted, ...}."""
    require_admin(actor)
    rows = _db.rows(_db.cursor(db), """
        SELECT v.work_id, v.reviewer, r.name AS reviewer_name, w.project, w.stage, w.title,
               v.total, v.status = 'submitted' AS submitted, v.veto, v.veto_reason, v.scores,
               v.comment, v.internal_note, v.updated_at
        FROM reviews v JOIN assignments a USING (work_id, reviewer)
        JOIN works w ON w.id = v.work_id LEFT JOIN reviewers r ON r.username = v.reviewer
        ORDER BY v.work_id, v.reviewer""")
    for r in rows:
        r["scores"] = json.loads(r["scores"])
    return rows


def progress(actor: Actor, *, db=None) -> dict:
    """Admin: {"reviewers": [{username, name, assigned, submitted, draft, todo}],
    "projects": [{project, project_name, stage, works, eligible, assigned_works, fully_reviewed}]}."""
    require_admin(actor)
    cur = _db.cursor(db)
    reviewers = _db.rows(cur, """
        SELECT r.username, r.name, count(a.work_id) AS assigned,
               count(*) FILTER (WHERE v.status = 'submitted') AS submitted,
               count(*) FILTER (WHERE v.status = 'draft') AS draft,
               count(a.work_id) - count(v.work_id) AS todo
        FROM reviewers r LEFT JOIN assignments a ON a.reviewer = r.username
        LEFT JOIN reviews v ON v.work_id = a.work_id AND v.reviewer = a.reviewer
        GROUP BY ALL ORDER BY r.username""")
    projects = _db.rows(cur, """
        WITH per_work AS (
            SELECT w.id, w.project, w.stage, w.precheck_status = 'pass' AND NOT w.excluded AS eligible,
                   count(a.reviewer) AS n_assigned,
                   count(*) FILTER (WHERE v.status = 'submitted') AS n_submitted
            FROM works w LEFT JOIN assignments a ON a.work_id = w.id
            LEFT JOIN reviews v ON v.work_id = a.work_id AND v.reviewer = a.reviewer
            GROUP BY ALL)
        SELECT project, stage, count(*) AS works, count(*) FILTER (WHERE eligible) AS eligible,
               count(*) FILTER (WHERE n_assigned > 0) AS assigned_works,
               count(*) FILTER (WHERE n_assigned > 0 AND n_submitted = n_assigned) AS fully_reviewed
        FROM per_work GROUP BY ALL ORDER BY project, stage""")
    for p in projects:
        p["project_name"] = contest.project_name(p["project"])
    return {"reviewers": reviewers, "projects": projects}
