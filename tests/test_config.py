"""kapacitor.conf loading: Kapacitor's defaults, environment overrides, and clear errors.

Expected values follow Kapacitor's source: services/pushover/config.go (default URL, enabled needs
token and user key), services/discord/config.go + service.go (lone config is the default, global
only on the default), services/httppost/config.go (the `example` endpoint), server/config.go
(KAPACITOR_* variables), and the Pushover and Discord handler doc pages (the seed examples).
"""

from __future__ import annotations

import textwrap

import pytest

from tickpy.config import DEFAULT_PUSHOVER_URL, ConfigError, load_config

# A kapacitor.conf the way a server uses it: many sections tickpy ignores, some with nested and
# array tables, around the three it reads.
REAL_WORLD_CONF = """\
hostname = "localhost"
data_dir = "/var/lib/kapacitor"
skip-config-overrides = false
default-retention-policy = ""

[http]
  bind-address = ":9092"
  auth-enabled = false
  log-enabled = true

[config-override]
  enabled = true

[logging]
    file = "STDERR"
    level = "INFO"

[replay]
  dir = "/var/lib/kapacitor/replay"

[storage]
  boltdb = "/var/lib/kapacitor/kapacitor.db"

[deadman]
  interval = "10s"
  threshold = 0.0
  id = "{{ .Group }}:NODE_NAME for task '{{ .TaskName }}'"

[[influxdb]]
  enabled = true
  default = true
  name = "localhost"
  urls = ["http://localhost:8086"]
  timeout = 0
  startup-timeout = "5m"
  [influxdb.subscriptions]
  [influxdb.excluded-subscriptions]
    _kapacitor = ["autogen"]

[smtp]
  enabled = false
  host = "localhost"
  port = 25
  to = ["oncall@example.com"]

[[slack]]
  enabled = false
  default = true
  workspace = "example.slack.com"
  url = "https://hooks.slack.com/services/xxxx/yyyy/zzzz"

[pushover]
  enabled = true
  token = "mysupersecrettoken"
  user-key = "myuserkey"
  url = ""

[[discord]]
  enabled = true
  default = true
  url = "https://discord.com/api/webhooks/1/alerts-token"
  workspace = "guild-alerts"
  timestamp = true
  username = "AlertBot"
  avatar-url = ""
  embed-title = "Alert"
  global = false
  state-changes-only = false

[[discord]]
  enabled = true
  default = false
  url = "https://discord.com/api/webhooks/2/errors-token"
  workspace = "guild-errors"
  timestamp = true
  username = "StatsBot"
  avatar-url = ""
  embed-title = "Errors"
  global = false
  state-changes-only = false

[udf]
[udf.functions]
  [udf.functions.movingAverage]
    prog = "/usr/bin/python2"
    timeout = "10s"

[[kafka]]
  enabled = false
  id = "default"

[stats]
  enabled = true
  stats-interval = "10s"
"""


def write(tmp_path, text: str, name: str = "kapacitor.conf") -> str:
    path = tmp_path / name
    path.write_text(textwrap.dedent(text))
    return str(path)


def test_real_kapacitor_conf_loads_and_ignores_sections_tickpy_does_not_use(tmp_path):
    config = load_config(write(tmp_path, REAL_WORLD_CONF), environ={})
    assert config.pushover.enabled is True
    assert config.pushover.token == "mysupersecrettoken"
    assert config.pushover.user_key == "myuserkey"
    # The Pushover page shows url = "": tickpy reads it as Pushover's API URL.
    assert config.pushover.url == "https://api.pushover.net/1/messages.json"
    alerts, errors = config.discord
    assert (alerts.workspace, alerts.default, alerts.username, alerts.embed_title, alerts.timestamp) == (
        "guild-alerts", True, "AlertBot", "Alert", True)
    assert (errors.workspace, errors.default, errors.username, errors.embed_title) == (
        "guild-errors", False, "StatsBot", "Errors")
    assert config.discord_workspace("") is alerts
    assert config.discord_workspace("guild-errors") is errors


