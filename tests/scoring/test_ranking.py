"""Aggregation, ranking and award tiers, checked against numbers computed by hand.

Each work here is scored through the real services (assign → save_review → submit); a helper
spreads a wanted total over the fusion_case criteria (25, 25, 25, 15, 10).
"""
import random

import pytest

from scoring import aggregates, assignment, db, reviewers, reviews, works
from scoring.permissions import Actor
from scoring.ranking import compute_ranking, tier_cut
from scoring.ranking_reference import load_frames, rank_pandas
from scoring.rubrics import load_rubric, load_rubrics
from scoring.settings import read_settings, update_settings

ADMIN = Actor("admin", "admin")
RUBRIC = load_rubric("fusion_case")


@pytest.fixture
def dbfile(tmp_path):
    path = tmp_path / "r.duckdb"
    db.configure(path)
    yield path
    db.close(path)
    db.configure(None)


def scores_for(total: float) -> dict:
    out, left = {}, total
    for c in RUBRIC.criteria:
        out[c.key] = min(c.max, left)
        left -= out[c.key]
    assert left == 0
    return out


def make_reviewers(names):
    reviewers.upsert_reviewers(ADMIN, [dict(username=n, name=n, school=f"{n}学校", projects="fusion_case",
                                            stages="小学", cap=100) for n in names])


def scored_work(title, totals: dict, *, stage="小学", submit=True, veto=False):
    wid = works.add_work(ADMIN, project="fusion_case", stage=stage, title=title, school="某小学", authors=["某"])
    for reviewer, total in totals.items():
        assignment.assign(ADMIN, wid, reviewer)
        reviews.save_review(Actor(reviewer, "reviewer"), wid, scores_for(total), submit=submit,
                            veto=veto or None, veto_reason="科学性错误" if veto else None)
    return wid


def row(df, wid):
    return df[df.work_id == wid].iloc[0]


def test_trimmed_mean_drops_one_highest_and_one_lowest_from_five_scores(dbfile):
    make_reviewers(["a", "b", "c", "d", "e"])
    five = scored_work("五位评委", dict(zip("abcde", [60, 70, 75, 80, 95])))
    four = scored_work("四位评委", dict(zip("abcd", [60, 70, 80, 94])))
    df = compute_ranking(db.cursor())
    r5, r4 = row(df, five), row(df, four)
    assert (r5["mean"], r5["median"], r5["trimmed_mean"]) == (76.0, 75.0, 75.0)   # (70+75+80)/3
    assert (r4["mean"], r4["median"], r4["trimmed_mean"]) == (76.0, 75.0, 76.0)   # < 5 scores: plain mean
    assert r5["spread"] == 35 and bool(r5["spread_flag"])         # 35 > 20 (default threshold)
    assert r4["spread"] == 34 and bool(r4["spread_flag"])


def test_z_score_normalisation_removes_a_severe_judges_offset(dbfile):
    # A scores 60/70/80, B scores 80/85/90: same order, different severity and spread.
    make_reviewers(["A", "B"])
    ids = [scored_work(f"作品{i}", {"A": a, "B": b}) for i, (a, b) in enumerate([(60, 80), (70, 85), (80, 90)])]
    update_settings(ADMIN, {"aggregation": "normalized"})
    df = compute_ranking(db.cursor())
    # Both judges give z = -1.2247, 0, +1.2247. Project pool 60,70,80,80,85,90: mean 77.5,
    # population std sqrt(587.5/6) = 9.8953, so the works get 77.5 + z × 9.8953.
    assert row(df, ids[0])["normalized"] == pytest.approx(65.38074, abs=1e-4)
    assert row(df, ids[1])["normalized"] == pytest.approx(77.5, abs=1e-9)
    assert row(df, ids[2])["normalized"] == pytest.approx(89.61926, abs=1e-4)
    assert list(df.sort_values("rank")["work_id"]) == [ids[2], ids[1], ids[0]]


def test_ties_share_a_rank_and_a_tie_at_a_tier_boundary_shares_the_better_tier(dbfile):
    update_settings(ADMIN, {"aggregation": "mean", "reviewers_per_work": 1})
    make_reviewers(["j"])
    totals = [95, 90, 90, 88, 85, 80, 80, 80, 70, 60]
    ids = [scored_work(f"作品{i}", {"j": t}) for i, t in enumerate(totals)]
    df = compute_ranking(db.cursor())
    # N = 10: cuts are round-half-up of 10 × 10 % = 1, 10 × 30 % = 3, 10 × 60 % = 6.
    assert (tier_cut(10, 0.1), tier_cut(10, 0.3), tier_cut(10, 0.6)) == (1, 3, 6)
    got = [(int(row(df, w)["rank"]), row(df, w)["tier"]) for w in ids]
    assert got == [(1, "一等奖"), (2, "二等奖"), (2, "二等奖"), (4, "三等奖"), (5, "三等奖"),
                   (6, "三等奖"), (6, "三等奖"), (6, "三等奖"), (9, None), (10, None)]


