"""A real HTTP server on 127.0.0.1 that answers like Pushover, Discord webhooks and a plain endpoint.

Tests point tickpy's config at it and look at what arrived, byte for byte. Its answers can be
scripted per path prefix, to exercise retries and error reports:

    with FakeServices() as fake:
        fake.answer("/1/messages.json", 500)                    # next Pushover call fails
        fake.answer("/api/webhooks/", 429, retry_after=2)       # Retry-After header + JSON
        fake.answer("/1/messages.json", 400, pushover_error("user"))
        ... run tickpy ...
        [request] = fake.requests_to("/1/messages.json")
        request.form()["priority"] == "1"

Unscripted calls get the service's normal success answer: Pushover 200 with
`{"status":1,"request":"<uuid>"}`, Discord 204 with no body, anything else 200.
With `tls=(certfile, keyfile)` it serves HTTPS instead.
"""

from __future__ import annotations

import json
import socket
import ssl
import threading
import uuid
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs

from tickpy.services import Services

PUSHOVER_PATH = "/1/messages.json"
DISCORD_PREFIX = "/api/webhooks/"


@dataclass
class RecordedRequest:
    method: str
    path: str
    headers: dict[str, str]  # names lower-cased
    body: bytes

    def form(self) -> dict[str, str]:
        """The form-encoded body as a dict (each field once)."""
        parsed = parse_qs(self.body.decode("ascii"), keep_blank_values=True, strict_parsing=True)
        return {key: values[0] for key, values in parsed.items()}

    def json(self):
        return json.loads(self.body)


@dataclass
class CannedAnswer:
    status: int
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)


def pushover_error(field_name: str = "user", request_id: str = "5042853c-402d-4a18-abcb-168734a801de") -> dict:
    """Pushover's answer to a bad field (https://pushover.net/api#response)."""
    return {field_name: "invalid", "errors": [f"{field_name} identifier is invalid"], "status": 0,
            "request": request_id}


def pushover_info(info: str = "no active devices to send to",
                  request_id: str = "e460545a-8e0a-4b4c-8d7d-4c2a6b1f0c7e") -> dict:
    return {"status": 1, "request": request_id, "info": info}


class FakeServices:
    def __init__(self, tls: tuple[str, str] | None = None):
        self.requests: list[RecordedRequest] = []
        self._answers: list[tuple[str, CannedAnswer]] = []
        self._lock = threading.Lock()
        self._arrived = threading.Condition(self._lock)
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _handler_class(self))
        self._server.daemon_threads = True
        self.scheme = "http"
        if tls is not None:
            context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            context.load_cert_chain(*tls)
            self._server.socket = context.wrap_socket(self._server.socket, server_side=True)
            self.scheme = "https"
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.02},
                                        daemon=True)

    # -- life cycle ----------------------------------------------------------------------------

    def __enter__(self) -> "FakeServices":
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._server.shutdown()
        self._server.server_close()

    @property
    def base_url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"{self.scheme}://{host}:{port}"

    @property
    def pushover_url(self) -> str:
        return self.base_url + PUSHOVER_PATH

    def discord_url(self, webhook: str = "1234/s3cr3t-webhook-token") -> str:
        return self.base_url + DISCORD_PREFIX + webhook

    # -- scripting answers ---------------------------------------------------------------------

    def answer(self, path_prefix: str, status: int, body=None, *, retry_after=None,
               discord_retry_after=None, times: int = 1, headers: dict | None = None) -> None:
        """Answer the next `times` requests whose path starts with `path_prefix` like this."""
        extra = dict(headers or {})
        if retry_after is not None:
            extra["Retry-After"] = str(retry_after)
        if discord_retry_after is not None:
            body = {"message": "You are being rate limited.", "retry_after": discord_retry_after,
                    "global": False}
        if isinstance(body, (dict, list)):
            payload = json.dumps(body).encode()
            extra.setdefault("Content-Type", "application/json")
        elif isinstance(body, str):
            payload = body.encode()
        else:
            payload = body or b""
        with self._lock:
            for _ in range(times):
                self._answers.append((path_prefix, CannedAnswer(status, payload, extra)))

    def requests_to(self, path_prefix: str) -> list[RecordedRequest]:
        with self._lock:
            return [r for r in self.requests if r.path.startswith(path_prefix)]

    def wait_for(self, count: int, timeout: float = 10.0) -> list[RecordedRequest]:
        """Block until `count` requests in all have arrived (for tests without a drain point)."""
        with self._arrived:
            self._arrived.wait_for(lambda: len(self.requests) >= count, timeout)
            return list(self.requests)

    # -- serving -------------------------------------------------------------------------------

    def _record_and_answer(self, request: RecordedRequest) -> CannedAnswer:
        with self._arrived:
            self.requests.append(request)
            self._arrived.notify_all()
            for index, (prefix, canned) in enumerate(self._answers):
                if request.path.startswith(prefix):
                    del self._answers[index]
                    return canned
        return _default_answer(request.path)


