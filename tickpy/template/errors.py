"""The one error type of the template engine."""

from __future__ import annotations


class TemplateError(Exception):
    """A template that does not parse, or that fails while rendering.

    `message` is Go's own error text (`template: message:1: unexpected "}" in operand`,
    `template: id:1:2: executing "id" at <.Foo>: can't evaluate field Foo in type ...`), so it
    reads as Kapacitor's does; `offset` is the character offset in the template text of the
    token or node at fault, so a caller (lint) can turn it into a line and column of the script.
    """

    def __init__(self, message: str, offset: int):
        super().__init__(message)
        self.message = message
        self.offset = offset
