"""`|groupBy(tags...)`: sets the group of each point (Kapacitor's GroupByNode). Points keep all
their tags; only the group id changes, which is what alert state and windows key on. A group
formed by measurement upstream stays by measurement (group_by.go: `ByName || byMeasurement`).

On a batch edge the points of each batch are sorted into batches of the new groups. Batches that
arrive with the same time (the batches of one window, one per old group) are merged: their
points go to the same new batches. As in Kapacitor's group_by.go, the new batches are held until
a batch with another time arrives, and then sent, each with its points in time order; the
batches of the last time are never sent, since no later batch comes when the data ends (Kapacitor
holds them until its next batch). A new batch's tags are the new dimensions' values, taken from
its first point.
"""

from __future__ import annotations

from tickpy.data.batch import Batch
from tickpy.pipeline.grouping import Grouping, by_measurement, group_id
from tickpy.pipeline.node import Node


class GroupByNode(Node):
    kind = "groupby"

    def __init__(self, node_id: str, grouping: Grouping):
        super().__init__(node_id)
        self.grouping = grouping
        self._held: dict[str, Batch] = {}  # new group -> batch being filled, in order of creation
        self._held_time: int | None = None

    def point(self, point) -> None:
        self.points_in += 1
        if point.group and not self.grouping.by_measurement and by_measurement(point.group, point.name):
            # grouped by measurement upstream (from().groupByMeasurement()): that stays
            group = group_id(point.name, point.tags, self._dimensions(point.tags), True)
        else:
            group = self.grouping.group_id(point)
        self.emit(point.regrouped(group))

    def batch(self, batch: Batch) -> None:
        self.points_in += 1
        if batch.time != self._held_time:
            self._send_held()
            self._held_time = batch.time
        by_name = self.grouping.by_measurement or by_measurement(batch.group, batch.name)
        for point in batch.points:
            names = self._dimensions(point.tags)
            group = group_id(batch.name, point.tags, names, by_name)
            regrouped = self._held.get(group)
            if regrouped is None:
                tags = {name: point.tags.get(name, "") for name in names}
                regrouped = self._held[group] = Batch(batch.name, group, tags, batch.time, [],
                                                      batch.database, batch.retention_policy)
            regrouped.points.append(point.regrouped(group))

    def _dimensions(self, tags: dict) -> list[str]:
        grouping = self.grouping
        if grouping.all_tags:
            return sorted(name for name in tags if name not in grouping.excluded)
        return grouping.tag_names

    def _send_held(self) -> None:
        held, self._held = self._held, {}
        for batch in held.values():
            batch.points.sort(key=lambda point: point.time)
            self.emit_batch(batch)
