"""The HTTP POST handler: `.post(url)`, `[[httppost]]` endpoints, against a real local server.

Expected requests follow services/httppost/service.go (alert.Data JSON body written by Go's
encoder with a trailing newline, Content-Type application/json, endpoint headers then handler
headers, basic auth, 2xx success, captureResponse) and alert/types.go (alert.Data field order).
"""

from __future__ import annotations

import base64
import json

import pytest

from fake_services import load_config_text, services_for
from tickpy.alert.event import AlertEvent, Level
from tickpy.handlers.base import make_handler
from tickpy.handlers.post import UNKNOWN_ERROR, parse_timeout
from tickpy.lang.errors import TickError

T0 = 1_700_000_000_000_000_000


def cpu_event() -> AlertEvent:
    return AlertEvent(
        id="cpu:nil", message="Hey, check your CPU", details="{&#34;x&#34;:1}", time=T0 + 250_000_000,
        duration=2_000_000_000, level=Level.CRITICAL, previous_level=Level.WARNING, recoverable=True,
        series=[{"name": "cpu", "tags": {"host": "serverA", "cpu": "cpu-total"}, "columns": ["time", "usage_idle"],
                 "values": [["2023-11-14T22:13:20.25Z", 8.0]]}],
        task_name="cpu_alert", name="cpu")


def post(services, options: dict, event: AlertEvent | None = None):
    handler = make_handler("post", options, services)
    handler.handle(event or cpu_event())
    return services.delivery.close(10)


def test_post_url_sends_kapacitors_alert_data_json(fake, tmp_path):
    services = services_for(load_config_text(tmp_path, ""))
    assert post(services, {"url": fake.base_url + "/alerts"}) == []
    [request] = fake.requests
    assert (request.method, request.path) == ("POST", "/alerts")
    assert request.headers["content-type"] == "application/json"
    # alert.Data field order; tags (a Go map) sorted; float 8.0 written as 8; trailing newline
    assert request.body == (
        b'{"id":"cpu:nil","message":"Hey, check your CPU","details":"{\\u0026#34;x\\u0026#34;:1}",'
        b'"time":"2023-11-14T22:13:20.25Z","duration":2000000000,"level":"CRITICAL",'
        b'"data":{"series":[{"name":"cpu","tags":{"cpu":"cpu-total","host":"serverA"},'
        b'"columns":["time","usage_idle"],"values":[["2023-11-14T22:13:20.25Z",8]]}]},'
        b'"previousLevel":"WARNING","recoverable":true}\n')


def test_endpoint_headers_basic_auth_and_handler_headers(fake, tmp_path):
    config = load_config_text(tmp_path, f"""\
[[httppost]]
  endpoint = "example"
  url = "{fake.base_url}/endpoint"
  headers = {{ X-Team = "ops", X-Env = "prod" }}
  basic-auth = {{ username = "kapacitor", password = "hunter2" }}
""")
    services = services_for(config)
    post(services, {"endpoint": "example", "headers": {"x-env": "staging", "X-Extra": "1"}})
    [request] = fake.requests
    assert request.path == "/endpoint"
    assert request.headers["x-team"] == "ops"
    assert request.headers["x-env"] == "staging"  # the handler's header replaces the endpoint's
    assert request.headers["x-extra"] == "1"
    assert request.headers["authorization"] == "Basic " + base64.b64encode(b"kapacitor:hunter2").decode()
    assert json.loads(request.body)["id"] == "cpu:nil"


def test_alert_template_replaces_the_body_and_sends_no_content_type(fake, tmp_path):
    config = load_config_text(tmp_path, f"""\
[[httppost]]
  endpoint = "plain"
  url = "{fake.base_url}/plain"
  alert-template = "cpu alert fired"
""")
    services = services_for(config)
    post(services, {"endpoint": "plain"})
    [request] = fake.requests
    assert request.body == b"cpu alert fired"
    assert "content-type" not in request.headers


