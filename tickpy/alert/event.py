"""Alert levels and the alert event, in the JSON shape Kapacitor posts and logs (`alert.Data`)."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field

from tickpy.template.gotime import rfc3339_nano


class Level(enum.IntEnum):
    """Ordered as in Kapacitor: OK < INFO < WARNING < CRITICAL."""

    OK = 0
    INFO = 1
    WARNING = 2
    CRITICAL = 3

    def __str__(self) -> str:
        return self.name


def format_time(ns: int) -> str:
    """RFC3339 with nanoseconds, trailing zeros trimmed (Go's time.RFC3339Nano), always UTC."""
    return rfc3339_nano(ns)


@dataclass
class AlertEvent:
    """One alert event.

    Besides the fields Kapacitor puts in its JSON, it keeps what handlers need to render their own
    templates (the Discord embed title, an aggregate's message): the task, the measurement name,
    the group, tags and fields of the point that triggered it.
    """

    id: str
    message: str
    details: str
    time: int  # ns since the epoch
    duration: int  # ns
    level: Level
    previous_level: Level
    recoverable: bool
    series: list[dict]  # Kapacitor's data.series rows, already in JSON shape
    task_name: str = ""
    name: str = ""  # measurement
    group: str = "nil"
    tags: dict = field(default_factory=dict)
    fields: dict = field(default_factory=dict)
    topic: str = ""

    def to_json_dict(self) -> dict:
        """The event as Kapacitor serialises it (key order as in `alert.Data`)."""
        return {
            "id": self.id,
            "message": self.message,
            "details": self.details,
            "time": format_time(self.time),
            "duration": self.duration,
            "level": self.level.name,
            "data": {"series": self.series},
            "previousLevel": self.previous_level.name,
            "recoverable": self.recoverable,
        }
