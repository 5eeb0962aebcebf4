"""`tickpy run --replay DATA.lp [SCRIPT.tick ...]`: replay recorded points through scripts.

The clock is the data's timestamps. Every script is parsed and checked first; a broken one stops
the run with `file:line:col: error: message` and exit 1. During the run, `--events` writes every
alert event as Kapacitor's JSON, one per line, and `--dry-run` prints the notifications instead
of sending them. A summary goes to stderr at the end: points read and skipped (with each skipped
line's reason), per-node points in / out / errors, alerts per level, deliveries and failures.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from tickpy.lang.errors import ERROR, TickError

EXIT_OK = 0
EXIT_PROBLEM = 1
DRAIN_SECONDS = 10.0  # how long the end of a run waits for notifications still being sent


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("scripts", nargs="*", metavar="SCRIPT",
                        help="TICKscripts to run (default: the enabled tasks of the store)")
    parser.add_argument("--replay", required=True, metavar="DATA",
                        help="line protocol file to replay (- for stdin)")
    parser.add_argument("--events", metavar="FILE",
                        help="write every alert event as Kapacitor JSON, one per line (- for stdout)")
    parser.add_argument("--dry-run", action="store_true",
                        help="print the notifications that would be sent instead of sending them")
    parser.add_argument("--precision", default="ns", choices=("ns", "n", "us", "u", "ms", "s", "m", "h"),
                        help="unit of the data's timestamps (default: ns)")
    parser.add_argument("--dbrp", metavar="DB.RP", type=_dbrp,
                        help="database and retention policy of the points (until a "
                             "# CONTEXT-DATABASE header says otherwise), for tasks defined with -dbrp")
    parser.add_argument("--config", metavar="FILE", help="kapacitor.conf (default: $TICKPY_CONFIG)")
    parser.add_argument("--home", metavar="DIR", help="tickpy home with the task store (default: $TICKPY_HOME)")
    parser.add_argument("--quiet", action="store_true", help="no summary on stderr")


def run(args: argparse.Namespace) -> int:
    try:
        return _run(args)
    except TickError as error:
        print(error.render(), file=sys.stderr)
        return EXIT_PROBLEM
    except OSError as error:
        print(f"tickpy run: {error.filename or ''}: {error.strerror}", file=sys.stderr)
        return EXIT_PROBLEM


def _run(args: argparse.Namespace) -> int:
    from tickpy.config import load_config
    from tickpy.pipeline.build import build_task
    from tickpy.replay import replay, terminal_progress
    from tickpy.services import Services

    from tickpy.alert.topics import TopicRegistry

    config = load_config(args.config)
    services = Services(config=config, dry_run=args.dry_run)
    store = _store(args)
    services.topics = TopicRegistry(services, store)
    if not args.dry_run:
        from tickpy.handlers.delivery import DeliveryQueue

        services.delivery = DeliveryQueue(services.report)
    events_out = _open_events(args.events)
    if events_out is not None:
        services.event_listeners.append(_event_writer(events_out))

    sources = [_load_script(path) for path in args.scripts] if args.scripts else _stored_tasks(store)
    tasks = []
    for name, program, source_name, template_vars, dbrps in sources:
        task = build_task(program, name, services, source_name, template_vars)
        task.dbrps += [dbrp for dbrp in dbrps if dbrp not in task.dbrps]
        tasks.append(task)
    _open_anonymous_topics(tasks, services.topics)
    progress = terminal_progress if sys.stderr.isatty() and _is_large(args.replay) else None
    try:
        replay(args.replay, tasks, services, args.precision, progress, args.dbrp or ("", ""))
    finally:
        if progress is not None:
            sys.stderr.write("\n")
        if services.delivery is not None:
            services.report.undelivered = services.delivery.close(DRAIN_SECONDS)
        if events_out is not None and events_out is not sys.stdout:
            events_out.close()
        elif events_out is not None:
            events_out.flush()
    sys.stdout.flush()  # notifications and events first, then the summary
    for line in services.report.skipped:
        print(line, file=sys.stderr)
    if not args.quiet:
        sys.stderr.write(services.report.render(tasks))
        for hint in _unrouted_hints(tasks, services.report.points_read):
            print(hint, file=sys.stderr)
    return EXIT_OK


def _open_anonymous_topics(tasks: list, topics) -> None:
    """Each alert node with handlers has its anonymous topic from the moment its task starts,
    events or not, as Kapacitor's alert node restores it when it starts (alert.go runAlert)."""
    for task in tasks:
        for node in task.alert_nodes:
            if node.anon_topic:
                topics.open_topic(node.anon_topic)


