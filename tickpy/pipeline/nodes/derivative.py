"""`|derivative('field')`: the rate of change of a field between a point and the previous one of
its group (Kapacitor's derivative.go, its own node, not the InfluxQL function).

The output point is the current point with one more field, `.as()` (by default the field's own
name, which the rate then replaces): (current - previous) / (elapsed / unit), unit 1s unless
`.unit()` says otherwise. Rules, as Kapacitor's:

- the first point of a group only becomes the previous one; nothing is emitted for it;
- a point whose field is missing or not a number (int or float) is reported and skipped, and the
  previous point stays;
- two points at the same time: reported, not emitted, the newer becomes the previous one;
- `.nonNegative()`: a decrease is not emitted (the point still becomes the previous one).

On a batch edge each batch is worked on alone: the first point of a batch has no previous one.
"""

from __future__ import annotations

from tickpy.data.point import Point, Unsigned
from tickpy.expr.types import go_field_type_name
from tickpy.pipeline.nodes.ieee import divide
from tickpy.pipeline.nodes.reporting import ReportingNode

SECOND = 1_000_000_000


def number(value) -> float | None:
    """The field as a float if Kapacitor's derivative takes it (int64 or float64), else None."""
    if type(value) is float or (type(value) is int and not isinstance(value, Unsigned)):
        return float(value)
    return None


class DerivativeNode(ReportingNode):
    kind = "derivative"

    def __init__(self, node_id: str, field: str, unit: int = SECOND, non_negative: bool = False,
                 as_name: str | None = None):
        super().__init__(node_id)
        self.field = field
        self.unit = unit
        self.non_negative = non_negative
        self.as_name = as_name or field
        self._previous: dict[str, Point] = {}  # group -> last point whose field was a number

    def point(self, point: Point) -> None:
        self.points_in += 1
        result, becomes_previous = self._derive(point, self._previous.get(point.group))
        if becomes_previous:
            self._previous[point.group] = point
        if result is not None:
            self.emit(result)

    def batch(self, batch) -> None:
        self.points_in += 1
        previous = None
        emitted = []
        for point in batch.points:
            result, becomes_previous = self._derive(point, previous)
            if becomes_previous:
                previous = point
            if result is not None:
                emitted.append(result)
        self.emit_batch(batch.with_points(emitted))

    def _derive(self, point: Point, previous: Point | None) -> tuple[Point | None, bool]:
        """The point to emit (or None) and whether `point` becomes the previous one."""
        value = point.fields.get(self.field)
        current = number(value)
        if current is None:
            self.report(f"cannot perform derivative: field is the wrong type "
                        f"(field {self.field}, type {go_field_type_name(value)})")
            return None, False
        if previous is None:
            return None, True
        elapsed = point.time - previous.time
        if elapsed == 0:
            # Kapacitor's log text, spelling included
            self.report("cannot perform derivative: elaspsed time was 0")
            return None, True
        difference = current - number(previous.fields[self.field])
        if self.non_negative and difference < 0:
            return None, True
        fields = dict(point.fields)
        fields[self.as_name] = divide(difference, divide(float(elapsed), self.unit))
        return Point(point.name, point.tags, fields, point.time, point.database,
                     point.retention_policy, point.line, point.group), True
