"""The admin's ranking listings (scoring/ranking.py): `rank_works` with its Chinese labels,
`preview_ranking` with another aggregation, and `ranking_records`, the JSON-ready rows of
`rank --json`. Every expected number is worked out by hand in the comments.

Three reviewers a, b, c score three works of fusion_case (小学):
    w1: a 80, b 85,   c 86   mean 251 / 3 = 83.6667, median 85, spread 6
    w2: a 90, b 70.5, c 75   mean 235.5 / 3 = 78.5,   median 75, spread 19.5
    w3: a 60, b 95,   c 70   mean 225 / 3 = 75,       median 70, spread 35 (> 20: flagged)
and w4 is assigned to a, who has only saved a draft (nothing counted yet).
"""
import json

import pytest

from scoring import aggregates, assignment, db, reviewers, reviews, works
from scoring.errors import PermissionDenied, ValidationError
from scoring.permissions import Actor
from scoring.ranking import RANK_COLUMNS, preview_ranking, rank_works, ranking_records
from scoring.settings import read_settings, update_settings

ADMIN = Actor("admin", "admin")
ALICE = Actor("a", "reviewer")
# fusion_case criteria maxima: 25, 25, 25, 15, 10
CRITERIA = [("design", 25), ("integration", 25), ("implementation", 25), ("innovation", 15), ("norms", 10)]


def scores_for(total: float) -> dict:
    out, left = {}, total
    for key, top in CRITERIA:
        out[key] = min(top, left)
        left -= out[key]
    return out


def scored_work(title, totals, *, submit=True, veto=False, precheck_status="pass"):
    wid = works.add_work(ADMIN, project="fusion_case", stage="小学", title=title, school="某小学", authors=["某"],
                         precheck_status=precheck_status)
    for name, total in totals.items():
        assignment.assign(ADMIN, wid, name)
        reviews.save_review(Actor(name, "reviewer"), wid, scores_for(total), submit=submit,
                            veto=veto or None, veto_reason="科学性错误" if veto else None)
    return wid


@pytest.fixture
def contest(dbfile):
    reviewers.upsert_reviewers(ADMIN, [dict(username=n, name=n, school=f"{n}学校", projects="fusion_case",
                                            stages="小学", cap=100) for n in "abc"])
    update_settings(ADMIN, {"aggregation": "mean"})
    ids = [scored_work("w1", {"a": 80, "b": 85, "c": 86}),
           scored_work("w2", {"a": 90, "b": 70.5, "c": 75}),
           scored_work("w3", {"a": 60, "b": 95, "c": 70}),
           scored_work("w4", {"a": 50}, submit=False)]
    return ids


def _record(work_id, title, n_scores, mean, median, normalized, rank, tier, spread_flag):
    return {"work_id": work_id, "title": title, "project": "fusion_case", "stage": "小学", "school": "某小学",
            "n_scores": n_scores, "mean": mean, "median": median, "trimmed_mean": mean,   # < 5 scores: the mean
            "normalized": normalized, "score": mean, "rank": rank, "tier": tier, "spread_flag": spread_flag}


# Normalised values by hand. Reviewer means / population stds:
#   a: 80, 90, 60    mean 76.6667, std 12.4722 → z = +0.2673, +1.0690, −1.3363
#   b: 85, 70.5, 95  mean 83.5,    std 10.0582 → z = +0.1491, −1.2925, +1.1433
#   c: 86, 75, 70    mean 77,      std 6.6833  → z = +1.3466, −0.2993, −1.0474
# Pool of the nine totals: mean 711.5 / 9 = 79.0556, population std 10.5051.
# Per review 79.0556 + z × 10.5051, averaged per work: w1 85.2292, w2 77.2252, w3 74.7122.
WANT_RECORDS = [
    # N = 3 ranked: cuts round(0.3) = 0, round(0.9) = 1, round(1.8) = 2 → no 一等奖, 二等奖, 三等奖, none.
    _record(1, "w1", 3, 83.6667, 85.0, 85.2292, 1, "二等奖", False),
    _record(2, "w2", 3, 78.5, 75.0, 77.2252, 2, "三等奖", False),
    _record(3, "w3", 3, 75.0, 70.0, 74.7122, 3, None, True),
    _record(4, "w4", 0, None, None, None, None, None, False),
]


def test_ranking_records_are_json_ready_rounded_to_4_decimals_and_report_normalized_too(contest):
    got = ranking_records(ADMIN)
    assert got == WANT_RECORDS
    assert [list(r) for r in got] == [RANK_COLUMNS] * 4
    assert json.loads(json.dumps(got)) == WANT_RECORDS          # plain JSON types, no NaN


def test_ranking_records_when_ranking_by_normalized(contest):
    update_settings(ADMIN, {"aggregation": "normalized"})
    got = {r["work_id"]: (r["normalized"], r["score"], r["rank"], r["tier"]) for r in ranking_records(ADMIN)}
    assert got == {1: (85.2292, 85.2292, 1, "二等奖"), 2: (77.2252, 77.2252, 2, "三等奖"),
                   3: (74.7122, 74.7122, 3, None), 4: (None, None, None, None)}


