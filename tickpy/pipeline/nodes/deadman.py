"""`|deadman(threshold, interval)`: an alert when a node's throughput drops to `threshold` points
per interval or below (Kapacitor's Node.Deadman in pipeline/node.go).

Kapacitor builds it from other nodes, and so does tickpy:
`|stats(interval).align() |derivative('emitted').unit(interval).nonNegative() |alert()` with
`.crit(lambda: "emitted" <= threshold)` (AND any extra lambdas given to deadman) and the id and
message of Kapacitor's `[deadman]` configuration defaults, below. This module holds the defaults
and the derivative step, the points per interval between two stats ticks of a group.

On the replay clock the stats ticks come from the data's time, so a deadman fires when later
points of the data (of any measurement) carry the clock past an interval in which the watched
node emitted too little. When the data ends, the clock stops: no tick after the last point.
"""

from __future__ import annotations

from tickpy.data.point import Point
from tickpy.pipeline.node import Node
from tickpy.template.gotime import duration_string

# services/deadman/config.go: DefaultId and DefaultMessage. NODE_NAME becomes the watched node's
# name (`from1`), INTERVAL the interval as Go prints a duration (`10s`, `1m0s`).
DEFAULT_ID = "{{ .Group }}:NODE_NAME for task '{{ .TaskName }}'"
DEFAULT_MESSAGE = ('{{ .ID }} is {{ if eq .Level "OK" }}alive{{ else }}dead{{ end }}: '
                   '{{ index .Fields "emitted" | printf "%0.3f" }} points/INTERVAL.')


def deadman_id(watched_node_name: str) -> str:
    return DEFAULT_ID.replace("NODE_NAME", watched_node_name, 1)


def deadman_message(interval: int) -> str:
    return DEFAULT_MESSAGE.replace("INTERVAL", duration_string(interval), 1)


class EmittedRateNode(Node):
    """`|derivative('emitted').unit(interval).nonNegative()` on stats points: the change of each
    group's `emitted` count per interval. A group's first tick only sets the starting count; a
    count that went down (it never does) is skipped, as nonNegative does."""

    kind = "derivative"

    def __init__(self, node_id: str, unit: int):
        super().__init__(node_id)
        self.unit = unit
        self._previous: dict[str, tuple[int, float]] = {}  # group -> (time, emitted)

    def point(self, point: Point) -> None:
        self.points_in += 1
        current = float(point.fields["emitted"])
        previous = self._previous.get(point.group)
        self._previous[point.group] = (point.time, current)
        if previous is None:
            return
        elapsed = point.time - previous[0]
        if elapsed == 0:
            self.count_error("cannot perform derivative: elaspsed time was 0")  # Kapacitor's spelling
            return
        difference = current - previous[1]
        if difference < 0:
            return
        fields = dict(point.fields)
        fields["emitted"] = difference / (elapsed / self.unit)
        self.emit(Point(point.name, point.tags, fields, point.time, group=point.group))
