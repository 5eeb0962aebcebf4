"""`tickpy list tasks|topics|topic-handlers [PATTERN...]`, in Kapacitor's column layout
(cmd/kapacitor/main.go doList): left-aligned columns one wider than their longest entry."""

from tickpy.commands.common import EXIT_OK, add_home_argument, open_store_for, reports_errors


def add_arguments(parser):
    parser.add_argument("what", choices=("tasks", "topics", "topic-handlers"))
    parser.add_argument("patterns", nargs="*", metavar="PATTERN", help="glob patterns (default: all)")
    add_home_argument(parser)


@reports_errors
def run(args) -> int:
    store = open_store_for(args)
    if args.what == "tasks":
        tasks = _unique(t for p in (args.patterns or [""]) for t in store.tasks(p))
        width = max([2] + [len(t.id) for t in tasks]) + 1
        print(f"{'ID':<{width}}{'Type':<10}{'Status':<10}{'Executing':<10}Databases and Retention Policies")
        for t in tasks:
            dbrps = "[" + " ".join(f'"{d.split(".")[0]}"."{d.split(".", 1)[1]}"' for d in t.dbrps) + "]"
            print(f"{t.id:<{width}}{t.type:<10}{t.status:<10}{str(t.status == 'enabled').lower():<10}{dbrps}")
    elif args.what == "topics":
        topics = _unique(t for p in (args.patterns or [""]) for t in store.topics(p))
        levels = {topic: _topic_level(store, topic) for topic in topics}
        width = max([2] + [len(t) for t in topics]) + 1
        level_width = max([5] + [len(level) for level in levels.values()]) + 1
        print(f"{'ID':<{width}}{'Level':<{level_width}}{'Collected':>10}")
        for topic in topics:
            print(f"{topic:<{width}}{levels[topic]:<{level_width}}{len(store.topic_events(topic)):>10}")
    else:
        topic_pattern = args.patterns[0] if args.patterns else ""
        id_patterns = args.patterns[1:] or [""]
        handlers = _unique(h for p in id_patterns for h in store.handlers(topic_pattern, p))
        topic_width = max([5] + [len(h.topic) for h in handlers]) + 1
        id_width = max([2] + [len(h.id) for h in handlers]) + 1
        print(f"{'Topic':<{topic_width}}{'ID':<{id_width}}Kind")
        for h in handlers:
            print(f"{h.topic:<{topic_width}}{h.id:<{id_width}}{h.kind}")
    return EXIT_OK


def _unique(items):
    seen, result = set(), []
    for item in items:
        key = repr(item)
        if key not in seen:
            seen.add(key)
            result.append(item)
    return result


def _topic_level(store, topic: str) -> str:
    """A topic's level is the highest level among its events' latest states."""
    order = ["OK", "INFO", "WARNING", "CRITICAL"]
    levels = [e.level for e in store.topic_events(topic)]
    return max(levels, key=order.index) if levels else "OK"
