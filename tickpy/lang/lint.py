"""`tickpy lint` as a library: read files, parse, check, and return every problem as a TickError.

Nothing here prints or exits; `tickpy/commands/lint.py` does. Lint must stay quick to start (it runs
in CI on every commit), so this module imports only the front end: never the engine, httpx or yaml.

File kinds: TICKscripts are checked here. Handler files (YAML/JSON) and kapacitor.conf are checked
by the functions named in OTHER_KINDS, each `(text, source_name) -> list[TickError]`; until such a
function exists, linting that kind reports that it is not available.
"""

from __future__ import annotations

import difflib
import importlib
import importlib.util
import re
import sys
from pathlib import Path
from typing import Callable, Mapping, Optional

from tickpy.lang.errors import ERROR, TickError

STDIN_NAME = "<stdin>"

TICK = "tick"
HANDLER = "handler"
CONFIG = "config"
KINDS = (TICK, HANDLER, CONFIG)

# kind -> (module, function(text, source_name) -> list[TickError]), owned by other parts of tickpy.
OTHER_KINDS: Mapping[str, tuple[str, str]] = {
    HANDLER: ("tickpy.handlerfile", "lint_handler_text"),
    CONFIG: ("tickpy.config", "lint_config_text"),
}

# File name endings that decide the kind when none is given.
KIND_BY_SUFFIX: Mapping[str, str] = {
    ".yaml": HANDLER,
    ".yml": HANDLER,
    ".json": HANDLER,
    ".conf": CONFIG,
    ".toml": CONFIG,
}

TEMPLATE_MODULE = "tickpy.template.gotemplate"


def lint_paths(paths: list[str], kind: Optional[str] = None,
               vars: Optional[Mapping[str, object]] = None) -> list[TickError]:
    """Problems of every file in `paths` (`-` is standard input), in file order."""
    problems: list[TickError] = []
    for path in paths:
        problems.extend(lint_path(path, kind, vars))
    return problems


def lint_path(path: str, kind: Optional[str] = None,
              vars: Optional[Mapping[str, object]] = None) -> list[TickError]:
    source_name = STDIN_NAME if path == "-" else path
    try:
        text = _read(path)
    except OSError as problem:
        reason = problem.strerror or str(problem)
        return [TickError(f"cannot read file: {reason}", source_name=source_name)]
    except UnicodeDecodeError as problem:
        return [TickError(f"cannot read file: not UTF-8 text ({problem.reason} at byte {problem.start})",
                          source_name=source_name)]
    return lint_text(text, source_name, kind or kind_of(path), vars)


def kind_of(path: str) -> str:
    return KIND_BY_SUFFIX.get(Path(path).suffix.lower(), TICK) if path != "-" else TICK


def lint_text(text: str, source_name: str = STDIN_NAME, kind: str = TICK,
              vars: Optional[Mapping[str, object]] = None) -> list[TickError]:
    """Problems in one text. Never raises: an unexpected failure becomes an internal-error problem."""
    try:
        if kind == TICK:
            return lint_tickscript(text, source_name, vars)
        return _lint_other_kind(text, source_name, kind)
    except TickError as problem:
        return [problem]
    except RecursionError:
        return [TickError("the script is nested too deeply to check", source_name=source_name)]
    except Exception as problem:  # a bug in tickpy must still not reach the user as a traceback
        return [TickError(f"internal error while checking this file (a tickpy bug, please report it): "
                          f"{type(problem).__name__}: {problem}", source_name=source_name)]


def lint_tickscript(text: str, source_name: str = STDIN_NAME,
                    vars: Optional[Mapping[str, object]] = None) -> list[TickError]:
    from tickpy.lang.check import check
    from tickpy.lang.parser import parse

    try:
        program = parse(text, source_name)
    except TickError as problem:
        return [_explain_syntax_error(problem, text)]
    return check(program, source_name, vars, template_checker=template_checker())


def template_checker() -> Optional[Callable[[str, str], object]]:
    """A (property name, text) -> compiled template function from the Go template module, when
    that module is installed: `.details()` is an html/template in Kapacitor, the others text."""
    try:
        if importlib.util.find_spec(TEMPLATE_MODULE) is None:
            return None
        module = importlib.import_module(TEMPLATE_MODULE)
    except ImportError:
        return None
    by_property = getattr(module, "compile_alert_template", None)
    if by_property is not None:
        return by_property
    compile_text = getattr(module, "compile_template", None)
    if compile_text is None:
        return None
    return lambda property_name, text: compile_text(text)


def has_errors(problems: list[TickError], strict: bool = False) -> bool:
    return any(p.severity == ERROR or strict for p in problems)


# ---------------------------------------------------------------------------------------------


def _read(path: str) -> str:
    if path == "-":
        data = sys.stdin.buffer.read()
    else:
        data = Path(path).read_bytes()
    text = data.decode("utf-8")
    return text[1:] if text.startswith("\ufeff") else text


def _lint_other_kind(text: str, source_name: str, kind: str) -> list[TickError]:
    module_name, function_name = OTHER_KINDS.get(kind, ("", ""))
    lint = None
    if module_name:
        try:
            if importlib.util.find_spec(module_name) is not None:
                lint = getattr(importlib.import_module(module_name), function_name, None)
        except ImportError:
            lint = None
    if lint is None:
        return [TickError(f"checking {kind} files is not available in this tickpy yet; "
                          "use --kind tick for a TICKscript", source_name=source_name)]
    return list(lint(text, source_name))


_WORD_AND_COLON = re.compile(r"\b([A-Za-z_]\w*)\s*:")


def _explain_syntax_error(problem: TickError, text: str) -> TickError:
    """Add a hint when a syntax error comes from a misspelt `lambda:` (the seed page's `lamda:`)."""
    lines = text.split("\n")
    if not 1 <= problem.line <= len(lines):
        return problem
    for match in _WORD_AND_COLON.finditer(lines[problem.line - 1]):
        word = match.group(1)
        if word != "lambda" and difflib.SequenceMatcher(None, word.lower(), "lambda").ratio() >= 0.7:
            return TickError(f'{problem.message}; "{word}:" looks like a misspelt "lambda:"',
                             problem.line, problem.column, problem.source_name, problem.severity)
    return problem
