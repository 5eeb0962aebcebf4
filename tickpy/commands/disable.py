"""`tickpy disable NAME...`."""

from tickpy.commands.common import EXIT_OK, add_home_argument, open_store_for, reports_errors


def add_arguments(parser):
    parser.add_argument("names", nargs="+", metavar="NAME")
    add_home_argument(parser)


@reports_errors
def run(args) -> int:
    open_store_for(args).set_status(args.names, "disabled")
    return EXIT_OK
