"""The DuckDB store: one file, one shared connection per process and file, one cursor per thread.

DuckDB allows one process to open a file for writing; inside that process every thread must use
its own cursor (`con.cursor()` is a separate connection to the same database instance). Writes go
through `write()`, which retries the whole unit on DuckDB's optimistic write-write conflicts.
"""
from __future__ import annotations

import os
import threading
import time
from pathlib import Path
from typing import Any, Callable, TypeVar

import duckdb

from scoring.migrations import migrate

T = TypeVar("T")

DEFAULT_PATH = Path(__file__).resolve().parents[1] / "data" / "scoring.duckdb"
ENV_VAR = "SCORING_DB"

_configured: Path | None = None
_lock = threading.Lock()
_connections: dict[str, duckdb.DuckDBPyConnection] = {}
_local = threading.local()


def configure(path: str | os.PathLike | None) -> None:
    """Set the default database file for calls that pass no `db=`."""
    global _configured
    _configured = Path(path) if path else None


def resolve(db: str | os.PathLike | None = None) -> str:
    p = db or _configured or os.environ.get(ENV_VAR) or DEFAULT_PATH
    return str(Path(p).resolve())


def connection(db: str | os.PathLike | None = None) -> duckdb.DuckDBPyConnection:
    """The process-wide connection for a file, created and migrated on first use."""
    key = resolve(db)
    con = _connections.get(key)
    if con is not None:
        return con
    with _lock:
        con = _connections.get(key)
        if con is None:
            Path(key).parent.mkdir(parents=True, exist_ok=True)
            con = duckdb.connect(key)
            migrate(con)
            _connections[key] = con
    return con


def cursor(db: str | os.PathLike | None = None) -> duckdb.DuckDBPyConnection:
    """This thread's cursor on the file (DuckDB cursors must not be shared across threads)."""
    key = resolve(db)
    cursors = getattr(_local, "cursors", None)
    if cursors is None:
        cursors = _local.cursors = {}
    cur = cursors.get(key)
    if cur is None or key not in _connections:
        cur = cursors[key] = connection(key).cursor()
    return cur


def close(db: str | os.PathLike | None = None) -> None:
    """Close the file's shared connection (tests, CLI exit); other threads' cursors die with it."""
    key = resolve(db)
    with _lock:
        con = _connections.pop(key, None)
    cursors = getattr(_local, "cursors", {})
    cursors.pop(key, None)
    if con is not None:
        con.close()


def _is_conflict(exc: Exception) -> bool:
    return isinstance(exc, duckdb.TransactionException) or "conflict" in str(exc).lower()


def write(fn: Callable[[duckdb.DuckDBPyConnection], T], db=None, retries: int = 50) -> T:
    """Run `fn(cur)` in one transaction; on a write-write conflict roll back and run it again."""
    cur = cursor(db)
    for attempt in range(retries):
        cur.begin()
        try:
            result = fn(cur)
            cur.commit()
            return result
        except Exception as exc:
            try:
                cur.rollback()
            except duckdb.Error:
                pass
            if attempt + 1 < retries and _is_conflict(exc):
                time.sleep(0.001 * (attempt + 1))
                continue
            raise
    raise AssertionError("unreachable")


def rows(cur: duckdb.DuckDBPyConnection, sql: str, params: Any = None) -> list[dict]:
    """Run a query and return plain dicts (the shape pages and tests want)."""
    res = cur.execute(sql, params or [])
    names = [d[0] for d in res.description]
    return [dict(zip(names, r)) for r in res.fetchall()]
