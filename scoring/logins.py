"""Password logins with throttling: every attempt of the login form goes through `authenticate`.

Consecutive failures are counted per account ('user:<name>') and per client address
('addr:<ip>'). From `login_delay_after` failures on, the next attempt must wait a growing delay
(5 s, 10 s, 20 s, …; refused without checking the password); at `login_lock_after` failures the
account or address is locked for `login_lock_minutes`. A count is forgotten after
`login_lock_minutes` without a failure, and an account's own count on a successful login.
Successes, failures, refusals, locks and unlocks are in the audit record. Numbers: settings.
"""
from __future__ import annotations

import math
from datetime import datetime, timedelta
from typing import Callable

from scoring import audit
from scoring import db as _db
from scoring.errors import PermissionDenied, ScoringError
from scoring.permissions import Actor, require_admin
from scoring.settings import read_settings

BASE_DELAY_S = 5
MAX_DELAY_S = 300


class LoginRefused(ScoringError):
    """Too many failures: the attempt was refused before the password was checked."""


def _keys(username: str, address: str | None) -> list[str]:
    keys = [f"user:{username}"]
    if address:
        keys.append(f"addr:{address}")
    return keys


def delay_after(failures: int, settings: dict) -> float:
    """Seconds the next attempt must wait after this many consecutive failures."""
    n = failures - int(settings["login_delay_after"])
    if n < 0:
        return 0.0
    return float(min(MAX_DELAY_S, BASE_DELAY_S * 2 ** n))


def _wait_text(seconds: float) -> str:
    return f"{math.ceil(seconds / 60)} 分钟" if seconds > 60 else f"{max(1, math.ceil(seconds))} 秒"


def authenticate(username: str, password: str, address: str | None,
                 verify: Callable[[str, str], bool], *, now: datetime | None = None, db=None) -> bool:
    """Check one login attempt. Returns True/False for the password (disabled accounts never
    pass: `verify` is AccountStore.verify), raises LoginRefused (Chinese) while throttled or
    locked. Every outcome is recorded."""
    username = str(username or "").strip().lower()
    now = now or datetime.now()
    keys = _keys(username, address)
    target = f"account:{username}"

    def check(cur):
        settings = read_settings(cur)
        forget = timedelta(minutes=float(settings["login_lock_minutes"]))
        rows = {r["key"]: r for r in _db.rows(
            cur, "SELECT * FROM login_failures WHERE key IN (SELECT unnest(?::VARCHAR[]))", [keys])}
        for key, r in rows.items():
            if r["locked_until"] is not None and r["locked_until"] > now:
                audit.record(cur, username, "login.refused", target, None,
                             {"locked": key, "until": r["locked_until"]}, address=address)
                return ("locked", r["locked_until"] - now)
            if r["locked_until"] is not None or r["last_failure"] + forget <= now:
                cur.execute("DELETE FROM login_failures WHERE key = ?", [key])     # lock over / forgotten
                if r["locked_until"] is not None:
                    audit.record(cur, "system", "login.unlock", key, {"locked_until": r["locked_until"]},
                                 {"reason": "锁定期满"}, address=address)
                continue
            wait = r["last_failure"] + timedelta(seconds=delay_after(r["failures"], settings)) - now
            if wait > timedelta(0):
                audit.record(cur, username, "login.refused", target, None,
                             {"throttled": key, "failures": r["failures"]}, address=address)
                return ("wait", wait)
        return None
    refused = _db.write(check, db)
    if refused:
        kind, left = refused
        if kind == "locked":
            raise LoginRefused(f"登录失败次数过多，已暂时锁定，请 {_wait_text(left.total_seconds())}后再试，"
                               "或联系管理员解锁。")
        raise LoginRefused(f"登录失败次数较多，请 {_wait_text(left.total_seconds())}后再试。")

    ok = bool(username) and verify(username, password)

    def outcome(cur):
        settings = read_settings(cur)
        if ok:
            cur.execute("DELETE FROM login_failures WHERE key = ?", [keys[0]])
            audit.record(cur, username, "login.success", target, address=address)
            return
        audit.record(cur, username, "login.failure", target, address=address)
        lock_after = int(settings["login_lock_after"])
        for key in keys:
            n = cur.execute("""
                INSERT INTO login_failures (key, failures, last_failure) VALUES (?, 1, ?)
                ON CONFLICT (key) DO UPDATE SET failures = failures + 1, last_failure = excluded.last_failure
                RETURNING failures""", [key, now]).fetchone()[0]
            if n >= lock_after:
                until = now + timedelta(minutes=float(settings["login_lock_minutes"]))
                cur.execute("UPDATE login_failures SET locked_until = ? WHERE key = ?", [until, key])
                audit.record(cur, "system", "login.lock", key, {"failures": n - 1},
                             {"failures": n, "locked_until": until}, address=address)
    _db.write(outcome, db)
    return ok


def locks(actor: Actor, *, now: datetime | None = None, db=None) -> list[dict]:
    """Admin: accounts and addresses locked now: [{key, failures, locked_until}]."""
    require_admin(actor)
    return _db.rows(_db.cursor(db), "SELECT key, failures, locked_until FROM login_failures "
                    "WHERE locked_until > ? ORDER BY key", [now or datetime.now()])


def unlock(actor: Actor, key: str, *, db=None) -> None:
    """Admin: lift a lock (and forget the count) before it runs out."""
    require_admin(actor)

    def tx(cur):
        row = cur.execute("SELECT failures, locked_until FROM login_failures WHERE key = ?", [key]).fetchone()
        if not row:
            raise PermissionDenied(f"{key} 当前没有被锁定")
        cur.execute("DELETE FROM login_failures WHERE key = ?", [key])
        audit.record(cur, actor, "login.unlock", key, {"failures": row[0], "locked_until": row[1]},
                     {"reason": "管理员解锁"})
    _db.write(tx, db)