def _default_answer(path: str) -> CannedAnswer:
    if path.startswith(PUSHOVER_PATH):
        body = json.dumps({"status": 1, "request": str(uuid.uuid4())}).encode()
        return CannedAnswer(200, body, {"Content-Type": "application/json"})
    if path.startswith(DISCORD_PREFIX):
        return CannedAnswer(204)
    return CannedAnswer(200, b"ok")


def _handler_class(fake: FakeServices):
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def setup(self) -> None:
            super().setup()
            # headers and body go out in two writes: without this, delayed ACKs add ~40 ms a call
            self.request.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

        def _serve(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            recorded = RecordedRequest(self.command, self.path,
                                       {k.lower(): v for k, v in self.headers.items()}, body)
            canned = fake._record_and_answer(recorded)
            self.send_response(canned.status)
            for name, value in canned.headers.items():
                self.send_header(name, value)
            if canned.status != 204:
                self.send_header("Content-Length", str(len(canned.body)))
            self.end_headers()
            if canned.status != 204 and canned.body:
                self.wfile.write(canned.body)

        do_POST = _serve
        do_GET = _serve
        do_PUT = _serve

        def log_message(self, format, *args) -> None:  # keep test output quiet
            pass

    return Handler


# -- the engine's Services with a recording run report, for handlers built directly ------------


class RecordingReport:
    """Collects `delivery(handler, ok, detail)` calls, as the run summary would."""

    def __init__(self):
        self.deliveries: list[tuple[str, bool, str]] = []
        self._lock = threading.Lock()

    def delivery(self, handler: str, ok: bool, detail: str) -> None:
        with self._lock:
            self.deliveries.append((handler, ok, detail))

    def failures(self) -> list[tuple[str, bool, str]]:
        return [entry for entry in self.deliveries if not entry[1]]


class RecordedWaits(list):
    """Stands in for the pause between delivery attempts: remembers each wait, never sleeps."""

    def __call__(self, seconds: float) -> None:
        self.append(seconds)


def load_config_text(tmp_path, text: str):
    """The config a kapacitor.conf with this text gives (environment ignored)."""
    from tickpy.config import load_config

    path = tmp_path / "kapacitor.conf"
    path.write_text(text)
    return load_config(str(path), environ={})


def services_for(config, *, dry_run: bool = False, out=None, max_attempts: int = 4,
                 queue_size: int = 100, wait=None) -> Services:
    """Services with a RecordingReport and a real DeliveryQueue whose retries wait for nothing.

    `services.waits` lists the pauses delivery asked for (backoff or the service's Retry-After).
    """
    from tickpy.handlers.delivery import DeliveryQueue, RetryPolicy

    report = RecordingReport()
    waits = RecordedWaits() if wait is None else wait
    policy = RetryPolicy(max_attempts=max_attempts, initial_delay=0.5, multiplier=2.0, max_delay=30.0,
                         jitter=0.2)
    services = Services(config=config, dry_run=dry_run, out=out, report=report)
    services.delivery = DeliveryQueue(report, policy, queue_size=queue_size, wait=waits)
    services.waits = waits
    return services


class LocalTCPServer:
    """A TCP server on 127.0.0.1, on a port of its own, that hands each connection it accepts to
    `handle()` on its serving thread, until `close()`."""

    def __init__(self):
        self.server = socket.create_server(("127.0.0.1", 0))
        self.address = "127.0.0.1:%d" % self.server.getsockname()[1]
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        while True:
            try:
                connection, _ = self.server.accept()
            except OSError:
                return
            self.handle(connection)

    def handle(self, connection: socket.socket) -> None:
        connection.close()

    def close(self) -> None:
        """Stop accepting (shutdown wakes the accept() that close() alone would leave waiting)
        once the connection being handled, if any, is done."""
        try:
            self.server.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        self.thread.join(5)
        self.server.close()


class TCPRecorder(LocalTCPServer):
    """Keeps what each connection sent, as Kapacitor's alerttest.NewTCPServer does, for the tcp
    handler's tests."""

    def __init__(self):
        self.connections: list[bytes] = []
        self.arrived = threading.Condition()
        super().__init__()

    def handle(self, connection: socket.socket) -> None:
        with connection:
            chunks = []
            while chunk := connection.recv(65536):
                chunks.append(chunk)
        with self.arrived:
            self.connections.append(b"".join(chunks))
            self.arrived.notify_all()

    def wait_for(self, count: int) -> list[bytes]:
        """The connections once `count` have been read (a connection can still be waiting to be
        accepted when the handler has closed its end)."""
        with self.arrived:
            self.arrived.wait_for(lambda: len(self.connections) >= count, timeout=10)
            return list(self.connections)
