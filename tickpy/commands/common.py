"""What the store commands (define, enable, list, show, ...) share: `--home`, the store, and
turning a user mistake into one line on stderr and exit code 1."""

from __future__ import annotations

import argparse
import sys
from functools import wraps

from tickpy.lang.errors import TickError

EXIT_OK = 0
EXIT_PROBLEM = 1


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
            text = error.render() if error.line else f"error: {error.message}"
            print(text, file=sys.stderr)
        except OSError as error:
            print(f"error: {error.filename or ''}: {error.strerror}", file=sys.stderr)
        return EXIT_PROBLEM

    return wrapper
