"""Group ids after a node changed tags: what Kapacitor recomputes when a point's or a batch's tags
change (its models.ToGroupID, called from SetTags / SetDimensions in edge/messages.go).

A point or batch carries only its group id here, not Kapacitor's separate list of dimensions, so
the dimensions are read back from the id: `host=a,type=b` has the dimensions host and type, and a
group made with `byMeasurement` starts with the measurement name and a newline. Tag values that
contain a comma would make this reading ambiguous; group ids carry them as they are, as Kapacitor's do.

The two edge types differ, as in Kapacitor:
- a *point* keeps its dimensions; only their values are read again from the new tags;
- a *batch*'s tags are its group's tags, so setting them makes every tag of the batch a
  dimension (beginBatchMessage.SetTags).
"""

from __future__ import annotations


def by_measurement(group: str, name: str) -> bool:
    """Whether `group` was formed with the measurement name first (Kapacitor's Dimensions.ByName)."""
    return group == name or group.startswith(name + "\n")


def dimension_names(group: str, name: str) -> list[str]:
    """The tag names a group id was formed from, in its (sorted) order."""
    if by_measurement(group, name):
        group = group[len(name) + 1:]
    if not group:
        return []
    return [part.split("=", 1)[0] for part in group.split(",")]


def group_id(name: str, tags: dict, dimensions: list[str], by_name: bool) -> str:
    """Kapacitor's ToGroupID: "" without dimensions, else `tag=value` pairs joined by commas, in
    the order given (sorted by the caller); a tag the tags lack counts as empty."""
    text = ",".join(f"{dimension}={tags.get(dimension, '')}" for dimension in dimensions)
    if by_name:
        return name + "\n" + text if dimensions else name
    return text


def point_group_after(point, tags: dict, removed: frozenset = frozenset()) -> str:
    """The group of `point` once its tags are `tags` and the dimensions in `removed` are gone."""
    if not point.group:
        return ""
    names = [d for d in dimension_names(point.group, point.name) if d not in removed]
    return group_id(point.name, tags, names, by_measurement(point.group, point.name))


def batch_group_for_tags(batch, tags: dict) -> str:
    """The group of `batch` once its tags are `tags`: every tag becomes a dimension."""
    return group_id(batch.name, tags, sorted(tags), by_measurement(batch.group, batch.name))
