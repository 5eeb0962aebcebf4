"""Pieces shared by the nodes that merge or regroup data: join, union, combine, flatten, stats.

- `ParentInput`: what a node with several parents (join, union) gives each parent as its child,
  so that the node knows which parent a point came from (Kapacitor numbers the parents' edges).
- `round_time`: Go's `time.Time.Round`, which Kapacitor uses for every `.tolerance()`.
- `group_tags`: the tags that form a point's group (Kapacitor's GroupInfo.Tags). tickpy keeps a
  point's group as its id only (`host=a,region=eu`), so the tag names are read back from the id.
"""

from __future__ import annotations

from tickpy.data.batch import Batch
from tickpy.data.point import Point
from tickpy.pipeline.node import Node
from tickpy.pipeline.nodes.group_ids import by_measurement

# Nanoseconds from Go's zero time (January 1, year 1, UTC) to the Unix epoch. Go rounds times
# on the count since its zero time, which only matters for steps that do not divide a day.
_GO_ZERO_TO_UNIX_NS = 62_135_596_800 * 10**9


def round_time(time: int, step: int) -> int:
    """Go's Time.Round: to the nearest multiple of `step`, halves rounded up; a step <= 0 (no
    tolerance) leaves the time as it is."""
    if step <= 0:
        return time
    remainder = (time + _GO_ZERO_TO_UNIX_NS) % step
    if remainder + remainder < step:
        return time - remainder
    return time + step - remainder


def truncate_time(time: int, step: int) -> int:
    """Go's Time.Truncate: down to a multiple of `step` (counted from Go's zero time)."""
    if step <= 0:
        return time
    return time - (time + _GO_ZERO_TO_UNIX_NS) % step


def group_tags(point: Point) -> dict[str, str]:
    """The tags of the point's group, by name, in the group's order (sorted names).

    The group id is `k1=v1,k2=v2` (tickpy/pipeline/grouping.py), maybe after the measurement and a
    newline. Values are not escaped in the id, so each value is taken from the point's own tags
    when it matches there, which keeps commas and equals signs inside values intact."""
    group = point.group
    if not group:
        return {}
    if by_measurement(group, point.name):
        group = group[len(point.name) + 1:]
    tags: dict[str, str] = {}
    position = 0
    while position < len(group):
        equals = group.find("=", position)
        if equals < 0:
            break
        name = group[position:equals]
        value_start = equals + 1
        own = point.tags.get(name)
        if own is not None and group.startswith(own, value_start) and (
                value_start + len(own) == len(group) or group[value_start + len(own)] == ","):
            value = own
        else:
            comma = group.find(",", value_start)
            value = group[value_start:] if comma < 0 else group[value_start:comma]
        tags[name] = value
        position = value_start + len(value) + 1
    return tags


def grouped_by_measurement(message) -> bool:
    """Whether the group of a point or batch includes its measurement (`.byMeasurement()`)."""
    return by_measurement(message.group, message.name)


def renamed_group(message, name: str) -> str:
    """The group id of a point or batch once it is renamed `name`: a group that includes the
    measurement takes the new name (Kapacitor computes the id again for the new message)."""
    if name == message.name or not grouped_by_measurement(message):
        return message.group
    return name + message.group[len(message.name):]


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
