"""`.tcp(address)` / `kind: tcp`: writes each event's JSON (alert.Data) to a TCP connection, as
Kapacitor's tcp handler does. A connection failure is reported; the pipeline goes on."""

from __future__ import annotations

import socket

from tickpy.alert.event import AlertEvent
from tickpy.handlers.base import Handler, register
from tickpy.handlers.gojson import encode
from tickpy.handlers.post import alert_data
from tickpy.lang.errors import TickError

TIMEOUT_SECONDS = 5.0


class TcpHandler(Handler):
    kind = "tcp"

    def __init__(self, address: str, services):
        host, _, port = address.rpartition(":")
        if not host or not port.isdigit():
            raise TickError(f"tcp handler: address must be host:port, got {address!r}")
        self.address = (host, int(port))
        self.services = services

    def handle(self, event: AlertEvent) -> None:
        body = encode(alert_data(event)).encode("utf-8")
        name = f"tcp {self.address[0]}:{self.address[1]}"
        if getattr(self.services, "dry_run", False):
            self.services.out.write(f"{name}: {body.decode('utf-8')}")
            return
        try:
            with socket.create_connection(self.address, timeout=TIMEOUT_SECONDS) as connection:
                connection.sendall(body)
        except OSError as error:
            self.services.report.delivery(name, False, str(error))
            return
        self.services.report.delivery(name, True, "")


@register("tcp")
def make_tcp_handler(options: dict, services) -> TcpHandler:
    unknown = set(options) - {"address"}
    if unknown or "address" not in options:
        raise TickError("tcp handler: the one option is address (host:port)")
    return TcpHandler(str(options["address"]), services)
