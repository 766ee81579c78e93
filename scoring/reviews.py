"""Writing reviews. Rules live here, not in pages:

- only the reviewer assigned to a work writes its review (and never across a recusal conflict);
- each criterion score is a number within 0..max of the project's rubric;
- a submitted review is locked until an admin reopens it;
- every change (scores, veto, comments, status) is appended to score_history in the same transaction.
"""
from __future__ import annotations

import json
import math
from datetime import datetime

from scoring import audit
from scoring import db as _db
from scoring.errors import NotFound, PermissionDenied, ValidationError
from scoring.permissions import Actor, require_admin, require_reviewer
from scoring.recusal import conflict
from scoring.rubrics import Rubric, load_rubric

DRAFT, SUBMITTED = "draft", "submitted"
_TEXT_LIMIT = 5000


def validate_scores(rubric: Rubric, scores: dict) -> dict[str, float | None]:
    """Check keys and ranges; returns {criterion: float, or None to clear it}. Raises
    ValidationError in Chinese."""
    if not isinstance(scores, dict):
        raise ValidationError("评分必须是“指标: 分数”的形式")
    clean = {}
    for key, value in scores.items():
        c = rubric.by_key.get(key)
        if c is None:
            raise ValidationError(f"评分标准中没有指标“{key}”")
        if value is None:
            clean[key] = None           # the reviewer emptied the field: clear the saved score
            continue
        try:
            v = float(value)
        except (TypeError, ValueError):
            raise ValidationError(f"“{c.name}”的分数必须是数字，收到 {value!r}") from None
        if isinstance(value, bool) or math.isnan(v) or not 0 <= v <= c.max:
            raise ValidationError(f"“{c.name}”的分数必须在 0 到 {c.max:g} 之间，收到 {value!r}")
        clean[key] = round(v, 2)
    return clean


def _fmt(v) -> str | None:
    if v is None:
        return None
    if isinstance(v, float):
        return f"{v:g}"
    return str(v)


def _check_text(name: str, value: str | None) -> None:
    if value is not None and (not isinstance(value, str) or len(value) > _TEXT_LIMIT):
        raise ValidationError(f"{name}必须是文字，且不超过 {_TEXT_LIMIT} 字")


_CONTEXT_SQL = """
    SELECT k.w AS key_w, k.u AS key_u, w.id, w.project, w.subtype, w.school, w.district, w.folder_name,
           a.reviewer IS NOT NULL AS assigned, r.school AS r_school, r.district AS r_district,
           coalesce(r.active, FALSE) AS r_active,
           v.scores, v.veto, v.veto_reason, v.comment, v.internal_note, v.status, v.created_at
    FROM (SELECT unnest($w::INTEGER[]) AS w, unnest($u::VARCHAR[]) AS u) k
    JOIN works w ON w.id = k.w
    LEFT JOIN assignments a ON a.work_id = k.w AND a.reviewer = k.u
    LEFT JOIN reviewers r ON r.username = k.u
    LEFT JOIN reviews v ON v.work_id = k.w AND v.reviewer = k.u"""
_ONE_CONTEXT_SQL = """
    SELECT w.id, w.project, w.subtype, w.school, w.district, w.folder_name,
           a.reviewer IS NOT NULL AS assigned, r.school AS r_school, r.district AS r_district,
           coalesce(r.active, FALSE) AS r_active,
           v.scores, v.veto, v.veto_reason, v.comment, v.internal_note, v.status, v.created_at
    FROM works w
    LEFT JOIN assignments a ON a.work_id = w.id AND a.reviewer = $u
    LEFT JOIN reviewers r ON r.username = $u
    LEFT JOIN reviews v ON v.work_id = w.id AND v.reviewer = $u
    WHERE w.id = $w"""
_INT32 = range(-2 ** 31, 2 ** 31)


def _load_contexts(cur, keys: list[tuple[int, str]]) -> dict[tuple[int, str], dict]:
    """Work + assignment + reviewer + existing review for many (work_id, username) at once: the
    writer runs this once per batch of saves instead of one query per save."""
    found = _db.rows(cur, _CONTEXT_SQL, {"w": [k[0] for k in keys], "u": [k[1] for k in keys]})
    return {(f.pop("key_w"), f.pop("key_u")): f for f in found}


def _context_key(work_id, username) -> tuple[int, str] | None:
    """The batchable key, or None for ids a batch query must not see (it would fail them all)."""
    if type(work_id) is int and work_id in _INT32 and type(username) is str:
        return (work_id, username)
    return None


def _context(cur, work_id: int, username: str) -> dict:
    """Work + assignment + reviewer + existing review (writes are latency-bound, so one query, and
    on the writer one per batch), after checking the reviewer is assigned, active and not in conflict."""
    key = _context_key(work_id, username)
    if key is not None:
        found = _db.batch_lookup(cur, _load_contexts, key)
    else:
        found = next(iter(_db.rows(cur, _ONE_CONTEXT_SQL, {"w": work_id, "u": username})), None)
    if not found or not found["assigned"]:
        # Same message for both: a reviewer must not learn which work ids exist.
        raise PermissionDenied("您未被分配评审该作品。")
    ctx = dict(found)
    ctx.update(_db.pending_row("reviews", (work_id, username)) or {})   # earlier unit, same batch
    if not ctx["r_active"]:
        raise PermissionDenied("您的评委账号未启用。")
    if conflict({"school": ctx["r_school"], "district": ctx["r_district"]}, ctx):
        raise PermissionDenied("该作品需回避，您不能评审。")
    return ctx


