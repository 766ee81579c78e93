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

mean / median / trimmed_mean are read from the per-work aggregate `work_agg` that the writer keeps
(scoring/aggregates.py); `normalized` needs every reviewer's statistics and is computed from the
reviews each time. With a non-normalized method the `normalized` column is therefore NULL.
"""
from __future__ import annotations

import hashlib

import duckdb
import pandas as pd

from scoring import contest
from scoring import db as _db
from scoring.errors import ValidationError
from scoring.permissions import Actor, require_admin
from scoring.rubrics import load_rubrics
from scoring.settings import AGGREGATIONS, read_settings

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


def _tier_case(settings: dict) -> tuple[str, list]:
    tiers = cumulative_ratios(settings["award_ratios"])
    return (" ".join(f"WHEN rnk <= floor(n_ranked * {float(c)!r} + 0.5 + 1e-9) THEN ?" for _, c in tiers),
            [name for name, _ in tiers])


def ranking_sql_from_aggregates(settings: dict) -> tuple[str, list]:
    """mean / median / trimmed_mean from the writer-maintained `work_agg` (sorted counted totals
    per work, scoring/aggregates.py): no join of reviews to assignments at read time. The
    `normalized` column is NULL here (it needs every reviewer's statistics: see ranking_sql)."""
    tier_case, tier_names = _tier_case(settings)
    score = {"mean": "mean", "median": "median", "trimmed_mean": "trimmed_mean"}[settings["aggregation"]]
    sql = f"""
    WITH g AS (
        SELECT w.id AS work_id, w.project, w.stage, w.precheck_status, w.excluded,
               coalesce(a.totals, []::DOUBLE[]) AS t, len(coalesce(a.totals, []::DOUBLE[])) AS n,
               coalesce(a.n_assigned, 0)::BIGINT AS n_assigned, coalesce(a.vetoed, FALSE) AS vetoed
        FROM works w LEFT JOIN work_agg a ON a.work_id = w.id),
    m AS (
        SELECT work_id, project, stage, n AS n_scores, n_assigned, vetoed,
               CASE WHEN n > 0 THEN list_sum(t) / n END AS mean,
               CASE WHEN n = 0 THEN NULL WHEN n % 2 = 1 THEN t[(n + 1) // 2]
                    ELSE (t[n // 2] + t[n // 2 + 1]) / 2 END AS median,
               CASE WHEN n = 0 THEN NULL WHEN n >= ? THEN (list_sum(t) - t[n] - t[1]) / (n - 2)
                    ELSE list_sum(t) / n END AS trimmed_mean,
               t[n] - t[1] AS spread,
               CASE WHEN precheck_status <> 'pass' THEN 'precheck'
                    WHEN excluded THEN 'excluded'
                    WHEN vetoed THEN 'veto'
                    WHEN n_assigned = 0 OR n < n_assigned THEN 'incomplete'
                    ELSE 'ranked' END AS status
        FROM g),
    base AS (SELECT *, round({score}, 4) AS score FROM m),
    rk AS (
        SELECT work_id, rank() OVER (PARTITION BY project, stage ORDER BY score DESC) AS rnk,
               count(*) OVER (PARTITION BY project, stage) AS n_ranked
        FROM base WHERE status = 'ranked')
    SELECT b.work_id, w.title, b.project, b.stage, w.school, n_scores, n_assigned, mean, median,
           trimmed_mean, NULL::DOUBLE AS normalized, score, rnk AS rank, CASE {tier_case} END AS tier,
           spread, coalesce(spread > ?, FALSE) AS spread_flag, vetoed, status
    FROM base b JOIN works w ON w.id = b.work_id LEFT JOIN rk ON rk.work_id = b.work_id
    ORDER BY b.project, b.stage, rnk NULLS LAST, b.work_id"""
    return sql, [int(settings["trimmed_mean_min"]), *tier_names, float(settings["spread_threshold"])]


def ranking_sql(settings: dict, max_totals: dict[str, float]) -> tuple[str, list]:
    tier_case, tier_names = _tier_case(settings)
    # One pass over the counted reviews gives both the per-reviewer and the per-project stats
    # (GROUPING SETS); the windows run on a narrow table of ranked works only, and the strings
    # (title, school) are joined in at the end, so neither the windows nor the joins carry them.
    sql = f"""
    WITH maxes AS (SELECT unnest(?::VARCHAR[]) AS project, unnest(?::DOUBLE[]) AS max_total),
    rv AS (
        SELECT v.work_id, v.reviewer, v.total, v.veto, w.project
        FROM reviews v JOIN assignments a ON a.work_id = v.work_id AND a.reviewer = v.reviewer
        JOIN works w ON w.id = v.work_id
        WHERE v.status = 'submitted'),
    st AS (SELECT reviewer, project, avg(total) AS mu, stddev_pop(total) AS sd, grouping(reviewer) AS g
           FROM rv GROUP BY GROUPING SETS ((reviewer, project), (project))),
    rs AS (SELECT r.reviewer, r.project, r.mu, r.sd, p.mu AS p_mu, p.sd AS p_sd,
                  coalesce(m.max_total, 100) AS hi
           FROM st r JOIN st p ON p.g = 1 AND p.project = r.project
           LEFT JOIN maxes m ON m.project = r.project
           WHERE r.g = 0),
    agg AS (
        SELECT rv.work_id, count(*) AS n, avg(total) AS mean, median(total) AS median,
               CASE WHEN count(*) >= ? THEN (sum(total) - max(total) - min(total)) / (count(*) - 2)
                    ELSE avg(total) END AS trimmed,
               avg(least(hi, greatest(0.0, p_mu + p_sd *
                   CASE WHEN sd > 0 THEN (total - mu) / sd ELSE 0 END))) AS normalized,
               max(total) - min(total) AS spread, bool_or(veto) AS vetoed
        FROM rv JOIN rs ON rs.reviewer = rv.reviewer AND rs.project = rv.project
        GROUP BY rv.work_id),
    asg AS (SELECT work_id, count(*) AS n_assigned FROM assignments GROUP BY work_id),
    base AS (
        SELECT w.id AS work_id, w.project, w.stage,
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
    rk AS (
        SELECT work_id, rank() OVER (PARTITION BY project, stage ORDER BY score DESC) AS rnk,
               count(*) OVER (PARTITION BY project, stage) AS n_ranked
        FROM base WHERE status = 'ranked')
    SELECT b.work_id, w.title, b.project, b.stage, w.school, n_scores, n_assigned, mean, median,
           trimmed_mean, normalized, score, rnk AS rank, CASE {tier_case} END AS tier, spread,
           coalesce(spread > ?, FALSE) AS spread_flag, vetoed, status
    FROM base b JOIN works w ON w.id = b.work_id LEFT JOIN rk ON rk.work_id = b.work_id
    ORDER BY b.project, b.stage, rnk NULLS LAST, b.work_id"""
    params = [list(max_totals), list(max_totals.values()), int(settings["trimmed_mean_min"]),
              *tier_names, float(settings["spread_threshold"])]
    return sql, params


def _literal(v) -> str:
    if isinstance(v, list):
        return "[" + ", ".join(_literal(x) for x in v) + "]"
    if isinstance(v, str):
        return "'" + v.replace("'", "''") + "'"
    if isinstance(v, float):
        return f"'{v!r}'::DOUBLE"
    return str(int(v))


def _execute_prepared(cur, sql: str, params: list):
    """Run the ranking as a prepared statement of this cursor: planning the query costs about as
    much as running it. The values are inlined (quoted) so the plan needs no parameters; the name
    is a hash of the text, so changed settings get their own statement."""
    parts = sql.split("?")
    text = parts[0] + "".join(_literal(v) + rest for v, rest in zip(params, parts[1:]))
    name = "scoring_ranking_" + hashlib.sha1(text.encode()).hexdigest()[:16]
    try:
        return cur.sql(f"EXECUTE {name}").to_arrow_table()
    except duckdb.Error:                 # not prepared on this cursor yet
        cur.execute(f"PREPARE {name} AS {text}")
        return cur.sql(f"EXECUTE {name}").to_arrow_table()


def compute_ranking(cur, settings: dict | None = None) -> pd.DataFrame:
    """The ranking table for every work (unranked works have rank/tier NULL and a status)."""
    settings = settings or read_settings(cur)
    if settings["aggregation"] == "normalized":
        sql, params = ranking_sql(settings, {k: r.max_total for k, r in load_rubrics().items()})
    else:
        sql, params = ranking_sql_from_aggregates(settings)
    # Via Arrow: several times cheaper than .df() for the string columns, same dtypes after the
    # rank cast (Arrow hands a nullable integer over as float64).
    df = _execute_prepared(cur, sql, params).to_pandas()
    df["rank"] = df["rank"].astype("Int64")
    df["tier"] = df["tier"].astype(object).where(df["tier"].notna(), None)
    return df


def _labelled(df: pd.DataFrame) -> pd.DataFrame:
    df["status_text"] = df["status"].map(STATUS_TEXT)
    df["project_name"] = df["project"].map(contest.project_name)
    return df


def rank_works(actor: Actor, *, db=None) -> pd.DataFrame:
    """Admin: the ranking DataFrame (columns RANK_COLUMNS + n_assigned, spread, vetoed, status,
    status_text, project_name)."""
    require_admin(actor)
    return _labelled(compute_ranking(_db.cursor(db)))


def preview_ranking(actor: Actor, method: str, *, db=None) -> pd.DataFrame:
    """Admin: the ranking as `rank_works` gives it, but aggregated with `method` (one of
    settings.AGGREGATIONS) instead of the stored setting; nothing is saved."""
    require_admin(actor)
    if not isinstance(method, str) or method not in AGGREGATIONS:
        raise ValidationError(f"汇总方式必须是 {', '.join(AGGREGATIONS)} 之一，收到 {method!r}")
    cur = _db.cursor(db)
    return _labelled(compute_ranking(cur, {**read_settings(cur), "aggregation": method}))


def ranking_records(actor: Actor, *, db=None) -> list[dict]:
    """Admin: the ranking as JSON-ready dicts with RANK_COLUMNS (the CLI's `rank --json`).

    The fast per-method ranking leaves `normalized` empty; this full listing fills it in from the
    normalised computation, so every aggregate is reported whatever method ranks."""
    df = rank_works(actor, db=db)
    cur = _db.cursor(db)
    settings = read_settings(cur)
    if settings["aggregation"] != "normalized":
        full = compute_ranking(cur, {**settings, "aggregation": "normalized"})
        df["normalized"] = df["work_id"].map(full.set_index("work_id")["normalized"])
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
