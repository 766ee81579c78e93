"""Our video check against MediaConch (Debian `mediaconch`) as a peer, on the same files in the same run.

MediaConch gets the policy bench/mediaconch_policy.py generates from data/rules/contest.yaml (the
vocational-practice lesson video), and a report database of its own in a temporary HOME. Prints:
  (a) what each tool reports that the other does not, file by file (MediaConch's failing rule ids
      against our error and warning rule ids);
  (b) time per file on two 16-minute videos (conforming, and the same at 30 fps), wall and CPU
      (user+sys), `--pairs` rounds in which every command runs once, back to back (order rotating):
        ours one-shot    `python -m checks FILE --json --project vocational_practice`
        MediaConch       `mediaconch -p POLICY FILE` with its database warm (cached report)
        MediaConch force `mediaconch --Force -p POLICY FILE` (parses the file again)
      and our warm paths, `check_paths` in this process: the app's (long-lived parse worker) and a
      batch parsing in process; goal: warm at or below MediaConch's time per file.

    .venv/bin/python bench/bench_mediaconch.py [--pairs 21] [--keep DIR]
"""
from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))

PROJECT = "vocational_practice"
TIMED = ["long_16min", "long_16min_30fps"]
COMPARED = TIMED + ["frag25", "clock90k_2ticks", "portrait_720p", "mov_720p", "moov_last_720p",
                    "br1000_720p", "a124k", "interlaced", "no_audio", "truncated"]


def mediaconch_failures(policy: Path, video: Path, env: dict) -> set[str] | None:
    """Rule ids (the part of a rule name before ':') that MediaConch fails; None if it could not read."""
    p = subprocess.run(["mediaconch", "-p", str(policy), str(video)], capture_output=True, text=True, env=env)
    if not p.stdout.startswith(("pass!", "fail!")):
        return None
    return {m.group(1) for m in re.finditer(r"\[fail:((?:video|audio)\.[a-z_]+):", p.stdout)}


def our_findings(video: Path) -> set[str]:
    from checks import check_paths
    report = check_paths([str(video)], project=PROJECT).to_dict()
    # the file's own rules: a lone video is not a whole package (package.* says so)
    return {f["rule"] for f in report["findings"] if f["level"] in ("error", "warning")
            and f["rule"].startswith(("video.", "audio.", "file."))}


def compare(policy: Path, media, env: dict) -> None:
    print("(a) what each reports that the other does not (ours: video/audio/file errors and warnings)")
    for name in COMPARED:
        video = media(name)
        theirs = mediaconch_failures(policy, video, env)
        ours = our_findings(video)
        if theirs is None:
            print(f"  {name:17s} MediaConch could not read it; ours: {', '.join(sorted(ours)) or 'pass'}")
            continue
        only_theirs, only_ours = sorted(theirs - ours), sorted(ours - theirs)
        same = "same" if not only_theirs and not only_ours else ""
        print(f"  {name:17s} only MediaConch: {', '.join(only_theirs) or '-':28s} "
              f"only ours: {', '.join(only_ours) or '-'} {same}")
    print("  never in MediaConch's policy language here: rotation-aware display size, bit rate fallbacks"
          " (stream size, overall minus audio), frame durations behind a VFR flag, moov position and browser"
          " codecs (video.web_playable), truncated copies (file.readable), totals over several files,"
          " the 500 MB/MiB band, and the Chinese message with its ffmpeg fix")


