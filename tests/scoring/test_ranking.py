"""Aggregation, ranking and award tiers, checked against numbers computed by hand.

Each work here is scored through the real services (assign → save_review → submit); a helper
spreads a wanted total over the fusion_case criteria (25, 25, 25, 15, 10).
"""
import random

import pytest

from scoring import aggregates, assignment, db, reviewers, reviews, works
from scoring.permissions import Actor
from scoring.ranking import compute_ranking, ranking_records, tier_cut
from scoring.ranking_reference import (load_aggregate_frames, load_frames, rank_pandas,
                                       rank_pandas_from_aggregates, tier_cuts)
from scoring.rubrics import load_rubric
from scoring.settings import read_settings, update_settings

ADMIN = Actor("admin", "admin")
RUBRIC = load_rubric("fusion_case")
MAX_TOTALS = {p: 100.0 for p in ("afterschool", "fusion_case", "it_course_case", "training_case",
                                 "vocational_practice", "digital_textbook")}   # every rubric: full mark 100
RATIOS = {"一等奖": 0.1, "二等奖": 0.2, "三等奖": 0.3}                          # the default award ratios


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
    assert [tier_cut(15, r) for r in (0.1, 0.3, 0.6)] == [2, 5, 9]     # 1.5 → 2, 4.5 → 5 (not 4), 9
    # The pandas twin's own cuts (exact decimals), on the same hand-computed cases.
    assert tier_cuts(5, RATIOS) == [("一等奖", 1), ("二等奖", 2), ("三等奖", 3)]
    assert tier_cuts(4, RATIOS) == [("一等奖", 0), ("二等奖", 1), ("三等奖", 2)]
    assert tier_cuts(7, RATIOS) == [("一等奖", 1), ("二等奖", 2), ("三等奖", 4)]  # 0.7, 2.1, 4.2
    assert tier_cuts(15, RATIOS) == [("一等奖", 2), ("二等奖", 5), ("三等奖", 9)]


def test_seven_works_cuts_1_2_4_and_ties_straddling_a_cut_share_the_better_tier(dbfile):
    update_settings(ADMIN, {"aggregation": "mean", "reviewers_per_work": 1})
    make_reviewers(["j"])
    totals = [90, 90, 85, 80, 80, 70, 60]
    ids = [scored_work(f"作品{i}", {"j": t}) for i, t in enumerate(totals)]
    # N = 7: cuts round half up of 0.7, 2.1, 4.2 = 1, 2, 4. The two 90s share rank 1 and both get
    # 一等奖 (the tie straddles cut 1), which leaves rank 3 beyond cut 2: no 二等奖 at all. The two
    # 80s share rank 4 = cut 4: both 三等奖 though the second sits at position 5.
    want = [(1, "一等奖"), (1, "一等奖"), (3, "三等奖"), (4, "三等奖"), (4, "三等奖"), (6, None), (7, None)]
    cur = db.cursor()
    for df in (compute_ranking(cur), compute_ranking(cur, from_reviews=True),
               rank_pandas(load_frames(cur), read_settings(cur), MAX_TOTALS)):
        assert [(int(row(df, w)["rank"]), row(df, w)["tier"]) for w in ids] == want


def test_fifteen_works_cut_half_up_at_4_5(dbfile):
    update_settings(ADMIN, {"aggregation": "mean", "reviewers_per_work": 1})
    make_reviewers(["j"])
    ids = [scored_work(f"作品{i}", {"j": 100 - i}) for i in range(15)]
    # N = 15: 1.5 → 2, 0.3 × 15 = 4.5 → 5 (round half up, not to even), 9.
    want = ["一等奖"] * 2 + ["二等奖"] * 3 + ["三等奖"] * 4 + [None] * 6
    cur = db.cursor()
    for df in (compute_ranking(cur), rank_pandas(load_frames(cur), read_settings(cur), MAX_TOTALS)):
        assert [row(df, w)["tier"] for w in ids] == want


