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


def compile_text_template(text: str, name: str):
    """A Go text/template as a callable `render(data) -> str`, compiled once per handler.

    Text without `{{` is returned as is, so plain titles never depend on the template engine.
    """
    if "{{" not in text:
        return lambda data: text
    try:
        from tickpy.template.gotemplate import compile_template
    except ImportError:
        raise TickError(f"{name}: templates need tickpy.template.gotemplate, which is not installed") from None
    template = compile_template(text, name=name)
    return lambda data: template(data)