def test_defaults_without_a_file_are_kapacitors():
    config = load_config(None, environ={})
    assert config.path is None
    assert config.pushover.enabled is False
    assert config.pushover.url == DEFAULT_PUSHOVER_URL
    # server/config.go: one disabled default [[discord]], one `example` [[httppost]]
    [discord] = config.discord
    assert discord.default is True and discord.enabled is False and discord.username == ""
    [post] = config.httppost
    assert (post.endpoint, post.url) == ("example", "http://example.com")


def test_config_path_from_tickpy_config_variable(tmp_path):
    path = write(tmp_path, '[pushover]\nenabled = true\ntoken = "t"\nuser-key = "u"\n')
    config = load_config(None, environ={"TICKPY_CONFIG": path})
    assert config.path == path
    assert config.pushover.enabled is True


def test_a_lone_discord_section_is_the_default(tmp_path):
    path = write(tmp_path, '[[discord]]\nenabled = true\nurl = "https://discord.com/api/webhooks/1/a"\n')
    [discord] = load_config(path, environ={}).discord
    assert discord.default is True


def test_httppost_endpoints_with_headers_and_basic_auth(tmp_path):
    path = write(tmp_path, """\
        [[httppost]]
        endpoint = "example"
        url = "http://example.com/alerts"
        headers = { Example = "header" }
        basic-auth = { username = "user", password = "pass" }
        alert-template = "{{.Message}}"
        """)
    config = load_config(path, environ={})
    [post] = config.httppost
    assert post.headers == {"Example": "header"}
    assert (post.basic_auth.username, post.basic_auth.password) == ("user", "pass")
    assert config.httppost_endpoint("example") is post
    assert config.httppost_endpoint("other") is None


# -- environment overrides (server/config.go) ----------------------------------------------------


def test_environment_overrides_pushover_keys(tmp_path):
    env = {"KAPACITOR_PUSHOVER_ENABLED": "true", "KAPACITOR_PUSHOVER_TOKEN": "envtoken",
           "KAPACITOR_PUSHOVER_USER_KEY": "envuser"}
    config = load_config(None, environ=env)
    assert (config.pushover.enabled, config.pushover.token, config.pushover.user_key) == (
        True, "envtoken", "envuser")


def test_environment_overrides_the_indexed_discord_section(tmp_path):
    path = write(tmp_path, REAL_WORLD_CONF)
    env = {"KAPACITOR_DISCORD_1_URL": "https://discord.com/api/webhooks/9/new",
           "KAPACITOR_DISCORD_1_TIMESTAMP": "F",
           "KAPACITOR_DISCORD_5_URL": "https://ignored.example.com/x"}  # no 6th section: ignored
    config = load_config(path, environ=env)
    assert config.discord[1].url == "https://discord.com/api/webhooks/9/new"
    assert config.discord[1].timestamp is False
    assert config.discord[0].url == "https://discord.com/api/webhooks/1/alerts-token"


def test_environment_fills_the_default_discord_config_without_a_file():
    env = {"KAPACITOR_DISCORD_0_ENABLED": "1", "KAPACITOR_DISCORD_0_URL": "https://discord.com/api/webhooks/1/a"}
    [discord] = load_config(None, environ=env).discord
    assert discord.enabled and discord.default and discord.url.endswith("/1/a")


def test_an_empty_variable_changes_nothing(tmp_path):
    path = write(tmp_path, REAL_WORLD_CONF)
    config = load_config(path, environ={"KAPACITOR_PUSHOVER_TOKEN": ""})
    assert config.pushover.token == "mysupersecrettoken"


def test_environment_httppost_headers_and_basic_auth():
    env = {"KAPACITOR_HTTPPOST_0_URL": "http://hooks.example.com/a",
           "KAPACITOR_HTTPPOST_0_HEADERS_Example": "header",
           "KAPACITOR_HTTPPOST_0_BASIC_AUTH_USERNAME": "u",
           "KAPACITOR_HTTPPOST_0_BASIC_AUTH_PASSWORD": "p"}
    [post] = load_config(None, environ=env).httppost
    assert post.url == "http://hooks.example.com/a"
    assert post.headers == {"Example": "header"}
    assert (post.basic_auth.username, post.basic_auth.password) == ("u", "p")


