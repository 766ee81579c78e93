"""What runs inside a pool process: one check, progress written to a small file if asked."""
from __future__ import annotations

import json
import os
import time
from pathlib import Path

_last_write = 0.0


def _progress_writer(path: Path):
    """The engine reports (done, total, name); the page reads the latest from a file, so nothing
    but a path crosses the process boundary. Written at most 5 times a second."""
    def cb(done: int, total: int, name: str) -> None:
        global _last_write
        now = time.monotonic()
        if now - _last_write < 0.2 and done < total:
            return
        _last_write = now
        tmp = path.with_name(path.name + ".tmp")
        try:
            tmp.write_text(json.dumps([done, total, str(name).replace("\\", "/").rsplit("/", 1)[-1]]))
            os.replace(tmp, path)
        except OSError:
            pass                       # progress is a nicety; the check goes on
    return cb


def run_check(paths: list[str], project: str | None, subtype: str | None, progress_file: str | None,
              cwd: str | None = None, browser_media: bool = False):
    """cwd: check `paths` relative to this folder, as `python -m checks` run there would: the
    report then names files exactly as the CLI does. A pool process runs one check at a time,
    so changing its working directory is safe."""
    from checks import check_paths
    progress = _progress_writer(Path(progress_file)) if progress_file else None
    if cwd is None:
        return check_paths([Path(p) for p in paths], project=project, subtype=subtype, progress=progress,
                           browser_media=browser_media)
    os.chdir(cwd)
    try:
        return check_paths(list(paths), project=project, subtype=subtype, progress=progress,
                           browser_media=browser_media)
    finally:
        os.chdir("/")


def close_media_worker() -> None:
    """A pool process that exits stops the MediaInfo worker it forked (the worker would notice its
    parent is gone anyway; this makes it immediate)."""
    try:
        from checks.media import facts
        if facts._WORKER is not None:
            facts._WORKER.close()
    except Exception:
        pass


def init(server_pid: int | None = None) -> None:
    from multiprocessing import util
    util.Finalize(None, close_media_worker, exitpriority=10)
    if server_pid:
        _exit_with(server_pid)


def _exit_with(server_pid: int, every_s: float = 1.0) -> None:
    """Leave when the server that made the pool is gone (killed, OOM). A pool process holds copies
    of its own queue's pipes and of the fork server's keep-alive pipe, so it never sees them close
    and would wait for work forever, keeping the fork server alive too."""
    import threading

    def watch() -> None:
        while _alive(server_pid):
            time.sleep(every_s)
        close_media_worker()
        os._exit(0)
    threading.Thread(target=watch, name="exit-with-server", daemon=True).start()


def _alive(pid: int) -> bool:
    """False once the process is gone or a zombie (dead, its parent has not reaped it yet)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:               # the pid now belongs to another user's process
        return False
    try:
        with open(f"/proc/{pid}/stat", "rb") as f:
            return f.read().rsplit(b")", 1)[1].split()[0] != b"Z"
    except (OSError, IndexError):
        return True                       # no /proc: kill(0) is all we can tell
