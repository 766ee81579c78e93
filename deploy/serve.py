"""`./dev serve --workers N`: N app processes behind Debian's nginx (deploy/nginx.conf).

With N >= 2, worker 0 serves the judging pages under /judge/ (and takes API checks); workers
1..N-1 serve only the teachers' self-check page at / (RATING_SELFCHECK_ONLY=1: no login, so they
never open the DuckDB file). With N = 1 the one process serves everything at / and nginx only
fronts it. Each worker's check pool gets its share of the cores (RATING_CHECK_WORKERS). Runs in
the foreground; Ctrl-C or SIGTERM stops nginx and every worker.
"""
from __future__ import annotations

import argparse
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def render_conf(run: Path, listen: str, ports: list[int]) -> str:
    judge = ports[0]
    teachers = ports[1:] or ports[:1]
    text = (REPO / "deploy" / "nginx.conf").read_text(encoding="utf-8")
    return (text.replace("@@RUN@@", str(run)).replace("@@LISTEN@@", listen)
            .replace("@@JUDGE@@", f"127.0.0.1:{judge}")
            .replace("@@TEACHERS@@", "\n".join(f"        server 127.0.0.1:{p};" for p in teachers))
            .replace("@@ALL@@", "\n".join(f"        server 127.0.0.1:{p};" for p in ports)))


def _wait_healthy(url: str, proc: subprocess.Popen, timeout_s: float = 120) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"进程启动失败（退出码 {proc.returncode}）：{url}")
        try:
            with urllib.request.urlopen(url, timeout=2) as r:
                if r.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError(f"进程未能在 {timeout_s:.0f} 秒内启动：{url}")


class Cluster:
    """The worker processes and nginx; a context manager so tests and benches clean up."""

    def __init__(self, workers: int, listen: str, run_dir: Path, extra_env: dict | None = None,
                 log_dir: Path | None = None, python: str = sys.executable):
        self.workers, self.listen, self.run = workers, listen, run_dir
        self.env = {**os.environ, **(extra_env or {})}
        self.log_dir = log_dir or run_dir
        self.python = python
        self.procs: list[subprocess.Popen] = []
        self.ports: list[int] = []
        self.nginx: subprocess.Popen | None = None

    def start(self) -> "Cluster":
        self.run.mkdir(parents=True, exist_ok=True)
        cores = len(os.sched_getaffinity(0))
        pool = self.env.get("RATING_CHECK_WORKERS") or str(max(1, cores // self.workers))
        try:
            for i in range(self.workers):
                port = free_port()
                env = {**self.env, "RATING_CHECK_WORKERS": pool, "PYTHONUNBUFFERED": "1"}
                args = [self.python, "-m", "streamlit", "run", "app.py", "--server.headless", "true",
                        "--server.address", "127.0.0.1", "--server.port", str(port),
                        "--server.fileWatcherType", "none", "--browser.gatherUsageStats", "false"]
                if self.workers > 1 and i == 0:
                    args += ["--server.baseUrlPath", "judge"]
                elif self.workers > 1:
                    env["RATING_SELFCHECK_ONLY"] = "1"
                log = open(self.log_dir / f"worker-{i}.log", "wb")
                self.procs.append(subprocess.Popen(args, cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT,
                                                   start_new_session=True))
                self.ports.append(port)
            for i, (port, proc) in enumerate(zip(self.ports, self.procs)):
                base = "/judge" if self.workers > 1 and i == 0 else ""
                _wait_healthy(f"http://127.0.0.1:{port}{base}/_stcore/health", proc)
            conf = self.run / "nginx.conf"
            conf.write_text(render_conf(self.run, self.listen, self.ports), encoding="utf-8")
            self.nginx = subprocess.Popen([NGINX, "-p", str(self.run), "-c", str(conf), "-g", "daemon off;"],
                                          stdout=open(self.log_dir / "nginx.log", "wb"), stderr=subprocess.STDOUT,
                                          start_new_session=True)
            host = self.listen if ":" in self.listen else f"127.0.0.1:{self.listen}"
            _wait_healthy(f"http://{host}/_stcore/health", self.nginx, 30)
        except BaseException:
            self.stop()
            raise
        return self

    def pids(self) -> list[int]:
        return [p.pid for p in self.procs]

    def stop(self) -> None:
        for p in ([self.nginx] if self.nginx else []) + self.procs:
            if p.poll() is None:
                p.terminate()
        for p in ([self.nginx] if self.nginx else []) + self.procs:
            try:
                p.wait(timeout=15)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait()

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="./dev serve", description="多进程运行：nginx + N 个应用进程。")
    ap.add_argument("--workers", type=int, default=2, help="应用进程数（默认 2）")
    ap.add_argument("--listen", default="8080", help="nginx 监听的地址或端口（默认 8080）")
    args = ap.parse_args(argv)
    if args.workers < 1:
        ap.error("--workers 至少为 1")
    if not Path(NGINX).exists():
        print("未找到 nginx：请先运行 scripts/setup.sh 安装。", file=sys.stderr)
        return 2
    from_env = os.environ.get("RATING_DATA_DIR")
    run = Path(from_env or REPO / "data") / "run"
    cluster = Cluster(args.workers, args.listen, run)
    stop = False

    def on_signal(*_):
        nonlocal stop
        stop = True
    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    cluster.start()
    host = args.listen if ":" in args.listen else f"localhost:{args.listen}"
    print(f"作品自检：http://{host}/    检查接口：http://{host}/api/check" +
          (f"    评审与管理：http://{host}/judge/" if args.workers > 1 else ""), flush=True)
    try:
        while not stop and all(p.poll() is None for p in cluster.procs + [cluster.nginx]):
            time.sleep(0.5)
    finally:
        cluster.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
