"""Group ids as Kapacitor forms them (models/point.go ToGroupID): alert state, windows and
aggregates are kept per group, and the id shows in alert ids and `.Group`."""

from tickpy.data.point import Point
from tickpy.pipeline.grouping import grouping_from_dimensions

POINT = Point("cpu", {"host": "a", "cpu": "cpu0"}, {"value": 1.0}, 0)


def group_of(dimensions, by_measurement=False, point=POINT):
    return grouping_from_dimensions(dimensions, by_measurement).group_id(point)


def test_no_dimensions_is_the_nil_group_or_the_measurement_alone():
    assert group_of([]) == ""
    assert group_of([], by_measurement=True) == "cpu"
    assert group_of(["*"], by_measurement=True, point=Point("mem", {}, {}, 0)) == "mem"


def test_tags_in_sorted_order_a_missing_tag_empty_and_the_measurement_first():
    assert group_of(["host", "cpu"]) == "cpu=cpu0,host=a"
    assert group_of(["host", "region"]) == "host=a,region="
    assert group_of(["host"], by_measurement=True) == "cpu\nhost=a"
    assert group_of(["*"]) == "cpu=cpu0,host=a"
