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
from tickpy.handlers.post import alert_data_json_or_report
from tickpy.lang.errors import TickError

DEFAULT_MODE = 0o600


class LogHandler(Handler):
    kind = "log"

    def __init__(self, path: str, mode: int = DEFAULT_MODE, services=None):
        if not os.path.isabs(path):
            # services/alert/handlers.go LogHandlerConfig.Validate's words
            raise TickError(f"log handler: log path must be absolute: {path} is not absolute")
        self.path = path
        self.mode = mode
        self.services = services
        self._descriptor: int | None = None

    def handle(self, event: AlertEvent) -> None:
        line = alert_data_json_or_report(event, self.services, f"log {self.path}")
        if line is None:
            return
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


# Go's os.FileMode bits that are not permission bits, highest first, with the letters its
# String() shows for them (io/fs FileMode); setuid, setgid and sticky reach the file.
_GO_MODE_LETTERS = "dalTLDpSugct?"
_GO_SETUID, _GO_SETGID, _GO_STICKY = 1 << 23, 1 << 22, 1 << 20


def go_file_mode(value) -> int:
    """`.mode(n)` as Kapacitor holds it: os.FileMode(n), the number cut to 32 bits (0 keeps the
    default 0600; 1<<32 does not, and is refused). A mode without the owner's write bit is
    refused, as Kapacitor's LogHandlerConfig.Validate refuses it (services/alert/handlers.go)."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise TickError(f'log handler: option "mode" must be a number such as 0644, got {value!r}')
    mode = value & 0xFFFFFFFF if value else DEFAULT_MODE
    if not mode & 0o200:
        raise TickError(f"log handler: invalid file mode {_go_mode_string(mode)}, must be user writable")
    return mode


def _go_mode_string(mode: int) -> str:
    """FileMode.String(): a letter per special bit set (or -), then rwxrwxrwx."""
    special = "".join(letter for index, letter in enumerate(_GO_MODE_LETTERS) if mode & (1 << (31 - index)))
    permissions = "".join(letter if mode & (1 << (8 - index)) else "-" for index, letter in enumerate("rwxrwxrwx"))
    return (special or "-") + permissions


def _posix_mode(mode: int) -> int:
    """The permission bits os.OpenFile gives the new file for a Go FileMode (syscallMode)."""
    bits = mode & 0o777
    if mode & _GO_SETUID:
        bits |= 0o4000
    if mode & _GO_SETGID:
        bits |= 0o2000
    if mode & _GO_STICKY:
        bits |= 0o1000
    return bits


@register("log")
def make_log_handler(options: dict, services) -> LogHandler:
    unknown = set(options) - {"path", "mode"}
    if unknown:
        raise TickError(f'log handler: unknown option "{sorted(unknown)[0]}" (known: path, mode)')
    if "path" not in options:
        raise TickError("log handler: option path is required")
    if not isinstance(options["path"], str):
        raise TickError(f'log handler: option "path" must be a string, got {options["path"]!r}')
    mode = go_file_mode(options.get("mode") or 0)
    return LogHandler(options["path"], _posix_mode(mode), services)
