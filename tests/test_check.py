"""Semantic checks (tickpy/lang/check.py) and the node catalogue they read.

Expected messages and positions follow Kapacitor: `tick/eval.go` (reflection lookups, `no method or
property "x" on *pipeline.T`, `error calling func`), `pipeline/*.go` (which node has which property,
and which edges a node wants), `tick/stateful/functions.go` (lambda functions), and the cases in
../shared/conformance/syntax/semantic/EXPECTED.tsv.
"""

from __future__ import annotations

import pytest

from tickpy.lang import catalogue
from tickpy.lang.check import check
from tickpy.lang.lint import lint_tickscript
from tickpy.lang.parser import parse


def problems(script: str, **kwargs):
    return check(parse(script, "t.tick"), "t.tick", **kwargs)


def errors(script: str, **kwargs):
    return [p for p in problems(script, **kwargs) if p.severity == "error"]


def warnings(script: str, **kwargs):
    return [p for p in problems(script, **kwargs) if p.severity == "warning"]


def only_error(script: str, **kwargs):
    found = errors(script, **kwargs)
    assert len(found) == 1, [p.render() for p in found]
    return found[0]


ALERT = """stream
    |from()
        .measurement('cpu')
    |alert()
        .crit(lambda: "usage_idle" < 10)
"""


# ---------------------------------------------------------------------------------------------
# The catalogue


def test_kapacitor_spellings_of_pushover_and_discord_properties():
    # pipeline/alert.go: PushoverHandler fields UserKey, Device, Title, URL, URLTitle, Sound;
    # DiscordHandler fields Workspace, Username, AvatarURL, EmbedTitle.
    pushover = catalogue.node_type("PushoverHandler")
    for name in ("userKey", "device", "title", "URL", "URLTitle", "sound"):
        assert pushover.property(name) is not None, name
    assert pushover.property("url") is None
    assert pushover.property("urlTitle") is None
    discord = catalogue.node_type("DiscordHandler")
    for name in ("workspace", "username", "avatarURL", "embedTitle"):
        assert discord.property(name) is not None, name
    assert discord.property("avatarUrl") is None


def test_first_letter_is_case_insensitive_like_kapacitor():
    # tick/eval.go capitalizeFirst: `.Measurement()` finds the Measurement field.
    assert catalogue.node_type("FromNode").property("Measurement") is not None


def test_handlers_fall_back_to_the_alert_properties():
    discord = catalogue.node_type("DiscordHandler")
    assert discord.property("crit").params == (catalogue.LAMBDA,)
    assert discord.property("pushover").returns == "PushoverHandler"
    # MQTTHandler's own Topic field hides the alert's topic (Go field promotion).
    mqtt = catalogue.node_type("MQTTHandler")
    assert mqtt.property("topic") is not catalogue.ALERT_PROPERTIES["topic"]


def test_every_alert_handler_is_in_the_catalogue():
    alert = catalogue.node_type("AlertNode")
    for name in ("pushover", "discord", "log", "post", "tcp", "exec", "topic", "email", "slack",
                 "pagerDuty", "pagerDuty2", "opsGenie", "opsGenie2", "victorOps", "telegram",
                 "hipChat", "alerta", "sensu", "snmpTrap", "talk", "mqtt", "kafka", "serviceNow",
                 "bigPanda", "teams", "zenoss"):
        assert alert.property(name) is not None, name


def test_other_nodes_are_in_the_catalogue():
    from_node = catalogue.node_type("FromNode")
    for name in ("sample", "shift", "union", "join", "combine", "flatten", "stateDuration",
                 "stateCount", "changeDetect", "stats", "deadman", "mean", "sum", "count",
                 "percentile", "top", "bottom", "holtWinters", "kapacitorLoopback", "sideload",
                 "barrier", "ec2Autoscale", "k8sAutoscale", "swarmAutoscale", "trickle", "httpPost",
                 "influxDBOut", "default", "delete", "derivative", "log", "httpOut", "where", "eval",
                 "groupBy", "window"):
        assert from_node.chaining_method(name) is not None, name
    assert catalogue.node_type("InfluxQLNode").property("as") is not None
    assert catalogue.node_type("InfluxQLNode").property("usePointTimes") is not None


