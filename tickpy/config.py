"""kapacitor.conf: the sections tickpy uses, with Kapacitor's defaults and environment overrides.

tickpy reads the same TOML file a Kapacitor server reads. The sections that configure the
handlers tickpy sends through are checked strictly — `[pushover]`, `[[discord]]`,
`[[httppost]]` — and `[deadman]`: an unknown key or a value of the wrong type is an error naming the file, the line,
the section and the key. Every other section of a real kapacitor.conf (`[http]`, `[[influxdb]]`,
`[smtp]`, `[[slack]]`, ...) is accepted and ignored, so the file a server uses loads unchanged.

Order of work, as in Kapacitor's server: start from the defaults (`NewConfig`), decode the file
over them, apply `KAPACITOR_*` environment variables, then validate.

Facts followed (Kapacitor source):
- services/pushover/config.go: `url` defaults to Pushover's API; enabled needs token and user key.
  tickpy also reads an empty `url` as the default, as the Pushover doc page shows it blank.
- services/discord/config.go, service.go: a lone `[[discord]]` is the default one; several need
  a workspace each and one default; `global` only on the default; `state-changes-only` only on a
  default that is global. With no `[[discord]]` in the file there is one disabled default config,
  which environment variables (`KAPACITOR_DISCORD_0_URL`) can fill in.
- services/httppost/config.go: with no `[[httppost]]`, one endpoint `example` -> `http://example.com`.
- services/deadman/config.go: interval 10s, threshold 0, the default id and message templates.
- server/config.go: `KAPACITOR_<SECTION>_<KEY>`, dashes as underscores, upper case; list sections
  take an index (`KAPACITOR_DISCORD_0_URL`) and only reach elements that exist; an empty
  variable is ignored; booleans use Go's `strconv.ParseBool`; map keys (httppost headers) come
  from the rest of the variable name (`KAPACITOR_HTTPPOST_0_HEADERS_Authorization`).
tickpy adds two checks Kapacitor lacks: two workspaces with one name, and two defaults.
"""

from __future__ import annotations

import os
import re
import sys
from dataclasses import dataclass, field
from typing import Mapping
from urllib.parse import urlsplit

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on Python 3.10 only
    import tomli as tomllib

from tickpy.handlers.http import TLSError, TLSSettings
from tickpy.handlers.redact import Secret, basic_auth_secrets, secret, url_secret
from tickpy.lang.errors import TickError
from tickpy.template.gotime import parse_go_duration

DEFAULT_PUSHOVER_URL = "https://api.pushover.net/1/messages.json"
CONFIG_ENV = "TICKPY_CONFIG"
ENV_PREFIX = "KAPACITOR"

_GO_TRUE = {"1", "t", "T", "TRUE", "true", "True"}
_GO_FALSE = {"0", "f", "F", "FALSE", "false", "False"}
_SENSITIVE_HEADER = re.compile(r"auth|token|key|secret|password|cookie", re.IGNORECASE)


@dataclass
class ConfigError(TickError):
    """A problem in kapacitor.conf (or a KAPACITOR_* variable), with section and key named."""

    section: str = ""
    key: str = ""


@dataclass
class PushoverConfig:
    enabled: bool = False
    token: str = field(default="", repr=False)  # secrets stay out of reprs and tracebacks
    user_key: str = field(default="", repr=False)
    url: str = DEFAULT_PUSHOVER_URL


@dataclass
class DiscordConfig:
    enabled: bool = False
    default: bool = False
    url: str = field(default="", repr=False)  # the webhook URL is the credential
    workspace: str = ""
    timestamp: bool = False
    username: str = ""
    avatar_url: str = ""
    embed_title: str = ""
    global_: bool = False
    state_changes_only: bool = False
    ssl_ca: str = ""
    ssl_cert: str = ""
    ssl_key: str = ""
    insecure_skip_verify: bool = False

    def tls(self) -> TLSSettings:
        return TLSSettings(self.ssl_ca, self.ssl_cert, self.ssl_key, self.insecure_skip_verify)

    def label(self) -> str:
        return f'[[discord]] workspace "{self.workspace}"' if self.workspace else "[[discord]]"


@dataclass
class BasicAuth:
    username: str = ""
    password: str = field(default="", repr=False)

    def usable(self) -> bool:
        """Kapacitor sends basic auth only when both parts are set."""
        return bool(self.username and self.password)


