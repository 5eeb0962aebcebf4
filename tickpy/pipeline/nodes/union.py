"""`a|union(b, c...)`: the data of several parents as one stream, in time order (Kapacitor's
union.go), optionally renamed with `.rename()`.

Union does not transform anything; it only orders. Each parent's points wait in a queue; once
every parent has sent something, everything up to the oldest time any parent has reached (its low
mark) goes out, parent by parent in the order of the parents. At the end of the data the queues
are drained. A renamed point of a group formed by measurement changes group with its name, as
Kapacitor recomputes the group id. The parents are numbered as Kapacitor links them: the nodes named in `union(...)`
first, the node `union` was chained from last.
"""

from __future__ import annotations

from collections import deque

from tickpy.data.batch import Batch
from tickpy.data.point import Point
from tickpy.pipeline.grouping import renamed_group
from tickpy.pipeline.node import Node


class UnionNode(Node):
    kind = "union"

    def __init__(self, node_id: str, parent_count: int, rename: str = ""):
        super().__init__(node_id)
        self.rename = rename
        self._queues: list[deque] = [deque() for _ in range(parent_count)]
        self._low_marks: list[int | None] = [None] * parent_count  # None: nothing seen yet

    def point_from(self, index: int, point: Point) -> None:
        self.points_in += 1
        if self.rename:
            point = Point(self.rename, point.tags, point.fields, point.time, point.database,
                          point.retention_policy, point.line, renamed_group(point, self.rename))
        self._queues[index].append(point)
        self._emit_ready(drain=False)

    def batch_from(self, index: int, batch: Batch) -> None:
        self.points_in += 1
        if self.rename:
            group = renamed_group(batch, self.rename)
            batch = Batch(self.rename, group, batch.tags, batch.time,
                          [Point(self.rename, p.tags, p.fields, p.time, p.database,
                                 p.retention_policy, p.line, group) for p in batch.points],
                          batch.database, batch.retention_policy)
        self._queues[index].append(batch)
        self._emit_ready(drain=False)

    def finish(self) -> None:
        self._emit_ready(drain=True)

    def _emit_ready(self, drain: bool) -> None:
        emitted = True
        while emitted:
            emitted = False
            mark = self._mark(drain)
            if mark is None:
                return
            for queue in self._queues:
                while queue and queue[0].time <= mark:
                    item = queue.popleft()
                    if isinstance(item, Batch):
                        self.emit_batch(item)
                    else:
                        self.emit(item)
                    emitted = True

    def _mark(self, drain: bool) -> int | None:
        """The time up to which everything can go out, or None to wait for more data. While not
        draining, that is the lowest of every parent's low mark, and every parent must have sent
        something; when draining, it is the oldest queued time."""
        mark = None
        seen = 0
        for index, queue in enumerate(self._queues):
            if queue:
                head = queue[0].time
                if mark is None or head < mark:
                    mark = head
                self._low_marks[index] = head
            low = self._low_marks[index]
            if low is not None:
                seen += 1
                if not drain and (mark is None or low < mark):
                    mark = low
        if not drain and seen != len(self._queues):
            return None
        return mark
