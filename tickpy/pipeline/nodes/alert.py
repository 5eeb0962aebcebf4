"""`|alert()`: turns points into alert events and hands them to handlers (Kapacitor's AlertNode).

The per-group state machine lives in tickpy/alert/state.py; this node keeps one state per group,
renders the templates when an event is actually sent, builds the event in Kapacitor's JSON shape
and passes it to the handlers, to the topic and to the run's event listeners. The point it sends
on to its children carries the `levelTag`/`idTag`/`levelField`/... additions.

previousLevel is the level of the last event *sent* for the same id (Kapacitor takes it from the
topic's stored state, which only sees events that were sent), so a recovery suppressed by
`noRecoveries` leaves the previous level where it was.
"""

from __future__ import annotations

from tickpy.alert.event import AlertEvent, Level, format_time
from tickpy.alert.state import AlertRules, AlertState
from tickpy.alert.templates import AlertTemplates
from tickpy.data.point import Point
from tickpy.pipeline.node import Node


class AlertNode(Node):
    kind = "alert"

    def __init__(self, node_id: str, task_name: str, rules: AlertRules, templates: AlertTemplates,
                 services):
        super().__init__(node_id)
        self.task_name = task_name
        self.rules = rules
        self.templates = templates
        self.services = services
        self.handlers: list = []
        self.topic = ""
        self.augment_tags: dict[str, str] = {}  # "level"/"id" -> tag name
        self.augment_fields: dict[str, str] = {}  # "level"/"message"/"id"/"duration" -> field name
        self._states: dict[str, AlertState] = {}
        self._last_sent_level: dict[str, Level] = {}
        self.alerts_by_level = {level: 0 for level in Level}
        rules.on_error = self._count_level_error

    def point(self, point: Point) -> None:
        self.points_in += 1
        state = self._states.get(point.group)
        if state is None:
            state = self._states[point.group] = AlertState(self.rules)
        level, send = state.update(point)
        if not send:
            return
        event = self._event(point, level, state.duration)
        self._send(event)
        if self.children:
            self.emit(self._augmented(point, event))

    def _event(self, point: Point, level: Level, duration: int) -> AlertEvent:
        alert_id = self.templates.render_id(self.task_name, point)
        message, details = self.templates.render_message_and_details(
            self.task_name, point, alert_id, level.name, duration)
        previous = self._last_sent_level.get(alert_id, Level.OK)
        self._last_sent_level[alert_id] = level
        return AlertEvent(
            id=alert_id, message=message, details=details, time=point.time, duration=duration,
            level=level, previous_level=previous, recoverable=not self.rules.no_recoveries,
            series=[_series_row(point)], task_name=self.task_name, name=point.name,
            group=point.group, tags=point.tags, fields=point.fields, topic=self.topic,
        )

    def _send(self, event: AlertEvent) -> None:
        self.alerts_by_level[event.level] += 1
        for listener in self.services.event_listeners:
            listener(event)
        for handler in self.handlers:
            handler.handle(event)
        if self.topic and self.services.topics is not None:
            self.services.topics.publish(self.topic, event)

    def _augmented(self, point: Point, event: AlertEvent) -> Point:
        point = point.copy()
        values = {"level": event.level.name, "id": event.id, "message": event.message,
                  "duration": event.duration}
        for what, tag in self.augment_tags.items():
            point.tags[tag] = values[what]
        for what, field in self.augment_fields.items():
            point.fields[field] = values[what]
        return point

    def _count_level_error(self, level: Level, error: Exception) -> None:
        self.count_error(f"error evaluating expression for level {level.name}: {error}")

    def finish(self) -> None:
        for handler in self.handlers:
            handler.close()


def _series_row(point: Point) -> dict:
    """The point as one row of Kapacitor's models.Result: time, then fields in sorted order;
    `tags` left out when empty (omitempty)."""
    names = sorted(point.fields)
    row: dict = {"name": point.name}
    if point.tags:
        row["tags"] = dict(point.tags)
    row["columns"] = ["time", *names]
    row["values"] = [[format_time(point.time), *(point.fields[name] for name in names)]]
    return row
