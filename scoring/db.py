"""The DuckDB store: one file, one shared connection per process and file, one cursor per thread.

DuckDB allows one process to open a file for writing; inside that process every thread must use
its own cursor (`con.cursor()` is a separate connection to the same database instance).

Writes go through `write(fn)`: a single writer thread per file runs the queued units `fn(cur)` one
after another and commits those that arrived together in one transaction (group commit). A caller
returns only after its unit is committed, so durability is per call, the order is serial (no
write-write conflicts), and 50 judges saving at once cost one WAL sync instead of fifty.
Contract for `fn`: raise a ScoringError only *before* writing anything (validate first); any other
exception rolls the batch back and each unit of it is retried alone.

Reads on the writer thread are serial, so a unit that must read state first can declare it with
`write(fn, lookup=(loader, key))` and read it through `batch_lookup(cur, loader, key)`: the writer
then runs `loader(cur, keys)` once for the keys of this and the following units of the batch that
declared the same loader (one query instead of one per unit). Such a unit may write only through
`upsert_row` / `append_rows` (callers overlay `pending_row`); any other unit drops the looked-up
rows before it runs, so later units read afresh and never see state older than the units before them.
A unit that changes reviews or assignments calls `mark_dirty(cur, work_ids)`: what that can change in
the aggregate tables (scoring/aggregates.py: those works' rows, the statistics of reviewers whose
counted scores changed and the z-scores of their works) is recomputed in the batch's transaction,
after its rows are written.
"""
from __future__ import annotations

import os
import queue
import threading
from pathlib import Path
from typing import Any, Callable, TypeVar

import duckdb

from scoring import aggregates
from scoring.errors import ScoringError
from scoring.migrations import migrate

T = TypeVar("T")

DEFAULT_PATH = Path(__file__).resolve().parents[1] / "data" / "scoring.duckdb"
ENV_VAR = "SCORING_DB"

_configured: Path | None = None
_lock = threading.Lock()
_connections: dict[str, duckdb.DuckDBPyConnection] = {}
_local = threading.local()
_writers: dict[str, "_Writer"] = {}
MAX_BATCH = 256


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
    """Stop the file's writer and close its shared connection (tests, CLI exit)."""
    key = resolve(db)
    with _lock:
        writer = _writers.pop(key, None)
    if writer is not None:
        writer.stop()
    with _lock:
        con = _connections.pop(key, None)
    getattr(_local, "cursors", {}).pop(key, None)
    if con is not None:
        con.close()


class _Writer:
    """The one thread that writes a file: drains the queue, one transaction per batch."""

    def __init__(self, key: str):
        self.key = key
        self.q: queue.Queue = queue.Queue()
        self.thread = threading.Thread(target=self._run, name=f"scoring-writer:{Path(key).name}", daemon=True)
        self.thread.start()

    def submit(self, fn, lookup=None):
        item = [fn, threading.Event(), None, None, lookup]     # fn, done, result, error, (loader, key)
        self.q.put(item)
        item[1].wait()
        if item[3] is not None:
            raise item[3]
        return item[2]

    def stop(self) -> None:
        self.q.put(None)
        self.thread.join()

    def _run(self) -> None:
        _local.writer = self.key
        cur = connection(self.key).cursor()
        stop = False
        while not stop:
            item = self.q.get()
            if item is None:
                break
            batch = [item]
            while len(batch) < MAX_BATCH:
                try:
                    nxt = self.q.get_nowait()
                except queue.Empty:
                    break
                if nxt is None:
                    stop = True
                    break
                batch.append(nxt)
            self._batch(cur, batch)
        cur.close()

    def _batch(self, cur, batch: list) -> None:
        _local.pending = {}
        _local.batch, _local.looked_up = batch, {}
        try:
            cur.begin()
            for i, item in enumerate(batch):
                _local.position = i
                if item[4] is None or item[4][0] not in _local.looked_up:
                    _local.looked_up = {}           # it may change what was looked up: read afresh
                try:
                    item[2] = item[0](cur)
                except ScoringError as exc:     # raised before writing: the others go on
                    item[3] = exc
            _flush(cur, _local.pending)
            cur.commit()
        except BaseException as exc:
            try:
                cur.rollback()
            except duckdb.Error:
                pass
            if len(batch) == 1:
                batch[0][2], batch[0][3] = None, exc
            else:                               # find the culprit: each unit alone
                for item in batch:
                    item[2] = item[3] = None
                    self._batch(cur, [item])
                return
        for item in batch:
            item[1].set()


