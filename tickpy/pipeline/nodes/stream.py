"""`stream`: where every point of the data enters a task (Kapacitor's StreamNode)."""

from tickpy.pipeline.node import Node


class StreamNode(Node):
    kind = "stream"

    def point(self, point) -> None:
        # Every point of the data passes here, so Node.point and Node.emit are written out:
        # one call less per point and child. The counts are the same.
        self.points_in += 1
        self.points_out += 1
        for child in self.children:
            child.point(point)
