"""`|window()`: turns a stream of points into batches, one window per group (Kapacitor's window.go).

Two kinds of window, chosen by the properties:

- **By time** (`.period(d)`, `.every(d)`). Each group keeps its own clock, started by the group's
  first point `t`: the first window is emitted at `t + every` (with `.align()`, that instant rounded
  down to a multiple of `every`; with `.fillPeriod()`, at `t + period`, then rounded *up* to a
  multiple of `every` when aligned). A window is emitted when a point *of the same group* arrives
  at or after the emit time; that point is not in it. The batch holds the points in
  `[emit - period, emit)` and its time is the emit time. The next emit time is that point's time
  plus `every` (aligned if asked), so a quiet spell skips windows rather than emitting empty ones.
  With `every` 0 a window is emitted on every point, holding the points in `(t - period, t]`.
- **By count** (`.periodCount(n)`, `.everyCount(m)`): the last `n` points, emitted every `m`-th
  point of the group (the first time after `n` points with `.fillPeriod()`); the batch's time is
  its last point's time.

Windows are driven by points only, as in Kapacitor: time passing without points of a group emits
nothing for it, and a window still open when the data ends is never emitted.

A shortcut with the same results: when windows do not overlap (`every` equal to `period`) and
the window's only child is an aggregate or selector (`|mean()`, `|max()`...), each point is
handed to the aggregate's reduction as it arrives instead of being held until the window closes
(`ReducingTimeWindow`). Such a window holds exactly the points that arrived since the previous
one, so nothing is lost, and a replay keeps no minute of points in memory.
"""

from __future__ import annotations

from collections import deque

from tickpy.data.batch import Batch
from tickpy.data.point import Point
from tickpy.data.values import go_truncate
from tickpy.pipeline.grouping import group_tags
from tickpy.pipeline.node import Node
from tickpy.pipeline.nodes.influxql import InfluxQLNode, ReducedBatch

NEVER = -(2**63) - 1  # earlier than any time: "no point can just be held"


class WindowNode(Node):
    kind = "window"

    def __init__(self, node_id: str, period: int = 0, every: int = 0, align: bool = False,
                 fill_period: bool = False, period_count: int = 0, every_count: int = 0):
        super().__init__(node_id)
        self.period = period
        self.every = every
        self.align = align
        self.fill_period = fill_period
        self.period_count = period_count
        self.every_count = every_count
        self._windows: dict[str, TimeWindow | CountWindow] = {}

    def point(self, point: Point) -> None:
        self.points_in += 1
        window = self._windows.get(point.group)
        if window is None:
            window = self._windows[point.group] = self._new_window(point)
        if point.time < window.hold_until:
            window.points.append(point)  # the common case, inline: the window is not due yet
            return
        batch = window.add(point)
        if batch is not None:
            self.emit_batch(batch)

    def batch(self, batch: Batch) -> None:
        self.points_in += 1
        self.count_error("window does not support batch data")

    def _new_window(self, first: Point):
        if self.period:
            aggregate = self._reducing_child()
            if aggregate is not None:
                return ReducingTimeWindow(first, self.period, self.every, self.align,
                                          self.fill_period, aggregate)
            return TimeWindow(first, self.period, self.every, self.align, self.fill_period)
        return CountWindow(first, self.period_count, self.every_count, self.fill_period)

    def _reducing_child(self) -> InfluxQLNode | None:
        """The aggregate that can reduce this window's points as they arrive, if any: the only
        child, and windows that hold exactly the points since the previous one (every equal to
        period; not fillPeriod with align, whose first window drops points)."""
        if len(self.children) != 1 or not isinstance(self.children[0], InfluxQLNode):
            return None
        if self.every != self.period or (self.fill_period and self.align):
            return None
        child = self.children[0]
        return child if child.reduces_batches else None