def _flush(cur, pending: dict) -> None:
    upserts = pending.pop("__upserts__", {})
    dirty = pending.pop("__dirty__", set())
    for table, by_key in upserts.items():
        rows_ = list(by_key.values())
        cols = list(rows_[0])
        for i in range(0, len(rows_), 500):
            chunk = rows_[i:i + 500]
            marks = ", ".join(["(" + ", ".join("?" * len(cols)) + ")"] * len(chunk))
            cur.execute(f"INSERT OR REPLACE INTO {table} ({', '.join(cols)}) VALUES {marks}",
                        [r[c] for r in chunk for c in cols])
    for (table, columns), values in pending.items():
        for i in range(0, len(values), 500):
            chunk = values[i:i + 500]
            marks = ", ".join(["(" + ", ".join("?" * len(columns)) + ")"] * len(chunk))
            cur.execute(f"INSERT INTO {table} ({', '.join(columns)}) VALUES {marks}",
                        [v for row in chunk for v in row])
    pending.clear()
    aggregates.refresh(cur, dirty)      # after the rows it is computed from are written


def mark_dirty(cur, work_ids) -> None:
    """The unit changed reviews or assignments of these works: the aggregates this affects
    (scoring/aggregates.refresh) are recomputed in the same transaction (on the writer once per
    batch, after its gathered rows are written; elsewhere at once)."""
    pending = getattr(_local, "pending", None)
    if getattr(_local, "writer", None) is not None and pending is not None:
        pending.setdefault("__dirty__", set()).update(work_ids)
    else:
        aggregates.refresh(cur, work_ids)


def append_rows(cur, table: str, columns: tuple[str, ...], values: list[tuple]) -> None:
    """Insert rows into an append-only table as part of the current unit. On the writer thread
    they are gathered and inserted once per batch, just before the commit (one statement instead
    of one per unit); elsewhere they are inserted at once."""
    pending = getattr(_local, "pending", None)
    if getattr(_local, "writer", None) is not None and pending is not None:
        pending.setdefault((table, tuple(columns)), []).extend(values)
    else:
        _flush(cur, {(table, tuple(columns)): list(values)})


def upsert_row(cur, table: str, key: tuple, row: dict) -> None:
    """Insert or replace one row (all columns given) as part of the current unit. On the writer
    thread rows are kept until the batch commits, and `pending_row` lets later units of the same
    batch read them; anything that writes the table directly must call `flush_pending` first."""
    pending = getattr(_local, "pending", None)
    if getattr(_local, "writer", None) is not None and pending is not None:
        pending.setdefault("__upserts__", {}).setdefault(table, {})[key] = dict(row)
    else:
        _flush(cur, {"__upserts__": {table: {key: dict(row)}}})


def pending_row(table: str, key: tuple) -> dict | None:
    pending = getattr(_local, "pending", None) or {}
    return pending.get("__upserts__", {}).get(table, {}).get(key)


def flush_pending(cur) -> None:
    """Write out this batch's gathered rows now (before a unit writes those tables directly)."""
    pending = getattr(_local, "pending", None)
    if pending:
        _flush(cur, pending)


def batch_lookup(cur, loader: Callable[[Any, list], dict], key) -> Any:
    """`loader(cur, keys) -> {key: value}` for this unit's declared key, fetched together with the
    keys of the later units of the batch that declared the same loader; None when absent."""
    batch = getattr(_local, "batch", None)
    if getattr(_local, "writer", None) is None or batch is None:
        return loader(cur, [key]).get(key)
    found = _local.looked_up.get(loader)
    if found is None or key not in found:
        keys = [key] + [it[4][1] for it in batch[_local.position + 1:]
                        if it[4] is not None and it[4][0] is loader]
        found = _local.looked_up[loader] = dict.fromkeys(keys)
        found.update(loader(cur, list(dict.fromkeys(keys))))
    return found[key]


def write(fn: Callable[[duckdb.DuckDBPyConnection], T], db=None, *, lookup: tuple | None = None) -> T:
    """Run `fn(cur)` in a committed transaction on the file's writer thread; returns its result.
    `lookup=(loader, key)`: see `batch_lookup`."""
    key = resolve(db)
    if getattr(_local, "writer", None) == key:
        raise RuntimeError("nested scoring.db.write() calls are not supported")
    connection(key)
    with _lock:
        writer = _writers.get(key)
        if writer is None:
            writer = _writers[key] = _Writer(key)
    return writer.submit(fn, lookup)


def rows(cur: duckdb.DuckDBPyConnection, sql: str, params: Any = None) -> list[dict]:
    """Run a query and return plain dicts (the shape pages and tests want)."""
    res = cur.execute(sql, params or [])
    names = [d[0] for d in res.description]
    return [dict(zip(names, r)) for r in res.fetchall()]
