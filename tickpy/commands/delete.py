"""`tickpy delete tasks NAME...`, `delete topics TOPIC...`, `delete topic-handlers TOPIC ID...`.

As in Kapacitor (cmd/kapacitor/main.go doDelete) names may be globs, and handlers are named by
their topic first. Deleting a topic forgets its events and count; its handlers stay. Deleting an
enabled task also deletes its anonymous topics (`main:TASK:alert2`, see tickpy/store.py)."""

from tickpy.commands.common import (EXIT_OK, add_home_argument, expand_names, expand_task_names, open_store_for,
                                    reports_errors)
from tickpy.lang.errors import TickError


def add_arguments(parser):
    parser.add_argument("what", choices=("tasks", "topics", "topic-handlers"))
    parser.add_argument("names", nargs="+", metavar="NAME",
                        help="names or glob patterns (topic-handlers: the topic, then handler ids)")
    add_home_argument(parser)


@reports_errors
def run(args) -> int:
    store = open_store_for(args)
    if args.what == "tasks":
        store.delete_tasks(expand_task_names(store, args.names))
    elif args.what == "topics":
        store.delete_topics(expand_names(args.names, store.topics, "topic"))
    else:
        topic, patterns = args.names[0], args.names[1:]
        if not patterns:
            raise TickError("delete topic-handlers needs the topic and then the handler ids: "
                            "tickpy delete topic-handlers TOPIC ID...")
        ids = expand_names(patterns, lambda n: [h.id for h in store.handlers(topic, n) if h.topic == topic],
                           f"handler on topic {topic!r}")
        store.delete_handlers(topic, ids)
    return EXIT_OK
