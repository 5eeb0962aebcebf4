"""`tickpy define NAME -tick FILE [-type stream|batch] [-dbrp db.rp ...] [-vars FILE] [-no-reload]`.

Kapacitor's rules (cmd/kapacitor/main.go doDefine, services/task_store/service.go):
- the script is parsed and checked before anything is stored, so a broken script never
  replaces a working task (errors print as `file:line:col: error: message`, exit 1);
- a new task is disabled; redefining replaces what is given and keeps the rest: without -tick
  the script stays, without -vars the vars stay, without -dbrp the dbrps stay;
- the type comes from the script (`stream` or `batch`, whichever its chains start from); -type
  cannot change it;
- dbrps come from the script's `dbrp "db"."rp"` lines or from -dbrp flags, never both, and a
  task must have some (`must specify dbrp`);
- redefining an enabled task reloads it (its LastEnabled moves) unless -no-reload is given.
"""

from __future__ import annotations

import argparse
import re
import sys

from tickpy.commands.common import EXIT_OK, add_home_argument, open_store_for, reports_errors
from tickpy.lang import ast
from tickpy.lang.errors import ERROR, WARNING, TickError
from tickpy.store import dbrp_text, parse_dbrp

# services/task_store/service.go validTaskID
_VALID_TASK_ID = re.compile(r"^[-._\w]+$")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("name", metavar="NAME", help="task name")
    parser.add_argument("-tick", "--tick", dest="tick", metavar="FILE", help="the TICKscript")
    parser.add_argument("-type", "--type", dest="type", choices=("stream", "batch"),
                        help="task type (Kapacitor takes it from the script)")
    parser.add_argument("-dbrp", "--dbrp", dest="dbrp", action="append", default=[], metavar="DB.RP",
                        help='database and retention policy the task reads, "db"."rp" with optional '
                             "quotes; repeatable")
    parser.add_argument("-vars", "--vars", dest="vars", metavar="FILE", help="JSON or YAML file of template vars")
    parser.add_argument("-no-reload", "--no-reload", dest="no_reload", action="store_true",
                        help="do not reload the task even if it is enabled")
    add_home_argument(parser)


@reports_errors
def run(args: argparse.Namespace) -> int:
    from tickpy.dot import task_type
    from tickpy.lang.check import check
    from tickpy.lang.parser import parse
    from tickpy.taskvars import read_text_file, read_vars_file, var_values

    if not _VALID_TASK_ID.match(args.name):
        raise TickError(f"task ID must contain only letters, numbers, '-', '.' and '_'. {args.name!r}")
    explicit_dbrps = [dbrp_text(*parse_dbrp(text)) for text in args.dbrp]
    store = open_store_for(args)
    old = store.task(args.name) if store.has_task(args.name) else None
    if args.tick is not None:
        script, source_name = read_text_file(args.tick), args.tick
    elif old is not None:
        script, source_name = old.script, f"task {args.name}"
    else:
        raise TickError(f"must provide TICKscript: tickpy define {args.name} -tick FILE")
    raw_vars = read_vars_file(args.vars) if args.vars else (old.vars if old else {})

    program = parse(script, source_name)
    try:
        values = var_values(raw_vars)
    except TickError as error:
        raise TickError(error.message, source_name=args.vars or f"task {args.name}") from None
    problems = check(program, source_name, vars=values)
    for problem in problems:
        print(problem.render(), file=sys.stderr)
    if any(problem.severity == ERROR for problem in problems):
        raise TickError(f"task {args.name} not defined: the script has errors")

    kind = task_type(program)
    if kind is None:
        raise TickError("invalid task type: invalid (the script's chains must all start from "
                        "stream, or all from batch)", source_name=source_name)
    if args.type and args.type != kind:
        print(TickError(f"-type {args.type} ignored: the script is a {kind} task (Kapacitor takes "
                        "the type from the script)", severity=WARNING, source_name=source_name).render(),
              file=sys.stderr)
    dbrps = _dbrps(program, explicit_dbrps, old, parse)
    store.define_task(args.name, kind, dbrps, script, raw_vars, reload=not args.no_reload)
    return EXIT_OK


def _dbrps(program: ast.Program, explicit: list[str], old, parse) -> list[str]:
    implicit = script_dbrps(program)
    if implicit and explicit:
        raise TickError("cannot specify dbrp in both implicitly and explicitly "
                        "(the script has dbrp lines and -dbrp was given)")
    if implicit:
        return implicit
    if explicit:
        return explicit
    if old is not None and not script_dbrps(parse(old.script, "old script")):
        return old.dbrps
    raise TickError('must specify dbrp: add -dbrp db.rp, or a line dbrp "db"."rp" to the script')


def script_dbrps(program: ast.Program) -> list[str]:
    return [dbrp_text(statement.database.name, statement.retention_policy.name)
            for statement in program.statements if isinstance(statement, ast.DBRP)]
