"""`tickpy define-topic-handler FILE`: adds (or replaces) a handler on a topic."""

import sys

from tickpy.commands.common import EXIT_OK, add_home_argument, open_store_for, reports_errors


def add_arguments(parser):
    parser.add_argument("file", metavar="FILE", help="handler file, YAML or JSON")
    add_home_argument(parser)


@reports_errors
def run(args) -> int:
    from tickpy.handlerfile import read_handler_file

    handler, warnings = read_handler_file(args.file)
    for warning in warnings:
        print(warning.render(), file=sys.stderr)
    open_store_for(args).define_handler(handler)
    return EXIT_OK
