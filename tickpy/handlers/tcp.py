"""`.tcp(address)` / `kind: tcp`: writes each event's JSON (alert.Data) to a TCP connection, as
Kapacitor's tcp handler does (services/alert/handlers.go, tcpHandler): one connection per event,
the JSON as Go's encoder writes it (ending in a newline) followed by one more newline, then the
connection is closed. Option: `address`, `host:port`. A connection failure is reported in the
run summary; the pipeline goes on."""

from __future__ import annotations

import socket

from tickpy.alert.event import AlertEvent
from tickpy.handlers.base import Handler, register
from tickpy.handlers.post import alert_data_json_or_report
from tickpy.lang.errors import TickError

TIMEOUT_SECONDS = 5.0


class TcpHandler(Handler):
    kind = "tcp"

    def __init__(self, address: str, services):
        host, _, port = address.rpartition(":")
        self.address = (host.strip("[]"), int(port))
        self.services = services

    def handle(self, event: AlertEvent) -> None:
        name = f"tcp {self.address[0]}:{self.address[1]}"
        text = alert_data_json_or_report(event, self.services, name)
        if text is None:
            return
        if getattr(self.services, "dry_run", False):
            self.services.out.write(f"{name}: {text}")
            return
        body = (text + "\n").encode("utf-8")
        if not 0 <= self.address[1] <= 65535:  # Go's net.Dial refuses it; the event is dropped
            self.services.report.delivery(name, False, f"dial tcp: address {name[4:]}: invalid port")
            return
        try:
            with socket.create_connection(self.address, timeout=TIMEOUT_SECONDS) as connection:
                connection.sendall(body)
        except OSError as error:
            self.services.report.delivery(name, False, str(error))
            return
        self.services.report.delivery(name, True, "")


def check_tcp_options(options: dict | None) -> str:
    """The address option; TickError for anything else."""
    options = dict(options or {})
    for name in options:
        if name != "address":
            raise TickError(f'tcp handler: unknown option "{name}" (known: address)')
    address = options.get("address")
    if not isinstance(address, str) or not address:
        raise TickError("tcp handler: option address is required (host:port)")
    host, _, port = address.rpartition(":")
    if not host or not port.isdigit():
        raise TickError(f"tcp handler: address must be host:port, got {address!r}")
    return address


@register("tcp")
def make_tcp_handler(options: dict, services) -> TcpHandler:
    return TcpHandler(check_tcp_options(options), services)
