"""`|log()`: writes each point to the run's log stream and passes it on (Kapacitor's LogNode).

Kapacitor logs `level`-tagged lines through its logger; tickpy writes one line per point to the
output stream, `LEVEL prefix point-as-JSON`, which is what a user replaying data wants to read.
"""

from __future__ import annotations

import json

from tickpy.alert.event import format_time
from tickpy.pipeline.node import PointwiseNode

LEVELS = ("DEBUG", "INFO", "WARN", "ERROR", "OFF")


class LogNode(PointwiseNode):
    kind = "log"

    def __init__(self, node_id: str, out, level: str = "INFO", prefix: str = ""):
        super().__init__(node_id)
        self.out = out
        self.level = level
        self.prefix = prefix

    def transform(self, point):
        if self.level != "OFF" and self.out is not None:
            record = {"name": point.name, "group": point.group, "tags": point.tags,
                      "fields": point.fields, "time": format_time(point.time)}
            prefix = f"{self.prefix} " if self.prefix else ""
            self.out.write(f"{self.level} {prefix}{json.dumps(record, default=str)}\n")
        return point
