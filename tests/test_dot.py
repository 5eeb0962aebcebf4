"""The DOT graph `tickpy show` prints, worked out from the script as Kapacitor builds its pipeline."""

from __future__ import annotations

import pytest

from tickpy.dot import task_dot, task_type
from tickpy.lang.parser import parse


def dot(script: str, name: str = "t") -> str:
    return task_dot(parse(script), name)


def test_the_kapacitor_docs_template_example():
    # Kapacitor's CLI docs, `kapacitor show-template generic_mean_alert` (window, mean, alert)
    script = """var measurement string
var where_filter = lambda: TRUE
var groups = [*]
var field string
var warn lambda
var crit lambda
var window = 5m
var slack_channel = '#kapacitor'

stream
    |from()
        .measurement(measurement)
        .where(where_filter)
        .groupBy(groups)
    |window()
        .period(window)
        .every(window)
    |mean(field)
    |alert()
        .warn(warn)
        .crit(crit)
        .slack()
        .channel(slack_channel)
"""
    assert dot(script, "generic_mean_alert") == (
        "digraph generic_mean_alert {\nstream0 -> from1;\nfrom1 -> window2;\nwindow2 -> mean3;\nmean3 -> alert4;\n}")


def test_server_tests_stream_and_batch_graphs():
    # server/server_test.go: "digraph testTaskID {\nstream0 -> from1;\n}" and, for a batch task,
    # "digraph testTaskID {\nquery1 -> log2;\n}" (BatchNode draws no edge of its own)
    assert dot("stream\n    |from()\n        .measurement('test')\n", "testTaskID") == \
        "digraph testTaskID {\nstream0 -> from1;\n}"
    assert dot("batch\n    |query('SELECT value from mydb.myrp.cpu')\n        .period(5ms)\n"
               "        .every(5ms)\n    |log()\n", "testTaskID") == "digraph testTaskID {\nquery1 -> log2;\n}"


def test_node_kinds_are_kapacitors_names():
    # the `desc` of each node in pipeline/*.go
    script = ("stream|from()|groupBy('host')|stateDuration(lambda: TRUE)|httpOut('x')"
              "|influxDBOut()\n")
    assert dot(script) == ("digraph t {\nstream0 -> from1;\nfrom1 -> groupby2;\ngroupby2 -> state_duration3;\n"
                           "state_duration3 -> http_out4;\nhttp_out4 -> influxdb_out5;\n}")


def test_branches_and_joins_follow_kapacitors_numbering_and_order():
    # pipeline/node.go linkChild numbers a node each time it is linked, so a join of two parents
    # takes the second number; pipeline.go sort walks depth first from the source, children in
    # order, and reverses, so the last branch's edges come first.
    script = """var errors = stream
    |from()
        .measurement('errors')
var requests = stream
    |from()
        .measurement('requests')
errors
    |join(requests)
        .as('errors', 'requests')
    |eval(lambda: "errors.value" / "requests.value")
        .as('rate')
errors
    |log()
"""
    assert dot(script) == ("digraph t {\nstream0 -> from1;\nstream0 -> from2;\nfrom2 -> join4;\n"
                           "from1 -> join4;\nfrom1 -> log6;\njoin4 -> eval5;\n}")


@pytest.mark.parametrize("script, kind", [
    ("stream|from()", "stream"),
    ("var x = batch|query('q')\nx|log()", "batch"),
    ("var s = stream\ns|from()", "stream"),
    ("stream|from()\nbatch|query('q')", None),
    ("var x = 5m", None),
])
def test_the_task_type_comes_from_the_script(script, kind):
    # services/task_store/util.go taskTypeFromProgram
    assert task_type(parse(script)) == kind
