"""The HTTP POST handler: `.post(url)`, `.post().endpoint(name)`, and `kind: post` files.

Follows services/httppost/service.go and alert.go:
- the body is the event as Kapacitor's `alert.Data` JSON, written by Go's encoder (so with a
  trailing newline), with `Content-Type: application/json`; an endpoint's `alert-template` (or
  `alert-template-file`) replaces the body with the rendered template and sends no content type;
- the URL is the handler's `url`, or the `[[httppost]]` endpoint's `url` when `endpoint` names one
  (both are Go templates over the alert data, plain text in practice);
- headers: the endpoint's first, then the handler's `headers` (replacing same-named ones), then
  basic auth from the endpoint when it has both username and password;
- any 2xx is success; otherwise the error is the response body when `capture-response` is set,
  else Kapacitor's "unknown error, use .captureResponse() to capture the HTTP response";
- `timeout` bounds each attempt; `skip-ssl-verification` turns off certificate checks (Kapacitor
  drops that flag for TICKscript handlers and honours it only in handler files; tickpy honours it
  in both).
Options: url, endpoint, headers, capture-response, timeout, skip-ssl-verification.
"""

from __future__ import annotations

import base64
from datetime import datetime, timezone
from pathlib import Path

from tickpy.alert.event import AlertEvent
from tickpy.config import Config, HTTPPostConfig
from tickpy.data.values import Duration, Timestamp
from tickpy.handlers import gojson
from tickpy.handlers.base import Handler, register
from tickpy.handlers.delivery import dispatch
from tickpy.handlers.http import Answer, OutgoingRequest, TLSSettings
from tickpy.handlers.options import (bool_option, check_options, compile_text_template, config_of,
                                     describe_event, string_options)
from tickpy.handlers.redact import Secret, basic_auth_secrets, secret
from tickpy.lang.errors import TickError
from tickpy.template.godata import GoStruct, StringMap
from tickpy.template.gotime import parse_go_duration

KIND = "post"
OPTIONS = ("url", "endpoint", "headers", "capture-response", "timeout", "skip-ssl-verification")
UNKNOWN_ERROR = "unknown error, use .captureResponse() to capture the HTTP response"


def alert_data(event: AlertEvent) -> dict:
    """The event as Kapacitor's alert.Data JSON object, Go map keys (row tags) sorted."""
    data = event.to_json_dict()
    series = data.get("data", {}).get("series")
    if series:
        rows = []
        for row in series:
            row = dict(row)
            if isinstance(row.get("tags"), dict):
                row["tags"] = dict(sorted(row["tags"].items()))
            rows.append(row)
        data["data"] = {"series": rows}
    elif "data" in data:
        data["data"] = {"series": None}  # Go writes a nil Rows slice as null
    return data


def alert_data_json(event: AlertEvent) -> str:
    """alert.Data as Kapacitor's log, tcp and exec handlers write it (Go's Encoder, newline
    included). Go's encoder refuses NaN and ±Inf (an eval can make them): then GoJSONError,
    worded as Kapacitor logs it, and the handler sends nothing."""
    try:
        return gojson.encode(alert_data(event))
    except gojson.GoJSONError as error:
        raise gojson.GoJSONError(f"failed to marshal alert data json: {error}") from None


def alert_data_json_or_report(event: AlertEvent, services, delivery_name: str) -> str | None:
    """alert_data_json for a handler, or None once the refusal is reported as the failed
    delivery `delivery_name` (nothing is sent then, as in Kapacitor)."""
    try:
        return alert_data_json(event)
    except gojson.GoJSONError as error:
        report = getattr(services, "report", None)
        if report is not None:
            report.delivery(delivery_name, False, str(error))
        return None


# The json tags of alert.Data (alert/types.go), models.Result and models.Row (models/result.go):
# what `{{ json . }}` in an alert-template writes.
_ALERT_DATA_TAGS = {"ID": ("id", False), "Message": ("message", False), "Details": ("details", False),
                    "Time": ("time", False), "Duration": ("duration", False), "Level": ("level", False),
                    "Data": ("data", False), "PreviousLevel": ("previousLevel", False),
                    "Recoverable": ("recoverable", False)}
