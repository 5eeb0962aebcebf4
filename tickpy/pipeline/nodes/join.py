"""`a|join(b, c...)`: points (or batches) of several parents with the same time, as one (Kapacitor's
join.go).

Each parent's fields come out prefixed with its name from `.as()` and the delimiter
(`errors.value`, `views.value`). Times are matched after rounding to `.tolerance()`; the joined
point has that rounded time, the name from `.streamName()` (else the first parent's measurement)
and the group tags of the first parent present.

Matching is per group. For each group, a *set* per time collects one value per parent; sets go
out oldest first, as soon as they are complete. A set that is still missing a parent goes out once
every parent has moved past its time (or at the end of the data): with `.fill('null')` or a number
the missing parent's fields are filled in (named after the first parent's fields), without fill
(an inner join) nothing is emitted for it.

With `.on(tags...)`, points grouped by more tags (the *specific* ones, e.g. by dc and service)
are matched with the points grouped by just the `on` tags (e.g. by service): the less specific
point is copied into the specific point's group, so one total can be joined with each part.
"""

from __future__ import annotations

from tickpy.data.batch import Batch
from tickpy.data.point import Point
from tickpy.data.values import go_round
from tickpy.pipeline.grouping import group_tags, grouped_by_measurement, renamed_group
from tickpy.pipeline.node import Node

FILL_NONE = "none"  # an inner join: incomplete sets are dropped
FILL_NULL = "null"


class JoinSpec:
    """What the script said about the join."""

    def __init__(self, names: list[str], delimiter: str = ".", on: list[str] | None = None,
                 tolerance: int = 0, fill=FILL_NONE, stream_name: str = "", delete_all: bool = False):
        self.names = names
        self.delimiter = delimiter
        self.on = on or []
        self.tolerance = tolerance
        self.fill = fill  # FILL_NONE, FILL_NULL or a number
        self.stream_name = stream_name
        self.delete_all = delete_all


class JoinNode(Node):
    kind = "join"

    def __init__(self, node_id: str, parent_count: int, spec: JoinSpec):
        super().__init__(node_id)
        self.spec = spec
        self.parent_count = parent_count
        # Each parent's field prefix ("errors."), made once rather than for every joined field.
        self._prefixes = [name + spec.delimiter for name in spec.names]
        self._groups: dict[str, _JoinGroup] = {}
        # For .on(): per (parent, match key) the latest rounded time, and the points waiting.
        self._low_marks: dict[tuple[int, tuple], int] = {}
        self._waiting_matches: dict[tuple, list[tuple[int, object]]] = {}
        self._waiting_specific: dict[tuple, list[tuple[int, object]]] = {}
        self._reported: set[int] = set()

    # Input ----------------------------------------------------------------------------------

    def point_from(self, index: int, point: Point) -> None:
        self.points_in += 1
        self._receive(index, point)

    def batch_from(self, index: int, batch: Batch) -> None:
        self.points_in += 1
        self._receive(index, batch)

    def _receive(self, index: int, message) -> None:
        if self.spec.on:
            self._match_on_dimensions(index, message)
        else:
            self._group(message.group).collect(index, message)

    def finish(self) -> None:
        for group in self._groups.values():
            group.emit_all()

    def _group(self, group_id: str) -> "_JoinGroup":
        group = self._groups.get(group_id)
        if group is None:
            group = self._groups[group_id] = _JoinGroup(self)
        return group

    # .on(): matching specific points with less specific ones ---------------------------------

    def _match_on_dimensions(self, index: int, message) -> None:
        tolerance = self.spec.tolerance
        all_reported = self._note_reported(index)
        time = go_round(message.time, tolerance)
        tags = _tags_of_group(message)
        key = (message.name if grouped_by_measurement(message) else "",
               *(tags.get(name, "") for name in self.spec.on))
        self._low_marks[(index, key)] = time
        low_mark = self._low_mark(key) if all_reported else None

        if all_reported:
            # Specific points older than every parent's progress will never be matched now.
            waiting = self._waiting_specific.get(key, [])
            while waiting and _before(go_round(waiting[0][1].time, tolerance), low_mark):
                source, specific = waiting.pop(0)
                self._group(specific.group).collect(source, specific)

        if len(tags) > len(self.spec.on):
            self._specific_arrived(index, message, key, time, low_mark, all_reported)
        else:
            self._waiting_matches.setdefault(key, []).append((index, message))
            waiting = self._waiting_specific.get(key, [])
            while waiting and go_round(waiting[0][1].time, tolerance) == time:
                source, specific = waiting.pop(0)
                self._send_matched(source, specific, index, message)

    def _specific_arrived(self, index, message, key, time, low_mark, all_reported) -> None:
        matches = self._waiting_matches.get(key, [])
        matched = False
        used = 0
        for used, (source, match) in enumerate(matches):
            match_time = go_round(match.time, self.spec.tolerance)
            if match_time == time:
                self._send_matched(index, message, source, match)
                matched = True
            if not _before(match_time, low_mark):
                break
        else:
            used = len(matches)
        if all_reported and matches:
            del matches[:used]  # matches older than every parent's progress are no longer needed
        if not matched:
            if all_reported and _before(time, low_mark):
                self._group(message.group).collect(index, message)
            else:
                self._waiting_specific.setdefault(key, []).append((index, message))

    def _send_matched(self, specific_source: int, specific, match_source: int, match) -> None:
        """The less specific value, moved into the specific one's group, and the specific value,
        both into that group's sets."""
        tags = _tags_of_group(specific)
        if isinstance(match, Batch):
            moved = Batch(match.name, specific.group, tags, match.time, match.points,
                          match.database, match.retention_policy)
        else:
            moved = Point(match.name, tags, match.fields, match.time, match.database,
                          match.retention_policy, match.line, specific.group)
        group = self._group(specific.group)
        group.collect(specific_source, specific)
        group.collect(match_source, moved)

    def _note_reported(self, index: int) -> bool:
        if len(self._reported) < self.parent_count:
            self._reported.add(index)
        return len(self._reported) == self.parent_count

    def _low_mark(self, key: tuple) -> int | None:
        """The oldest of the parents' latest times for this key (None stands for Go's zero time,
        which a parent that has not sent this key yet has)."""
        low = None
        for source in range(self.parent_count):
            mark = self._low_marks.get((source, key))
            if low is None or _before(mark, low):
                low = mark
        return low

    # Output ---------------------------------------------------------------------------------

    def emit_set(self, values: list, time: int) -> None:
        first = next(value for value in values if value is not None)
        name = self.spec.stream_name or first.name
        if isinstance(first, Batch):
            batch = self._join_batches(values, first, name, time)
            if batch is not None:
                self.emit_batch(batch)
        else:
            point = self._join_points(values, first, name, time)
            if point is not None:
                self.emit(point)

    def _join_points(self, values: list, first: Point, name: str, time: int) -> Point | None:
        fields = {}
        for index, value in enumerate(values):
            if value is None:
                if not self._fill_missing(fields, index, first.fields):
                    return None
            else:
                prefix = self._prefixes[index]
                for field, field_value in value.fields.items():
                    fields[prefix + field] = field_value
        return Point(name, group_tags(first), fields, time, "", "", first.line, renamed_group(first, name))

    def _fill_missing(self, fields: dict, index: int, names) -> bool:
        """Fill a missing parent's fields; False for an inner join (nothing to emit)."""
        fill = self.spec.fill
        if fill == FILL_NONE:
            return False
        value = None if fill == FILL_NULL else fill
        prefix = self._prefixes[index]
        for field in names:
            fields[prefix + field] = value
        return True

    def _join_batches(self, values: list, first: Batch, name: str, time: int) -> Batch:
        """Join batches point by point: points of the parents with the same rounded time become
        one point; a time only some parents have is filled (or skipped for an inner join)."""
        tolerance = self.spec.tolerance
        group = renamed_group(first, name)
        positions = [0] * len(values)
        exhausted = [value is None for value in values]
        field_names: list[str] | None = None
        points: list[Point] = []
        while not all(exhausted):
            chosen: list[Point | None] = [None] * len(values)
            set_time = None
            for index, batch in enumerate(values):
                if exhausted[index]:
                    continue
                if positions[index] == len(batch.points):
                    exhausted[index] = True
                    continue
                candidate = batch.points[positions[index]]
                candidate_time = go_round(candidate.time, tolerance)
                if set_time is None or candidate_time < set_time:
                    # An older time: what was taken so far waits for a later set.
                    for taken, point in enumerate(chosen):
                        if point is not None:
                            positions[taken] -= 1
                    chosen = [None] * len(values)
                    set_time = candidate_time
                if candidate_time == set_time:
                    if field_names is None:
                        field_names = list(candidate.fields)
                    chosen[index] = candidate
                    positions[index] += 1
            if set_time is None:
                continue
            fields: dict = {}
            complete = True
            for index, point in enumerate(chosen):
                if point is None:
                    if not self._fill_missing(fields, index, field_names or []):
                        complete = False
                        break
                else:
                    prefix = self._prefixes[index]
                    for field, value in point.fields.items():
                        fields[prefix + field] = value
            if complete:
                points.append(Point(name, first.tags, fields, set_time, "", "", 0, group))
        return Batch(name, group, first.tags, time, points)


