"""The ranking of scoring/ranking.py re-done in pandas: a cross-check for tests and the bench's
baseline. Same definitions, same rounding; takes plain DataFrames of the tables."""
from __future__ import annotations

import numpy as np
import pandas as pd

from scoring.ranking import cumulative_ratios


def load_frames(cur) -> dict[str, pd.DataFrame]:
    return {
        "works": cur.execute("SELECT id, title, project, stage, school, precheck_status, excluded FROM works").df(),
        "assignments": cur.execute("SELECT work_id, reviewer FROM assignments").df(),
        "reviews": cur.execute("SELECT work_id, reviewer, total, veto, status FROM reviews").df(),
    }


def rank_pandas(frames: dict[str, pd.DataFrame], settings: dict, max_totals: dict[str, float]) -> pd.DataFrame:
    works, asg, rev = frames["works"], frames["assignments"], frames["reviews"]
    rv = rev[rev["status"] == "submitted"].merge(asg, on=["work_id", "reviewer"])
    rv = rv.merge(works[["id", "project"]].rename(columns={"id": "work_id"}), on="work_id")
    g = rv.groupby(["reviewer", "project"])["total"]
    rv["r_mu"], rv["r_sd"] = g.transform("mean"), g.transform("std", ddof=0)
    p = rv.groupby("project")["total"]
    rv["p_mu"], rv["p_sd"] = p.transform("mean"), p.transform("std", ddof=0)
    z = np.where(rv["r_sd"] > 0, (rv["total"] - rv["r_mu"]) / rv["r_sd"].where(rv["r_sd"] > 0, 1), 0.0)
    hi = rv["project"].map(max_totals).fillna(100.0)
    rv["norm"] = np.minimum(hi, np.maximum(0.0, rv["p_mu"] + rv["p_sd"] * z))

    gw = rv.groupby("work_id")
    agg = pd.DataFrame({
        "n": gw["total"].size(), "mean": gw["total"].mean(), "median": gw["total"].median(),
        "sum": gw["total"].sum(), "max": gw["total"].max(), "min": gw["total"].min(),
        "normalized": gw["norm"].mean(), "vetoed": gw["veto"].any()})
    tmin = int(settings["trimmed_mean_min"])
    agg["trimmed_mean"] = np.where(agg["n"] >= tmin,
                                   (agg["sum"] - agg["max"] - agg["min"]) / (agg["n"] - 2).clip(lower=1),
                                   agg["mean"])
    agg["spread"] = agg["max"] - agg["min"]
    n_asg = asg.groupby("work_id").size().rename("n_assigned")

    df = works.rename(columns={"id": "work_id"}).set_index("work_id").join(agg).join(n_asg).reset_index()
    df["n_scores"] = df["n"].fillna(0).astype("int64")
    df["n_assigned"] = df["n_assigned"].fillna(0).astype("int64")
    df["vetoed"] = df["vetoed"].fillna(False).astype(bool)
    df["score"] = df[settings["aggregation"]].round(4)
    status = np.select(
        [df["precheck_status"] != "pass", df["excluded"], df["vetoed"],
         (df["n_assigned"] == 0) | (df["n_scores"] < df["n_assigned"])],
        ["precheck", "excluded", "veto", "incomplete"], "ranked")
    df["status"] = status
    ranked = df["status"] == "ranked"
    keys = [df["project"].fillna("\0"), df["stage"].fillna("\0")]
    df["rank"] = (df[ranked].groupby([k[ranked] for k in keys])["score"]
                  .rank(method="min", ascending=False)).astype("Int64")
    df["n_ranked"] = ranked.groupby(keys).transform("sum")
    df["tier"] = None
    for name, c in reversed(cumulative_ratios(settings["award_ratios"])):
        cut = np.floor(df["n_ranked"] * c + 0.5 + 1e-9)
        df.loc[ranked & (df["rank"].astype("float64") <= cut), "tier"] = name
    df["spread_flag"] = (df["spread"] > float(settings["spread_threshold"])).fillna(False).astype(bool)
    return df.sort_values(["project", "stage", "rank", "work_id"], na_position="last").reset_index(drop=True)
