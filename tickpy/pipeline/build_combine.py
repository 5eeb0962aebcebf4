"""Builders for nodes that join or split streams, and deadman: join, union, combine, flatten, stats, deadman."""

from __future__ import annotations

BUILDERS: dict = {}
