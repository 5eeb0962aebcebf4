"""The Discord handler against a real local server imitating Discord webhooks.

Expected requests follow services/discord/service.go (JSON body and its key order, colours by
level, RFC3339 timestamp when enabled, username/avatar fallback to the workspace, success = 204
only, error text), services/discord/config.go (workspaces, default, global) and the Discord event
handler doc page (the seed kapacitor.conf, TICKscript and handler files, and the `timestamp`
handler option, which tickpy honours as the page documents).
"""

from __future__ import annotations

import io
import shutil
import subprocess

import pytest

from fake_services import FakeServices, load_config_text, services_for
from tickpy.alert.event import AlertEvent, Level
from tickpy.config import ConfigError
from tickpy.handlers.base import make_handler
from tickpy.handlers.discord import discord_global_handlers

T0 = 1_700_000_000_500_000_000  # 2023-11-14T22:13:20.5Z
ALERTS_TOKEN = "alerts-webhook-token"
ERRORS_TOKEN = "errors-webhook-token"


def seed_conf(alerts_url: str, errors_url: str, *, global_: bool = False, state_changes_only: bool = False,
              extra: str = "") -> str:
    """The seed page's two [[discord]] sections (guild-alerts, guild-errors), with local URLs."""
    return f"""\
[[discord]]
  enabled = true
  default = true
  url = "{alerts_url}"
  workspace = "guild-alerts"
  timestamp = true
  username = "AlertBot"
  avatar-url = ""
  embed-title = "Alert"
  global = {str(global_).lower()}
  state-changes-only = {str(state_changes_only).lower()}
{extra}
[[discord]]
  enabled = true
  default = false
  url = "{errors_url}"
  workspace = "guild-errors"
  timestamp = true
  username = "StatsBot"
  avatar-url = ""
  embed-title = "Errors"
  global = false
  state-changes-only = false
"""


@pytest.fixture
def config(fake, tmp_path):
    text = seed_conf(fake.discord_url(f"1/{ALERTS_TOKEN}"), fake.discord_url(f"2/{ERRORS_TOKEN}"))
    return load_config_text(tmp_path, text)


def event(level=Level.WARNING, message="Hey, check your CPU", time=T0, event_id="cpu:nil") -> AlertEvent:
    return AlertEvent(id=event_id, message=message, details="", time=time, duration=0, level=level,
                      previous_level=Level.OK, recoverable=True, series=[], task_name="cpu_alert", name="cpu",
                      tags={"host": "serverA"})


def send(services, options: dict, *events: AlertEvent):
    handler = make_handler("discord", options, services)
    for item in events:
        handler.handle(item)
    return services.delivery.close(timeout=10)


def test_seed_tickscript_embed_title_goes_to_the_default_workspace(fake, config):
    # .warn(lambda: "usage_idle" < 20) .message('Hey, check your CPU') .discord().embedTitle('Uh Oh!')
    services = services_for(config)
    assert send(services, {"embed-title": "Uh Oh!"}, event(Level.WARNING)) == []
    [request] = fake.requests
    assert request.method == "POST"
    assert request.path == f"/api/webhooks/1/{ALERTS_TOKEN}"
    assert request.headers["content-type"] == "application/json"
    # Go's encoder: map keys sorted, embed fields in struct order, HTML-safe, trailing newline
    assert request.body == (b'{"avatar_url":"","embeds":[{"color":16026936,"title":"Uh Oh!",'
                            b'"description":"Hey, check your CPU","timestamp":"2023-11-14T22:13:20Z"}],'
                            b'"username":"AlertBot"}\n')
    assert services.report.deliveries[0][:2] == ("discord[guild-alerts]", True)


def test_seed_handler_file_discord_cpu_alert(fake, config):
    # id: discord-cpu-alert / topic: cpu / kind: discord / workspace: 'guild-alerts' / embed-title: 'Hey, Listen!'
    services = services_for(config)
    send(services, {"workspace": "guild-alerts", "embed-title": "Hey, Listen!"}, event(Level.CRITICAL))
    [request] = fake.requests
    assert request.json() == {"avatar_url": "", "username": "AlertBot", "embeds": [
        {"color": 0xF95F53, "title": "Hey, Listen!", "description": "Hey, check your CPU",
         "timestamp": "2023-11-14T22:13:20Z"}]}


