"""`|alert()`: turns points into alert events and hands them to handlers (Kapacitor's AlertNode).

The per-group state machine lives in tickpy/alert/state.py; this node keeps one state per group,
renders a custom id for every point, as Kapacitor does (so a failing one is an error even when no
alert fires), and the message and details only when an event is actually sent. It builds the
event in Kapacitor's JSON shape and passes it to the handlers, to the topic and to the run's event
listeners. The point it sends on to its children carries the `levelTag`/`idTag`/`levelField`/...
additions.

A node with handlers has an anonymous topic (`main:TASK:alert2`, tickpy/alert/anonymous.py)
where each of its events is collected before its handlers get it, as in Kapacitor; the event's
previousLevel is the level its id had there. A group seen for the first time starts from the
state its alert id has in the anonymous topic, or else in the `.topic()` one (kept in the store
by an earlier run), as Kapacitor restores alert state when it restarts (alert.go restoreEvent).

Without an anonymous topic, previousLevel is the level of the last event *sent* for the same id
(Kapacitor takes it from the topic's state, which only sees events that were sent), so a recovery
suppressed by `noRecoveries` leaves the previous level where it was.
"""

from __future__ import annotations

from tickpy.alert.anonymous import anonymous_topic
from tickpy.alert.event import AlertEvent, Level, format_time
from tickpy.alert.state import AlertRules, AlertState
from tickpy.alert.templates import AlertTemplates
from tickpy.data.batch import Batch
from tickpy.data.point import Point
from tickpy.pipeline.grouping import batch_group_for_tags
from tickpy.pipeline.node import Node
from tickpy.template.errors import TemplateError

