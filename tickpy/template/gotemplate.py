"""Go text/template (and html/template's escaping) for alert ids, messages and details.

Kapacitor renders `.id()` and `.message()` with text/template and `.details()` with
html/template (alert.go); the Discord embed title and an aggregate handler's message are
text/templates too. Usage:

    template = compile_template("{{ .Name }}:{{ .Group }}", name="id")   # once per task
    template.render({"Name": "cpu", "Group": "host=a", ...})             # per alert

`compile_template` raises `TemplateError` for a syntax error, `render` for an execution error;
both carry Go's message and the character offset of the fault in the template text. How Python
values stand for Go values (StringMap, GoStruct, Duration, Timestamp...) is in `godata`.
"""

from __future__ import annotations

from tickpy.template.errors import TemplateError
from tickpy.template.execute import Renderer
from tickpy.template.funcs import BUILTINS, KAPACITOR_JSON_FUNCTIONS
from tickpy.template.godata import GoInt, GoStruct, StringMap
from tickpy.template.htmlcontext import escape_template
from tickpy.template.parse import parse_template

__all__ = ["compile_template", "compile_alert_template", "Template", "TemplateError", "StringMap",
           "GoStruct", "GoInt", "DATA_TYPE_NAMES"]

# What Go calls the data each Kapacitor template is executed with, as its error messages print
# it (`can't evaluate field Foo in type kapacitor.messageInfo`), by template name.
DATA_TYPE_NAMES = {
    "id": "kapacitor.idInfo",
    "message": "kapacitor.messageInfo",
    "details": "kapacitor.detailsInfo",
    "embedTitle": "alert.TemplateData",
}


_ID_INFO = ("Name", "TaskName", "Group", "Tags", "ServerInfo")
_MESSAGE_INFO = (("idInfo",) + _ID_INFO, "ID", "Fields", "Level", "Time", "Duration")
# How Kapacitor's template data structs embed one another (alert.go), for `{{ . }}`: a tuple is
# an embedded struct, its type name first.
DATA_LAYOUTS = {
    "kapacitor.idInfo": _ID_INFO,
    "kapacitor.messageInfo": _MESSAGE_INFO,
    "kapacitor.detailsInfo": (("messageInfo",) + _MESSAGE_INFO, "Message"),
}


class Template:
    """A compiled template: parse once, render many times."""

    def __init__(self, text: str, name: str, html: bool, data_type: str, json_functions: bool):
        self.text = text
        self.name = name
        self.html = html
        self.data_type = data_type
        self.functions = dict(BUILTINS)
        if json_functions:
            self.functions.update(KAPACITOR_JSON_FUNCTIONS)
        try:
            self.root, self.definitions = parse_template(text, name, set(self.functions))
            if html:
                escape_template(name, text, self.root, self.definitions)
        except RecursionError:
            raise TemplateError(f"template: {name}: nesting too deep to parse", 0) from None

    def render(self, data) -> str:
        """The template's output for `data`.

        A plain dict given as `data` is taken as the struct Kapacitor passes (its keys are the
        struct's fields, so a missing one is an error); inside it, a plain dict under `Tags` is a
        map[string]string and one under `ServerInfo` a struct. Any other nested dict is a
        map[string]interface{}. Pass a GoStruct or StringMap to say otherwise.
        """
        renderer = Renderer(self, as_template_data(data, self.data_type))
        try:
            renderer.walk(renderer.vars[0][1], self.root)
        except RecursionError:
            raise TemplateError(f"template: {self.name}: nesting too deep to execute", 0) from None
        return "".join(renderer.out)

    __call__ = render

    def __repr__(self) -> str:
        return f"Template({self.name!r}, {self.text!r})"


def as_template_data(data, type_name: str = "struct"):
    """Kapacitor's template data from a plain dict (see `Template.render`)."""
    if type(data) is not dict:
        return data
    fields = dict(data)
    if type(fields.get("Tags")) is dict:
        fields["Tags"] = StringMap(fields["Tags"])
    if type(fields.get("ServerInfo")) is dict:
        fields["ServerInfo"] = GoStruct(fields["ServerInfo"], "kapacitor.serverInfo")
    return GoStruct(fields, type_name, DATA_LAYOUTS.get(type_name))


def compile_template(text: str, name: str = "template", html: bool = False,
                     data_type: str | None = None, json_functions: bool | None = None) -> Template:
    """Parse `text` as a Go template named `name` (the name Go's error messages quote).

    `html=True` gives Kapacitor's details template: html/template escaping of every action's
    output, and the `json` / `jsonCompact` functions. `data_type` is the Go type name error
    messages give the data (defaults by `name`, see DATA_TYPE_NAMES). `json_functions` adds
    `json` / `jsonCompact` to a text template too, as the httppost service does for an inline
    `alert-template` (default: only for html templates).
    """
    if json_functions is None:
        json_functions = html
    return Template(text, name, html, data_type or DATA_TYPE_NAMES.get(name, "struct"), json_functions)


# TICKscript property (as Kapacitor spells it after upper-casing the first letter) -> how
# Kapacitor parses that template: its name, and whether it is an html/template.
_ALERT_PROPERTIES = {"Id": ("id", False), "Message": ("message", False), "Details": ("details", True),
                     "EmbedTitle": ("embedTitle", False)}


def compile_alert_template(property_name: str, text: str) -> Template:
    """The template of an alert property (`.id()`, `.message()`, `.details()`) or of Discord's
    `.embedTitle()`, parsed as Kapacitor parses it: `.details()` is an html/template with `json`."""
    key = property_name[:1].upper() + property_name[1:]
    if key not in _ALERT_PROPERTIES:
        raise ValueError(f"{property_name!r} is not a templated alert property")
    name, html = _ALERT_PROPERTIES[key]
    return compile_template(text, name, html=html)
