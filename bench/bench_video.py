"""Checking a ~500 MB MP4 must cost about what MediaInfo itself costs, and a video stored in a ZIP must
be checked in place, not extracted.

Makes a ~500 MB H.264/AAC MP4 twice (moov first, moov last) with the remux trick, then prints:
  (a) whole-process wall time of `python -m checks FILE --json` against the baseline, a bare
      pymediainfo parse process `python -c "from pymediainfo import MediaInfo; MediaInfo.parse(open(F,
      'rb'))"` on the same file, in `--pairs` paired runs (the two alternate, the order flipping each
      pair; goal: median ratio <= 1.5); also `mediainfo --Output=JSON FILE`, the in-process parse
      and `from_stream`, and the check's peak RSS;
  (b) facts of the video stored (ZIP_STORED) in a ZIP through `checks.archives` (a byte-range view)
      against extract-then-check (goal: >= 20x faster).

    .venv/bin/python bench/bench_video.py [--size-mb 500] [--pairs 21] [--repeat 5] [--keep DIR]
                                          [--part all|process|zip]
"""
from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))


def make_sized_video(path: Path, size_mb: int, faststart: bool) -> Path:
    from samplegen.media import make_long_video
    kbps = 3800
    make_long_video(path, minutes=1, bitrate_kbps=kbps, faststart=faststart)
    per_min = path.stat().st_size
    return make_long_video(path, minutes=size_mb * 1e6 / per_min, bitrate_kbps=kbps, faststart=faststart)


