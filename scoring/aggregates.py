"""Aggregate tables kept by the writer, so that ranking reads one narrow row per work (and a few
rows of statistics) instead of joining every review to its assignment.

A *counted score* (scoring/ranking.py) is the total of a submitted review by a currently assigned
reviewer. The tables hold what the counted scores reduce to:

- `work_agg`, one row per work with an assignment: the number of assigned reviewers, the counted
  totals sorted ascending with their reviewers in the same order (ties by reviewer), for each the
  reviewer's z-score (total − reviewer's mean) / reviewer's population std in the work's project
  type (0 when that std is 0), and whether a counted review vetoed the work.
- `reviewer_stats`, one row per reviewer × project type with a counted score: count, sum and sum
  of squares of the counted totals, and the mean and population std derived from them.
- `project_stats`, one row per project type with a counted score: the same over all its counted
  scores.

Numerics. Totals are multiples of 0.01 (Rubric.total rounds them), so the sums are kept exactly as
integers in hundredths (`s` = Σ cents, `q` = Σ cents²). The variance is then an exact integer
n·q − s² (HUGEINT) divided once: it is exactly 0 when all totals are equal (a float sum of squares
can leave a residue there and make a z out of rounding noise), never negative, independent of
the order in which rows are read (so a refresh and a full rebuild agree to the bit) and more
accurate than a two-pass or Welford pass in floats: mean = s / (100 n) is correctly rounded and
std = √(n·q − s²) / (100 n) is rounded three times (to double, square root, division). A counted total that is not a multiple of 0.01
(rows written behind the services) makes `refresh`/`rebuild` raise instead of storing wrong sums.

Keeping them fresh. Rows are recomputed from the base tables (reviews, assignments, works), never
patched arithmetically, in the same transaction as the change: writers of reviews or assignments
call `scoring.db.mark_dirty(cur, work_ids)`. What a change of works W can affect:
1. the `work_agg` rows of W;
2. the statistics of each (reviewer, project) whose counted (reviewer, total) pair on a work of W
   appeared, disappeared or changed: found by comparing the stored rows of W with rows recomputed
   from the base tables (a draft save changes no row: one query; a veto changes no statistics);
3. the `project_stats` rows of those projects (sums of their reviewers' exact sums: equal to a
   recomputation over the project's counted scores, which `rebuild` does);
4. the z-scores, hence the `work_agg` rows, of every work with a counted score by a reviewer
   whose statistics changed (at most that reviewer's load).
A work's project type can only change while it has no review (works.upsert_work), so no counted
pair moves between projects behind this. Works without a project type have no statistics (their
z-scores are NULL). Rows written behind the services (bulk loads, tests) need `rebuild`.
"""
from __future__ import annotations

# Counted scores (`{where}` adds conditions), with the total in exact hundredths.
_COUNTED = """
    SELECT v.work_id, v.reviewer, w.project, v.total, round(v.total * 100)::BIGINT AS cents,
           abs(v.total * 100 - round(v.total * 100)) < 1e-6 AS on_grid
    FROM reviews v
    JOIN assignments a ON a.work_id = v.work_id AND a.reviewer = v.reviewer
    JOIN works w ON w.id = v.work_id
    WHERE v.status = 'submitted' {where}"""

# Statistics from the exact sums; `{key}` groups them, `{filter}` limits the groups.
_STATS_SQL = """
    INSERT INTO {table}
    SELECT {key}, n, s, q, s::DOUBLE / (100 * n)::DOUBLE, sqrt((n * q - s * s)::DOUBLE) / (100 * n)::DOUBLE
    FROM (SELECT {key}, count(*)::INTEGER AS n, sum(cents)::HUGEINT AS s,
                 sum(cents::HUGEINT * cents)::HUGEINT AS q, bool_and(on_grid) AS on_grid
          FROM ({counted}) c WHERE project IS NOT NULL {filter}
          GROUP BY ALL)
    WHERE CASE WHEN on_grid THEN TRUE
               ELSE error('a counted total is not a multiple of 0.01: aggregate sums need hundredths') END"""

# work_agg rows from the base tables and reviewer_stats; `{where}` limits the works.
_WORK_ROWS = """
    SELECT a.work_id, count(*)::INTEGER AS n_assigned,
           coalesce(list(v.total ORDER BY v.total, v.reviewer) FILTER (WHERE v.status = 'submitted'), []::DOUBLE[]) AS totals,
           coalesce(list(v.reviewer ORDER BY v.total, v.reviewer) FILTER (WHERE v.status = 'submitted'), []::VARCHAR[]) AS reviewers,
           coalesce(list(CASE WHEN s.sd > 0 THEN (v.total - s.mean) / s.sd WHEN s.sd = 0 THEN 0.0 END
                         ORDER BY v.total, v.reviewer) FILTER (WHERE v.status = 'submitted'), []::DOUBLE[]) AS z,
           coalesce(bool_or(v.veto) FILTER (WHERE v.status = 'submitted'), FALSE) AS vetoed
    FROM assignments a
    LEFT JOIN works w ON w.id = a.work_id
    LEFT JOIN reviews v ON v.work_id = a.work_id AND v.reviewer = a.reviewer
    LEFT JOIN reviewer_stats s ON s.reviewer = a.reviewer AND s.project = w.project
    {where}
    GROUP BY a.work_id"""