def test_a_bad_boolean_in_the_environment_names_the_variable():
    with pytest.raises(ConfigError) as caught:
        load_config(None, environ={"KAPACITOR_PUSHOVER_ENABLED": "yes"})
    assert "KAPACITOR_PUSHOVER_ENABLED" in caught.value.message
    assert "'yes'" in caught.value.message


# -- errors name file, line, section and key -----------------------------------------------------


def error_of(tmp_path, text: str) -> ConfigError:
    path = write(tmp_path, text)
    with pytest.raises(ConfigError) as caught:
        load_config(path, environ={})
    return caught.value


def test_unknown_key_is_an_error_with_its_line(tmp_path):
    error = error_of(tmp_path, '[http]\nbind-address = ":9092"\n\n[pushover]\nenabled = false\ntitel = "x"\n')
    assert error.line == 6
    assert (error.section, error.key) == ("[pushover]", "titel")
    assert error.render().startswith(str(tmp_path / "kapacitor.conf") + ":6:1: error: [pushover] titel: unknown key")


def test_wrong_type_is_an_error(tmp_path):
    error = error_of(tmp_path, '[[discord]]\nenabled = "yes"\nurl = "https://x.example.com/a"\n')
    assert (error.line, error.key) == (2, "enabled")
    assert 'expected a boolean (true or false), got a string ("yes")' in error.message


def test_unknown_key_in_second_discord_section_points_at_it(tmp_path):
    text = REAL_WORLD_CONF.replace('embed-title = "Errors"', 'embed-titel = "Errors"')
    error = error_of(tmp_path, text)
    line = text.splitlines().index('  embed-titel = "Errors"') + 1
    assert (error.line, error.section, error.key) == (line, "[[discord]]", "embed-titel")


def test_two_workspaces_with_one_name(tmp_path):
    text = REAL_WORLD_CONF.replace('workspace = "guild-errors"', 'workspace = "guild-alerts"')
    error = error_of(tmp_path, text)
    assert error.key == "workspace"
    assert 'two [[discord]] sections have workspace = "guild-alerts"' in error.message
    assert error.line == text.splitlines().index('  workspace = "guild-alerts"', 70) + 1


def test_two_defaults(tmp_path):
    text = REAL_WORLD_CONF.replace("default = false", "default = true")
    error = error_of(tmp_path, text)
    assert error.key == "default"
    assert 'two [[discord]] sections have default = true ("guild-alerts" and "guild-errors")' in error.message


def test_no_default_among_several(tmp_path):
    text = REAL_WORLD_CONF.replace("  default = true\n  url = \"https://discord.com/api/webhooks/1",
                                   "  default = false\n  url = \"https://discord.com/api/webhooks/1")
    error = error_of(tmp_path, text)
    assert "at least one [[discord]] section must be set as default" in error.message


def test_several_discord_sections_need_workspaces(tmp_path):
    error = error_of(tmp_path, """\
        [[discord]]
        default = true
        workspace = "a"
        [[discord]]
        url = "https://discord.com/api/webhooks/2/b"
        """)
    assert (error.key, error.line) == ("workspace", 4)


def test_global_only_on_the_default(tmp_path):
    text = REAL_WORLD_CONF.replace('embed-title = "Errors"\n  global = false', 'embed-title = "Errors"\n  global = true')
    error = error_of(tmp_path, text)
    assert error.key == "global"
    assert "only the default config may be assigned as global" in error.message


def test_state_changes_only_needs_default_and_global(tmp_path):
    text = REAL_WORLD_CONF.replace("global = false\n  state-changes-only = false\n\n[[discord]]",
                                   "global = false\n  state-changes-only = true\n\n[[discord]]")
    error = error_of(tmp_path, text)
    assert error.key == "state-changes-only"


def test_enabled_pushover_without_token(tmp_path):
    error = error_of(tmp_path, '[pushover]\nenabled = true\ntoken = ""\nuser-key = "u"\n')
    assert (error.section, error.key, error.line) == ("[pushover]", "token", 3)
    assert "must specify token" in error.message


def test_enabled_pushover_without_user_key(tmp_path):
    error = error_of(tmp_path, '[pushover]\nenabled = true\ntoken = "t"\n')
    assert error.key == "user-key"
    assert "must specify user key" in error.message
    assert error.line == 1  # no user-key line: the section header