_RESULT_TAGS = {"Series": ("series", False), "Err": ("error", True)}
_ROW_TAGS = {"Name": ("name", True), "Tags": ("tags", True), "Columns": ("columns", True),
             "Values": ("values", True)}


def alert_template_data(event: AlertEvent) -> GoStruct:
    """alert.Data as a Go template sees it: its fields by their Go names (`.ID`,
    `.Data.Series`, a row's `.Name` and `.Values`), written by `json` under their json tags."""
    rows = None
    if event.series:
        rows = [GoStruct({"Name": row.get("name", ""), "Tags": StringMap(row.get("tags") or {}),
                          "Columns": row.get("columns"), "Values": _row_values(row)},
                         "models.Row", json_tags=_ROW_TAGS)
                for row in event.series]
    result = GoStruct({"Series": rows, "Err": None}, "models.Result", json_tags=_RESULT_TAGS)
    return GoStruct({
        "ID": event.id,
        "Message": event.message,
        "Details": event.details,
        "Time": Timestamp(event.time),
        "Duration": Duration(event.duration),
        "Level": event.level.name,
        "Data": result,
        "PreviousLevel": event.previous_level.name,
        "Recoverable": event.recoverable,
    }, "alert.Data", json_tags=_ALERT_DATA_TAGS)


def _row_values(row: dict) -> list | None:
    """A row's values with its time column as a time.Time again (the event keeps it as the JSON
    text): `{{ index .Values 0 0 }}` prints `1970-01-01 00:00:00 +0000 UTC`, as in Go."""
    values = row.get("values")
    columns = row.get("columns") or ()
    if not values or not columns or columns[0] != "time":
        return values
    return [[_timestamp(value[0]), *value[1:]] if value else value for value in values]


def _timestamp(text):
    """An RFC3339 UTC time as encoding/json writes it, as a Timestamp (anything else as is)."""
    if not isinstance(text, str) or not text.endswith("Z") or "T" not in text:
        return text
    whole, _, fraction = text[:-1].partition(".")
    try:
        moment = datetime.strptime(whole, "%Y-%m-%dT%H:%M:%S").replace(tzinfo=timezone.utc)
    except ValueError:
        return text
    if fraction and not fraction.isdigit():
        return text
    return Timestamp(int(moment.timestamp()) * 1_000_000_000 + int(fraction.ljust(9, "0")))


def parse_timeout(value) -> float | None:
    """Seconds from a Duration / int of ns (scripts) or a Go duration string (handler files)."""
    if value in ("", None, 0):
        return None
    if isinstance(value, bool):
        raise TickError(f'post handler: option "timeout" must be a duration, got {value!r}')
    if isinstance(value, int):
        if not -(2**63) <= value < 2**63:
            raise TickError(f'post handler: option "timeout" is out of range for a duration '
                            f'(int64 nanoseconds), got {value!r}')
        return _positive_seconds(int(value))
    if isinstance(value, str):
        try:
            return _positive_seconds(parse_go_duration(value.strip()))
        except ValueError:
            pass
    raise TickError(f'post handler: option "timeout" must be a duration such as "10s", got {value!r}')


def _positive_seconds(ns: int) -> float | None:
    """Kapacitor sets a deadline only for a timeout above zero (services/httppost/service.go
    Handle): `.timeout(-1s)` means none, as 0 does."""
    return ns / 1e9 if ns > 0 else None


