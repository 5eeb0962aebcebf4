"""`kind: aggregate`: gathers a topic's events over an interval, then publishes one summary event.

As Kapacitor's aggregate handler (services/alert/handlers.go, aggregateHandler) does, every time
the interval has passed and at least one event was gathered, one event is published to `topic`:

- id: the `id` option (empty when not given — Kapacitor takes it from the options only);
- message: the `message` template, a Go text/template that sees `.Count` (events gathered) and
  `.Interval`; default `Received {{ .Count }} events in the last {{.Interval}}.`;
- level, time and duration: the highest, latest and longest of the gathered events;
- details: the gathered events' messages, one per line;
- data: all their series rows, in order; not recoverable; no task, measurement or tags.

Kapacitor ticks on the wall clock from the moment the handler is created; tickpy ticks on the
replay clock from the first point of the run (`advance(now)`, called by the topic registry).
Events still gathering when the data ends are dropped, as Kapacitor drops them when the handler
closes; `pending()` tells how many.
"""

from __future__ import annotations

from tickpy.alert.event import AlertEvent, Level
from tickpy.data.values import Duration
from tickpy.handlers.base import Handler, register
from tickpy.lang.errors import TickError
from tickpy.template.gotime import parse_go_duration

KIND = "aggregate"
OPTIONS = ("id", "interval", "topic", "message")
DEFAULT_MESSAGE = "Received {{ .Count }} events in the last {{.Interval}}."
MESSAGE_DATA_TYPE = "alert.aggregateMessageData"


def check_aggregate_options(options: dict | None) -> dict:
    """The options with `interval` in ns, `message` defaulted; TickError naming any mistake."""
    options = dict(options or {})
    for name in options:
        if name not in OPTIONS:
            raise TickError(f'{KIND} handler: unknown option "{name}" (known: {", ".join(OPTIONS)})')
    for name in ("id", "topic", "message"):
        if name in options and not isinstance(options[name], str):
            raise TickError(f'{KIND} handler: option "{name}" must be a string, got {options[name]!r}')
    if "interval" not in options:
        raise TickError(f"{KIND} handler: option interval is required (a duration such as 24h)")
    interval = options["interval"]
    if isinstance(interval, bool) or not isinstance(interval, (int, str)):
        raise TickError(f"{KIND} handler: interval must be a duration such as 24h, got {interval!r}")
    if isinstance(interval, str):
        try:
            interval = parse_go_duration(interval.strip())
        except ValueError:
            raise TickError(f"{KIND} handler: invalid interval {options['interval']!r}: "
                            "expected a duration such as 24h, 10m or 90s") from None
    if interval <= 0:
        raise TickError(f"{KIND} handler: interval must be greater than zero")
    if not options.get("topic"):
        raise TickError(f"{KIND} handler: option topic is required (the topic the summary goes to)")
    options["interval"] = interval
    options.setdefault("id", "")
    options.setdefault("message", DEFAULT_MESSAGE)
    compile_message(options["message"])
    return options


def compile_message(text: str):
    """The message template, checked as Kapacitor checks it: parsed, then run once on empty data."""
    from tickpy.template.gotemplate import TemplateError, compile_template

    try:
        template = compile_template(text, name="message", data_type=MESSAGE_DATA_TYPE)
        template.render(_message_data(0, 0))
    except TemplateError as error:
        raise TickError(f"{KIND} handler: invalid message template: {error.message}") from None
    return template


def _message_data(count: int, interval: int):
    from tickpy.template.godata import GoInt, GoStruct

    return GoStruct({"Count": GoInt(count), "Interval": Duration(interval)}, MESSAGE_DATA_TYPE)


class AggregateHandler(Handler):
    kind = KIND

    def __init__(self, options: dict, services):
        options = check_aggregate_options(options)
        self.id = options["id"]
        self.interval = options["interval"]
        self.topic = options["topic"]
        self.message = compile_message(options["message"])
        self.services = services
        self.events: list[AlertEvent] = []
        self.next_tick: int | None = None

    def handle(self, event: AlertEvent) -> None:
        self.events.append(event)

    def advance(self, now: int) -> None:
        """The replay clock reached `now`: fire every tick up to it (the first run starts it)."""
        if self.next_tick is None:
            self.next_tick = now + self.interval
            return
        if now >= self.next_tick:
            # Only the first of the ticks passed can find events; the others publish nothing,
            # so the clock jumps past them (a 5ns interval over hours of data is billions).
            self._tick()
            self.next_tick += ((now - self.next_tick) // self.interval + 1) * self.interval

    def pending(self) -> int:
        return len(self.events)

    def close(self) -> None:
        self.events = []

    def _tick(self) -> None:
        if not self.events:
            return
        events, self.events = self.events, []
        self.services.topics.publish(self.topic, self.summary(events))

    def summary(self, events: list[AlertEvent]) -> AlertEvent:
        return AlertEvent(
            id=self.id,
            message=self.message.render(_message_data(len(events), self.interval)),
            details="\n".join(event.message for event in events),
            time=max(event.time for event in events),
            duration=max(event.duration for event in events),
            level=max((event.level for event in events), default=Level.OK),
            previous_level=Level.OK,  # the topic it is published to sets it
            recoverable=False,
            series=[row for event in events for row in event.series],
            group="",
        )


@register(KIND)
def make_aggregate_handler(options: dict, services) -> AggregateHandler:
    return AggregateHandler(options, services)