class TimeWindow:
    """The window of one group, by time. `points` are kept in arrival order; a point before
    `hold_until` only needs appending (the replay's fast path)."""

    __slots__ = ("name", "group", "tags", "database", "retention_policy", "period", "every",
                 "align", "next_emit", "hold_until", "points")

    def __init__(self, first: Point, period: int, every: int, align: bool, fill_period: bool):
        self.name = first.name
        self.group = first.group
        self.tags = group_tags(first)
        self.database = first.database
        self.retention_policy = first.retention_policy
        self.period = period
        self.every = every
        self.align = align
        # every 0: a window per point, from a deque losing its oldest points one by one.
        self.points: list[Point] | deque[Point] = deque() if every == 0 else []
        if fill_period:
            next_emit = first.time + period
            if align:
                # Aligned with every, and strictly after the first full period: the points before
                # the first aligned window are dropped.
                aligned = go_truncate(next_emit, every)
                next_emit = aligned if aligned > next_emit else aligned + every
        else:
            next_emit = first.time + every
            if align:
                next_emit = go_truncate(next_emit, every)
        self._set_next_emit(next_emit)

    def _set_next_emit(self, next_emit: int) -> None:
        self.next_emit = next_emit
        self.hold_until = next_emit if self.every else NEVER

    def add(self, point: Point) -> Batch | None:
        """Take `point`; the window to emit, if this point closes one."""
        time = point.time
        if self.every == 0:
            points = self.points
            points.append(point)
            if time < self.next_emit:
                return None
            oldest = time - self.period  # (oldest, time]
            while points and points[0].time <= oldest:
                points.popleft()
            self._set_next_emit(time)
            return self._batch(time, list(points))
        if time < self.next_emit:
            self.points.append(point)
            return None
        emit_time = self.next_emit
        kept = self._kept(emit_time - self.period)  # [oldest, emit)
        next_emit = time + self.every
        self._set_next_emit(go_truncate(next_emit, self.every) if self.align else next_emit)
        if self.every >= self.period:
            # Windows do not overlap: every point held now is dropped before the next emit, so
            # the batch can take the list itself and the window starts a new one.
            self.points = [point]
            return self._batch(emit_time, kept)
        self.points = kept
        batch = self._batch(emit_time, list(kept))
        kept.append(point)
        return batch

    def _kept(self, oldest: int) -> list[Point]:
        """The points left once those before `oldest` are dropped from the front: the scan stops
        at the first point still in the window (a late point behind it stays, as in Kapacitor)."""
        points = self.points
        if not points or points[0].time >= oldest:
            return points
        index = 1
        count = len(points)
        while index < count and points[index].time < oldest:
            index += 1
        return points[index:]

    def _batch(self, time: int, points: list[Point]) -> Batch:
        return Batch(self.name, self.group, self.tags, time, points, self.database,
                     self.retention_policy)


class ReducingTimeWindow(TimeWindow):
    """A non-overlapping time window whose points go straight into its aggregate's reduction
    (`points` is a BatchReduction, which takes points like a list)."""

    __slots__ = ("aggregate",)

    def __init__(self, first: Point, period: int, every: int, align: bool, fill_period: bool,
                 aggregate: InfluxQLNode):
        super().__init__(first, period, every, align, fill_period)
        self.aggregate = aggregate
        self.points = aggregate.new_reduction()

    def add(self, point: Point) -> Batch | None:
        time = point.time
        if time < self.next_emit:
            self.points.append(point)
            return None
        batch = ReducedBatch(self.name, self.group, self.tags, self.next_emit, self.points)
        next_emit = time + self.every
        self._set_next_emit(go_truncate(next_emit, self.every) if self.align else next_emit)
        self.points = self.aggregate.new_reduction()
        self.points.append(point)
        return batch


class CountWindow:
    """The window of one group, by number of points."""

    __slots__ = ("name", "group", "tags", "database", "retention_policy", "every", "next_emit",
                 "count", "points", "hold_until")

    def __init__(self, first: Point, period: int, every: int, fill_period: bool):
        self.name = first.name
        self.group = first.group
        self.tags = group_tags(first)
        self.database = first.database
        self.retention_policy = first.retention_policy
        self.every = every
        self.next_emit = period if fill_period else every
        self.count = 0
        self.points: deque[Point] = deque(maxlen=period)
        self.hold_until = NEVER  # every point counts

    def add(self, point: Point) -> Batch | None:
        self.points.append(point)
        self.count += 1
        if self.count != self.next_emit:
            return None
        self.next_emit += self.every
        points = list(self.points)
        return Batch(self.name, self.group, self.tags, points[-1].time, points, self.database,
                     self.retention_policy)