def test_alert_log_is_a_property_and_pipe_log_a_node():
    # AlertNodeData.ChainMethods in pipeline/alert.go keeps |log() as a chaining method.
    alert = catalogue.node_type("AlertNode")
    assert alert.property("log").returns == "LogHandler"
    assert alert.chaining_method("log").returns == "LogNode"


# ---------------------------------------------------------------------------------------------
# The conformance cases' messages, with a suggestion added


def test_unknown_node_name_suggests_the_closest():
    problem = only_error("stream\n    |from()\n        .measurement('cpu')\n    |windoww()\n        .period(1m)\n")
    assert (problem.line, problem.column) == (4, 6)  # Kapacitor: line 4 char 6
    assert 'no method or property "windoww" on *pipeline.FromNode' in problem.message
    assert 'did you mean "window"?' in problem.message


def test_discord_avatar_url_spelling():
    problem = only_error(ALERT + "        .discord()\n        .avatarUrl('https://example.com/a.png')\n")
    assert (problem.line, problem.column) == (7, 10)
    assert 'no method or property "avatarUrl" on *pipeline.DiscordHandler' in problem.message
    assert 'did you mean "avatarURL"?' in problem.message


def test_pushover_url_must_be_upper_case():
    problem = only_error(ALERT + "        .pushover()\n        .url('http://x')\n")
    assert 'no method or property "url" on *pipeline.PushoverHandler' in problem.message
    assert '"URL"' in problem.message


def test_property_on_the_wrong_node_names_its_owner():
    problem = only_error("stream\n    |from()\n        .measurement('cpu')\n"
                         "        .crit(lambda: \"usage_idle\" < 10)\n")
    assert (problem.line, problem.column) == (4, 10)
    assert 'no method or property "crit" on *pipeline.FromNode' in problem.message
    assert "|alert()" in problem.message


def test_duration_given_as_string():
    problem = only_error("stream\n    |from()\n        .measurement('cpu')\n    |window()\n"
                         "        .period(1m)\n        .every('1m')\n")
    # tick/eval.go evalFunc: "line 6 char 10: error calling func \"every\" on obj *pipeline.WindowNode:
    # reflect.Set: value of type string is not assignable to type time.Duration" -- at the call's
    # name, not the argument (conformance semantic/duration_given_string.tick).
    assert (problem.line, problem.column) == (6, 10)
    assert "every" in problem.message and "*pipeline.WindowNode" in problem.message
    assert "a string ('1m') was given where a duration is expected" in problem.message
    assert "write 1m without quotes" in problem.message


def test_missing_lambda_keyword():
    problem = only_error(ALERT.replace('lambda: "usage_idle"', '"usage_idle"'))
    assert problem.line == 5
    assert 'name "usage_idle" is undefined' in problem.message
    assert "lambda:" in problem.message


def test_undefined_variable():
    problem = only_error("stream\n    |from()\n        .measurement(measurement)\n")
    assert (problem.line, problem.column) == (3, 22)
    assert problem.message.startswith('name "measurement" is undefined. Names in scope: ')
    assert "'measurement'" in problem.message  # suggests the single-quoted string


# ---------------------------------------------------------------------------------------------
# Arguments


def test_integer_where_a_float_is_expected():
    # Kapacitor does not convert: "reflect: Call using int64 as type float64" (kapacitor issue #311).
    problem = only_error("stream|from()|window().period(1m).every(1m)|percentile('x', 95)\n")
    assert "wrong argument 2" in problem.message
    assert "write 95.0" in problem.message


def test_wrong_number_of_arguments():
    problem = only_error("stream|from().measurement('a', 'b')\n")
    assert 'wrong number of arguments to "measurement" on *pipeline.FromNode: expected 1, got 2' \
        in problem.message


def test_variadic_and_optional_arguments_are_accepted():
    assert errors(ALERT + "        .stateChangesOnly()\n") == []
    assert errors(ALERT + "        .stateChangesOnly(5m)\n") == []
    assert errors(ALERT + "        .exec('/bin/echo', 'a', 'b')\n") == []
    assert errors("stream|from().groupBy('host', 'dc')\n") == []


