"""`|combine(lambdas...)`: every combination of the points of one group at one time, as single
points (Kapacitor's combine.go).

Points of a group are collected while their time (rounded to `.tolerance()`) stays the same; when
a later time arrives, the collected points are combined: for each combination of as many points as
there are lambdas (in the order the points came, n choose k), the first lambda picks the first
point of the combination it matches, the second lambda the first remaining point it matches, and
so on. A combination where every lambda found a point becomes one point: each point's fields and
tags prefixed with its `.as()` name and the delimiter, except the group's own tags, which keep their
name. The last time of the data is never combined, because no later point closes it — as in
Kapacitor, which combines a time only when the next one begins.

More than `.max()` combinations (default 1,000,000) is an error, as in Kapacitor. There the error
fails the node and so stops the task (combine.go returns it from the receiver); a replay counts it
on the node, combines nothing for that time, and goes on, as it does for an alert template that
fails.
"""

from __future__ import annotations

from itertools import combinations
from math import comb

from tickpy.data.batch import Batch
from tickpy.data.point import Point
from tickpy.data.values import go_round
from tickpy.pipeline.grouping import group_tags
from tickpy.pipeline.node import Node

DEFAULT_MAX_COMBINATIONS = 1_000_000


class CombineNode(Node):
    kind = "combine"

    def __init__(self, node_id: str, predicates: list, names: list[str], delimiter: str = ".",
                 tolerance: int = 0, max_combinations: int = DEFAULT_MAX_COMBINATIONS):
        super().__init__(node_id)
        self.predicates = predicates
        self.names = names
        self.delimiter = delimiter
        self.tolerance = tolerance
        self.max_combinations = max_combinations
        self._buffers: dict[str, _Buffer] = {}

    def point(self, point: Point) -> None:
        self.points_in += 1
        buffer = self._buffers.get(point.group)
        if buffer is None:
            buffer = self._buffers[point.group] = _Buffer(point.name, point.time, group_tags(point))
        self._add(buffer, point)

    def batch(self, batch: Batch) -> None:
        """A batch is combined on its own: its points by time, the last time when it ends."""
        self.points_in += 1
        buffer = self._buffers.get(batch.group)
        if buffer is None:
            buffer = self._buffers[batch.group] = _Buffer(batch.name, None, dict(batch.tags))
        buffer.name = batch.name
        buffer.time = None
        for point in batch.points:
            self._add(buffer, point)
        self._combine(buffer, batch.group)
        buffer.points = []

    def _add(self, buffer: "_Buffer", point: Point) -> None:
        time = go_round(point.time, self.tolerance)
        if time == buffer.time:
            buffer.points.append(point)
            return
        self._combine(buffer, point.group)
        buffer.time = time
        buffer.points = [point]

    def _combine(self, buffer: "_Buffer", group: str) -> None:
        points = buffer.points
        if not points:
            return
        wanted = len(self.predicates)
        count = comb(len(points), wanted) if len(points) >= wanted else 0
        if count > self.max_combinations:
            self.count_error(f"refusing to perform combination as total combinations {count} "
                             f"exceeds max combinations {self.max_combinations}")
            return
        matches = [[self._matches(predicate, point) for point in points] for predicate in self.predicates]
        for indices in combinations(range(len(points)), wanted):
            chosen = self._choose(list(indices), matches)
            if chosen is not None:
                self.emit(self._merge([points[i] for i in chosen], buffer, group))

    def _matches(self, predicate, point: Point) -> bool:
        try:
            return predicate(point) is True
        except Exception as error:  # Kapacitor logs it and counts the point as not matching
            self.count_error(f"error evaluating lambda expression: {error}")
            return False

    @staticmethod
    def _choose(remaining: list[int], matches: list[list[bool]]) -> list[int] | None:
        """For each lambda in turn, the first remaining point of the combination it matches."""
        chosen = []
        for matched in matches:
            index = next((i for i in remaining if matched[i]), None)
            if index is None:
                return None
            remaining.remove(index)
            chosen.append(index)
        return chosen

    def _merge(self, points: list[Point], buffer: "_Buffer", group: str) -> Point:
        fields = {}
        tags = {}
        for name, point in zip(self.names, points):
            prefix = name + self.delimiter
            for field, value in point.fields.items():
                fields[prefix + field] = value
            for tag, value in point.tags.items():
                tags[tag if tag in buffer.dimensions else prefix + tag] = value
        time = go_round(points[0].time, self.tolerance)
        return Point(buffer.name, tags, fields, time, "", "", points[0].line, group)


class _Buffer:
    """The points of one group waiting for their time to end."""

    def __init__(self, name: str, time: int | None, dimensions: dict[str, str]):
        self.name = name
        self.time = time
        self.dimensions = set(dimensions)
        self.points: list[Point] = []
