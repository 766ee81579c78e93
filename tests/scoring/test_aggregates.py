"""The aggregate tables (`work_agg`, `reviewer_stats`, `project_stats`) stay equal to a full
recomputation from the base tables after every service that changes reviews or assignments, also
when the writer batches many saves at once, and the migrations backfill them for an old file.
Expected rows are worked out by hand in the comments (fusion_case criteria: 25, 25, 25, 15, 10)."""
import threading

import duckdb
import pytest

from scoring import aggregates, assignment, db, migrations, reviewers, reviews, works
from scoring.permissions import Actor

ADMIN = Actor("admin", "admin")
FULL = {"design": 24, "integration": 24, "implementation": 24, "innovation": 14, "norms": 9}   # 95
S75 = {"design": 25, "integration": 25, "implementation": 25, "innovation": 0, "norms": 0}     # 75
TABLES = {"work_agg": "work_id", "reviewer_stats": "reviewer, project", "project_stats": "project"}


def snapshot(cur) -> dict:
    return {t: cur.execute(f"SELECT * FROM {t} ORDER BY {key}").fetchall() for t, key in TABLES.items()}


def assert_fresh() -> dict:
    """The three tables as kept by the writer == recomputed from scratch (to the bit: the sums are
    exact integers). Returns {table: {key: row}} for the checks by hand."""
    cur = db.cursor()
    kept = snapshot(cur)
    cur.execute("BEGIN")
    aggregates.rebuild(cur)
    rebuilt = snapshot(cur)
    cur.execute("ROLLBACK")
    assert kept == rebuilt
    return {"work_agg": {r[0]: r[1:] for r in kept["work_agg"]},
            "reviewer_stats": {r[0]: r[2:] for r in kept["reviewer_stats"]},   # all fusion_case here
            "project_stats": {r[0]: r[1:] for r in kept["project_stats"]}}


def setup_works(n_works, names):
    reviewers.upsert_reviewers(ADMIN, [dict(username=n, name=n, school=f"{n}学校", projects="fusion_case",
                                            stages="小学", cap=100) for n in names])
    return [works.add_work(ADMIN, project="fusion_case", stage="小学", title=f"作品{i}", school="某小学",
                           authors=["某"]) for i in range(n_works)]


def test_every_service_that_changes_scores_keeps_the_aggregates_fresh(dbfile):
    (w1, w2) = setup_works(2, ["a", "b", "c"])
    assignment.assign(ADMIN, w1, "a")
    assignment.assign(ADMIN, w1, "b")
    got = assert_fresh()
    assert got["work_agg"][w1] == (2, [], [], [], False) and got["reviewer_stats"] == {}

    reviews.save_review(Actor("a", "reviewer"), w1, FULL)                       # draft: not counted
    got = assert_fresh()
    assert got["work_agg"][w1] == (2, [], [], [], False) and got["project_stats"] == {}

    reviews.save_review(Actor("a", "reviewer"), w1, {}, submit=True)            # a: 95
    got = assert_fresh()
    assert got["work_agg"][w1] == (2, [95.0], ["a"], [0.0], False)              # one score: std 0, z 0
    assert got["reviewer_stats"] == {"a": (1, 9500, 9500 ** 2, 95.0, 0.0)}

    reviews.save_review(Actor("b", "reviewer"), w1, {**FULL, "design": 0}, submit=True, veto=True,
                        veto_reason="科学性错误")                                # b: 71, veto
    got = assert_fresh()
    assert got["work_agg"][w1] == (2, [71.0, 95.0], ["b", "a"], [0.0, 0.0], True)
    # Pool 71, 95: mean 83, population std 12; in hundredths n q − s² = 2 × 140660000 − 16600² = 2400².
    assert got["project_stats"]["fusion_case"] == (2, 16600, 140660000, 83.0, 12.0)

    assignment.assign(ADMIN, w2, "a")
    reviews.save_review(Actor("a", "reviewer"), w2, S75, submit=True)           # a: 95 and 75
    got = assert_fresh()
    # a's mean is now 85 and std 10: the z of a's review of w1 (a change on w2) becomes +1.
    assert got["reviewer_stats"]["a"] == (2, 17000, 146500000, 85.0, 10.0)
    assert got["work_agg"][w1] == (2, [71.0, 95.0], ["b", "a"], [0.0, 1.0], True)
    assert got["work_agg"][w2] == (1, [75.0], ["a"], [-1.0], False)
    n, s, q, mean, sd = got["project_stats"]["fusion_case"]                     # pool 71, 75, 95
    assert (n, s, q) == (3, 24100, 196910000) and mean == pytest.approx(80.33333333, abs=1e-8)
    assert sd == pytest.approx(10.49867716, abs=1e-8)                          # √(330.6667 / 3)

    reviews.reopen_review(ADMIN, w1, "b", "请复核")                               # b's 71 no longer counts
    got = assert_fresh()
    assert got["work_agg"][w1] == (2, [95.0], ["a"], [1.0], False)
    assert "b" not in got["reviewer_stats"]
    assert got["project_stats"]["fusion_case"] == (2, 17000, 146500000, 85.0, 10.0)

    assignment.unassign(ADMIN, w1, "b", discard_review=True)                    # unassign (draft review)
    got = assert_fresh()
    assert got["work_agg"][w1] == (1, [95.0], ["a"], [1.0], False)

    assignment.unassign(ADMIN, w2, "a", discard_review=True)                    # reassign w2: a → c
    got = assert_fresh()
    assert w2 not in got["work_agg"]
    assert got["reviewer_stats"]["a"] == (1, 9500, 90250000, 95.0, 0.0)
    assert got["work_agg"][w1] == (1, [95.0], ["a"], [0.0], False)             # a back to one score
    assignment.assign(ADMIN, w2, "c")
    reviews.save_review(Actor("c", "reviewer"), w2, S75, submit=True)
    got = assert_fresh()
    assert got["work_agg"][w2] == (1, [75.0], ["c"], [0.0], False)
    assert got["project_stats"]["fusion_case"] == (2, 17000, 146500000, 85.0, 10.0)

    assignment.auto_assign(ADMIN)               # reviewers_per_work = 3 by default: a, b, c on both
    got = assert_fresh()
    assert got["work_agg"][w1][0] == got["work_agg"][w2][0] == 3


