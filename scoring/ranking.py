"""Aggregation, ranking and award tiers: DuckDB SQL aggregates and sorts, one vectorised pass over
the sorted rows gives ranks and tiers.

Definitions (the pandas twin in scoring/ranking_reference.py must agree exactly):
- A *counted score* is the total of a submitted review by a currently assigned reviewer.
- mean, median (middle two averaged), trimmed_mean: with at least `trimmed_mean_min` scores (5)
  drop one highest and one lowest then average, else the plain mean.
- normalized: per reviewer and project type, z = (total − reviewer's mean) / reviewer's population
  std (z = 0 when that std is 0, e.g. a single score); rescaled to the rubric's range as
  project mean + z × project population std (over all counted scores of that type), clipped to
  0..full mark; the work's value is the mean over its reviews.
- score = the aggregation chosen in settings, rounded half up (四舍五入) to 4 decimals on its decimal
  value (ties are compared on this). The means are sums of totals in hundredths over n, kept in
  doubles, so a mean that is exactly …5 at the 5th decimal may be stored as …4999999; adding
  HALF_UP_NUDGE before rounding fixes that and nothing else: any other such mean is at least
  1/(200·n) × 10⁻⁴ away from a half (≥ 5·10⁻⁹ up to 10,000 scores), a double's error is ~10⁻¹³.
- spread = max − min of the totals; spread_flag when spread > `spread_threshold`.
- A work is *ranked* when it passed 初审, is not excluded (eligibility), no submitted review
  vetoed it (一票否决), and it is fully reviewed (≥ 1 assignment, every assigned review submitted).
- rank: per project type × 学段, competition ranking on score (1, 1, 3).
- tiers: with N ranked works in the group and cumulative ratios R1, R1+R2, ... the cut for a
  tier is c = floor(N × R + 0.5) (round half up); a work gets the best tier whose cut ≥ its rank.
  Because tied works share the first position of their tie, a tie that straddles a boundary
  shares the better tier (the tier may then hold more than its quota).

The ranking reads the aggregates the writer keeps (scoring/aggregates.py): per work the sorted
counted totals with each review's z-score, per project type the mean and std of its counted scores;
no review is read. `ranking_sql_from_reviews` computes the same from the base tables (tests, bench).
The `normalized` column is computed only when it is the ranking method (NULL otherwise;
`ranking_records` fills it in).
"""
from __future__ import annotations

import hashlib

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from scoring import contest
from scoring import db as _db
from scoring.errors import ValidationError
from scoring.permissions import Actor, require_admin
from scoring.rubrics import load_rubrics
from scoring.settings import AGGREGATIONS, read_settings

STATUS_TEXT = {"ranked": "已排名", "precheck": "初审未通过", "excluded": "资格审查未通过",
               "veto": "一票否决", "incomplete": "评审未完成"}
HALF_UP_NUDGE = 1e-9       # see "score" in the module docstring; scores are never negative
RANK_COLUMNS = ["work_id", "title", "project", "stage", "school", "n_scores", "mean", "median",
                "trimmed_mean", "normalized", "score", "rank", "tier", "spread_flag"]


def cumulative_ratios(award_ratios: dict[str, float]) -> list[tuple[str, float]]:
    out, acc = [], 0.0
    for name, r in award_ratios.items():
        acc = round(acc + r, 9)      # 0.1 + 0.2 must be 0.3, not 0.30000000000000004
        out.append((name, acc))
    return out


def tier_cut(n: int, cum_ratio: float) -> int:
    """How many ranks a tier reaches: round half up of n × ratio (documented rule)."""
    return int(n * cum_ratio + 0.5 + 1e-9)


def _maxes(max_totals: dict[str, float]) -> tuple[str, list]:
    return ("SELECT unnest(?::VARCHAR[]) AS project, unnest(?::DOUBLE[]) AS max_total",
            [list(max_totals), [float(v) for v in max_totals.values()]])


# Per work: the five aggregates of the counted totals `t` (sorted ascending, `n` of them) and the
# status, from a relation `g` with the works columns, t, n, n_assigned, vetoed and `normalized`.
_PER_WORK = """
    SELECT work_id, title, project, stage, school, n AS n_scores, n_assigned, vetoed,
           CASE WHEN n > 0 THEN list_sum(t) / n END AS mean,
           CASE WHEN n = 0 THEN NULL WHEN n % 2 = 1 THEN t[(n + 1) // 2]
                ELSE (t[n // 2] + t[n // 2 + 1]) / 2 END AS median,
           CASE WHEN n = 0 THEN NULL WHEN n >= ? THEN (list_sum(t) - t[n] - t[1]) / (n - 2)
                ELSE list_sum(t) / n END AS trimmed_mean,
           normalized, t[n] - t[1] AS spread,
           CASE WHEN precheck_status <> 'pass' THEN 'precheck'
                WHEN excluded THEN 'excluded'
                WHEN vetoed THEN 'veto'
                WHEN n_assigned = 0 OR n < n_assigned THEN 'incomplete'
                ELSE 'ranked' END AS status
    FROM g"""


