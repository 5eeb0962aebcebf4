"""The InfluxQL functions' arithmetic: what `mean`, `top`, `difference`... compute from a run of
values (InfluxDB 1.x's query reducers, which Kapacitor's InfluxQL nodes use).

A reducer takes values one at a time (`add(value, point)`; the point gives the value's time and,
for selectors, the tags and fields the result carries) and `emit()` returns its results, each a
`Result(time, value, point)`:

- `time` is None where InfluxDB returns its "zero time" (aggregates): the node then uses the
  batch's time. Selectors return the selected point's time, which the node uses with
  `.usePointTimes()`.
- `point` is the point a selector picked (its tags and fields go with the result), else None.

Which reducer a function uses depends on the field's type (float, integer, string, boolean), as
in Kapacitor: `mean` of integers is a float, `sum` of integers an integer, `count` always an
integer. The quirks of InfluxDB's reducers are kept where they show in results (ties, a `sum`
whose time is the Unix epoch, `mode`'s choice between equally frequent values...).
"""

from __future__ import annotations

import math
import sys
from functools import reduce
from operator import add
from typing import NamedTuple


def go_sum(values, start):
    """`start` plus the values, added one by one left to right as Go adds them. Python's sum()
    does exactly that before 3.12; from 3.12 it compensates float rounding, which Go does not."""
    if _PLAIN_SUM:
        return sum(values, start)
    return reduce(add, values, start)


_PLAIN_SUM = sys.version_info < (3, 12)


class Result(NamedTuple):
    time: int | None
    value: object
    point: object = None


# --------------------------------------------------------------------------------------------
# Aggregates: one value from all


class CountReducer:
    def __init__(self):
        self.count = 0
        self.time = 0  # InfluxDB starts count from a point at time 0; the first value clears it

    def add(self, value, point):
        self.count += 1
        self.time = None

    def extend(self, values, points):
        if values:
            self.count += len(values)
            self.time = None

    def emit(self):
        return [Result(self.time, self.count)]


class SumReducer:
    """The sum; InfluxDB starts it from a point at time 0 that keeps its time, so a sum's own time
    is the Unix epoch (it shows with `.usePointTimes()`)."""

    def __init__(self, zero):
        self.total = zero

    def add(self, value, point):
        self.total += value

    def extend(self, values, points):
        self.total = go_sum(values, self.total)

    def emit(self):
        return [Result(0, self.total)]


class MeanReducer:
    def __init__(self):
        self.total = 0
        self.count = 0

    def add(self, value, point):
        self.total += value
        self.count += 1

    def extend(self, values, points):
        self.total = go_sum(values, self.total)
        self.count += len(values)

    def emit(self):
        return [Result(None, float(self.total) / float(self.count))]


class SpreadReducer:
    def __init__(self, integer: bool):
        self.integer = integer
        self.low = math.inf
        self.high = -math.inf

    def add(self, value, point):
        if self.integer:
            self.low = value if value < self.low else self.low
            self.high = value if value > self.high else self.high
        else:
            self.low = _go_min(self.low, value)
            self.high = _go_max(self.high, value)

    def extend(self, values, points):
        for value in values:
            self.add(value, None)

    def emit(self):
        return [Result(None, self.high - self.low)]


def _go_min(a: float, b: float) -> float:
    if math.isnan(a) or math.isnan(b):
        return math.nan
    return b if b < a else a


def _go_max(a: float, b: float) -> float:
    if math.isnan(a) or math.isnan(b):
        return math.nan
    return b if b > a else a


class SliceReducer:
    """Keeps every value, then computes from all of them (median, mode, stddev, percentile)."""

    def __init__(self, function):
        self.function = function
        self.values: list = []
        self.points: list = []

    def add(self, value, point):
        self.values.append(value)
        self.points.append(point)

    def extend(self, values, points):
        self.values.extend(values)
        self.points.extend(points)

    def emit(self):
        return self.function(self.values, self.points)


def _by_value(values: list, points: list) -> list[tuple]:
    # Stable where InfluxDB's sort is not: among equal values, arrival order.
    return sorted(zip(values, points), key=lambda pair: pair[0])


def median_float(values, points):
    if len(values) == 1:
        return [Result(points[0].time, values[0])]  # InfluxDB returns the point itself
    ordered = _by_value(values, points)
    middle = len(ordered) // 2
    if len(ordered) % 2 == 0:
        low, high = ordered[middle - 1][0], ordered[middle][0]
        return [Result(None, low + (high - low) / 2)]
    return [Result(None, ordered[middle][0])]


def median_integer(values, points):
    if len(values) == 1:
        return [Result(None, float(values[0]))]
    ordered = _by_value(values, points)
    middle = len(ordered) // 2
    if len(ordered) % 2 == 0:
        low, high = ordered[middle - 1][0], ordered[middle][0]
        return [Result(None, float(low) + float(high - low) / 2)]
    return [Result(None, float(ordered[middle][0]))]


def mode(values, points):
    """The most frequent value; between equally frequent values InfluxDB's scan keeps the one
    met first in value order unless a later run started at an earlier time."""
    if len(values) == 1:
        return [Result(points[0].time, values[0])]
    ordered = _by_value(values, points)
    most_count = 0
    run_count = 0
    run_value, run_time = ordered[0][0], ordered[0][1].time
    most_value, most_time = run_value, run_time
    for value, point in ordered:
        if value != run_value:
            run_count = 1
            run_value, run_time = value, point.time
            continue
        run_count += 1
        if most_count > run_count or (most_count == run_count and run_time > most_time):
            continue
        most_count, most_value, most_time = run_count, value, point.time
    return [Result(None, most_value)]