def _event_writer(out):
    """Writes each event as Kapacitor's JSON. One with NaN or ±Inf in its data has no JSON (Go's
    encoder refuses it, and Kapacitor's log handler logs that and writes nothing): it is
    skipped with a line on stderr saying so."""
    from tickpy.handlers.gojson import GoJSONError
    from tickpy.handlers.options import describe_event
    from tickpy.handlers.post import alert_data_json

    def write(event) -> None:
        try:
            text = alert_data_json(event)
        except GoJSONError as error:
            print(f"tickpy run: --events: {describe_event(event)} not written: {error}",
                  file=sys.stderr)
            return
        out.write(text)

    return write


def _dbrp(text: str) -> tuple[str, str]:
    from tickpy.store import parse_dbrp

    try:
        return parse_dbrp(text)
    except TickError as error:
        raise argparse.ArgumentTypeError(error.message) from None


def _unrouted_hints(tasks: list, points_read: int) -> list[str]:
    """Why a task with dbrps got nothing: the usual cause is data without a database header."""
    hints = []
    for task in tasks:
        if task.dbrps and points_read and task.stream.points_in == 0:
            first = task.dbrps[0]
            hints.append(f"task {task.name}: no point was in its dbrps "
                         f"({', '.join(f'{db}.{rp}' for db, rp in task.dbrps)}); "
                         f"points need a # CONTEXT-DATABASE header or --dbrp {first[0]}.{first[1]}")
    return hints


def _load_script(path: str):
    """Parse and check one script; errors stop the run, warnings are printed and the run goes on."""
    from tickpy.lang.check import check
    from tickpy.lang.parser import parse

    with open(path, encoding="utf-8") as source:
        text = source.read()
    program = parse(text, path)
    problems = check(program, path)
    for problem in problems:
        print(problem.render(), file=sys.stderr)
    first_error = next((p for p in problems if p.severity == ERROR), None)
    if first_error is not None:
        raise TickError(f"{path} has errors; not running it", source_name=path)
    return Path(path).stem, program, path, {}, []


def _store(args: argparse.Namespace):
    """The store of the home, when there is one (or when it is needed: no scripts given)."""
    from tickpy.store import DB_NAME, home_directory, open_store

    if args.scripts and not (home_directory(args.home) / DB_NAME).exists():
        return None
    return open_store(args.home)


def _stored_tasks(store):
    """The enabled tasks of the store, parsed, with their vars and dbrps."""
    from tickpy.lang.parser import parse
    from tickpy.taskvars import var_values

    tasks = []
    for task in store.tasks():
        if task.status != "enabled":
            continue
        program = parse(task.script, f"task {task.id}")
        dbrps = task.dbrp_pairs()
        tasks.append((task.id, program, f"task {task.id}", var_values(task.vars), dbrps))
    if not tasks:
        raise TickError("no scripts given and no enabled tasks in the store "
                        "(tickpy define NAME -tick FILE; tickpy enable NAME)")
    return tasks


def _open_events(target: str | None):
    if target is None:
        return None
    if target == "-":
        return sys.stdout
    return open(target, "w", encoding="utf-8")


def _is_large(path: str) -> bool:
    try:
        return path != "-" and os.path.getsize(path) > 50_000_000
    except OSError:
        return False
