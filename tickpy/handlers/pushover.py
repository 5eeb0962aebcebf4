"""The Pushover handler: the form-encoded POST Kapacitor sends to Pushover's messages API.

Follows services/pushover/service.go:
- fields `token`, `user`, `message`, `priority` always; `device`, `title`, `url`, `url_title`,
  `sound` only when not empty; encoded as Go's `url.Values.Encode` does (keys sorted);
- priority by level: OK -2, INFO -1, WARNING 0, CRITICAL 1;
- the handler's `user-key` replaces the configured one when given;
- success is HTTP 200; otherwise the error reads
  `failed to understand Pushover response. code: 400 content: <Pushover's errors, joined>`
  (or Pushover's own `error` text when its JSON has one);
- Kapacitor neither truncates nor checks Pushover's field length limits (message 1024 characters,
  title 250, ...), and neither does tickpy: Pushover itself answers 400 with its error text,
  which is reported.
tickpy adds: a 200 answer carrying an `info` text ("no active devices to send to") is reported
with Pushover's request id, and every error names the request id when Pushover gave one.
"""

from __future__ import annotations

from urllib.parse import quote_plus, urlencode

from tickpy.alert.event import AlertEvent, Level
from tickpy.config import PushoverConfig
from tickpy.handlers.base import Handler, register
from tickpy.handlers.delivery import dispatch
from tickpy.handlers.http import Answer, OutgoingRequest, json_object
from tickpy.handlers.options import check_options, config_of, describe_event, string_options
from tickpy.handlers.redact import MASK, secret

KIND = "pushover"
OPTIONS = ("device", "title", "url", "url-title", "sound", "user-key")
FORM_CONTENT_TYPE = "application/x-www-form-urlencoded"

_PRIORITY = {Level.OK: -2, Level.INFO: -1, Level.WARNING: 0, Level.CRITICAL: 1}


def priority(level: Level) -> int:
    return _PRIORITY.get(level, 0)


def pushover_form(config: PushoverConfig, options: dict, message: str, level: Level) -> dict[str, str]:
    """The form fields, before encoding (empty optional fields already left out)."""
    form = {
        "token": config.token,
        "user": options.get("user-key") or config.user_key,
        "message": message,
        "priority": str(priority(level)),
    }
    for option, field in (("device", "device"), ("title", "title"), ("url", "url"),
                          ("url-title", "url_title"), ("sound", "sound")):
        value = options.get(option) or ""
        if value:
            form[field] = value
    return form


def encode_form(form: dict[str, str]) -> bytes:
    """Go's url.Values.Encode: keys sorted, values query-escaped (space as `+`)."""
    return urlencode(sorted(form.items())).encode("ascii")


def masked_form(form: dict[str, str]) -> str:
    """The encoded form with the token and user key shown as `***` (for --dry-run)."""
    shown = dict(form, token=MASK, user=MASK)
    return "&".join(f"{key}={value if value == MASK else quote_plus(value)}"
                    for key, value in sorted(shown.items()))


def build_request(config: PushoverConfig, options: dict, message: str, level: Level,
                  what: str) -> OutgoingRequest:
    form = pushover_form(config, options, message, level)
    return OutgoingRequest(
        kind=KIND,
        handler=KIND,
        what=what,
        method="POST",
        url=config.url,
        headers={"Content-Type": FORM_CONTENT_TYPE},
        body=encode_form(form),
        secrets=tuple(secret(config.token) + secret(form["user"])),
        display_body=masked_form(form),
        read_answer=read_pushover_answer,
    )


def read_pushover_answer(status: int, body: bytes) -> Answer:
    document = json_object(body)
    request_id = document.get("request") if isinstance(document.get("request"), str) else ""
    suffix = f" (request {request_id})" if request_id else ""
    if status == 200:
        info = document.get("info")
        if isinstance(info, str) and info:
            return Answer(True, notice=f"Pushover info: {info}{suffix}")
        return Answer(True, f"request {request_id}" if request_id else "")
    errors = document.get("errors")
    if isinstance(errors, list):
        content = ", ".join(str(item) for item in errors)
    else:
        content = body.decode("utf-8", errors="replace").strip()
    message = f"failed to understand Pushover response. code: {status} content: {content}"
    if isinstance(document.get("error"), str):
        message = document["error"]
    return Answer(False, message + suffix)


class PushoverHandler(Handler):
    kind = KIND

    def __init__(self, options: dict, config: PushoverConfig, services):
        self.options = options
        self.config = config
        self.services = services

    def handle(self, event: AlertEvent) -> None:
        request = build_request(self.config, self.options, event.message, event.level,
                                describe_event(event))
        dispatch(self.services, request)


@register(KIND)
def make_pushover_handler(options: dict, services) -> PushoverHandler:
    """`.pushover().title(...)` or `kind: pushover` (options spelled as in handler files)."""
    options = check_options(KIND, options, OPTIONS)
    string_options(KIND, options, OPTIONS)
    config = config_of(services)
    config.check_handler_enabled(KIND, options)
    return PushoverHandler(options, config.pushover, services)
