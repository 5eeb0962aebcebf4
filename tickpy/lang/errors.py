"""The one error type every user-facing problem travels in.

A problem in a script (syntax, semantics, a template, a lambda) is raised or collected as a
`TickError` carrying the source name, line and column, so the CLI can print
`file:line:col: error: message` and choose the exit code without knowing where it came from.
A Python traceback reaching a user is a bug.
"""

from __future__ import annotations

from dataclasses import dataclass

ERROR = "error"
WARNING = "warning"


@dataclass
class TickError(Exception):
    message: str
    line: int = 0
    column: int = 0
    source_name: str = "<script>"
    severity: str = ERROR

    def __post_init__(self) -> None:
        super().__init__(self.message)

    def __str__(self) -> str:
        return self.render()

    def render(self) -> str:
        """`file:line:col: severity: message` (positions left out when unknown)."""
        where = self.source_name
        if self.line:
            where += f":{self.line}"
            if self.column:
                where += f":{self.column}"
        return f"{where}: {self.severity}: {self.message}"

    def as_dict(self) -> dict:
        return {
            "file": self.source_name,
            "line": self.line,
            "column": self.column,
            "severity": self.severity,
            "message": self.message,
        }


def position_of(text: str, offset: int) -> tuple[int, int]:
    """1-based (line, column) of a character offset, columns counted in characters."""
    line = text.count("\n", 0, offset) + 1
    column = offset - (text.rfind("\n", 0, offset) + 1) + 1
    return line, column
