"""A point: one measurement at one instant, as read from line protocol or made by a node.

`time` is integer nanoseconds since the Unix epoch (line protocol's own unit), so no precision
is lost and comparisons on the replay clock are exact. Field values keep line protocol's types:
float, int (`1i`), `Unsigned` (`1u`), str and bool, because Kapacitor's lambda type rules tell
int from float.
"""

from __future__ import annotations


class Unsigned(int):
    """An unsigned integer field (`1u`): an int that remembers it was written unsigned."""

    __slots__ = ()


class Point:
    __slots__ = ("name", "tags", "fields", "time", "database", "retention_policy", "line", "group")

    def __init__(self, name: str, tags: dict, fields: dict, time: int,
                 database: str = "", retention_policy: str = "", line: int = 0, group: str = ""):
        self.name = name
        self.tags = tags
        self.fields = fields
        self.time = time
        self.database = database
        self.retention_policy = retention_policy
        self.line = line  # line number in the source file, for error messages
        # Kapacitor's group id (models.ToGroupID): "" for no grouping, else "host=a,cpu=x".
        self.group = group

    def copy(self) -> "Point":
        """A copy whose tags and fields can be changed without touching this point."""
        return Point(self.name, dict(self.tags), dict(self.fields), self.time,
                     self.database, self.retention_policy, self.line, self.group)

    def regrouped(self, group: str) -> "Point":
        """The same point in another group. Tags and fields are shared, not copied: nodes that
        change them work on a `copy()`, so sharing is safe and saves two dict copies a point."""
        return Point(self.name, self.tags, self.fields, self.time, self.database,
                     self.retention_policy, self.line, group)

    def __repr__(self) -> str:
        return f"Point({self.name!r}, {self.tags!r}, {self.fields!r}, {self.time})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Point) and (
            self.name, self.tags, self.fields, self.time
        ) == (other.name, other.tags, other.fields, other.time)
