"""`.exec(prog, args...)` / `kind: exec`: runs a program (no shell) with the event's JSON
(alert.Data) on its standard input, as Kapacitor's exec handler does."""

from __future__ import annotations

import subprocess

from tickpy.alert.event import AlertEvent
from tickpy.handlers.base import Handler, register
from tickpy.handlers.gojson import encode
from tickpy.handlers.post import alert_data
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
        body = encode(alert_data(event))
        name = f"exec {self.argv[0]}"
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
        self.services.report.delivery(name, ok, "" if ok else f"exit {finished.returncode}: {finished.stderr.strip()}")


@register("exec")
def make_exec_handler(options: dict, services) -> ExecHandler:
    unknown = set(options) - {"prog", "args"}
    if unknown:
        raise TickError(f'exec handler: unknown option "{sorted(unknown)[0]}" (known: prog, args)')
    return ExecHandler([options.get("prog", ""), *(options.get("args") or [])], services)
