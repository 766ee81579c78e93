"""Province-scale scoring bench: ranking + tiers in DuckDB SQL vs the same computation in pandas,
and score-write throughput through the review service with 50 threads.

    python bench/bench_scoring.py [--works 10000] [--reviewers-per-work 5] [--repeat 7]
                                  [--threads 50] [--writes 2000]

Data is generated directly in a temporary DuckDB file (10k works × 5 reviews × 8 criteria, totals
in hundredths) and the aggregate tables are rebuilt from it.

For each method (mean, median, trimmed_mean, normalized) four implementations rank the same data:
  SQL from the aggregates  — scoring.ranking.compute_ranking, what the app runs;
  SQL from the reviews     — the same SQL over the base tables (compute_ranking(from_reviews=True));
  pandas from the reviews  — the pandas twin (ranking_reference.rank_pandas);
  pandas from the aggregates — the twin reading the same aggregate tables as the SQL.
Each does only the work its method needs (the z-score pass only for normalized). All four must
agree on status, rank, tier and 4-decimal score (and normalized to 1e-9), else the bench fails.
Every figure is the best of --repeat rounds, the same number for every implementation, and each
round runs the four in turn (a burst of load on a shared machine hits all of them alike). pandas is
timed on frames already in memory ("compute") and with loading them from the DB ("+ load"); the
SQL figures always include reading from the DB, so "compute" is the strict comparison.

Goals (exit status 1 when one is missed, after printing everything):
  G1 (issue 12.3, the stated goal): for every method, SQL from the aggregates < 200 ms and
     ≤ 0.5 × pandas from the reviews (compute).
  G2 (like with like): for every method, SQL ≤ 1.0 × pandas on the same input, compute only, both
     from the aggregates and both from the reviews: the SQL engine must not be what makes it slow.
     The ratio SQL/pandas from the aggregates shows how much of G1 comes from the engine and how
     much from the maintained aggregates.
  W: ≥ 500 score saves/s through save_review with 50 threads (drafts). Submits, which also refresh
     the judges' statistics and the z-scores of all their works, are printed without a goal.
"""
from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
import threading
import time
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from scoring import aggregates, db  # noqa: E402
from scoring.permissions import Actor  # noqa: E402
from scoring.ranking import compute_ranking  # noqa: E402
from scoring.ranking_reference import (load_aggregate_frames, load_frames, rank_pandas,  # noqa: E402
                                       rank_pandas_from_aggregates)
from scoring.reviews import save_review  # noqa: E402
from scoring.rubrics import load_rubrics  # noqa: E402
from scoring.settings import read_settings  # noqa: E402

PROJECTS = ["afterschool", "fusion_case", "it_course_case", "training_case", "vocational_practice",
            "digital_textbook"]
STAGES = ["小学", "初中", "高中"]
N_CRIT = 8


