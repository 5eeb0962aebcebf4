"""`|sample(n)` or `|sample(duration)`: keeps a sample of the points (Kapacitor's sample.go).

`sample(4)` keeps the 1st, 5th, 9th... point of each group; `sample(10s)` keeps the points whose
time is a whole multiple of 10s (counted, as Go's time.Truncate counts, from Go's zero time, which
for the usual durations is the same as from the Unix epoch). On a batch edge the points of each
batch are sampled, the count starting again with each batch.
"""

from __future__ import annotations

from tickpy.data.batch import Batch
from tickpy.data.point import Point
from tickpy.data.values import go_truncate
from tickpy.pipeline.node import Node


class SampleNode(Node):
    kind = "sample"

    def __init__(self, node_id: str, count: int = 0, duration: int = 0):
        super().__init__(node_id)
        self.count = count
        self.duration = duration
        self._counts: dict[str, int] = {}  # group -> points seen

    def _keep(self, seen: int, time: int) -> bool:
        if self.duration < 0:
            return True  # Go's Truncate leaves a time as it is for a negative duration
        if self.duration:
            return go_truncate(time, self.duration) == time
        return seen % self.count == 0

    def point(self, point: Point) -> None:
        self.points_in += 1
        seen = self._counts.get(point.group, 0)
        self._counts[point.group] = seen + 1
        if self._keep(seen, point.time):
            self.emit(point)

    def batch(self, batch: Batch) -> None:
        self.points_in += 1
        kept = [point for seen, point in enumerate(batch.points) if self._keep(seen, point.time)]
        self.emit_batch(batch.with_points(kept))