def _work_for_reviewer(cur, work_id: int, username: str) -> dict:
    return _context(cur, work_id, username)


def save_review(actor: Actor, work_id: int, scores: dict | None = None, *, comment: str | None = None,
                internal_note: str | None = None, veto: bool | None = None, veto_reason: str | None = None,
                submit: bool = False, db=None) -> dict:
    """Reviewer: create or update their review of a work (partial updates allowed while a draft).

    `scores` maps criterion keys to points; omitted keys keep their value, None clears one (the
    saved review is always what the reviewer's form shows). `veto=True` needs a
    `veto_reason` from the rubric's veto reasons. `submit=True` requires every criterion scored and
    locks the review. Returns the review as a dict."""
    require_reviewer(actor)
    _check_text("给教师的评语", comment)
    _check_text("内部备注", internal_note)

    def tx(cur):
        ctx = _context(cur, work_id, actor.username)
        rubric = load_rubric(ctx["project"])
        new_scores = validate_scores(rubric, scores or {})
        old = ctx if ctx["status"] is not None else None
        if old and old["status"] == SUBMITTED:
            raise PermissionDenied("该评审已提交并锁定；如需修改，请联系管理员退回。")
        old_scores = json.loads(old["scores"]) if old else {}
        merged = {**old_scores, **new_scores}
        merged = {c.key: merged[c.key] for c in rubric.criteria if merged.get(c.key) is not None}
        new_veto = bool(old["veto"]) if old and veto is None else bool(veto)
        new_reason = (old["veto_reason"] if old else None) if veto_reason is None else veto_reason
        if not new_veto:
            new_reason = None
        elif new_reason not in rubric.veto.reasons:
            raise ValidationError(f"一票否决须选择理由：{'、'.join(rubric.veto.reasons)}")
        new_comment = (old["comment"] if old else None) if comment is None else comment
        new_note = (old["internal_note"] if old else None) if internal_note is None else internal_note
        status = SUBMITTED if submit else DRAFT
        if submit:
            missing = [c.name for c in rubric.criteria if c.key not in merged]
            if missing:
                raise ValidationError(f"还有指标未评分，不能提交：{'、'.join(missing)}")
        total = rubric.total(merged)

        changes = [(k, old_scores.get(k), merged.get(k)) for k in {**old_scores, **merged}
                   if old_scores.get(k) != merged.get(k)]
        changes += [(f, o, n) for f, o, n in (
            ("veto", bool(old["veto"]) if old else False, new_veto),
            ("veto_reason", old["veto_reason"] if old else None, new_reason),
            ("comment", old["comment"] if old else None, new_comment),
            ("internal_note", old["internal_note"] if old else None, new_note),
            ("status", old["status"] if old else None, status)) if o != n]
        now = datetime.now()
        _db.upsert_row(cur, "reviews", (work_id, actor.username), {
            "work_id": work_id, "reviewer": actor.username, "scores": json.dumps(merged), "total": total,
            "veto": new_veto, "veto_reason": new_reason, "comment": new_comment, "internal_note": new_note,
            "status": status, "created_at": old["created_at"] if old else now, "updated_at": now,
            "submitted_at": now if submit else None})
        _db.mark_dirty(cur, [work_id])
        if changes:
            _history(cur, actor.username, work_id, actor.username,
                     [(f, _fmt(o), _fmt(n), None) for f, o, n in changes])
        return {"work_id": work_id, "reviewer": actor.username, "scores": merged, "total": total,
                "veto": new_veto, "veto_reason": new_reason, "comment": new_comment,
                "internal_note": new_note, "status": status}
    key = _context_key(work_id, actor.username)
    return _db.write(tx, db, lookup=(_load_contexts, key) if key is not None else None)


def submit_review(actor: Actor, work_id: int, *, db=None) -> dict:
    """Reviewer: submit (and lock) their review as it stands."""
    return save_review(actor, work_id, submit=True, db=db)


def reopen_review(actor: Actor, work_id: int, reviewer: str, reason: str, *, db=None) -> None:
    """Admin: unlock a submitted review so its reviewer can change it (退回修改)."""
    require_admin(actor)
    if not reason or not str(reason).strip():
        raise ValidationError("退回评审必须填写原因")

    def tx(cur):
        _db.flush_pending(cur)
        row = cur.execute("SELECT status FROM reviews WHERE work_id = ? AND reviewer = ?",
                          [work_id, reviewer]).fetchone()
        if not row:
            raise NotFound(f"评委 {reviewer} 尚未评审作品 {work_id}")
        if row[0] != SUBMITTED:
            raise ValidationError("该评审尚未提交，无需退回")
        cur.execute("UPDATE reviews SET status = 'draft', submitted_at = NULL, updated_at = now() "
                    "WHERE work_id = ? AND reviewer = ?", [work_id, reviewer])
        _db.mark_dirty(cur, [work_id])
        _history(cur, actor.username, work_id, reviewer, [("status", SUBMITTED, DRAFT, str(reason).strip())])
        audit.record(cur, actor, "review.reopen", f"review:{work_id}:{reviewer}", {"status": SUBMITTED},
                     {"status": DRAFT, "reason": str(reason).strip()}, work_id=work_id)
    _db.write(tx, db)


def _history(cur, actor: str, work_id: int, reviewer: str, changes: list[tuple]) -> None:
    _db.append_rows(cur, "score_history", ("actor", "work_id", "reviewer", "field", "old", "new", "note"),
                    [(actor, work_id, reviewer, f, o, n, note) for f, o, n, note in changes])
