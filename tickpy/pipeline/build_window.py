"""Builders for window and the InfluxQL functions (aggregates, selectors, transforms)."""

from __future__ import annotations

BUILDERS: dict = {}
