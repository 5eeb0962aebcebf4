"""Go's encoding/json spelling, which every body and log line tickpy writes must match.

Expected texts follow Go's encoding/json (encode.go: floatEncoder, appendString with escapeHTML).
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tickpy.handlers.gojson import GoJSONError, _marshal_exactly, encode, marshal


# Go's encoding/json float spelling (encode.go floatEncoder: 'f' format in [1e-6, 1e21), else 'e'
# with e-07 shortened to e-7), as it appears in every body tickpy sends.
@pytest.mark.parametrize("number, text", [
    (8.0, "8"), (0.1, "0.1"), (12.5, "12.5"), (1e20, "100000000000000000000"), (1e21, "1e+21"),
    (1e-6, "0.000001"), (1e-7, "1e-7"), (1.5e-10, "1.5e-10"), (-2.5, "-2.5"), (123456789.0, "123456789"),
])
def test_floats_are_written_as_go_writes_them(number, text):
    assert marshal(number) == text


# Go's encoding/json string escaping (encode.go appendString with escapeHTML): quotes, backslash,
# \n \r \t by letter, other control characters as \u00XX, <>& and U+2028/9 as \uXXXX. Since Go
# 1.22 (release notes, encoding/json) \b and \f are written by letter too; Kapacitor's go.mod asks
# for Go 1.25.
@pytest.mark.parametrize("text, written", [
    ('a"b\\c', '"a\\"b\\\\c"'),
    ("line\nnext\ttab\rret", '"line\\nnext\\ttab\\rret"'),
    ("back\bform\f", '"back\\bform\\f"'),
    ("\x01\x1f", '"\\u0001\\u001f"'),
    ("<b>&amp;", '"\\u003cb\\u003e\\u0026amp;"'),
    ("{&#34;Name&#34;:&#34;cpu&#34;}", '"{\\u0026#34;Name\\u0026#34;:\\u0026#34;cpu\\u0026#34;}"'),
    ("sep\u2028\u2029", '"sep\\u2028\\u2029"'),
    ("héllo ✓", '"héllo ✓"'),
])
def test_strings_are_escaped_as_go_escapes_them(text, written):
    assert marshal(text) == written


def test_encode_ends_with_a_newline_as_the_encoder_does():
    assert encode({"a": [1, 2.5, None, True]}) == '{"a":[1,2.5,null,true]}\n'


def test_nan_is_refused_with_gos_message():
    with pytest.raises(GoJSONError, match="json: unsupported value: NaN"):
        marshal({"x": [float("nan")]})


# Values as alert events hold them: nested dicts and lists of strings (any character, including
# control characters, HTML characters, U+2028 and lone surrogates), floats of every magnitude,
# integers, booleans and null.
_scalars = (st.text(alphabet=st.characters(blacklist_categories=()), max_size=12)
            | st.sampled_from(["v1.0", "<&>", "5.0", "1e-05", "\u2028", "\udc80", "a\\\"b"])
            | st.floats(allow_nan=False, allow_infinity=False)
            | st.sampled_from([0.0, -0.0, 8.0, 1e-5, 1e-7, 1e16, 1e20, 1e21, 123456789.0, 0.1])
            | st.integers(min_value=-(2 ** 63), max_value=2 ** 64 - 1)
            | st.booleans() | st.none())
_values = st.recursive(_scalars, lambda inner: st.lists(inner, max_size=4)
                       | st.dictionaries(st.text(max_size=6), inner, max_size=4), max_leaves=20)


@settings(max_examples=400, deadline=None)
@given(_values)
def test_the_fast_path_writes_what_gos_rules_write(value):
    # marshal lets Python's C encoder write and respells what Go spells differently; the
    # value-by-value encoder is Go's rules written out. They must never differ.
    assert marshal(value) == _marshal_exactly(value)


@pytest.mark.parametrize("number, go_text", [
    (8.0, "8"), (-0.0, "-0"), (1e-5, "0.00001"), (1e16, "10000000000000000"),
    (1.5e300, "1.5e+300"), (5e-324, "5e-324"),
])
def test_floats_are_respelled_but_the_same_text_inside_strings_is_not(number, go_text):
    assert marshal({"note": f"was {number!r}", "value": number}) == (
        '{"note":"was ' + repr(number) + '","value":' + go_text + "}")
