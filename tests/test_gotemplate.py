"""Go text/template and html/template behaviour for alert ids, messages and details.

Expected values come from Kapacitor's tests (integrations/streamer_test.go, server/server_test.go),
from Go's documentation (text/template, fmt, time), and where noted from Go 1.19's text/template
itself (same program, same data, output compared).
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tickpy.data.point import Unsigned
from tickpy.data.values import Duration, Timestamp
from tickpy.template.gotemplate import GoInt, GoStruct, StringMap, TemplateError, compile_template

SECOND = 1_000_000_000
MINUTE = 60 * SECOND
HOUR = 60 * MINUTE


def render(text: str, data=None, name: str = "message", html: bool = False) -> str:
    return compile_template(text, name, html=html).render(data if data is not None else alert_data())


def render_error(text: str, data=None, name: str = "message", html: bool = False) -> TemplateError:
    with pytest.raises(TemplateError) as caught:
        render(text, data, name, html)
    return caught.value


def alert_data(**overrides) -> dict:
    """Kapacitor's details data (alert.go detailsInfo) as the alert node would build it, for the
    alert of integrations/streamer_test.go TestStream_AlertPagerDuty."""
    data = {
        "Name": "cpu",
        "TaskName": "TestStream_Alert",
        "Group": "host=serverA",
        "Tags": {"host": "serverA"},
        "ServerInfo": {"Hostname": "localhost", "ClusterID": "cid", "ServerID": "sid"},
        "ID": "kapacitor/cpu/serverA",
        "Fields": {"count": 10},
        "Level": "CRITICAL",
        "Time": Timestamp(31536010 * SECOND),  # 1971-01-01T00:00:10Z
        "Duration": Duration(0),
        "Message": "CRITICAL alert for kapacitor/cpu/serverA",
    }
    data.update(overrides)
    return data


# --- Kapacitor's own expectations ------------------------------------------------------------

def test_default_id_and_message_without_group_by():
    # streamer_test.go: details '{{ .Message }}' of the default message gives "cpu:nil is INFO"
    data = alert_data(Group="nil", Level="INFO")
    alert_id = render("{{ .Name }}:{{ .Group }}", data, name="id")
    message = render("{{ .ID }} is {{ .Level }}", dict(data, ID=alert_id))
    assert render("{{ .Message }}", dict(data, Message=message), name="details", html=True) == "cpu:nil is INFO"


def test_id_with_index_of_tags_and_message_with_time():
    # streamer_test.go TestStream_AlertAlerta... : "kapacitor/cpu/serverA is CRITICAL @1971-01-01 00:00:10 +0000 UTC"
    data = alert_data()
    alert_id = render('kapacitor/{{ .Name }}/{{ index .Tags "host" }}', data, name="id")
    assert alert_id == "kapacitor/cpu/serverA"
    message = render('kapacitor/{{ .Name }}/{{ index .Tags "host" }} is {{ .Level }} @{{.Time}}', data)
    assert message == "kapacitor/cpu/serverA is CRITICAL @1971-01-01 00:00:10 +0000 UTC"


def test_time_and_duration_print_like_go():
    # streamer_test.go TestStream_AlertZenoss: "time":"{{.Time}}" -> "1971-01-01 00:00:10 +0000 UTC",
    # "duration":"{{ .Duration}}" -> "0s"
    assert render('"time":"{{.Time}}","duration":"{{ .Duration}}"') == \
        '"time":"1971-01-01 00:00:10 +0000 UTC","duration":"0s"'


def test_default_details_is_html_escaped_json_of_the_details_data():
    # streamer_test.go TestStream_AlertPagerDuty: Details == html.EscapeString(defaultDetails)
    expected_json = ('{"Name":"cpu","TaskName":"TestStream_Alert","Group":"host=serverA","Tags":{"host":"serverA"},'
                     '"ServerInfo":{"Hostname":"localhost","ClusterID":"cid","ServerID":"sid"},'
                     '"ID":"kapacitor/cpu/serverA","Fields":{"count":10},"Level":"CRITICAL",'
                     '"Time":"1971-01-01T00:00:10Z","Duration":0,"Message":"CRITICAL alert for kapacitor/cpu/serverA"}\n')
    expected = expected_json.replace("&", "&amp;").replace("'", "&#39;").replace("<", "&lt;") \
        .replace(">", "&gt;").replace('"', "&#34;")
    assert render("{{ json . }}", name="details", html=True) == expected


def test_html_details_template_from_kapacitor_email_test():
    # streamer_test.go "emails directly": the details HTML body
    details = ('\n<b>{{.Message}}</b>\n\nValue: {{ index .Fields "count" }}\n'
               '<a href="http://graphs.example.com/host/{{index .Tags "host"}}">Details</a>\n')
    data = alert_data(Message="kapacitor.cpu.serverA is CRITICAL")
    assert render(details, data, name="details", html=True) == (
        '\n<b>kapacitor.cpu.serverA is CRITICAL</b>\n\nValue: 10\n'
        '<a href="http://graphs.example.com/host/serverA">Details</a>\n')


def test_aggregate_default_message():
    # server/server_test.go: "Received 3 events in the last 100ms." (services/alert/handlers.go default)
    data = GoStruct({"Count": GoInt(3), "Interval": Duration(100_000_000)}, "alert.aggregateMessageData")
    assert render("Received {{ .Count }} events in the last {{.Interval}}.", data) == \
        "Received 3 events in the last 100ms."


def test_json_compact_has_no_newline_and_json_escapes_html_characters():
    # alert.go: jsonCompact = json.Compact of the Encoder output; encoding/json escapes <, >, &
    data = alert_data(Fields={"b": "x<y", "a": 1e21})
    assert render("{{ jsonCompact .Fields }}", data, name="details", html=True) == \
        "{&#34;a&#34;:1e&#43;21,&#34;b&#34;:&#34;x\\u003cy&#34;}"


def test_json_is_only_defined_for_details():
    # alert.go registers json/jsonCompact on the html details template only
    with pytest.raises(TemplateError) as caught:
        compile_template("{{ json . }}", "message")
    assert caught.value.message == 'template: message:1: function "json" not defined'


# --- Go documentation examples (text/template package doc) ------------------------------------

@pytest.mark.parametrize("text", [
    '{{"\\"output\\""}}',
    '{{`"output"`}}',
    '{{printf "%q" "output"}}',
    '{{"output" | printf "%q"}}',
    '{{printf "%q" (print "out" "put")}}',
    '{{"put" | printf "%s%s" "out" | printf "%q"}}',
    '{{"output" | printf "%s" | printf "%q"}}',
    '{{with "output"}}{{printf "%q" .}}{{end}}',
    '{{with $x := "output" | printf "%q"}}{{$x}}{{end}}',
    '{{with $x := "output"}}{{printf "%q" $x}}{{end}}',
    '{{with $x := "output"}}{{$x | printf "%q"}}{{end}}',
])
def test_go_doc_pipeline_examples_all_print_quoted_output(text):
    assert render(text) == '"output"'


def test_trim_markers_from_go_doc():
    # text/template doc: "{{23 -}} < {{- 45}}" generates "23<45"
    assert render("{{23 -}} < {{- 45}}") == "23<45"


def test_trim_markers_need_a_space_and_eat_newlines():
    assert render("a\n  {{- .Name -}}\n\t b") == "acpub"
    assert render("{{-3}}") == "-3"  # no space after '-': a negative number (Go doc)
    assert render("x {{- /* note */ -}} y") == "xy"
    assert render("x {{/* note */}} y") == "x  y"


# --- fields, maps, missing values -------------------------------------------------------------

def test_missing_map_keys():
    # Go 1.19: .Fields.x and index of a map[string]interface{} print <no value>;
    # index of a map[string]string gives "" (its zero value); .Tags.x is still <no value>
    assert render('{{.Fields.x}}|{{index .Fields "x"}}|{{index .Tags "x"}}|{{.Tags.x}}') == \
        "<no value>|<no value>||<no value>"


def test_missing_values_print_nothing_under_html_template():
    assert render('[{{.Fields.x}}|{{index .Tags "x"}}]', name="details", html=True) == "[|]"


def test_unknown_struct_field_is_an_error_with_its_position():
    error = render_error("id {{ .Foo }}", name="id")
    assert error.message == ('template: id:1:6: executing "id" at <.Foo>: '
                             "can't evaluate field Foo in type kapacitor.idInfo")
    assert error.offset == 6


def test_field_of_a_string_is_an_error():
    error = render_error("{{.Tags.host.Foo}}")
    assert error.message.endswith("can't evaluate field Foo in type string")


def test_tags_given_as_string_map_and_struct_explicitly():
    data = GoStruct({"Tags": StringMap({"host": "a"})}, "alert.TemplateData")
    assert compile_template('{{index .Tags "nope"}}|{{.Tags.host}}', "embedTitle").render(data) == "|a"


def test_server_info_is_a_struct():
    assert render("{{.ServerInfo.Hostname}}") == "localhost"
    assert render_error("{{.ServerInfo.Name}}").message.endswith(
        "can't evaluate field Name in type kapacitor.serverInfo")


# --- control structures -----------------------------------------------------------------------

def test_if_else_if_else():
    template = compile_template(
        '{{if eq .Level "CRITICAL"}}red{{else if eq .Level "WARNING"}}orange{{else}}green{{end}}', "message")
    assert [template.render(alert_data(Level=level)) for level in ("CRITICAL", "WARNING", "OK")] == \
        ["red", "orange", "green"]


def test_go_truthiness():
    # text/template doc: the empty values are false, 0, any nil pointer or interface value,
    # and any array, slice, map, or string of length zero
    template = compile_template("{{if .Fields.v}}T{{else}}F{{end}}", "message")
    values = [0, 0.0, "", None, {}, [], False, 1, -0.5, "x", {"a": 1}, [0], True]
    assert "".join(template.render(alert_data(Fields={"v": v})) for v in values) == "FFFFFFFTTTTTT"
    assert render("{{if .Time}}T{{end}}{{if .Duration}}D{{else}}zero{{end}}") == "Tzero"


def test_range_over_map_in_key_order_and_over_slices():
    data = alert_data(Fields={"b": 2.0, "a": 1.5, "c": "x"})
    assert render("{{range $k, $v := .Fields}}{{$k}}={{$v}};{{end}}", data) == "a=1.5;b=2;c=x;"
    data = alert_data(Fields={"list": ["x", "y"]})
    assert render("{{range $i, $e := .Fields.list}}{{$i}}:{{$e}} {{end}}", data) == "0:x 1:y "
    assert render("{{range .Fields.none}}x{{else}}empty{{end}}") == "empty"
    assert render("{{range .Tags}}{{.}}{{end}}") == "serverA"


def test_range_over_a_string_is_an_error():
    error = render_error("{{range .Name}}{{end}}")
    assert error.message == ('template: message:1:8: executing "message" at <.Name>: '
                             "range can't iterate over cpu")


def test_break_and_continue():
    data = alert_data(Fields={"list": ["a", "b", "c", "d"]})
    assert render('{{range .Fields.list}}{{if eq . "b"}}{{continue}}{{end}}{{if eq . "d"}}{{break}}{{end}}'
                  "{{.}}{{end}}", data) == "ac"


def test_with_sets_dot_and_has_else():
    assert render("{{with .Tags.host}}<{{.}}>{{end}}{{with .Fields.none}}x{{else}}-{{end}}") == "<serverA>-"


def test_variables_declare_assign_and_scope():
    assert render("{{$x := 1}}{{if true}}{{$x = 2}}{{end}}{{$x}}") == "2"
    assert render("{{$n := .Name}}{{$n}}/{{$.Level}}") == "cpu/CRITICAL"
    error = compile_error("{{if true}}{{$y := 1}}{{end}}{{$y}}")
    assert error.message == 'template: message:1: undefined variable "$y"'


def test_define_template_and_block():
    assert render('{{define "T"}}[{{.}}]{{end}}{{template "T" .Name}}{{block "B" .Level}}<{{.}}>{{end}}') == \
        "[cpu]<CRITICAL>"


# --- functions --------------------------------------------------------------------------------

def test_and_or_not_return_go_values():
    # text/template doc: "and" returns the first empty argument or the last argument; "or" the
    # first non-empty argument or the last argument
    assert render('{{and 1 0 2}} {{and 1 2}} {{or 0 "" 3}} {{or 0 false}} {{not 0}} {{not "x"}}') == \
        "0 2 3 false true false"


def test_and_or_short_circuit():
    # Go 1.18+: arguments after the deciding one are not evaluated
    assert render("{{or .Name .Nope}}") == "cpu"
    assert render("{{and .Fields.none .Nope}}") == "<no value>"


def test_eq_with_several_arguments_and_comparisons():
    assert render('{{eq .Level "WARNING" "CRITICAL"}} {{ne .Name "x"}} {{lt 1 2}} {{le 2 2}} '
                  '{{gt "b" "a"}} {{ge 1.5 2.5}} {{eq .Fields.count 10}}') == "true true true true true false true"


def test_comparing_a_float_field_with_an_int_literal_is_an_error():
    # The classic Kapacitor mistake: fields are float64 and 10 is an int constant
    data = alert_data(Fields={"value": 15.0})
    error = render_error("{{if gt .Fields.value 10}}high{{end}}", data)
    assert error.message == ('template: message:1:5: executing "message" at <gt .Fields.value 10>: '
                             "error calling gt: incompatible types for comparison")
    assert error.offset == 5
    assert render("{{if gt .Fields.value 10.0}}high{{end}}", data) == "high"


def test_int_and_unsigned_compare():
    data = alert_data(Fields={"u": Unsigned(3)})
    assert render("{{eq .Fields.u 3}} {{lt .Fields.u 4}}", data) == "true true"


def test_lt_on_times_and_eq_on_maps_are_errors():
    assert render_error("{{lt .Time .Time}}").message.endswith("error calling lt: invalid type for comparison")
    assert render_error("{{eq .Tags .Tags}}").message.endswith(
        "error calling eq: non-comparable type map[host:serverA]: map[string]string")


def test_index_len_slice():
    data = alert_data(Fields={"list": ["a", 1.5, 2], "nested": {"k": "v"}})
    assert render('{{len .Tags}} {{len .Name}} {{len .Fields.list}} {{index .Fields.list 1}} '
                  '{{index .Fields "nested" "k"}} {{index .Name 0}} {{slice .Fields.list 1 2}} {{slice .Name 1}}',
                  data) == "1 3 3 1.5 v 99 [1.5] pu"
    assert render_error("{{index .Fields.list 5}}", data).message.endswith(
        "error calling index: index out of range: 5")
    assert render_error("{{index .Tags 1}}").message.endswith(
        "error calling index: value has type int; should be string")


def test_wrong_number_of_arguments():
    error = render_error("{{not 1 2}}")
    assert error.message == ('template: message:1:2: executing "message" at <not>: '
                             "wrong number of args for not: want 1 got 2")
    assert render_error("{{index}}").message.endswith("wrong number of args for index: want at least 1 got 0")
    assert render_error("{{printf 5}}").message.endswith('at <5>: expected string; found 5')


def test_print_println_and_escapers():
    # fmt.Sprint adds spaces between operands when neither is a string
    assert render('{{print 1 2 "a" 3 nil}}|{{println 1 "a"}}|') == "1 2a3 <nil>|1 a\n|"
    data = alert_data(Fields={"s": "x<y & 'z'"})
    assert render("{{html .Fields.s}} {{js .Fields.s}} {{urlquery .Fields.s}}", data) == \
        "x&lt;y &amp; &#39;z&#39; x\\u003Cy \\u0026 \\'z\\' x%3Cy+%26+%27z%27"


def test_literals():
    assert render("{{1}} {{1.5}} {{1e3}} {{0x10}} {{'a'}} {{-5}} {{017}} {{0b101}} {{1_000}} {{true}} "
                  '{{"s\\t"}} {{`raw\\n`}} {{1.0}}') == "1 1.5 1000 16 97 -5 15 5 1000 true s\t raw\\n 1"


def test_parenthesised_pipelines_and_chains():
    data = alert_data(Fields={"nested": {"a": "x"}})
    assert render('{{(index .Tags "host")}} {{(index .Fields "nested").a}} {{.Name | printf "%s-%s" "x"}}',
                  data) == "serverA x x-cpu"


# --- Go value formatting ----------------------------------------------------------------------

@pytest.mark.parametrize("value, expected", [
    # strconv.FormatFloat(f, 'g', -1, 64), as fmt's %v prints float64
    (15.0, "15"), (92.6, "92.6"), (1e6, "1e+06"), (123456.0, "123456"), (1234567.0, "1.234567e+06"),
    (1e21, "1e+21"), (0.000001, "1e-06"), (0.0001, "0.0001"), (-0.5, "-0.5"), (0.1, "0.1"),
    (float("inf"), "+Inf"), (float("nan"), "NaN"), (10, "10"), (True, "true"), ("s", "s"),
    ({"b": 2.0, "a": "x"}, "map[a:x b:2]"), (["a", 1.5, 2], "[a 1.5 2]"), (None, "<no value>"),
])
def test_values_print_with_go_v(value, expected):
    assert render("{{.Fields.v}}", alert_data(Fields={"v": value})) == expected


@pytest.mark.parametrize("nanoseconds, expected", [
    # time.Duration.String (Go's doc example: 1h15m30.918273645s)
    (HOUR + 15 * MINUTE + 30 * SECOND + 918273645, "1h15m30.918273645s"),
    (0, "0s"), (90 * SECOND, "1m30s"), (1_500_000_000, "1.5s"), (2 * HOUR, "2h0m0s"),
    (500_000_000, "500ms"), (1000, "1µs"), (1, "1ns"), (-90 * SECOND, "-1m30s"),
])
def test_durations_print_like_go(nanoseconds, expected):
    assert render("{{.Duration}}", alert_data(Duration=Duration(nanoseconds))) == expected


def test_times_print_like_go_in_utc():
    assert render("{{.Time}}", alert_data(Time=Timestamp(1_700_000_000 * SECOND))) == \
        "2023-11-14 22:13:20 +0000 UTC"
    assert render("{{.Time}}", alert_data(Time=Timestamp(1_700_000_000_500_000_000))) == \
        "2023-11-14 22:13:20.5 +0000 UTC"


def test_time_and_duration_methods():
    data = alert_data(Time=Timestamp(1_700_000_000_500_000_000), Duration=Duration(90 * SECOND))
    assert render("{{.Time.Unix}} {{.Time.UnixNano}} {{.Duration.Seconds}} {{.Duration.Minutes}} "
                  "{{.Duration.Hours}} {{.Duration.String}} {{.Time.Month}} {{.Time.Weekday}} "
                  '{{printf "%d" .Time.Month}} {{.Time.Year}}', data) == \
        "1700000000 1700000000500000000 90 1.5 0.025 1m30s November Tuesday 11 2023"


@pytest.mark.parametrize("layout, expected", [
    ("2006-01-02T15:04:05Z07:00", "2023-11-14T22:13:20Z"),  # time.RFC3339
    ("2006-01-02T15:04:05.999999999Z07:00", "2023-11-14T22:13:20.5Z"),  # time.RFC3339Nano
    ("Mon Jan _2 15:04:05 2006", "Tue Nov 14 22:13:20 2023"),  # time.ANSIC
    ("02 Jan 06 15:04 MST", "14 Nov 23 22:13 UTC"),  # time.RFC822
    ("Monday, 02-Jan-06 15:04:05 MST", "Tuesday, 14-Nov-23 22:13:20 UTC"),  # time.RFC850
    ("Jan _2 15:04:05.000", "Nov 14 22:13:20.500"),  # time.StampMilli
    ("3:04PM -0700", "10:13PM +0000"),  # time.Kitchen plus a numeric zone
    ("January 2, 2006 002", "November 14, 2023 318"),
])
def test_time_format_with_go_reference_layouts(layout, expected):
    data = alert_data(Time=Timestamp(1_700_000_000_500_000_000))
    assert render('{{.Time.Format "' + layout + '"}}', data) == expected


@pytest.mark.parametrize("call, expected", [
    # fmt package documentation and Go's printf behaviour
    ('printf "%s %d %v %t %%" "a" 5 8.5 true', "a 5 8.5 true %"),
    ('printf "%f|%.2f|%5.1f|%6.2f" 8.5 8.5 3.14159 3.14159', "8.500000|8.50|  3.1|  3.14"),
    ('printf "%g|%e|%E|%.3g" 1e21 0.000001 0.000123 1234.5678', "1e+21|1.000000e-06|1.230000E-04|1.23e+03"),
    ('printf "%q|%x|%X|%#x|%o|%b|%c|%U" "a\\"b" 255 255 255 8 5 65 65', '"a\\"b"|ff|FF|0xff|10|101|A|U+0041'),
    ('printf "%-5d|%05d|%+d|% d|%08.3f" 3 -42 5 5 3.14159', "3    |-0042|+5| 5|0003.142"),
    ('printf "%x|% x" "hello" "hi"', "68656c6c6f|68 69"),
    ('printf "%d" "x"', "%!d(string=x)"),
    ('printf "%s" 5', "%!s(int=5)"),
    ('printf "%d %d" 1', "1 %!d(MISSING)"),
    ('printf "%d" 1 "x"', "1%!(EXTRA string=x)"),
    ('printf "%z" 1', "%!z(int=1)"),
    ('printf "%s" nil', "%!s(<nil>)"),
    ('printf "%[2]d %[1]s" "a" 2', "2 a"),
    ('printf "%*d|%.*f" 5 1 2 3.14159', "    1|3.14"),
    ('printf "%T %T %T" 1 1.5 .Tags', "int float64 map[string]string"),
    ('printf "%v|%s|%d" .Duration .Duration .Duration', "1m30s|1m30s|90000000000"),
    ('printf "%d" .Fields.count', "10"),
    ('printf "%.1f%%" .Fields.idle', "8.5%"),
])
def test_printf(call, expected):
    data = alert_data(Duration=Duration(90 * SECOND), Fields={"count": 10, "idle": 8.5})
    assert render("{{" + call + "}}", data) == expected


# --- html/template escaping -------------------------------------------------------------------

def test_html_escaping_of_action_output_only():
    # html/template escapes " ' & < > + and NUL in HTML text; literal template text is left alone
    data = alert_data(Message='a<b> & "c" \'d\' +e\x00')
    assert render("<b>{{.Message}}</b>", data, name="details", html=True) == \
        "<b>a&lt;b&gt; &amp; &#34;c&#34; &#39;d&#39; &#43;e\ufffd</b>"


def test_html_escapes_formatted_values_and_skips_declarations():
    data = alert_data(Fields={"big": 1e21})
    assert render('{{.Fields.big}}{{$x := "<"}}|{{$x}}|{{printf "%q" .Name}}', data,
                  name="details", html=True) == "1e&#43;21|&lt;|&#34;cpu&#34;"


def test_json_of_unencodable_value_gives_empty_details():
    # alert.go ignores json.Encoder's error (NaN is not JSON), leaving nothing written
    assert render("[{{ json .Fields }}]", alert_data(Fields={"x": float("nan")}), name="details", html=True) == "[]"


# --- syntax errors, with offsets --------------------------------------------------------------

def compile_error(text: str, name: str = "message") -> TemplateError:
    with pytest.raises(TemplateError) as caught:
        compile_template(text, name)
    return caught.value


@pytest.mark.parametrize("text, message, offset", [
    # messages as Go 1.19 text/template reports them
    ("ab {{ .Name", "unclosed action", 3),
    ("{{.Name}", "bad character U+007D '}'", 2),
    ("{{ .Name }", 'unexpected "}" in operand', 9),
    ("{{if .Name}}x", "unexpected EOF", 13),
    ("x {{end}}", "unexpected {{end}}", 4),
    ("{{else}}", "unexpected {{else}}", 2),
    ("{{ foo .Name }}", 'function "foo" not defined', 3),
    ("{{ $x }}", 'undefined variable "$x"', 3),
    ("{{ .Name | 3 }}", "non executable command in pipeline stage 2", 11),
    ("{{}}", "missing value for command", 2),
    ('{{ "abc }}', "unterminated quoted string", 3),
    ("{{/* abc }}", "unclosed comment", 2),
    ("{{/* abc */ .Name}}", "comment ends before closing delimiter", 2),
    ("{{ .Name) }}", 'unexpected ")" in command', 8),
    ("{{ (.Name }}", "unclosed left paren", 0),
    ("{{ 3x }}", 'bad number syntax: "3x"', 3),
    ("{{ @ }}", 'unexpected "@" in command', 3),
    ("{{break}}", "{{break}} outside {{range}}", 2),
    ("{{range $a, $b, $c := .Tags}}{{end}}", "too many declarations in range", 16),
])
def test_syntax_errors(text, message, offset):
    error = compile_error(text)
    assert error.message == f"template: message:1: {message}"
    assert error.offset == offset


def test_syntax_error_line_numbers():
    assert compile_error("line1\nline2 {{ .Name }\n").message == \
        'template: message:2: unexpected "}" in operand'
    error = render_error("line1\n{{if .Name}}\n{{.Bad}}{{end}}")
    assert error.message == ('template: message:3:2: executing "message" at <.Bad>: '
                             "can't evaluate field Bad in type kapacitor.messageInfo")
    assert error.offset == len("line1\n{{if .Name}}\n{{")


def test_a_template_compiles_once_and_renders_many_times():
    template = compile_template('{{ index .Tags "host" }}', "id")
    assert [template.render(alert_data(Tags={"host": h})) for h in ("a", "b")] == ["a", "b"]
    assert template(alert_data(Tags={"host": "c"})) == "c"


def test_dot_prints_kapacitor_data_with_embedded_structs():
    # Go prints detailsInfo{messageInfo{idInfo{...}, ...}, Message} with nested braces (checked
    # against Go 1.19 with the same struct layout as alert.go)
    assert render("{{.}}", name="details", html=False) == (
        "{{{cpu TestStream_Alert host=serverA map[host:serverA] {localhost cid sid}} kapacitor/cpu/serverA "
        "map[count:10] CRITICAL 1971-01-01 00:00:10 +0000 UTC 0s} CRITICAL alert for kapacitor/cpu/serverA}")
    assert render('{{printf "%+v" .ServerInfo}}') == "{Hostname:localhost ClusterID:cid ServerID:sid}"


# --- html/template contexts -------------------------------------------------------------------

def test_html_template_doc_example():
    # html/template package doc: Hello, {{.}}! with a script injection attempt
    data = alert_data(Message="<script>alert('you have been pwned')</script>")
    assert render("Hello, {{.Message}}!", data, name="details", html=True) == \
        "Hello, &lt;script&gt;alert(&#39;you have been pwned&#39;)&lt;/script&gt;!"


@pytest.mark.parametrize("text, expected", [
    # the html/template doc's context table for "O'Reilly: How are <i>you</i>?" (values as Go
    # 1.19 writes them; the doc abbreviates some)
    ("{{.Message}}", "O&#39;Reilly: How are &lt;i&gt;you&lt;/i&gt;?"),
    ("<a title='{{.Message}}'>", "<a title='O&#39;Reilly: How are &lt;i&gt;you&lt;/i&gt;?'>"),
    ('<a href="/{{.Message}}">', '<a href="/O%27Reilly:%20How%20are%20%3ci%3eyou%3c/i%3e?">'),
    ('<a href="?q={{.Message}}">', '<a href="?q=O%27Reilly%3a%20How%20are%20%3ci%3eyou%3c%2fi%3e%3f">'),
    ("<a href={{.Message}}>", "<a href=#ZgotmplZ>"),  # "O'Reilly:" reads as an unsafe scheme
])
def test_html_contexts_escape_differently(text, expected):
    data = alert_data(Message="O'Reilly: How are <i>you</i>?")
    assert render(text, data, name="details", html=True) == expected


def test_html_text_rewrites():
    # html/template removes HTML comments and escapes a "<" that starts no tag (checked against Go)
    assert render("usage < 10 <!-- note {{.Name}} --><b>{{.Name}}</b> 1<2", name="details", html=True) == \
        "usage &lt; 10 <b>cpu</b> 1&lt;2"


def test_html_url_attributes():
    data = alert_data(Message="a b&c")
    assert render('<a href="http://graphs/{{.Message}}?q={{.Message}}">{{.Message}}</a>', data,
                  name="details", html=True) == \
        '<a href="http://graphs/a%20b&amp;c?q=a%20b%26c">a b&amp;c</a>'
    assert render('<a href="{{.Message}}">', alert_data(Message="javascript:alert(1)"),
                  name="details", html=True) == '<a href="#ZgotmplZ">'


def test_html_unquoted_attribute_escapes_spaces():
    assert render("<p class={{.Message}}>", alert_data(Message="a b=c"), name="details", html=True) == \
        "<p class=a&#32;b&#61;c>"


def test_html_predefined_escaper_is_not_applied_twice():
    data = alert_data(Message="a+<b>")
    assert render("{{.Message | html}}|{{html .Message}}", data, name="details", html=True) == \
        "a+&lt;b&gt;|a+&lt;b&gt;"


def test_html_branches_must_end_in_the_same_context():
    with pytest.raises(TemplateError) as caught:
        compile_template('{{if .Name}}<a href="{{end}}">', "details", html=True)
    assert caught.value.message.startswith(
        "html/template:details:1:5: {{if}} branches end in different contexts: ")
    with pytest.raises(TemplateError) as caught:
        compile_template('<a href="x', "details", html=True)
    assert caught.value.message.startswith("html/template:details: ends in a non-text context: ")


def test_javascript_contexts():
    # html/template: values become JSON, strings are JS-escaped (checked against Go 1.19)
    data = alert_data(Message='a "b" & <c> </script>', Fields={"count": 10, "value": 15.0})
    assert render("<script>var a = {{.Name}}; var b = {{.Fields.count}}; var c = {{.Fields.value}}; "
                  "var d = {{.Fields.missing}}; var e = {{.Time}}; var f = {{.Duration}};</script>", data,
                  name="details", html=True) == (
        '<script>var a = "cpu"; var b =  10 ; var c =  15 ; var d =  null ; '
        'var e = "1971-01-01T00:00:10Z"; var f = "0s";</script>')
    assert render("<script>var s = \"{{.Message}}\";</script>", data, name="details", html=True) == \
        '<script>var s = "a \\u0022b\\u0022 \\u0026 \\u003cc\\u003e \\u003c\\/script\\u003e";</script>'
    # Kapacitor's json function gives JavaScript, written as it is
    assert render("<script>var d = {{ jsonCompact .Tags }};</script>", data, name="details", html=True) == \
        '<script>var d = {"host":"serverA"};</script>'


def test_actions_in_javascript_template_literals_are_refused():
    # Go 1.19 rejects them, Go 1.22+ escapes them: tickpy refuses rather than pick one
    with pytest.raises(TemplateError) as caught:
        compile_template("<script>var x = `{{.Name}}`;</script>", "details", html=True)
    assert "template literal" in caught.value.message
    assert caught.value.offset == len("<script>var x = `{{")


def test_printf_mismatches_keep_width_and_skip_string_methods():
    # Go's fmt prints the wrong-verb value with the directive's flags, and without calling its
    # String method (checked against Go 1.19)
    data = alert_data(Duration=Duration(90 * SECOND), Fields={"nested": {"a": "x", "b": 2.0}})
    assert render('{{printf "%5.1f|%03d|%e|%T" .Name .Fields.nested .Duration nil}}', data) == \
        "%!f(string=    c)|map[%!d(string=00a):%!d(string=00x) %!d(string=00b):%!d(float64=002)]|" \
        "%!e(time.Duration=90000000000)|<nil>"


def test_range_elements_of_interface_collections_report_interface_type():
    # Go: a range element of a []interface{} has static type interface {} (checked against Go 1.19)
    data = alert_data(Fields={"list": ["a"]})
    assert render_error("{{range .Fields.list}}{{.Foo}}{{end}}", data).message.endswith(
        "can't evaluate field Foo in type interface {}")
    assert render_error("{{range .Tags}}{{.Foo}}{{end}}").message.endswith(
        "can't evaluate field Foo in type string")
    assert render_error("{{range .Fields.list}}{{$x := .}}{{$x.Foo}}{{end}}", data).message.endswith(
        "can't evaluate field Foo in type string")


def test_range_over_an_integer_counts_like_go_1_24():
    # Go 1.24 release notes: templates support range-over-int (Kapacitor builds with Go 1.25)
    assert render("{{range 3}}{{.}}{{end}}") == "012"


def test_details_example_from_kapacitor_alert_docs():
    # pipeline/alert.go, the Details property's example
    details = '\n<h1>{{ .ID }}</h1>\n<b>{{ .Message }}</b>\nValue: {{ index .Fields "value" }}\n'
    data = alert_data(ID="cpu", Message="cpu is CRITICAL", Fields={"value": 92.6})
    assert render(details, data, name="details", html=True) == \
        "\n<h1>cpu</h1>\n<b>cpu is CRITICAL</b>\nValue: 92.6\n"


def test_css_contexts():
    # html/template: CSS values are filtered, CSS strings escaped (checked against Go 1.19)
    data = alert_data(Level="CRITICAL", Message='a "b" & <c>')
    assert render('<span style="color: {{.Level}}">x</span>', data, name="details", html=True) == \
        '<span style="color: CRITICAL">x</span>'
    assert render('<p style="x: {{"expression(1)"}}">|<p style="x: {{"1;2"}}">', data,
                  name="details", html=True) == '<p style="x: ZgotmplZ">|<p style="x: ZgotmplZ">'
    assert render('<style>p:before { content: "{{.Message}}" }</style>', data, name="details", html=True) == \
        '<style>p:before { content: "a \\22 b\\22  \\26  \\3c c\\3e " }</style>'
    assert render("<style>p { color: red } /* c */ a { b: c } // line\n</style>", data,
                  name="details", html=True) == "<style>p { color: red }   a { b: c } \n</style>"


def test_compile_alert_template_parses_each_property_as_kapacitor_does():
    from tickpy.template.gotemplate import compile_alert_template
    assert compile_alert_template("details", "{{ json .Tags }}").render(alert_data()) == \
        "{&#34;host&#34;:&#34;serverA&#34;}\n"
    with pytest.raises(TemplateError) as caught:
        compile_alert_template("message", "{{ json . }}")
    assert caught.value.message == 'template: message:1: function "json" not defined'
    assert compile_alert_template("embedTitle", "{{ .ID }}").name == "embedTitle"


# --- robustness -------------------------------------------------------------------------------

_TEMPLATE_PIECES = st.sampled_from([
    "{{", "}}", "{{- ", " -}}", " ", ".Name", ".Tags", ".Fields.x", "$x", ":=", "=", "|", "(", ")",
    "if ", "else", "end", "range ", "with ", "index ", "printf ", '"%d"', '"s"', "`r`", "1", "1.5",
    "nil", "true", "eq ", "and ", "len ", "slice ", "$", ".", ",", "/*", "*/", '<a href="', '">',
    "<style>", "<script>", "x", "\n", "'a'", "html ", "define ", "template ", "break", "-",
])


@settings(max_examples=300, deadline=None)
@given(st.lists(_TEMPLATE_PIECES, max_size=14), st.booleans())
def test_any_text_either_renders_or_raises_template_error(pieces, html):
    text = "".join(pieces)
    try:
        compile_template(text, "details" if html else "message", html=html).render(
            alert_data(Fields={"x": [1, "a"]}))
    except TemplateError as problem:
        assert 0 <= problem.offset <= len(text)


def test_json_functions_in_a_text_template():
    # services/httppost/config.go: an inline alert-template is a text/template with json and
    # jsonCompact, so nothing is HTML-escaped
    template = compile_template('{"id":{{ json .ID }}}', "body", json_functions=True)
    assert template.render(GoStruct({"ID": "a<b"}, "alert.AlertData")) == '{"id":"a\\u003cb"\n}'
