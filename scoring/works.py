"""Writing work rows (the importer and the admin's manual corrections)."""
from __future__ import annotations

import hashlib
import json

from scoring import audit, contest
from scoring import db as _db
from scoring.errors import NotFound, ValidationError
from scoring.permissions import Actor, require_admin
from scoring.recusal import norm

_FIELDS = ("project", "subtype", "stage", "school", "district", "title", "authors", "folder_name",
           "source_path", "content_hash", "precheck_status", "precheck_report", "text_sketch")


def work_key(folder_name: str | None, project: str | None, title: str | None) -> str:
    """Stable identity of a work across re-imports: level-1 folder + project + title, normalised."""
    raw = "\x1f".join([norm(folder_name), project or "", norm(title)])
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()[:32]


def content_hash(files: list[dict]) -> str:
    h = hashlib.sha256()
    for f in sorted(files, key=lambda f: f["path"]):
        h.update(f"{f['path']}\x1f{f.get('sha256') or ''}\x1f{f.get('size')}\n".encode("utf-8"))
    return h.hexdigest()


def upsert_work(cur, rec: dict, files: list[dict]) -> tuple[int, str]:
    """Insert or refresh one work inside the caller's transaction. Returns (id, action) where action
    is 'new', 'unchanged', 'updated', or 'locked' (content changed but reviewing has started:
    the stored version is kept and the admin decides)."""
    _db.flush_pending(cur)
    rec = dict(rec)
    rec["stage"] = contest.canonical_stage(rec.get("stage"))
    rec.setdefault("content_hash", content_hash(files))
    key = rec.get("work_key") or work_key(rec.get("folder_name"), rec.get("project"), rec.get("title"))
    old = cur.execute("SELECT id, content_hash FROM works WHERE work_key = ?", [key]).fetchone()
    values = [rec.get(f) for f in _FIELDS]
    if old and old[1] == rec["content_hash"]:
        return old[0], "unchanged"
    if old:
        started = cur.execute("SELECT count(*) FROM reviews WHERE work_id = ?", [old[0]]).fetchone()[0]
        if started:
            return old[0], "locked"
        cur.execute(f"UPDATE works SET {', '.join(f + ' = ?' for f in _FIELDS)}, updated_at = now() "
                    "WHERE id = ?", [*values, old[0]])
        cur.execute("DELETE FROM work_files WHERE work_id = ?", [old[0]])
        wid, action = old[0], "updated"
    else:
        wid = cur.execute(f"INSERT INTO works (work_key, {', '.join(_FIELDS)}) VALUES (?{', ?' * len(_FIELDS)}) "
                          "RETURNING id", [key, *values]).fetchone()[0]
        action = "new"
    if files:
        cur.executemany("INSERT INTO work_files VALUES (?, ?, ?, ?, ?, ?)",
                        [[wid, f["path"], f.get("kind"), f.get("size"), f.get("sha256"), f.get("item")]
                         for f in files])
    return wid, action


def add_work(actor: Actor, *, project: str, stage: str, title: str, school: str = "", district: str = "",
             authors: list[str] | None = None, subtype: str | None = None, folder_name: str | None = None,
             precheck_status: str = "pass", files: list[dict] | None = None, db=None) -> int:
    """Admin: register a work by hand (e.g. an upload-type project); returns its id."""
    require_admin(actor)
    if project not in contest.projects():
        raise ValidationError(f"未知的项目类别：{project}")
    if precheck_status not in ("pass", "fail", "pending"):
        raise ValidationError("初审状态必须是 pass、fail 或 pending")
    authors = list(authors or [])
    rec = dict(project=project, stage=stage, title=title, school=school, district=district, authors=authors,
               subtype=subtype, folder_name=folder_name or f"{stage}{school}{''.join(authors[:1])}",
               precheck_status=precheck_status)

    def tx(cur):
        wid, action = upsert_work(cur, rec, files or [])
        audit.record(cur, actor, "work.add", f"work:{wid}", None,
                     {"title": title, "project": project, "stage": stage, "result": action}, work_id=wid)
        return wid
    return _db.write(tx, db)


def set_excluded(actor: Actor, work_id: int, excluded: bool, note: str = "", *, db=None) -> None:
    """Admin: exclude a work from ranking (or clear an eligibility exclusion), recording why."""
    require_admin(actor)

    def tx(cur):
        exclude_in_tx(cur, actor, work_id, excluded, note)
    _db.write(tx, db)


def exclude_in_tx(cur, actor: Actor, work_id: int, excluded: bool, note: str = "") -> None:
    """`set_excluded` inside the caller's write unit (also used by the 一稿多投 decision)."""
    row = cur.execute("SELECT eligibility, excluded FROM works WHERE id = ?", [work_id]).fetchone()
    if not row:
        raise NotFound(f"作品 {work_id} 不存在")
    findings = json.loads(row[0])
    findings.append({"rule": "eligibility.admin", "level": "info",
                     "message": f"管理员{'排除' if excluded else '恢复'}该作品参评：{note or '未说明原因'}",
                     "actor": actor.username, "excluded": bool(excluded)})
    cur.execute("UPDATE works SET excluded = ?, eligibility = ?, updated_at = now() WHERE id = ?",
                [excluded, json.dumps(findings, ensure_ascii=False), work_id])
    audit.record(cur, actor, "work.exclude" if excluded else "work.restore", f"work:{work_id}",
                 {"excluded": bool(row[1])}, {"excluded": bool(excluded), "note": note}, work_id=work_id)


PRECHECK_STATUSES = ("pass", "fail", "pending")


def set_precheck(actor: Actor, work_id: int, status: str, note: str, *, db=None) -> None:
    """Admin: overrule the 初审 verdict of a work (e.g. a finding a person judged harmless). The
    engine's report is kept; the override and its reason go to the audit record."""
    require_admin(actor)
    if status not in PRECHECK_STATUSES:
        raise ValidationError("初审状态必须是 pass、fail 或 pending")
    if not note or not str(note).strip():
        raise ValidationError("改判初审必须填写原因")

    def tx(cur):
        row = cur.execute("SELECT precheck_status FROM works WHERE id = ?", [work_id]).fetchone()
        if not row:
            raise NotFound(f"作品 {work_id} 不存在")
        if row[0] == status:
            return
        cur.execute("UPDATE works SET precheck_status = ?, updated_at = now() WHERE id = ?", [status, work_id])
        audit.record(cur, actor, "precheck.override", f"work:{work_id}", {"precheck_status": row[0]},
                     {"precheck_status": status, "note": str(note).strip()}, work_id=work_id)
    _db.write(tx, db)
