"""`tickpy show-topic-handler TOPIC ID`, as Kapacitor prints it, with secrets masked."""

import json

from tickpy.commands.common import EXIT_OK, add_home_argument, open_store_for, reports_errors

# Options that hold credentials or credential-bearing URLs.
SECRET_OPTIONS = {"token", "user-key", "url", "password", "api-key", "routing-key", "webhook"}


def add_arguments(parser):
    parser.add_argument("topic", metavar="TOPIC")
    parser.add_argument("id", metavar="ID")
    add_home_argument(parser)


@reports_errors
def run(args) -> int:
    handler = open_store_for(args).handler(args.topic, args.id)
    options = {key: ("<redacted>" if key in SECRET_OPTIONS and value else value)
               for key, value in handler.options.items()}
    print("ID:", handler.id)
    print("Topic:", handler.topic)
    print("Kind:", handler.kind)
    print("Match:", handler.match)
    print("Options:", json.dumps(options, separators=(",", ":"), sort_keys=True))
    return EXIT_OK
