"""The audit record: who did what to what, when, with the state before and after.

One append-only table, `audit_log`. Services that change the database call `record(cur, ...)`
inside their own write unit, so the row commits (or rolls back) with the change it describes.
Changes kept outside DuckDB (accounts in auth.yaml) and events with no database change (logins,
exports) use `log(...)`, a write of its own. Score edits stay in `score_history` (field by field);
the audit page shows both.
"""
from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from scoring import db as _db
from scoring.permissions import Actor, require_admin

COLUMNS = ("occurred_at", "actor", "action", "target", "work_id", "before", "after", "address")

# Chinese names of the actions, for the audit page and the Excel export.
ACTIONS = {
    "login.success": "登录成功", "login.failure": "登录失败", "login.refused": "登录被拒（等待或锁定中）",
    "login.lock": "登录锁定", "login.unlock": "登录解锁", "login.logout": "退出登录",
    "login.expired": "长时间未操作，会话过期",
    "import": "导入作品", "precheck.override": "改判初审", "work.exclude": "排除参评", "work.restore": "恢复参评",
    "work.add": "手工登记作品", "duplicate.decide": "一稿多投处理",
    "assign": "分配评委", "assign.auto": "自动分配", "unassign": "取消分配",
    "review.reopen": "退回评审", "reviewer.upsert": "登记评委", "reviewer.active": "启用/停用评委",
    "account.add": "新建账号", "account.disable": "停用账号", "account.enable": "启用账号",
    "account.reset_password": "重置密码", "settings.update": "修改设置",
    "export.results": "导出结果", "export.audit": "导出审计记录",
}


def _name(actor: Actor | str | None) -> str:
    if isinstance(actor, Actor):
        return actor.username
    return str(actor or "")


def _json(value: Any) -> str | None:
    if value is None:
        return None
    return json.dumps(value, ensure_ascii=False, default=str, sort_keys=True)


def record(cur, actor: Actor | str, action: str, target: str | None = None, before: Any = None,
           after: Any = None, *, work_id: int | None = None, address: str | None = None) -> None:
    """Append one audit row as part of the caller's write unit (same transaction)."""
    _db.append_rows(cur, "audit_log", COLUMNS,
                    [(datetime.now(), _name(actor), action, target, work_id, _json(before), _json(after),
                      address)])


def log(actor: Actor | str, action: str, target: str | None = None, before: Any = None, after: Any = None,
        *, work_id: int | None = None, address: str | None = None, db=None) -> None:
    """Record an event that is not a change of the scoring database (login, export, account file)."""
    _db.write(lambda cur: record(cur, actor, action, target, before, after, work_id=work_id, address=address),
              db)


def search(actor: Actor, *, who: str | None = None, action: str | None = None, work_id: int | None = None,
           since: datetime | None = None, until: datetime | None = None, text: str | None = None,
           limit: int = 10_000, db=None) -> list[dict]:
    """Admin: audit rows, newest first. `who` matches the actor exactly, `action` an action or its
    prefix ('login' finds every login event), `text` any part of target/before/after."""
    require_admin(actor)
    where, params = [], []
    if who:
        where.append("actor = ?"); params.append(who.strip())
    if action:
        where.append("(action = ? OR starts_with(action, ? || '.'))"); params += [action, action]
    if work_id is not None:
        where.append("work_id = ?"); params.append(int(work_id))
    if since is not None:
        where.append("occurred_at >= ?"); params.append(since)
    if until is not None:
        where.append("occurred_at < ?"); params.append(until)
    if text:
        where.append("concat_ws(' ', target, before, after) ILIKE ?")
        params.append("%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%")
    sql = (f"SELECT id, occurred_at, actor, action, target, work_id, before, after, address FROM audit_log "
           f"{'WHERE ' + ' AND '.join(where) if where else ''} ORDER BY id DESC LIMIT {int(limit)}")
    return _db.rows(_db.cursor(db), sql, params)


def export_xlsx(actor: Actor, rows: list[dict], path, *, db=None) -> str:
    """Admin: write audit rows (as `search` returns them) to an Excel file; the export is audited."""
    require_admin(actor)
    from openpyxl import Workbook
    wb = Workbook()
    ws = wb.active
    ws.title = "审计记录"
    ws.append(["序号", "时间", "操作人", "操作", "对象", "作品编号", "修改前", "修改后", "来源地址"])
    for r in rows:
        ws.append([r["id"], r["occurred_at"], r["actor"], ACTIONS.get(r["action"], r["action"]), r["target"],
                   r["work_id"], r["before"], r["after"], r["address"]])
    for col, width in zip("ABCDEFGHI", (8, 20, 14, 16, 20, 10, 40, 40, 16)):
        ws.column_dimensions[col].width = width
    wb.save(path)
    log(actor, "export.audit", None, None, {"rows": len(rows)}, db=db)
    return str(path)
