"""`stream`: where every point of the data enters a task (Kapacitor's StreamNode)."""

from tickpy.pipeline.node import Node


class StreamNode(Node):
    kind = "stream"
