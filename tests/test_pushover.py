"""The Pushover handler against a real local server imitating Pushover's API.

Expected requests follow services/pushover/service.go (fields, which are left out when empty,
priority by level, form encoding with sorted keys, success = 200, error text) and the Pushover
event handler doc page (the seed examples: kapacitor.conf, TICKscript and handler files).
"""

from __future__ import annotations

import io

import pytest

from fake_services import load_config_text, pushover_error, pushover_info, services_for
from tickpy.alert.event import AlertEvent, Level
from tickpy.config import ConfigError
from tickpy.handlers.base import make_handler
from tickpy.lang.errors import TickError

TOKEN = "mysupersecrettoken"
USER_KEY = "myuserkey"
T0 = 1_700_000_000_000_000_000  # 2023-11-14T22:13:20Z


def seed_config(tmp_path, url: str, enabled: bool = True):
    """The seed page's [pushover] section, pointed at the local server."""
    return load_config_text(tmp_path, f'[pushover]\n  enabled = {str(enabled).lower()}\n  token = "{TOKEN}"\n'
                                      f'  user-key = "{USER_KEY}"\n  url = "{url}"\n')


def cpu_event(level=Level.CRITICAL, message="Hey, check your CPU", time=T0) -> AlertEvent:
    return AlertEvent(id="cpu:nil", message=message, details="", time=time, duration=0, level=level,
                      previous_level=Level.OK, recoverable=True,
                      series=[{"name": "cpu", "columns": ["time", "usage_idle"],
                               "values": [["2023-11-14T22:13:20Z", 8]]}],
                      task_name="cpu_alert", name="cpu")


def send(services, options: dict, *events: AlertEvent):
    handler = make_handler("pushover", options, services)
    for event in events:
        handler.handle(event)
    return services.delivery.close(timeout=10)


def test_seed_tickscript_title(fake, tmp_path):
    # .crit(lambda: "usage_idle" < 10) .message('Hey, check your CPU') .pushover().title('Alert from Kapacitor')
    services = services_for(seed_config(tmp_path, fake.pushover_url))
    assert send(services, {"title": "Alert from Kapacitor"}, cpu_event()) == []
    [request] = fake.requests
    assert request.method == "POST"
    assert request.path == "/1/messages.json"
    assert request.headers["content-type"] == "application/x-www-form-urlencoded"
    assert request.form() == {"message": "Hey, check your CPU", "priority": "1", "title": "Alert from Kapacitor",
                              "token": TOKEN, "user": USER_KEY}
    # Go's url.Values.Encode: keys sorted, spaces as '+', commas escaped
    assert request.body == (b"message=Hey%2C+check+your+CPU&priority=1&title=Alert+from+Kapacitor"
                            b"&token=mysupersecrettoken&user=myuserkey")
    assert services.report.deliveries[0][:2] == ("pushover", True)


def test_seed_tickscript_device_title_url_title(fake, tmp_path):
    # .pushover().device('device1, device2, device3').title('Alert from Kapacitor')
    #            .URLTitle('This is an example title')   (script names translated to file options)
    services = services_for(seed_config(tmp_path, fake.pushover_url))
    send(services, {"device": "device1, device2, device3", "title": "Alert from Kapacitor",
                    "url-title": "This is an example title"}, cpu_event())
    [request] = fake.requests
    assert request.form() == {"device": "device1, device2, device3", "message": "Hey, check your CPU",
                              "priority": "1", "title": "Alert from Kapacitor", "token": TOKEN,
                              "url_title": "This is an example title", "user": USER_KEY}


def test_seed_handler_file_every_option(fake, tmp_path):
    # id: handler-id / kind: pushover / device, title, url-title, sound (plus url)
    services = services_for(seed_config(tmp_path, fake.pushover_url))
    send(services, {"device": "device1, device2, device3", "title": "Alert from Kapacitor",
                    "url": "https://grafana.example.com/d/cpu", "url-title": "This is an example title",
                    "sound": "siren"}, cpu_event(Level.WARNING))
    [request] = fake.requests
    assert request.form() == {"device": "device1, device2, device3", "message": "Hey, check your CPU",
                              "priority": "0", "sound": "siren", "title": "Alert from Kapacitor",
                              "token": TOKEN, "url": "https://grafana.example.com/d/cpu",
                              "url_title": "This is an example title", "user": USER_KEY}
    assert list(request.form()) == sorted(request.form())


def test_seed_pushover_cpu_alert_handler(fake, tmp_path):
    # id: pushover-cpu-alert / topic: cpu / kind: pushover / title: Alert from Kapacitor / sound: siren
    services = services_for(seed_config(tmp_path, fake.pushover_url))
    send(services, {"title": "Alert from Kapacitor", "sound": "siren"}, cpu_event())
    [request] = fake.requests
    assert request.form() == {"message": "Hey, check your CPU", "priority": "1", "sound": "siren",
                              "title": "Alert from Kapacitor", "token": TOKEN, "user": USER_KEY}


@pytest.mark.parametrize("level, priority", [(Level.OK, "-2"), (Level.INFO, "-1"),
                                             (Level.WARNING, "0"), (Level.CRITICAL, "1")])
