"""What a node with several parents (join, union) gives each parent as its child, so that the
node knows which parent a point came from (Kapacitor numbers the parents' edges)."""

from __future__ import annotations

from tickpy.data.batch import Batch
from tickpy.data.point import Point
from tickpy.pipeline.node import Node


class ParentInput(Node):
    """The child a multi-parent node gives one of its parents: it passes each point or batch on
    with the parent's index. It is not a node of the task (counts are kept by the target)."""

    def __init__(self, target, index: int):
        super().__init__(f"{target.id}.in{index}")
        self.target = target
        self.index = index
        self.children = [target]  # so that walking the graph reaches the target

    def point(self, point: Point) -> None:
        self.target.point_from(self.index, point)

    def batch(self, batch: Batch) -> None:
        self.target.batch_from(self.index, batch)
