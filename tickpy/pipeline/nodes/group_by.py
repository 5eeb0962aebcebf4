"""`|groupBy(tags...)`: sets the group of each point (Kapacitor's GroupByNode). Points keep all
their tags; only the group id changes, which is what alert state and windows key on."""

from tickpy.pipeline.grouping import Grouping
from tickpy.pipeline.node import Node


class GroupByNode(Node):
    kind = "groupby"

    def __init__(self, node_id: str, grouping: Grouping):
        super().__init__(node_id)
        self.grouping = grouping

    def point(self, point) -> None:
        self.points_in += 1
        self.emit(point.regrouped(self.grouping.group_id(point)))
