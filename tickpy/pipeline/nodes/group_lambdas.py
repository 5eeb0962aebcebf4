"""A node's compiled lambdas, one copy per group when they keep state.

Kapacitor's where and eval nodes give each group its own copy of their expressions
(`CopyReset()` in where.go and eval.go newGroup), so `count()`, `sigma()` and `spread()` count
within one group only. Lambdas without such functions hold nothing and are shared.
"""

from __future__ import annotations


class GroupLambdas:
    def __init__(self, lambdas: list):
        self.shared = list(lambdas)
        self.stateful = any(evaluate.stateful for evaluate in self.shared)
        self._copies: dict[str, list] = {}  # group id -> that group's lambdas

    def of_group(self, group: str) -> list:
        """The lambdas to evaluate a point of `group` with."""
        if not self.stateful:
            return self.shared
        copies = self._copies.get(group)
        if copies is None:
            copies = self._copies[group] = [
                evaluate.fresh() if evaluate.stateful else evaluate for evaluate in self.shared]
        return copies
