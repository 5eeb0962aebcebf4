"""What the store commands (define, enable, list, show, ...) share: `--home`, the store, names
given as globs, Kapacitor's ways of printing dbrps and times, and turning a user mistake into
one line on stderr and exit code 1."""

from __future__ import annotations

import argparse
import sys
from datetime import datetime, timezone
from functools import wraps
from typing import Callable

from tickpy.lang.errors import TickError

EXIT_OK = 0
EXIT_PROBLEM = 1

GO_ZERO_TIME_RFC822 = "01 Jan 01 00:00 UTC"  # how Go prints a time that was never set
_GLOB_CHARACTERS = set("*?[")


def add_home_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--home", "-home", metavar="DIR",
                        help="tickpy home holding the store (default: $TICKPY_HOME or ~/.tickpy)")


def open_store_for(args: argparse.Namespace):
    from tickpy.store import open_store

    return open_store(getattr(args, "home", None))


def reports_errors(run):
    """Wrap a command's run(): a TickError or OSError becomes one line on stderr and exit 1."""

    @wraps(run)
    def wrapper(args: argparse.Namespace) -> int:
        try:
            return run(args)
        except TickError as error:
            named = error.line or error.source_name != "<script>"
            text = error.render() if named else f"{error.severity}: {error.message}"
            print(text, file=sys.stderr)
        except OSError as error:
            where = f"{error.filename}: " if error.filename else ""
            print(f"error: {where}{error.strerror or error}", file=sys.stderr)
        return EXIT_PROBLEM

    return wrapper


def is_glob(name: str) -> bool:
    return any(character in _GLOB_CHARACTERS for character in name)


def expand_names(names: list[str], matching: Callable[[str], list[str]], what: str) -> list[str]:
    """The names to act on, in order, each once. A glob (`*_alert`) may match nothing, as in
    Kapacitor; a plain name that matches nothing is an error naming it."""
    from tickpy.store import StoreError

    found: list[str] = []
    for name in names:
        matched = matching(name)
        if not matched and not is_glob(name):
            raise StoreError(f"no {what} named {name!r}")
        found += [item for item in matched if item not in found]
    return found


def add_task_names_argument(parser: argparse.ArgumentParser) -> None:
    """`NAME...` and `--home`, for the commands that act on stored tasks by name (enable, disable)."""
    parser.add_argument("names", nargs="+", metavar="NAME", help="task names or glob patterns")
    add_home_argument(parser)


def set_tasks_status(args: argparse.Namespace, status: str) -> int:
    """enable and disable: the named tasks (globs allowed) get the status."""
    store = open_store_for(args)
    store.set_status(expand_task_names(store, args.names), status)
    return EXIT_OK


def expand_task_names(store, names: list[str]) -> list[str]:
    """The ids of the stored tasks the names (or globs) name, as expand_names finds them."""
    return expand_names(names, lambda pattern: [task.id for task in store.tasks(pattern)], "task")


def go_dbrps(dbrps: list[str]) -> str:
    """A task's dbrps as Kapacitor prints them: `["telegraf"."autogen" "db"."rp"]`."""
    from tickpy.store import parse_dbrp
    from tickpy.template.gofmt import go_quote

    pairs = [parse_dbrp(text) for text in dbrps]
    return "[" + " ".join(f"{go_quote(database)}.{go_quote(rp)}" for database, rp in pairs) + "]"


def rfc822_utc(iso: str) -> str:
    """Go's time.RFC822 layout (`02 Jan 06 15:04 UTC`) of a stored ISO time; Go's zero time for ""."""
    if not iso:
        return GO_ZERO_TIME_RFC822
    moment = datetime.fromisoformat(iso).astimezone(timezone.utc)
    return moment.strftime("%d %b %y %H:%M UTC")


def rfc822_local(ns: int) -> str:
    """Go's `t.Local().Format(time.RFC822)` for a time in ns, as `show-topic` prints event dates."""
    moment = datetime.fromtimestamp(ns / 1e9, tz=timezone.utc).astimezone()
    return moment.strftime("%d %b %y %H:%M ") + (moment.strftime("%Z") or moment.strftime("%z"))