class PostHandler(Handler):
    kind = KIND

    def __init__(self, *, name: str, url_template: str, endpoint: HTTPPostConfig | None,
                 headers: dict, capture_response: bool, timeout: float | None, skip_verify: bool,
                 services):
        self.name = name
        self.render_url = compile_text_template(url_template, "body", "alert.Data")
        self.endpoint = endpoint
        self.headers = headers
        self.capture_response = capture_response
        self.timeout = timeout
        self.tls = TLSSettings(insecure_skip_verify=skip_verify)
        self.services = services
        self.render_body = self._body_template()
        # a plain URL and the default body need no template data (a batch's may be large)
        self.uses_template_data = "{{" in url_template or self.render_body is not None
        self.secrets = self._secrets()

    def _body_template(self):
        endpoint = self.endpoint
        if endpoint is None:
            return None
        if endpoint.alert_template:
            return compile_text_template(endpoint.alert_template, "body", "alert.Data", json_functions=True)
        if endpoint.alert_template_file:
            try:
                text = Path(endpoint.alert_template_file).read_text(encoding="utf-8")
            except OSError as error:
                raise TickError(f'failed to read template file "{endpoint.alert_template_file}": '
                                f"{error.strerror or error}") from None
            return compile_text_template(text, "body", "alert.Data")
        return None

    def _secrets(self) -> tuple[Secret, ...]:
        found: list[Secret] = []
        if self.endpoint is not None:
            auth = self.endpoint.basic_auth
            found += basic_auth_secrets(auth.username, auth.password)
        for name, value in self.request_headers().items():
            if name.lower() == "authorization":
                found += secret(value)
        return tuple(found)

    def request_headers(self) -> dict[str, str]:
        headers: dict[str, str] = {}
        if self.endpoint is not None:
            headers.update(self.endpoint.headers)
        for name, value in self.headers.items():
            # Go's Header.Set replaces a header whatever the case it was added in
            for existing in [key for key in headers if key.lower() == name.lower()]:
                del headers[existing]
            headers[name] = value
        if self.endpoint is not None and self.endpoint.basic_auth.usable():
            auth = self.endpoint.basic_auth
            token = base64.b64encode(f"{auth.username}:{auth.password}".encode()).decode()
            headers["Authorization"] = f"Basic {token}"
        return headers

    def handle(self, event: AlertEvent) -> None:
        what = describe_event(event)
        headers = self.request_headers()
        try:
            template_data = alert_template_data(event) if self.uses_template_data else None
            url = self.render_url(template_data)
            if self.render_body is not None:
                body = self.render_body(template_data).encode("utf-8")
            else:
                body = gojson.encode(alert_data(event)).encode("utf-8")
                headers["Content-Type"] = "application/json"
        except Exception as error:  # a template or value Go would refuse: reported, not sent
            report = getattr(self.services, "report", None)
            if report is not None:
                report.delivery(self.name, False, f"{what}: failed to build the POST body: {error}")
            return
        capture = self.capture_response
        request = OutgoingRequest(
            kind=KIND,
            handler=self.name,
            what=what,
            method="POST",
            url=url,
            headers=headers,
            body=body,
            secrets=self.secrets,
            tls=self.tls,
            timeout=self.timeout,
            read_answer=lambda status, content: read_post_answer(status, content, capture),
        )
        dispatch(self.services, request)


def read_post_answer(status: int, body: bytes, capture_response: bool) -> Answer:
    if 200 <= status < 300:
        return Answer(True)
    detail = body.decode("utf-8", errors="replace") if capture_response else UNKNOWN_ERROR
    return Answer(False, f"POST returned non 2xx status code {status}: {detail}")


@register(KIND)
def make_post_handler(options: dict, services) -> PostHandler:
    """`.post(url)`, `.post().endpoint(name).header(k, v)` or `kind: post`."""
    options = check_options(KIND, options, OPTIONS)
    string_options(KIND, options, ("url", "endpoint"))
    headers = options.get("headers") or {}
    if not isinstance(headers, dict) or not all(isinstance(v, str) for v in headers.values()):
        raise TickError('post handler: option "headers" must map header names to strings')
    url = options.get("url", "")
    endpoint_name = options.get("endpoint", "")
    if not url and not endpoint_name:
        raise TickError("post handler: Either URL or endpoint must be non-empty")
    config: Config = config_of(services)
    endpoint = config.httppost_endpoint(endpoint_name) if endpoint_name else None
    if endpoint is None and not url:
        raise TickError(f'post handler: no [[httppost]] endpoint "{endpoint_name}" is configured, '
                        "and no url is given (an appropriately formatted url must be specified "
                        "if an endpoint is not specified)")
    name = f"post[{endpoint.endpoint}]" if endpoint is not None else "post"
    return PostHandler(
        name=name,
        url_template=endpoint.url if endpoint is not None else url,
        endpoint=endpoint,
        headers={str(k): v for k, v in headers.items()},
        capture_response=bool(bool_option(KIND, options, "capture-response")),
        timeout=parse_timeout(options.get("timeout")),
        skip_verify=bool(bool_option(KIND, options, "skip-ssl-verification")),
        services=services,
    )
