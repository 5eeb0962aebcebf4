"""The delivery queue: retries, Retry-After, final errors, draining at exit, nothing lost silently.

Each test sends real HTTP requests to a local server; the pause between attempts is replaced by a
recorder (`services.waits`), so the tests check which waits were asked for without sleeping.
"""

from __future__ import annotations

import io
import socket
import threading
from email.utils import formatdate

from fake_services import RecordingReport, services_for
from tickpy.config import Config
from tickpy.handlers.delivery import DeliveryQueue, RetryPolicy, dispatch
from tickpy.handlers.http import OutgoingRequest, retry_after_seconds
from tickpy.handlers.redact import url_secret


def request_to(url: str, what: str = "alert cpu:nil CRITICAL at 2023-11-14T22:13:20Z", kind="post",
               secrets=()) -> OutgoingRequest:
    return OutgoingRequest(kind=kind, handler=kind, what=what, method="POST", url=url,
                           headers={"Content-Type": "application/json"}, body=b'{"n":1}\n',
                           secrets=tuple(secrets))


def test_500_is_retried_with_exponential_backoff(fake):
    fake.answer("/hook", 500, times=3)
    services = services_for(Config())
    services.delivery.submit(request_to(fake.base_url + "/hook"))
    assert services.delivery.close(10) == []
    assert len(fake.requests) == 4
    # initial 0.5s doubling, each scaled by a jitter factor within ±20%
    for wait, base in zip(services.waits, (0.5, 1.0, 2.0)):
        assert base * 0.8 <= wait <= base * 1.2
    assert len(services.waits) == 3
    assert [entry[:2] for entry in services.report.deliveries] == [("post", True)]


def test_retry_after_header_is_honoured(fake):
    fake.answer("/hook", 429, retry_after=7)
    services = services_for(Config())
    services.delivery.submit(request_to(fake.base_url + "/hook"))
    assert services.delivery.close(10) == []
    assert services.waits == [7.0]
    assert len(fake.requests) == 2


def test_retry_after_on_a_503_too(fake):
    fake.answer("/hook", 503, retry_after=3)
    services = services_for(Config())
    services.delivery.submit(request_to(fake.base_url + "/hook"))
    services.delivery.close(10)
    assert services.waits == [3.0]


def test_retry_after_as_an_http_date():
    # RFC 9110 10.2.3: Retry-After is an HTTP-date or a number of seconds; its example date
    # "Fri, 31 Dec 1999 23:59:59 GMT" (946684799 in Unix seconds). The wait is counted from `now`.
    header = {"retry-after": "Fri, 31 Dec 1999 23:59:59 GMT"}
    assert retry_after_seconds(header, b"", now=lambda: 946684799 - 120) == 120.0
    assert retry_after_seconds(header, b"", now=lambda: 946684799 - 0.5) == 0.5
    assert retry_after_seconds(header, b"", now=lambda: 946684799 + 30) == 0.0  # a date gone by: retry now
    later = {"retry-after": formatdate(timeval=1_700_000_090, usegmt=True)}
    assert retry_after_seconds(later, b"", now=lambda: 1_700_000_000) == 90.0


def test_400_is_final_and_reported_with_the_services_text(fake):
    fake.answer("/hook", 400, "field x is required")
    services = services_for(Config())
    services.delivery.submit(request_to(fake.base_url + "/hook"))
    undelivered = services.delivery.close(10)
    assert len(fake.requests) == 1
    assert services.waits == []
    [(handler, ok, detail)] = services.report.deliveries
    assert (handler, ok) == ("post", False)
    assert "HTTP 400" in detail and "after 1 attempt" in detail
    assert undelivered == [f"post: {detail}"]


def test_giving_up_after_max_attempts_is_reported(fake):
    fake.answer("/hook", 502, times=10)
    services = services_for(Config(), max_attempts=3)
    services.delivery.submit(request_to(fake.base_url + "/hook"))
    [line] = services.delivery.close(10)
    assert len(fake.requests) == 3
    assert "gave up after 3 attempts" in line and "HTTP 502" in line
    assert line.startswith("post: alert cpu:nil CRITICAL at 2023-11-14T22:13:20Z")


def test_connection_refused_is_retried_then_reported(fake):
    url = fake.base_url + "/hook"
    fake.__exit__(None, None, None)  # nothing listens there any more
    services = services_for(Config(), max_attempts=2)
    services.delivery.submit(request_to(url))
    [line] = services.delivery.close(10)
    assert len(services.waits) == 1
    assert "no response" in line