def test_seed_handler_file_daily_500_errors_goes_to_the_errors_workspace(fake, config):
    # id: discord-500-errors-daily / topic: 500-errors-24h / kind: discord / workspace: guild-errors
    services = services_for(config)
    send(services, {"workspace": "guild-errors"},
         event(Level.INFO, message="12 500 errors last 24 hours.", event_id="500-errors-24h"))
    [request] = fake.requests
    assert request.path == f"/api/webhooks/2/{ERRORS_TOKEN}"
    # embed-title left empty: the workspace's "Errors", as the doc page says (Kapacitor sends "")
    assert request.json() == {"avatar_url": "", "username": "StatsBot", "embeds": [
        {"color": 0x7A65F2, "title": "Errors", "description": "12 500 errors last 24 hours.",
         "timestamp": "2023-11-14T22:13:20Z"}]}


def test_seed_handler_file_every_option(fake, tmp_path):
    # id: handler-id / kind: discord / workspace: 'guild-channel' / username: 'Kapacitor' /
    # avatar-url: '' / timestamp: true / embed-title: 'Kapacitor Alert'
    config = load_config_text(tmp_path, f"""\
[[discord]]
  enabled = true
  default = true
  url = "{fake.discord_url('3/channel-token')}"
  workspace = "guild-channel"
  timestamp = false
  username = "ConfiguredBot"
  avatar-url = "https://example.com/configured.png"
""")
    services = services_for(config)
    send(services, {"workspace": "guild-channel", "username": "Kapacitor", "avatar-url": "",
                    "timestamp": True, "embed-title": "Kapacitor Alert"}, event(Level.OK))
    [request] = fake.requests
    assert request.json() == {"avatar_url": "https://example.com/configured.png", "username": "Kapacitor",
                              "embeds": [{"color": 0x7A65F2, "title": "Kapacitor Alert",
                                          "description": "Hey, check your CPU",
                                          "timestamp": "2023-11-14T22:13:20Z"}]}


def test_timestamp_option_false_overrides_the_workspace(fake, config):
    services = services_for(config)
    send(services, {"timestamp": False}, event())
    assert fake.requests[0].json()["embeds"][0]["timestamp"] == ""


@pytest.mark.parametrize("level, colour", [(Level.CRITICAL, 0xF95F53), (Level.WARNING, 0xF48D38),
                                           (Level.INFO, 0x7A65F2), (Level.OK, 0x7A65F2)])
def test_colour_by_level(fake, config, level, colour):
    services = services_for(config)
    send(services, {}, event(level))
    assert fake.requests[0].json()["embeds"][0]["color"] == colour


def test_html_characters_are_escaped_as_go_does(fake, config):
    services = services_for(config)
    send(services, {}, event(message="cpu < 5 & load > 3"))
    assert b'"description":"cpu \\u003c 5 \\u0026 load \\u003e 3"' in fake.requests[0].body


def test_only_204_is_success(fake, config):
    fake.answer("/api/webhooks/", 200, '{"id": "1"}')
    services = services_for(config)
    undelivered = send(services, {}, event())
    [(handler, ok, detail)] = services.report.deliveries
    assert (handler, ok) == ("discord[guild-alerts]", False)
    assert 'failed to understand Discord response. code: 200 content: {"id": "1"}' in detail
    assert len(undelivered) == 1


def test_rate_limit_retry_after_from_discords_json(fake, config):
    fake.answer("/api/webhooks/", 429, discord_retry_after=0.25)
    services = services_for(config)
    assert send(services, {}, event()) == []
    assert len(fake.requests) == 2
    assert services.waits == [0.25]


def test_bad_webhook_is_not_retried(fake, config):
    fake.answer("/api/webhooks/", 404, '{"message": "Unknown Webhook", "code": 10015}')
    services = services_for(config)
    send(services, {}, event())
    assert len(fake.requests) == 1
    [(_, ok, detail)] = services.report.deliveries
    assert not ok and "Unknown Webhook" in detail