_WORK_SQL = "INSERT INTO work_agg (work_id, n_assigned, totals, reviewers, z, vetoed)" + _WORK_ROWS

_IDS = "(SELECT unnest(?::INTEGER[]))"

# The works (of `?`) whose row would change: stored and recomputed pairs side by side.
_DIFF_SQL = f"""
    WITH fresh AS ({_WORK_ROWS.format(where=f"WHERE a.work_id IN {_IDS}")}),
         stored AS (SELECT * FROM work_agg WHERE work_id IN {_IDS})
    SELECT coalesce(f.work_id, o.work_id), o.reviewers, o.totals, f.reviewers, f.totals
    FROM fresh f FULL JOIN stored o ON o.work_id = f.work_id
    WHERE f.work_id IS NULL OR o.work_id IS NULL OR f.n_assigned <> o.n_assigned
       OR f.totals IS DISTINCT FROM o.totals OR f.reviewers IS DISTINCT FROM o.reviewers
       OR f.z IS DISTINCT FROM o.z OR f.vetoed <> o.vetoed"""


def refresh(cur, work_ids) -> None:
    """Recompute what a change of reviews or assignments of these works can affect (see the module
    docstring) inside the caller's transaction."""
    ids = sorted({int(w) for w in work_ids})
    if not ids:
        return
    # Only the works whose row would change are rewritten (none for a draft save: one query), and
    # their (reviewer, total) pairs before and after tell which reviewers' statistics changed
    # (none for a veto either).
    diff = cur.execute(_DIFF_SQL, [ids, ids]).fetchall()
    if not diff:
        return
    redo = {row[0] for row in diff}
    before, after = ({(row[0], r, t) for row in diff for r, t in zip(row[i] or [], row[i + 1] or [])}
                     for i in (1, 3))
    changed = before ^ after
    if changed:
        projects = dict(cur.execute("SELECT id, project FROM works WHERE id IN (SELECT unnest(?::INTEGER[]))",
                                    [sorted({w for w, _, _ in changed})]).fetchall())
        keys = sorted({(r, projects[w]) for w, r, _ in changed if projects.get(w) is not None})
        if keys:
            redo |= _refresh_statistics(cur, keys)
    ids = sorted(redo)
    cur.execute(f"DELETE FROM work_agg WHERE work_id IN {_IDS}", [ids])
    cur.execute(_WORK_SQL.format(where=f"WHERE a.work_id IN {_IDS}"), [ids])


def _refresh_statistics(cur, keys: list[tuple[str, str]]) -> set[int]:
    """Recompute the statistics of these (reviewer, project); returns the works whose z-scores
    they change (every work with a counted score of one of those reviewers)."""
    reviewers_, projects_ = [k[0] for k in keys], [k[1] for k in keys]
    pairs = "(SELECT unnest(?::VARCHAR[]), unnest(?::VARCHAR[]))"
    cur.execute(f"DELETE FROM reviewer_stats WHERE (reviewer, project) IN {pairs}", [reviewers_, projects_])
    # The reviewers' counted scores only (the filter on reviews is applied in the scan).
    cur.execute(_STATS_SQL.format(
        table="reviewer_stats", key="reviewer, project",
        counted=_COUNTED.format(where="AND list_contains(?::VARCHAR[], v.reviewer)"),
        filter=f"AND (reviewer, project) IN {pairs}"), [reviewers_, reviewers_, projects_])
    # A project's sums are the sums of its reviewers' exact integer sums: equal to a recomputation
    # over the project's counted scores (which `rebuild` does), much cheaper.
    touched = sorted(set(projects_))
    cur.execute("DELETE FROM project_stats WHERE project IN (SELECT unnest(?::VARCHAR[]))", [touched])
    cur.execute("""
        INSERT INTO project_stats
        SELECT project, n, s, q, s::DOUBLE / (100 * n)::DOUBLE, sqrt((n * q - s * s)::DOUBLE) / (100 * n)::DOUBLE
        FROM (SELECT project, sum(n)::INTEGER AS n, sum(s)::HUGEINT AS s, sum(q)::HUGEINT AS q
              FROM reviewer_stats WHERE project IN (SELECT unnest(?::VARCHAR[])) GROUP BY project)""", [touched])
    # The stored pairs are current for every work but those being refreshed, which are redone anyway.
    more = cur.execute("""
        SELECT a.work_id FROM work_agg a JOIN works w ON w.id = a.work_id
        WHERE list_has_any(a.reviewers, ?::VARCHAR[]) AND w.project IN (SELECT unnest(?::VARCHAR[]))""",
                       [sorted(set(reviewers_)), touched]).fetchall()
    return {r[0] for r in more}


def rebuild(cur) -> None:
    """Recompute every row of the three tables (after rows were loaded without the services)."""
    for sql in REBUILD_SQL:
        cur.execute(sql)


REBUILD_SQL = [
    "DELETE FROM reviewer_stats",
    _STATS_SQL.format(table="reviewer_stats", key="reviewer, project", counted=_COUNTED.format(where=""),
                      filter=""),
    "DELETE FROM project_stats",
    _STATS_SQL.format(table="project_stats", key="project", counted=_COUNTED.format(where=""), filter=""),
    "DELETE FROM work_agg",
    _WORK_SQL.format(where=""),
]