def test_equal_totals_give_a_std_of_exactly_zero(dbfile):
    ids = setup_works(3, ["a"])
    s8333 = {"design": 25, "integration": 25, "implementation": 25, "innovation": 8.33, "norms": 0}
    for w in ids:
        assignment.assign(ADMIN, w, "a")
        reviews.save_review(Actor("a", "reviewer"), w, s8333, submit=True)
    got = assert_fresh()
    assert got["reviewer_stats"]["a"] == (3, 24999, 3 * 8333 ** 2, 83.33, 0.0)
    assert all(got["work_agg"][w][3] == [0.0] for w in ids)
    # What the exact sums avoid: Σx²/n − mean² in floats leaves a residue for three 83.33s,
    # whose square root (≈ 9.5e-7) would make z-scores out of rounding noise.
    x = [83.33] * 3
    assert sum(t * t for t in x) / 3 - (sum(x) / 3) ** 2 != 0


def test_batched_concurrent_saves_and_reopens_leave_the_aggregates_fresh(dbfile):
    names = [f"r{i}" for i in range(20)]
    ids = setup_works(10, names)
    mine = {k: [ids[k % 10], ids[(k + 3) % 10]] for k in range(20)}     # two works each, four per work
    for k, name in enumerate(names):
        for w in mine[k]:
            assignment.assign(ADMIN, w, name)
    errors = []

    def together(jobs):
        """Run the callables at once (they meet at a barrier first); collect their errors."""
        barrier = threading.Barrier(len(jobs))

        def go(job):
            barrier.wait()
            try:
                job()
            except Exception as exc:        # noqa: BLE001 - reported below
                errors.append(repr(exc))
        ts = [threading.Thread(target=go, args=(job,)) for job in jobs]
        for t in ts:
            t.start()
        for t in ts:
            t.join()
        assert errors == []

    def judge(k):
        me = Actor(names[k], "reviewer")
        for step in range(3):
            for w in mine[k]:
                reviews.save_review(me, w, {"design": step + k % 7}, submit=False)
        for j, w in enumerate(mine[k]):     # a third leave their first work a draft
            reviews.save_review(me, w, {**FULL, "design": (k + j) % 25}, submit=not (k % 3 == 0 and j == 0))

    # Round 1: every judge drafts and submits at once.
    together([lambda k=k: judge(k) for k in range(20)])
    kept = assert_fresh()
    assert sum(len(v[1]) for v in kept["work_agg"].values()) == 40 - 7          # k = 0, 3, ..., 18
    assert kept["project_stats"]["fusion_case"][0] == 33

    # Round 2: the admin reopens seven submitted reviews while seven judges submit their drafts.
    together([lambda k=k: reviews.reopen_review(ADMIN, mine[k][1], names[k], "复核") for k in range(1, 20, 3)]
             + [lambda k=k: reviews.save_review(Actor(names[k], "reviewer"), mine[k][0], {}, submit=True)
                for k in range(0, 20, 3)])
    kept = assert_fresh()
    assert kept["project_stats"]["fusion_case"][0] == 33 - 7 + 7


