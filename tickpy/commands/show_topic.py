"""`tickpy show-topic TOPIC`: the topic's level, count, handlers and the latest event of each
alert in it, in Kapacitor's layout (cmd/kapacitor/main.go doShowTopic):

    ID: cpu
    Level: CRITICAL
    Collected: 3
    Handlers: [discord-cpu-alert, pushover-cpu-alert]
    Events:
    Event        Level    Message              Date
    cpu:nil      CRITICAL Hey, check your CPU  14 Nov 23 22:13 UTC

Events oldest first; dates in the local time zone, as Kapacitor prints them. Alerts that
recovered (OK) are not kept (see tickpy/store.py).
"""

from tickpy.commands.common import EXIT_OK, add_home_argument, open_store_for, reports_errors, rfc822_local


def add_arguments(parser):
    parser.add_argument("topic", metavar="TOPIC")
    add_home_argument(parser)


@reports_errors
def run(args) -> int:
    store = open_store_for(args)
    topic = store.topic(args.topic)
    events = store.topic_events(args.topic)
    handlers = [handler.id for handler in store.handlers() if handler.topic == args.topic]
    event_width = max([5] + [len(event.id) for event in events]) + 1
    message_width = max([7] + [len(event.message) for event in events]) + 1
    row = f"{{:<{event_width}}}{{:<9}}{{:<{message_width}}}{{:<23}}"
    print("ID:", topic.id)
    print("Level:", topic.level)
    print("Collected:", topic.collected)
    print(f"Handlers: [{', '.join(handlers)}]")
    print("Events:")
    print(row.format("Event", "Level", "Message", "Date"))
    for event in events:
        print(row.format(event.id, event.level, event.message, rfc822_local(event.time)))
    return EXIT_OK
