"""`|changeDetect('f', ...)`: passes a point only when one of the fields differs from the last
point passed in its group (Kapacitor's change_detect.go).

The first point of a group always passes. Values of different types differ (1 and 1.0 are not the
same value, as in Go). A point lacking one of the fields is reported, and that field is skipped
in the comparison. On a batch edge each batch is compared within itself, its first point passing.
"""

from __future__ import annotations

from tickpy.data.batch import Batch
from tickpy.data.point import Point
from tickpy.pipeline.nodes.reporting import ReportingNode

_MISSING = object()


class ChangeDetectNode(ReportingNode):
    kind = "changeDetect"

    def __init__(self, node_id: str, fields: list[str]):
        super().__init__(node_id)
        self.fields = fields
        self._previous: dict[str, Point] = {}  # group -> last point passed

    def _changed(self, previous: Point | None, point: Point) -> bool:
        before = previous.fields if previous is not None else {}
        for name in self.fields:
            if name not in point.fields:
                self.report(f"Invalid field in change detect: expected field {name} not found")
                continue
            value = point.fields[name]
            old = before.get(name, _MISSING)
            if type(old) is not type(value) or old != value:
                return True
        return False

    def point(self, point: Point) -> None:
        self.points_in += 1
        if self._changed(self._previous.get(point.group), point):
            self._previous[point.group] = point
            self.emit(point)

    def batch(self, batch: Batch) -> None:
        self.points_in += 1
        previous = None
        kept = []
        for point in batch.points:
            if self._changed(previous, point):
                previous = point
                kept.append(point)
        self.emit_batch(batch.with_points(kept))
