"""Random input never makes the parser or formatter fail with anything but a TickError."""

from hypothesis import given, settings, strategies as st

from tickpy.lang.errors import TickError
from tickpy.lang.fmt import format_program
from tickpy.lang.parser import parse

TICK_ALPHABET = st.sampled_from(list("stream|from().where(lambda: \"a\" > 1.5 AND 'x' =~ /y/)[*,]@-!/%\n// var=5m"))


def _format_or_clean_error(text):
    try:
        program = parse(text)
        out = format_program(program)
    except TickError as error:
        assert error.line >= 1 and error.column >= 1
        return
    # Whatever is accepted formats to text that means the same. (Not always to a fixed point:
    # tickfmt keeps an operator's line break by position, as Kapacitor's formatter does.)
    assert parse(out).equal(program)


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_arbitrary_text(text):
    _format_or_clean_error(text)


@settings(max_examples=300, deadline=None)
@given(st.binary())
def test_arbitrary_bytes_decoded_as_a_file_would_be(data):
    _format_or_clean_error(data.decode("utf-8", errors="surrogateescape"))


@settings(max_examples=500, deadline=None)
@given(st.lists(TICK_ALPHABET, max_size=60).map("".join))
def test_tickscript_shaped_text(text):
    _format_or_clean_error(text)
