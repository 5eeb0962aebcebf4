"""`|stateDuration(lambda)` and `|stateCount(lambda)`: how long, or for how many consecutive
points, a group has been in the state the lambda describes (Kapacitor's state_tracking.go).

Each point gets one more field (`.as()`, by default `state_duration` / `state_count`):

- stateDuration: time since the first point of the current run of true points, in `.unit()`
  (default 1s), as a float: 0 on the first point of a run; -1 when the lambda is false;
- stateCount: the number of points of the current run (1 on the first), -1 when false.

A point whose lambda fails to evaluate (a missing field, a type error) is reported and dropped;
the run it was in goes on. On a batch edge each batch starts with no run. A lambda that calls a
stateful function (sigma, count, spread) keeps that function's state per group.
"""

from __future__ import annotations

from tickpy.data.batch import Batch
from tickpy.data.point import Point
from tickpy.pipeline.nodes.ieee import divide
from tickpy.pipeline.nodes.reporting import ReportingNode

SECOND = 1_000_000_000


class DurationTracker:
    """Run length in time: float units since the run's first point, -1.0 outside a run."""

    def __init__(self, unit: int):
        self.unit = unit
        self.start: int | None = None

    def reset(self) -> None:
        self.start = None

    def track(self, time: int, in_state: bool) -> float:
        if not in_state:
            self.start = None
            return -1.0
        if self.start is None:
            self.start = time
        return divide(float(time - self.start), self.unit)


class CountTracker:
    """Run length in points: 1, 2, 3... inside a run, -1 outside."""

    def __init__(self):
        self.count = 0

    def reset(self) -> None:
        self.count = 0

    def track(self, time: int, in_state: bool) -> int:
        if not in_state:
            self.count = 0
            return -1
        self.count += 1
        return self.count


class StateTrackingNode(ReportingNode):
    """The node behind both: `new_tracker()` makes one tracker per group."""

    def __init__(self, node_id: str, kind: str, predicate, as_name: str, new_tracker):
        super().__init__(node_id)
        self.kind = kind
        self.predicate = predicate  # a compiled lambda (tickpy/expr/compile.py)
        self.as_name = as_name
        self.new_tracker = new_tracker
        self._groups: dict[str, tuple] = {}  # group -> (lambda, tracker)

    def _group(self, group: str) -> tuple:
        state = self._groups.get(group)
        if state is None:
            evaluate = self.predicate.fresh() if self.predicate.stateful else self.predicate
            state = self._groups[group] = (evaluate, self.new_tracker())
        return state

    def _track(self, point: Point, evaluate, tracker) -> Point | None:
        try:
            in_state = evaluate.predicate(point)
        except Exception as error:
            self.report(f"error while evaluating expression: {error}")
            return None
        fields = dict(point.fields)
        fields[self.as_name] = tracker.track(point.time, in_state)
        return Point(point.name, point.tags, fields, point.time, point.database,
                     point.retention_policy, point.line, point.group)

    def point(self, point: Point) -> None:
        self.points_in += 1
        evaluate, tracker = self._group(point.group)
        result = self._track(point, evaluate, tracker)
        if result is not None:
            self.emit(result)

    def batch(self, batch: Batch) -> None:
        self.points_in += 1
        evaluate, tracker = self._group(batch.group)
        tracker.reset()
        tracked = [self._track(point, evaluate, tracker) for point in batch.points]
        self.emit_batch(batch.with_points([point for point in tracked if point is not None]))


def state_duration_node(node_id: str, predicate, as_name: str = "state_duration",
                        unit: int = SECOND) -> StateTrackingNode:
    return StateTrackingNode(node_id, "state_duration", predicate, as_name,
                             lambda: DurationTracker(unit))


def state_count_node(node_id: str, predicate, as_name: str = "state_count") -> StateTrackingNode:
    return StateTrackingNode(node_id, "state_count", predicate, as_name, CountTracker)