def test_rank_works_labels_each_status_in_chinese(contest):
    vetoed = scored_work("否决", {"b": 99}, veto=True)
    excluded = scored_work("一稿多投", {"c": 70})
    works.set_excluded(ADMIN, excluded, True, "一稿多投")
    failed = scored_work("初审未过", {}, precheck_status="fail")
    df = rank_works(ADMIN)
    assert list(df.columns) == [
        "work_id", "title", "project", "stage", "school", "n_scores", "n_assigned", "mean", "median",
        "trimmed_mean", "normalized", "score", "rank", "tier", "spread", "spread_flag", "vetoed", "status",
        "status_text", "project_name"]                   # rank and tier right after the score
    df = df.set_index("work_id")
    assert df["status_text"].to_dict() == {1: "已排名", 2: "已排名", 3: "已排名", 4: "评审未完成",
                                           vetoed: "一票否决", excluded: "资格审查未通过", failed: "初审未通过"}
    assert set(df["project_name"]) == {"融合创新应用教学案例"}
    assert df.loc[1, "score"] == 83.6667 and df.loc[1, "rank"] == 1


def test_preview_ranks_by_another_method_without_saving_it(contest):
    df = preview_ranking(ADMIN, "median").set_index("work_id")
    # medians 85, 75, 70: same order, scores are the medians
    assert [(df.loc[w, "score"], df.loc[w, "rank"], df.loc[w, "tier"]) for w in (1, 2, 3)] == [
        (85.0, 1, "二等奖"), (75.0, 2, "三等奖"), (70.0, 3, None)]
    assert df.loc[1, "status_text"] == "已排名" and df.loc[1, "project_name"] == "融合创新应用教学案例"
    assert read_settings(db.cursor())["aggregation"] == "mean"
    normalized = preview_ranking(ADMIN, "normalized").set_index("work_id")
    assert [normalized.loc[w, "score"] for w in (1, 2, 3)] == [85.2292, 77.2252, 74.7122]


@pytest.mark.parametrize("method,shown", [("best", "'best'"), (["mean"], "['mean']"), (None, "None")])
def test_preview_refuses_an_unknown_method_in_chinese(contest, method, shown):
    with pytest.raises(ValidationError) as e:
        preview_ranking(ADMIN, method)
    assert str(e.value) == f"汇总方式必须是 mean, median, trimmed_mean, normalized 之一，收到 {shown}"


def test_only_an_admin_sees_the_ranking(contest):
    for call in (lambda: rank_works(ALICE), lambda: preview_ranking(ALICE, "mean"),
                 lambda: ranking_records(ALICE)):
        with pytest.raises(PermissionDenied) as e:
            call()
        assert str(e.value) == "只有管理员可以执行此操作。"


def test_the_listings_read_the_database_they_are_given(contest, dbfile, tmp_path):
    db.configure(tmp_path / "other.duckdb")           # the default file is now an empty contest
    try:
        assert ranking_records(ADMIN, db=dbfile) == WANT_RECORDS
        assert list(rank_works(ADMIN, db=dbfile)["score"][:3]) == [83.6667, 78.5, 75.0]
        assert list(preview_ranking(ADMIN, "median", db=dbfile)["score"][:3]) == [85.0, 75.0, 70.0]
        assert ranking_records(ADMIN) == []
    finally:
        db.close(tmp_path / "other.duckdb")


def test_groups_are_per_project_and_per_stage_even_where_neighbouring_groups_tie(dbfile):
    # Listed in order afterschool/小学, fusion_case/小学, fusion_case/学段 unknown (NULL); each group's
    # first score equals the last score of the group before it, and the first two share 小学.
    works_ = [(1, "afterschool", "小学", 80.0), (2, "afterschool", "小学", 70.0),
              (3, "fusion_case", "小学", 70.0), (4, "fusion_case", "小学", 60.0),
              (5, "fusion_case", None, 60.0), (6, "fusion_case", None, 50.0)]

    def load(cur):
        for wid, project, stage, total in works_:
            cur.execute("INSERT INTO works (id, work_key, project, stage, title, precheck_status) "
                        "VALUES (?, ?, ?, ?, ?, 'pass')", [wid, f"k{wid}", project, stage, f"作品{wid}"])
            cur.execute("INSERT INTO assignments (work_id, reviewer) VALUES (?, 'r')", [wid])
            cur.execute("INSERT INTO reviews (work_id, reviewer, total, status) VALUES (?, 'r', ?, 'submitted')",
                        [wid, total])
        aggregates.rebuild(cur)       # rows inserted behind the services
    db.write(load)
    df = rank_works(ADMIN).set_index("work_id")
    # N = 2 per group: cuts round(0.2) = 0, round(0.6) = 1, round(1.2) = 1 → rank 1 is 二等奖, rank 2 none.
    assert [(df.loc[w, "rank"], df.loc[w, "tier"]) for w in range(1, 7)] == [
        (1, "二等奖"), (2, None), (1, "二等奖"), (2, None), (1, "二等奖"), (2, None)]
    assert str(df["rank"].dtype) == "Int64"          # whole numbers (empty for works not ranked)
