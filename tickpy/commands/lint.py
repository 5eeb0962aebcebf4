"""`tickpy lint FILE...`: report every problem, one per line, and exit 1 when there is an error.

Formats: `text` (`FILE:LINE:COL: error: MESSAGE`, the shape compilers and editors understand),
`json` (a list of {file, line, column, severity, message}) and `github` (workflow annotations,
so problems show on the pull request's diff).
"""

from __future__ import annotations

import argparse
import json
import re
import sys

from tickpy.lang.errors import TickError
from tickpy.lang.lint import KINDS, has_errors, lint_paths

EXIT_OK = 0
EXIT_PROBLEM = 1
EXIT_USAGE = 2

_DURATION = re.compile(r"^(\d+)(u|µ|ms|s|m|h|d|w)$")
_NANOSECONDS = {"u": 1_000, "µ": 1_000, "ms": 1_000_000, "s": 10**9, "m": 60 * 10**9,
                "h": 3600 * 10**9, "d": 86400 * 10**9, "w": 7 * 86400 * 10**9}


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("files", nargs="+", metavar="FILE", help="files to check; - reads standard input")
    parser.add_argument("--format", choices=("text", "json", "github"), default="text",
                        help="output format (default: text)")
    parser.add_argument("--strict", action="store_true", help="exit 1 on warnings too")
    parser.add_argument("--kind", choices=KINDS, default=None,
                        help="what the files are (default: from the file name; .tick and stdin are "
                             "TICKscripts, .yaml/.yml/.json handler files, .conf/.toml configuration)")
    parser.add_argument("--var", action="append", default=[], metavar="NAME=VALUE",
                        help="value of a template var (`var x float`), as `define -vars` gives it; "
                             "repeatable")


def run(args: argparse.Namespace) -> int:
    try:
        vars = dict(_parse_var(item) for item in args.var)
    except ValueError as problem:
        print(f"tickpy lint: {problem}", file=sys.stderr)
        return EXIT_USAGE
    try:
        problems = lint_paths(args.files, args.kind, vars)
    except Exception as problem:  # lint_paths reports per file; this is the last guard
        problems = [TickError(f"internal error (a tickpy bug, please report it): "
                              f"{type(problem).__name__}: {problem}", source_name="tickpy")]
    _print(problems, args.format)
    return EXIT_PROBLEM if has_errors(problems, args.strict) else EXIT_OK


def _print(problems: list[TickError], output_format: str) -> None:
    out = sys.stdout
    if output_format == "json":
        json.dump([p.as_dict() for p in problems], out, indent=2, ensure_ascii=False)
        out.write("\n")
    elif output_format == "github":
        for p in problems:
            out.write(_github_annotation(p) + "\n")
    else:
        for p in problems:
            out.write(p.render() + "\n")
    out.flush()


def _github_annotation(problem: TickError) -> str:
    """`::error file=F,line=L,col=C::message`, escaped as GitHub's workflow commands require."""
    fields = [f"file={_escape_property(problem.source_name)}"]
    if problem.line:
        fields.append(f"line={problem.line}")
        if problem.column:
            fields.append(f"col={problem.column}")
    return f"::{problem.severity} {','.join(fields)}::{_escape_data(problem.message)}"


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def _parse_var(item: str) -> tuple[str, object]:
    """NAME=VALUE with VALUE read as a TICKscript literal: 10, 1.5, 5m, TRUE, or else a string."""
    name, sep, text = item.partition("=")
    if not sep or not name.isidentifier():
        raise ValueError(f"--var wants NAME=VALUE, got {item!r}")
    from tickpy.data.values import Duration

    duration = _DURATION.match(text)
    if duration:
        return name, Duration(int(duration.group(1)) * _NANOSECONDS[duration.group(2)])
    if text in ("TRUE", "FALSE"):
        return name, text == "TRUE"
    for convert in (int, float):
        try:
            return name, convert(text)
        except ValueError:
            pass
    return name, text
