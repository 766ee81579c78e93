"""Aggregation, ranking and award tiers, computed in DuckDB SQL (window functions).

Definitions (the pandas twin in scoring/ranking_reference.py must agree exactly):
- A *counted score* is the total of a submitted review by a currently assigned reviewer.
- mean, median (middle two averaged), trimmed_mean: with at least `trimmed_mean_min` scores (5)
  drop one highest and one lowest then average, else the plain mean.
- normalized: per reviewer and project type, z = (total − reviewer's mean) / reviewer's population
  std (z = 0 when that std is 0, e.g. a single score); rescaled to the rubric's range as
  project mean + z × project population std (over all counted scores of that type), clipped to
  0..full mark; the work's value is the mean over its reviews.
- score = the aggregation chosen in settings, rounded to 4 decimals (ties are compared on this).
- spread = max − min of the totals; spread_flag when spread > `spread_threshold`.
- A work is *ranked* when it passed 初审, is not excluded (eligibility), no submitted review
  vetoed it (一票否决), and it is fully reviewed (≥ 1 assignment, every assigned review submitted).
- rank: per project type × 学段, competition ranking on score (1, 1, 3).
- tiers: with N ranked works in the group and cumulative ratios R1, R1+R2, ... the cut for a
  tier is c = floor(N × R + 0.5) (round half up); a work gets the best tier whose cut ≥ its rank.
  Because tied works share the first position of their tie, a tie that straddles a boundary
  shares the better tier (the tier may then hold more than its quota).
"""
from __future__ import annotations

import pandas as pd

from scoring import contest
from scoring import db as _db
from scoring.permissions import Actor, require_admin
from scoring.rubrics import load_rubrics
from scoring.settings import read_settings

STATUS_TEXT = {"ranked": "已排名", "precheck": "初审未通过", "excluded": "资格审查未通过",
               "veto": "一票否决", "incomplete": "评审未完成"}
RANK_COLUMNS = ["work_id", "title", "project", "stage", "school", "n_scores", "mean", "median",
                "trimmed_mean", "normalized", "score", "rank", "tier", "spread_flag"]
_AGG_SQL = {"mean": "agg.mean", "median": "agg.median", "trimmed_mean": "agg.trimmed",
            "normalized": "agg.normalized"}


def cumulative_ratios(award_ratios: dict[str, float]) -> list[tuple[str, float]]:
    out, acc = [], 0.0
    for name, r in award_ratios.items():
        acc = round(acc + r, 9)      # 0.1 + 0.2 must be 0.3, not 0.30000000000000004
        out.append((name, acc))
    return out


def tier_cut(n: int, cum_ratio: float) -> int:
    """How many ranks a tier reaches: round half up of n × ratio (documented rule)."""
    return int(n * cum_ratio + 0.5 + 1e-9)


