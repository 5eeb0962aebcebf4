"""Group ids, as Kapacitor forms them (models.ToGroupID), and what is read back from them.

Alert state, windows and aggregates are kept per group. The id is "" for no grouping, else the
group-by tags in sorted order, `host=a,region=eu`; with `byMeasurement` the measurement and a
newline come first (the measurement alone when there are no tags). A tag the point lacks counts
as empty (`host=`).

A point or batch carries only its group id, not Kapacitor's separate list of dimensions, so the
nodes that need the group's tags (windows, aggregates, join...) or recompute the id after changing
tags (default, delete, groupBy on batches) read the dimensions back from the id. Values are not
escaped in the id, so a value is taken from the point's own tags where they match, which keeps
commas and equals signs inside values intact.
"""

from __future__ import annotations

from tickpy.data.point import Point


class Grouping:
    def __init__(self, tag_names: list[str], all_tags: bool = False, by_measurement: bool = False,
                 excluded: tuple[str, ...] = ()):
        self.excluded = set(excluded)
        self.tag_names = sorted(name for name in tag_names if name not in self.excluded)
        self.all_tags = all_tags
        self.by_measurement = by_measurement
        # The common groupBy('host'): one tag, so the id is "host=" + the value, with no join.
        self._single_tag = (self.tag_names[0] if len(self.tag_names) == 1 and not all_tags
                            and not by_measurement else None)
        self._single_prefix = f"{self._single_tag}="

    def group_id(self, point: Point) -> str:
        if self._single_tag is not None:
            return self._single_prefix + point.tags.get(self._single_tag, "")
        names = self.tag_names
        if self.all_tags:
            names = sorted(name for name in point.tags if name not in self.excluded)
        return group_id(point.name, point.tags, names, self.by_measurement)


def grouping_from_dimensions(dimensions: list, by_measurement: bool = False,
                             excluded: tuple[str, ...] = ()) -> Grouping:
    """`dimensions` as a script gives them: tag names, and "*" for every tag of each point."""
    names = [d for d in dimensions if d != "*"]
    return Grouping(names, all_tags="*" in dimensions, by_measurement=by_measurement, excluded=excluded)


def group_id(name: str, tags: dict, dimensions: list[str], by_name: bool) -> str:
    """ToGroupID for dimensions already in order (sorted by the caller). No dimensions make the
    nil group "", or the measurement alone when grouped by it."""
    text = ",".join(f"{dimension}={tags.get(dimension, '')}" for dimension in dimensions)
    if by_name:
        return name + "\n" + text if dimensions else name
    return text


def by_measurement(group: str, name: str) -> bool:
    """Whether `group` was formed with the measurement name first (Kapacitor's Dimensions.ByName)."""
    return group == name or group.startswith(name + "\n")


def grouped_by_measurement(message) -> bool:
    """Whether the group of a point or batch includes its measurement (`.byMeasurement()`)."""
    return by_measurement(message.group, message.name)


def dimension_names(group: str, name: str) -> list[str]:
    """The tag names a group id was formed from, in its (sorted) order."""
    if by_measurement(group, name):
        group = group[len(name) + 1:]
    if not group:
        return []
    return [part.split("=", 1)[0] for part in group.split(",")]


def group_tags(point: Point) -> dict[str, str]:
    """The tags of the point's group (Kapacitor's GroupInfo.Tags), by name in the group's order."""
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


def point_group_after(point, tags: dict, removed: frozenset = frozenset()) -> str:
    """The group of `point` once its tags are `tags` and the dimensions in `removed` are gone: a
    point keeps its dimensions, only their values are read again (edge/messages.go SetTags)."""
    if not point.group:
        return ""
    names = [d for d in dimension_names(point.group, point.name) if d not in removed]
    return group_id(point.name, tags, names, by_measurement(point.group, point.name))


def batch_group_for_tags(batch, tags: dict) -> str:
    """The group of `batch` once its tags are `tags`: a batch's tags are its group's, so every
    tag becomes a dimension (beginBatchMessage.SetTags)."""
    return group_id(batch.name, tags, sorted(tags), by_measurement(batch.group, batch.name))


def renamed_group(message, name: str) -> str:
    """The group id of a point or batch once it is renamed `name`: a group that includes the
    measurement takes the new name (Kapacitor computes the id again for the new message)."""
    if name == message.name or not grouped_by_measurement(message):
        return message.group
    return name + message.group[len(message.name):]
