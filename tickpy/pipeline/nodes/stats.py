"""`|stats(interval)`: every interval, a point per group with how many points a node has emitted
(Kapacitor's stats.go, which reads the counts of the watched node's first out edge).

Each point is named `stats`, carries the group's tags and one field, `emitted`: the number of
points the watched node has sent for that group since the task started (a batch counts as its
number of points). Before the watched node has sent anything there is one point for the empty
group with `emitted` 0.

Kapacitor ticks on the wall clock; tickpy ticks on the replay clock, so a tick happens when the
data's time passes it (any point of the data moves the clock, not only the watched ones). The
clock starts at the first point's time. Without `.align()` ticks fall every interval from there,
each stamped with its own time. With `.align()` the first tick waits for the next multiple of the
interval and is stamped with the start time rounded to the interval, as Kapacitor stamps it with
the moment it started waiting; later ticks fall on the multiples.

The watched node sends its points to an `EmittedCounter` (Kapacitor adds a `noop` child to a node
that has no child for the same reason): stats reads the counts from there.
"""

from __future__ import annotations

from tickpy.data.batch import Batch
from tickpy.data.point import Point
from tickpy.data.values import go_round, go_truncate
from tickpy.pipeline.grouping import group_tags, renamed_group
from tickpy.pipeline.node import Node


class EmittedCounter(Node):
    """Counts, per group, what the watched node emits (Kapacitor's per-group edge statistics)."""

    kind = "noop"

    def __init__(self, node_id: str):
        super().__init__(node_id)
        self.counts: dict[str, int] = {}
        self.firsts: dict = {}  # group -> its first point or batch (name and group tags)
        self.tags: dict[str, dict[str, str]] = {}

    def point(self, point: Point) -> None:
        self.points_in += 1
        group = point.group
        if group not in self.counts:
            self.counts[group] = 0
            self.firsts[group] = point
            self.tags[group] = group_tags(point)
        self.counts[group] += 1

    def batch(self, batch: Batch) -> None:
        self.points_in += 1
        group = batch.group
        if group not in self.counts:
            self.counts[group] = 0
            self.firsts[group] = batch
            self.tags[group] = dict(batch.tags)
        self.counts[group] += len(batch.points)


# Ticks one move of the replay clock may take a stats node through. Each tick sends points down
# the pipeline (a deadman alerts at every one), so a gap of decades, usually one timestamp written
# in another precision, would run for hours; more than this is refused instead.
MAX_TICKS_PER_CLOCK_MOVE = 10_000_000


class TooManyTicks(Exception):
    """The replay clock jumped further than a stats node can tick through (the replay says where)."""

    def __init__(self, node_id: str, interval: int, ticks: int):
        super().__init__(node_id, interval, ticks)
        self.node_id, self.interval, self.ticks = node_id, interval, ticks


class StatsNode(Node):
    kind = "stats"

    def __init__(self, node_id: str, interval: int, align: bool, counter: EmittedCounter):
        super().__init__(node_id)
        self.interval = interval
        self.align = align
        self.counter = counter
        self._next_tick: int | None = None  # replay time of the next tick
        self._first_stamp: int | None = None  # the aligned first tick's stamp, until it is used

    def advance(self, now: int) -> None:
        if self._next_tick is None:
            self._start(now)
        if now >= self._next_tick:
            ticks = (now - self._next_tick) // self.interval + 1
            if ticks > MAX_TICKS_PER_CLOCK_MOVE:
                raise TooManyTicks(self.id, self.interval, ticks)
        while self._next_tick <= now:
            stamp = self._next_tick
            if self.align:
                stamp = go_round(stamp, self.interval)
                if self._first_stamp is not None:
                    stamp, self._first_stamp = self._first_stamp, None
            self._next_tick += self.interval
            self._emit_stats(stamp)

    def _start(self, now: int) -> None:
        if self.align:
            self._next_tick = go_truncate(now, self.interval) + self.interval
            self._first_stamp = go_round(now, self.interval)
        else:
            self._next_tick = now + self.interval

    def _emit_stats(self, stamp: int) -> None:
        counts = self.counter.counts
        if not counts:
            self.emit(Point("stats", {}, {"emitted": 0}, stamp))
            return
        for group, count in counts.items():
            self.emit(Point("stats", dict(self.counter.tags[group]), {"emitted": count}, stamp,
                            group=renamed_group(self.counter.firsts[group], "stats")))
