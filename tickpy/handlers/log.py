"""`.log(path)`: appends each alert event to a file, one Kapacitor-format JSON object per line
(services/alert log handler: `json.NewEncoder(f).Encode(alert.Data)`); `.mode()` sets the file's
permission bits when tickpy creates it (Kapacitor's default is 0600).

Kapacitor opens the file for every event; tickpy opens it at the first event and keeps it open
until the run ends (a replay can send thousands of events a second). Each line goes out in one
unbuffered append write, so lines from several handlers on one file never interleave.
"""

from __future__ import annotations

import os

from tickpy.alert.event import AlertEvent
from tickpy.handlers.base import Handler, register
from tickpy.handlers.gojson import encode
from tickpy.handlers.post import alert_data
from tickpy.lang.errors import TickError

DEFAULT_MODE = 0o600


class LogHandler(Handler):
    kind = "log"

    def __init__(self, path: str, mode: int = DEFAULT_MODE, services=None):
        if not os.path.isabs(path):
            raise TickError(f"log handler: the path must be absolute, got {path!r}")
        self.path = path
        self.mode = mode
        self.services = services
        self._descriptor: int | None = None

    def handle(self, event: AlertEvent) -> None:
        line = encode(alert_data(event))
        if getattr(self.services, "dry_run", False):
            self.services.out.write(f"log {self.path}: {line}")
            return
        try:
            if self._descriptor is None:
                self._descriptor = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, self.mode)
            os.write(self._descriptor, line.encode("utf-8"))
        except OSError as error:
            report = getattr(self.services, "report", None)
            if report is not None:
                report.delivery(f"log {self.path}", False, error.strerror or str(error))
            return
        report = getattr(self.services, "report", None)
        if report is not None:
            report.delivery(f"log {self.path}", True, "")

    def close(self) -> None:
        if self._descriptor is not None:
            os.close(self._descriptor)
            self._descriptor = None


@register("log")
def make_log_handler(options: dict, services) -> LogHandler:
    unknown = set(options) - {"path", "mode"}
    if unknown:
        raise TickError(f'log handler: unknown option "{sorted(unknown)[0]}" (known: path, mode)')
    if "path" not in options:
        raise TickError("log handler: option path is required")
    return LogHandler(options["path"], int(options.get("mode") or DEFAULT_MODE), services)
