"""Anonymous topics: the topic Kapacitor gives every alert node that has handlers of its own.

An alert node with at least one handler (`.log()`, `.post()`, a global one...) collects each of
its events into a topic named `<task master>:<task>:<node>`, e.g. `main:cpu_alert:alert2`
(alert.go, newAlertNode). That topic keeps the latest event of each alert id, so the node's
handlers see a previousLevel, and a restarted task picks its alerts up where they were, even
without `.topic()`. Kapacitor runs every task in its task master "main".

Task ids cannot hold a `:` (Kapacitor's `^[-\\._\\p{L}0-9]+$`), nor can node names, so the task
of an anonymous topic can be read back from its name.
"""

from __future__ import annotations

TASK_MASTER = "main"


def anonymous_topic(task_id: str, node_id: str) -> str:
    """The anonymous topic of the alert node `node_id` (e.g. "alert2") of task `task_id`."""
    return f"{TASK_MASTER}:{task_id}:{node_id}"


def task_of_anonymous_topic(topic: str) -> str | None:
    """The task whose alert node owns `topic`, or None when it is not named like an anonymous
    topic (a topic named by `.topic()` or a handler file)."""
    parts = topic.split(":")
    if len(parts) != 3 or parts[0] != TASK_MASTER or not parts[1] or not parts[2]:
        return None
    return parts[1]
