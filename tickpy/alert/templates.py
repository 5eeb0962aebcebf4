"""The id, message and details templates of an alert node, and the data they see.

The data follows Kapacitor's alert.go: the id template sees `idInfo` (Name, TaskName, Group, Tags,
ServerInfo); the message adds ID, Fields, Level, Time, Duration (`messageInfo`); the details add
Message (`detailsInfo`). Keys are given in the structs' field order, which `{{ json . }}` keeps.

The defaults are Kapacitor's. They are by far the most common, so they are computed directly
instead of through the template engine; the result is the same text.
"""

from __future__ import annotations

from tickpy.data.values import Duration, Timestamp
from tickpy.template.funcs import json_function
from tickpy.template.gotemplate import as_template_data, compile_alert_template
from tickpy.template.htmlescape import html_escaper

DEFAULT_ID = "{{ .Name }}:{{ .Group }}"
DEFAULT_MESSAGE = "{{ .ID }} is {{ .Level }}"
DEFAULT_DETAILS = "{{ json . }}"

# Kapacitor fills ServerInfo from its own configuration; a replay has no server.
SERVER_INFO = {"Hostname": "localhost", "ClusterID": "", "ServerID": ""}


def group_text(group: str) -> str:
    """How templates see a group id: Kapacitor prints the empty (nil) group as "nil"."""
    return group if group else "nil"


class AlertTemplates:
    def __init__(self, id_text: str = DEFAULT_ID, message_text: str = DEFAULT_MESSAGE,
                 details_text: str = DEFAULT_DETAILS):
        self._id = None if id_text == DEFAULT_ID else compile_alert_template("id", id_text)
        # Kapacitor's default id (`{{ .Name }}:{{ .Group }}`) cannot fail to render; a custom one can.
        self.id_is_default = self._id is None
        self._message = None if message_text == DEFAULT_MESSAGE else compile_alert_template("message", message_text)
        # How the details are made from the data: none, Kapacitor's default, or the template.
        if details_text == "":
            self._render_details = None
        elif details_text == DEFAULT_DETAILS:
            self._render_details = default_details
        else:
            self._render_details = compile_alert_template("details", details_text).render

    def render_id(self, task_name: str, point) -> str:
        if self._id is None:
            return f"{point.name}:{group_text(point.group)}"
        return self._id.render(_id_data(task_name, point))

    def render_message_and_details(self, task_name: str, point, alert_id: str, level_name: str,
                                   duration: int) -> tuple[str, str]:
        data = _id_data(task_name, point)
        data.update(ID=alert_id, Fields=point.fields, Level=level_name, Time=Timestamp(point.time),
                    Duration=Duration(duration))
        if self._message is None:
            message = f"{alert_id} is {level_name}"
        else:
            message = self._message.render(data)
        if self._render_details is None:
            return message, ""
        data["Message"] = message
        return message, self._render_details(data)


def default_details(data: dict) -> str:
    """What the default details `{{ json . }}` renders, without running the template engine:
    the json function's text, which html/template then escapes as HTML text (so quotes come
    out as `&#34;`, as in every Kapacitor alert's details)."""
    return html_escaper(json_function(as_template_data(data)))


def _id_data(task_name: str, point) -> dict:
    return {"Name": point.name, "TaskName": task_name, "Group": group_text(point.group),
            "Tags": point.tags, "ServerInfo": SERVER_INFO}
