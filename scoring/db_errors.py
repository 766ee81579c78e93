"""Why the database could not be opened, in Chinese, for the command line and the pages.

DuckDB lets one process open a file for writing. Its errors are English and all look alike to a
user ("IO Error: ..."); the two that happen in practice are told apart here: another process (the
web app, or the command line) holds the lock, or the data folder is read-only.
"""
from __future__ import annotations

import os
import re
from pathlib import Path

_LOCK = re.compile(r"Could not set lock on file.*?\(PID (\d+)\)", re.S)
_READ_ONLY = ("Permission denied", "Read-only file system", "read-only")


def writable(folder: str | os.PathLike) -> bool:
    """True when a file can really be created in `folder` (os.access says yes to root on a
    read-only mount, so try it)."""
    import tempfile
    folder = Path(folder)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        # a file of its own per call: pages probing at the same moment must not unlink each other's
        with tempfile.TemporaryFile(dir=folder, prefix=".write-test-"):
            pass
        return True
    except OSError:
        return False


def read_only_message(folder: str | os.PathLike) -> str:
    return (f"数据文件夹“{folder}”是只读的（程序没有写入权限），无法保存数据。"
            "请管理员把该文件夹改为运行本系统的账号可写（或换一个可写的文件夹，用环境变量 RATING_DATA_DIR 指定）后重试。")


def explain(exc: BaseException, db_path: str | os.PathLike | None = None, *, cli: bool = True) -> str | None:
    """A Chinese explanation of a database open/lock failure, or None for other errors. `cli`:
    said to whoever ran `python -m scoring` (else to a page user)."""
    text = str(exc)
    m = _LOCK.search(text)
    if m or "Could not set lock" in text:
        pid = f"（进程号 {m.group(1)}）" if m else ""
        if not cli:
            return (f"数据库文件正被另一个程序{pid}占用（例如管理员正在运行命令行 python -m scoring），"
                    "请等它结束后刷新页面；若反复出现请联系管理员。")
        return (f"数据库{_name(db_path)}正被另一个程序{pid}使用，通常是正在运行的评审系统网页服务。"
                "DuckDB 同一时间只允许一个程序打开它：请在网页的管理页面中完成此操作，"
                "或先停止网页服务（在运行它的终端按 Ctrl+C）再运行此命令。")
    if any(s in text for s in _READ_ONLY) or isinstance(exc, PermissionError):
        folder = Path(db_path).parent if db_path else None
        if folder is not None:
            return read_only_message(folder)
        return "数据库文件所在的文件夹没有写入权限（只读），请管理员修正后重试。"
    return None


def _name(db_path) -> str:
    return f"“{db_path}”" if db_path else ""
