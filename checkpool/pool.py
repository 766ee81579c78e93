"""A bounded queue in front of a process pool: checks use every core, never the server's threads.

Why processes: a check is CPU-bound Python (parsing documents, sniffing, unpacking); in the
Streamlit script thread one server used about one core however many teachers waited.
Why forkserver: forking a running web server would copy its threads and inherit its sockets;
the fork server is a fresh interpreter that never saw them (only what is preloaded), and pool
processes are forked from it. Each pool process forks its own MediaInfo worker on first use
(checks/media/worker.py), which is stopped when the pool process exits.

The queue is ours, not the executor's: at most `size` checks are handed to the executor, the rest
wait here in order, so each waiting ticket knows how many works are ahead of it, and a full queue
is refused at once (the API answers 503) instead of growing without bound.
"""
from __future__ import annotations

import collections
import concurrent.futures as cf
import multiprocessing
import os
import threading
import time
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path

from checkpool import worker

SIZE_ENV = "RATING_CHECK_WORKERS"        # pool processes per app process (default: the cores)
QUEUE_ENV = "RATING_CHECK_QUEUE"         # checks allowed to wait beyond those running
DEFAULT_QUEUE = 100


def _never_rerun_main() -> None:
    """A new pool process re-runs the parent's __main__ unless told not to. While Streamlit runs a
    page, __main__ IS that page script (and under AppTest a temp copy), so a pool process started
    from a page would run the page. Pool processes need only checkpool.worker, an importable
    module, so the main module is left out of what they are prepared with."""
    from multiprocessing import spawn
    if getattr(spawn.get_preparation_data, "_checkpool", False):
        return
    original = spawn.get_preparation_data

    def prep(name):
        data = original(name)
        data.pop("init_main_from_path", None)
        data.pop("init_main_from_name", None)
        return data
    prep._checkpool = True
    spawn.get_preparation_data = prep


class QueueFull(Exception):
    """Too many checks waiting; try again later (the API sends 503 with Retry-After)."""


def _env_int(name: str, default: int, low: int = 1) -> int:
    try:
        return max(low, int(os.environ.get(name, "")))
    except ValueError:
        return default


def pool_size() -> int:
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    return _env_int(SIZE_ENV, max(1, cores))


class Ticket:
    """One submitted check: its place in line, then its result."""

    def __init__(self, pool: "CheckPool", job: tuple):
        self._pool, self.job = pool, job
        self.future: cf.Future = cf.Future()     # ours: completed when the executor's one is
        self.started = False

    def ahead(self) -> int:
        return self._pool.ahead(self)

    def done(self) -> bool:
        return self.future.done()

    def result(self, timeout: float | None = None):
        return self.future.result(timeout)

    def cancel(self) -> bool:
        """Withdraw a check still waiting (the teacher left); a running one finishes."""
        return self._pool.withdraw(self)


SHUTDOWN_GRACE_S = 10


