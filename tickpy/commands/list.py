"""`tickpy list tasks|topics|topic-handlers [PATTERN...]`, in Kapacitor's column layout
(cmd/kapacitor/main.go doList).

- tasks: ID (as wide as the longest id, at least 2, plus one), then Type, Status and Executing
  in 10 columns each, then the dbrps; sorted by id. tickpy has no server: a task "executes"
  when it is enabled, i.e. when `tickpy run` would run it.
- topics: ID, Level (at least 8 wide plus one), Collected right-aligned in 10. Anonymous topics
  (`main:TASK:alert2`) are listed, except a disabled task's, as Kapacitor lists the topics open.
- topic-handlers [TOPIC-PATTERN [ID-PATTERN...]]: Topic, ID, Kind, each at least 10 wide plus one.
Patterns are globs; without one everything is listed.
"""

from tickpy.commands.common import EXIT_OK, add_home_argument, go_dbrps, open_store_for, reports_errors


def add_arguments(parser):
    parser.add_argument("what", choices=("tasks", "topics", "topic-handlers"))
    parser.add_argument("patterns", nargs="*", metavar="PATTERN",
                        help="glob patterns (topic-handlers: a topic pattern, then handler id patterns)")
    add_home_argument(parser)


@reports_errors
def run(args) -> int:
    store = open_store_for(args)
    if args.what == "tasks":
        _list_tasks(store, args.patterns or [""])
    elif args.what == "topics":
        _list_topics(store, args.patterns or [""])
    else:
        _list_handlers(store, args.patterns[0] if args.patterns else "", args.patterns[1:] or [""])
    return EXIT_OK


def _list_tasks(store, patterns: list[str]) -> None:
    tasks = sorted((task for pattern in patterns for task in store.tasks(pattern)), key=lambda t: t.id)
    width = max([2] + [len(task.id) for task in tasks]) + 1
    row = f"{{:<{width}}}{{:<10}}{{:<10}}{{:<10}}{{}}"
    print(row.format("ID", "Type", "Status", "Executing", "Databases and Retention Policies"))
    for task in tasks:
        executing = "true" if task.status == "enabled" and not task.error else "false"
        print(row.format(task.id, task.type, task.status, executing, go_dbrps(task.dbrps)))


def _list_topics(store, patterns: list[str]) -> None:
    topics = [store.topic(topic) for pattern in patterns for topic in store.topics(pattern)]
    id_width = max([2] + [len(topic.id) for topic in topics]) + 1
    level_width = max([8] + [len(topic.level) for topic in topics]) + 1
    row = f"{{:<{id_width}}}{{:<{level_width}}}{{:>10}}"
    print(row.format("ID", "Level", "Collected"))
    for topic in topics:
        print(row.format(topic.id, topic.level, topic.collected))


def _list_handlers(store, topic_pattern: str, id_patterns: list[str]) -> None:
    handlers = [handler for topic in store.topics(topic_pattern) for pattern in id_patterns
                for handler in store.handlers(topic, pattern) if handler.topic == topic]
    topic_width = max([10] + [len(h.topic) for h in handlers]) + 1
    id_width = max([10] + [len(h.id) for h in handlers]) + 1
    kind_width = max([10] + [len(h.kind) for h in handlers]) + 1
    row = f"{{:<{topic_width}}}{{:<{id_width}}}{{:<{kind_width}}}"
    print(row.format("Topic", "ID", "Kind"))
    for handler in handlers:
        print(row.format(handler.topic, handler.id, handler.kind))
