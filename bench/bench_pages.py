"""15 self-check pages opened at the same moment in Debian's Chromium, then left open and idle.

Reports, for the app in this repository and (with --before DIR, a checkout of an older commit)
for that one, in the same run:
  - time until each page shows the uploader (p50 / max), from the moment all are opened;
  - CPU seconds used meanwhile by the server (app process and its children) and, apart, by the
    browsers;
  - idle CPU per open page: server CPU over --idle-s seconds while the 15 pages sit open, as a
    percentage of one core, divided by the number of pages.
Other engineers share this machine: the load average is printed before and after.

    .venv/bin/python bench/bench_pages.py [--pages 15] [--idle-s 30] [--before /path/to/old/checkout]

Measured 2026-11-27 on the shared 2-core machine (load average 5-20), before = commit 8bb4815:
15 pages: before, none showed the uploader within 300 s (server CPU 61 s, browsers 370 s); now all
15 in p50 36.5 s / max 39.1 s (server CPU 4.1 s, browsers 50.1 s). Idle, 5 pages over 30 s:
before 3.81 % of a core per open page, now 0.07 %.
"""
from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psutil

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from deploy.serve import _wait_healthy, free_port  # noqa: E402
from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS  # noqa: E402
from tests.e2e.crowd import UPLOADER  # noqa: E402


def cpu_s(procs: list[psutil.Process]) -> float:
    total = 0.0
    for p in procs:
        try:
            t = p.cpu_times()
            total += t.user + t.system
        except psutil.NoSuchProcess:
            pass
    return total


def tree(pid: int) -> list[psutil.Process]:
    p = psutil.Process(pid)
    return [p, *p.children(recursive=True)]


def browsers() -> list[psutil.Process]:
    out = []
    for c in psutil.Process().children(recursive=True):
        try:
            if "chrom" in c.name() or "headless" in c.name():
                out.append(c)
        except psutil.NoSuchProcess:          # a renderer that just exited
            pass
    return out


async def measure(url: str, server_pid: int, pages: int, idle_s: float) -> dict:
    from playwright.async_api import async_playwright
    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        ctxs = [await browser.new_context(viewport={"width": 1280, "height": 1000}, locale="zh-CN")
                for _ in range(pages)]
        tabs = [await c.new_page() for c in ctxs]
        server0, browser0 = cpu_s(tree(server_pid)), cpu_s(browsers())
        t0 = time.monotonic()

        async def open_one(page):
            page.set_default_timeout(300_000)
            await page.goto(url)
            await page.frame_locator(UPLOADER).get_by_role("button", name="选择整个文件夹").wait_for()
            return time.monotonic() - t0
        ready = await asyncio.gather(*(open_one(p) for p in tabs), return_exceptions=True)
        opened_s = time.monotonic() - t0
        server1, browser1 = cpu_s(tree(server_pid)), cpu_s(browsers())
        await asyncio.sleep(5)                               # let the last reruns settle
        idle0, t_idle = cpu_s(tree(server_pid)), time.monotonic()
        await asyncio.sleep(idle_s)
        idle_cpu = cpu_s(tree(server_pid)) - idle0
        idle_wall = time.monotonic() - t_idle
        await browser.close()
    ok = [r for r in ready if isinstance(r, float)]
    errors = sorted({f"{type(r).__name__}: {str(r).splitlines()[0]}" for r in ready if not isinstance(r, float)})
    return {"ready_p50_s": statistics.median(ok) if ok else float("nan"),
            "ready_max_s": max(ok) if ok else float("nan"), "errors": errors[:3],
            "not_ready": len(ready) - len(ok), "open_wall_s": opened_s,
            "server_cpu_open_s": server1 - server0, "browser_cpu_open_s": browser1 - browser0,
            "idle_core_pct_per_page": 100 * idle_cpu / idle_wall / pages}


def serve(app_dir: Path, data: Path, log: Path) -> tuple[subprocess.Popen, str]:
    port = free_port()
    env = {**os.environ, "RATING_DATA_DIR": str(data), "PYTHONUNBUFFERED": "1"}
    proc = subprocess.Popen([sys.executable, "-m", "streamlit", "run", "app.py", "--server.headless", "true",
                             "--server.address", "127.0.0.1", "--server.port", str(port),
                             "--server.fileWatcherType", "none", "--browser.gatherUsageStats", "false"],
                            cwd=app_dir, env=env, stdout=open(log, "wb"), stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    _wait_healthy(url + "/_stcore/health", proc)
    return proc, url


def main(argv=None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--pages", type=int, default=15)
    ap.add_argument("--idle-s", type=float, default=30)
    ap.add_argument("--before", type=Path, help="a checkout of the code to compare with (same venv)")
    args = ap.parse_args(argv)
    work = Path(tempfile.mkdtemp(prefix="bench-pages-"))
    print(f"load average before: {os.getloadavg()}", flush=True)
    runs = [("before", args.before)] if args.before else []
    runs.append(("this", REPO))
    for name, app_dir in runs:
        proc, url = serve(app_dir, work / f"data-{name}", work / f"server-{name}.log")
        try:
            r = asyncio.run(measure(url, proc.pid, args.pages, args.idle_s))
        finally:
            proc.terminate()
            proc.wait(30)
        print(f"{name}: {args.pages} pages opened at once: uploader shown after p50 {r['ready_p50_s']:.1f} s, "
              f"max {r['ready_max_s']:.1f} s, {r['not_ready']} never; server CPU {r['server_cpu_open_s']:.1f} s, "
              f"browsers CPU {r['browser_cpu_open_s']:.1f} s while opening; idle: "
              f"{r['idle_core_pct_per_page']:.2f} % of a core per open page over {args.idle_s:.0f} s"
              + (f"; errors: {r['errors']}" if r["errors"] else ""), flush=True)
    print(f"load average after: {os.getloadavg()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