def test_double_quoted_string_argument():
    # tick/eval.go: "cannot assign *ast.ReferenceNode to type string, did you use double quotes
    # instead of single quotes?"
    problem = only_error("stream|from().measurement(\"cpu\")\n")
    assert "single quotes: 'cpu'" in problem.message


def test_lambda_property_given_a_boolean():
    problem = only_error("stream|from().where(TRUE)\n")
    assert "a lambda expression is expected" in problem.message


def test_list_variable_is_spread_into_arguments():
    # tick/eval.go evalFunc: a single list argument is used as the argument list.
    assert errors("var tags = ['host', 'dc']\nstream|from().groupBy(tags)\n") == []


def test_group_by_star_with_names():
    # pipeline/group_by.go validateDimensions.
    problem = only_error("stream|from().groupBy(*, 'host')\n")
    assert "cannot group by both '*' and named dimensions." in problem.message


def test_time_dimension_only_in_a_query():
    assert errors("batch|query('SELECT mean(x) FROM m').period(1m).every(1m).groupBy(time(1m), 'host')\n") == []
    # pipeline/group_by.go validateDimensions accepts only strings and *: time(1m) (a
    # kapacitor.TimeDimension, query.go groupByTime) is "invalid dimension object of type ...".
    # Kapacitor gives no position; the error points at the time() call inside groupBy.
    problem = only_error("stream|from().groupBy(time(1m))\n")
    assert problem.message.startswith("invalid dimension")
    assert "time()" in problem.message and "|window()" in problem.message
    assert (problem.line, problem.column) == (1, 23)  # the `time` after `stream|from().groupBy(`


# ---------------------------------------------------------------------------------------------
# Names, chaining, stream vs batch


def test_stream_task_cannot_query():
    problem = only_error("stream|query('SELECT 1')\n")
    assert 'no method or property "query" on *pipeline.StreamNode' in problem.message
    assert "batch|query" in problem.message


def test_batch_task_has_no_from():
    problem = only_error("batch|from()\n")
    assert 'no method or property "from" on *pipeline.BatchNode' in problem.message


def test_stream_and_batch_in_one_script():
    # pipeline/pipeline.go puts only the task's own source in scope.
    problem = only_error("stream|from().measurement('a')\nbatch|query('SELECT 1')\n")
    assert problem.line == 2
    assert 'name "batch" is undefined' in problem.message


def test_window_needs_a_stream():
    # pipeline/node.go: Window panics with "cannot Window batch edge".
    problem = only_error("batch|query('SELECT 1').period(1m).every(1m)|window()\n")
    assert "cannot Window batch edge" in problem.message


def test_nothing_follows_influxdb_out():
    problem = only_error("stream|from()|influxDBOut()|log()\n")
    assert 'no method or property "log" on *pipeline.InfluxDBOutNode' in problem.message


def test_property_called_with_pipe():
    problem = only_error("stream|from()|measurement('cpu')\n")
    assert 'no chaining method "measurement" on *pipeline.FromNode, but property does exist' \
        in problem.message


def test_chaining_from_a_number():
    problem = only_error("var x = 5\nx|alert()\n")
    assert problem.line == 2 and "only pipeline nodes" in problem.message


def test_vars_are_immutable():
    found = errors("var x = 5\nvar x = 6\n")
    problem = found[0]
    assert "attempted to redefine x, vars are immutable" in problem.message


def test_handler_chain_continues_with_alert_properties():
    # .discord() returns a *pipeline.DiscordHandler that embeds the alert's data.
    script = ALERT + ("        .discord()\n        .workspace('x')\n        .embedTitle('y')\n"
                      "        .warn(lambda: \"usage_idle\" < 20)\n        .pushover()\n"
                      "        .title('t')\n    |log()\n")
    assert errors(script) == []


def test_one_error_per_mistake():
    found = errors("stream\n    |from()\n        .measurment('cpu')\n    |window()\n")
    assert len(found) == 1
    assert 'did you mean "measurement"?' in found[0].message


# ---------------------------------------------------------------------------------------------
# Inside lambdas


def test_undefined_lambda_function():
    # tick/stateful/eval_function_node.go: undefined function: "name"
    problem = only_error("stream|from().where(lambda: strContain(\"host\", 'a'))\n")
    assert 'undefined function: "strContain"' in problem.message
    assert '"strContains"' in problem.message