def test_alert_template_renders_the_event(fake, tmp_path):
    config = load_config_text(tmp_path, f"""\
[[httppost]]
  endpoint = "tmpl"
  url = "{fake.base_url}/tmpl"
  alert-template = "{{{{.Message}}}} ({{{{.Level}}}})"
""")
    services = services_for(config)
    post(services, {"endpoint": "tmpl"})
    assert fake.requests[0].body == b"Hey, check your CPU (CRITICAL)"


def test_failure_without_capture_response_uses_kapacitors_hint(fake, tmp_path):
    fake.answer("/alerts", 422, "bad alert")
    services = services_for(load_config_text(tmp_path, ""))
    [line] = post(services, {"url": fake.base_url + "/alerts"})
    assert UNKNOWN_ERROR in line and "422" in line


def test_failure_with_capture_response_reports_the_body(fake, tmp_path):
    fake.answer("/alerts", 422, "bad alert")
    services = services_for(load_config_text(tmp_path, ""))
    [line] = post(services, {"url": fake.base_url + "/alerts", "capture-response": True})
    assert "POST returned non 2xx status code 422: bad alert" in line


def test_basic_auth_password_is_masked_in_dry_run(tmp_path):
    import io

    config = load_config_text(tmp_path, """\
[[httppost]]
  endpoint = "example"
  url = "http://hooks.example.com/a"
  basic-auth = { username = "kapacitor", password = "hunter2" }
""")
    out = io.StringIO()
    services = services_for(config, dry_run=True, out=out)
    post(services, {"endpoint": "example"})
    text = out.getvalue()
    assert text.startswith("post[example]: POST http://hooks.example.com/a\n")
    assert "  Authorization: ***\n" in text
    assert base64.b64encode(b"kapacitor:hunter2").decode() not in text and "hunter2" not in text


def test_url_or_endpoint_is_required(tmp_path):
    services = services_for(load_config_text(tmp_path, ""))
    with pytest.raises(TickError) as caught:
        make_handler("post", {}, services)
    assert "Either URL or endpoint must be non-empty" in caught.value.message
    with pytest.raises(TickError) as caught:
        make_handler("post", {"endpoint": "missing"}, services)
    assert 'no [[httppost]] endpoint "missing"' in caught.value.message


def test_unknown_endpoint_falls_back_to_the_url(fake, tmp_path):
    services = services_for(load_config_text(tmp_path, ""))
    post(services, {"endpoint": "missing", "url": fake.base_url + "/fallback"})
    assert fake.requests[0].path == "/fallback"


@pytest.mark.parametrize("value, seconds", [("10s", 10.0), ("1m30s", 90.0), ("250ms", 0.25),
                                            (5_000_000_000, 5.0), ("", None), (0, None)])
def test_timeout_spellings(value, seconds):
    assert parse_timeout(value) == seconds


def test_bad_timeout_is_refused():
    with pytest.raises(TickError):
        parse_timeout("ten seconds")


def test_nan_cannot_be_sent_and_is_reported(fake, tmp_path):
    event = cpu_event()
    event.series[0]["values"] = [["2023-11-14T22:13:20.25Z", float("nan")]]
    services = services_for(load_config_text(tmp_path, ""))
    post(services, {"url": fake.base_url + "/alerts"}, event)
    assert fake.requests == []
    [(handler, ok, detail)] = services.report.deliveries
    assert not ok and "json: unsupported value: NaN" in detail


def test_inline_alert_template_has_the_json_function(fake, tmp_path):
    # services/httppost/config.go GetTemplate: an inline alert-template gets json and jsonCompact
    config = load_config_text(tmp_path, f"""\
[[httppost]]
  endpoint = "tmpl"
  url = "{fake.base_url}/tmpl"
  alert-template = '{{{{ jsonCompact .ID }}}}'
""")
    services = services_for(config)
    post(services, {"endpoint": "tmpl"})
    assert fake.requests[0].body == b'"cpu:nil"'
