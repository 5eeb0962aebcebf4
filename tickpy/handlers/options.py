"""Checking handler options, shared by the network handlers (pushover, discord, post).

Options arrive spelled as in Kapacitor's handler files (`url-title`, `avatar-url`), from a
TICKscript (translated by the engine) or from a YAML/JSON handler file. A misspelt option or a
value of the wrong type is a user mistake, reported as a TickError when the handler is built,
never when the first alert fires.
"""

from __future__ import annotations

from tickpy.alert.event import AlertEvent, format_time
from tickpy.config import Config, load_config
from tickpy.lang.errors import TickError


def check_options(kind: str, options: dict | None, known: tuple[str, ...]) -> dict:
    """A copy of the options with None read as "", after refusing names the handler lacks."""
    cleaned = {}
    for name, value in (options or {}).items():
        if name not in known:
            raise TickError(f'{kind} handler: unknown option "{name}" (known: {", ".join(known)})')
        cleaned[name] = "" if value is None else value
    return cleaned


def string_options(kind: str, options: dict, names: tuple[str, ...]) -> None:
    for name in names:
        value = options.get(name, "")
        if not isinstance(value, str):
            raise TickError(f'{kind} handler: option "{name}" must be a string, got {value!r}')


def bool_option(kind: str, options: dict, name: str) -> bool | None:
    """A boolean option; None when absent or empty. YAML gives bools, scripts may give strings."""
    value = options.get(name, "")
    if value == "" or value is None:
        return None
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.lower() in ("true", "false"):
        return value.lower() == "true"
    raise TickError(f'{kind} handler: option "{name}" must be true or false, got {value!r}')


def describe_event(event: AlertEvent) -> str:
    """How reports name a notification: `alert cpu:nil CRITICAL at 2023-11-14T22:13:20Z`."""
    return f"alert {event.id} {event.level.name} at {format_time(event.time)}"


def config_of(services) -> Config:
    """The run's kapacitor.conf, or Kapacitor's defaults (plus KAPACITOR_* variables)."""
    config = getattr(services, "config", None)
    return config if config is not None else load_config(None)


def compile_text_template(text: str, name: str, data_type: str | None = None,
                          json_functions: bool = False):
    """A Go text/template as a callable `render(data) -> str`, compiled once per handler.

    Text without `{{` is returned as is, without parsing. `name` is the template's name in Go's
    error messages (`embedTitle`, `body`), `data_type` the Go type of the data it is given;
    `json_functions` adds `json` and `jsonCompact` (httppost's inline alert-template has them).
    A template that does not parse is a TickError carrying Go's message.
    """
    if "{{" not in text:
        return lambda data: text
    from tickpy.template.gotemplate import TemplateError, compile_template

    try:
        template = compile_template(text, name=name, data_type=data_type, json_functions=json_functions)
    except TemplateError as error:
        raise TickError(error.message) from None
    return template.render


# TICKscript property -> handler-file option, per handler (pipeline/alert.go). Kapacitor matches a
# property after upper-casing its first letter, so `.uRLTitle()` is `.URLTitle()`; keys here are
# in that form.
SCRIPT_PROPERTIES = {
    "pushover": {"UserKey": "user-key", "Device": "device", "Title": "title", "URL": "url",
                 "URLTitle": "url-title", "Sound": "sound"},
    "discord": {"Workspace": "workspace", "Username": "username", "AvatarURL": "avatar-url",
                "EmbedTitle": "embed-title", "Timestamp": "timestamp"},
    "post": {"Endpoint": "endpoint", "Header": "headers", "CaptureResponse": "capture-response",
             "Timeout": "timeout", "SkipSSLVerification": "skip-ssl-verification"},
}


def options_from_script(kind: str, handler_args: list, properties: list[tuple[str, list]]) -> dict:
    """Handler options from a script's `.kind(args...).prop(args...)...` chain.

    `handler_args` are the arguments of the handler call itself (`.post('http://...')` gives the
    url); `properties` are (name, arguments) in script order. A repeated property keeps the last
    value, except `.header(k, v)`, which adds a header each time. Names unknown here raise a
    TickError (lint reports them with positions first).
    """
    table = SCRIPT_PROPERTIES.get(kind, {})
    options: dict = {}
    if kind == "post" and handler_args:
        options["url"] = handler_args[0]
    for name, args in properties:
        key = table.get(name[:1].upper() + name[1:])
        if key is None:
            raise TickError(f'no method or property "{name}" on the {kind} handler')
        if key == "headers":
            header, value = args
            options.setdefault("headers", {})[header] = value
        elif not args:
            options[key] = True  # flag properties: .captureResponse(), .skipSSLVerification()
        else:
            options[key] = args[0]
    return options
