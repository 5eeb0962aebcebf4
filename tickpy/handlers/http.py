"""Outgoing HTTP requests: what a handler hands to delivery, the shared clients, one attempt.

Handlers (pushover, discord, post) turn an alert event into an `OutgoingRequest`: a plain
description of the bytes to send, the secrets those bytes contain, and how to read the service's
answer. Building the request is synchronous and cheap; sending it is delivery's business
(delivery.py), and `send_once` here is the single attempt both delivery and `service-tests` use.

TLS follows Kapacitor's `tlsconfig.Create`: `ssl-ca` replaces the trusted roots, `ssl-cert` and
`ssl-key` (both or neither) give a client certificate, `insecure-skip-verify` turns verification
off. Verification is on unless switched off. Requests with the same TLS settings share one
pooled `httpx.Client`; in the usual case (no TLS settings) that is a single client for everything.
"""

from __future__ import annotations

import email.utils
import json
import ssl
import threading
import time
from dataclasses import dataclass, field
from typing import Callable

import httpx

from tickpy import __version__
from tickpy.handlers.redact import Secret, redact, redact_url

USER_AGENT = f"tickpy/{__version__}"
DEFAULT_TIMEOUT_SECONDS = 30.0


class TLSError(ValueError):
    """A TLS file that cannot be used (message in Kapacitor's words)."""


@dataclass(frozen=True)
class TLSSettings:
    ca: str = ""
    cert: str = ""
    key: str = ""
    insecure_skip_verify: bool = False

    def ssl_context(self) -> ssl.SSLContext:
        """The client-side context these settings describe (Kapacitor's `tlsconfig.Create`)."""
        if self.cert and not self.key:
            raise TLSError("Must provide both key and cert files: only cert file provided.")
        if self.key and not self.cert:
            raise TLSError("Must provide both key and cert files: only key file provided.")
        try:
            context = ssl.create_default_context(cafile=self.ca or None)
        except (OSError, ssl.SSLError) as error:
            raise TLSError(f"Could not load TLS CA: {error}") from None
        if self.insecure_skip_verify:
            context.check_hostname = False
            context.verify_mode = ssl.CERT_NONE
        if self.cert:
            try:
                context.load_cert_chain(self.cert, self.key)
            except (OSError, ssl.SSLError) as error:
                raise TLSError(f"Could not load TLS client key/certificate: {error}") from None
        return context


@dataclass(frozen=True)
class Answer:
    """How a service's reply reads: delivered or not, and the words to report."""

    ok: bool
    message: str = ""
    notice: str = ""  # worth telling the user even on success (Pushover's `info`)


def json_object(body: bytes) -> dict:
    """A service's answer body as a JSON object; {} when it is not one (services answer HTML too)."""
    try:
        document = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        return {}
    return document if isinstance(document, dict) else {}


def generic_answer(status: int, body: bytes) -> Answer:
    """Any 2xx is success (Kapacitor's httppost rule)."""
    if 200 <= status < 300:
        return Answer(True)
    return Answer(False, f"POST returned non 2xx status code {status}")


@dataclass
class OutgoingRequest:
    """One notification, ready to send (or to print under --dry-run)."""

    kind: str  # delivery queue it goes through: "pushover", "discord", "post"
    handler: str  # name used in reports: "pushover", "discord[guild-alerts]", "post[example]"
    what: str  # what the notification is about, for reports: "alert cpu:nil CRITICAL at ..."
    method: str
    url: str
    headers: dict[str, str]
    body: bytes
    secrets: tuple[Secret, ...] = ()
    tls: TLSSettings = field(default_factory=TLSSettings)
    timeout: float | None = None
    # the body as dry-run shows it, when masking by substring is not enough (form fields)
    display_body: str | None = None
    # reads the service's reply; the default treats any 2xx as success
    read_answer: Callable[[int, bytes], Answer] = generic_answer

    def redacted(self, text: str) -> str:
        return redact(text, self.secrets)

    def display_url(self) -> str:
        return self.redacted(self.url)

    def dry_run_text(self) -> str:
        """What `--dry-run` prints: request line, headers, body; every secret masked."""
        lines = [f"{self.handler}: {self.method} {self.display_url()}"]
        for name, value in self.headers.items():
            lines.append(f"  {name}: {self.redacted(value)}")
        if self.display_body is not None:
            lines.append("  " + self.display_body)  # masked field by field by the handler
        else:
            body = self.body.decode("utf-8", errors="replace").rstrip("\n")
            lines.append("  " + self.redacted(body))
        return "\n".join(lines) + "\n"


