"""Many threads writing at once lose nothing; a killed writer loses no committed score."""
import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

from scoring import db, reviewers, reviews
from scoring.permissions import Actor
from tests.conftest import REPO

ADMIN = Actor("admin", "admin")
THREADS, WRITES = 50, 8


def seed(path, n_reviewers, works_each):
    """Reviewers r0..; each has `works_each` works of its own, inserted in bulk."""
    db.configure(path)
    reviewers.upsert_reviewers(ADMIN, [dict(username=f"r{i}", name=f"评委{i}", school=f"评委学校{i}",
                                            projects="fusion_case", stages="小学", cap=1000)
                                       for i in range(n_reviewers)])
    cur = db.cursor()
    cur.execute("""INSERT INTO works (id, work_key, project, stage, title, school, precheck_status)
                   SELECT i, 'k' || i, 'fusion_case', '小学', '作品' || i, '作品学校', 'pass'
                   FROM range(1, ? + 1) t(i)""", [n_reviewers * works_each])
    cur.execute("INSERT INTO assignments (work_id, reviewer) SELECT i, 'r' || ((i - 1) // ?) "
                "FROM range(1, ? + 1) t(i)", [works_each, n_reviewers * works_each])


def test_fifty_threads_writing_scores_at_once_lose_nothing_and_history_matches(tmp_path):
    seed(tmp_path / "c.duckdb", THREADS, 2)
    errors = []
    barrier = threading.Barrier(THREADS)

    def judge(i):
        me = Actor(f"r{i}", "reviewer")
        try:
            barrier.wait()
            for k in range(WRITES):       # alternate between the judge's two works
                reviews.save_review(me, 2 * i + 1 + k % 2, {"design": k + 1, "norms": i % 10})
        except Exception as exc:          # collected so the assertion names it
            errors.append(repr(exc))

    threads = [threading.Thread(target=judge, args=(i,)) for i in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    cur = db.cursor()
    got = {(w, r): json.loads(s) for w, r, s in cur.execute("SELECT work_id, reviewer, scores FROM reviews").fetchall()}
    assert len(got) == THREADS * 2
    for i in range(THREADS):
        assert got[(2 * i + 1, f"r{i}")]["design"] == WRITES - 1      # last write on the odd work: k = 6
        assert got[(2 * i + 2, f"r{i}")]["design"] == WRITES          # k = 7
    # Every write changed 'design' once: THREADS × WRITES rows, and replaying them gives the final state.
    hist = cur.execute("SELECT work_id, reviewer, new FROM score_history WHERE field = 'design' ORDER BY id").fetchall()
    assert len(hist) == THREADS * WRITES
    replay = {}
    for w, r, new in hist:
        replay[(w, r)] = float(new)
    assert replay == {k: v["design"] for k, v in got.items()}
    db.close()
    db.configure(None)


WRITER = """
import sys
from scoring import db, reviews
from scoring.permissions import Actor
db.configure(sys.argv[1])
me = Actor("r0", "reviewer")
for w in range(1, 100001):
    reviews.save_review(me, w, {"design": w % 25, "norms": 3})
    print(w, flush=True)          # printed only after the commit returned
"""


def test_a_writer_killed_mid_run_loses_no_committed_score(tmp_path):
    path = tmp_path / "k.duckdb"
    seed(path, 1, 5000)
    db.close()
    proc = subprocess.Popen([sys.executable, "-c", WRITER, str(path)], cwd=REPO, stdout=subprocess.PIPE,
                            text=True, env={**os.environ, "PYTHONPATH": str(REPO)})
    committed = []
    for line in proc.stdout:
        committed.append(int(line))
        if len(committed) >= 300:
            break
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    db.configure(path)
    cur = db.cursor()
    stored = dict(cur.execute("SELECT work_id, scores FROM reviews").fetchall())
    assert len(stored) >= 300
    assert all(json.loads(stored[w])["design"] == w % 25 for w in committed)
    hist_works = {w for (w,) in cur.execute("SELECT DISTINCT work_id FROM score_history").fetchall()}
    assert set(committed) <= hist_works and set(stored) == hist_works
    db.close()
    db.configure(None)


def test_saves_batched_behind_an_admin_change_see_it(tmp_path):
    """The writer looks up the contexts of a batch's saves in one query; an admin unit earlier in
    the same batch (unassign, reopen) must still be seen by the saves queued after it."""
    from scoring import assignment
    from scoring.errors import PermissionDenied
    seed(tmp_path / "b.duckdb", 2, 2)
    r0, r1 = Actor("r0", "reviewer"), Actor("r1", "reviewer")
    reviews.save_review(r1, 3, {"design": 1, "integration": 1, "implementation": 1, "innovation": 1,
                                "norms": 1}, submit=True)
    gate, gate_taken, results = threading.Event(), threading.Event(), {}

    def hold_the_writer(cur):
        gate_taken.set()
        gate.wait()
    writer_busy = threading.Thread(target=lambda: db.write(hold_the_writer))
    writer_busy.start()
    key = db.resolve()
    assert gate_taken.wait(30)                  # the writer is inside the gate unit, its queue empty

    def run(name, fn):
        try:
            results[name] = fn()
        except PermissionDenied as exc:
            results[name] = str(exc)

    steps = [("save1", lambda: reviews.save_review(r0, 1, {"design": 5})),
             ("unassign", lambda: assignment.unassign(ADMIN, 1, "r0", discard_review=True)),
             ("save2", lambda: reviews.save_review(r0, 1, {"design": 6})),
             ("reopen", lambda: reviews.reopen_review(ADMIN, 3, "r1", "复核")),
             ("save3", lambda: reviews.save_review(r1, 3, {"design": 2})),
             ("save4", lambda: reviews.save_review(r0, 2, {"design": 7}))]
    threads = []
    for n, (name, fn) in enumerate(steps, 1):
        threads.append(threading.Thread(target=run, args=(name, fn)))
        threads[-1].start()
        deadline = time.monotonic() + 30
        while db._writers[key].q.qsize() < n:  # queued in this order, all in one batch
            assert time.monotonic() < deadline, f"{name} never reached the writer"
            time.sleep(0.001)
    gate.set()
    for t in [writer_busy, *threads]:
        t.join()
    assert results["save1"]["total"] == 5 and results["save4"]["total"] == 7
    assert results["save2"] == "您未被分配评审该作品。"
    assert results["save3"]["status"] == "draft" and results["save3"]["total"] == 6
    db.close()
    db.configure(None)
