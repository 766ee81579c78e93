"""The per-work aggregate `work_agg` stays equal to a recomputation from the base tables after
every service that changes reviews or assignments, also when the writer batches many saves, and
the v2 migration backfills it for a file made before it existed."""
import threading

import duckdb
import pytest

from scoring import aggregates, assignment, db, migrations, reviewers, reviews, works
from scoring.permissions import Actor
from scoring.rubrics import load_rubric

ADMIN = Actor("admin", "admin")
RUBRIC = load_rubric("fusion_case")
FULL = {c.key: c.max - 1 for c in RUBRIC.criteria}


@pytest.fixture
def dbfile(tmp_path):
    path = tmp_path / "a.duckdb"
    db.configure(path)
    yield path
    db.close(path)
    db.configure(None)


def agg_rows(cur):
    return cur.execute("SELECT * FROM work_agg ORDER BY work_id").fetchall()


def assert_fresh():
    """work_agg as kept by the writer == work_agg recomputed from scratch."""
    cur = db.cursor()
    kept = agg_rows(cur)
    cur.execute("BEGIN")
    aggregates.rebuild(cur)
    rebuilt = agg_rows(cur)
    cur.execute("ROLLBACK")
    assert kept == rebuilt
    return {r[0]: r[1:] for r in kept}


def setup_works(n_works, names):
    reviewers.upsert_reviewers(ADMIN, [dict(username=n, name=n, school=f"{n}学校", projects="fusion_case",
                                            stages="小学", cap=100) for n in names])
    return [works.add_work(ADMIN, project="fusion_case", stage="小学", title=f"作品{i}", school="某小学",
                           authors=["某"]) for i in range(n_works)]


def test_every_service_that_changes_scores_keeps_work_agg_fresh(dbfile):
    (w1, w2) = setup_works(2, ["a", "b", "c"])
    total = RUBRIC.total(FULL)
    assignment.assign(ADMIN, w1, "a")
    assignment.assign(ADMIN, w1, "b")
    assert assert_fresh()[w1] == (2, [], False)
    reviews.save_review(Actor("a", "reviewer"), w1, FULL)                       # draft: not counted
    assert assert_fresh()[w1] == (2, [], False)
    reviews.save_review(Actor("a", "reviewer"), w1, {}, submit=True)
    reviews.save_review(Actor("b", "reviewer"), w1, {**FULL, "design": 0}, submit=True, veto=True,
                        veto_reason="科学性错误")
    assert assert_fresh()[w1] == (2, [total - (RUBRIC.by_key["design"].max - 1), total], True)
    reviews.reopen_review(ADMIN, w1, "b", "请复核")
    assert assert_fresh()[w1] == (2, [total], False)
    assignment.unassign(ADMIN, w1, "b", discard_review=True)
    assert assert_fresh()[w1] == (1, [total], False)
    assignment.unassign(ADMIN, w1, "a", discard_review=True)
    assert w1 not in assert_fresh()
    assignment.auto_assign(ADMIN)               # reviewers_per_work = 3 by default
    assert assert_fresh()[w2] == (3, [], False)


def test_batched_concurrent_saves_leave_work_agg_fresh(dbfile):
    names = [f"r{i}" for i in range(20)]
    ids = setup_works(10, names)
    for k, name in enumerate(names):
        assignment.assign(ADMIN, ids[k % 10], name)
    barrier = threading.Barrier(len(names))
    errors = []

    def judge(k):
        me = Actor(names[k], "reviewer")
        barrier.wait()
        try:
            for step in range(5):
                reviews.save_review(me, ids[k % 10], {"design": step + k % 7}, submit=False)
            reviews.save_review(me, ids[k % 10], FULL, submit=k % 3 != 0)
        except Exception as exc:        # noqa: BLE001 - reported below
            errors.append(repr(exc))

    ts = [threading.Thread(target=judge, args=(k,)) for k in range(len(names))]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    assert errors == []
    kept = assert_fresh()
    assert sum(len(v[1]) for v in kept.values()) == sum(1 for k in range(20) if k % 3 != 0)   # 13 submitted


def test_migration_v2_backfills_work_agg_of_an_existing_file(tmp_path):
    path = tmp_path / "old.duckdb"
    con = duckdb.connect(str(path))
    migrations.current_version(con)
    for sql in migrations.STEPS[0][1]:              # a file as version 1 left it
        con.execute(sql)
    con.execute("INSERT INTO schema_version (version) VALUES (1)")
    con.execute("INSERT INTO works (id, work_key, project, stage, title) VALUES (1, 'k1', 'fusion_case', '小学', 't')")
    con.execute("INSERT INTO assignments (work_id, reviewer) VALUES (1, 'a'), (1, 'b'), (1, 'c')")
    con.execute("INSERT INTO reviews (work_id, reviewer, total, veto, status) VALUES "
                "(1, 'a', 80, FALSE, 'submitted'), (1, 'b', 70, TRUE, 'submitted'), (1, 'c', 90, FALSE, 'draft'), "
                "(1, 'x', 10, TRUE, 'submitted')")     # x is not assigned: not counted
    assert migrations.migrate(con) == migrations.LATEST
    assert migrations.migrate(con) == migrations.LATEST             # again: no-op
    assert con.execute("SELECT * FROM work_agg").fetchall() == [(1, 3, [70.0, 80.0], True)]
    con.close()