def test_enabled_discord_without_url(tmp_path):
    error = error_of(tmp_path, "[[discord]]\nenabled = true\n")
    assert error.key == "url"
    assert "webhook URL" in error.message


def test_discord_ssl_cert_without_key(tmp_path):
    error = error_of(tmp_path, '[[discord]]\nenabled = true\nurl = "https://x.example.com/a"\n'
                               'ssl-cert = "/etc/ssl/cert.pem"\n')
    assert error.key == "ssl-key"
    assert "only cert file provided" in error.message


def test_invalid_toml_reports_its_position(tmp_path):
    error = error_of(tmp_path, '[pushover]\nenabled = true\ntoken = "unterminated\n')
    assert error.line == 3
    assert error.message.startswith("invalid TOML")


def test_missing_file_is_a_clean_error(tmp_path):
    with pytest.raises(ConfigError) as caught:
        load_config(str(tmp_path / "nope.conf"), environ={})
    assert "cannot read config" in caught.value.message


def test_errors_never_show_secrets(tmp_path):
    path = str(tmp_path / "kapacitor.conf")
    text = REAL_WORLD_CONF.replace("embed-title = \"Errors\"", "embed-titel = \"Errors\"")
    error = error_of(tmp_path, text)
    assert "mysupersecrettoken" not in error.render()
    assert "errors-token" not in error.render()
    # what the user needs: where, which key, and the keys [[discord]] has (services/discord/config.go)
    assert error.render() == (
        f"{path}:78:3: error: [[discord]] embed-titel: unknown key (known keys: enabled, default, url, "
        "workspace, timestamp, username, avatar-url, embed-title, global, state-changes-only, ssl-ca, "
        "ssl-cert, ssl-key, insecure-skip-verify)")


@pytest.mark.parametrize("old, new, where, found", [
    # services/pushover/config.go marks token and user-key `redact`; httppost's basic-auth too
    ('token = "mysupersecrettoken"', "token = 987654321", "54:3: error: [pushover] token", "a number"),
    ('user-key = "myuserkey"', "user-key = 987654321", "55:3: error: [pushover] user-key", "a number"),
    ('url = "https://discord.com/api/webhooks/2/errors-token"', "url = 987654321",
     "73:3: error: [[discord]] url", "a number"),
])
def test_a_secret_of_the_wrong_type_is_not_quoted(tmp_path, old, new, where, found):
    error = error_of(tmp_path, REAL_WORLD_CONF.replace(old, new))
    assert error.render() == f"{tmp_path / 'kapacitor.conf'}:{where}: expected a string, got {found}"
    # a key that is not a secret still shows what was written
    error = error_of(tmp_path, REAL_WORLD_CONF.replace('username = "AlertBot"', "username = 987654321"))
    assert error.render().endswith(":64:3: error: [[discord]] username: expected a string, got a number (987654321)")


def test_a_basic_auth_password_of_the_wrong_type_is_not_quoted(tmp_path):
    error = error_of(tmp_path, REAL_WORLD_CONF + '[[httppost]]\nendpoint = "e"\nurl = "http://x.example.com"\n'
                               'basic-auth = { username = "u", password = 987654321 }\n')
    assert "987654321" not in error.render()
    assert error.render().endswith("error: [[httppost]] password: expected a string, got a number")


# -- a handler used while its service is disabled ------------------------------------------------


def test_handler_used_while_disabled_names_section_and_key(tmp_path):
    path = write(tmp_path, '[pushover]\nenabled = false\n')
    config = load_config(path, environ={})
    with pytest.raises(ConfigError) as caught:
        config.check_handler_enabled("pushover")
    assert (caught.value.section, caught.value.key, caught.value.line) == ("[pushover]", "enabled", 2)
    assert "[pushover] has enabled = false" in caught.value.message
    # The error is raised at the script's handler, so the message itself names the config file.
    assert caught.value.message.endswith(f"({path}:2)")


def test_disabled_second_discord_workspace_names_its_own_line(tmp_path):
    path = write(tmp_path, '[[discord]]\nenabled = true\ndefault = true\nworkspace = "a"\n'
                           'url = "https://d.example/1"\n[[discord]]\nworkspace = "b"\nenabled = false\n')
    with pytest.raises(ConfigError) as caught:
        load_config(path, environ={}).check_handler_enabled("discord", {"workspace": "b"})
    assert caught.value.line == 8 and caught.value.message.endswith(f"({path}:8)")


