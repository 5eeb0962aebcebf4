"""Topics: named streams of alert events that handlers subscribe to (Kapacitor's alert service).

`.topic('cpu')` in a script publishes its events to topic `cpu` (`publish(topic, event)`). As in
Kapacitor (alert/topics.go, services/alert/service.go), each topic:
- keeps the latest state of every alert id in it, and gives each event it collects the level of
  the previous one for the same id (`previousLevel`, and what `changed()` compares);
- counts the events it collected;
- hands each event to the handlers defined on it (`tickpy define-topic-handler`) whose `match`
  accepts it. A match that fails to evaluate (a missing tag) skips that handler and is reported.

The state starts from the store (as Kapacitor restores it when it starts) and is written back in
batches and at the end of the run; an OK state removes the alert from the store. A registry
given a store that only lists handlers (`tickpy test`) keeps its state in memory.

An alert node with handlers also collects its events into its anonymous topic
(tickpy/alert/anonymous.py): `collect` keeps the state and gives the event its previousLevel, the
node hands the event to its own handlers, then `hand_out` to any handler defined on that topic.
A new group starts from the state its alert id has in these topics (`found_state`), and the
alert node keeps the anonymous and the named topic in step (`update_state`), as Kapacitor's
restoreEvent does.

Handlers are built when the registry is made, so a handler that cannot be built (its service is
not enabled in kapacitor.conf, say) is reported once, before any point is replayed, and skipped.
`publish` and `aggregate` handlers route events back here through `services.topics`; a circle of
topics publishing to each other is cut and reported rather than followed forever.
"""

from __future__ import annotations

import dataclasses
import sys
from collections import Counter

from tickpy.alert.event import AlertEvent, Level
from tickpy.alert.match import Match, MatchError
from tickpy.handlers.base import Handler, make_handler
from tickpy.lang.errors import TickError
from tickpy.store import TopicEvent

SAVE_EVERY = 1000  # collected events between two writes of the topic state to the store


@dataclasses.dataclass
class Subscriber:
    topic: str
    id: str
    match: Match
    handler: Handler

    @property
    def name(self) -> str:
        return f"{self.topic}/{self.id}"


