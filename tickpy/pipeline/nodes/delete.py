"""`|delete().field('f').tag('t')`: removes fields and tags (Kapacitor's delete.go).

Deleting a tag that is one of a point's group-by dimensions removes that dimension from its group
(`host=a,type=idle` becomes `host=a` after `.tag('type')`), as Kapacitor does. On a batch edge
the batch's own tags lose the tag too, and its group is formed again from the tags left.
"""

from __future__ import annotations

from tickpy.data.batch import Batch
from tickpy.data.point import Point
from tickpy.pipeline.grouping import batch_group_for_tags, dimension_names, point_group_after
from tickpy.pipeline.node import Node


class DeleteNode(Node):
    kind = "delete"

    def __init__(self, node_id: str, fields: list[str], tags: list[str]):
        super().__init__(node_id)
        self.fields = fields
        self.tags = tags
        self._tag_set = frozenset(tags)
        self.fields_deleted = 0  # Kapacitor's fields_deleted / tags_deleted statistics
        self.tags_deleted = 0

    def point(self, point: Point) -> None:
        self.points_in += 1
        result = self._deleted(point)
        # The group changes only when a deleted tag is one of its dimensions: without tags to
        # delete, or without a group, the id is not even read.
        if self._tag_set and point.group and any(
                name in self._tag_set for name in dimension_names(point.group, point.name)):
            if result is point:
                result = point.regrouped(point.group)
            result.group = point_group_after(point, result.tags, self._tag_set)
        self.emit(result)

    def batch(self, batch: Batch) -> None:
        self.points_in += 1
        tags = _without(batch.tags, self.tags)
        group = batch_group_for_tags(batch, tags)
        self.emit_batch(Batch(batch.name, group, tags, batch.time,
                              [self._deleted(point) for point in batch.points],
                              batch.database, batch.retention_policy))

    def _deleted(self, point: Point) -> Point:
        fields = _without(point.fields, self.fields)
        tags = _without(point.tags, self.tags)
        if fields is point.fields and tags is point.tags:
            return point
        self.fields_deleted += len(point.fields) - len(fields)
        self.tags_deleted += len(point.tags) - len(tags)
        return Point(point.name, tags, fields, point.time, point.database, point.retention_policy,
                     point.line, point.group)


def _without(values: dict, names: list[str]) -> dict:
    """`values` without `names`: the same dict when none of them is there, else a copy."""
    if not any(name in values for name in names):
        return values
    return {key: value for key, value in values.items() if key not in names}
