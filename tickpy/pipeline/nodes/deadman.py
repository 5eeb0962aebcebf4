"""`|deadman(threshold, interval)`: an alert when a node's throughput drops to `threshold` points
per interval or below (Kapacitor's Node.Deadman in pipeline/node.go).

Kapacitor builds it from other nodes, and so does tickpy:
`|stats(interval).align() |derivative('emitted').unit(interval).nonNegative() |alert()` with
`.crit(lambda: "emitted" <= threshold)` (AND any extra lambdas given to deadman) and the id and
message of Kapacitor's `[deadman]` configuration defaults, below. The derivative step is the
derivative node itself (tickpy/pipeline/nodes/derivative.py): the points per interval between two
stats ticks of a group.

On the replay clock the stats ticks come from the data's time, so a deadman fires when later
points of the data (of any measurement) carry the clock past an interval in which the watched
node emitted too little. When the data ends, the clock stops: no tick after the last point.
"""

from __future__ import annotations

from tickpy.pipeline.nodes.derivative import DerivativeNode
from tickpy.pipeline.nodes.stats import StatsNode
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


def deadman_rate(node_id: str, stats: StatsNode) -> DerivativeNode:
    """`|derivative('emitted').unit(interval).nonNegative()` under the stats node."""
    return stats.add_child(DerivativeNode(node_id, "emitted", unit=stats.interval, non_negative=True))
