"""Contest-wide judging settings, stored as JSON values in the `settings` table."""
from __future__ import annotations

import json
from typing import Any

from scoring import audit
from scoring import db as _db
from scoring.errors import ValidationError
from scoring.permissions import Actor, require_admin

AGGREGATIONS = {"mean": "平均分", "median": "中位数", "trimmed_mean": "去掉最高最低分后平均",
                "normalized": "评委标准分（z 分数）还原"}

DEFAULTS: dict[str, Any] = {
    "aggregation": "trimmed_mean",
    # Ordered best first; each is a share of the ranked works of one project × 学段.
    "award_ratios": {"一等奖": 0.10, "二等奖": 0.20, "三等奖": 0.30},
    "reviewers_per_work": 3,
    "spread_threshold": 20.0,       # max − min of a work's totals above this is flagged for 复议
    "trimmed_mean_min": 5,          # drop one highest and one lowest from this many scores up
    "duplicate_text_threshold": 0.85,  # Jaccard of document shingles that counts as 一稿多投
    "awarded_titles": [],           # titles of previously awarded works (eligibility.awarded)
    # Logins (scoring/logins.py, ui/auth.py): per account and per address.
    "login_delay_after": 5,         # consecutive failures before each attempt must wait (5 s, 10 s, …)
    "login_lock_after": 10,         # consecutive failures that lock for login_lock_minutes
    "login_lock_minutes": 15.0,
    "session_idle_minutes": 30.0,   # a signed-in session idle this long must sign in again
}
_MIN_INT = {"reviewers_per_work": 1, "trimmed_mean_min": 3, "login_delay_after": 1, "login_lock_after": 2}
_POSITIVE = {"login_lock_minutes", "session_idle_minutes"}


def _validate(key: str, value: Any) -> Any:
    if key not in DEFAULTS:
        raise ValidationError(f"未知的设置项：{key}")
    if key == "aggregation":
        if value not in AGGREGATIONS:
            raise ValidationError(f"汇总方式必须是 {', '.join(AGGREGATIONS)} 之一，收到 {value!r}")
    elif key == "award_ratios":
        if not isinstance(value, dict) or not value:
            raise ValidationError("获奖比例必须是“奖项: 比例”的列表")
        total = 0.0
        for name, r in value.items():
            if not isinstance(r, (int, float)) or isinstance(r, bool) or not 0 <= r <= 1:
                raise ValidationError(f"奖项“{name}”的比例必须在 0 到 1 之间，收到 {r!r}")
            total += r
        if total > 1 + 1e-9:
            raise ValidationError(f"各奖项比例之和不能超过 100%，现为 {total:.0%}")
        value = {str(k): float(v) for k, v in value.items()}
    elif key == "awarded_titles":
        if not isinstance(value, list) or not all(isinstance(t, str) for t in value):
            raise ValidationError("往届获奖作品名单必须是作品名称列表")
    elif key in _MIN_INT:
        if not isinstance(value, int) or isinstance(value, bool) or value < _MIN_INT[key]:
            raise ValidationError(f"设置项 {key} 必须是不小于 {_MIN_INT[key]} 的整数")
    else:
        if not isinstance(value, (int, float)) or isinstance(value, bool) or value < 0 \
                or (key in _POSITIVE and value == 0):
            raise ValidationError(f"设置项 {key} 必须是{'正数' if key in _POSITIVE else '非负数'}")
        value = float(value)
    return value


def read_settings(cur) -> dict[str, Any]:
    stored = {k: json.loads(v) for k, v in cur.execute("SELECT key, value FROM settings").fetchall()}
    return {**DEFAULTS, **{k: v for k, v in stored.items() if k in DEFAULTS}}


def get_settings(actor: Actor, *, db=None) -> dict[str, Any]:
    """All settings (defaults filled in). Anyone signed in may read them."""
    return read_settings(_db.cursor(db))


def update_settings(actor: Actor, changes: dict[str, Any], *, db=None) -> dict[str, Any]:
    """Admin only: validate and store the given keys; returns the full settings."""
    require_admin(actor)
    clean = {k: _validate(k, v) for k, v in changes.items()}

    def tx(cur):
        before = read_settings(cur)
        changed = {k: v for k, v in clean.items() if before.get(k) != v}
        if changed:
            audit.record(cur, actor, "settings.update", "settings", {k: before.get(k) for k in changed}, changed)
        for k, v in clean.items():
            cur.execute("INSERT OR REPLACE INTO settings VALUES (?, ?)",
                        [k, json.dumps(v, ensure_ascii=False)])
    _db.write(tx, db)
    return get_settings(actor, db=db)