def _ranked(settings: dict) -> tuple[str, list]:
    """Score over the per-work relation `m`, sorted as the ranking is listed: per project type ×
    学段 the ranked works best first (ties by id), then the others by id. `rs` is the score of
    ranked works only; `_rank_and_tier` reads rank and tier off this order."""
    score = {m: m for m in ("mean", "median", "trimmed_mean", "normalized")}[settings["aggregation"]]
    sql = f"""
    b AS (SELECT *, round({score} + {HALF_UP_NUDGE}, 4) AS score,
                 CASE WHEN status = 'ranked' THEN round({score} + {HALF_UP_NUDGE}, 4) END AS rs FROM m)
    SELECT work_id, title, project, stage, school, n_scores, n_assigned, mean, median, trimmed_mean,
           normalized, score, rs, spread, coalesce(spread > ?, FALSE) AS spread_flag, vetoed, status
    FROM b ORDER BY project, stage, rs DESC NULLS LAST, work_id"""
    return sql, [float(settings["spread_threshold"])]


def _rank_and_tier(table: pa.Table, settings: dict) -> tuple[pd.Series, pd.Series]:
    """Competition rank and tier of each row of the sorted ranking (see `_ranked`): within a group
    the ranked works come first, best first, so a work's rank is 1 + its tie's first position in
    the group, and a group's N is its number of ranked works. One vectorised pass; in SQL this
    was a window over all works that cost about a third of the whole query."""
    n = table.num_rows
    keys = [pc.fill_null(table[c], "\0").combine_chunks() for c in ("project", "stage")]
    new_group = np.zeros(n, dtype=bool)
    new_group[:1] = True
    for k in keys:
        new_group[1:] |= pc.not_equal(k[1:], k[:-1]).to_numpy(zero_copy_only=False)
    rs = table["rs"].to_numpy()                         # NaN for works that are not ranked
    ranked = ~np.isnan(rs)
    idx = np.arange(n)
    group = np.cumsum(new_group) - 1
    start = idx[new_group][group]
    tie_start = new_group.copy()
    tie_start[1:] |= rs[1:] != rs[:-1]
    rank = np.maximum.accumulate(np.where(tie_start, idx, 0)) - start + 1
    n_ranked = np.bincount(group, weights=ranked)[group]
    tier = np.full(n, None, dtype=object)
    for name, c in reversed(cumulative_ratios(settings["award_ratios"])):
        tier[ranked & (rank <= np.floor(n_ranked * c + 0.5 + 1e-9))] = name
    return (pd.Series(pd.array(np.where(ranked, rank, 0), dtype="Int64")).mask(~ranked),
            pd.Series(tier, dtype=object))


def ranking_sql_from_aggregates(settings: dict, max_totals: dict[str, float]) -> tuple[str, list]:
    """The ranking from the writer-maintained aggregates (scoring/aggregates.py): per work its
    sorted counted totals and their z-scores, per project type the mean and std of its counted
    scores. No review is read. `normalized` is computed only when it is the ranking method (NULL
    otherwise: see ranking_records)."""
    params: list = []
    if settings["aggregation"] == "normalized":
        maxes_sql, params = _maxes(max_totals)
        # The clip is per review: the mean over the work's z-scores of clip(p_mu + p_sd × z).
        norm = ("CASE WHEN len(a.totals) > 0 THEN list_avg(list_transform(a.z, lambda x: "
                "least(hi, greatest(0.0, p_mu + p_sd * x)))) END")
        stats = f"""LEFT JOIN (SELECT p.project, p.mean AS p_mu, p.sd AS p_sd, coalesce(x.max_total, 100) AS hi
                               FROM project_stats p LEFT JOIN ({maxes_sql}) x ON x.project = p.project) ps
                    ON ps.project = w.project"""
    else:
        norm, stats = "NULL::DOUBLE", ""
    tail, tail_params = _ranked(settings)
    sql = f"""
    WITH g AS (
        SELECT w.id AS work_id, w.title, w.project, w.stage, w.school, w.precheck_status, w.excluded,
               coalesce(a.totals, []::DOUBLE[]) AS t, coalesce(len(a.totals), 0) AS n,
               coalesce(a.n_assigned, 0)::BIGINT AS n_assigned, coalesce(a.vetoed, FALSE) AS vetoed,
               {norm} AS normalized
        FROM works w LEFT JOIN work_agg a ON a.work_id = w.id {stats}),
    m AS ({_PER_WORK}),{tail}"""
    return sql, params + [int(settings["trimmed_mean_min"])] + tail_params