def test_priority_by_level(fake, tmp_path, level, priority):
    services = services_for(seed_config(tmp_path, fake.pushover_url))
    send(services, {}, cpu_event(level))
    [request] = fake.requests
    assert request.form()["priority"] == priority
    assert set(request.form()) == {"message", "priority", "token", "user"}  # empty options left out


def test_user_key_option_replaces_the_configured_one(fake, tmp_path):
    services = services_for(seed_config(tmp_path, fake.pushover_url))
    send(services, {"user-key": "otheruser"}, cpu_event())
    assert fake.requests[0].form()["user"] == "otheruser"


def test_long_message_is_sent_whole_as_kapacitor_does(fake, tmp_path):
    # Kapacitor applies no length limit: Pushover itself refuses what is too long.
    services = services_for(seed_config(tmp_path, fake.pushover_url))
    send(services, {}, cpu_event(message="x" * 2000))
    assert fake.requests[0].form()["message"] == "x" * 2000


def test_pushover_error_is_reported_with_its_text_and_not_retried(fake, tmp_path):
    fake.answer("/1/messages.json", 400, pushover_error("user"))
    services = services_for(seed_config(tmp_path, fake.pushover_url))
    undelivered = send(services, {}, cpu_event())
    assert len(fake.requests) == 1
    [(handler, ok, detail)] = services.report.deliveries
    assert (handler, ok) == ("pushover", False)
    assert ("failed to understand Pushover response. code: 400 content: user identifier is invalid"
            in detail)
    assert "5042853c-402d-4a18-abcb-168734a801de" in detail  # Pushover's request id
    assert "cpu:nil" in detail
    assert len(undelivered) == 1 and undelivered[0].startswith("pushover: alert cpu:nil CRITICAL")


def test_info_answer_is_reported_with_the_request_id(fake, tmp_path):
    fake.answer("/1/messages.json", 200, pushover_info())
    services = services_for(seed_config(tmp_path, fake.pushover_url))
    assert send(services, {}, cpu_event()) == []
    [(handler, ok, detail)] = services.report.deliveries
    assert ok is True
    assert "no active devices to send to" in detail
    assert "e460545a-8e0a-4b4c-8d7d-4c2a6b1f0c7e" in detail


def test_server_errors_are_retried(fake, tmp_path):
    fake.answer("/1/messages.json", 500, "oops", times=2)
    services = services_for(seed_config(tmp_path, fake.pushover_url))
    assert send(services, {}, cpu_event()) == []
    assert len(fake.requests) == 3
    assert all(r.body == fake.requests[0].body for r in fake.requests)
    assert services.report.deliveries == [("pushover", True, services.report.deliveries[0][2])]


def test_secrets_never_reach_reports(fake, tmp_path):
    fake.answer("/1/messages.json", 400, {"token": "invalid", "errors": [f"token {TOKEN} is invalid"],
                                          "status": 0, "request": "r1"})
    services = services_for(seed_config(tmp_path, fake.pushover_url))
    undelivered = send(services, {}, cpu_event())
    text = repr(services.report.deliveries) + repr(undelivered)
    assert TOKEN not in text and USER_KEY not in text
    assert "token *** is invalid" in text


def test_dry_run_prints_the_request_with_secrets_masked(tmp_path):
    out = io.StringIO()
    services = services_for(seed_config(tmp_path, "https://api.pushover.net/1/messages.json"),
                            dry_run=True, out=out)
    send(services, {"title": "Alert from Kapacitor"}, cpu_event())
    assert out.getvalue() == (
        "pushover: POST https://api.pushover.net/1/messages.json\n"
        "  Content-Type: application/x-www-form-urlencoded\n"
        "  message=Hey%2C+check+your+CPU&priority=1&title=Alert+from+Kapacitor&token=***&user=***\n")


def test_unknown_option_is_refused_when_the_handler_is_built(tmp_path):
    services = services_for(seed_config(tmp_path, "https://api.pushover.net/1/messages.json"))
    with pytest.raises(TickError) as caught:
        make_handler("pushover", {"titel": "x"}, services)
    assert 'unknown option "titel"' in caught.value.message


def test_disabled_pushover_is_refused_when_the_handler_is_built(tmp_path):
    services = services_for(seed_config(tmp_path, "https://api.pushover.net/1/messages.json", enabled=False))
    with pytest.raises(ConfigError) as caught:
        make_handler("pushover", {}, services)
    assert caught.value.key == "enabled" and caught.value.section == "[pushover]"


def test_handler_file_options_as_yaml_gives_them(fake, tmp_path):
    import yaml

    # The seed handler file, in the standard layout (options under `options:`)
    document = yaml.safe_load("""\
id: handler-id
topic: topic-name
kind: pushover
options:
  device: device1, device2, device3
  title: Alert from Kapacitor
  url-title: This is an example title
  sound: siren
""")
    services = services_for(seed_config(tmp_path, fake.pushover_url))
    send(services, document["options"], cpu_event())
    assert fake.requests[0].form() == {"device": "device1, device2, device3", "message": "Hey, check your CPU",
                                       "priority": "1", "sound": "siren", "title": "Alert from Kapacitor",
                                       "token": TOKEN, "url_title": "This is an example title",
                                       "user": USER_KEY}
