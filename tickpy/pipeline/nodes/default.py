"""`|default().field('f', value).tag('t', 'value')`: fills in fields a point lacks and tags that
are missing or empty (Kapacitor's default.go).

A field counts as missing when the point has no such field; a tag when it is absent or "". Filling
a tag that is one of the point's group-by dimensions changes its group (`host=` becomes
`host=serverA`), as Kapacitor recomputes the group id when tags change. On a batch edge the
batch's own tags are defaulted too, and, as in Kapacitor, every tag of the batch then counts as a
dimension of its group.
"""

from __future__ import annotations

from tickpy.data.batch import Batch
from tickpy.data.point import Point
from tickpy.pipeline.grouping import batch_group_for_tags, point_group_after
from tickpy.pipeline.node import Node


class DefaultNode(Node):
    kind = "default"

    def __init__(self, node_id: str, fields: dict, tags: dict):
        super().__init__(node_id)
        self.fields = fields  # name -> default value
        self.tags = tags  # name -> default string
        self.fields_defaulted = 0  # Kapacitor's fields_defaulted / tags_defaulted statistics
        self.tags_defaulted = 0

    def point(self, point: Point) -> None:
        self.points_in += 1
        self.emit(self._defaulted(point))

    def batch(self, batch: Batch) -> None:
        self.points_in += 1
        tags = self._default_tags(batch.tags)
        result = Batch(batch.name, batch_group_for_tags(batch, tags), tags, batch.time,
                       [self._defaulted(point, regroup=False) for point in batch.points],
                       batch.database, batch.retention_policy)
        self.emit_batch(result)

    def _defaulted(self, point: Point, regroup: bool = True) -> Point:
        fields = point.fields
        missing = [name for name in self.fields if fields.get(name) is None]
        if missing:
            fields = dict(fields)
            for name in missing:
                fields[name] = self.fields[name]
            self.fields_defaulted += len(missing)
        tags = self._default_tags(point.tags)
        if fields is point.fields and tags is point.tags:
            return point
        group = point_group_after(point, tags) if regroup and tags is not point.tags else point.group
        return Point(point.name, tags, fields, point.time, point.database, point.retention_policy,
                     point.line, group)

    def _default_tags(self, tags: dict) -> dict:
        empty = [name for name in self.tags if tags.get(name, "") == ""]
        if not empty:
            return tags
        tags = dict(tags)
        for name in empty:
            tags[name] = self.tags[name]
        self.tags_defaulted += len(empty)
        return tags