class CheckPool:
    def __init__(self, size: int | None = None, max_queue: int | None = None):
        self.size = size or pool_size()
        self.max_queue = max_queue if max_queue is not None else _env_int(QUEUE_ENV, DEFAULT_QUEUE, 0)
        self._lock = threading.Lock()
        self._waiting: collections.deque[Ticket] = collections.deque()
        self._running = 0
        self._executor: cf.ProcessPoolExecutor | None = None

    def _exec(self) -> cf.ProcessPoolExecutor:
        if self._executor is None:
            _never_rerun_main()
            ctx = multiprocessing.get_context("forkserver")
            ctx.set_forkserver_preload(["checks.engine", "checkpool.worker"])
            # No max_tasks_per_child: one test run hung in shutdown() with it on Python 3.11.7.
            self._executor = cf.ProcessPoolExecutor(self.size, mp_context=ctx, initializer=worker.init,
                                                    initargs=(os.getpid(),))
        return self._executor

    def submit(self, paths, project: str | None = None, subtype: str | None = None,
               progress_file: str | Path | None = None, cwd: str | Path | None = None,
               browser_media: bool = False) -> Ticket:
        return self.submit_call(worker.run_check, [str(p) for p in paths], project, subtype,
                                str(progress_file) if progress_file else None, str(cwd) if cwd else None,
                                browser_media)

    def submit_call(self, fn, *args) -> Ticket:
        """Queue any picklable call (the check above; tests hold a slot with a call that waits)."""
        job = (fn, *args)
        with self._lock:
            if self._running >= self.size and len(self._waiting) >= self.max_queue:
                raise QueueFull()
            ticket = Ticket(self, job)
            self._waiting.append(ticket)
        self._pump()
        return ticket

    def _pump(self) -> None:
        """Hand waiting tickets to the executor while slots are free. Never called with the lock
        held: a job that is already done when its callback is added runs that callback at once,
        in this thread, and the callback takes the lock (a quick job on a loaded machine hung
        the pool that way)."""
        while True:
            with self._lock:
                ticket = self._next_locked()
                if ticket is None:
                    return
                executor = self._exec()
            try:
                inner = executor.submit(*ticket.job)
            except Exception as exc:          # a broken pool: fail this check, rebuild the pool next time
                with self._lock:
                    self._running -= 1
                    if self._executor is executor:
                        self._executor = None
                ticket.future.set_exception(exc)
                continue
            inner.add_done_callback(lambda f, t=ticket: self._finished(t, f))

    def _next_locked(self) -> Ticket | None:
        """The next waiting ticket that still wants to run, its slot taken; None when full or empty."""
        while self._running < self.size and self._waiting:
            ticket = self._waiting.popleft()
            if not ticket.future.set_running_or_notify_cancel():
                continue                      # cancelled while it waited (the client left)
            ticket.started = True
            self._running += 1
            return ticket
        return None

    def _finished(self, ticket: Ticket, inner: cf.Future) -> None:
        try:
            exc = inner.exception()
            if isinstance(exc, BrokenProcessPool):
                with self._lock:              # a pool process was killed (OOM): start a new pool
                    broken, self._executor = self._executor, None
                if broken is not None:
                    broken.shutdown(wait=False, cancel_futures=False)
            if exc is not None:
                ticket.future.set_exception(exc)
            else:
                ticket.future.set_result(inner.result())
        finally:                              # whatever happened, the slot is free again
            with self._lock:
                self._running -= 1
            self._pump()

    def ahead(self, ticket: Ticket) -> int:
        """Works before this one: those running plus those waiting in front; 0 once it runs."""
        with self._lock:
            if ticket.started:
                return 0
            try:
                return self._running + self._waiting.index(ticket)
            except ValueError:
                return 0

    def withdraw(self, ticket: Ticket) -> bool:
        with self._lock:
            if ticket.started:
                return False
            try:
                self._waiting.remove(ticket)
            except ValueError:
                return False
        ticket.future.cancel()
        return True

    def is_full(self) -> bool:
        with self._lock:
            return self._running >= self.size and len(self._waiting) >= self.max_queue

    def load(self) -> dict:
        with self._lock:
            return {"size": self.size, "running": self._running, "waiting": len(self._waiting),
                    "max_queue": self.max_queue}

    def shutdown(self) -> None:
        with self._lock:
            ex, self._executor = self._executor, None
            waiting, self._waiting = list(self._waiting), collections.deque()
        for t in waiting:
            t.future.cancel()
        if ex is not None:
            # Bounded: a pool process stuck in a check (or a test's held slot) must not hang the caller.
            procs = list((getattr(ex, "_processes", None) or {}).values())
            ex.shutdown(wait=False, cancel_futures=True)
            deadline = time.monotonic() + SHUTDOWN_GRACE_S
            for proc in procs:
                proc.join(max(0.0, deadline - time.monotonic()))
                if proc.is_alive():
                    proc.kill()


_POOL: CheckPool | None = None
_POOL_LOCK = threading.Lock()


def get_pool() -> CheckPool:
    """The process-wide pool (created on first use, so a server that never checks starts none)."""
    global _POOL
    with _POOL_LOCK:
        if _POOL is None:
            _POOL = CheckPool()
        return _POOL
