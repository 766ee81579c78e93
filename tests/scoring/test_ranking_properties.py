"""Laws of the ranking (scoring/ranking.py) over many random contests, with Hypothesis, on a real
DuckDB file: aggregates lie between the lowest and highest total, ties share a rank, and a tier
never holds more works than its cut except where a tie straddles the boundary.

Each example loads works, assignments and submitted reviews with plain SQL (then
`aggregates.rebuild`, as the docs require of loaders that bypass the services) and ranks them.
Expected ranks and tier cuts are computed here with exact decimals, not with ranking.py.
"""
from __future__ import annotations

import math
from decimal import ROUND_HALF_UP, Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scoring import aggregates, db
from scoring.ranking import compute_ranking
from scoring.settings import read_settings

EPS = 1e-9


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    path = tmp_path_factory.mktemp("rank-props") / "p.duckdb"
    db.configure(path)
    db.cursor()                           # runs the migrations
    yield path
    db.close(path)
    db.configure(None)


# A work's submitted totals: few distinct values so that ties are common.
TOTAL = st.sampled_from([55.0, 60.0, 60.5, 70.0, 72.25, 80.0, 88.0, 90.0, 100.0])
WORK = st.lists(TOTAL, min_size=1, max_size=6)
RATIOS = st.lists(st.sampled_from([0.05, 0.1, 0.15, 0.2, 0.25, 0.3]), min_size=1, max_size=3).filter(
    lambda rs: sum(rs) <= 1)


def _load(works: list[list[float]]) -> None:
    def tx(cur):
        for table in ("reviews", "assignments", "work_agg", "works"):
            cur.execute(f"DELETE FROM {table}")
        for wid, totals in enumerate(works, start=1):
            cur.execute("INSERT INTO works (id, work_key, project, stage, title, precheck_status) "
                        "VALUES (?, ?, 'fusion_case', '小学', ?, 'pass')", [wid, f"k{wid}", f"作品{wid}"])
            for j, total in enumerate(totals):
                cur.execute("INSERT INTO assignments (work_id, reviewer) VALUES (?, ?)", [wid, f"r{j}"])
                cur.execute("INSERT INTO reviews (work_id, reviewer, total, status) VALUES (?, ?, ?, 'submitted')",
                            [wid, f"r{j}", total])
        aggregates.rebuild(cur)
    db.write(tx)


def _rank(aggregation: str, ratios: list[float]):
    cur = db.cursor()
    s = dict(read_settings(cur), aggregation=aggregation,
             award_ratios={f"奖{i}": r for i, r in enumerate(ratios)})
    return compute_ranking(cur, s), list(s["award_ratios"])


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(works=st.lists(WORK, min_size=1, max_size=12),
       aggregation=st.sampled_from(["mean", "median", "trimmed_mean"]))
def test_every_aggregate_lies_between_min_and_max(store, works, aggregation):
    _load(works)
    df, _ = _rank(aggregation, [0.1])
    for wid, totals in enumerate(works, start=1):
        row = df[df.work_id == wid].iloc[0]
        for col in ("mean", "median", "trimmed_mean", "score"):
            assert min(totals) - EPS <= row[col] <= max(totals) + EPS, (col, totals, row[col])
        if len(totals) >= 5:             # one highest and one lowest dropped
            kept = sorted(totals)[1:-1]
            assert row["trimmed_mean"] == pytest.approx(sum(kept) / len(kept))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(works=st.lists(WORK, min_size=1, max_size=40), ratios=RATIOS,
       aggregation=st.sampled_from(["mean", "trimmed_mean"]))
def test_ties_share_a_rank_and_tiers_keep_their_cuts(store, works, ratios, aggregation):
    _load(works)
    df, names = _rank(aggregation, ratios)
    score = {int(r.work_id): float(r.score) for r in df.itertuples()}
    n = len(works)
    # competition ranking (1, 1, 3): one more than the number of strictly better works
    for r in df.itertuples():
        better = sum(1 for s in score.values() if s > r.score)
        assert r.rank == better + 1
    # cut of tier k: round half up of n × (r1 + … + rk), in exact decimals
    cuts, acc = [], Decimal(0)
    for r in ratios:
        acc += Decimal(str(r))
        cuts.append(int((n * acc).to_integral_value(rounding=ROUND_HALF_UP)))
    for r in df.itertuples():
        best = next((names[k] for k, c in enumerate(cuts) if r.rank <= c), None)
        assert r.tier == best, (r.rank, cuts)
    order = sorted(score.values(), reverse=True)
    for k, c in enumerate(cuts):
        holding = int(df["tier"].isin(names[:k + 1]).sum())
        if 0 < c < n and order[c - 1] == order[c]:
            assert holding > c, (holding, c, order)       # a tie across the cut shares the better tier
        else:
            assert holding == min(c, n), (holding, c, order)   # otherwise exactly the cut, never more


def test_rounding_at_a_half_goes_up_with_many_works(store):
    """25 works, 10 %: n × r = 2.5 rounds up to 3 (a 10-work contest never exercises this)."""
    _load([[100.0 - i] for i in range(25)])
    df, names = _rank("mean", [0.1, 0.2])
    by_rank = df.sort_values("rank")
    assert list(by_rank["tier"][:3]) == [names[0]] * 3            # floor(2.5 + 0.5) = 3
    assert list(by_rank["tier"][3:8]) == [names[1]] * 5           # cumulative 0.3: floor(7.5 + .5) = 8
    assert by_rank["tier"].iloc[8] is None
    assert math.isclose(float(by_rank["score"].iloc[0]), 100.0)
