"""Plausible random scores for every assignment (demo data and load tests), written through the
normal review service so every rule and the history apply."""
from __future__ import annotations

import random

from scoring import db as _db
from scoring.permissions import Actor, REVIEWER, require_admin
from scoring.reviews import save_review
from scoring.rubrics import load_rubric


def simulate_scores(actor: Actor, *, seed: int = 0, submit: bool = True, db=None) -> int:
    """Admin: fill every assignment without a submitted review; returns how many were written.
    Each work has a hidden quality, each reviewer a severity, each criterion some noise."""
    require_admin(actor)
    rng = random.Random(seed)
    cur = _db.cursor(db)
    todo = cur.execute("""
        SELECT a.work_id, a.reviewer, w.project FROM assignments a JOIN works w ON w.id = a.work_id
        LEFT JOIN reviews v ON v.work_id = a.work_id AND v.reviewer = a.reviewer
        WHERE v.status IS DISTINCT FROM 'submitted' ORDER BY a.work_id, a.reviewer""").fetchall()
    quality, severity, n = {}, {}, 0
    for work_id, reviewer, project in todo:
        q = quality.setdefault(work_id, rng.gauss(0.72, 0.10))
        s = severity.setdefault(reviewer, rng.gauss(0.0, 0.05))
        rubric = load_rubric(project)
        scores = {c.key: min(c.max, max(0.0, round((q + s + rng.gauss(0, 0.06)) * c.max * 2) / 2))
                  for c in rubric.criteria}
        save_review(Actor(reviewer, REVIEWER), work_id, scores, submit=submit, db=db)
        n += 1
    return n
