"""`|from()`: selects the points of one measurement / database / retention policy, optionally
filtered by a lambda, truncated or rounded in time, and grouped (Kapacitor's FromNode).

A point failing the `where` lambda with an evaluation error (a value that is not a boolean
included, as Kapacitor's EvalBool refuses it) is dropped and counted, as Kapacitor logs "failed to
evaluate WHERE expression" and drops it.
"""

from __future__ import annotations

from tickpy.data.point import Point
from tickpy.data.values import go_round, go_truncate
from tickpy.pipeline.grouping import Grouping
from tickpy.pipeline.node import Node


class FromNode(Node):
    kind = "from"

    def __init__(self, node_id: str):
        super().__init__(node_id)
        self.measurement = ""
        self.database = ""
        self.retention_policy = ""
        self.where = None  # compiled lambda or None
        self.grouping: Grouping | None = None
        self.truncate = 0
        self.round = 0

    def point(self, point: Point) -> None:
        self.points_in += 1
        if self.measurement and point.name != self.measurement:
            return
        if self.database and point.database != self.database:
            return
        if self.retention_policy and point.retention_policy != self.retention_policy:
            return
        if self.where is not None:
            try:
                if self.where.predicate(point) is not True:
                    return
            except Exception as error:  # EvalError: the point is dropped, as Kapacitor does
                self.count_error(f"failed to evaluate WHERE expression: {error}")
                return
        grouping = self.grouping
        if grouping is not None or self.truncate or self.round:
            point = point.regrouped(grouping.group_id(point) if grouping is not None else point.group)
            if self.truncate:
                point.time = go_truncate(point.time, self.truncate)
            if self.round:
                point.time = go_round(point.time, self.round)
        # self.emit(point), written out: every point of the measurement passes here
        self.points_out += 1
        for child in self.children:
            child.point(point)
