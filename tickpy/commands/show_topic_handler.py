"""`tickpy show-topic-handler TOPIC ID`, as Kapacitor prints it (cmd/kapacitor/main.go
doShowTopicHandler): ID, Topic, Kind, Match, and the options as Go's json.Marshal writes them
(keys sorted, no spaces).

Secrets never show: a user key, token or password reads `***`, a URL that may carry its
credential (a post endpoint, a webhook) shows only its scheme and host (`https://host/***`),
and header values that authenticate are masked.
"""

from tickpy.commands.common import EXIT_OK, add_home_argument, open_store_for, reports_errors


def add_arguments(parser):
    parser.add_argument("topic", metavar="TOPIC")
    parser.add_argument("id", metavar="ID")
    add_home_argument(parser)


@reports_errors
def run(args) -> int:
    from tickpy.handlerfile import masked_options
    from tickpy.handlers.gojson import marshal

    handler = open_store_for(args).handler(args.topic, args.id)
    print("ID:", handler.id)
    print("Topic:", handler.topic)
    print("Kind:", handler.kind)
    print("Match:", handler.match)
    print("Options:", marshal(_sorted(masked_options(handler.kind, handler.options))))
    return EXIT_OK


def _sorted(value):
    """Go writes map keys sorted, at every depth."""
    if isinstance(value, dict):
        return {key: _sorted(value[key]) for key in sorted(value)}
    if isinstance(value, list):
        return [_sorted(item) for item in value]
    return value
