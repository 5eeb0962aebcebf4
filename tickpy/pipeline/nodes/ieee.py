"""Float division as Go does it: x/0 is ±Inf and 0/0 is NaN, where Python would raise. A
derivative or stateDuration with a zero `.unit()` divides by zero in Kapacitor without failing."""

from __future__ import annotations

import math


def divide(a: float, b: float) -> float:
    if b:
        return a / b
    if a != a or a == 0:
        return math.nan
    return math.copysign(math.inf, a) * math.copysign(1.0, b)