def test_normalized_clips_each_review_to_the_full_mark_and_zero(dbfile):
    # A: 100 (w1), 0 (w2): mean 50, std 50, z = +1, −1.
    # B: 100 (w1, w2, w3), 20 (w4): mean 80, std √1200 = 34.641, z = +1/√3 = 0.57735, −√3.
    # Pool 100, 0, 100, 100, 100, 20: mean 70, std √(11000 / 6) = 42.81744.
    # Per review: A +1 → 112.8174 → 100; A −1 → 27.18256; B +0.57735 → 94.72066; B −√3 → −4.162 → 0.
    make_reviewers(["A", "B"])
    w1 = scored_work("w1", {"A": 100, "B": 100})
    w2 = scored_work("w2", {"A": 0, "B": 100})
    w3 = scored_work("w3", {"B": 100})
    w4 = scored_work("w4", {"B": 20})
    update_settings(ADMIN, {"aggregation": "normalized"})
    want = {w1: (97.3603, 1), w2: (60.9516, 3), w3: (94.7207, 2), w4: (0.0, 4)}   # w1: (100 + 94.72066) / 2
    cur = db.cursor()
    for df in (compute_ranking(cur), compute_ranking(cur, from_reviews=True),
               rank_pandas(load_frames(cur), read_settings(cur), MAX_TOTALS),
               rank_pandas_from_aggregates(load_aggregate_frames(cur), read_settings(cur), MAX_TOTALS)):
        assert {w: (row(df, w)["score"], int(row(df, w)["rank"])) for w in want} == want


def test_normalized_ties_stay_ties(dbfile):
    # A: 70, 80, 70 and B: 80, 70, 80: each work gets one z above and one the same size below its
    # reviewer's mean (A: −0.7071 / +1.4142, B: +0.7071 / −1.4142), so all three are 75 = the pool mean.
    make_reviewers(["A", "B"])
    ids = [scored_work(f"w{i}", {"A": a, "B": b}) for i, (a, b) in enumerate([(70, 80), (80, 70), (70, 80)])]
    update_settings(ADMIN, {"aggregation": "normalized"})
    cur = db.cursor()
    for df in (compute_ranking(cur), rank_pandas(load_frames(cur), read_settings(cur), MAX_TOTALS)):
        assert [(row(df, w)["score"], int(row(df, w)["rank"]), row(df, w)["tier"]) for w in ids] == [
            (75.0, 1, "二等奖")] * 3
    # N = 3: cuts 0.3 → 0, 0.9 → 1, 1.8 → 2: no 一等奖; the three tied at rank 1 all get 二等奖.


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
    """SQL from the aggregates, SQL from the reviews, pandas from the reviews and pandas from the
    aggregates give the same statuses, ranks, tiers and 4-decimal scores for every method, on data
    with many ties (integer totals in one project, hundredths in the other)."""
    import pandas as pd
    rng = random.Random(7)
    cur = db.cursor()
    names = [f"r{i}" for i in range(12)]
    w_rows, a_rows, v_rows = [], [], []
    for w in range(1, 301):
        project = rng.choice(["fusion_case", "afterschool"])
        w_rows.append((w, f"k{w}", project, rng.choice(["小学", "初中"]),
                       f"t{w}", rng.choice(["pass"] * 9 + ["fail"]), rng.random() < 0.05))
        for r in rng.sample(names, rng.randint(1, 6)):
            a_rows.append((w, r))
            if rng.random() < 0.95:
                total = float(rng.randint(55, 95)) if project == "fusion_case" else rng.randint(5500, 5520) / 100
                v_rows.append((w, r, total, rng.random() < 0.02, "submitted" if rng.random() < 0.97 else "draft"))
    w_df = pd.DataFrame(w_rows, columns=["id", "work_key", "project", "stage", "title", "precheck_status", "excluded"])
    a_df = pd.DataFrame(a_rows, columns=["work_id", "reviewer"])
    v_df = pd.DataFrame(v_rows, columns=["work_id", "reviewer", "total", "veto", "status"])
    cur.execute("INSERT INTO works (id, work_key, project, stage, title, precheck_status, excluded) SELECT * FROM w_df")
    cur.execute("INSERT INTO assignments (work_id, reviewer) SELECT * FROM a_df")
    cur.execute("INSERT INTO reviews (work_id, reviewer, total, veto, status) SELECT * FROM v_df")
    aggregates.rebuild(cur)      # rows inserted behind the services
    for aggregation in ["mean", "median", "trimmed_mean", "normalized"]:
        update_settings(ADMIN, {"aggregation": aggregation})
        settings = read_settings(cur)
        want = rank_pandas(load_frames(cur), settings, MAX_TOTALS).set_index("work_id").sort_index()
        assert (want["status"] == "ranked").sum() > 150 and want["tier"].notna().sum() > 50
        assert want["score"].duplicated().sum() > (10 if aggregation == "normalized" else 50)   # ties
        for got in (compute_ranking(cur, settings), compute_ranking(cur, settings, from_reviews=True),
                    rank_pandas_from_aggregates(load_aggregate_frames(cur), settings, MAX_TOTALS)):
            got = got.set_index("work_id").sort_index()
            assert got["status"].tolist() == want["status"].tolist()
            assert got["rank"].fillna(-1).astype(int).tolist() == want["rank"].fillna(-1).astype(int).tolist()
            assert got["tier"].fillna("").tolist() == want["tier"].fillna("").tolist()
            assert got["score"].fillna(-1).tolist() == want["score"].fillna(-1).tolist()
            if aggregation == "normalized":
                assert (got["normalized"] - want["normalized"]).abs().max() < 1e-9