@dataclass
class HTTPPostConfig:
    endpoint: str = ""
    url: str = ""
    headers: dict[str, str] = field(default_factory=dict, repr=False)  # may hold an Authorization token
    basic_auth: BasicAuth = field(default_factory=BasicAuth)
    alert_template: str = ""
    alert_template_file: str = ""
    row_template: str = ""
    row_template_file: str = ""


@dataclass
class DeadmanConfig:
    """`[deadman]`: what `|deadman()` uses when the script does not say (services/deadman/config.go);
    with `global = true` every task gets `|deadman(threshold, interval)` on its stream."""

    interval: int = 10 * 1_000_000_000  # ns
    threshold: float = 0.0
    id: str = "{{ .Group }}:NODE_NAME for task '{{ .TaskName }}'"
    message: str = ('{{ .ID }} is {{ if eq .Level "OK" }}alive{{ else }}dead{{ end }}: '
                    '{{ index .Fields "emitted" | printf "%0.3f" }} points/INTERVAL.')
    global_: bool = False


# TOML key -> (attribute, type) for each section tickpy checks.
_PUSHOVER_KEYS = {"enabled": ("enabled", bool), "token": ("token", str), "user-key": ("user_key", str),
                  "url": ("url", str)}
_DISCORD_KEYS = {
    "enabled": ("enabled", bool), "default": ("default", bool), "url": ("url", str),
    "workspace": ("workspace", str), "timestamp": ("timestamp", bool), "username": ("username", str),
    "avatar-url": ("avatar_url", str), "embed-title": ("embed_title", str), "global": ("global_", bool),
    "state-changes-only": ("state_changes_only", bool), "ssl-ca": ("ssl_ca", str),
    "ssl-cert": ("ssl_cert", str), "ssl-key": ("ssl_key", str),
    "insecure-skip-verify": ("insecure_skip_verify", bool),
}
_HTTPPOST_KEYS = {
    "endpoint": ("endpoint", str), "url": ("url", str), "headers": ("headers", dict),
    "basic-auth": ("basic_auth", BasicAuth), "alert-template": ("alert_template", str),
    "alert-template-file": ("alert_template_file", str), "row-template": ("row_template", str),
    "row-template-file": ("row_template_file", str),
}
_DEADMAN_KEYS = {"interval": ("interval", "duration"), "threshold": ("threshold", float), "id": ("id", str),
                 "message": ("message", str), "global": ("global_", bool)}
_BASIC_AUTH_KEYS = {"username": ("username", str), "password": ("password", str)}
# Keys whose value is a credential (Config.secrets): a wrong type is described without its value.
_SECRET_KEYS = frozenset({"token", "user-key", "url", "password"})