def run_measured(cmd: list[str], env: dict | None = None) -> tuple[float, float]:
    """Wall and CPU (user+sys, all threads) seconds of one child process."""
    t = time.perf_counter()
    p = subprocess.Popen(cmd, cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    _, _, usage = os.wait4(p.pid, 0)
    return time.perf_counter() - t, usage.ru_utime + usage.ru_stime


def warm_times(video: Path, parse_path: str, rounds: int) -> tuple[list[float], list[float]]:
    """Wall and CPU seconds per file of `check_paths` in this process (the app's way of working):
    parse_path 'worker' = the long-lived parse worker (its CPU is in another process: wall only),
    'in_process' = a batch parsing in this process (CPU is this process's)."""
    from checks import check_paths
    from checks.media import facts
    previous = facts.set_parse_path(parse_path)
    try:
        check_paths([str(video)], project=PROJECT)           # warm: imports, rules, worker
        walls, cpus = [], []
        for _ in range(rounds):
            t, c = time.perf_counter(), time.process_time()
            check_paths([str(video)], project=PROJECT)
            walls.append(time.perf_counter() - t)
            cpus.append(time.process_time() - c)
        return walls, cpus
    finally:
        facts.set_parse_path(previous)


def bench_times(policy: Path, media, env: dict, pairs: int) -> None:
    print(f"(b) time per file, median of {pairs} rounds (wall / CPU)")
    cmds = {
        "ours one-shot": lambda v: ([sys.executable, "-m", "checks", str(v), "--json", "--project", PROJECT], None),
        "MediaConch cached": lambda v: (["mediaconch", "-p", str(policy), str(v)], env),
        "MediaConch --Force": lambda v: (["mediaconch", "--Force", "-p", str(policy), str(v)], env),
    }
    for name in TIMED:
        video = media(name)
        for make in cmds.values():            # warm caches: page cache, MediaConch's database
            run_measured(*make(video))
        runs = {k: [] for k in cmds}
        keys = list(cmds)
        for i in range(pairs):
            for k in keys[i % len(keys):] + keys[:i % len(keys)]:
                runs[k].append(run_measured(*cmds[k](video)))
        wall = {k: statistics.median(r[0] for r in v) for k, v in runs.items()}
        cpu = {k: statistics.median(r[1] for r in v) for k, v in runs.items()}
        w, _ = warm_times(video, "worker", pairs)
        wall["ours warm (worker)"], cpu["ours warm (worker)"] = statistics.median(w), None
        w, c = warm_times(video, "in_process", pairs)
        wall["ours warm (batch)"], cpu["ours warm (batch)"] = statistics.median(w), statistics.median(c)
        print(f"  {name} ({video.stat().st_size / 1e6:.0f} MB)")
        for k in wall:
            c = f"{cpu[k] * 1000:8.1f} ms" if cpu[k] is not None else "      (other process)"
            print(f"    {k:20s} {wall[k] * 1000:8.1f} ms / {c}")
        for ours in ("ours one-shot", "ours warm (worker)", "ours warm (batch)"):
            for theirs in ("MediaConch cached", "MediaConch --Force"):
                ratio = wall[ours] / wall[theirs]
                goal = ("  (goal <= 1: " + ("ok)" if ratio <= 1 else "ABOVE GOAL)")) if "warm" in ours else ""
                cpu_ratio = f", CPU {cpu[ours] / cpu[theirs]:.2f} x" if cpu[ours] is not None else ""
                print(f"    {ours} / {theirs}: wall {ratio:.2f} x{cpu_ratio}{goal}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--pairs", type=int, default=21)
    ap.add_argument("--keep", type=Path, help="folder to keep (and reuse) the generated videos in")
    args = ap.parse_args()
    if shutil.which("mediaconch") is None:
        print("mediaconch not installed (scripts/setup.sh --dev installs it): skipped")
        return
    from mediaconch_policy import load_contest_rules, policy_xml
    from samplegen.media import sample

    tmp = Path(tempfile.mkdtemp(prefix="bench_mediaconch_"))
    store = args.keep or tmp / "videos"
    try:
        policy = tmp / "vocational.xml"
        policy.write_text(policy_xml(load_contest_rules()), "utf-8")
        env = dict(os.environ, HOME=str(tmp / "home"))     # MediaConch's database, fresh each run
        (tmp / "home").mkdir()
        media = lambda name: sample(store, name)           # noqa: E731
        subprocess.run(["mediaconch", "--version"], env=env)
        compare(policy, media, env)
        bench_times(policy, media, env, args.pairs)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