def test_discord_handler_names_an_unknown_workspace(tmp_path):
    config = load_config(write(tmp_path, REAL_WORLD_CONF), environ={})
    with pytest.raises(ConfigError) as caught:
        config.check_handler_enabled("discord", {"workspace": "guild-nope"})
    assert 'no [[discord]] section has workspace = "guild-nope"' in caught.value.message
    config.check_handler_enabled("discord", {"workspace": "guild-errors"})  # fine


def test_handler_used_without_any_config_says_how_to_give_one():
    with pytest.raises(ConfigError) as caught:
        load_config(None, environ={}).check_handler_enabled("pushover")
    assert "--config" in caught.value.message and "TICKPY_CONFIG" in caught.value.message


def test_secrets_lists_every_credential(tmp_path):
    config = load_config(write(tmp_path, REAL_WORLD_CONF), environ={})
    values = {item.value for item in config.secrets()}
    assert {"mysupersecrettoken", "myuserkey", "https://discord.com/api/webhooks/1/alerts-token",
            "https://discord.com/api/webhooks/2/errors-token"} <= values


def test_the_example_config_loads():
    from conftest import ROOT

    config = load_config(str(ROOT / "examples" / "kapacitor.conf"), environ={})
    assert config.pushover.enabled and config.pushover.url == DEFAULT_PUSHOVER_URL
    assert [d.workspace for d in config.discord] == ["guild-alerts", "guild-errors"]
    assert config.httppost_endpoint("example") is not None


def test_repr_of_a_config_shows_no_secret(tmp_path):
    text = REAL_WORLD_CONF.replace("[[httppost]]", "") + (
        '[[httppost]]\nendpoint = "e"\nurl = "http://x.example.com"\n'
        'headers = { Authorization = "Bearer header-secret" }\n'
        'basic-auth = { username = "u", password = "hunter2" }\n')
    config = load_config(write(tmp_path, text), environ={})
    shown = repr(config)
    for hidden in ("mysupersecrettoken", "myuserkey", "alerts-token", "errors-token", "hunter2", "header-secret"):
        assert hidden not in shown
    # every secret it leaves out is one Config.secrets() masks elsewhere; the rest is there to read
    assert {"mysupersecrettoken", "myuserkey", "hunter2", "Bearer header-secret"} <= {s.value for s in config.secrets()}
    for visible in ("PushoverConfig(enabled=True, url='https://api.pushover.net/1/messages.json')",
                    "workspace='guild-alerts'", "username='AlertBot'", "workspace='guild-errors'",
                    "username='StatsBot'", "HTTPPostConfig(endpoint='e', url='http://x.example.com', "
                    "basic_auth=BasicAuth(username='u')"):
        assert visible in shown


# -- [deadman] ------------------------------------------------------------------------------------


def test_deadman_defaults_file_and_environment(tmp_path):
    # services/deadman/config.go: interval 10s, threshold 0, global false; KAPACITOR_DEADMAN_*.
    defaults = load_config(None, environ={}).deadman
    assert (defaults.interval, defaults.threshold, defaults.global_) == (10 * 10**9, 0.0, False)
    assert defaults.id == "{{ .Group }}:NODE_NAME for task '{{ .TaskName }}'"
    path = write(tmp_path, '[deadman]\ninterval = "1m30s"\nthreshold = 2\nglobal = true\n')
    deadman = load_config(path, environ={"KAPACITOR_DEADMAN_THRESHOLD": "3.5"}).deadman
    assert (deadman.interval, deadman.threshold, deadman.global_) == (90 * 10**9, 3.5, True)


def test_deadman_mistakes_name_the_key(tmp_path):
    error = error_of(tmp_path, '[deadman]\nglobal = true\ninterval = 10\n')
    assert (error.key, error.line) == ("interval", 3) and 'a duration such as "10s"' in error.message
    error = error_of(tmp_path, '[deadman]\nthreshold = "low"\n')
    assert (error.key, error.line) == ("threshold", 2) and "expected a number" in error.message