def generate(cur, n_works: int, per_work: int, seed: int = 1) -> None:
    rng = np.random.default_rng(seed)
    n_rev = max(per_work * 4, n_works * per_work // 250)     # ~250 reviews per judge
    works_df = pd.DataFrame({
        "id": np.arange(1, n_works + 1), "work_key": [f"k{i}" for i in range(1, n_works + 1)],
        "project": rng.choice(PROJECTS, n_works), "stage": rng.choice(STAGES, n_works),
        "title": [f"作品{i}" for i in range(1, n_works + 1)], "school": [f"学校{i % 900}" for i in range(n_works)],
        "precheck_status": np.where(rng.random(n_works) < 0.95, "pass", "fail"),
        "excluded": rng.random(n_works) < 0.01})
    quality = rng.normal(0.72, 0.1, n_works)
    severity = rng.normal(0, 0.05, n_rev)
    wid = np.repeat(works_df["id"].to_numpy(), per_work)
    rid = (np.repeat(np.arange(n_works), per_work) * 7 + np.tile(np.arange(per_work), n_works) * 13) % n_rev
    crit = np.clip(np.round((quality[wid - 1, None] + severity[rid, None]
                             + rng.normal(0, 0.06, (len(wid), N_CRIT))) * 12.5 * 2) / 2, 0, 12.5)
    reviews_df = pd.DataFrame({
        "work_id": wid, "reviewer": [f"r{r}" for r in rid],
        "scores": [json.dumps({f"c{j}": float(v) for j, v in enumerate(row)}) for row in crit],
        "total": crit.sum(axis=1).round(2), "veto": rng.random(len(wid)) < 0.002,
        "status": np.where(rng.random(len(wid)) < 0.995, "submitted", "draft")})
    cur.execute("INSERT INTO works (id, work_key, project, stage, title, school, precheck_status, excluded) "
                "SELECT * FROM works_df")
    cur.execute("INSERT INTO assignments (work_id, reviewer) SELECT work_id, reviewer FROM reviews_df")
    cur.execute("INSERT INTO reviews (work_id, reviewer, scores, total, veto, status) SELECT * FROM reviews_df")
    aggregates.rebuild(cur)      # rows loaded behind the services: the writer did not keep work_agg


def best_of(fns: dict, repeat: int) -> tuple[dict, dict]:
    """Best time and last result of each callable over `repeat` rounds; the rounds take the
    callables in turn, so a burst of load on the (shared) machine hits all of them alike."""
    times, out = {k: [] for k in fns}, {}
    for _ in range(repeat):
        for k, fn in fns.items():
            t0 = time.perf_counter()
            out[k] = fn()
            times[k].append(time.perf_counter() - t0)
    return {k: min(v) for k, v in times.items()}, out


def same_results(a: pd.DataFrame, b: pd.DataFrame, normalized: bool) -> bool:
    a, b = a.set_index("work_id").sort_index(), b.set_index("work_id").sort_index()
    ok = (a.index.equals(b.index)
          and a["status"].tolist() == b["status"].tolist()
          and a["rank"].fillna(-1).astype(int).tolist() == b["rank"].fillna(-1).astype(int).tolist()
          and a["tier"].fillna("").tolist() == b["tier"].fillna("").tolist()
          and a["score"].fillna(-1).tolist() == b["score"].fillna(-1).tolist())
    if normalized:
        ok = ok and float((a["normalized"] - b["normalized"]).abs().max()) < 1e-9
    return ok


def normalized_margin(sql: pd.DataFrame, ref: pd.DataFrame) -> str:
    """How safe the 4-decimal agreement is: the largest difference of the unrounded values against
    the distance of the nearest value to a rounding boundary (x.xxxx5), and how many works tie."""
    a = sql.set_index("work_id")["normalized"].sort_index().dropna()
    b = ref.set_index("work_id")["normalized"].sort_index().dropna()
    frac = (a * 1e4) % 1.0
    margin = float((frac - 0.5).abs().min() / 1e4)
    ties = int(sql["score"][sql["status"] == "ranked"].duplicated().sum())
    return (f"normalized before rounding: max |SQL − pandas| = {float((a - b).abs().max()):.1e}, nearest value "
            f"to a 4-decimal rounding boundary {margin:.1e} away; ranked works sharing a score: {ties}")


def bench_ranking(cur, repeat: int) -> list[str]:
    """Times the four implementations per method; returns the goals missed."""
    max_totals = {k: r.max_total for k, r in load_rubrics().items()}
    missed = []
    t, out = best_of({"raw": lambda: load_frames(cur), "agg": lambda: load_aggregate_frames(cur)}, repeat)
    (t_load_raw, frames), (t_load_agg, agg_frames) = (t["raw"], out["raw"]), (t["agg"], out["agg"])
    print(f"loading the pandas frames from the DB: reviews {t_load_raw * 1000:.1f} ms, "
          f"aggregates {t_load_agg * 1000:.1f} ms (best of {repeat})")
    for method in ("mean", "median", "trimmed_mean", "normalized"):
        cur.execute("INSERT OR REPLACE INTO settings VALUES ('aggregation', ?)", [json.dumps(method)])
        settings = read_settings(cur)
        runs = {
            "sql_agg": lambda: compute_ranking(cur, settings),
            "sql_raw": lambda: compute_ranking(cur, settings, from_reviews=True),
            "pd_raw": lambda: rank_pandas(frames, settings, max_totals),
            "pd_agg": lambda: rank_pandas_from_aggregates(agg_frames, settings, max_totals),
        }
        for fn in runs.values():
            fn()                                   # warm caches and prepared statements once
        t, out = best_of(runs, repeat)
        same = all(same_results(out["pd_raw"], out[k], method == "normalized") for k in ("sql_agg", "sql_raw", "pd_agg"))
        ms = {k: v * 1000 for k, v in t.items()}
        g1 = t["sql_agg"] / t["pd_raw"]
        g2_agg, g2_raw = t["sql_agg"] / t["pd_agg"], t["sql_raw"] / t["pd_raw"]
        print(f"[{method}] SQL from aggregates {ms['sql_agg']:.1f} ms | SQL from reviews {ms['sql_raw']:.1f} ms | "
              f"pandas from reviews {ms['pd_raw']:.1f} ms (+ {t_load_raw * 1000:.1f} load) | "
              f"pandas from aggregates {ms['pd_agg']:.1f} ms (+ {t_load_agg * 1000:.1f} load) | identical: {same}")
        print(f"    G1 SQL-agg / pandas-reviews = {g1:.2f}× (goal ≤ 0.50×, < 200 ms)"
              f"{'' if g1 <= 0.5 and t['sql_agg'] < 0.2 else '  MISSED'}; "
              f"incl. pandas loading {t['sql_agg'] / (t['pd_raw'] + t_load_raw):.2f}×")
        print(f"    G2 like with like: aggregates SQL/pandas = {g2_agg:.2f}×{'' if g2_agg <= 1 else '  MISSED'} "
              f"(incl. loading {t['sql_agg'] / (t['pd_agg'] + t_load_agg):.2f}×); "
              f"reviews SQL/pandas = {g2_raw:.2f}×{'' if g2_raw <= 1 else '  MISSED'} "
              f"(incl. loading {t['sql_raw'] / (t['pd_raw'] + t_load_raw):.2f}×) (goal ≤ 1.00×)")
        if method == "normalized":
            print("    " + normalized_margin(out["sql_agg"], out["pd_raw"]))
        if not same:
            missed.append(f"{method}: implementations disagree")
        if not (g1 <= 0.5 and t["sql_agg"] < 0.2):
            missed.append(f"{method}: G1 {g1:.2f}× / {ms['sql_agg']:.0f} ms")
        if g2_agg > 1 or g2_raw > 1:
            missed.append(f"{method}: G2 {g2_agg:.2f}× / {g2_raw:.2f}×")
    return missed


def bench_writes(path: Path, threads: int, writes: int) -> tuple[float, int, float]:
    """Fresh file, one judge per thread, each updating scores on its own four works through
    save_review (drafts), then submitting the four. Returns (saves/s, history rows, submits/s)."""
    db.configure(path)
    cur = db.cursor()
    cur.execute("INSERT INTO reviewers SELECT 'w' || i, '评委' || i, '评委学校' || i, '', ['fusion_case'], ['小学'], "
                "1000, TRUE FROM range(?) t(i)", [threads])
    cur.execute("INSERT INTO works (id, work_key, project, stage, title, school, precheck_status) "
                "SELECT i, 'k' || i, 'fusion_case', '小学', 't', 's', 'pass' FROM range(1, ? + 1) t(i)", [threads * 4])
    cur.execute("INSERT INTO assignments (work_id, reviewer) SELECT i, 'w' || ((i - 1) // 4) "
                "FROM range(1, ? + 1) t(i)", [threads * 4])
    per_thread = writes // threads
    start, middle, end = (threading.Barrier(threads + 1) for _ in range(3))
    errors = []

    def judge(i):
        me = Actor(f"w{i}", "reviewer")
        db.cursor()
        try:
            start.wait()
            for k in range(per_thread):
                save_review(me, 4 * i + 1 + k % 4, {"design": (k // 4) % 25, "norms": k % 10})
            middle.wait()
            end.wait()
            for k in range(4):
                save_review(me, 4 * i + 1 + k, {"design": 20, "integration": 20, "implementation": 20,
                                                "innovation": 10 + k, "norms": 8}, submit=True)
        except Exception as exc:
            errors.append(repr(exc))

    ts = [threading.Thread(target=judge, args=(i,)) for i in range(threads)]
    for t in ts:
        t.start()
    start.wait()
    t0 = time.perf_counter()
    middle.wait()
    elapsed = time.perf_counter() - t0
    n = db.cursor().execute("SELECT count(*) FROM score_history WHERE field = 'design'").fetchone()[0]
    end.wait()
    t0 = time.perf_counter()
    for t in ts:
        t.join()
    elapsed_submits = time.perf_counter() - t0
    if errors:
        raise SystemExit(f"write errors: {errors[:3]}")
    db.close()
    return per_thread * threads / elapsed, n, threads * 4 / elapsed_submits


def main(argv=None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--works", type=int, default=10_000)
    ap.add_argument("--reviewers-per-work", type=int, default=5)
    ap.add_argument("--repeat", type=int, default=7)
    ap.add_argument("--threads", type=int, default=50)
    ap.add_argument("--writes", type=int, default=2_000)
    a = ap.parse_args(argv)
    tmp = Path(tempfile.mkdtemp(prefix="bench-scoring-"))
    db.configure(tmp / "rank.duckdb")
    cur = db.cursor()
    t0 = time.perf_counter()
    generate(cur, a.works, a.reviewers_per_work)
    print(f"generated {a.works} works × {a.reviewers_per_work} reviews × {N_CRIT} criteria "
          f"in {time.perf_counter() - t0:.1f} s")
    missed = bench_ranking(cur, a.repeat)
    db.close()
    rate, n, submit_rate = bench_writes(tmp / "writes.duckdb", a.threads, a.writes)
    shutil.rmtree(tmp, ignore_errors=True)
    print(f"score saves through save_review, {a.threads} threads: {rate:.0f} writes/s (goal ≥ 500)"
          f"{'' if rate >= 500 else '  MISSED'}; history rows {n} for {a.writes // a.threads * a.threads} writes; "
          f"then submits: {submit_rate:.0f} submits/s (no goal)")
    if rate < 500:
        missed.append(f"writes {rate:.0f}/s")
    if missed:
        print("GOALS MISSED: " + "; ".join(missed))
        return 1
    print("all goals met")
    return 0


if __name__ == "__main__":
    sys.exit(main())
