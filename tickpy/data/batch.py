"""A batch: the points of one group over a span of time, as `window` emits them.

Kapacitor sends data between nodes on two kinds of edges: *stream* edges carry single points,
*batch* edges carry batches (its BufferedBatch). A batch has the measurement name, the group id
and the group's tags, `time` (its end, Kapacitor's TMax) and its points in time order. Each point
is a `Point` with its own time, tags and fields.
"""

from __future__ import annotations

from tickpy.data.point import Point


class Batch:
    __slots__ = ("name", "group", "tags", "time", "points", "database", "retention_policy")

    def __init__(self, name: str, group: str, tags: dict, time: int, points: list[Point],
                 database: str = "", retention_policy: str = ""):
        self.name = name
        self.group = group
        self.tags = tags  # the group's tags (the group-by dimensions and their values)
        self.time = time  # ns; the end of the batch's span
        self.points = points
        self.database = database
        self.retention_policy = retention_policy

    def with_points(self, points: list[Point]) -> "Batch":
        """The same batch holding other points (a filtered or transformed copy)."""
        return Batch(self.name, self.group, self.tags, self.time, points, self.database,
                     self.retention_policy)

    def __repr__(self) -> str:
        return f"Batch({self.name!r}, group={self.group!r}, time={self.time}, points={self.points!r})"
