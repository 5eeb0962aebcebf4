"""Evaluation problems of a node, with Kapacitor's `.quiet()`.

Kapacitor logs a node's evaluation errors (a missing field, a failed lambda) unless the node was
made `.quiet()`. tickpy counts them for the run summary; a quiet node still counts them, so its
figures stay true, but keeps their messages out of the summary.
"""

from __future__ import annotations

from tickpy.pipeline.node import Node


class ReportingNode(Node):
    quiet = False

    def report(self, message: str) -> None:
        if self.quiet:
            self.errors += 1
        else:
            self.count_error(message)
