"""Checking a whole package stays well under a second, recognition of every file included.

Makes one sample package per project type (real files: scanned PDF form, Word documents with their
sections, XLSX, ZIP, MP4; the vocational set has a 16-minute recording), then prints for each:
  - the in-process check (`checks.check_paths`, warm: best of --repeat),
  - the whole process `python -m checks PKG --json` (median of --repeat),
  - the baseline measured in the same run: one `mediainfo --Output=JSON` process over every file of
    the package (a tool that reads each file's headers and nothing else), and the ratio to it.
Goal: the whole-process check of a package well under 1 s.

    .venv/bin/python bench/bench_package.py [--repeat 7]
"""
from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

PROJECTS = ["afterschool", "fusion_case", "training_case", "vocational_practice", "digital_textbook"]


def wall(cmd: list[str]) -> float:
    t = time.perf_counter()
    subprocess.run(cmd, cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
    return time.perf_counter() - t


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=7)
    args = ap.parse_args()
    from checks import check_paths
    from samplegen.packages import make_package

    tmp = Path(tempfile.mkdtemp(prefix="bench-package-"))
    worst = 0.0
    try:
        cache = tmp / "video-cache"
        print(f"{'project':22} {'files':>5} {'in-process':>11} {'python -m checks':>17} {'mediainfo all':>14} {'ratio':>6}")
        for project in PROJECTS:
            pkg = make_package(tmp / project, project, cache_dir=cache)
            files = [str(p) for p in sorted(pkg.rglob("*")) if p.is_file()]
            check_paths([pkg], project=project)                      # warm the parse worker and caches
            inproc = []
            for _ in range(args.repeat):
                t = time.perf_counter()
                report = check_paths([pkg], project=project)
                inproc.append(time.perf_counter() - t)
            cli = [wall([sys.executable, "-m", "checks", str(pkg), "--project", project, "--json"])
                   for _ in range(args.repeat)]
            base = [wall(["mediainfo", "--Output=JSON", *files]) for _ in range(args.repeat)]
            ratio = statistics.median(cli) / statistics.median(base)
            worst = max(worst, statistics.median(cli))
            print(f"{project:22} {len(files):5} {min(inproc) * 1000:9.1f}ms {statistics.median(cli) * 1000:15.1f}ms "
                  f"{statistics.median(base) * 1000:12.1f}ms {ratio:5.1f}x   verdict={report.verdict}")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    ok = worst < 1.0
    print(f"slowest whole-process package check: {worst * 1000:.0f} ms — goal < 1000 ms: {'met' if ok else 'MISSED'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
