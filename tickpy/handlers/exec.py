"""`.exec(prog, args...)` / `kind: exec`: runs a program (no shell) with the event's JSON
(alert.Data, as Go's encoder writes it) on its standard input, as Kapacitor's exec handler does
(services/alert/handlers.go, execHandler). Options: `prog` and `args` (a list). A program that
cannot start or exits non-zero is reported with its output in the run summary."""

from __future__ import annotations

import subprocess

from tickpy.alert.event import AlertEvent
from tickpy.handlers.base import Handler, register
from tickpy.handlers.post import alert_data_json_or_report
from tickpy.lang.errors import TickError

TIMEOUT_SECONDS = 30.0


class ExecHandler(Handler):
    kind = "exec"

    def __init__(self, argv: list[str], services):
        if not argv or not argv[0]:
            raise TickError("exec handler: prog is required")
        self.argv = [str(item) for item in argv]
        self.services = services

    def handle(self, event: AlertEvent) -> None:
        name = f"exec {self.argv[0]}"
        body = alert_data_json_or_report(event, self.services, name)
        if body is None:
            return
        if getattr(self.services, "dry_run", False):
            self.services.out.write(f"{name} {' '.join(self.argv[1:])} <<< {body}")
            return
        try:
            finished = subprocess.run(self.argv, input=body, text=True, capture_output=True,
                                      timeout=TIMEOUT_SECONDS, check=False)
        except (OSError, subprocess.TimeoutExpired) as error:
            self.services.report.delivery(name, False, str(error))
            return
        ok = finished.returncode == 0
        output = (finished.stdout + finished.stderr).strip()
        self.services.report.delivery(name, ok, "" if ok else f"exit status {finished.returncode}: {output}")


def check_exec_options(options: dict | None) -> list[str]:
    """The command line, prog then args; TickError for anything else."""
    options = dict(options or {})
    for name in options:
        if name not in ("prog", "args"):
            raise TickError(f'exec handler: unknown option "{name}" (known: prog, args)')
    prog = options.get("prog")
    if not isinstance(prog, str) or not prog:
        raise TickError("exec handler: option prog is required (the program to run)")
    args = options.get("args") or []
    if not isinstance(args, list) or not all(isinstance(arg, (str, int, float)) for arg in args):
        raise TickError(f"exec handler: option args must be a list of strings, got {args!r}")
    return [prog, *(str(arg) for arg in args)]


@register("exec")
def make_exec_handler(options: dict, services) -> ExecHandler:
    return ExecHandler(check_exec_options(options), services)