def test_tier_cuts_round_half_up():
    assert [tier_cut(5, r) for r in (0.1, 0.3, 0.6)] == [1, 2, 3]      # 0.5 → 1, 1.5 → 2
    assert [tier_cut(4, r) for r in (0.1, 0.3, 0.6)] == [0, 1, 2]      # 0.4 → 0: no 一等奖 among 4
    assert tier_cut(1, 0.6) == 1


def test_veto_incomplete_and_excluded_works_are_not_ranked_and_groups_are_per_stage(dbfile):
    update_settings(ADMIN, {"aggregation": "mean"})
    make_reviewers(["a", "b"])
    good = scored_work("好作品", {"a": 80, "b": 90})
    vetoed = scored_work("有科学性错误", {"a": 99, "b": 99}, veto=True)
    draft = scored_work("未提交", {"a": 85, "b": 85}, submit=False)
    excluded = scored_work("一稿多投", {"a": 70, "b": 70})
    works.set_excluded(ADMIN, excluded, True, "一稿多投")
    other_stage = scored_work("初中作品", {"a": 50, "b": 50}, stage="初中")
    reviewers.upsert_reviewers(ADMIN, [dict(username=u, name=u, school=f"{u}学校", projects="fusion_case",
                                            stages="小学;初中", cap=100) for u in "ab"])
    df = compute_ranking(db.cursor())
    assert row(df, good)["status"] == "ranked" and row(df, good)["rank"] == 1
    assert row(df, vetoed)["status"] == "veto" and row(df, vetoed)["tier"] is None
    assert row(df, draft)["status"] == "incomplete" and row(df, draft)["n_scores"] == 0
    assert row(df, excluded)["status"] == "excluded"
    assert row(df, other_stage)["rank"] == 1          # its own 学段 group


def test_sql_and_pandas_rankings_agree_on_random_data(dbfile):
    import pandas as pd
    rng = random.Random(7)
    cur = db.cursor()
    names = [f"r{i}" for i in range(12)]
    w_rows, a_rows, v_rows = [], [], []
    for w in range(1, 301):
        w_rows.append((w, f"k{w}", rng.choice(["fusion_case", "afterschool"]), rng.choice(["小学", "初中"]),
                       f"t{w}", rng.choice(["pass"] * 9 + ["fail"]), rng.random() < 0.05))
        for r in rng.sample(names, rng.randint(1, 6)):
            a_rows.append((w, r))
            if rng.random() < 0.95:      # integer totals make plenty of ties
                v_rows.append((w, r, float(rng.randint(55, 95)), rng.random() < 0.02,
                               "submitted" if rng.random() < 0.97 else "draft"))
    w_df = pd.DataFrame(w_rows, columns=["id", "work_key", "project", "stage", "title", "precheck_status", "excluded"])
    a_df = pd.DataFrame(a_rows, columns=["work_id", "reviewer"])
    v_df = pd.DataFrame(v_rows, columns=["work_id", "reviewer", "total", "veto", "status"])
    cur.execute("INSERT INTO works (id, work_key, project, stage, title, precheck_status, excluded) SELECT * FROM w_df")
    cur.execute("INSERT INTO assignments (work_id, reviewer) SELECT * FROM a_df")
    cur.execute("INSERT INTO reviews (work_id, reviewer, total, veto, status) SELECT * FROM v_df")
    aggregates.rebuild(cur)      # rows inserted behind the services
    max_totals = {k: r.max_total for k, r in load_rubrics().items()}
    for aggregation in ["mean", "median", "trimmed_mean", "normalized"]:
        update_settings(ADMIN, {"aggregation": aggregation})
        settings = read_settings(cur)
        sql = compute_ranking(cur, settings).set_index("work_id").sort_index()
        pdf = rank_pandas(load_frames(cur), settings, max_totals).set_index("work_id").sort_index()
        assert (sql["status"] == pdf["status"]).all()
        assert sql["rank"].fillna(-1).astype(int).tolist() == pdf["rank"].fillna(-1).astype(int).tolist()
        assert sql["tier"].fillna("").tolist() == pdf["tier"].fillna("").tolist()
        assert sql["score"].fillna(-1).tolist() == pdf["score"].fillna(-1).tolist()
        assert (sql["status"] == "ranked").sum() > 150 and sql["tier"].notna().sum() > 50
