"""The alert state of one group, and the rules that turn a point into a level and an event.

This follows Kapacitor's alert.go (`determineLevel`, `alertState.Point`, `addEvent`, `triggered`,
`percentChange`, `updateFlapping`, `updateExpired`); see spec §1:

- the level is found by trying the expressions from CRITICAL down to the current level included,
  then, if the current level has a reset expression that is not true, staying put, else trying
  from the current level down to INFO; an expression that fails to evaluate counts as not true;
- each group keeps a ring of its last `history` levels (all OK at first); a point is a *change*
  when its level differs from the newest level in the ring;
- an event is sent for a non-OK level or a change (a recovery), unless the group is flapping, or
  `stateChangesOnly` holds it back, or (for recoveries) `noRecoveries` does;
- the duration of an event runs from the first non-OK trigger to this one.
"""

from __future__ import annotations

from tickpy.alert.event import Level

# Flapping weights run linearly from MIN_WEIGHT (oldest change) up to MAX_WEIGHT (newest).
MAX_WEIGHT = 1.2
WEIGHT_DIFF = 1.5
MIN_WEIGHT = MAX_WEIGHT / WEIGHT_DIFF


# For each level, it and the levels below it down to INFO, most severe first.
_LEVELS_DOWN = {level: [Level(l) for l in range(level, Level.OK, -1)] for level in Level}


class AlertRules:
    """What the alert node was told: level and reset expressions and the emission options."""

    def __init__(self):
        self.levels: list = [None, None, None, None]  # indexed by Level; compiled lambdas
        self.resets: list = [None, None, None, None]
        self.state_changes_only = False
        self.state_changes_only_duration = 0  # ns; 0 = only on changes
        self.no_recoveries = False
        self.use_flapping = False
        self.flap_low = 0.0
        self.flap_high = 0.0
        self.history = 21
        self.on_error = None  # callable(level, error), for counting evaluation errors

    def level_plans(self) -> tuple:
        """For each current level, what Kapacitor's determineLevel (alert.go) tries, in order, as
        (current, before, reset, after): `before` holds the (level, expression) pairs from CRITICAL down
        to the current level included, `reset` the current level's reset expression (or None),
        `after` the pairs from the current level down to INFO. Levels without an expression are
        left out, so a point is not tested against levels nobody set.

        Kapacitor tries the current level twice when its reset is absent or true (once in each
        search) and reports an error each time: `after` repeats it on purpose. A plan is made
        from the expressions as they are now; AlertState takes one when it is created, after
        the task is built, so the rules must not change once states exist."""
        levels = self.levels
        plans = []
        for current in Level:
            before = tuple((level, levels[level]) for level in _LEVELS_DOWN[Level.CRITICAL]
                           if level >= current and levels[level] is not None)
            after = tuple((level, levels[level]) for level in _LEVELS_DOWN[current]
                          if levels[level] is not None)
            plans.append((current, before, self.resets[current], after))
        return tuple(plans)

    def level_of(self, plan: tuple, point) -> Level:
        """Follow one plan of level_plans(); an expression that fails to evaluate counts as
        not true and is reported."""
        current, before, reset, after = plan
        for level, expression in before:
            try:
                if expression(point) is True:
                    return level
            except Exception as error:
                self._report(level, error)
        if reset is not None:
            try:
                if reset(point) is not True:
                    return current
            except Exception as error:
                # Kapacitor logs it and goes on to the levels below
                self._report(current, error)
        for level, expression in after:
            try:
                if expression(point) is True:
                    return level
            except Exception as error:
                self._report(level, error)
        return Level.OK

    def _report(self, level: Level, error: Exception) -> None:
        if self.on_error is not None:
            self.on_error(level, error)