def test_lambda_function_arity():
    problem = only_error("stream|from().where(lambda: abs(\"x\", 2) > 1)\n")
    assert "abs() takes 1 argument, got 2" in problem.message


def test_unquoted_name_in_lambda_is_a_var():
    problem = only_error("stream|from().where(lambda: host == 'a')\n")
    assert 'name "host" is undefined' in problem.message
    assert '"host"' in problem.message


def test_var_used_inside_lambda():
    assert problems("var limit = 10\nstream|from().where(lambda: \"x\" > limit)\n") == []


# ---------------------------------------------------------------------------------------------
# Warnings


def test_single_quoted_field_compared_with_a_number():
    found = warnings(ALERT.replace('"usage_idle"', "'usage_idle'"))
    assert len(found) == 1 and found[0].line == 5
    assert '"usage_idle"' in found[0].message


def test_alert_with_handlers_but_no_level():
    found = warnings("stream|from()|alert().message('x').slack()\n")
    assert any("no level expression" in w.message for w in found)
    assert not any("no level expression" in w.message for w in warnings(ALERT + "        .slack()\n"))


def test_state_changes_only_with_flapping():
    found = warnings(ALERT + "        .stateChangesOnly()\n        .flapping(0.25, 0.5)\n")
    assert len(found) == 1 and found[0].line == 7


def test_unused_var():
    found = warnings("var unused = 5\nstream|from()\n")
    assert len(found) == 1 and found[0].line == 1 and '"unused"' in found[0].message


def test_discord_timestamp_is_a_warning():
    found = problems(ALERT + "        .discord()\n        .timestamp(TRUE)\n")
    assert [p.severity for p in found] == ["warning"]
    assert "Kapacitor rejects" in found[0].message


def test_udf_is_a_warning():
    found = problems("stream|from()@movingAverage().field('x').size(10)|alert().crit(lambda: TRUE)\n")
    assert [p.severity for p in found] == ["warning"]
    assert "movingAverage" in found[0].message


def test_template_var_without_value_is_a_warning_and_with_value_is_clean():
    script = "var threshold float\nstream|from()|alert().crit(lambda: \"x\" > threshold)\n"
    assert [p.severity for p in problems(script)] == ["warning"]
    assert problems(script, vars={"threshold": 1.5}) == []
    wrong = errors(script, vars={"threshold": "high"})
    assert wrong and "invalid type supplied for threshold" in wrong[0].message


def test_problems_are_sorted_by_position():
    found = problems("var a = 1\nstream|from().measurement(b)\nstream|from().foo()\n")
    assert [(p.line, p.column) for p in found] == sorted((p.line, p.column) for p in found)


# ---------------------------------------------------------------------------------------------
# Template hook


def test_template_checker_errors_carry_the_position_inside_the_string():
    class TemplateError(Exception):
        def __init__(self, message, offset):
            super().__init__(message)
            self.offset = offset

    def compile_template(property_name, text):
        if "{{" in text and "}}" not in text:
            raise TemplateError("unclosed action", text.index("{{"))

    script = ALERT + "        .message('cpu {{ .Level')\n"
    found = errors(script, template_checker=compile_template)
    assert len(found) == 1
    assert (found[0].line, found[0].column) == (6, 23)  # the `{{` after `.message('cpu `
    assert "unclosed action" in found[0].message


# The real checker, as `tickpy lint` runs it. alert.go newAlertNode parses .id() and .message() with
# text/template (names "id", "message") and .details() with html/template ("details"); a parse error
# stops the task from being defined. The texts are Go's text/template/parse errors
# ("template: NAME:LINE: ..."); the column is where the mistake sits inside the quoted string.
@pytest.mark.parametrize("call, message, column", [
    (".message('cpu {{ .Level')", "template: message:1: unclosed action", 23),  # at the `{{`
    (".id('{{ .Name }}{{ end }}')", "template: id:1: unexpected {{end}}", 28),  # at `end`
    (".id('{{ nofunc .Name }}')", 'template: id:1: function "nofunc" not defined', 17),  # at `nofunc`
    (".details('{{ if }}')", "template: details:1: missing value for if", 25),  # at the `}}`
])
def test_bad_alert_templates_are_lint_errors_at_their_position(call, message, column):
    found = lint_tickscript(ALERT + "        " + call + "\n", "t.tick")
    assert [(p.severity, p.line, p.column) for p in found] == [("error", 6, column)]
    name = call[1:call.index("(")]
    assert found[0].message == f"template error in .{name}(): {message}"


