"""What every alert handler is, and how handlers are made from options.

A handler receives alert events and never reaches back into pipeline nodes. Handlers named in a
script (`.pushover().title('x')`) and handlers defined from topic-handler files (`kind: pushover`,
`options: {title: x}`) are built the same way: by `make_handler(kind, options, services)`, with the
options spelled as in Kapacitor's handler files (`url-title`, `user-key`, `avatar-url`,
`embed-title`). The script side translates property names to those keys first.

Sending over the network goes through a delivery queue (see delivery.py), so `handle()` returns
at once and a slow endpoint never changes which alerts fire or when.
"""

from __future__ import annotations

import abc
from typing import Callable

from tickpy.alert.event import AlertEvent


class Handler(abc.ABC):
    kind: str = ""

    @abc.abstractmethod
    def handle(self, event: AlertEvent) -> None:
        """Take one event. Must not block on the network and must not raise for delivery failures."""

    def close(self) -> None:
        """Flush anything buffered. Network handlers leave draining to the delivery queue."""


# kind -> factory(options: dict, services) -> Handler. Modules register their kinds on import.
HandlerFactory = Callable[[dict, object], Handler]
_FACTORIES: dict[str, HandlerFactory] = {}


def register(kind: str):
    """Decorator for a handler factory: `@register("pushover") def make(options, services): ...`."""

    def decorate(factory: HandlerFactory) -> HandlerFactory:
        _FACTORIES[kind] = factory
        return factory

    return decorate


def make_handler(kind: str, options: dict, services) -> Handler:
    _load_builtin_handlers()
    try:
        factory = _FACTORIES[kind]
    except KeyError:
        raise ValueError(f"unknown handler kind {kind!r}") from None
    return factory(options, services)


def _load_builtin_handlers() -> None:
    """Import the handler modules so their @register lines run (imported here, not at the top,
    because each of them imports this module)."""
    import importlib

    for module in ("log", "post", "pushover", "discord", "tcp", "exec", "topic", "aggregate"):
        importlib.import_module(f"tickpy.handlers.{module}")