@dataclass
class Config:
    """The parts of kapacitor.conf tickpy uses. `path` is None when no file was given."""

    path: str | None = None
    pushover: PushoverConfig = field(default_factory=PushoverConfig)
    discord: list[DiscordConfig] = field(default_factory=lambda: [DiscordConfig(default=True)])
    httppost: list[HTTPPostConfig] = field(
        default_factory=lambda: [HTTPPostConfig(endpoint="example", url="http://example.com")]
    )
    deadman: DeadmanConfig = field(default_factory=DeadmanConfig)
    _locator: "_Locator | None" = field(default=None, repr=False, compare=False)

    # -- lookups the handlers use --------------------------------------------------------------

    def discord_workspace(self, name: str = "") -> DiscordConfig:
        """The `[[discord]]` config a handler's `workspace` names; empty means the default one."""
        if not self.discord:
            raise self.error("no [[discord]] section is configured", "[[discord]]", "workspace")
        if name:
            for config in self.discord:
                if config.workspace == name:
                    return config
            known = ", ".join(f'"{c.workspace}"' for c in self.discord if c.workspace) or "none"
            raise self.error(f'no [[discord]] section has workspace = "{name}" (configured: {known})',
                             "[[discord]]", "workspace")
        for config in self.discord:
            if config.default:
                return config
        return self.discord[0]

    def httppost_endpoint(self, name: str) -> HTTPPostConfig | None:
        for config in self.httppost:
            if config.endpoint == name:
                return config
        return None

    def check_handler_enabled(self, kind: str, options: Mapping | None = None) -> None:
        """Raise ConfigError when a script or handler file uses a service this config disables.

        The engine calls this while building a task, so the mistake is reported before any data
        flows, naming the section and the key to change.
        """
        options = options or {}
        if kind == "pushover":
            if not self.pushover.enabled:
                raise self.error(self._disabled_text("pushover", "[pushover]"), "[pushover]", "enabled")
        elif kind == "discord":
            workspace = self.discord_workspace(str(options.get("workspace") or ""))
            if not workspace.enabled:
                index = self.discord.index(workspace)
                raise self.error(self._disabled_text("discord", workspace.label(), index), workspace.label(),
                                 "enabled", index=index)

    def _disabled_text(self, kind: str, section: str, index: int = 0) -> str:
        if self.path is None:
            return (f"the {kind} handler is used but no kapacitor.conf was given "
                    f"(use --config FILE or {CONFIG_ENV}) to enable {section}")
        line = self._locator.line_of(section, index, "enabled") if self._locator else 0
        where = f"{self.path}:{line}" if line else self.path
        return f"the {kind} handler is used but {section} has enabled = false ({where})"

    def secrets(self) -> list[Secret]:
        """Every credential in this config, for redaction of output that mentions them."""
        found = secret(self.pushover.token) + secret(self.pushover.user_key)
        for config in self.discord:
            found += url_secret(config.url)
        for config in self.httppost:
            found += basic_auth_secrets(config.basic_auth.username, config.basic_auth.password)
            for name, value in config.headers.items():
                if _SENSITIVE_HEADER.search(name):
                    found += secret(value)
        return found

    def error(self, message: str, section: str, key: str = "", index: int = 0) -> ConfigError:
        """A ConfigError positioned on the key (or the section) when the file says where it is."""
        line = self._locator.line_of(section, index, key) if self._locator else 0
        column = self._locator.column_of(line, key) if line else 0
        where = f"{section} {key}".strip() if key else section
        return ConfigError(f"{where}: {message}", line, column, self.path or "<environment>",
                           section=section, key=key)


def lint_config_text(text: str, source_name: str) -> list[ConfigError]:
    """The problem of a kapacitor.conf's text, for `tickpy lint` (which stops at the first, as
    loading does). The environment is left out: lint judges the file, not the machine."""
    config = Config(path=source_name)
    config._locator = _Locator(text)
    try:
        _decode_document(config, _parse_toml(text, source_name))
        _validate(config)
    except ConfigError as error:
        return [error]
    return []


def load_config(path: str | None = None, environ: Mapping[str, str] = os.environ) -> Config:
    """Read kapacitor.conf from `path`, else from $TICKPY_CONFIG, else Kapacitor's defaults.

    Environment overrides apply in every case, as they do for a Kapacitor server started
    without a config file.
    """
    path = path or environ.get(CONFIG_ENV) or None
    config = Config(path=path)
    if path is not None:
        text = _read_text(path)
        config._locator = _Locator(text)
        document = _parse_toml(text, path)
        _decode_document(config, document)
    _apply_environment(config, environ)
    _validate(config)
    return config


# -- reading the file ---------------------------------------------------------------------------


def _read_text(path: str) -> str:
    try:
        with open(path, "rb") as handle:
            return handle.read().decode("utf-8")
    except OSError as error:
        raise ConfigError(f"cannot read config: {error.strerror or error}", 0, 0, path) from None
    except UnicodeDecodeError:
        raise ConfigError("config is not UTF-8 text", 0, 0, path) from None


def _parse_toml(text: str, path: str) -> dict:
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        message = str(error)
        line = column = 0
        match = re.search(r"\(at line (\d+), column (\d+)\)", message)
        if match:
            line, column = int(match.group(1)), int(match.group(2))
            message = message[: match.start()].strip()
        raise ConfigError(f"invalid TOML: {message}", line, column, path) from None


