"""Value types TICKscript has that plain Python numbers do not tell apart.

A duration literal (`5m`) and the point's time are integers of nanoseconds underneath, but
Kapacitor treats them as their own types: `5m + 1` is a type error, a duration prints as `5m0s`
in a template, a time as `2023-11-14 22:13:20 +0000 UTC`. Subclassing int keeps arithmetic and
comparisons cheap while letting the lambda compiler and the template engine see the type.
"""

from __future__ import annotations


class Duration(int):
    """A span of time in nanoseconds (Go's time.Duration)."""

    __slots__ = ()

    def __repr__(self) -> str:
        return f"Duration({int(self)})"


class Timestamp(int):
    """An instant in nanoseconds since the Unix epoch, UTC (Go's time.Time)."""

    __slots__ = ()

    def __repr__(self) -> str:
        return f"Timestamp({int(self)})"


# Go's time.Truncate and time.Round count multiples of the step from Go's zero time
# (0001-01-01T00:00:00Z), not from the Unix epoch: a 7s or 7d step lands differently.
GO_ZERO_TO_UNIX_NS = 62_135_596_800 * 1_000_000_000


def go_truncate(time: int, step: int) -> int:
    """`time` (ns) down to a multiple of `step` since Go's zero time; unchanged for a step <= 0."""
    if step <= 0:
        return time
    return time - (time + GO_ZERO_TO_UNIX_NS) % step


def go_round(time: int, step: int) -> int:
    """`time` (ns) to the nearest multiple of `step` since Go's zero time, halves up (Go's
    Time.Round, used by every `.tolerance()` and `.round()`); unchanged for a step <= 0."""
    if step <= 0:
        return time
    remainder = (time + GO_ZERO_TO_UNIX_NS) % step
    if remainder + remainder < step:
        return time - remainder
    return time + step - remainder
