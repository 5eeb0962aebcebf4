"""`tickpy delete tasks NAME...`, `delete topics TOPIC...`, `delete topic-handlers TOPIC ID...`."""

from tickpy.commands.common import EXIT_OK, add_home_argument, open_store_for, reports_errors
from tickpy.lang.errors import TickError


def add_arguments(parser):
    parser.add_argument("what", choices=("tasks", "topics", "topic-handlers"))
    parser.add_argument("names", nargs="+", metavar="NAME")
    add_home_argument(parser)


@reports_errors
def run(args) -> int:
    store = open_store_for(args)
    if args.what == "tasks":
        store.delete_tasks(args.names)
    elif args.what == "topics":
        store.delete_topics(args.names)
    else:
        if len(args.names) < 2:
            raise TickError("delete topic-handlers needs the topic and then the handler ids")
        store.delete_handlers(args.names[0], args.names[1:])
    return EXIT_OK