_REMEMBERED_IDS = 100_000  # custom alert ids kept per node (emptied when full)


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
        self._ids: dict[tuple, str] = {}  # custom ids by series (_checked_id)
        self.alerts_by_level = {level: 0 for level in Level}
        self.all_points = False  # `.all()`: a batch is only as bad as its best point
        rules.on_error = self._count_level_error

    @property
    def anon_topic(self) -> str:
        """The node's anonymous topic; "" when it has no handlers (Kapacitor's hasAnonTopic)."""
        return anonymous_topic(self.task_name, self.id) if self.handlers else ""

    def point(self, point: Point) -> None:
        self.points_in += 1
        if not self.templates.id_is_default and self._checked_id(point) is None:
            return
        state = self._states.get(point.group)  # self._state(), written out for the hot path
        if state is None:
            state = self._states[point.group] = self._new_state(point, point.time)
        level, send = state.update(point)
        if not send:
            return
        event = self._event(point, level, state.duration, [_series_row(point)])
        if event is None:
            return
        self._send(event)
        if self.children:
            self.emit(self._augmented(point, event))

    def batch(self, batch: Batch) -> None:
        """A batch is judged as a whole (AlertState.update_batch); its event's data holds all of
        the batch's rows, and the templates see the batch's name, group and tags, with the fields
        of the point that set the level. An empty batch is ignored."""
        self.points_in += 1
        if not self.templates.id_is_default and self._checked_id(batch) is None:
            return
        if not batch.points:
            return
        state = self._state(batch)
        level, send, time, highest = state.update_batch(batch.points, batch.time, self.all_points)
        if not send:
            return
        subject = Point(batch.name, batch.tags, highest.fields, time, batch.database,
                        batch.retention_policy, highest.line, batch.group)
        event = self._event(subject, level, state.duration, [_batch_row(batch)])
        if event is None:
            return
        self._send(event)
        if self.children:
            self.emit_batch(self._augmented_batch(batch, event))

    def _checked_id(self, subject) -> str | None:
        """A custom id rendered for a point or batch before anything else, as Kapacitor renders
        it for each one it receives (alert.go), so a template that fails when it runs
        (`{{ .Nope }}` parses) is an error at the first point, whether or not an alert fires.
        Counted on this node; the point then changes no state. Ids depend on the name, group
        and tags only, so they are remembered per series."""
        key = (subject.name, subject.group, tuple(subject.tags.items()))
        alert_id = self._ids.get(key)
        if alert_id is None:
            try:
                alert_id = self.templates.render_id(self.task_name, subject)
            except TemplateError as error:
                self.count_error(str(error))
                return None
            if len(self._ids) >= _REMEMBERED_IDS:
                self._ids.clear()
            self._ids[key] = alert_id
        return alert_id

    def _alert_id(self, subject) -> str:
        """The alert id of a point or batch that got past the start of point()/batch(): a custom
        one is then already rendered and remembered (_checked_id); the default one cannot fail."""
        if self.templates.id_is_default:
            return self.templates.render_id(self.task_name, subject)
        return self._checked_id(subject)

    def _state(self, batch: Batch) -> AlertState:
        state = self._states.get(batch.group)
        if state is None:
            state = self._states[batch.group] = self._new_state(batch, batch.time)
        return state

    def _new_state(self, subject, time: int) -> AlertState:
        """A new group's state. It starts from the state its alert id has in the node's topics
        (Kapacitor's restoreEventState, alert.go): an alert an earlier run left CRITICAL starts
        CRITICAL, so its recovery is sent, with that level as its previous level, and its
        duration counts from the kept event."""
        state = AlertState(self.rules)
        topics = self.services.topics
        if topics is None or not (self.topic or self.handlers):
            return state
        alert_id = self._alert_id(subject)
        restored = self._restored_state(topics, alert_id)
        if restored is not None and restored.level != "OK":
            level = Level[restored.level]
            state.restore(time, level, restored.time)
            self._last_sent_level.setdefault(alert_id, level)
        return state

    def _restored_state(self, topics, alert_id: str):
        """The state `alert_id` had, as Kapacitor's restoreEvent finds it: the anonymous topic's
        takes precedence over the `.topic()` one. When both have one and the levels differ, the
        named topic is set to the anonymous one's state; when only the named topic has one, the
        anonymous topic (if the node has one) is set to it."""
        anon_topic = self.anon_topic
        anon = topics.found_state(anon_topic, alert_id) if anon_topic else None
        named = topics.found_state(self.topic, alert_id) if self.topic else None
        anon_level = anon.level if anon is not None else "OK"
        named_level = named.level if named is not None else "OK"
        if anon_level != named_level:
            if anon is not None and named is not None:
                topics.update_state(self.topic, anon)
            elif named is not None and anon_topic:
                topics.update_state(anon_topic, named)
        return anon if anon is not None else named

    def _event(self, subject: Point, level: Level, duration: int, series: list[dict]) -> AlertEvent | None:
        """The event for `subject`: the point, or for a batch a point standing for it (the
        batch's name, group and tags, the chosen point's fields, the event time).

        None when a template fails to execute (`{{ .Nope }}` parses, so lint accepts it).
        Kapacitor stops the task with that error; a replay counts it on this node, where the
        run's summary shows it, and goes on."""
        try:
            alert_id = self._alert_id(subject)
            message, details = self.templates.render_message_and_details(
                self.task_name, subject, alert_id, level.name, duration)
        except TemplateError as error:
            self.count_error(str(error))
            return None
        previous = self._last_sent_level.get(alert_id, Level.OK)
        self._last_sent_level[alert_id] = level
        return AlertEvent(
            id=alert_id, message=message, details=details, time=subject.time, duration=duration,
            level=level, previous_level=previous, recoverable=not self.rules.no_recoveries,
            series=series, task_name=self.task_name, name=subject.name,
            group=subject.group, tags=subject.tags, fields=subject.fields, topic=self.topic,
        )

    def _send(self, event: AlertEvent) -> None:
        """Collect the event in the anonymous topic (which gives it its previousLevel), hand it
        to the run's listeners, the node's handlers and any handler defined on the anonymous
        topic, then publish it to the `.topic()` one (Kapacitor's handleEvent order)."""
        self.alerts_by_level[event.level] += 1
        topics = self.services.topics
        anon_topic = self.anon_topic if topics is not None else ""
        if anon_topic:
            event = topics.collect(anon_topic, event)
        for listener in self.services.event_listeners:
            listener(event)
        for handler in self.handlers:
            handler.handle(event)
        if anon_topic:
            topics.hand_out(anon_topic, event)
        if self.topic and topics is not None:
            topics.publish(self.topic, event)

    def _augmented(self, point: Point, event: AlertEvent) -> Point:
        point = point.copy()
        values = {"level": event.level.name, "id": event.id, "message": event.message,
                  "duration": event.duration}
        for what, tag in self.augment_tags.items():
            point.tags[tag] = values[what]
        for what, field in self.augment_fields.items():
            point.fields[field] = values[what]
        return point

    def _augmented_batch(self, batch: Batch, event: AlertEvent) -> Batch:
        """The batch with the event's level/id/message/duration added to every point and, for
        tags, to the batch's own tags, which then all count as its group's dimensions (as when
        Kapacitor sets a batch's tags)."""
        if not self.augment_tags and not self.augment_fields:
            return batch
        points = [self._augmented(point, event) for point in batch.points]
        tags, group = batch.tags, batch.group
        if self.augment_tags:
            tags = dict(tags)
            values = {"level": event.level.name, "id": event.id}
            for what, tag in self.augment_tags.items():
                tags[tag] = values[what]
            group = batch_group_for_tags(batch, tags)
        return Batch(batch.name, group, tags, batch.time, points, batch.database,
                     batch.retention_policy)

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


def _batch_row(batch: Batch) -> dict:
    """The batch as one row of Kapacitor's models.Result (its BufferedBatch ToRow): the columns
    are time and the first point's fields and tags (those not already the batch's tags), sorted;
    a point lacking one has null there."""
    first = batch.points[0]
    names = sorted([*first.fields, *(tag for tag in first.tags if tag not in batch.tags)])
    row: dict = {"name": batch.name}
    if batch.tags:
        row["tags"] = dict(batch.tags)
    row["columns"] = ["time", *names]
    row["values"] = [[format_time(point.time), *(_column_value(point, name) for name in names)]
                     for point in batch.points]
    return row


def _column_value(point: Point, name: str):
    if name in point.fields:
        return point.fields[name]
    return point.tags.get(name)