class TopicRegistry:
    def __init__(self, services, store=None, warnings=None):
        self.services = services
        self.store = store
        self._warnings = warnings if warnings is not None else sys.stderr
        self._persist = store is not None and hasattr(store, "save_topic_state")
        # topic -> alert id -> the latest state (OK ones too, while the run lasts)
        self._states: dict[str, dict[str, TopicEvent]] = self._restored_states()
        self.collected: Counter = Counter()
        self._unsaved_counts: Counter = Counter()
        self._unsaved_states: dict[tuple[str, str], TopicEvent] = {}
        self._publishing: list[str] = []
        self._subscribers: dict[str, list[Subscriber]] = {}
        self._clocked: list[Handler] = []
        self._load_handlers()

    # Collecting ------------------------------------------------------------------------------

    def publish(self, topic: str, event: AlertEvent) -> None:
        """Collect `event` in `topic` and pass it to the topic's handlers."""
        if topic in self._publishing:
            chain = " -> ".join(self._publishing + [topic])
            self._report(f"topic {topic}", f"not publishing event {event.id!r} in a circle: {chain}")
            return
        self.hand_out(topic, self.collect(topic, event))

    def collect(self, topic: str, event: AlertEvent) -> AlertEvent:
        """Keep `event` as the latest state of its alert id in `topic` and count it; the event
        with the topic's name and, as its previousLevel, the level the id had there."""
        states = self._states.setdefault(topic, {})
        previous = states.get(event.id)
        event = dataclasses.replace(event, topic=topic,
                                    previous_level=Level[previous.level] if previous is not None else Level.OK)
        state = TopicEvent(event.id, event.level.name, event.message, event.details, event.time, event.duration)
        states[event.id] = state
        self.collected[topic] += 1
        self._remember(topic, state, counted=True)
        return event

    def hand_out(self, topic: str, event: AlertEvent) -> None:
        """Give a collected event to the handlers defined on `topic` whose match accepts it."""
        subscribers = self._subscribers.get(topic)
        if not subscribers:
            return
        self._publishing.append(topic)
        try:
            for subscriber in subscribers:
                try:
                    wanted = subscriber.match(event)
                except MatchError as error:
                    self._report(f"handler {subscriber.name}", f"failed to evaluate match expression: {error}")
                    continue
                if wanted:
                    subscriber.handler.handle(event)
        finally:
            self._publishing.pop()

    def open_topic(self, topic: str) -> None:
        """A task with this (anonymous) topic starts: the topic exists from now on, with no event
        yet if it has none, as Kapacitor's RestoreTopic makes it when an alert node starts."""
        if self._persist:
            self.store.save_topic_state({topic: 0}, {})

    def found_state(self, topic: str, alert_id: str) -> TopicEvent | None:
        """The latest state of `alert_id` in `topic`, OK included (Kapacitor's EventState: an OK
        state collected in this run is found; one from an earlier run was not kept)."""
        return self._states.get(topic, {}).get(alert_id)

    def update_state(self, topic: str, state: TopicEvent) -> None:
        """Set the state of `state.id` in `topic` without collecting an event: no count, no
        handler (Kapacitor's UpdateEvent, used to bring a task's topics in step)."""
        self._states.setdefault(topic, {})[state.id] = state
        self._remember(topic, state, counted=False)

    def advance(self, now: int) -> None:
        """The replay clock reached `now` (aggregate handlers tick on it)."""
        for handler in self._clocked:
            handler.advance(now)

    def finish(self) -> None:
        """The run is over: close the handlers and save the topics' state."""
        for subscribers in self._subscribers.values():
            for subscriber in subscribers:
                pending = getattr(subscriber.handler, "pending", None)
                if pending is not None and pending():
                    self._note(f"topic handler {subscriber.name}: {pending()} event(s) still gathering "
                               "when the data ended were dropped, as Kapacitor drops them on close")
                subscriber.handler.close()
        self.save()

    def save(self) -> None:
        if not self._persist or not (self._unsaved_counts or self._unsaved_states):
            return
        self.store.save_topic_state(dict(self._unsaved_counts), dict(self._unsaved_states))
        self._unsaved_counts.clear()
        self._unsaved_states.clear()

    # Internals -------------------------------------------------------------------------------

    def _remember(self, topic: str, state: TopicEvent, counted: bool) -> None:
        if not self._persist:
            return
        if counted:
            self._unsaved_counts[topic] += 1
        self._unsaved_states[(topic, state.id)] = state
        if sum(self._unsaved_counts.values()) >= SAVE_EVERY:
            self.save()

    def _restored_states(self) -> dict[str, dict[str, TopicEvent]]:
        if not self._persist or not hasattr(self.store, "all_topic_events"):
            return {}
        return {topic: {event.id: event for event in events if event.level in Level.__members__}
                for topic, events in self.store.all_topic_events().items()}

    def _load_handlers(self) -> None:
        stored_handlers = self.store.handlers() if self.store is not None else []
        for stored in stored_handlers:
            try:
                match = Match(stored.match)
                handler = make_handler(stored.kind, dict(stored.options), self.services)
            except (TickError, ValueError) as error:
                message = error.message if isinstance(error, TickError) else str(error)
                self._note(f"topic handler {stored.topic}/{stored.id} not loaded: {message}")
                continue
            self._subscribers.setdefault(stored.topic, []).append(
                Subscriber(stored.topic, stored.id, match, handler))
            if hasattr(handler, "advance"):
                self._clocked.append(handler)

    def _report(self, name: str, detail: str) -> None:
        report = getattr(self.services, "report", None)
        if report is not None:
            report.delivery(name, False, detail)

    def _note(self, text: str) -> None:
        if self._warnings is not None:
            print(f"tickpy: warning: {text}", file=self._warnings)
