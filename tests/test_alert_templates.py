"""The alert node's templates with Kapacitor's defaults, which tickpy computes without running
the template engine: the text must be what the engine (and Kapacitor) would write."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from tickpy.alert.templates import DEFAULT_DETAILS, AlertTemplates
from tickpy.data.point import Point, Unsigned

T10 = 31_536_010_000_000_000  # 1971-01-01T00:00:10Z, the time of Kapacitor's alert tests


def test_default_message_and_details_are_kapacitors():
    # alert.go: message "{{ .ID }} is {{ .Level }}"; details "{{ json . }}" under html/template,
    # as streamer_test.go TestStream_AlertPagerDuty expects it (html.EscapeString of the JSON).
    # A replay has no server, so ServerInfo is tickpy's stand-in (localhost, empty ids).
    point = Point("cpu", {"host": "serverA"}, {"count": 10.0}, T10, group="host=serverA")
    message, details = AlertTemplates().render_message_and_details(
        "TestStream_Alert", point, "kapacitor/cpu/serverA", "CRITICAL", 0)
    assert message == "kapacitor/cpu/serverA is CRITICAL"
    expected_json = ('{"Name":"cpu","TaskName":"TestStream_Alert","Group":"host=serverA",'
                     '"Tags":{"host":"serverA"},'
                     '"ServerInfo":{"Hostname":"localhost","ClusterID":"","ServerID":""},'
                     '"ID":"kapacitor/cpu/serverA","Fields":{"count":10},"Level":"CRITICAL",'
                     '"Time":"1971-01-01T00:00:10Z","Duration":0,'
                     '"Message":"kapacitor/cpu/serverA is CRITICAL"}\n')
    assert details == expected_json.replace('"', "&#34;")


def test_empty_details_stay_empty():
    # alert.go: .details('') sends no details
    point = Point("cpu", {}, {"value": 1.0}, T10)
    assert AlertTemplates(details_text="").render_message_and_details(
        "t", point, "cpu:nil", "OK", 0)[1] == ""


_texts = st.text(max_size=8) | st.sampled_from(["<b>", "a&b", "it's", "x+y", '"q"', "\u2028", "é"])
_values = (st.floats(allow_nan=True) | st.integers(-(2 ** 63), 2 ** 63 - 1)
           | st.integers(0, 2 ** 64 - 1).map(Unsigned) | st.booleans() | _texts)


@settings(max_examples=200, deadline=None)
@given(tags=st.dictionaries(_texts, _texts, max_size=3),
       fields=st.dictionaries(_texts, _values, min_size=1, max_size=4),
       time=st.integers(0, 2 ** 62), duration=st.integers(0, 2 ** 40),
       level=st.sampled_from(["OK", "INFO", "WARNING", "CRITICAL"]))
def test_default_details_are_what_the_template_engine_renders(tags, fields, time, duration, level):
    point = Point("cpu", tags, fields, time, group=",".join(f"{k}={v}" for k, v in sorted(tags.items())))
    templates = AlertTemplates()
    message, details = templates.render_message_and_details("task", point, "an id", level, duration)
    engine = AlertTemplates(details_text=DEFAULT_DETAILS + " ")  # not the default: the engine runs
    _, engine_details = engine.render_message_and_details("task", point, "an id", level, duration)
    assert details + " " == engine_details
