"""Deadline night through the check API: N simulated teachers (Locust) each upload a package
without video and wait for its verdict, at N = 1, 15, 50, against 1 app process and against
2 app processes, both behind Debian's nginx (deploy/serve.py), in the same run, on loopback.

Each simulated teacher sends exactly one request, then stops, so every scenario ends by itself
(and is cut after --limit-s in any case). Printed per scenario: verdict latency p50/p95 (the whole
request: upload, queue, check, answer), throughput (verdicts per second of wall time), errors,
and the server's peak memory (RSS summed over the app processes, their check pools and nginx).
The baseline is the 1-process run of the same N in the same run: ratios are 2 processes / 1.
Locust runs in this process on the same cores as the server, so the load generator takes its
share of the CPU too.

    .venv/bin/python bench/bench_load.py [--users 1 15 50] [--limit-s 300]

Measured 2026-11-27 on the shared 2-core machine (load average 16-20 from other engineers' tests),
training_case package of 4 files, 0.08 MB: 50 teachers, 0 errors in both set-ups;
1 process p50 1.60 s / p95 2.50 s, 19.0 verdicts/s, peak RSS 211 MiB;
2 processes p50 0.89 s / p95 1.70 s, 24.7 verdicts/s, peak RSS 307 MiB (p95 x0.68, throughput x1.30).
"""
from __future__ import annotations

import locust  # noqa: F401  (first: Locust patches the standard library with gevent)

import argparse
import sys
import tempfile
import time
from pathlib import Path

import gevent
import psutil
from locust import HttpUser, constant, task
from locust.env import Environment
from locust.exception import StopUser

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from deploy.serve import Cluster, free_port  # noqa: E402
from samplegen.packages import make_package  # noqa: E402


class Teacher(HttpUser):
    wait_time = constant(0)
    files: list[tuple[str, bytes]] = []

    @task
    def check(self):
        parts = [("files", (name, data, "application/octet-stream")) for name, data in self.files]
        with self.client.post("/api/check", files=parts, name="/api/check", timeout=600,
                              catch_response=True) as r:
            if r.status_code != 200:
                r.failure(f"HTTP {r.status_code}: {r.text[:120]}")
            elif r.json().get("verdict") not in ("pass", "fail"):
                r.failure("no verdict")
        raise StopUser()


def tree(pids: list[int]) -> list[psutil.Process]:
    procs = []
    for pid in pids:
        try:
            p = psutil.Process(pid)
            procs += [p, *p.children(recursive=True)]
        except psutil.NoSuchProcess:
            pass
    return procs


def rss_and_cpu(pids: list[int]) -> tuple[int, float]:
    rss = cpu = 0
    for p in tree(pids):
        try:
            rss += p.memory_info().rss
            t = p.cpu_times()
            cpu += t.user + t.system + t.children_user + t.children_system
        except psutil.NoSuchProcess:
            pass
    return rss, cpu


def scenario(host: str, server_pids: list[int], users: int, limit_s: float) -> dict:
    env = Environment(user_classes=[Teacher], host=host)
    runner = env.create_local_runner()
    peak = [0]

    def sample():
        while True:
            peak[0] = max(peak[0], rss_and_cpu(server_pids)[0])
            gevent.sleep(0.2)
    sampler = gevent.spawn(sample)
    _, cpu0 = rss_and_cpu(server_pids)
    t0 = time.monotonic()
    runner.start(users, spawn_rate=users)
    deadline = t0 + limit_s
    while time.monotonic() < deadline:            # start() replaced the stats: read them afresh
        stats = env.stats.get("/api/check", "POST")
        if stats.num_requests >= users:            # failures are counted in num_requests too
            break
        gevent.sleep(0.1)
    wall = time.monotonic() - t0
    runner.quit()
    sampler.kill()
    _, cpu1 = rss_and_cpu(server_pids)
    done = stats.num_requests - stats.num_failures
    return {"users": users, "ok": done, "errors": stats.num_failures + (users - stats.num_requests),
            "p50_s": stats.get_response_time_percentile(0.5) / 1000,
            "p95_s": stats.get_response_time_percentile(0.95) / 1000,
            "throughput": done / wall, "wall_s": wall, "peak_rss_mb": peak[0] / 2 ** 20,
            "server_cpu_s": cpu1 - cpu0, "errors_seen": dict(list(env.stats.errors.items())[:3])}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--users", type=int, nargs="+", default=[1, 15, 50])
    ap.add_argument("--processes", type=int, nargs="+", default=[1, 2])
    ap.add_argument("--limit-s", type=float, default=300)
    args = ap.parse_args(argv)
    work = Path(tempfile.mkdtemp(prefix="bench-load-"))
    level1 = make_package(work / "pkg", "training_case", cache_dir=work / "cache")
    Teacher.files = [(p.relative_to(work / "pkg").as_posix(), p.read_bytes())
                     for p in sorted(level1.rglob("*")) if p.is_file()]
    size = sum(len(d) for _, d in Teacher.files)
    print(f"package: {len(Teacher.files)} files, {size / 1e6:.2f} MB, no video; "
          f"cores {len(psutil.Process().cpu_affinity())}, load average {psutil.getloadavg()}")
    results: dict[tuple[int, int], dict] = {}
    for procs in args.processes:
        port = free_port()
        with Cluster(procs, str(port), work / f"run-{procs}", extra_env={"RATING_DATA_DIR": str(work / f"data-{procs}")},
                     log_dir=work) as cluster:
            host = f"http://127.0.0.1:{port}"
            pids = cluster.pids() + [cluster.nginx.pid]
            scenario(host, pids, min(2, procs * 2), args.limit_s)     # warm-up: pools start
            for users in args.users:
                r = results[(procs, users)] = scenario(host, pids, users, args.limit_s)
                print(f"{procs} process(es), {users:3d} teachers: p50 {r['p50_s']:.2f} s, p95 {r['p95_s']:.2f} s, "
                      f"{r['throughput']:.2f} verdicts/s, errors {r['errors']}, peak RSS {r['peak_rss_mb']:.0f} MiB, "
                      f"server CPU {r['server_cpu_s']:.1f} s in {r['wall_s']:.1f} s"
                      + (f", {r['errors_seen']}" if r["errors"] else ""), flush=True)
    if 1 in args.processes and 2 in args.processes:
        for users in args.users:
            one, two = results[(1, users)], results[(2, users)]
            print(f"{users:3d} teachers, 2 processes / 1: p95 x{two['p95_s'] / max(one['p95_s'], 1e-9):.2f}, "
                  f"throughput x{two['throughput'] / max(one['throughput'], 1e-9):.2f}, "
                  f"peak RSS x{two['peak_rss_mb'] / max(one['peak_rss_mb'], 1e-9):.2f}")
    print(f"load average after: {psutil.getloadavg()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
