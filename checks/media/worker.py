"""A long-lived MediaInfo worker process, so each video costs one parse, not one fork.

libmediainfo can spin forever on crafted input and a stuck C call cannot be interrupted, so parses
run in a child that the parent kills on a timeout. Forking per file costs a few milliseconds of
fork and copy-on-write faults each time; this worker is forked once, receives the open file
descriptor of each file over a Unix socket (with the byte window to read: a member stored in a
ZIP is a window of the ZIP), and is replaced only after a timeout or a crash.
"""
from __future__ import annotations

import atexit
import json
import os
import select
import signal
import socket
import threading
from typing import Callable

_MAX_REPLY = 1 << 20


class WorkerTimeout(Exception):
    pass


class WorkerDied(Exception):
    pass


class ParseWorker:
    """Serialises requests (one parse at a time, a few ms each); safe to share between threads."""

    def __init__(self, parse_window: Callable[[int, int, int, int], dict], preload: Callable[[], None]):
        self._parse_window = parse_window    # (fd, start, length, budget) -> JSON-able payload
        self._preload = preload
        self._lock = threading.Lock()
        self._pid: int | None = None
        self._sock: socket.socket | None = None
        self._owner_pid: int | None = None

    def parse(self, fd: int, start: int, length: int, budget: int, timeout_s: float) -> dict:
        with self._lock:
            if self._pid is None or self._owner_pid != os.getpid():
                self._start()
            try:
                socket.send_fds(self._sock, [json.dumps([start, length, budget]).encode()], [fd])
                return self._reply(timeout_s)
            except (OSError, WorkerDied):
                self._stop()
                raise WorkerDied("MediaInfo worker exited") from None
            except WorkerTimeout:
                self._stop()
                raise

    def _reply(self, timeout_s: float) -> dict:
        ready = select.select([self._sock], [], [], timeout_s)[0]
        if not ready:
            raise WorkerTimeout(f"MediaInfo did not finish in {timeout_s} s")
        data = b""
        while not data.endswith(b"\n"):
            chunk = self._sock.recv(_MAX_REPLY)
            if not chunk:
                raise WorkerDied("MediaInfo worker exited")
            data += chunk
        return json.loads(data)

    def _start(self) -> None:
        self._preload()
        parent, child = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
        pid = os.fork()
        if pid == 0:  # the worker: serve until the parent goes away, never return into its code
            code = 0
            try:
                parent.close()
                _detach(child.fileno())
                self._serve(child)
            except BaseException:
                code = 1
            finally:
                os._exit(code)
        child.close()
        self._pid, self._sock, self._owner_pid = pid, parent, os.getpid()
        atexit.register(self.close)

    def close(self) -> None:
        """Stop the worker (at exit too: it must not outlive the process that started it)."""
        with self._lock:
            if self._owner_pid == os.getpid():
                self._stop()

    def _serve(self, sock: socket.socket) -> None:
        while True:
            msg, fds, _, _ = socket.recv_fds(sock, 4096, 1)
            if not msg:
                return        # the parent closed the socket or died
            try:
                start, length, budget = json.loads(msg)
                payload = self._parse_window(fds[0], start, length, budget)
            finally:
                for fd in fds:
                    os.close(fd)
            sock.sendall(json.dumps(payload).encode() + b"\n")

    def _stop(self) -> None:
        if self._pid is not None:
            try:
                os.kill(self._pid, signal.SIGKILL)
                os.waitpid(self._pid, 0)
            except (ProcessLookupError, ChildProcessError):
                pass
        if self._sock is not None:
            self._sock.close()
        self._pid = self._sock = None


def _detach(keep_fd: int) -> None:
    """In the worker: let go of every inherited descriptor but its socket. A test runner or a web
    server talks to its own processes over pipes; a worker holding those open would keep them
    from ever seeing end-of-file."""
    devnull = os.open(os.devnull, os.O_RDWR)
    for fd in (0, 1, 2):
        os.dup2(devnull, fd)
    os.close(devnull)
    os.closerange(3, keep_fd)
    os.closerange(keep_fd + 1, _max_fd())


def _max_fd() -> int:
    try:
        return min(os.sysconf("SC_OPEN_MAX"), 65536)
    except (ValueError, OSError):
        return 4096
