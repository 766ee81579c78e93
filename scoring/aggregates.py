"""The per-work aggregate table `work_agg`, kept by the writer so that ranking by mean, median or
trimmed mean reads one narrow row per work instead of joining every review to its assignment.

A row holds what the counted scores of a work (scoring/ranking.py) reduce to: the number of
assigned reviewers, the submitted totals of currently assigned reviewers sorted ascending, and
whether one of those reviews vetoed the work. Works without any assignment or counted review have
no row. Rows are recomputed from the base tables (never patched arithmetically) in the same
transaction as the change: writers of reviews or assignments call `scoring.db.mark_dirty`.
Rows written behind the services (bulk loads, tests) need `rebuild`.
"""
from __future__ import annotations

# Shared by `refresh` and `rebuild`; {where} limits the works recomputed.
_RECOMPUTE_SQL = """
    INSERT INTO work_agg (work_id, n_assigned, totals, vetoed)
    SELECT a.work_id, count(*)::INTEGER,
           coalesce(list(v.total ORDER BY v.total) FILTER (WHERE v.status = 'submitted'), []::DOUBLE[]),
           coalesce(bool_or(v.veto) FILTER (WHERE v.status = 'submitted'), FALSE)
    FROM assignments a
    LEFT JOIN reviews v ON v.work_id = a.work_id AND v.reviewer = a.reviewer
    {where}
    GROUP BY a.work_id"""


def refresh(cur, work_ids) -> None:
    """Recompute the rows of these works from reviews and assignments (inside the caller's transaction)."""
    ids = sorted({int(w) for w in work_ids})
    if not ids:
        return
    cur.execute("DELETE FROM work_agg WHERE work_id IN (SELECT unnest(?::INTEGER[]))", [ids])
    cur.execute(_RECOMPUTE_SQL.format(where="WHERE a.work_id IN (SELECT unnest(?::INTEGER[]))"), [ids])


def rebuild(cur) -> None:
    """Recompute every row (after rows were loaded without the services)."""
    cur.execute("DELETE FROM work_agg")
    cur.execute(_RECOMPUTE_SQL.format(where=""))
