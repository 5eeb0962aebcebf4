"""A group's tags: the group-by dimensions and their values, read from a point of the group.

Kapacitor creates the state of a group (a window, an aggregate) from the group's first point and
keeps that point's *group tags* for everything the group emits: batch tags, the tags of an
aggregate's output point. They are the point's values of the dimensions the group was formed by,
"" for a dimension the point lacks (edge.pointMessage.GroupInfo).

tickpy points carry only the group id (`host=a,region=eu`, the measurement and a newline first
with byMeasurement), so the dimensions are read back from it. The point's own tags decide where a
value ends, so values holding commas or equals signs are read correctly.
"""

from __future__ import annotations

from tickpy.data.point import Point


def group_tags(point: Point) -> dict[str, str]:
    """The group tags of `point`'s group ({} when the point is not grouped)."""
    group = point.group
    if not group:
        return {}
    if group == point.name:
        return {}  # grouped by measurement only
    if group.startswith(point.name + "\n"):
        group = group[len(point.name) + 1:]
    tags = point.tags
    result: dict[str, str] = {}
    position = 0
    while position < len(group):
        name, value, position = _next_pair(group, position, tags)
        result[name] = value
    return result


def _next_pair(group: str, position: int, tags: dict) -> tuple[str, str, int]:
    """The `name=value` pair starting at `position`, and where the next one starts."""
    for name, value in tags.items():
        pair = name + "=" + value
        end = position + len(pair)
        if group.startswith(pair, position) and (end == len(group) or group[end] == ","):
            return name, value, end + 1
    # A dimension the point lacks (its value is ""), or a value the point's tags do not give.
    equals = group.find("=", position)
    comma = group.find(",", equals + 1 if equals >= 0 else position)
    end = len(group) if comma < 0 else comma
    if equals < 0 or equals > end:
        return group[position:end], "", end + 1
    return group[position:equals], group[equals + 1:end], end + 1
