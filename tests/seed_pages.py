"""The seed pages' examples (the Pushover and Discord doc pages under shared/seeds), as the pages
render them, shared by the tests that walk them: handler files lose their `options:` line, so the
options sit under `kind:`."""

# The Pushover page's cpu task, with the dbrp line Kapacitor needs.
CPU_ALERT_TICK = """dbrp "telegraf"."autogen"

stream
    |from()
        .measurement('cpu')
    |alert()
        .crit(lambda: "usage_idle" < 10)
        .message('Hey, check your CPU')
        .topic('cpu')
"""

PUSHOVER_CPU_HANDLER = """id: pushover-cpu-alert
topic: cpu
kind: pushover
  title: Alert from Kapacitor
  sound: siren
"""

# The Discord page's daily 500-errors chain.
AGGREGATE_HANDLER = """id: 500-errors-24h
topic: 500-errors
kind: aggregate
  interval: 24h
  topic: 500-errors-24h
  message: '{{ .Count }} 500 errors last 24 hours.'
"""

DISCORD_DAILY_HANDLER = """id: discord-500-errors-daily
topic: 500-errors-24h
kind: discord
  workspace: guild-errors
"""
