"""The run summary: what was read, what was skipped and why, what each node did, what was sent.

Printed on stderr at the end of `tickpy run`, so a user can see why an alert never fired: the
per-node points in / out / errors are the figures Kapacitor shows in `kapacitor show`.
"""

from __future__ import annotations

import threading
from collections import Counter


class RunReport:
    def __init__(self):
        self.points_read = 0
        self.skipped: list[str] = []  # "data.lp:LINE: reason", the first few hundred
        self.skipped_count = 0
        self.deliveries_ok: Counter = Counter()
        self.deliveries_failed: Counter = Counter()
        self.failures: list[str] = []
        self.undelivered: list[str] = []
        self._lock = threading.Lock()  # delivery workers report from their own threads

    def skip(self, text: str) -> None:
        self.skipped_count += 1
        if len(self.skipped) < 500:
            self.skipped.append(text)

    def delivery(self, handler: str, ok: bool, detail: str) -> None:
        with self._lock:
            if ok:
                self.deliveries_ok[handler] += 1
            else:
                self.deliveries_failed[handler] += 1
                self.failures.append(f"{handler}: {detail}")

    def render(self, tasks) -> str:
        lines = [f"points read: {self.points_read}, skipped: {self.skipped_count}"]
        for task in tasks:
            lines.append(f"task {task.name}:")
            for node in task.nodes:
                figures = f"in={node.points_in} out={node.points_out} errors={node.errors}"
                lines.append(f"  {node.id:<16} {figures}")
                for message, count in node.error_messages.items():
                    lines.append(f"      {count} x {message}")
            for node in task.alert_nodes:
                levels = ", ".join(f"{level.name}={count}" for level, count in node.alerts_by_level.items())
                lines.append(f"  alerts from {node.id}: {levels}")
        handlers = sorted(set(self.deliveries_ok) | set(self.deliveries_failed))
        for handler in handlers:
            lines.append(f"deliveries {handler}: sent={self.deliveries_ok[handler]} "
                         f"failed={self.deliveries_failed[handler]}")
        for failure in self.failures[:20]:
            lines.append(f"  failed: {failure}")
        for item in self.undelivered:
            lines.append(f"  not delivered: {item}")
        return "\n".join(lines) + "\n"
