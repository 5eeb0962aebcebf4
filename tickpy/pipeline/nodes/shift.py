"""`|shift(5m)` / `|shift(-10s)`: moves points, or batches and their points, in time
(Kapacitor's shift.go). Typically used to compare a window with the one before it via a join."""

from __future__ import annotations

from tickpy.data.batch import Batch
from tickpy.data.point import Point
from tickpy.pipeline.node import Node


class ShiftNode(Node):
    kind = "shift"

    def __init__(self, node_id: str, shift: int):
        super().__init__(node_id)
        self.shift = shift

    def _shifted(self, point: Point) -> Point:
        moved = point.regrouped(point.group)  # shares tags and fields, which are not changed
        moved.time = point.time + self.shift
        return moved

    def point(self, point: Point) -> None:
        self.points_in += 1
        self.emit(self._shifted(point))

    def batch(self, batch: Batch) -> None:
        self.points_in += 1
        self.emit_batch(Batch(batch.name, batch.group, batch.tags, batch.time + self.shift,
                              [self._shifted(point) for point in batch.points],
                              batch.database, batch.retention_policy))
