"""`tickpy service-tests` as a subprocess, against the local fake Pushover/Discord server.

The test notifications follow each service's TestOptions in Kapacitor (services/pushover/
service.go: "test pushover message" at CRITICAL; services/discord/service.go: "test discord
message" at INFO, username "Kapacitor", InfluxData's logo as avatar, title "Kapacitor Alert",
time 1970-01-01T00:00:01Z); the output table is `kapacitor service-tests`' (cmd/kapacitor/main.go:
"%-20s%-10v%s").
"""

from __future__ import annotations

from conftest import ROOT, run_tickpy
from fake_services import pushover_error, pushover_info

HEADER = "Service             Success   Message"


def write_conf(tmp_path, fake) -> str:
    path = tmp_path / "kapacitor.conf"
    path.write_text(f"""\
[pushover]
  enabled = true
  token = "mysupersecrettoken"
  user-key = "myuserkey"
  url = "{fake.pushover_url}"

[[discord]]
  enabled = true
  default = true
  url = "{fake.discord_url('1/alerts-token')}"
  workspace = "guild-alerts"
  timestamp = true
  username = "AlertBot"

[[discord]]
  enabled = true
  url = "{fake.discord_url('2/errors-token')}"
  workspace = "guild-errors"
  timestamp = false
""")
    return str(path)


def tickpy(*args, env=None):
    return run_tickpy("service-tests", *args, cwd=ROOT, env=env)


def test_pushover_test_notification(fake, tmp_path):
    result = tickpy("pushover", "--config", write_conf(tmp_path, fake))
    assert result.returncode == 0, result.stderr
    assert result.stdout == f"{HEADER}\npushover            true      \n"
    [request] = fake.requests
    assert request.form() == {"message": "test pushover message", "priority": "1",
                              "token": "mysupersecrettoken", "user": "myuserkey"}


def test_pushover_answer_with_info_is_printed(fake, tmp_path):
    fake.answer("/1/messages.json", 200, pushover_info())
    result = tickpy("pushover", "--config", write_conf(tmp_path, fake))
    assert result.returncode == 0
    assert ("pushover            true      Pushover info: no active devices to send to "
            "(request e460545a-8e0a-4b4c-8d7d-4c2a6b1f0c7e)") in result.stdout


def test_pushover_error_is_printed_and_fails(fake, tmp_path):
    fake.answer("/1/messages.json", 400, pushover_error("user"))
    result = tickpy("pushover", "--config", write_conf(tmp_path, fake))
    assert result.returncode == 1
    assert ("pushover            false     failed to understand Pushover response. code: 400 content: "
            "user identifier is invalid") in result.stdout
    assert len(fake.requests) == 1  # a service test tries once


def test_discord_test_notification_to_the_default_workspace(fake, tmp_path):
    result = tickpy("discord", "--config", write_conf(tmp_path, fake))
    assert result.returncode == 0, result.stderr
    assert result.stdout == f"{HEADER}\ndiscord             true      \n"
    [request] = fake.requests
    assert request.path == "/api/webhooks/1/alerts-token"
    assert request.body == (
        b'{"avatar_url":"https://influxdata.github.io/branding/img/downloads/'
        b'influxdata-logo--symbol--pool-alpha.png","embeds":[{"color":8021490,"title":"Kapacitor Alert",'
        b'"description":"test discord message","timestamp":"1970-01-01T00:00:01Z"}],"username":"Kapacitor"}\n')


def test_discord_workspace_option(fake, tmp_path):
    result = tickpy("discord", "--workspace", "guild-errors", "--config", write_conf(tmp_path, fake))
    assert result.returncode == 0
    [request] = fake.requests
    assert request.path == "/api/webhooks/2/errors-token"
    assert request.json()["embeds"][0]["timestamp"] == ""  # guild-errors has timestamp = false


def test_both_services_and_config_from_environment(fake, tmp_path):
    result = tickpy("pushover", "discord", env={"TICKPY_CONFIG": write_conf(tmp_path, fake)})
    assert result.returncode == 0
    assert result.stdout.splitlines()[1:] == ["pushover            true      ",
                                              "discord             true      "]


def test_discord_failure_never_shows_the_webhook(fake, tmp_path):
    fake.answer("/api/webhooks/", 404, '{"message": "Unknown Webhook", "code": 10015}')
    result = tickpy("discord", "--config", write_conf(tmp_path, fake))
    assert result.returncode == 1
    assert "Unknown Webhook" in result.stdout
    assert "alerts-token" not in result.stdout + result.stderr


def test_unknown_workspace(fake, tmp_path):
    result = tickpy("discord", "--workspace", "nope", "--config", write_conf(tmp_path, fake))
    assert result.returncode == 1
    assert 'no [[discord]] section has workspace = "nope"' in result.stdout


def test_disabled_service(tmp_path):
    path = tmp_path / "kapacitor.conf"
    path.write_text("[pushover]\nenabled = false\n")
    result = tickpy("pushover", "--config", str(path))
    assert result.returncode == 1
    assert "pushover            false     [pushover] enabled: service is not enabled" in result.stdout


def test_bad_config_is_one_clean_line(tmp_path):
    path = tmp_path / "kapacitor.conf"
    path.write_text("[pushover]\nenabled = maybe\n")
    result = tickpy("pushover", "--config", str(path))
    assert result.returncode == 1
    assert result.stderr.startswith(f"{path}:2:")
    assert "Traceback" not in result.stderr