def test_webhook_url_never_appears_in_reports_or_dry_run(fake, config):
    fake.answer("/api/webhooks/", 400, f'{{"message": "bad webhook {ALERTS_TOKEN}"}}')
    services = services_for(config)
    undelivered = send(services, {}, event())
    assert ALERTS_TOKEN not in repr(services.report.deliveries) + repr(undelivered)
    out = io.StringIO()
    dry = services_for(config, dry_run=True, out=out)
    send(dry, {"workspace": "guild-errors"}, event())
    text = out.getvalue()
    assert ERRORS_TOKEN not in text
    assert text.startswith(f"discord[guild-errors]: POST {fake.base_url}/***\n")
    assert '"description":"Hey, check your CPU"' in text
    assert len(fake.requests) == 1  # the dry run sent nothing


def test_unknown_workspace_is_refused_when_built(config):
    with pytest.raises(ConfigError) as caught:
        make_handler("discord", {"workspace": "guild-nope"}, services_for(config))
    assert 'no [[discord]] section has workspace = "guild-nope"' in caught.value.message


def test_disabled_workspace_is_refused_when_built(fake, tmp_path):
    config = load_config_text(tmp_path, seed_conf(fake.discord_url("1/a"), fake.discord_url("2/b")).replace(
        "enabled = true\n  default = false", "enabled = false\n  default = false"))
    with pytest.raises(ConfigError) as caught:
        make_handler("discord", {"workspace": "guild-errors"}, services_for(config))
    assert caught.value.key == "enabled"
    assert 'workspace "guild-errors"' in caught.value.message


# -- global = true ---------------------------------------------------------------------------------


def test_global_sends_every_alert_to_the_default_workspace(fake, tmp_path):
    config = load_config_text(tmp_path, seed_conf(fake.discord_url("1/a"), fake.discord_url("2/b"),
                                                  global_=True))
    services = services_for(config)
    [handler] = discord_global_handlers(config, services)
    for level in (Level.CRITICAL, Level.CRITICAL, Level.OK):
        handler.handle(event(level))
    services.delivery.close(10)
    assert [r.json()["embeds"][0]["color"] for r in fake.requests] == [0xF95F53, 0xF95F53, 0x7A65F2]
    assert all(r.path == "/api/webhooks/1/a" for r in fake.requests)


def test_global_with_state_changes_only_sends_changes(fake, tmp_path):
    config = load_config_text(tmp_path, seed_conf(fake.discord_url("1/a"), fake.discord_url("2/b"),
                                                  global_=True, state_changes_only=True))
    services = services_for(config)
    [handler] = discord_global_handlers(config, services)
    levels = [Level.WARNING, Level.WARNING, Level.CRITICAL, Level.CRITICAL, Level.OK, Level.OK]
    for index, level in enumerate(levels):
        handler.handle(event(level, time=T0 + index * 10**9))
    other = event(Level.WARNING, event_id="cpu:host=b")  # another alert id has its own state
    handler.handle(other)
    services.delivery.close(10)
    assert [(r.json()["embeds"][0]["color"], r.json()["embeds"][0]["timestamp"]) for r in fake.requests] == [
        (0xF48D38, "2023-11-14T22:13:20Z"), (0xF95F53, "2023-11-14T22:13:22Z"),
        (0x7A65F2, "2023-11-14T22:13:24Z"), (0xF48D38, "2023-11-14T22:13:20Z")]


def test_no_global_handlers_unless_configured(config):
    assert discord_global_handlers(config, services_for(config)) == []
    assert discord_global_handlers(None, services_for(config)) == []


# -- TLS -------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def self_signed(tmp_path_factory):
    if shutil.which("openssl") is None:
        pytest.skip("openssl CLI not available to make a test certificate")
    folder = tmp_path_factory.mktemp("tls")
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", str(key),
                    "-out", str(cert), "-days", "2", "-subj", "/CN=127.0.0.1",
                    "-addext", "subjectAltName=IP:127.0.0.1"], check=True, capture_output=True)
    return str(cert), str(key)


def tls_conf(url: str, extra: str) -> str:
    return f'[[discord]]\n  enabled = true\n  url = "{url}"\n{extra}\n'


def test_tls_verification_is_on_by_default(self_signed, tmp_path):
    with FakeServices(tls=self_signed) as https:
        config = load_config_text(tmp_path, tls_conf(https.discord_url(), ""))
        services = services_for(config)
        undelivered = send(services, {}, event())
        assert https.requests == []
    [(_, ok, detail)] = services.report.deliveries
    assert not ok
    assert "CERTIFICATE_VERIFY_FAILED" in detail or "certificate verify failed" in detail
    assert services.waits == []  # a refused certificate is not retried
    assert len(undelivered) == 1