def _old_file(path, version):
    con = duckdb.connect(str(path))
    migrations.current_version(con)
    for step, statements in migrations.STEPS[:version]:
        for sql in statements:
            con.execute(sql)
        con.execute("INSERT INTO schema_version (version) VALUES (?)", [step])
    return con


def test_migration_v2_backfills_work_agg_of_an_existing_file(tmp_path):
    con = _old_file(tmp_path / "old.duckdb", 1)
    con.execute("INSERT INTO works (id, work_key, project, stage, title) VALUES (1, 'k1', 'fusion_case', '小学', 't')")
    con.execute("INSERT INTO assignments (work_id, reviewer) VALUES (1, 'a'), (1, 'b'), (1, 'c')")
    con.execute("INSERT INTO reviews (work_id, reviewer, total, veto, status) VALUES "
                "(1, 'a', 80, FALSE, 'submitted'), (1, 'b', 70, TRUE, 'submitted'), (1, 'c', 90, FALSE, 'draft'), "
                "(1, 'x', 10, TRUE, 'submitted')")     # x is not assigned: not counted
    assert migrations.migrate(con) == migrations.LATEST
    assert migrations.migrate(con) == migrations.LATEST             # again: no-op
    assert con.execute("SELECT work_id, n_assigned, totals, vetoed FROM work_agg").fetchall() == [
        (1, 3, [70.0, 80.0], True)]
    con.close()


def test_migration_v3_backfills_the_statistics_of_a_v2_file(tmp_path):
    con = _old_file(tmp_path / "v2.duckdb", 2)
    con.execute("INSERT INTO works (id, work_key, project, stage, title) VALUES "
                "(1, 'k1', 'fusion_case', '小学', 't'), (2, 'k2', 'afterschool', '小学', 'u')")
    con.execute("INSERT INTO assignments (work_id, reviewer) VALUES (1, 'a'), (1, 'b'), (1, 'c'), (2, 'a')")
    con.execute("INSERT INTO reviews (work_id, reviewer, total, veto, status) VALUES "
                "(1, 'a', 80, FALSE, 'submitted'), (1, 'b', 70, TRUE, 'submitted'), (1, 'c', 90, FALSE, 'draft'), "
                "(1, 'x', 10, TRUE, 'submitted'), (2, 'a', 60, FALSE, 'submitted')")
    assert migrations.migrate(con) == migrations.LATEST
    assert migrations.migrate(con) == migrations.LATEST             # again: no-op
    assert con.execute("SELECT * FROM work_agg ORDER BY work_id").fetchall() == [
        (1, 3, [70.0, 80.0], ["b", "a"], [0.0, 0.0], True), (2, 1, [60.0], ["a"], [0.0], False)]
    assert con.execute("SELECT * FROM reviewer_stats ORDER BY reviewer, project").fetchall() == [
        ("a", "afterschool", 1, 6000, 36000000, 60.0, 0.0), ("a", "fusion_case", 1, 8000, 64000000, 80.0, 0.0),
        ("b", "fusion_case", 1, 7000, 49000000, 70.0, 0.0)]
    # fusion_case pool 70, 80: mean 75, std 5 (n q − s² = 2 × 113000000 − 15000² = 1000²).
    assert con.execute("SELECT * FROM project_stats ORDER BY project").fetchall() == [
        ("afterschool", 1, 6000, 36000000, 60.0, 0.0), ("fusion_case", 2, 15000, 113000000, 75.0, 5.0)]
    con.close()


def test_a_counted_total_off_the_hundredths_is_refused(dbfile):
    (w,) = setup_works(1, ["a"])
    assignment.assign(ADMIN, w, "a")
    cur = db.cursor()
    cur.execute("INSERT INTO reviews (work_id, reviewer, total, status) VALUES (?, 'a', 80.001, 'submitted')", [w])
    with pytest.raises(duckdb.Error, match="not a multiple of 0.01"):
        aggregates.rebuild(cur)
