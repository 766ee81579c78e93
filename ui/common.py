"""Shared by the reviewer and admin pages: the data dir's database, and failures as Chinese messages.

Every call into scoring/ from a page goes through `safely(...)`, so a locked database, a missing
file or a broken rubric shows one clear message instead of a traceback.
"""
from __future__ import annotations

import logging
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import streamlit as st

from accounts import data_dir
from scoring.rounding import half_up

log = logging.getLogger(__name__)

STATUS_NAMES = {"todo": "未开始", "draft": "草稿", "submitted": "已提交", "returned": "已退回"}
EMPTY = "—"          # shown for a missing value in every table (never "None" or a blank)


def review_status(item: dict) -> str:
    """'returned' for a draft an admin sent back, else the stored status ('todo' when none)."""
    if item.get("returned_reason"):
        return "returned"
    return item.get("review_status") or item.get("status") or "todo"


def fmt_score(v) -> str:
    """A score as people read it everywhere: two decimals, "—" when there is none."""
    if v is None:
        return EMPTY
    try:
        f = float(v)
    except (TypeError, ValueError):
        return EMPTY
    return EMPTY if f != f else f"{half_up(f, 2):.2f}"
PRECHECK_NAMES = {"pass": "通过", "fail": "未通过", "pending": "待初审"}


def db_path() -> Path:
    return data_dir() / "scoring.duckdb"


def use_data_dir() -> Path:
    """Point scoring/ at RATING_DATA_DIR's database (idempotent; every page calls it)."""
    from scoring import db
    path = db_path()
    db.configure(path)
    return path


def describe(exc: BaseException, action: str) -> str:
    """The Chinese message for a failure of `action`."""
    from checks.errors import RulesError, Unreadable
    from scoring.errors import ScoringError
    try:
        import duckdb
        db_errors: tuple = (duckdb.IOException,)
    except Exception:                # pragma: no cover
        db_errors = ()
    if isinstance(exc, ScoringError):
        return str(exc)
    if isinstance(exc, RulesError):
        return f"{action}失败：规则或评分标准文件有误（{exc}），请管理员修正后重试。"
    if isinstance(exc, Unreadable):
        return f"{action}失败：{exc.message}"
    if db_errors and isinstance(exc, db_errors):
        from scoring.db_errors import explain
        why = explain(exc, db_path(), cli=False)
        return f"{action}失败：{why or '数据库文件无法打开，请稍后重试或联系管理员查看服务器日志。'}"
    # No server paths in these messages: reviewers see them, and stored paths carry author names.
    if isinstance(exc, FileNotFoundError):
        return f"{action}失败：找不到文件（可能已被移动或删除），请联系管理员。"
    if isinstance(exc, PermissionError):
        return f"{action}失败：服务器没有读取该文件的权限，请联系管理员。"
    if isinstance(exc, OSError):
        return f"{action}失败：读写文件出错（{exc.strerror or '未知原因'}），请联系管理员。"
    return f"{action}失败，请稍后重试；若反复出现请联系管理员查看服务器日志。"


@contextmanager
def safely(action: str, *, stop: bool = False) -> Iterator[None]:
    """Run a block; on any failure show a Chinese message (and st.stop() the page if `stop`)."""
    try:
        yield
    except Exception as exc:          # st.stop / st.rerun are BaseException: they pass through
        from scoring.errors import ScoringError
        if not isinstance(exc, ScoringError):
            log.exception("%s failed", action)
        st.error(describe(exc, action))
        if stop:
            st.stop()


def fmt_size(n: int | None) -> str:
    if n is None:
        return ""
    for unit in ("B", "KB", "MB", "GB"):
        if n < 1024 or unit == "GB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1024
    return str(n)
