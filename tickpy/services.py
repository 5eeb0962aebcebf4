"""What a run gives its tasks and handlers: configuration, delivery, output, counters, topics.

One `Services` object per run. Nodes and handlers read what they need from it and never reach
into each other; that keeps the pipeline free of CLI and network concerns.
"""

from __future__ import annotations

import sys
from typing import Callable, TextIO

from tickpy.report import RunReport


class Services:
    def __init__(self, config=None, delivery=None, dry_run: bool = False, out: TextIO | None = None,
                 report: RunReport | None = None, topics=None):
        self.config = config  # tickpy.config.Config, or None for Kapacitor's defaults
        self.delivery = delivery  # tickpy.handlers.delivery.DeliveryQueue, or None
        self.dry_run = dry_run  # print notifications instead of sending them
        self.out = out if out is not None else sys.stdout  # dry-run, console and |log() output
        self.report = report if report is not None else RunReport()
        self.topics = topics  # tickpy.alert.topics registry, or None
        # Called with every alert event of every alert node, in order (`run --events`).
        self.event_listeners: list[Callable] = []

    def global_handlers(self) -> list:
        """Handlers every alert node gets without naming them (Discord's `global = true`)."""
        if self.config is None:
            return []
        from tickpy.handlers.discord import discord_global_handlers

        return discord_global_handlers(self.config, self)
