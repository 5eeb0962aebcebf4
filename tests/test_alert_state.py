"""The per-group alert state machine (tickpy/alert/state.py) against Kapacitor's rules.

Level expressions here are plain callables on a value, so each rule of spec §1 / alert.go is
tested on its own: the order levels are tried in, resets, state changes, noRecoveries,
stateChangesOnly with a duration, flapping and durations.
"""

from __future__ import annotations

from tickpy.alert.event import Level
from tickpy.alert.state import AlertRules, AlertState
from tickpy.data.point import Point

SECOND = 1_000_000_000


def point(value, second):
    return Point("cpu", {}, {"value": value}, second * SECOND)


def rules(info=None, warn=None, crit=None, **options):
    made = AlertRules()
    for level, threshold in ((1, info), (2, warn), (3, crit)):
        if threshold is not None:
            made.levels[level] = lambda p, t=threshold: p.fields["value"] > t
    for name, value in options.items():
        setattr(made, name, value)
    return made


def run(state, values):
    """(level name, sent?) for each value, one second apart."""
    return [(level.name, sent) for level, sent in (state.update(point(v, i)) for i, v in enumerate(values))]


def test_levels_are_tried_from_critical_down():
    state = AlertState(rules(info=1, warn=2, crit=3))
    assert [level for level, _ in run(state, [4, 2.5, 1.5, 0])] == ["CRITICAL", "WARNING", "INFO", "OK"]


def test_ok_points_send_nothing_but_a_recovery_is_sent():
    state = AlertState(rules(crit=3))
    assert run(state, [0, 4, 0, 0]) == [("OK", False), ("CRITICAL", True), ("OK", True), ("OK", False)]


def test_a_reset_holds_the_level_until_it_is_true():
    made = rules(warn=60)
    made.resets[Level.WARNING] = lambda p: p.fields["value"] < 20
    state = AlertState(made)
    levels = [level for level, _ in run(state, [70, 50, 30, 10])]
    assert levels == ["WARNING", "WARNING", "WARNING", "OK"]


def test_state_changes_only_sends_changes_and_resends_after_the_duration():
    state = AlertState(rules(crit=3, state_changes_only=True, state_changes_only_duration=2 * SECOND))
    sent = [s for _, s in run(state, [4, 4, 4, 4, 0])]
    # 0s: change; 1s: held; 2s: 2s since the last trigger, re-sent; 3s: held; 4s: recovery
    assert sent == [True, False, True, False, True]


def test_no_recoveries_suppresses_ok_events_but_still_counts_the_trigger():
    state = AlertState(rules(crit=3, no_recoveries=True))
    assert run(state, [4, 0, 4]) == [("CRITICAL", True), ("OK", False), ("CRITICAL", True)]


def test_duration_runs_from_the_first_non_ok_trigger():
    state = AlertState(rules(warn=1, crit=3))
    durations = []
    for second, value in enumerate([4, 2, 4, 0, 4]):
        state.update(point(value, second))
        durations.append(state.duration // SECOND)
    assert durations == [0, 1, 2, 3, 0]


def test_an_evaluation_error_counts_as_not_true_and_is_reported():
    errors = []
    made = rules(crit=3)
    made.on_error = lambda level, error: errors.append(level)
    state = AlertState(made)
    state.update(point(4, 0))
    level, sent = state.update(Point("cpu", {}, {}, SECOND))  # no "value" field
    # alert.go determineLevel tries CRITICAL in its first search (down to the current level
    # included) and again in its second (from the current level down): two errors logged.
    assert (level, sent) == (Level.OK, True) and errors == [Level.CRITICAL, Level.CRITICAL]


def test_flapping_stops_events_while_levels_keep_changing():
    state = AlertState(rules(crit=3, use_flapping=True, flap_low=0.25, flap_high=0.5, history=5))
    sent = [s for _, s in run(state, [4, 0, 4, 0, 4, 0, 4])]
    assert sent[:2] == [True, True]
    assert not any(sent[4:])  # by then more than half the recent history is changes