def _decode_document(config: Config, document: dict) -> None:
    if "pushover" in document:
        _decode_table(config, _single_table(config, document, "pushover"), _PUSHOVER_KEYS, config.pushover,
                      "[pushover]", 0)
        if not config.pushover.url:
            config.pushover.url = DEFAULT_PUSHOVER_URL
    if "discord" in document:
        config.discord = []
        for index, table in enumerate(_tables(config, document["discord"], "[[discord]]")):
            target = DiscordConfig()
            _decode_table(config, table, _DISCORD_KEYS, target, "[[discord]]", index)
            config.discord.append(target)
    if "deadman" in document:
        _decode_table(config, _single_table(config, document, "deadman"), _DEADMAN_KEYS, config.deadman,
                      "[deadman]", 0)
    if "httppost" in document:
        config.httppost = []
        for index, table in enumerate(_tables(config, document["httppost"], "[[httppost]]")):
            target = HTTPPostConfig()
            _decode_table(config, table, _HTTPPOST_KEYS, target, "[[httppost]]", index)
            config.httppost.append(target)


def _single_table(config: Config, document: dict, name: str) -> dict:
    """A section Kapacitor reads as one struct ([pushover], [deadman])."""
    table = document[name]
    if not isinstance(table, dict):
        raise config.error(f"must be a single [{name}] table, not an array of tables", f"[{name}]")
    return table


def _tables(config: Config, value, section: str) -> list[dict]:
    """An array of tables, or a single table (Kapacitor's listmap accepts both)."""
    if isinstance(value, dict):
        return [value]
    if isinstance(value, list) and all(isinstance(item, dict) for item in value):
        return value
    raise config.error("must be a table or an array of tables", section)


def _decode_table(config: Config, table: dict, keys: dict, target, section: str, index: int) -> None:
    for key, value in table.items():
        if key not in keys:
            expected = ", ".join(keys)
            raise config.error(f"unknown key (known keys: {expected})", section, key, index)
        attribute, kind = keys[key]
        setattr(target, attribute, _typed(config, value, kind, section, key, index))


def _typed(config: Config, value, kind, section: str, key: str, index: int):
    shown = _describe(value, with_value=key not in _SECRET_KEYS)
    if kind is bool:
        if isinstance(value, bool):
            return value
        raise config.error(f"expected a boolean (true or false), got {shown}", section, key, index)
    if kind is str:
        if isinstance(value, str):
            return value
        raise config.error(f"expected a string, got {shown}", section, key, index)
    if kind is float:
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return float(value)
        raise config.error(f"expected a number, got {shown}", section, key, index)
    if kind == "duration":
        try:
            return parse_go_duration(value) if isinstance(value, str) else _not_a_duration()
        except ValueError:
            raise config.error(f'expected a duration such as "10s", got {shown}',
                               section, key, index) from None
    if kind is dict:  # httppost headers: a table of strings
        if not isinstance(value, dict):
            raise config.error(f"expected a table of strings, got {shown}", section, key, index)
        for name, item in value.items():
            if not isinstance(item, str):
                raise config.error(f"header {name!r}: expected a string, got "
                                   f"{_describe(item, with_value=not _SENSITIVE_HEADER.search(name))}",
                                   section, key, index)
        return dict(value)
    if kind is BasicAuth:
        if not isinstance(value, dict):
            raise config.error(f"expected a table with username and password, got {shown}",
                               section, key, index)
        auth = BasicAuth()
        _decode_table(config, value, _BASIC_AUTH_KEYS, auth, section, index)
        return auth
    raise AssertionError(kind)


def _not_a_duration():
    raise ValueError("not a duration")


def _describe(value, with_value: bool = True) -> str:
    """What was found instead, for an error; the value itself only when it is not a secret."""
    if isinstance(value, bool):
        return f"a boolean ({str(value).lower()})" if with_value else "a boolean"
    if isinstance(value, str):
        return f'a string ("{value}")' if with_value else "a string"
    if isinstance(value, (int, float)):
        return f"a number ({value})" if with_value else "a number"
    if isinstance(value, list):
        return "an array"
    if isinstance(value, dict):
        return "a table"
    return type(value).__name__


# -- environment overrides ----------------------------------------------------------------------


