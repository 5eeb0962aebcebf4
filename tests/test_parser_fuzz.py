"""Random input never makes the parser or formatter fail with anything but a TickError."""

from hypothesis import given, settings, strategies as st

from tickpy.lang.errors import TickError
from tickpy.lang.fmt import format_source

TICK_ALPHABET = st.sampled_from(list("stream|from().where(lambda: \"a\" > 1.5 AND 'x' =~ /y/)[*,]@-!/%\n// var=5m"))


def _format_or_clean_error(text):
    try:
        out = format_source(text)
    except TickError as error:
        assert error.line >= 1 and error.column >= 1
        return
    assert format_source(out) == out  # anything accepted formats to a fixed point


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
