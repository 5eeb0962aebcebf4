"""`tickpy fmt FILE...`: print scripts in tickfmt's canonical form, check it, or rewrite files.

Without flags the formatted text goes to stdout. `--check` lists the files whose formatting
would change and exits 1 if there are any (for CI). `-w` rewrites changed files in place, through
a temporary file in the same directory and an atomic rename, so an interrupted run never leaves a
half-written script behind.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile

from tickpy.lang.errors import TickError
from tickpy.lang.fmt import format_source

EXIT_OK = 0
EXIT_PROBLEM = 1


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("files", nargs="+", metavar="FILE", help="scripts to format; - reads standard input")
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--check", action="store_true",
                      help="print the files that are not formatted and exit 1 if there are any")
    mode.add_argument("-w", "--write", action="store_true", help="rewrite files in place")


def run(args: argparse.Namespace) -> int:
    failed = False
    for path in args.files:
        try:
            original = _read(path)
            formatted = format_source(original, "<stdin>" if path == "-" else path)
        except TickError as error:
            print(error.render())
            failed = True
            continue
        except OSError as error:
            print(f"{path}: error: cannot read: {error.strerror}")
            failed = True
            continue
        if args.check:
            if formatted != original:
                print(path)
                failed = True
        elif args.write and path != "-":
            if formatted != original:
                _write_atomically(path, formatted)
        else:
            sys.stdout.write(formatted)
    return EXIT_PROBLEM if failed else EXIT_OK


def _read(path: str) -> str:
    if path == "-":
        return sys.stdin.read()
    with open(path, encoding="utf-8", newline="") as source:
        return source.read()


def _write_atomically(path: str, text: str) -> None:
    directory = os.path.dirname(os.path.abspath(path))
    mode = os.stat(path).st_mode & 0o777
    descriptor, temporary = tempfile.mkstemp(dir=directory, prefix=".tickfmt-", suffix=".tick")
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8", newline="") as out:
            out.write(text)
        os.chmod(temporary, mode)
        os.replace(temporary, path)
    except BaseException:
        os.unlink(temporary)
        raise
