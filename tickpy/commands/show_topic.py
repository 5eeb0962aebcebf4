"""`tickpy show-topic TOPIC`: the topic's level, handlers and latest event per alert id, in
Kapacitor's layout (cmd/kapacitor/main.go doShowTopic)."""

from datetime import datetime, timezone

from tickpy.commands.common import EXIT_OK, add_home_argument, open_store_for, reports_errors
from tickpy.store import StoreError

_ORDER = ["OK", "INFO", "WARNING", "CRITICAL"]


def add_arguments(parser):
    parser.add_argument("topic", metavar="TOPIC")
    add_home_argument(parser)


@reports_errors
def run(args) -> int:
    store = open_store_for(args)
    if args.topic not in store.topics():
        raise StoreError(f"no topic named {args.topic!r}")
    events = store.topic_events(args.topic)
    handlers = [h.id for h in store.handlers(args.topic)]
    level = max((e.level for e in events), key=_ORDER.index, default="OK")
    event_width = max([5] + [len(e.id) for e in events]) + 1
    message_width = max([7] + [len(e.message) for e in events]) + 1
    print("ID:", args.topic)
    print("Level:", level)
    print("Collected:", len(events))
    print(f"Handlers: [{', '.join(handlers)}]")
    print("Events:")
    print(f"{'Event':<{event_width}}{'Level':<9}{'Message':<{message_width}}{'Date':<23}")
    for e in events:
        print(f"{e.id:<{event_width}}{e.level:<9}{e.message:<{message_width}}{_rfc822(e.time):<23}")
    return EXIT_OK


def _rfc822(ns: int) -> str:
    """Go's time.RFC822 layout, "02 Jan 06 15:04 UTC"."""
    return datetime.fromtimestamp(ns / 1e9, tz=timezone.utc).strftime("%d %b %y %H:%M UTC")
