"""Topics: named streams of alert events that handlers subscribe to (Kapacitor's alert service).

`.topic('cpu')` in a script publishes its events to topic `cpu`. Each topic remembers the latest
event per alert id (kept in the store, so `tickpy show-topic` sees it after the run) and passes
events to the handlers defined on it with `tickpy define-topic-handler`, those whose `match`
accepts the event. Two kinds route events instead of sending them: `publish` copies them to
other topics, `aggregate` gathers them over an interval of the replay clock and publishes one
summary event (services/alert/handlers.go).
"""

from __future__ import annotations

import dataclasses

from tickpy.alert.event import AlertEvent, Level
from tickpy.alert.match import Match
from tickpy.data.values import Duration
from tickpy.handlers.base import Handler, make_handler


class TopicRegistry:
    def __init__(self, services, store=None):
        self.services = services
        self.store = store
        self.collected: dict[str, int] = {}
        self._subscribers: dict[str, list[tuple[Match, Handler]]] | None = None
        self._aggregates: list[AggregateHandler] = []

    def publish(self, topic: str, event: AlertEvent) -> None:
        event = dataclasses.replace(event, topic=topic)
        self.collected[topic] = self.collected.get(topic, 0) + 1
        if self.store is not None:
            from tickpy.store import TopicEvent

            self.store.save_event(topic, TopicEvent(event.id, event.level.name, event.message,
                                                    event.details, event.time, event.duration))
        for match, handler in self._handlers_of(topic):
            try:
                wanted = match(event)
            except Exception as error:
                self.services.report.delivery(f"{topic} match", False, f"failed to evaluate match: {error}")
                continue
            if wanted:
                handler.handle(event)

    def advance(self, now: int) -> None:
        for aggregate in self._aggregates:
            aggregate.advance(now)

    def finish(self) -> None:
        for handlers in (self._subscribers or {}).values():
            for _, handler in handlers:
                handler.close()

    def _handlers_of(self, topic: str) -> list[tuple[Match, Handler]]:
        if self._subscribers is None:
            self._subscribers = {}
            for stored in (self.store.handlers() if self.store is not None else []):
                handler = self.make(stored.kind, stored.id, stored.options)
                self._subscribers.setdefault(stored.topic, []).append((Match(stored.match), handler))
        return self._subscribers.get(topic, [])

    def make(self, kind: str, handler_id: str, options: dict) -> Handler:
        if kind == "publish":
            return PublishHandler(self, options.get("topics") or [])
        if kind == "aggregate":
            aggregate = AggregateHandler(self, handler_id, options)
            self._aggregates.append(aggregate)
            return aggregate
        return make_handler(kind, options, self.services)


class PublishHandler(Handler):
    kind = "publish"

    def __init__(self, registry: TopicRegistry, topics: list[str]):
        self.registry = registry
        self.topics = list(topics)

    def handle(self, event: AlertEvent) -> None:
        for topic in self.topics:
            self.registry.publish(topic, event)


class AggregateHandler(Handler):
    """Gathers events for `interval` (on the replay clock, starting with the run) and then
    publishes one event to `topic`: id = the handler's id, message from the `message` template
    (which sees `.Count` and `.Interval`), level the highest, time the latest, duration the
    longest, details the messages one per line. Events still gathering when the data ends are
    not published, as Kapacitor drops them when the handler closes."""

    kind = "aggregate"

    def __init__(self, registry: TopicRegistry, handler_id: str, options: dict):
        from tickpy.template.gotemplate import compile_template

        self.registry = registry
        self.id = handler_id
        self.interval = parse_interval(options["interval"])
        self.topic = options["topic"]
        self.message = compile_template(options.get("message", ""), "message")
        self.events: list[AlertEvent] = []
        self.next_tick: int | None = None

    def handle(self, event: AlertEvent) -> None:
        self.events.append(event)

    def advance(self, now: int) -> None:
        if self.next_tick is None:
            self.next_tick = now + self.interval
        while now >= self.next_tick:
            self._flush()
            self.next_tick += self.interval

    def pending(self) -> int:
        return len(self.events)

    def _flush(self) -> None:
        if not self.events:
            return
        from tickpy.template.godata import GoInt, GoStruct

        events, self.events = self.events, []
        data = GoStruct({"Interval": Duration(self.interval), "Count": GoInt(len(events))},
                        "alert.aggregateMessageData")
        latest = max(events, key=lambda e: e.time)
        summary = AlertEvent(
            id=self.id, message=self.message.render(data),
            details="\n".join(e.message for e in events), time=latest.time,
            duration=max(e.duration for e in events), level=max(e.level for e in events),
            previous_level=Level.OK, recoverable=True,
            series=[row for e in events for row in e.series], task_name=latest.task_name,
            name=latest.name, group=latest.group, tags=latest.tags, fields=latest.fields,
        )
        self.registry.publish(self.topic, summary)


def parse_interval(value) -> int:
    """An interval in ns from a handler file: a Go duration string (`24h`, `1h30m`) or ns."""
    import re

    if isinstance(value, int):
        return value
    units = {"ns": 1, "us": 1_000, "µs": 1_000, "ms": 1_000_000, "s": 10**9, "m": 60 * 10**9, "h": 3600 * 10**9}
    parts = re.findall(r"(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)", str(value))
    if not parts or "".join(a + u for a, u in parts) != str(value):
        raise ValueError(f"invalid interval {value!r}: expected a duration such as 24h or 10m")
    return int(sum(float(amount) * units[unit] for amount, unit in parts))