def _apply_environment(config: Config, environ: Mapping[str, str]) -> None:
    _apply_to_struct(config, config.pushover, _PUSHOVER_KEYS, f"{ENV_PREFIX}_PUSHOVER", environ)
    if not config.pushover.url:
        config.pushover.url = DEFAULT_PUSHOVER_URL
    for index, target in enumerate(config.discord):
        _apply_to_struct(config, target, _DISCORD_KEYS, f"{ENV_PREFIX}_DISCORD_{index}", environ)
    for index, target in enumerate(config.httppost):
        _apply_to_struct(config, target, _HTTPPOST_KEYS, f"{ENV_PREFIX}_HTTPPOST_{index}", environ)
    _apply_to_struct(config, config.deadman, _DEADMAN_KEYS, f"{ENV_PREFIX}_DEADMAN", environ)


def _apply_to_struct(config: Config, target, keys: dict, prefix: str, environ: Mapping[str, str]) -> None:
    for key, (attribute, kind) in keys.items():
        name = f"{prefix}_{key.replace('-', '_').upper()}"
        if kind is BasicAuth:
            _apply_to_struct(config, getattr(target, attribute), _BASIC_AUTH_KEYS, name, environ)
        elif kind is dict:
            headers = getattr(target, attribute)
            for variable, value in environ.items():
                if variable.startswith(name) and value:
                    header = variable[len(name):].lstrip("_")
                    if header:
                        headers[header] = value
        else:
            value = environ.get(name, "")
            if value == "":
                continue  # as in Kapacitor: an empty variable changes nothing
            setattr(target, attribute, _env_value(config, name, value, kind))


def _env_value(config: Config, name: str, value: str, kind):
    if kind is bool:
        if value in _GO_TRUE:
            return True
        if value in _GO_FALSE:
            return False
        raise ConfigError(f"environment variable {name}: expected a boolean "
                          f"(true, false, 1, 0, t, f), got '{value}'", 0, 0, "environment",
                          section=name, key=name)
    if kind is float or kind == "duration":
        try:
            return float(value) if kind is float else parse_go_duration(value)
        except ValueError:
            raise ConfigError(f"environment variable {name}: expected a "
                              f"{'number' if kind is float else 'duration'}, got '{value}'", 0, 0,
                              "environment", section=name, key=name) from None
    return value


# -- validation ---------------------------------------------------------------------------------


def _validate(config: Config) -> None:
    if config.deadman.interval <= 0:
        raise config.error("interval must be positive", "[deadman]", "interval")
    _validate_pushover(config)
    _validate_discord(config)
    _validate_httppost(config)


def _validate_pushover(config: Config) -> None:
    pushover = config.pushover
    if not pushover.enabled:
        return
    if not pushover.token:
        raise config.error("must specify token when enabled = true", "[pushover]", "token")
    if not pushover.user_key:
        raise config.error("must specify user key when enabled = true", "[pushover]", "user-key")
    if not _is_http_url(pushover.url):
        raise config.error(f'invalid URL "{pushover.url}"', "[pushover]", "url")


def _validate_discord(config: Config) -> None:
    configs = config.discord
    if len(configs) == 1:
        configs[0].default = True  # discord.NewService: a lone config is the default
    seen_workspaces: dict[str, int] = {}
    default_index = None
    for index, discord in enumerate(configs):
        section = "[[discord]]"
        if discord.enabled and not discord.url:
            raise config.error("must specify the Discord channel webhook URL when enabled = true",
                               section, "url", index)
        if discord.url and not _is_http_url(discord.url):
            raise config.error("invalid webhook URL (expected http:// or https://)", section, "url", index)
        if len(configs) > 1 and not discord.workspace:
            raise config.error("workspace must not be empty when there are several [[discord]] sections",
                               section, "workspace", index)
        if discord.workspace in seen_workspaces:
            raise config.error(f'two [[discord]] sections have workspace = "{discord.workspace}"',
                               section, "workspace", index)
        seen_workspaces[discord.workspace] = index
        if discord.default:
            if default_index is not None:
                other = configs[default_index].workspace
                raise config.error(f'two [[discord]] sections have default = true ("{other}" and '
                                   f'"{discord.workspace}")', section, "default", index)
            default_index = index
        if discord.global_ and not discord.default:
            raise config.error("only the default config may be assigned as global", section, "global", index)
        if discord.state_changes_only and not (discord.default and discord.global_):
            raise config.error("state-changes-only may only be set when the config is both default "
                               "and global", section, "state-changes-only", index)
        if discord.enabled:
            try:
                discord.tls().ssl_context()
            except TLSError as error:
                key = "ssl-ca" if "CA" in str(error) else ("ssl-key" if discord.ssl_cert else "ssl-cert")
                raise config.error(str(error), section, key, index) from None
    if configs and default_index is None:
        raise config.error("at least one [[discord]] section must be set as default (default = true)",
                           "[[discord]]", "default")


