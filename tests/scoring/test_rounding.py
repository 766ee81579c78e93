"""Scores people read are rounded the way they round on paper (四舍五入), not the way a double does."""
from __future__ import annotations

import pytest

from scoring.rounding import half_up


@pytest.mark.parametrize("x,digits,want", [
    (77.445, 2, 77.45),          # the double is 77.44499999…: round() and f"{:.2f}" give 77.44
    (77.4449, 2, 77.44),
    (0.125, 2, 0.13),            # round() gives 0.12 (half to even)
    (2.675, 2, 2.68),            # the double is 2.67499999…
    (77.44375, 4, 77.4438),
    (80, 2, 80.0),
    (0.0, 2, 0.0),
])
def test_half_up_on_the_decimal_value(x, digits, want):
    assert half_up(x, digits) == want


@pytest.mark.parametrize("x", [None, float("nan")], ids=["none", "nan"])
def test_a_missing_value_stays_missing(x):
    assert half_up(x, 2) is None