def ranking_sql(settings: dict, max_totals: dict[str, float]) -> tuple[str, list]:
    tiers = cumulative_ratios(settings["award_ratios"])
    tier_case = " ".join(
        f"WHEN rnk <= floor(n_ranked * {float(c)!r} + 0.5 + 1e-9) THEN ?" for _, c in tiers)
    sql = f"""
    WITH maxes AS (SELECT unnest(?::VARCHAR[]) AS project, unnest(?::DOUBLE[]) AS max_total),
    rv AS (
        SELECT v.work_id, v.reviewer, v.total, v.veto, w.project
        FROM reviews v JOIN assignments a ON a.work_id = v.work_id AND a.reviewer = v.reviewer
        JOIN works w ON w.id = v.work_id
        WHERE v.status = 'submitted'),
    rs AS (SELECT reviewer, project, avg(total) AS mu, stddev_pop(total) AS sd FROM rv GROUP BY ALL),
    ps AS (SELECT project, avg(total) AS mu, stddev_pop(total) AS sd FROM rv GROUP BY ALL),
    rvn AS (
        SELECT rv.work_id, rv.total, rv.veto,
               least(coalesce(m.max_total, 100), greatest(0.0, ps.mu + ps.sd *
                     CASE WHEN rs.sd > 0 THEN (rv.total - rs.mu) / rs.sd ELSE 0 END)) AS norm
        FROM rv JOIN rs ON rs.reviewer = rv.reviewer AND rs.project = rv.project
        JOIN ps ON ps.project = rv.project LEFT JOIN maxes m ON m.project = rv.project),
    agg AS (
        SELECT work_id, count(*) AS n, avg(total) AS mean, median(total) AS median,
               CASE WHEN count(*) >= ? THEN (sum(total) - max(total) - min(total)) / (count(*) - 2)
                    ELSE avg(total) END AS trimmed,
               avg(norm) AS normalized, max(total) - min(total) AS spread, bool_or(veto) AS vetoed
        FROM rvn GROUP BY work_id),
    asg AS (SELECT work_id, count(*) AS n_assigned FROM assignments GROUP BY work_id),
    base AS (
        SELECT w.id AS work_id, w.title, w.project, w.stage, w.school,
               coalesce(agg.n, 0) AS n_scores, coalesce(asg.n_assigned, 0) AS n_assigned,
               agg.mean, agg.median, agg.trimmed AS trimmed_mean, agg.normalized, agg.spread,
               coalesce(agg.vetoed, FALSE) AS vetoed,
               round({_AGG_SQL[settings['aggregation']]}, 4) AS score,
               CASE WHEN w.precheck_status <> 'pass' THEN 'precheck'
                    WHEN w.excluded THEN 'excluded'
                    WHEN coalesce(agg.vetoed, FALSE) THEN 'veto'
                    WHEN coalesce(asg.n_assigned, 0) = 0 OR coalesce(agg.n, 0) < asg.n_assigned
                         THEN 'incomplete'
                    ELSE 'ranked' END AS status
        FROM works w LEFT JOIN agg ON agg.work_id = w.id LEFT JOIN asg ON asg.work_id = w.id),
    r AS (
        SELECT *, CASE WHEN status = 'ranked' THEN
                      rank() OVER (PARTITION BY project, stage, status = 'ranked' ORDER BY score DESC) END AS rnk,
               count(*) FILTER (WHERE status = 'ranked') OVER (PARTITION BY project, stage) AS n_ranked
        FROM base)
    SELECT work_id, title, project, stage, school, n_scores, n_assigned, mean, median, trimmed_mean,
           normalized, score, rnk AS rank, CASE {tier_case} END AS tier, spread,
           coalesce(spread > ?, FALSE) AS spread_flag, vetoed, status
    FROM r ORDER BY project, stage, rnk NULLS LAST, work_id"""
    params = [list(max_totals), list(max_totals.values()), int(settings["trimmed_mean_min"]),
              *[name for name, _ in tiers], float(settings["spread_threshold"])]
    return sql, params


def compute_ranking(cur, settings: dict | None = None) -> pd.DataFrame:
    """The ranking table for every work (unranked works have rank/tier NULL and a status)."""
    settings = settings or read_settings(cur)
    max_totals = {k: r.max_total for k, r in load_rubrics().items()}
    sql, params = ranking_sql(settings, max_totals)
    df = cur.execute(sql, params).df()
    df["rank"] = df["rank"].astype("Int64")
    df["tier"] = df["tier"].astype(object).where(df["tier"].notna(), None)
    return df


def rank_works(actor: Actor, *, db=None) -> pd.DataFrame:
    """Admin: the ranking DataFrame (columns RANK_COLUMNS + n_assigned, spread, vetoed, status,
    status_text, project_name)."""
    require_admin(actor)
    df = compute_ranking(_db.cursor(db))
    df["status_text"] = df["status"].map(STATUS_TEXT)
    df["project_name"] = df["project"].map(contest.project_name)
    return df


def ranking_records(actor: Actor, *, db=None) -> list[dict]:
    """Admin: the ranking as JSON-ready dicts with RANK_COLUMNS (the CLI's `rank --json`)."""
    df = rank_works(actor, db=db)
    out = []
    for rec in df[RANK_COLUMNS].to_dict("records"):
        clean = {}
        for k, v in rec.items():
            if v is None or (isinstance(v, float) and v != v) or v is pd.NA:
                clean[k] = None
            elif k in ("mean", "median", "trimmed_mean", "normalized", "score"):
                clean[k] = round(float(v), 4)
            elif k in ("work_id", "n_scores", "rank"):
                clean[k] = int(v)
            elif k == "spread_flag":
                clean[k] = bool(v)
            else:
                clean[k] = v
        out.append(clean)
    return out