def test_insecure_skip_verify_accepts_a_self_signed_server(self_signed, tmp_path):
    with FakeServices(tls=self_signed) as https:
        config = load_config_text(tmp_path, tls_conf(https.discord_url(), "  insecure-skip-verify = true"))
        services = services_for(config)
        assert send(services, {}, event()) == []
        assert len(https.requests) == 1


def test_ssl_ca_trusts_the_given_authority(self_signed, tmp_path):
    cert, _ = self_signed
    with FakeServices(tls=self_signed) as https:
        config = load_config_text(tmp_path, tls_conf(https.discord_url(), f'  ssl-ca = "{cert}"'))
        services = services_for(config)
        assert send(services, {}, event()) == []
        assert len(https.requests) == 1


def test_missing_ca_file_is_a_config_error(tmp_path):
    with pytest.raises(ConfigError) as caught:
        load_config_text(tmp_path, tls_conf("https://discord.com/api/webhooks/1/a",
                                            f'  ssl-ca = "{tmp_path}/nope.pem"'))
    assert caught.value.key == "ssl-ca"
    assert "Could not load TLS CA" in caught.value.message


# -- embed title templates ---------------------------------------------------------------------------


def test_embed_title_is_a_template_over_the_event(fake, config):
    services = services_for(config)
    send(services, {"embed-title": "{{ .Level }} on {{ index .Tags \"host\" }} ({{ .TaskName }})"},
         event(Level.CRITICAL))
    assert fake.requests[0].json()["embeds"][0]["title"] == "CRITICAL on serverA (cpu_alert)"


def test_embed_title_that_does_not_parse_is_refused_when_built(config):
    from tickpy.lang.errors import TickError

    with pytest.raises(TickError) as caught:
        make_handler("discord", {"embed-title": "{{ .Level "}, services_for(config))
    assert caught.value.message.startswith("template: embedTitle:1:")


def test_embed_title_that_fails_on_an_event_is_reported_and_not_sent(fake, config):
    # Kapacitor logs the template error and sends nothing (services/discord/service.go Handle)
    services = services_for(config)
    send(services, {"embed-title": "{{ .Nope }}"}, event())
    assert fake.requests == []
    [(handler, ok, detail)] = services.report.deliveries
    assert (handler, ok) == ("discord[guild-alerts]", False)
    assert "can't evaluate field Nope in type alert.TemplateData" in detail


def test_handler_file_options_as_yaml_gives_them(fake, config):
    import yaml

    document = yaml.safe_load("""\
id: discord-cpu-alert
topic: cpu
kind: discord
options:
  workspace: 'guild-alerts'
  username: 'Kapacitor'
  avatar-url: ''
  timestamp: true
  embed-title: 'Hey, Listen!'
""")
    services = services_for(config)
    send(services, document["options"], event(Level.CRITICAL))
    assert fake.requests[0].json() == {"avatar_url": "", "username": "Kapacitor", "embeds": [
        {"color": 0xF95F53, "title": "Hey, Listen!", "description": "Hey, check your CPU",
         "timestamp": "2023-11-14T22:13:20Z"}]}


def test_options_from_a_tickscript_chain(fake, config):
    from tickpy.handlers.options import options_from_script

    # .discord().workspace('guild-errors').username('Bot').avatarURL('https://a.example/x.png')
    #           .embedTitle('Uh Oh!').timestamp(FALSE)
    options = options_from_script("discord", [], [
        ("workspace", ["guild-errors"]), ("username", ["Bot"]), ("avatarURL", ["https://a.example/x.png"]),
        ("embedTitle", ["Uh Oh!"]), ("timestamp", [False])])
    services = services_for(config)
    send(services, options, event())
    [request] = fake.requests
    assert request.path == f"/api/webhooks/2/{ERRORS_TOKEN}"
    assert request.json() == {"avatar_url": "https://a.example/x.png", "username": "Bot", "embeds": [
        {"color": 0xF48D38, "title": "Uh Oh!", "description": "Hey, check your CPU", "timestamp": ""}]}