def _validate_httppost(config: Config) -> None:
    seen: set[str] = set()
    for index, post in enumerate(config.httppost):
        section = "[[httppost]]"
        if not post.endpoint:
            raise config.error("must specify endpoint name", section, "endpoint", index)
        if post.endpoint in seen:
            raise config.error(f'two [[httppost]] sections have endpoint = "{post.endpoint}"',
                               section, "endpoint", index)
        seen.add(post.endpoint)
        if not post.url:
            raise config.error("must specify url", section, "url", index)
        if post.alert_template and post.alert_template_file:
            raise config.error("must specify only one of alert-template and alert-template-file",
                               section, "alert-template-file", index)
        if post.alert_template_file and not os.path.isabs(post.alert_template_file):
            raise config.error("must use an absolute path for alert-template-file",
                               section, "alert-template-file", index)
        if post.row_template and post.row_template_file:
            raise config.error("must specify only one of row-template and row-template-file",
                               section, "row-template-file", index)
        if post.row_template_file and not os.path.isabs(post.row_template_file):
            raise config.error("must use an absolute path for row-template-file",
                               section, "row-template-file", index)
        _check_httppost_templates(config, post, section, index)


def _check_httppost_templates(config: Config, post: HTTPPostConfig, section: str, index: int) -> None:
    """Kapacitor parses an endpoint's templates when it starts and refuses to start on one that
    does not parse (services/httppost/config.go Validate and Configs.index). The URL is left
    out of the message: it may hold a credential."""
    from tickpy.template.gotemplate import TemplateError, compile_template

    checks = (("url", post.url, "invalid URL template syntax: "),
              ("alert-template", post.alert_template,
               f'failed to get alert-template for endpoint "{post.endpoint}": '),
              ("row-template", post.row_template, f'failed to get row-template for endpoint "{post.endpoint}": '))
    for key, text, prefix in checks:
        if "{{" not in text:
            continue
        try:
            compile_template(text, "body", json_functions=True)
        except TemplateError as error:
            raise config.error(f"{prefix}failed to parse template: {error.message}", section, key,
                               index) from None


def _is_http_url(url: str) -> bool:
    try:
        parts = urlsplit(url)
    except ValueError:  # `http://[::1`: Go's url.Parse refuses it too (missing ']' in host)
        return False
    return parts.scheme in ("http", "https") and bool(parts.netloc)


# -- positions ----------------------------------------------------------------------------------


_TABLE_HEADER = re.compile(r"^\s*(\[\[?)\s*([^\]]+?)\s*\]\]?")
_KEY_LINE = re.compile(r'^\s*("?)([A-Za-z0-9_\-]+)\1\s*=')


class _Locator:
    """Finds the line of a section header or of a key inside the n-th such section.

    tomllib does not report positions, so this looks at the text: cheap, and exact for the way
    people write kapacitor.conf (one key per line under its table header).
    """

    def __init__(self, text: str):
        self._lines = text.splitlines()

    def column_of(self, line: int, key: str) -> int:
        """Where `key` starts on `line` (1-based), or where the line's text starts."""
        text = self._lines[line - 1] if 0 < line <= len(self._lines) else ""
        found = text.find(key) if key else -1
        return found + 1 if found >= 0 else len(text) - len(text.lstrip()) + 1

    def line_of(self, section: str, index: int, key: str) -> int:
        match = re.match(r"\[+([^\]]+)\]", section)
        if not match:
            return 0
        name = match.group(1).strip()
        seen = -1
        header_line = 0
        for number, text in enumerate(self._lines, start=1):
            header = _TABLE_HEADER.match(text)
            if header:
                if header_line and seen == index:
                    break  # the section we looked in has ended
                if header.group(2).strip('"') == name:
                    seen += 1
                    if seen == index:
                        header_line = number
                continue
            if header_line and seen == index and key:
                match = _KEY_LINE.match(text)
                if match and match.group(2) == key:
                    return number
        return header_line
