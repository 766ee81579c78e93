"""Batch 初审 bench: `python -m scoring import` over a generated dump of sample packages.

    python bench/bench_import.py [--count 300] [--dump DIR] [--baseline-sample N]

The dump is made with samplegen as the demo makes it (samplegen.packages.make_package with the
projects, names and flaws of samplegen.demo_packages: real Word, scanned-PDF, Excel, ZIP and video
files, about one package in six with a format flaw), each package its own teacher; every second
package that has a video gets it re-encoded with the moov box at the end of the file (not "fast
start"), the others keep the moov-first sample. Videos are the 2-second samples, so generation stays quick. With
--dump DIR the dump is kept there and reused by the next run (same --count).

Measured (generation excluded):
  import    — one child process `python -m scoring --db TMP import DUMP --json`: packages per
              second, and its peak memory: max RSS of the child and of its own children (from
              wait4, i.e. the largest single process) and the peak of the summed PSS of the whole
              process tree (sampled from /proc every 20 ms: the importer plus its forked media
              worker, shared pages counted once).
  baseline  — the same run checks the same packages one by one with `python -m checks PKG --json`
              (a child per package, as a district admin without the importer would): packages per
              second and the largest max RSS. --baseline-sample N checks only every k-th package
              (N of them) and says so.
Printed: both figures (with the CPU time of the children: wall time suffers most on a shared
machine) and the ratios import/baseline (throughput: higher is better; CPU and memory).
No goal is judged here; the exit status is 1 only when the import fails or misses packages.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))


def make_dump(root: Path, count: int) -> list[Path]:
    """`count` sample packages under root/dump, each its own level-1 folder (its own teacher: the
    demo's random names repeat, and one teacher's works would share a folder); about one in six
    with a format flaw, as in the demo; every second package with a video gets a moov-last one."""
    import random

    from samplegen import demo_packages as demo
    from samplegen.media import make_video
    from samplegen.packages import _place_video, make_package, sample_video

    dump = root / "dump"
    done = root / f"dump-{count}.done"
    if done.exists():
        return sorted(p for p in dump.iterdir() if p.is_dir())
    shutil.rmtree(dump, ignore_errors=True)
    dump.mkdir(parents=True)
    cache = root / "video-cache"                          # make_package's cache: sample-<kind>.mp4
    rng = random.Random(12)
    given2 = "文武安平和华明德"
    packages = []
    for i in range(count):
        project = demo.PROJECTS[i % len(demo.PROJECTS)]
        stage = rng.choice(demo.STAGES[project])
        teacher = (demo.SURNAMES[i % 10] + demo.GIVEN[i // 10 % len(demo.GIVEN)]
                   + given2[i // (10 * len(demo.GIVEN)) % len(given2)])     # unique for 640 packages
        flaws = set(rng.choice(demo.FLAWS)) - ({"video_30fps"} if project == "training_case" else set())
        packages.append(make_package(dump, project, stage=stage, school=rng.choice(demo.SCHOOLS[stage]),
                                     teacher=teacher, title=f"{rng.choice(demo.TOPICS)}（样例{i + 1}）",
                                     flaws=flaws, cache_dir=cache))
    moov_last = {}
    for kind, fps in (("short", 25), ("fps30", 30)):
        first = sample_video(cache, kind)
        last = cache / f"moov-last-{kind}.mp4"
        if not last.exists():
            make_video(last, seconds=2, fps=fps, faststart=False)      # same recipe, moov at the end
        moov_last[first.read_bytes()[:65536]] = last
    with_video = [p for p in packages if any(p.rglob("*.mp4"))]
    for pkg in with_video[1::2]:
        for video in sorted(pkg.rglob("*.mp4")):
            src = moov_last.get(video.read_bytes()[:65536])
            if src is not None:
                video.unlink()
                _place_video(src, video, f"{pkg.name}/{video.name}")      # own hash, as make_package does
    done.write_text(str(len(packages)))
    return packages


def _tree_pss_kb(root_pid: int) -> int:
    """Summed PSS of a process and all its descendants (KiB). PSS, not RSS: the media worker is
    forked from the importer and shares its pages, which a sum of RSS would count twice."""
    parent = {}
    for d in os.listdir("/proc"):
        if d.isdigit():
            try:
                with open(f"/proc/{d}/stat") as f:
                    parent[int(d)] = int(f.read().rsplit(")", 1)[1].split()[1])
            except OSError:
                continue
    total, todo = 0, [root_pid]
    while todo:
        pid = todo.pop()
        try:
            with open(f"/proc/{pid}/smaps_rollup") as f:
                total += next(int(line.split()[1]) for line in f if line.startswith("Pss:"))
        except (OSError, StopIteration):
            pass
        todo.extend(c for c, p in parent.items() if p == pid)
    return total


def run_measured(cmd: list[str], out_path: Path, sample_tree: bool) -> dict:
    """Run a child to completion; wall time, exit status, max RSS from wait4, sampled tree peak."""
    with open(out_path, "wb") as out, open(out_path.with_suffix(".err"), "wb") as err:
        t0 = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=REPO, stdout=out, stderr=err)
        peak, stop = [0], threading.Event()

        def sample():
            while not stop.wait(0.02):
                peak[0] = max(peak[0], _tree_pss_kb(proc.pid))
        sampler = threading.Thread(target=sample, daemon=True)
        if sample_tree:
            sampler.start()
        _, status, usage = os.wait4(proc.pid, 0)
        elapsed = time.perf_counter() - t0
        stop.set()
        if sample_tree:
            sampler.join()
        proc.returncode = os.waitstatus_to_exitcode(status)
    return {"seconds": elapsed, "rc": proc.returncode, "maxrss_kb": usage.ru_maxrss, "tree_kb": peak[0],
            "cpu": usage.ru_utime + usage.ru_stime}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--count", type=int, default=300)
    ap.add_argument("--dump", help="keep the generated dump in this folder and reuse it")
    ap.add_argument("--baseline-sample", type=int, default=0,
                    help="check only this many packages (every k-th) one by one for the baseline")
    ap.add_argument("--make-dump-only", action="store_true", help=argparse.SUPPRESS)
    a = ap.parse_args(argv)
    root = Path(a.dump) if a.dump else Path(tempfile.mkdtemp(prefix="bench-import-"))
    root.mkdir(parents=True, exist_ok=True)
    if a.make_dump_only:
        make_dump(root, a.count)
        return 0
    t0 = time.perf_counter()
    # Generated in a child: this process stays small, because Linux counts the parent's pages
    # (copied at fork, before exec) in a child's max RSS.
    subprocess.run([sys.executable, __file__, "--make-dump-only", "--count", str(a.count), "--dump", str(root)],
                   check=True)
    packages = sorted(p for p in (root / "dump").iterdir() if p.is_dir())
    n_video = sum(1 for p in packages for _ in p.rglob("*.mp4"))
    print(f"dump: {len(packages)} packages, {n_video} videos (moov-first and moov-last), "
          f"{sum(f.stat().st_size for p in packages for f in p.rglob('*') if f.is_file()) / 1e6:.0f} MB, "
          f"ready in {time.perf_counter() - t0:.1f} s")

    work = Path(tempfile.mkdtemp(prefix="bench-import-run-"))
    db_file = work / "import.duckdb"
    imp = run_measured([sys.executable, "-m", "scoring", "--db", str(db_file), "import", str(root / "dump"),
                        "--json"], work / "import.json", sample_tree=True)
    summary = json.loads((work / "import.json").read_text(encoding="utf-8")) if imp["rc"] == 0 else {}
    imp_rate = len(packages) / imp["seconds"]
    print(f"import: {len(packages)} packages in {imp['seconds']:.1f} s = {imp_rate:.2f} packages/s "
          f"(CPU {imp['cpu']:.1f} s = {imp['cpu'] / len(packages) * 1000:.0f} ms per package); "
          f"peak memory: largest process {imp['maxrss_kb'] / 1024:.0f} MiB (max RSS), "
          f"whole tree {imp['tree_kb'] / 1024:.0f} MiB (sampled PSS); "
          f"summary: {summary.get('new')} new, {summary.get('precheck_failed')} failed 初审, "
          f"{summary.get('excluded')} excluded, {len(summary.get('errors') or [])} errors")

    step = max(1, len(packages) // a.baseline_sample) if a.baseline_sample else 1
    chosen = packages[::step]
    base_seconds, base_cpu, base_rss, base_bad = 0.0, 0.0, 0, 0
    for i, pkg in enumerate(chosen):
        r = run_measured([sys.executable, "-m", "checks", str(pkg), "--json"], work / f"check-{i}.json",
                         sample_tree=False)
        base_seconds += r["seconds"]
        base_cpu += r["cpu"]
        base_rss = max(base_rss, r["maxrss_kb"])
        base_bad += r["rc"] not in (0, 1)            # 0 pass, 1 fail: both are a finished check
    base_rate = len(chosen) / base_seconds
    print(f"baseline python -m checks one package at a time: {len(chosen)} packages"
          f"{f' (1 in {step})' if step > 1 else ''} in {base_seconds:.1f} s = {base_rate:.2f} packages/s "
          f"(CPU {base_cpu:.1f} s = {base_cpu / len(chosen) * 1000:.0f} ms per package); "
          f"largest process {base_rss / 1024:.0f} MiB (max RSS); unusable runs {base_bad}")
    print(f"ratio import / baseline: throughput {imp_rate / base_rate:.2f}× (higher is better; CPU per package "
          f"{(imp['cpu'] / len(packages)) / (base_cpu / len(chosen)):.2f}×, lower is better), "
          f"peak memory {imp['maxrss_kb'] / base_rss:.2f}× (largest process), "
          f"{imp['tree_kb'] / base_rss:.2f}× (import's whole tree vs the baseline's largest process)")
    shutil.rmtree(work, ignore_errors=True)
    if not a.dump:
        shutil.rmtree(root, ignore_errors=True)
    ok = imp["rc"] == 0 and summary.get("packages") == len(packages)
    if not ok:
        print(f"IMPORT FAILED: exit status {imp['rc']}, {summary.get('packages')} of {len(packages)} packages")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