@dataclass(frozen=True)
class Attempt:
    """The result of one try: delivered, or why not and whether trying again could help."""

    ok: bool
    message: str
    status: int | None = None  # None when no HTTP answer came back
    retryable: bool = False
    retry_after: float | None = None  # seconds the service asked us to wait
    notice: str = ""


class ClientPool:
    """One pooled `httpx.Client` per distinct TLS configuration, created on first use."""

    def __init__(self, timeout: float = DEFAULT_TIMEOUT_SECONDS):
        self._timeout = timeout
        self._clients: dict[TLSSettings, httpx.Client] = {}
        self._lock = threading.Lock()

    def client(self, tls: TLSSettings) -> httpx.Client:
        with self._lock:
            client = self._clients.get(tls)
            if client is None:
                client = httpx.Client(
                    verify=tls.ssl_context(),
                    timeout=self._timeout,
                    headers={"User-Agent": USER_AGENT},
                    trust_env=False,
                )
                self._clients[tls] = client
            return client

    def close(self) -> None:
        with self._lock:
            clients, self._clients = list(self._clients.values()), {}
        for client in clients:
            client.close()


def send_once(pool: ClientPool, request: OutgoingRequest, timeout: float | None = None) -> Attempt:
    """Send the request once and classify the outcome. Never raises for network trouble."""
    try:
        client = pool.client(request.tls)
    except TLSError as error:
        return Attempt(False, str(error))
    limit = timeout if timeout is not None else request.timeout
    try:
        response = client.request(
            request.method,
            request.url,
            headers=request.headers,
            content=request.body,
            timeout=limit if limit is not None else httpx.USE_CLIENT_DEFAULT,
        )
    except httpx.HTTPError as error:
        return _network_failure(request, error)
    except httpx.InvalidURL as error:
        # `.post('http://[::1')`: Kapacitor's http.NewRequest refuses it and drops the event;
        # sending again would fail the same way.
        return Attempt(False, request.redacted(f"{request.method} {request.url}: {error}"), None, retryable=False)
    return read_response(request, response.status_code, response.headers, response.content)


def read_response(request: OutgoingRequest, status: int, headers, body: bytes) -> Attempt:
    """Classify an HTTP answer: success per the service, retryable (5xx, 429) or final."""
    answer = request.read_answer(status, body)
    message = request.redacted(answer.message)
    if answer.ok:
        return Attempt(True, message, status, notice=request.redacted(answer.notice))
    retryable = status >= 500 or status == 429
    wait = retry_after_seconds(headers, body) if retryable else None
    return Attempt(False, message, status, retryable, wait)


def _network_failure(request: OutgoingRequest, error: httpx.HTTPError) -> Attempt:
    text = str(error) or type(error).__name__
    # A certificate the client refuses will be refused again: retrying only delays the report.
    certificate_problem = "CERTIFICATE_VERIFY_FAILED" in text or "certificate verify failed" in text
    message = request.redacted(f"{request.method} {request.url}: {text}")
    return Attempt(False, message, None, retryable=not certificate_problem)


def retry_after_seconds(headers, body: bytes, now: Callable[[], float] = time.time) -> float | None:
    """The wait a service asked for: `Retry-After` (seconds or HTTP date), else Discord's
    JSON `retry_after` (seconds, possibly fractional). `now` (Unix seconds) is what a date is
    counted from; tests pass a fixed clock."""
    header = headers.get("retry-after") if headers is not None else None
    if header:
        header = header.strip()
        try:
            return max(0.0, float(header))
        except ValueError:
            pass
        try:
            when = email.utils.parsedate_to_datetime(header)
        except (TypeError, ValueError):
            when = None
        if when is not None:
            return max(0.0, when.timestamp() - now())
    value = json_object(body).get("retry_after")
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return max(0.0, float(value))
    return None


__all__ = [
    "Answer",
    "Attempt",
    "ClientPool",
    "OutgoingRequest",
    "TLSError",
    "TLSSettings",
    "generic_answer",
    "json_object",
    "read_response",
    "redact_url",
    "retry_after_seconds",
    "send_once",
]
