"""`|deadman(threshold, interval)`: an alert when a node's throughput drops to `threshold` points
per interval or below (Kapacitor's Node.Deadman in pipeline/node.go).

Kapacitor builds it from other nodes, and so does tickpy:
`|stats(interval).align() |derivative('emitted').unit(interval).nonNegative() |alert()` with
`.crit(lambda: "emitted" <= threshold)` (AND any extra lambdas given to deadman) and the id and
message of the `[deadman]` configuration (tickpy/config.py DeadmanConfig has Kapacitor's defaults). The derivative step is the
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


def deadman_id(watched_node_name: str, template: str) -> str:
    """The `[deadman]` id template with NODE_NAME made the watched node's name (`from1`)."""
    return template.replace("NODE_NAME", watched_node_name, 1)


def deadman_message(interval: int, template: str) -> str:
    """The `[deadman]` message template with INTERVAL as Go prints the duration (`10s`, `1m0s`)."""
    return template.replace("INTERVAL", duration_string(interval), 1)


def deadman_rate(node_id: str, stats: StatsNode) -> DerivativeNode:
    """`|derivative('emitted').unit(interval).nonNegative()` under the stats node."""
    return stats.add_child(DerivativeNode(node_id, "emitted", unit=stats.interval, non_negative=True))
