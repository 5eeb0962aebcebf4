"""`kind: publish`: passes each event on to other topics (services/alert/handlers.go,
publishHandler), where those topics' handlers take it as if a task had sent it there.

Options: `topics`, a list of topic names. The event is the same one, so its id, level and
message are kept; each topic it reaches records it under its own state (and so gives it its own
previousLevel). The topic registry refuses to go round in a circle (a topic publishing, directly
or not, back to itself) and reports it instead.
"""

from __future__ import annotations

from tickpy.alert.event import AlertEvent
from tickpy.handlers.base import Handler, register
from tickpy.lang.errors import TickError

KIND = "publish"
OPTIONS = ("topics",)


def check_publish_options(options: dict | None) -> list[str]:
    """The topics to publish to; TickError for anything else."""
    options = dict(options or {})
    for name in options:
        if name not in OPTIONS:
            raise TickError(f'{KIND} handler: unknown option "{name}" (known: topics)')
    topics = options.get("topics")
    if isinstance(topics, str):
        topics = [topics]
    if not isinstance(topics, list) or not topics or not all(isinstance(t, str) and t for t in topics):
        raise TickError(f"{KIND} handler: option topics must be a list of topic names, got {topics!r}")
    return topics


class PublishHandler(Handler):
    kind = KIND

    def __init__(self, topics: list[str], services):
        self.topics = list(topics)
        self.services = services

    def handle(self, event: AlertEvent) -> None:
        for topic in self.topics:
            self.services.topics.publish(topic, event)


@register(KIND)
def make_publish_handler(options: dict, services) -> PublishHandler:
    return PublishHandler(check_publish_options(options), services)