def run_timed(cmd: list[str]) -> tuple[float, int]:
    """Wall seconds and exit code of one child process."""
    t = time.perf_counter()
    p = subprocess.run(cmd, cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - t, p.returncode


# Linux keeps the parent's high-water mark across fork+exec, so getrusage() in or of a child started
# from this (large) bench process reports our RSS, not its own. The check's own peak is VmHWM of its
# process image, printed at exit; the parse worker reports its own VmHWM.
_RSS_PROBE = (
    "import atexit, resource, runpy, sys\n"
    "def _report():\n"
    "    hwm = open('/proc/self/status').read().split('VmHWM:')[1].split()[0]\n"
    "    kids = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss\n"
    "    from checks.media import facts as media_facts\n"
    "    w = media_facts._WORKER\n"
    "    if w is not None and w._pid:\n"          # the long-lived parse worker: its own high-water mark
    "        kids = int(open(f'/proc/{w._pid}/status').read().split('VmHWM:')[1].split()[0])\n"
    "    print(f'RSS {hwm} {kids}', file=sys.stderr)\n"
    "atexit.register(_report)\n"
    "sys.argv = ['checks'] + sys.argv[1:]\n"
    "runpy.run_module('checks', run_name='__main__', alter_sys=True)\n")


def check_peak_rss(video: Path) -> tuple[int, int]:
    """(peak RSS KiB of `python -m checks FILE --json`, peak RSS KiB of its MediaInfo parse worker)."""
    p = subprocess.run([sys.executable, "-c", _RSS_PROBE, str(video), "--json"], cwd=REPO,
                       capture_output=True, text=True)
    line = [l for l in p.stderr.splitlines() if l.startswith("RSS ")][-1]
    _, hwm, kids = line.split()
    return int(hwm), int(kids)


def median_time(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def fmt_ms(s: float) -> str:
    return f"{s * 1000:8.1f} ms"


_PMI_BASELINE = "import sys; from pymediainfo import MediaInfo; MediaInfo.parse(open(sys.argv[1], 'rb'))"


def run_measured(cmd: list[str]) -> tuple[float, float, int]:
    """Wall seconds, CPU seconds (user+sys of the child and its threads) and exit code of one run.
    CPU time barely moves when other work shares the cores; wall time does."""
    t = time.perf_counter()
    p = subprocess.Popen(cmd, cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(p.pid, 0)
    wall = time.perf_counter() - t
    p.returncode = os.waitstatus_to_exitcode(status)
    return wall, usage.ru_utime + usage.ru_stime, p.returncode


def paired(cmd_a: list[str], cmd_b: list[str], pairs: int):
    """`pairs` runs of each command, back to back in pairs (order flipped every pair, so neither
    always gets the warmer cache): ([(wall, cpu)] of a, [(wall, cpu)] of b, exit codes of a)."""
    a, b, codes = [], [], set()
    for i in range(pairs):
        if i % 2:
            rb = run_measured(cmd_b)
            ra = run_measured(cmd_a)
        else:
            ra = run_measured(cmd_a)
            rb = run_measured(cmd_b)
        a.append(ra[:2])
        b.append(rb[:2])
        codes.add(ra[2])
    return a, b, codes


def bench_process(video: Path, repeat: int, pairs: int) -> None:
    from checks.media import libmediainfo
    from checks.media.facts import from_stream

    check_cmd = [sys.executable, "-m", "checks", str(video), "--json"]
    pmi_cmd = [sys.executable, "-c", _PMI_BASELINE, str(video)]
    run_timed(check_cmd)                        # warm the page cache once
    run_timed(pmi_cmd)
    check, pmi, codes = paired(check_cmd, pmi_cmd, pairs)
    for i, what in ((0, "wall"), (1, "CPU ")):
        c, p = [r[i] for r in check], [r[i] for r in pmi]
        t_check, t_pmi = statistics.median(c), statistics.median(p)
        ratios = [x / y for x, y in zip(c, p)]
        verdict = "ok" if t_check / t_pmi <= 1.5 else "ABOVE GOAL"
        print(f"  {what} python -m checks FILE --json: {fmt_ms(t_check)}  (median of {pairs}, exit {sorted(codes)})")
        print(f"  {what} python + pymediainfo parse  : {fmt_ms(t_pmi)}  (baseline: whole process, paired)")
        print(f"  {what} ratio check / pymediainfo   : {t_check / t_pmi:8.2f} x  (median/median; goal <= 1.5: {verdict});"
              f" per pair: median {statistics.median(ratios):.2f}, range {min(ratios):.2f}-{max(ratios):.2f}")
    if shutil.which("mediainfo"):
        cli = [run_timed(["mediainfo", "--Output=JSON", str(video)])[0] for _ in range(repeat)]
        print(f"  mediainfo --Output=JSON FILE : {fmt_ms(statistics.median(cli))}  (C++ CLI, for scale)")
    floor = [run_timed([sys.executable, "-c", "pass"])[0] for _ in range(repeat)]
    imports = [run_timed([sys.executable, "-c", "import checks.cli, checks.engine, checks.media.facts"])[0]
               for _ in range(repeat)]
    print(f"  python -c pass (start-up)    : {fmt_ms(statistics.median(floor))}")
    print(f"  import checks.cli+engine     : {fmt_ms(statistics.median(imports))}  (whole process)")
    hwm, child = check_peak_rss(video)
    print(f"  peak RSS of the check        : {hwm / 1024:8.1f} MiB  (VmHWM; MediaInfo parse worker {child / 1024:.1f} MiB,"
          f" file {video.stat().st_size / 2**20:.0f} MiB)")

    def parse_inproc():
        with open(video, "rb") as f:
            libmediainfo.parse_json(f)

    def facts_inproc():
        with open(video, "rb") as f:
            from_stream(f)
    print(f"  libmediainfo parse, in process: {fmt_ms(median_time(parse_inproc, repeat))}")
    print(f"  facts.from_stream (worker)   : {fmt_ms(median_time(facts_inproc, repeat))}  (parse worker, time-limited)")


def bench_zip(video: Path, tmp: Path, repeat: int) -> None:
    from checks.media.facts import from_stream
    try:
        from checks.archives import open_archive
    except ImportError as e:
        print(f"  checks.archives not available yet ({e}); skipped")
        return
    zpath = tmp / f"{video.stem}.zip"
    member_name = f"小学北京市第一小学张老师/教学活动录像_{video.stem}.mp4"
    with zipfile.ZipFile(zpath, "w", compression=zipfile.ZIP_STORED) as z:
        z.write(video, member_name)

    def in_archive():
        with open_archive(zpath) as arc:
            member = next(m for m in arc.members if m.path.endswith(".mp4"))
            with arc.open(member) as f:
                return from_stream(f)

    out_dir = tmp / "extracted"

    def extract_then_check():
        shutil.rmtree(out_dir, ignore_errors=True)
        with zipfile.ZipFile(zpath) as z:
            extracted = z.extract(member_name, out_dir)
        with open(extracted, "rb") as f:
            return from_stream(f)

    facts = in_archive()
    assert facts == extract_then_check(), "archive stream and extracted file disagree"
    t_arc = median_time(in_archive, repeat)
    t_ext = median_time(extract_then_check, max(3, repeat // 2))
    verdict = "ok" if t_ext / t_arc >= 20 else "BELOW GOAL"
    print(f"  in place via checks.archives : {fmt_ms(t_arc)}")
    print(f"  extract, then check          : {fmt_ms(t_ext)}  (baseline)")
    print(f"  speed-up                     : {t_ext / t_arc:8.1f} x  (goal >= 20: {verdict})")
    shutil.rmtree(out_dir, ignore_errors=True)
    zpath.unlink()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--size-mb", type=int, default=500)
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--pairs", type=int, default=21)
    ap.add_argument("--part", choices=["all", "process", "zip"], default="all")
    ap.add_argument("--keep", type=Path, help="folder to keep (and reuse) the generated videos in")
    args = ap.parse_args()

    tmp = Path(tempfile.mkdtemp(prefix="bench_video_"))
    store = args.keep or tmp
    store.mkdir(parents=True, exist_ok=True)
    try:
        for faststart in (True, False):
            label = "moov first" if faststart else "moov last"
            video = store / f"lesson_{args.size_mb}mb_{'faststart' if faststart else 'moovlast'}.mp4"
            if not video.exists():
                t = time.perf_counter()
                make_sized_video(video, args.size_mb, faststart)
                print(f"made {video.name}: {video.stat().st_size / 1e6:.0f} MB in {time.perf_counter() - t:.1f} s")
            print(f"\n== {label}: {video.stat().st_size / 1e6:.0f} MB")
            if args.part in ("all", "process"):
                print("(a) whole process")
                bench_process(video, args.repeat, args.pairs)
            if args.part in ("all", "zip"):
                print("(b) stored in a ZIP")
                bench_zip(video, tmp, args.repeat)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