class _JoinGroup:
    """The sets of one group, by rounded time, and how far each parent has got."""

    def __init__(self, node: JoinNode):
        self.node = node
        self.sets: dict[int, list[list]] = {}  # time -> sets (lists of one value per parent)
        self.heads: list[int | None] = [None] * node.parent_count
        self.oldest: int | None = None

    def collect(self, index: int, message) -> None:
        time = go_round(message.time, self.node.spec.tolerance)
        if self.oldest is None or time < self.oldest:
            self.oldest = time
        sets = self.sets.setdefault(time, [])
        target = next((values for values in sets if values[index] is None), None)
        if target is None:
            target = [None] * self.node.parent_count
            sets.append(target)
        target[index] = message
        self.heads[index] = time
        self.emit(only_complete=self._a_parent_is_behind())

    def _a_parent_is_behind(self) -> bool:
        """While some parent has not passed the oldest time, only complete sets may go out."""
        return any(head is None or (self.oldest is not None and head <= self.oldest)
                   for head in self.heads)

    def emit(self, only_complete: bool) -> None:
        while self.sets:
            oldest = self.oldest
            sets = self.sets[oldest]
            sent = 0
            for values in sets:
                if only_complete and any(value is None for value in values):
                    break
                self.node.emit_set(values, oldest)
                sent += 1
            if sent == len(sets):
                del self.sets[oldest]
            else:
                del sets[:sent]
            self.oldest = min(self.sets) if self.sets else None
            if only_complete:
                return
            only_complete = self._a_parent_is_behind()

    def emit_all(self) -> None:
        while self.sets:
            self.emit(only_complete=False)


def _before(a: int | None, b: int | None) -> bool:
    """Go's Time.Before, with None for the zero time (before every real time)."""
    if a is None:
        return b is not None
    if b is None:
        return False
    return a < b


def _tags_of_group(message) -> dict[str, str]:
    if isinstance(message, Batch):
        return dict(message.tags)
    return group_tags(message)
