"""`tickpy define NAME -tick FILE [-type stream|batch] [-dbrp db.rp ...] [-vars FILE]`.

As in Kapacitor, the script is checked before anything is stored, so a broken script never
replaces a working task; redefining a task replaces its script and keeps its status.
"""

from __future__ import annotations

import argparse
import sys

from tickpy.commands.common import EXIT_OK, add_home_argument, open_store_for, reports_errors
from tickpy.lang import ast
from tickpy.lang.errors import ERROR, TickError


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("name", metavar="NAME", help="task name")
    parser.add_argument("-tick", "--tick", dest="tick", metavar="FILE", help="the TICKscript")
    parser.add_argument("-type", "--type", dest="type", choices=("stream", "batch"),
                        help="task type (default: from the script)")
    parser.add_argument("-dbrp", "--dbrp", dest="dbrp", action="append", default=[], metavar="DB.RP",
                        help="database and retention policy the task reads; repeatable")
    parser.add_argument("-vars", "--vars", dest="vars", metavar="FILE", help="JSON or YAML file of template vars")
    add_home_argument(parser)


@reports_errors
def run(args: argparse.Namespace) -> int:
    from tickpy.lang.check import check
    from tickpy.lang.parser import parse
    from tickpy.taskvars import read_vars_file, var_values

    store = open_store_for(args)
    if args.tick is None:
        store.task(args.name)  # Kapacitor allows redefining vars/dbrps alone; the task must exist
        raise TickError("give the script with -tick FILE")
    with open(args.tick, encoding="utf-8") as source:
        script = source.read()
    raw_vars = read_vars_file(args.vars) if args.vars else {}
    program = parse(script, args.tick)
    problems = check(program, args.tick, vars=var_values(raw_vars))
    for problem in problems:
        print(problem.render(), file=sys.stderr)
    if any(problem.severity == ERROR for problem in problems):
        raise TickError(f"task {args.name} not defined: the script has errors")
    for dbrp in args.dbrp:
        if dbrp.count(".") != 1 or dbrp.startswith(".") or dbrp.endswith("."):
            raise TickError(f'invalid dbrp {dbrp!r}: expected "database.retention_policy"')
    dbrps = args.dbrp + [f"{s.database.name}.{s.retention_policy.name}"
                         for s in program.statements if isinstance(s, ast.DBRP)]
    task_type = args.type or _script_type(program)
    store.define_task(args.name, task_type, dbrps, script, raw_vars)
    return EXIT_OK


def _script_type(program: ast.Program) -> str:
    """stream or batch, from the first source the script names (Kapacitor infers it the same way)."""
    for node in program.statements:
        for child in ast.walk(node):
            if isinstance(child, ast.Identifier) and child.name in ("stream", "batch"):
                return child.name
    return "stream"