def test_a_bad_template_given_through_a_var_is_reported_at_the_string():
    script = "var msg = '{{ .Level'\n" + ALERT + "        .message(msg)\n"
    [problem] = lint_tickscript(script, "t.tick")
    assert (problem.line, problem.column) == (1, 12)  # the `{{` inside 'var msg = '
    assert problem.message.endswith("template: message:1: unclosed action")


@pytest.mark.parametrize("script", [
    # Kapacitor's documented defaults and examples (pipeline/alert.go, alert.go's templates).
    ALERT + "        .id('{{ .Name }}:{{ .Group }}').message('{{ .ID }} is {{ .Level }}')"
            ".details('{{ json . }}')\n",
    ALERT + "        .message('{{ index .Tags \"host\" }} {{ .Time }} {{ .Fields.usage_idle | printf \"%.2f\" }}')\n",
    # .id() is only parsed when the task is defined: an unknown field fails when it runs, not here.
    ALERT + "        .id('{{ .Nmae }}')\n",
])
def test_templates_that_compile_are_clean(script):
    assert lint_tickscript(script, "t.tick") == []


# Outside a lambda, tick/eval.go evaluates a binary expression once with the lambda evaluator
# (stateful.NewExpression then Eval), so its operator table and determineError texts apply
# (tick/stateful/eval_binary_node.go, evaluation_funcs.go; expr_test.go for the texts).
SEE = ". see bool(), int(), float(), string(), duration()"


@pytest.mark.parametrize("expression, column, message", [
    ("'a' - 'b'", 13, "invalid math operator - for type string"),
    ("TRUE AND 1", 14, "mismatched type to binary operator. got boolean AND int" + SEE),
    ("5m + 1", 12, "mismatched type to binary operator. got duration + int" + SEE),
    ("1 + 1.5", 11, "mismatched type to binary operator. got int + float" + SEE),
    ("'a' < 1", 13, "mismatched type to binary operator. got string < int" + SEE),
])
def test_expression_outside_a_lambda_with_operands_the_operator_cannot_take(expression, column, message):
    error = only_error(f"var x = {expression}\nstream\n    |from()\n        .measurement(x)\n")
    assert (error.line, error.column, error.message) == (1, column, message)


@pytest.mark.parametrize("expression, use", [
    ("1 < 2.5", "|where(lambda: x)"),                    # int and float compare
    ("5m * 2", "|window().period(x).every(x)"),        # duration * int is a duration
    ("10m / 1m", "|window().periodCount(x).everyCount(1)"),  # duration / duration is an int
    ("'cpu' + '_total'", "|where(lambda: \"host\" == x)"),  # strings concatenate
])
def test_expressions_outside_a_lambda_that_kapacitor_evaluates(expression, use):
    assert errors(f"var x = {expression}\nstream\n    |from()\n    {use}\n") == []


# tick/eval.go evalUnary: "invalid arugument to '-' %v" (Kapacitor's spelling), at the operator,
# with the operand as Go's %v prints it (a var is looked up first).
@pytest.mark.parametrize("declarations, message", [
    ("var x = -'a'", "invalid arugument to '-' a"),
    ("var s = 'ab c'\nvar x = -s", "invalid arugument to '-' ab c"),
    ("var x = -TRUE", "invalid arugument to '-' true"),
    ("var x = -/a.b/", "invalid arugument to '-' a.b"),
    ("var x = !5m", "invalid arugument to '!' 5m0s"),
    ("var x = !1.5", "invalid arugument to '!' 1.5"),
    ("var x = !100000000.0", "invalid arugument to '!' 1e+08"),
    ("var x = !3", "invalid arugument to '!' 3"),
])
def test_unary_operator_on_a_value_it_cannot_take(declarations, message):
    error = only_error(f"{declarations}\nstream\n    |from()\n        .measurement(x)\n")
    assert (error.line, error.column, error.message) == (declarations.count("\n") + 1, 9, message)
