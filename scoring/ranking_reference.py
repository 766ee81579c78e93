"""The ranking of scoring/ranking.py re-done in pandas: a cross-check for tests and the bench's
baseline. Same definitions (scoring/ranking.py docstring), same rounding, own code: nothing is
taken from scoring.ranking, so an error there cannot hide in the expected values (tier cuts are
computed here in exact decimal arithmetic). Takes plain DataFrames of the tables.

- `rank_pandas(load_frames(cur), ...)` from the base tables (works, assignments, reviews), as the
  definitions read: every counted score is found by joining reviews to assignments.
- `rank_pandas_from_aggregates(load_aggregate_frames(cur), ...)` from the aggregate tables the
  writer keeps (work_agg, project_stats), like the SQL ranking: the bench's like-for-like baseline.
Both run the z-score pass only when ranking by `normalized` (the column is NaN otherwise), as the
SQL does.
"""
from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

import numpy as np
import pandas as pd
import pyarrow as pa

_WORK_COLS = "SELECT id, title, project, stage, school, precheck_status, excluded FROM works"


def load_frames(cur) -> dict[str, pd.DataFrame]:
    return {
        "works": cur.execute(_WORK_COLS).df(),
        "assignments": cur.execute("SELECT work_id, reviewer FROM assignments").df(),
        "reviews": cur.execute("SELECT work_id, reviewer, total, veto, status FROM reviews").df(),
    }


def load_aggregate_frames(cur) -> dict[str, pd.DataFrame]:
    # The list columns stay Arrow lists (pandas ArrowDtype), so they flatten without a Python loop.
    work_agg = cur.sql("SELECT work_id, n_assigned, totals, z, vetoed FROM work_agg").to_arrow_table()
    return {
        "works": cur.execute(_WORK_COLS).df(),
        "work_agg": work_agg.to_pandas(types_mapper=_arrow_lists),
        "project_stats": cur.execute("SELECT project, mean, sd FROM project_stats").df(),
    }


def _arrow_lists(t: pa.DataType):
    return pd.ArrowDtype(t) if pa.types.is_list(t) or pa.types.is_large_list(t) else None


def tier_cuts(n: int, award_ratios: dict[str, float]) -> list[tuple[str, int]]:
    """(tier, cut) best first: cut = n × cumulative ratio rounded half up, in exact decimals
    (the ratios as written: 0.1 + 0.2 is 0.3 here, and 15 × 0.3 = 4.5 rounds to 5)."""
    out, acc = [], Decimal(0)
    for name, r in award_ratios.items():
        acc += Decimal(repr(float(r)))
        out.append((name, int((n * acc).to_integral_value(rounding=ROUND_HALF_UP))))
    return out


def _normalised_per_review(project: pd.Series, value: pd.Series, p_mu: pd.Series, p_sd: pd.Series,
                           max_totals: dict[str, float]) -> pd.Series:
    hi = project.map(max_totals).fillna(100.0)
    return np.minimum(hi, np.maximum(0.0, p_mu + p_sd * value))


def rank_pandas(frames: dict[str, pd.DataFrame], settings: dict, max_totals: dict[str, float]) -> pd.DataFrame:
    works, asg, rev = frames["works"], frames["assignments"], frames["reviews"]
    rv = rev[rev["status"] == "submitted"].merge(asg, on=["work_id", "reviewer"])
    rv = rv.merge(works[["id", "project"]].rename(columns={"id": "work_id"}), on="work_id")
    gw = rv.groupby("work_id")
    agg = pd.DataFrame({
        "n": gw["total"].size(), "mean": gw["total"].mean(), "median": gw["total"].median(),
        "sum": gw["total"].sum(), "max": gw["total"].max(), "min": gw["total"].min(),
        "vetoed": gw["veto"].any()})
    if settings["aggregation"] == "normalized":
        g = rv.groupby(["reviewer", "project"])["total"]
        r_mu, r_sd = g.transform("mean"), g.transform("std", ddof=0)
        p = rv.groupby("project")["total"]
        z = np.where(r_sd > 0, (rv["total"] - r_mu) / r_sd.where(r_sd > 0, 1), 0.0)
        norm = _normalised_per_review(rv["project"], z, p.transform("mean"), p.transform("std", ddof=0),
                                      max_totals)
        agg["normalized"] = norm.groupby(rv["work_id"]).mean()
    else:
        agg["normalized"] = np.nan
    n_asg = asg.groupby("work_id").size().rename("n_assigned")
    df = works.rename(columns={"id": "work_id"}).set_index("work_id").join(agg).join(n_asg).reset_index()
    return _finish(df, settings)


