"""`|flatten()`: the points of one group at one time as a single point, field names carrying the
values of the `.on()` tags (Kapacitor's flatten.go).

A point tagged `service=auth,host=server01` with field `value` becomes field
`auth.server01.value` (or `auth.server01` with `.dropOriginalFieldName()`). Points are collected
per group while their time, rounded to `.tolerance()`, stays the same; a later time sends the
collected ones out as one point with the group's tags and the measurement of the group's first
point. On a stream the last time of the data stays unsent, as in Kapacitor (only a later point
closes a time); a batch is flattened point by point and its last time goes out when it ends.
A point lacking one of the `.on()` tags is left out and counted as an error. (Kapacitor's flatten.go
leaves the tag values it had already written for such a point in its name buffer: with two or
more `.on()` tags, the next point of the same time gets names starting with them (`a`, then
`ab.x.value`), and a leftover from the time's last point goes back to a sync.Pool with the
buffer, so where it lands next is not fixed. tickpy copies neither slip.)
"""

from __future__ import annotations

from tickpy.data.batch import Batch
from tickpy.data.point import Point
from tickpy.data.values import go_round
from tickpy.pipeline.grouping import group_tags
from tickpy.pipeline.node import Node


class FlattenNode(Node):
    kind = "flatten"

    def __init__(self, node_id: str, on: list[str], delimiter: str = ".", tolerance: int = 0,
                 drop_original_field_name: bool = False):
        super().__init__(node_id)
        self.on = on
        self.delimiter = delimiter
        self.tolerance = tolerance
        self.drop_original_field_name = drop_original_field_name
        self._buffers: dict[str, _Buffer] = {}

    def point(self, point: Point) -> None:
        self.points_in += 1
        time = go_round(point.time, self.tolerance)
        buffer = self._buffers.get(point.group)
        if buffer is None:
            buffer = self._buffers[point.group] = _Buffer(point.name, time, group_tags(point))
        done = self._add(buffer, point, time)
        if done is not None and done[1]:
            done_time, fields = done
            self.emit(Point(buffer.name, buffer.tags, fields, done_time, "", "", point.line, point.group))
            buffer.time = max(buffer.time, done_time)

    def batch(self, batch: Batch) -> None:
        self.points_in += 1
        buffer = self._buffers.get(batch.group)
        if buffer is None:
            buffer = self._buffers[batch.group] = _Buffer(batch.name, None, dict(batch.tags))
        buffer.name = batch.name
        buffer.time = None
        points = []
        for point in batch.points:
            done = self._add(buffer, point, go_round(point.time, self.tolerance))
            if done is not None and done[1]:
                points.append(Point(batch.name, dict(batch.tags), done[1], done[0], "", "", 0, batch.group))
        if buffer.points:
            points.append(Point(batch.name, dict(batch.tags), self._flatten(buffer.points), buffer.time,
                                "", "", 0, batch.group))
            buffer.points = []
        self.emit_batch(batch.with_points(points))

    def _add(self, buffer: "_Buffer", point: Point, time: int) -> tuple[int, dict] | None:
        """Collect the point; when it starts a new time, the previous time and its fields (if
        that time had points)."""
        done = None
        if time != buffer.time:
            if buffer.points:
                done = (buffer.time, self._flatten(buffer.points))
                buffer.points = []
            buffer.time = time
        buffer.points.append(point)
        return done

    def _flatten(self, points: list[Point]) -> dict:
        fields = {}
        for point in points:
            values = []
            for tag in self.on:
                if tag not in point.tags:
                    self.count_error(f"point missing tag for flatten operation: tag {tag} is missing from point")
                    break
                values.append(point.tags[tag])
            else:
                prefix = self.delimiter.join(values)
                for field, value in point.fields.items():
                    if self.drop_original_field_name:
                        fields[prefix] = value
                    else:
                        fields[prefix + self.delimiter + field if prefix else field] = value
        return fields


class _Buffer:
    """The points of one group waiting for their time to end."""

    def __init__(self, name: str, time: int | None, tags: dict[str, str]):
        self.name = name
        self.time = time
        self.tags = tags
        self.points: list[Point] = []
