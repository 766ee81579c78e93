"""Rounding as people do it on paper (四舍五入): half up, on the number's decimal value.

Python's round() and pandas' .round() round the binary double half to even: 77.445 is stored as
77.44499999…, so both give 77.44 where a clerk (and the published list) writes 77.45. The decimal
value taken here is the shortest one that reads back as the same double (repr): the number as it
was computed, e.g. a ranking score already rounded to 4 places.
"""
from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal


def half_up(x, digits: int) -> float | None:
    """x rounded half up to `digits` places; None for a missing value (None or NaN)."""
    if x is None:
        return None
    f = float(x)
    if f != f:
        return None
    return float(Decimal(repr(f)).quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP))