def rank_pandas_from_aggregates(frames: dict[str, pd.DataFrame], settings: dict,
                                max_totals: dict[str, float]) -> pd.DataFrame:
    works, wa = frames["works"], frames["work_agg"]
    n = wa["totals"].list.len().to_numpy()
    long = pd.DataFrame({"work_id": np.repeat(wa["work_id"].to_numpy(), n),
                         "total": wa["totals"].list.flatten().to_numpy(dtype="float64")})
    gw = long.groupby("work_id")["total"]
    agg = pd.DataFrame({"n": gw.size(), "mean": gw.mean(), "median": gw.median(), "sum": gw.sum(),
                        "max": gw.max(), "min": gw.min()})
    if settings["aggregation"] == "normalized":
        # Per work its project's mean, std and full mark, repeated for each of its reviews.
        project = wa["work_id"].map(works.set_index("id")["project"])
        ps = frames["project_stats"].set_index("project")
        per_work = pd.DataFrame({"p_mu": project.map(ps["mean"]), "p_sd": project.map(ps["sd"]),
                                 "project": project})
        rep = per_work.loc[per_work.index.repeat(n)].reset_index(drop=True)
        z = wa["z"].list.flatten().to_numpy(dtype="float64", na_value=np.nan)
        norm = _normalised_per_review(rep["project"], z, rep["p_mu"], rep["p_sd"], max_totals)
        agg["normalized"] = norm.groupby(long["work_id"]).mean()
    else:
        agg["normalized"] = np.nan
    agg = agg.join(wa.set_index("work_id")[["n_assigned", "vetoed"]], how="outer")
    df = works.rename(columns={"id": "work_id"}).set_index("work_id").join(agg).reset_index()
    return _finish(df, settings)


def _finish(df: pd.DataFrame, settings: dict) -> pd.DataFrame:
    """From per-work n, mean, median, sum, max, min, normalized, vetoed, n_assigned: trimmed mean,
    spread, status, score, rank and tier."""
    tmin = int(settings["trimmed_mean_min"])
    df["trimmed_mean"] = np.where(df["n"] >= tmin,
                                  (df["sum"] - df["max"] - df["min"]) / (df["n"] - 2).clip(lower=1),
                                  df["mean"])
    df["spread"] = df["max"] - df["min"]
    df["n_scores"] = df["n"].fillna(0).astype("int64")
    df["n_assigned"] = df["n_assigned"].fillna(0).astype("int64")
    df["vetoed"] = df["vetoed"].fillna(False).astype(bool)
    # 四舍五入 at 4 decimals on the decimal value: floor(x·10⁴ + ½), with the 10⁻⁵ margin (in units
    # of 10⁻⁴) that lifts a half stored as …4999999 in a double.
    df["score"] = np.floor(df[settings["aggregation"]] * 10_000 + 0.5 + 1e-5) / 10_000
    df["status"] = np.select(
        [df["precheck_status"] != "pass", df["excluded"], df["vetoed"],
         (df["n_assigned"] == 0) | (df["n_scores"] < df["n_assigned"])],
        ["precheck", "excluded", "veto", "incomplete"], "ranked")
    ranked = df["status"] == "ranked"
    keys = [df["project"].fillna("\0"), df["stage"].fillna("\0")]
    df["rank"] = (df[ranked].groupby([k[ranked] for k in keys])["score"]
                  .rank(method="min", ascending=False)).astype("Int64")
    n_ranked = ranked.groupby(keys).transform("sum")
    df["tier"] = None
    rank = df["rank"].astype("float64")
    cuts = {int(n): tier_cuts(int(n), settings["award_ratios"]) for n in n_ranked[ranked].unique()}
    for i, name in reversed(list(enumerate(settings["award_ratios"]))):
        cut = n_ranked.map({n: c[i][1] for n, c in cuts.items()})
        df.loc[ranked & (rank <= cut), "tier"] = name
    df["spread_flag"] = (df["spread"] > float(settings["spread_threshold"])).fillna(False).astype(bool)
    return df.sort_values(["project", "stage", "rank", "work_id"], na_position="last").reset_index(drop=True)
