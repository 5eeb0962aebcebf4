"""Both seed pages walked as a user would, with `tickpy` in place of `kapacitor`: define and enable
the cpu task, define the Pushover and Discord topic handlers (pasted as the pages show them), the
daily 500-errors aggregate chain, replay data, and look at what the local Pushover and Discord
servers received and at the topics afterwards."""

from __future__ import annotations

from conftest import run_tickpy
from fake_services import FakeServices
from seed_pages import AGGREGATE_HANDLER, CPU_ALERT_TICK, DISCORD_DAILY_HANDLER, PUSHOVER_CPU_HANDLER

# The Discord page's 500-errors task (its `.info(lamda: 'count' > 0)` corrected to a lambda).
ERRORS_TICK = """dbrp "logs"."autogen"

stream
    |from()
        .measurement('errors')
        .groupBy('500')
    |alert()
        .info(lambda: "count" > 0)
        .noRecoveries()
        .topic('500-errors')
"""

# The Discord page's handler file as the page renders it (the `options:` line lost).
DISCORD_CPU_HANDLER = """id: discord-cpu-alert
topic: cpu
kind: discord
  workspace: 'guild-alerts'
  embed-title: 'Hey, Listen!'
"""

T0 = 1_700_000_000 * 10**9
SECOND = 10**9
HOUR = 3600 * SECOND

DATA = "\n".join([
    "# CONTEXT-DATABASE: telegraf",
    "# CONTEXT-RETENTION-POLICY: autogen",
    f"cpu,host=serverA usage_idle=50 {T0}",
    f"cpu,host=serverA usage_idle=4 {T0 + 10 * SECOND}",
    f"cpu,host=serverA usage_idle=3 {T0 + 20 * SECOND}",
    f"cpu,host=serverA usage_idle=50 {T0 + 30 * SECOND}",
    "# CONTEXT-DATABASE: logs",
    "# CONTEXT-RETENTION-POLICY: autogen",
    f"errors,500=true count=1 {T0 + 1 * HOUR}",
    f"errors,500=true count=3 {T0 + 5 * HOUR}",
    f"errors,500=true count=2 {T0 + 23 * HOUR}",
    f"errors,500=true count=1 {T0 + 25 * HOUR}",
]) + "\n"


def config_text(fake: FakeServices) -> str:
    return f"""
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
  embed-title = "Alert"

[[discord]]
  enabled = true
  default = false
  url = "{fake.discord_url('2/errors-token')}"
  workspace = "guild-errors"
  timestamp = true
  username = "StatsBot"
  embed-title = "Errors"
"""


def test_both_seed_pages_end_to_end(tmp_path):
    files = {"cpu_alert.tick": CPU_ALERT_TICK, "errors.tick": ERRORS_TICK,
             "pushover_cpu_handler.yaml": PUSHOVER_CPU_HANDLER, "discord_cpu_handler.yaml": DISCORD_CPU_HANDLER,
             "500_errors_24h.yaml": AGGREGATE_HANDLER, "discord_500_errors_daily.yaml": DISCORD_DAILY_HANDLER,
             "data.lp": DATA}
    for name, text in files.items():
        (tmp_path / name).write_text(text)
    with FakeServices() as fake:
        (tmp_path / "kapacitor.conf").write_text(config_text(fake))
        env = {"TICKPY_HOME": str(tmp_path / "home"), "TICKPY_CONFIG": str(tmp_path / "kapacitor.conf")}

        def tickpy(*args):
            result = run_tickpy(*args, cwd=tmp_path, env=env)
            assert "Traceback" not in result.stderr
            return result

        for command in (("define", "cpu_alert", "-tick", "cpu_alert.tick"), ("enable", "cpu_alert"),
                        ("define", "errors_500", "-tick", "errors.tick"), ("enable", "errors_500"),
                        ("define-topic-handler", "pushover_cpu_handler.yaml"),
                        ("define-topic-handler", "discord_cpu_handler.yaml"),
                        ("define-topic-handler", "500_errors_24h.yaml"),
                        ("define-topic-handler", "discord_500_errors_daily.yaml")):
            result = tickpy(*command)
            assert result.returncode == 0, (command, result.stderr)
        replay = tickpy("run", "--replay", "data.lp")
        assert replay.returncode == 0, replay.stderr

        # Pushover: the cpu topic's three events (critical, critical, recovery), priorities 1, 1, -2
        pushes = [request.form() for request in fake.requests_to("/1/messages.json")]
        assert [(p["message"], p["priority"], p["title"], p["sound"]) for p in pushes] == [
            ("Hey, check your CPU", "1", "Alert from Kapacitor", "siren"),
            ("Hey, check your CPU", "1", "Alert from Kapacitor", "siren"),
            ("Hey, check your CPU", "-2", "Alert from Kapacitor", "siren")]
        assert {(p["token"], p["user"]) for p in pushes} == {("mysupersecrettoken", "myuserkey")}

        # Discord guild-alerts: the same three events, titled by the handler, coloured by level
        alerts = [request.json() for request in fake.requests_to("/api/webhooks/1/alerts-token")]
        assert [(a["username"], a["embeds"][0]["title"], a["embeds"][0]["description"], a["embeds"][0]["color"])
                for a in alerts] == [("AlertBot", "Hey, Listen!", "Hey, check your CPU", 0xF95F53)] * 2 + [
            ("AlertBot", "Hey, Listen!", "Hey, check your CPU", 0x7A65F2)]

        # Discord guild-errors: one daily summary of the three errors events of the first 24 hours
        [daily] = [request.json() for request in fake.requests_to("/api/webhooks/2/errors-token")]
        assert (daily["username"], daily["embeds"][0]["description"]) == ("StatsBot", "3 500 errors last 24 hours.")

    assert "500-errors/500-errors-24h: 1 event(s) still gathering" in replay.stderr
    # the cpu alert recovered, so its topic keeps no event; the summary stays in its topic
    cpu_topic = tickpy("show-topic", "cpu").stdout
    assert "Level: OK\nCollected: 3\nHandlers: [discord-cpu-alert, pushover-cpu-alert]\n" in cpu_topic
    topics = tickpy("list", "topics").stdout.splitlines()
    assert topics[0] == "ID             Level     Collected"
    assert [line.split() for line in topics[1:]] == [
        ["500-errors", "INFO", "4"], ["500-errors-24h", "INFO", "1"], ["cpu", "OK", "3"]]
    summary = tickpy("show-topic", "500-errors-24h").stdout.splitlines()
    assert summary[-1].split()[:6] == ["INFO", "3", "500", "errors", "last", "24"]
