"""`tickpy disable NAME...`: a disabled task stays stored but `tickpy run` no longer runs it.

Names may be globs (`tickpy disable '*_alert'`), as in Kapacitor; a plain name must exist."""

from tickpy.commands.common import EXIT_OK, add_home_argument, expand_names, open_store_for, reports_errors


def add_arguments(parser):
    parser.add_argument("names", nargs="+", metavar="NAME", help="task names or glob patterns")
    add_home_argument(parser)


@reports_errors
def run(args) -> int:
    store = open_store_for(args)
    names = expand_names(args.names, lambda name: [task.id for task in store.tasks(name)], "task")
    store.set_status(names, "disabled")
    return EXIT_OK
