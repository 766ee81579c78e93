"""Limits of the upload area that hold under load: per-token and whole-area byte budgets that
count uploads in flight, a disk reserve, a stall timeout and a rate-limited sweep.

The budget lives at module level (not in a route closure) so that the page's discard() after a
check, running in the same process, gives the bytes back. Each app process keeps its own budget;
the disk reserve is what holds across processes (it asks the file system). No streamlit here.
"""
from __future__ import annotations

import os
import shutil
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

AREA_ENV = "RATING_UPLOAD_AREA_MB"          # bytes on disk this process may hold for uploads
RESERVE_ENV = "RATING_UPLOAD_RESERVE_MB"    # always leave this much free on the data disk
STALL_ENV = "RATING_UPLOAD_STALL_S"         # an upload sending nothing for this long is cut
BUSY_MESSAGE = "服务器繁忙，请稍后再试。"
SWEEP_EVERY_S = 600


def _env_num(name: str, default: float) -> float:
    try:
        return float(os.environ.get(name, ""))
    except ValueError:
        return default


def area_cap() -> int:
    return int(_env_num(AREA_ENV, 20 * 1024) * 1024 * 1024)


def disk_reserve() -> int:
    return int(_env_num(RESERVE_ENV, 1024) * 1024 * 1024)


def stall_s() -> float:
    return _env_num(STALL_ENV, 60.0)


class Stalled(Exception):
    pass


@dataclass
class Usage:
    bytes: int = 0            # finished + in flight
    files: int = 0
    inflight_bytes: int = 0
    inflight_files: int = 0
    live: bool = True         # False once forgotten: its bytes no longer count in the area


class Budget:
    def __init__(self):
        self._lock = threading.Lock()
        self._per: dict[str, Usage] = {}
        self.total = 0

    def usage(self, key: str, initial: Callable[[], tuple[int, int]]) -> Usage:
        """The live usage of a folder; read from disk only the first time (a server restart)."""
        with self._lock:
            u = self._per.get(key)
        if u is None:
            nbytes, nfiles = initial()
            with self._lock:
                u = self._per.get(key)
                if u is None:
                    u = self._per[key] = Usage(nbytes, nfiles)
                    self.total += nbytes
        return u

    def _add(self, u: Usage, nbytes: int) -> None:
        if u.live:
            self.total += nbytes

    def begin(self, u: Usage) -> None:
        with self._lock:
            u.files += 1
            u.inflight_files += 1

    def grow(self, u: Usage, n: int) -> None:
        with self._lock:
            u.bytes += n
            u.inflight_bytes += n
            self._add(u, n)

    def finish(self, u: Usage, written: int, replaced: int | None) -> None:
        with self._lock:
            u.inflight_bytes -= written
            u.inflight_files -= 1
            if replaced is not None:
                u.bytes -= replaced
                u.files -= 1
                self._add(u, -replaced)

    def abort(self, u: Usage, written: int) -> None:
        with self._lock:
            u.bytes -= written
            u.files -= 1
            u.inflight_bytes -= written
            u.inflight_files -= 1
            self._add(u, -written)

    def cleared(self, key: str) -> None:
        """Finished files deleted; what is still in flight keeps counting."""
        with self._lock:
            u = self._per.get(key)
            if u is not None:
                self._add(u, u.inflight_bytes - u.bytes)
                u.bytes, u.files = u.inflight_bytes, u.inflight_files

    def forget(self, key: str) -> None:
        with self._lock:
            u = self._per.pop(key, None)
            if u is not None and u.live:
                self.total -= u.bytes
                u.live = False

    def has_room(self, extra: int, path: str | os.PathLike | None = None) -> bool:
        """Room for `extra` more bytes in the area and on the disk holding `path`."""
        if self.total + extra > area_cap():
            return False
        if path is not None:
            path = Path(path)
            while not path.exists() and path != path.parent:
                path = path.parent
            try:
                return shutil.disk_usage(path).free - extra >= disk_reserve()
            except OSError:
                return True
        return True


BUDGET = Budget()
_last_sweep = [0.0]


def maybe_sweep(sweep: Callable[[], int]) -> None:
    """Sweep left-over folders at most every SWEEP_EVERY_S, not on every page view."""
    now = time.monotonic()
    if now - _last_sweep[0] >= SWEEP_EVERY_S or _last_sweep[0] == 0.0:
        _last_sweep[0] = now
        try:
            sweep()
        except OSError:
            pass


async def timed_chunks(request):
    """The request body, raising Stalled when the client sends nothing for stall_s() seconds."""
    import anyio
    limit = stall_s()
    it = request.stream().__aiter__()
    while True:
        try:
            with anyio.fail_after(limit):
                chunk = await it.__anext__()
        except StopAsyncIteration:
            return
        except TimeoutError:
            raise Stalled() from None
        if chunk:
            yield chunk
