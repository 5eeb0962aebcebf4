"""Builders for single-stream transforms: derivative, default, delete, sample, shift, stateDuration, stateCount, changeDetect."""

from __future__ import annotations

BUILDERS: dict = {}
