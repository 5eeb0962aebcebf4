"""The seed examples end to end: `tickpy run --replay data.lp script.tick --config kapacitor.conf`.

A subprocess replays line protocol through the seed TICKscripts of the Pushover and Discord
handler pages, with a kapacitor.conf pointing at the local fake services, and the test checks
every field of what the services received. Alert semantics (spec §1, Kapacitor's alert.go):
without stateChangesOnly every non-OK point emits an event, and the first OK point after them
emits a recovery.
"""

from __future__ import annotations

from conftest import ROOT, run_tickpy

S = 1_000_000_000
T0 = 1_700_000_000 * S  # 2023-11-14T22:13:20Z

DATA = "\n".join([
    f"cpu,host=serverA usage_idle=50 {T0}",
    f"cpu,host=serverA usage_idle=8 {T0 + 10 * S}",
    f"cpu,host=serverA usage_idle=5 {T0 + 20 * S}",
    f"cpu,host=serverA usage_idle=15 {T0 + 30 * S}",
    f"cpu,host=serverA usage_idle=50 {T0 + 40 * S}",
]) + "\n"

PUSHOVER_SCRIPT = """\
stream
    |from()
        .measurement('cpu')
    |alert()
        .crit(lambda: "usage_idle" < 10)
        .message('Hey, check your CPU')
        .pushover()
            .title('Alert from Kapacitor')
"""

DISCORD_SCRIPT = """\
stream
    |from()
        .measurement('cpu')
    |alert()
        .warn(lambda: "usage_idle" < 20)
        .message('Hey, check your CPU')
        .discord()
            .embedTitle('Uh Oh!')
"""

TOKEN = "mysupersecrettoken"
USER_KEY = "myuserkey"
WEBHOOK_TOKEN = "alerts-webhook-token"


def conf_text(fake) -> str:
    return f"""\
[pushover]
  enabled = true
  token = "{TOKEN}"
  user-key = "{USER_KEY}"
  url = "{fake.pushover_url}"

[[discord]]
  enabled = true
  default = true
  url = "{fake.discord_url('1/' + WEBHOOK_TOKEN)}"
  workspace = "guild-alerts"
  timestamp = true
  username = "AlertBot"
  avatar-url = ""
  embed-title = "Alert"
  global = false
  state-changes-only = false
"""


def files(tmp_path, fake, script: str):
    (tmp_path / "data.lp").write_text(DATA)
    (tmp_path / "cpu_alert.tick").write_text(script)
    (tmp_path / "kapacitor.conf").write_text(conf_text(fake))
    return ["--replay", str(tmp_path / "data.lp"), str(tmp_path / "cpu_alert.tick"),
            "--config", str(tmp_path / "kapacitor.conf")]


def test_seed_pushover_script_end_to_end(fake, tmp_path):
    result = run_tickpy("run", *files(tmp_path, fake, PUSHOVER_SCRIPT), cwd=ROOT)
    assert result.returncode == 0, result.stderr
    requests = fake.requests_to("/1/messages.json")
    # 8 and 5 are critical (< 10); 15 is not: a recovery; 50 is OK again: nothing.
    assert [r.form() for r in requests] == [
        {"message": "Hey, check your CPU", "priority": "1", "title": "Alert from Kapacitor",
         "token": TOKEN, "user": USER_KEY},
        {"message": "Hey, check your CPU", "priority": "1", "title": "Alert from Kapacitor",
         "token": TOKEN, "user": USER_KEY},
        {"message": "Hey, check your CPU", "priority": "-2", "title": "Alert from Kapacitor",
         "token": TOKEN, "user": USER_KEY},
    ]
    assert all(r.headers["content-type"] == "application/x-www-form-urlencoded" for r in requests)
    assert TOKEN not in result.stdout + result.stderr


def test_seed_discord_script_end_to_end(fake, tmp_path):
    result = run_tickpy("run", *files(tmp_path, fake, DISCORD_SCRIPT), cwd=ROOT)
    assert result.returncode == 0, result.stderr
    requests = fake.requests_to("/api/webhooks/1/")
    # 8, 5 and 15 are warnings (< 20); 50 recovers.
    expected = [(0xF48D38, T0 + 10 * S), (0xF48D38, T0 + 20 * S), (0xF48D38, T0 + 30 * S), (0x7A65F2, T0 + 40 * S)]
    from tickpy.handlers.discord import rfc3339_seconds

    assert [r.json() for r in requests] == [
        {"avatar_url": "", "username": "AlertBot",
         "embeds": [{"color": colour, "title": "Uh Oh!", "description": "Hey, check your CPU",
                     "timestamp": rfc3339_seconds(time)}]}
        for colour, time in expected]
    assert WEBHOOK_TOKEN not in result.stdout + result.stderr


def test_dry_run_prints_requests_with_secrets_redacted(fake, tmp_path):
    result = run_tickpy("run", *files(tmp_path, fake, PUSHOVER_SCRIPT), "--dry-run", cwd=ROOT)
    assert result.returncode == 0, result.stderr
    assert fake.requests == []
    lines = result.stdout.splitlines()
    request_lines = [line for line in lines if line.startswith("pushover: POST ")]
    assert request_lines == [f"pushover: POST {fake.pushover_url}"] * 3
    assert ("  message=Hey%2C+check+your+CPU&priority=1&title=Alert+from+Kapacitor&token=***&user=***"
            in lines)
    assert TOKEN not in result.stdout + result.stderr and USER_KEY not in result.stdout + result.stderr


def test_dry_run_discord_hides_the_webhook(fake, tmp_path):
    result = run_tickpy("run", *files(tmp_path, fake, DISCORD_SCRIPT), "--dry-run", cwd=ROOT)
    assert result.returncode == 0, result.stderr
    assert fake.requests == []
    assert f"discord[guild-alerts]: POST {fake.base_url}/***" in result.stdout
    assert WEBHOOK_TOKEN not in result.stdout + result.stderr


def test_failed_deliveries_are_named_and_secrets_stay_hidden(fake, tmp_path):
    fake.answer("/1/messages.json", 400, {"user": "invalid", "errors": ["user identifier is invalid"],
                                          "status": 0, "request": "r-1"}, times=3)
    result = run_tickpy("run", *files(tmp_path, fake, PUSHOVER_SCRIPT), cwd=ROOT)
    assert "user identifier is invalid" in result.stderr
    assert "cpu:nil" in result.stderr
    assert TOKEN not in result.stdout + result.stderr and USER_KEY not in result.stdout + result.stderr
