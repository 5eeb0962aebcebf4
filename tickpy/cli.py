"""Command line entry point: picks the subcommand, parses its arguments, maps errors to exit codes.

Each subcommand lives in its own module under `tickpy/commands/`, exposing `add_arguments(parser)`
and `run(args) -> int`. Only the module of the command being run is imported, so a cold
`tickpy lint` does not pay for the engine, the HTTP client or the store.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys

from tickpy import __version__

# name -> (module under tickpy.commands, one-line help)
COMMANDS: dict[str, tuple[str, str]] = {
    "lint": ("lint", "check TICKscripts (and handler / config files) for errors"),
    "fmt": ("fmt", "format TICKscripts exactly as Kapacitor's tickfmt does"),
    "run": ("run", "replay line protocol through scripts or enabled tasks"),
    "test": ("test", "run unit tests for alert rules from YAML test files"),
    "define": ("define", "define or redefine a task from a TICKscript"),
    "enable": ("enable", "enable tasks"),
    "disable": ("disable", "disable tasks"),
    "delete": ("delete", "delete tasks, topics or topic handlers"),
    "list": ("list", "list tasks, topics or topic handlers"),
    "show": ("show", "show a task: script, status, dbrp and DOT graph"),
    "define-topic-handler": ("define_topic_handler", "define a topic handler from a YAML or JSON file"),
    "show-topic-handler": ("show_topic_handler", "show a topic handler"),
    "show-topic": ("show_topic", "show a topic and its latest events"),
    "service-tests": ("service_tests", "send a test notification through a configured service"),
}

EXIT_OK = 0
EXIT_PROBLEM = 1  # the input has errors, or a check failed
EXIT_USAGE = 2
EXIT_INTERNAL = 3  # a bug in tickpy, not in the input


def build_parser(command: str | None) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="tickpy",
        description="TICKscript tools: lint, fmt, run, tasks and topics, without a Kapacitor server.",
    )
    parser.add_argument("--version", action="version", version=f"tickpy {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name, (module_name, help_text) in COMMANDS.items():
        sub_parser = sub.add_parser(name, help=help_text, description=help_text)
        if name == command:
            _command_module(module_name).add_arguments(sub_parser)
    return parser


def _command_module(module_name: str):
    return importlib.import_module(f"tickpy.commands.{module_name}")


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    command = next((a for a in argv if not a.startswith("-")), None)
    if command not in COMMANDS:
        command = None
    parser = build_parser(command)
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return EXIT_USAGE
    module = _command_module(COMMANDS[args.command][0])
    try:
        return module.run(args)
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return EXIT_OK
    except Exception as error:  # the last guard: a user never gets a traceback
        if os.environ.get("TICKPY_DEBUG"):
            raise
        print(f"tickpy {args.command}: internal error (a tickpy bug; TICKPY_DEBUG=1 shows the "
              f"traceback): {type(error).__name__}: {error}", file=sys.stderr)
        return EXIT_INTERNAL