def test_queue_drains_at_exit(fake):
    services = services_for(Config())
    for number in range(25):
        kind = ("post", "discord", "pushover")[number % 3]
        services.delivery.submit(request_to(f"{fake.base_url}/hook/{number}", what=f"alert {number}", kind=kind))
    assert services.delivery.close(10) == []
    assert sorted(r.path for r in fake.requests) == sorted(f"/hook/{n}" for n in range(25))
    assert len(services.report.deliveries) == 25 and all(ok for _, ok, _ in services.report.deliveries)


def test_each_kind_keeps_its_order(fake):
    services = services_for(Config())
    for number in range(10):
        services.delivery.submit(request_to(f"{fake.base_url}/hook/{number}", kind="discord"))
    services.delivery.close(10)
    assert [r.path for r in fake.requests] == [f"/hook/{n}" for n in range(10)]


def test_close_reports_what_could_not_be_sent_in_time(fake):
    """A retry that would wait past the shutdown deadline is given up and named."""
    fake.answer("/hook", 500, times=100)
    report = RecordingReport()
    queue = DeliveryQueue(report, RetryPolicy(initial_delay=3600, jitter=0))  # real pauses
    queue.submit(request_to(fake.base_url + "/hook", what="alert slow:nil CRITICAL"))
    queue.submit(request_to(fake.base_url + "/hook", what="alert queued:nil WARNING"))
    undelivered = queue.close(timeout=0.5)
    assert len(undelivered) == 2
    assert any(line.startswith("post: alert slow:nil CRITICAL: not delivered") for line in undelivered)
    assert any(line.startswith("post: alert queued:nil WARNING") for line in undelivered)
    assert [ok for _, ok, _ in report.deliveries] == [False, False]


def test_a_full_queue_reports_instead_of_blocking(fake):
    fake.answer("/hook", 500)
    entered, release = threading.Event(), threading.Event()

    def blocking_wait(seconds: float) -> None:
        entered.set()
        release.wait(10)

    services = services_for(Config(), queue_size=1, wait=blocking_wait)
    queue = services.delivery
    assert queue.submit(request_to(fake.base_url + "/hook", what="first"))
    assert entered.wait(10)  # the worker holds "first", waiting to retry
    assert queue.submit(request_to(fake.base_url + "/hook", what="second"))  # fills the queue
    assert not queue.submit(request_to(fake.base_url + "/hook", what="third"))
    release.set()
    assert queue.close(10) == ["post: third: not sent: the post queue is full (1 notifications waiting)"]
    assert sorted(what.split(":")[0] for _, ok, what in services.report.deliveries if ok) == ["first", "second"]


def test_submit_after_close_is_reported(fake):
    services = services_for(Config())
    services.delivery.close(1)
    assert not services.delivery.submit(request_to(fake.base_url + "/hook", what="late"))
    assert services.report.deliveries == [("post", False, "late: not sent: delivery was already shut down")]


def test_secrets_are_masked_in_failure_reports(fake):
    url = fake.base_url + "/api/webhooks/1/very-secret-token"
    fake.answer("/api/webhooks/", 401, "no")
    services = services_for(Config())
    services.delivery.submit(request_to(url, secrets=url_secret(url)))
    [line] = services.delivery.close(10)
    assert "very-secret-token" not in line
    # what was not delivered, and why, in the words of Kapacitor's httppost log
    # (services/httppost/service.go: "POST returned non 2xx status code", code 401)
    assert line == ("post: alert cpu:nil CRITICAL at 2023-11-14T22:13:20Z: not delivered "
                    "(HTTP 401, after 1 attempt): POST returned non 2xx status code 401")


def test_a_connection_error_shows_the_url_with_its_secret_masked():
    # Nothing listens on a bound socket: the connection is refused, and the error names the URL,
    # with the webhook token replaced and the host and port a user needs to check kept.
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
        url = f"http://127.0.0.1:{port}/api/webhooks/1/very-secret-token"
        services = services_for(Config(), max_attempts=1)
        services.delivery.submit(request_to(url, secrets=url_secret(url)))
        [line] = services.delivery.close(10)
    assert "very-secret-token" not in line
    assert line.startswith("post: alert cpu:nil CRITICAL at 2023-11-14T22:13:20Z: not delivered "
                           f"(no response, gave up after 1 attempt): POST http://127.0.0.1:{port}/***: ")
    assert "refused" in line.lower()


def test_dry_run_prints_instead_of_sending(fake):
    out = io.StringIO()
    services = services_for(Config(), dry_run=True, out=out)
    url = fake.base_url + "/api/webhooks/1/very-secret-token"
    dispatch(services, request_to(url, secrets=url_secret(url)))
    services.delivery.close(1)
    assert fake.requests == []
    assert out.getvalue() == (f"post: POST {fake.base_url}/***\n"
                              "  Content-Type: application/json\n"
                              '  {"n":1}\n')