def test_a_mean_of_eight_totals_on_a_half_is_rounded_half_up(dbfile):
    # 7 × 77.44 + 77.47 = 619.55; / 8 = 77.44375 exactly in decimals: 四舍五入 to 4 places is 77.4438.
    names = [f"j{i}" for i in range(8)]
    make_reviewers(names)
    update_settings(ADMIN, {"aggregation": "mean", "reviewers_per_work": 8})
    wid = scored_work("八位评委", {n: (77.47 if n == "j7" else 77.44) for n in names})
    cur = db.cursor()
    assert row(compute_ranking(cur), wid)["score"] == 77.4438
    assert row(compute_ranking(cur, from_reviews=True), wid)["score"] == 77.4438
    assert row(rank_pandas(load_frames(cur), read_settings(cur), MAX_TOTALS), wid)["score"] == 77.4438
    [rec] = [r for r in ranking_records(ADMIN) if r["work_id"] == wid]
    assert (rec["mean"], rec["score"]) == (77.4438, 77.4438)     # the listing shows the same figure


def test_a_mean_just_below_a_half_is_not_rounded_up(dbfile):
    # (77.44 + 77.44 + 77.45) / 3 = 77.443333…: the nudge that lifts an exact half must not lift this.
    names = [f"k{i}" for i in range(3)]
    make_reviewers(names)
    update_settings(ADMIN, {"aggregation": "mean", "reviewers_per_work": 3})
    wid = scored_work("三位评委", {"k0": 77.44, "k1": 77.44, "k2": 77.45})
    cur = db.cursor()
    assert row(compute_ranking(cur), wid)["score"] == 77.4433
    assert row(rank_pandas(load_frames(cur), read_settings(cur), MAX_TOTALS), wid)["score"] == 77.4433


def test_the_listing_shows_a_median_on_its_decimal_value_not_its_float_noise(dbfile):
    # (70.07 + 70.08) / 2 is 70.075 exactly; in doubles it is 70.07499999999999.
    make_reviewers(["m1", "m2"])
    update_settings(ADMIN, {"aggregation": "median", "reviewers_per_work": 2})
    wid = scored_work("两位评委", {"m1": 70.07, "m2": 70.08})
    [rec] = [r for r in ranking_records(ADMIN) if r["work_id"] == wid]
    assert (rec["mean"], rec["median"], rec["trimmed_mean"], rec["score"]) == (70.075, 70.075, 70.075, 70.075)


@pytest.mark.parametrize("value,sql", [("a'b", "'a''b'"), ("'; DROP TABLE works; --", "'''; DROP TABLE works; --'"),
                                       (1.5, "'1.5'::DOUBLE"), (3, "3"), (["x'", "y"], "['x''', 'y']")],
                         ids=["quote", "injection", "float", "int", "list"])
def test_values_inlined_into_the_prepared_ranking_are_quoted(value, sql):
    import duckdb

    from scoring.ranking import _literal
    assert _literal(value) == sql
    assert duckdb.sql("SELECT " + _literal(value)).fetchall()[0][0] == value