def ranking_sql_from_reviews(settings: dict, max_totals: dict[str, float]) -> tuple[str, list]:
    """The same ranking computed from the base tables (every review joined to its assignment), as
    the aggregates are defined: the cross-check of the aggregates and the bench's like-for-like
    comparison with the pandas twin. The z-score pass runs only when ranking by `normalized`."""
    params: list = []
    if settings["aggregation"] == "normalized":
        maxes_sql, params = _maxes(max_totals)
        # One pass over the counted reviews gives the per-reviewer and the per-project statistics.
        norm_ctes = f"""
    st AS (SELECT reviewer, project, avg(total) AS mu, stddev_pop(total) AS sd, grouping(reviewer) AS gr
           FROM rv GROUP BY GROUPING SETS ((reviewer, project), (project))),
    rs AS (SELECT r.reviewer, r.project, r.mu, r.sd, p.mu AS p_mu, p.sd AS p_sd, coalesce(x.max_total, 100) AS hi
           FROM st r JOIN st p ON p.gr = 1 AND p.project = r.project
           LEFT JOIN ({maxes_sql}) x ON x.project = r.project
           WHERE r.gr = 0),
    nz AS (SELECT rv.work_id, avg(least(hi, greatest(0.0, p_mu + p_sd *
                  CASE WHEN sd > 0 THEN (total - mu) / sd ELSE 0 END))) AS normalized
           FROM rv JOIN rs ON rs.reviewer = rv.reviewer AND rs.project = rv.project
           GROUP BY rv.work_id),"""
        norm_join, norm_col = "LEFT JOIN nz ON nz.work_id = w.id", "nz.normalized"
    else:
        norm_ctes, norm_join, norm_col = "", "", "NULL::DOUBLE"
    tail, tail_params = _ranked(settings)
    sql = f"""
    WITH rv AS (
        SELECT v.work_id, v.reviewer, v.total, v.veto, w.project
        FROM reviews v JOIN assignments a ON a.work_id = v.work_id AND a.reviewer = v.reviewer
        JOIN works w ON w.id = v.work_id
        WHERE v.status = 'submitted'),{norm_ctes}
    agg AS (SELECT work_id, count(*) AS n, avg(total) AS mean, median(total) AS median,
                   CASE WHEN count(*) >= ? THEN (sum(total) - max(total) - min(total)) / (count(*) - 2)
                        ELSE avg(total) END AS trimmed_mean,
                   max(total) - min(total) AS spread, bool_or(veto) AS vetoed
            FROM rv GROUP BY work_id),
    asg AS (SELECT work_id, count(*) AS n_assigned FROM assignments GROUP BY work_id),
    m AS (
        SELECT w.id AS work_id, w.title, w.project, w.stage, w.school, coalesce(agg.n, 0) AS n_scores,
               coalesce(asg.n_assigned, 0) AS n_assigned, coalesce(agg.vetoed, FALSE) AS vetoed,
               agg.mean, agg.median, agg.trimmed_mean, {norm_col} AS normalized, agg.spread,
               CASE WHEN w.precheck_status <> 'pass' THEN 'precheck'
                    WHEN w.excluded THEN 'excluded'
                    WHEN coalesce(agg.vetoed, FALSE) THEN 'veto'
                    WHEN coalesce(asg.n_assigned, 0) = 0 OR coalesce(agg.n, 0) < asg.n_assigned THEN 'incomplete'
                    ELSE 'ranked' END AS status
        FROM works w LEFT JOIN agg ON agg.work_id = w.id LEFT JOIN asg ON asg.work_id = w.id {norm_join}),{tail}"""
    return sql, params + [int(settings["trimmed_mean_min"])] + tail_params


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


def compute_ranking(cur, settings: dict | None = None, *, from_reviews: bool = False) -> pd.DataFrame:
    """The ranking table for every work (unranked works have rank/tier NULL and a status), read
    from the aggregates; `from_reviews=True` computes it from the base tables instead (tests, bench)."""
    settings = settings or read_settings(cur)
    build = ranking_sql_from_reviews if from_reviews else ranking_sql_from_aggregates
    sql, params = build(settings, {k: r.max_total for k, r in load_rubrics().items()})
    # Via Arrow: several times cheaper than .df() for the string columns.
    table = _execute_prepared(cur, sql, params)
    rank, tier = _rank_and_tier(table, settings)
    df = table.drop_columns(["rs"]).to_pandas()
    df.insert(df.columns.get_loc("score") + 1, "rank", rank)
    df.insert(df.columns.get_loc("rank") + 1, "tier", tier)
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
                clean[k] = round(float(v) + HALF_UP_NUDGE, 4)
            elif k in ("work_id", "n_scores", "rank"):
                clean[k] = int(v)
            elif k == "spread_flag":
                clean[k] = bool(v)
            else:
                clean[k] = v
        out.append(clean)
    return out
