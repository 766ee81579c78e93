"""checkpool: checks run in real pool processes, in order, with a bounded queue."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

from checkpool import CheckPool, QueueFull
from tests.checkpool.holding import hold


@pytest.fixture
def pool():
    p = CheckPool(size=1, max_queue=2)
    yield p
    p.shutdown()


def test_waiting_checks_know_their_place_and_a_full_queue_refuses(pool, tmp_path):
    flag = tmp_path / "go"
    busy = pool.submit_call(hold, str(flag))
    doc = tmp_path / "说明.txt"
    doc.write_text("说明", encoding="utf-8")
    first, second = pool.submit([doc]), pool.submit([doc])
    assert (busy.ahead(), first.ahead(), second.ahead()) == (0, 1, 2)    # "前面还有 2 份作品在检查"
    with pytest.raises(QueueFull):
        pool.submit([doc])
    assert pool.load() == {"size": 1, "running": 1, "waiting": 2, "max_queue": 2}
    flag.touch()
    assert busy.result(60) == "released"
    assert first.result(60).verdict == "pass" and second.result(60).files[0].path.endswith("说明.txt")
    assert first.ahead() == 0 and pool.load()["running"] == 0


def test_a_withdrawn_check_never_runs_and_frees_its_place(pool, tmp_path):
    flag = tmp_path / "go"
    busy = pool.submit_call(hold, str(flag))
    gone, kept = pool.submit_call(os.getpid), pool.submit_call(os.getpid)
    assert gone.cancel() and kept.ahead() == 1
    flag.touch()
    assert isinstance(kept.result(60), int) and gone.future.cancelled()
    assert busy.done() and pool.load()["waiting"] == 0


def test_checks_run_in_other_processes_without_the_servers_sockets(pool, tmp_path):
    import socket
    with socket.socket() as listening:                   # a server socket of "the web server"
        listening.bind(("127.0.0.1", 0))
        listening.listen()
        port = listening.getsockname()[1]
        child_pid = pool.submit_call(os.getpid).result(60)
        assert child_pid != os.getpid()
        import psutil
        held = {c.laddr.port for c in psutil.Process(child_pid).net_connections(kind="inet")}
        assert port not in held


def test_a_video_check_leaves_no_mediainfo_worker_behind(tmp_path):
    import psutil

    from samplegen.media import make_video
    video = make_video(tmp_path / "教学活动录像.mp4", seconds=1, fps=30)
    p = CheckPool(size=1, max_queue=1)
    try:
        report = p.submit([video], project="vocational_practice").result(120)
        assert "video.fps" in {f.rule for f in report.findings}          # MediaInfo really ran
        pool_pid = p.submit_call(os.getpid).result(60)
        workers = psutil.Process(pool_pid).children()
        assert len(workers) == 1                                          # the long-lived parse worker
    finally:
        p.shutdown()
    assert not psutil.pid_exists(pool_pid)
    assert not psutil.pid_exists(workers[0].pid)


def test_a_job_done_before_its_callback_is_added_does_not_hang_the_pool(monkeypatch):
    """On a loaded machine a quick job can finish before the pool adds its done-callback; the
    callback then runs at once in the submitting thread and must not wait for a lock that thread
    holds. An executor whose futures are done on return makes that ordering certain."""
    import concurrent.futures as cf
    import threading

    class DoneAtOnce:
        def submit(self, fn, *args):
            f = cf.Future()
            f.set_result(fn(*args))
            return f

    p = CheckPool(size=1, max_queue=2)
    monkeypatch.setattr(p, "_exec", lambda: DoneAtOnce())
    got = []
    t = threading.Thread(target=lambda: got.extend(p.submit_call(os.getpid).result(5) for _ in range(3)),
                         daemon=True)
    t.start()
    t.join(10)
    assert got == [os.getpid()] * 3 and p.load()["running"] == 0


def test_pool_processes_and_the_fork_server_leave_when_the_server_is_killed(tmp_path):
    """A server killed outright (no clean exit) must not leave its pool behind: each restart would
    otherwise keep a fork server and its idle pool processes alive for good."""
    import subprocess
    import sys
    import time

    import psutil
    script = (
        "import os, sys, psutil\n"
        "from checkpool import CheckPool\n"
        "p = CheckPool(size=2)\n"
        "assert p.submit_call(sum, [1, 2]).result(60) == 3\n"
        "me = psutil.Process()\n"
        "print(' '.join(str(c.pid) for c in me.children(recursive=True)), flush=True)\n"
        "os._exit(0)\n")
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120,
                         cwd=str(Path(__file__).resolve().parents[2]))
    pids = [int(x) for x in out.stdout.split()]
    assert len(pids) >= 3, out          # the fork server, the resource tracker and a pool process
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and any(psutil.pid_exists(p) and psutil.Process(p).status() != "zombie"
                                              for p in pids):
        time.sleep(0.2)
    left = [p for p in pids if psutil.pid_exists(p) and psutil.Process(p).status() != "zombie"]
    assert left == []