def stddev(values, points):
    """Sample standard deviation; NaN for fewer than two values (NaN values are skipped)."""
    if len(values) < 2:
        return [Result(None, math.nan)]
    mean = 0.0
    count = 0
    for value in values:
        if value != value:
            continue
        count += 1
        mean += (float(value) - mean) / count
    variance = 0.0
    for value in values:
        if value != value:
            continue
        deviation = float(value) - mean
        variance += deviation * deviation
    return [Result(None, math.sqrt(variance / (count - 1)))]


def percentile(share: float):
    """A selector: the value at the given percentile, nearest rank, no interpolation; nothing
    when the rank falls outside the values."""

    def select(values, points):
        index = int(math.floor(len(values) * share / 100.0 + 0.5)) - 1
        if index < 0 or index >= len(values):
            return []
        value, point = _by_value(values, points)[index]
        return [Result(point.time, value, point)]

    return select


# --------------------------------------------------------------------------------------------
# Selectors: one point from all


class SelectorReducer:
    """first, last, min, max: keeps the point `better(new, kept)` prefers."""

    def __init__(self, better):
        self.better = better
        self.kept = None  # (value, time, point)

    def add(self, value, point):
        kept = self.kept
        if kept is None or self.better(value, point.time, kept[0], kept[1]):
            self.kept = (value, point.time, point)

    def extend(self, values, points):
        for value, point in zip(values, points):
            self.add(value, point)

    def emit(self):
        value, time, point = self.kept
        return [Result(time, value, point)]


def first_better(value, time, kept_value, kept_time):
    return time < kept_time or (time == kept_time and value > kept_value)


def first_better_boolean(value, time, kept_value, kept_time):
    return time < kept_time or (time == kept_time and not value and kept_value)


def last_better(value, time, kept_value, kept_time):
    return time > kept_time or (time == kept_time and value > kept_value)


def last_better_boolean(value, time, kept_value, kept_time):
    return time > kept_time or (time == kept_time and value and not kept_value)


def min_better(value, time, kept_value, kept_time):
    return value < kept_value or (value == kept_value and time < kept_time)


def max_better(value, time, kept_value, kept_time):
    return value > kept_value or (value == kept_value and time < kept_time)


class DistinctReducer:
    """Each value once, with the time it was first seen, in time order (then value order)."""

    def __init__(self):
        self.seen: dict = {}

    def add(self, value, point):
        if value not in self.seen:
            self.seen[value] = point.time

    def extend(self, values, points):
        for value, point in zip(values, points):
            self.add(value, point)

    def emit(self):
        ordered = sorted(self.seen.items(), key=lambda item: (item[1], item[0]))
        return [Result(time, value) for value, time in ordered]


class TopBottomReducer:
    """The `count` largest (top) or smallest (bottom) values, each with its point; the earlier
    point wins a tie. Emitted best first."""

    def __init__(self, count: int, top: bool):
        self.count = count
        self.top = top
        self.kept: list = []

    def add(self, value, point):
        self.kept.append((value, point))

    def extend(self, values, points):
        self.kept.extend(zip(values, points))

    def emit(self):
        if self.top:
            ordered = sorted(self.kept, key=lambda pair: (-pair[0], pair[1].time))
        else:
            ordered = sorted(self.kept, key=lambda pair: (pair[0], pair[1].time))
        return [Result(point.time, value, point) for value, point in ordered[:self.count]]


# --------------------------------------------------------------------------------------------
# Transforms: a result per point, from the points before it


class DifferenceReducer:
    """The change since the previous point; a point at the same time as the previous one is
    ignored."""

    def __init__(self):
        self.previous = None  # (value, time) not yet used
        self.current = None

    def add(self, value, point):
        if self.current is not None and self.current[1] == point.time:
            return
        self.previous = self.current
        self.current = (value, point.time)

    def emit(self):
        if self.previous is None:
            return []
        value = self.current[0] - self.previous[0]
        self.previous = None
        return [Result(self.current[1], value)]


class ElapsedReducer:
    """The time since the previous point, in whole `unit`s (an integer)."""

    def __init__(self, unit: int):
        self.unit = unit
        self.previous_time = None
        self.current_time = None

    def add(self, value, point):
        self.previous_time = self.current_time
        self.current_time = point.time

    def emit(self):
        if self.previous_time is None:
            return []
        return [Result(self.current_time, _go_divide(self.current_time - self.previous_time, self.unit))]


def _go_divide(a: int, b: int) -> int:
    """Integer division truncating toward zero, as Go's."""
    quotient = abs(a) // abs(b)
    return quotient if (a >= 0) == (b >= 0) else -quotient


class MovingAverageReducer:
    """The mean of the last `size` values, once there are that many; a running sum, as InfluxDB
    keeps it (so float rounding follows its order of operations)."""

    def __init__(self, size: int, zero):
        self.size = size
        self.buffer: list = []
        self.position = 0
        self.total = zero
        self.time = 0

    def add(self, value, point):
        if len(self.buffer) != self.size:
            self.buffer.append(value)
        else:
            self.total -= self.buffer[self.position]
            self.buffer[self.position] = value
        self.total += value
        self.time = point.time
        self.position += 1
        if self.position >= self.size:
            self.position = 0

    def emit(self):
        if len(self.buffer) != self.size:
            return []
        return [Result(self.time, float(self.total) / float(len(self.buffer)))]


class CumulativeSumReducer:
    def __init__(self, zero):
        self.total = zero
        self.time = None

    def add(self, value, point):
        self.total += value
        self.time = point.time

    def emit(self):
        if self.time is None:
            return []
        return [Result(self.time, self.total)]
