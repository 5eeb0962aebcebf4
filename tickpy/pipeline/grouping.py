"""Group ids, as Kapacitor forms them (models.ToGroupID).

Alert state, windows and aggregates are kept per group. The id is "" for no grouping, else the
group-by tags in sorted order, `host=a,region=eu`; with `byMeasurement` the measurement and a
newline come first. A tag the point lacks counts as empty (`host=`).
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

    def group_id(self, point: Point) -> str:
        if len(self.tag_names) == 1 and not self.all_tags and not self.by_measurement:
            name = self.tag_names[0]  # the common groupBy('host'), without the general path
            return name + "=" + point.tags.get(name, "")
        names = self.tag_names
        if self.all_tags:
            names = sorted(name for name in point.tags if name not in self.excluded)
        if not names:  # no tag dimensions: the nil group, or the measurement alone
            return point.name if self.by_measurement else ""
        tags = point.tags
        group = ",".join(f"{name}={tags.get(name, '')}" for name in names)
        if self.by_measurement:
            return point.name + "\n" + group
        return group


def grouping_from_dimensions(dimensions: list, by_measurement: bool = False,
                             excluded: tuple[str, ...] = ()) -> Grouping:
    """`dimensions` as a script gives them: tag names, and "*" for every tag of each point."""
    names = [d for d in dimensions if d != "*"]
    return Grouping(names, all_tags="*" in dimensions, by_measurement=by_measurement, excluded=excluded)
