"""The Discord handler: the webhook JSON Kapacitor posts, per workspace, and global Discord.

Follows services/discord/service.go:
- body (Go's JSON encoder, map keys sorted, trailing newline):
  `{"avatar_url":...,"embeds":[{"color":N,"title":...,"description":<message>,"timestamp":...}],
  "username":...}`;
- colour by level: CRITICAL 0xF95F53, WARNING 0xF48D38, anything else 0x7A65F2;
- `timestamp` is the event time as RFC3339 (whole seconds) when enabled, else "";
- username and avatar URL fall back to the workspace's when the handler leaves them empty;
- the embed title is a Go text/template over the event's template data;
- the workspace is the one the handler names, or the default one when it names none;
- success is HTTP 204 only; otherwise `failed to understand Discord response. code: N content: <body>`.

Where tickpy follows the Discord handler doc page rather than Kapacitor's code:
- the handler option `timestamp` (true/false) overrides the workspace's setting (Kapacitor has no
  such option; lint warns about `.timestamp()` in a script);
- an empty `embed-title` falls back to the workspace's `embed-title` (Kapacitor's code ignores the
  configured title and sends an empty one).
"""

from __future__ import annotations

from datetime import datetime, timezone

from tickpy.alert.event import AlertEvent, Level
from tickpy.config import Config, DiscordConfig
from tickpy.data.values import Duration, Timestamp
from tickpy.handlers import gojson
from tickpy.handlers.base import Handler, register
from tickpy.handlers.delivery import dispatch
from tickpy.handlers.http import Answer, OutgoingRequest, json_object
from tickpy.handlers.options import (bool_option, check_options, compile_text_template, config_of,
                                     describe_event, string_options)
from tickpy.handlers.redact import url_secret

KIND = "discord"
OPTIONS = ("workspace", "timestamp", "username", "avatar-url", "embed-title")
STRING_OPTIONS = ("workspace", "username", "avatar-url", "embed-title")

COLOR_CRITICAL = 0xF95F53
COLOR_WARNING = 0xF48D38
COLOR_OTHER = 0x7A65F2


def color(level: Level) -> int:
    if level == Level.CRITICAL:
        return COLOR_CRITICAL
    if level == Level.WARNING:
        return COLOR_WARNING
    return COLOR_OTHER


def rfc3339_seconds(ns: int) -> str:
    """Go's `time.Format(time.RFC3339)` of a UTC time: no fractional seconds."""
    moment = datetime.fromtimestamp(ns // 1_000_000_000, tz=timezone.utc)
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def discord_body(*, message: str, level: Level, title: str, username: str, avatar_url: str,
                 timestamp: str) -> bytes:
    """The webhook JSON, keys in the order Go writes them (sorted map keys, struct field order)."""
    embed = {"color": color(level), "title": title, "description": message, "timestamp": timestamp}
    body = {"avatar_url": avatar_url, "embeds": [embed], "username": username}
    return gojson.encode(body).encode("utf-8")


def build_request(workspace: DiscordConfig, *, message: str, level: Level, time_ns: int, title: str,
                  username: str = "", avatar_url: str = "", timestamp: bool | None = None,
                  what: str = "") -> OutgoingRequest:
    show_time = workspace.timestamp if timestamp is None else timestamp
    body = discord_body(
        message=message,
        level=level,
        title=title,
        username=username or workspace.username,
        avatar_url=avatar_url or workspace.avatar_url,
        timestamp=rfc3339_seconds(time_ns) if show_time else "",
    )
    name = f"discord[{workspace.workspace}]" if workspace.workspace else "discord"
    return OutgoingRequest(
        kind=KIND,
        handler=name,
        what=what,
        method="POST",
        url=workspace.url,
        headers={"Content-Type": "application/json"},
        body=body,
        secrets=tuple(url_secret(workspace.url)),
        tls=workspace.tls(),
        read_answer=read_discord_answer,
    )


def read_discord_answer(status: int, body: bytes) -> Answer:
    if status == 204:
        return Answer(True)
    message = (f"failed to understand Discord response. code: {status} "
               f"content: {body.decode('utf-8', errors='replace').strip()}")
    error = json_object(body).get("error")
    if isinstance(error, str):
        message = error
    return Answer(False, message)


def template_data(event: AlertEvent) -> dict:
    """Kapacitor's alert.TemplateData, the data the embed title template sees."""
    return {
        "ID": event.id,
        "Message": event.message,
        "Level": event.level.name,
        "Time": Timestamp(event.time),
        "Duration": Duration(event.duration),
        "Details": event.details,
        "Name": event.name,
        "TaskName": event.task_name,
        "Group": event.group,
        "Tags": dict(event.tags),
        "Fields": dict(event.fields),
    }


class DiscordHandler(Handler):
    kind = KIND

    def __init__(self, options: dict, workspace: DiscordConfig, services):
        self.options = options
        self.workspace = workspace
        self.services = services
        self.timestamp = bool_option(KIND, options, "timestamp")
        title = options.get("embed-title") or workspace.embed_title
        self.render_title = compile_text_template(title, "embedTitle")

    def handle(self, event: AlertEvent) -> None:
        what = describe_event(event)
        try:
            title = self.render_title(template_data(event))
        except Exception as error:  # a template that fails on this event: Kapacitor skips it
            report = getattr(self.services, "report", None)
            if report is not None:
                report.delivery(f"discord[{self.workspace.workspace}]" if self.workspace.workspace
                                else "discord", False, f"{what}: embedTitle template failed: {error}")
            return
        request = build_request(
            self.workspace,
            message=event.message,
            level=event.level,
            time_ns=event.time,
            title=title,
            username=self.options.get("username", ""),
            avatar_url=self.options.get("avatar-url", ""),
            timestamp=self.timestamp,
            what=what,
        )
        dispatch(self.services, request)


class StateChangesOnly(Handler):
    """Passes an event on only when its alert's level differs from the last one seen.

    This is `.stateChangesOnly()` for one handler: the global Discord workspace's
    `state-changes-only` applies to the Discord sends of every task without changing what the
    task's other handlers receive.
    """

    def __init__(self, inner: Handler):
        self.inner = inner
        self.kind = inner.kind
        self._last_level: dict[str, Level] = {}

    def handle(self, event: AlertEvent) -> None:
        previous = self._last_level.get(event.id, Level.OK)
        self._last_level[event.id] = event.level
        if event.level != previous:
            self.inner.handle(event)

    def close(self) -> None:
        self.inner.close()


@register(KIND)
def make_discord_handler(options: dict, services) -> DiscordHandler:
    """`.discord().workspace(...)` or `kind: discord` (options spelled as in handler files)."""
    options = check_options(KIND, options, OPTIONS)
    string_options(KIND, options, STRING_OPTIONS)
    bool_option(KIND, options, "timestamp")
    config = config_of(services)
    config.check_handler_enabled(KIND, options)
    workspace = config.discord_workspace(options.get("workspace", ""))
    return DiscordHandler(options, workspace, services)


def discord_global_handlers(config: Config | None, services) -> list[Handler]:
    """The handlers `global = true` adds to an alert node that names no `.discord()` itself.

    Only the default workspace can be global (config validation makes sure); with
    `state-changes-only = true` its sends are limited to changes of level.
    """
    if config is None:
        return []
    workspace = config.discord_workspace("") if config.discord else None
    if workspace is None or not workspace.global_ or not workspace.enabled:
        return []
    handler: Handler = DiscordHandler({}, workspace, services)
    if workspace.state_changes_only:
        handler = StateChangesOnly(handler)
    return [handler]
