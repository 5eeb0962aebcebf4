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