class AlertState:
    """The state of one group: its level history, flapping, and trigger times (ns)."""

    __slots__ = ("rules", "plans", "history", "index", "flapping", "changed", "expired",
                 "first_triggered", "last_triggered")

    def __init__(self, rules: AlertRules):
        self.rules = rules
        self.plans = rules.level_plans()  # made once: the expressions are set when states exist
        self.history = [Level.OK] * rules.history
        self.index = 0
        self.flapping = False
        self.changed = False
        self.expired = False
        self.first_triggered = 0
        self.last_triggered = 0

    @property
    def level(self) -> Level:
        return self.history[self.index]

    def update(self, point) -> tuple[Level, bool]:
        """Take one point: returns (its level, whether an event is to be sent).

        When an event is to be sent the trigger time has been recorded, so `duration` is ready.
        A recovery held back by `noRecoveries` is still recorded as triggered, as in Kapacitor.
        This runs for every point reaching an alert node, so `_add` is written out here.
        """
        rules = self.rules
        history = self.history
        time = point.time
        previous = history[self.index]
        level = rules.level_of(self.plans[previous], point)
        changed = self.changed = previous != level
        self.index = (self.index + 1) % len(history)
        history[self.index] = level
        if rules.use_flapping:
            self._update_flapping()
        duration = rules.state_changes_only_duration
        expired = self.expired = (not changed and duration != 0
                                  and time - self.last_triggered >= duration)
        if (rules.use_flapping and self.flapping) or (
            rules.state_changes_only and not changed and not expired
        ):
            return level, False
        if level != Level.OK or changed:
            self._triggered(time)
            if rules.no_recoveries and level == Level.OK:
                return level, False
            return level, True
        return level, False

    def update_batch(self, points: list, batch_time: int, all_points: bool) -> tuple[Level, bool, int, object]:
        """Take one non-empty batch: returns (its level, whether an event is to be sent, the
        event's time, the point whose fields the event carries).

        As Kapacitor's alert.go judges a batch: every point is judged from the level the group had
        before the batch; the batch's level is the highest found, or with `.all()` the lowest (so
        every point must reach it). The event carries the first point that reached the highest
        level, and its time, except with `.all()` or for OK, where the batch's own time is used.
        A recovery is sent even while flapping or under `stateChangesOnly`, unlike for points.
        """
        rules = self.rules
        current = self.history[self.index]
        lowest, highest, highest_point = Level.CRITICAL, Level.OK, None
        plan = self.plans[current]
        for point in points:
            level = rules.level_of(plan, point)
            if level < lowest:
                lowest = level
            if level > highest or highest_point is None:
                highest, highest_point = level, point
        level = lowest if all_points else highest
        time = batch_time if all_points or level == Level.OK else highest_point.time
        self._add(time, level)
        recovery = self.changed and level == Level.OK
        held_back = (rules.use_flapping and self.flapping) or (
            rules.state_changes_only and not self.changed and not self.expired)
        if not recovery and (level == Level.OK or held_back):
            return level, False, time, highest_point
        self._triggered(time)
        if rules.no_recoveries and level == Level.OK:
            return level, False, time, highest_point
        return level, True, time, highest_point

    @property
    def duration(self) -> int:
        return self.last_triggered - self.first_triggered

    def restore(self, time: int, level: Level, triggered: int) -> None:
        """Start at `level` (not OK), as Kapacitor's restoreEventState starts a new group from
        the state its alert id has in the topic: the level is entered at `time` (the group's
        first point) and counted as triggered at `triggered` (the stored event's time), so the
        next event's duration counts from there."""
        self._add(time, level)
        self._triggered(triggered)

    def _add(self, time: int, level: Level) -> None:
        history = self.history
        self.changed = history[self.index] != level
        self.index = (self.index + 1) % len(history)
        history[self.index] = level
        if self.rules.use_flapping:
            self._update_flapping()
        duration = self.rules.state_changes_only_duration
        self.expired = not self.changed and duration != 0 and time - self.last_triggered >= duration

    def _triggered(self, time: int) -> None:
        self.last_triggered = time
        if self.history[self.index - 1] == Level.OK:  # index -1 wraps to the ring's end
            self.first_triggered = time

    def percent_change(self) -> float:
        """Weighted share of level changes across the history ring (Kapacitor's percentChange)."""
        history = self.history
        size = len(history)
        if size < 2:
            return 0.0
        changes = 0.0
        weight = MIN_WEIGHT
        step = (MAX_WEIGHT - MIN_WEIGHT) / (size - 1)
        for i in range(size - 1):
            current = (i + self.index) % size
            if history[current] != history[current - 1]:
                changes += weight
            weight += step
        return changes / (size - 1)

    def _update_flapping(self) -> None:
        change = self.percent_change()
        if self.flapping and change < self.rules.flap_low:
            self.flapping = False
        elif not self.flapping and change > self.rules.flap_high:
            self.flapping = True
