"""Tokens of a Go text/template: text outside `{{ }}`, and the words inside actions.

Follows Go's lexer (text/template/parse/lex.go) closely enough that the parser sees the same
token stream and so reports the same errors: trim markers are `{{- ` and ` -}}` (the space is
required), comments are `{{/* ... */}}` and must end right at the closing delimiter, and an
identifier must be followed by a space, `.`, `,`, `|`, `:`, `(`, `)` or the closing delimiter.
"""

from __future__ import annotations

from dataclasses import dataclass

from tickpy.template.gofmt import go_quote

LEFT, RIGHT = "{{", "}}"
SPACE_CHARS = " \t\r\n"

KEYWORDS = {"block", "break", "continue", "define", "else", "end", "if", "range", "template", "with"}


@dataclass(frozen=True)
class Token:
    kind: str  # text, comment, left, right, space, assign, declare, pipe, string, raw, char_const,
    #            number, complex, field, variable, dot, nil, bool, identifier, lparen, rparen, char,
    #            eof, or a keyword
    value: str
    pos: int  # character offset in the template text
    line: int

    def describe(self) -> str:
        """How Go's parse errors name a token: `"}"`, `<end>`, `EOF`, `"a long wo"...`."""
        if self.kind == "eof":
            return "EOF"
        if self.kind == "error":
            return self.value
        if self.kind in KEYWORDS or self.kind in ("dot", "nil"):
            return f"<{self.value}>"
        if len(self.value) > 10:
            return go_quote(self.value[:10]) + "..."
        return go_quote(self.value)


def is_space(char: str) -> bool:
    return char != "" and char in SPACE_CHARS


def is_alphanumeric(char: str) -> bool:
    return char == "_" or char.isalpha() or char.isdigit()


class _Lexer:
    def __init__(self, text: str, name: str):
        self.text = text
        self.name = name
        self.tokens: list[Token] = []
        self.start = 0
        self.pos = 0
        self.paren_depth = 0
        self.action_start = 0  # where the current action's "{{" is, for "unclosed" errors

    # -- helpers --------------------------------------------------------------------------------
    def line_at(self, pos: int) -> int:
        return self.text.count("\n", 0, pos) + 1

    def emit(self, kind: str) -> None:
        self.tokens.append(Token(kind, self.text[self.start:self.pos], self.start, self.line_at(self.start)))
        self.start = self.pos

    def fail(self, message: str, pos: int | None = None) -> None:
        """End the token stream with an error token; the parser reports it when it gets there
        (as Go's lexer runs alongside its parser, an earlier syntax error wins)."""
        line = self.line_at(self.start)  # Go's error line is where the failing token began
        self.tokens.append(Token("error", message, self.start if pos is None else pos, line))
        return None

    def peek(self) -> str:
        return self.text[self.pos:self.pos + 1]

    def next(self) -> str:
        char = self.peek()
        self.pos += 1
        return char

    def at_right_delim(self) -> tuple[bool, bool]:
        rest = self.text[self.pos:]
        if len(rest) >= 2 and is_space(rest[0]) and rest[1] == "-" and rest[2:].startswith(RIGHT):
            return True, True
        return rest.startswith(RIGHT), False

    def at_terminator(self) -> bool:
        char = self.peek()
        return char == "" or is_space(char) or char in ".,|:()" or self.text.startswith(RIGHT, self.pos)

    # -- states ---------------------------------------------------------------------------------
    def run(self) -> list[Token]:
        state = self.lex_text
        while state is not None:
            state = state()
        return self.tokens

    def lex_text(self):
        found = self.text.find(LEFT, self.pos)
        if found < 0:
            self.pos = len(self.text)
            if self.pos > self.start:
                self.emit("text")
            self.emit("eof")
            return None
        after = self.text[found + 2:found + 4]
        end_of_text = found
        if len(after) == 2 and after[0] == "-" and is_space(after[1]):
            end_of_text = len(self.text[self.start:found].rstrip(SPACE_CHARS)) + self.start
        if end_of_text > self.start:
            self.pos = end_of_text
            self.emit("text")
        self.start = self.pos = found
        return self.lex_left_delim

    def lex_left_delim(self):
        self.pos += len(LEFT)
        rest = self.text[self.pos:self.pos + 2]
        trim = len(rest) == 2 and rest[0] == "-" and is_space(rest[1])
        after_marker = 2 if trim else 0
        if self.text.startswith("/*", self.pos + after_marker):
            self.pos += after_marker
            self.start = self.pos
            return self.lex_comment
        self.action_start = self.start
        self.emit("left")
        self.pos += after_marker
        self.start = self.pos
        self.paren_depth = 0
        return self.lex_inside_action

    def lex_comment(self):
        self.pos += 2
        close = self.text.find("*/", self.pos)
        if close < 0:
            return self.fail("unclosed comment")
        self.pos = close + 2
        delim, trim = self.at_right_delim()
        if not delim:
            return self.fail("comment ends before closing delimiter")
        self.emit("comment")
        if trim:
            self.pos += 2
        self.pos += len(RIGHT)
        if trim:
            self.pos = len(self.text) - len(self.text[self.pos:].lstrip(SPACE_CHARS))
        self.start = self.pos
        return self.lex_text

    def lex_right_delim(self):
        delim, trim = self.at_right_delim()
        if trim:
            self.pos += 2
            self.start = self.pos
        self.pos += len(RIGHT)
        self.emit("right")
        if trim:
            self.pos = len(self.text) - len(self.text[self.pos:].lstrip(SPACE_CHARS))
            self.start = self.pos
        return self.lex_text

    def lex_inside_action(self):
        delim, _ = self.at_right_delim()
        if delim:
            if self.paren_depth == 0:
                return self.lex_right_delim
            return self.fail("unclosed left paren", self.action_start)
        char = self.next()
        if char == "":
            return self.fail("unclosed action", self.action_start)
        if is_space(char):
            self.pos -= 1
            return self.lex_space
        if char == "=":
            self.emit("assign")
        elif char == ":":
            if self.next() != "=":
                return self.fail("expected :=")
            self.emit("declare")
        elif char == "|":
            self.emit("pipe")
        elif char == '"':
            return self.lex_quote
        elif char == "`":
            return self.lex_raw_quote
        elif char == "$":
            return self.lex_variable
        elif char == "'":
            return self.lex_char
        elif char == "." and self.peek() != "" and not ("0" <= self.peek() <= "9"):
            return self.lex_field
        elif char in "+-." or "0" <= char <= "9":
            self.pos -= 1
            return self.lex_number
        elif is_alphanumeric(char):
            self.pos -= 1
            return self.lex_identifier
        elif char == "(":
            self.emit("lparen")
            self.paren_depth += 1
        elif char == ")":
            self.emit("rparen")
            self.paren_depth -= 1
            if self.paren_depth < 0:
                return self.fail(f"unexpected right paren {_unicode_name(char)}")
        elif char.isascii() and char.isprintable():
            self.emit("char")
        else:
            return self.fail(f"unrecognized character in action: {_unicode_name(char)}")
        return self.lex_inside_action

    def lex_space(self):
        count = 0
        while is_space(self.peek()):
            self.pos += 1
            count += 1
        rest = self.text[self.pos - 1:]
        if len(rest) >= 2 and rest[1] == "-" and rest[2:].startswith(RIGHT):
            self.pos -= 1  # the last space belongs to the trim marker " -}}"
            if count == 1:
                return self.lex_right_delim
        self.emit("space")
        return self.lex_inside_action

    def lex_identifier(self):
        while is_alphanumeric(self.peek()):
            self.pos += 1
        word = self.text[self.start:self.pos]
        if not self.at_terminator():
            return self.fail(f"bad character {_unicode_name(self.peek())}")
        if word in KEYWORDS:
            self.emit(word)
        elif word == "nil":
            self.emit("nil")
        elif word in ("true", "false"):
            self.emit("bool")
        else:
            self.emit("identifier")
        return self.lex_inside_action

    def lex_field(self):
        return self._field_or_variable("field")

    def lex_variable(self):
        if self.at_terminator():
            self.emit("variable")
            return self.lex_inside_action
        return self._field_or_variable("variable")

    def _field_or_variable(self, kind: str):
        if self.at_terminator():
            self.emit("variable" if kind == "variable" else "dot")
            return self.lex_inside_action
        while is_alphanumeric(self.peek()):
            self.pos += 1
        if not self.at_terminator():
            return self.fail(f"bad character {_unicode_name(self.peek())}")
        self.emit(kind)
        return self.lex_inside_action

    def lex_char(self):
        return self._lex_escaped_quote("'", "char_const", "unterminated character constant")

    def lex_number(self):
        if not self._scan_number():
            return self.fail(f"bad number syntax: {go_quote(self.text[self.start:self.pos])}")
        if self.peek() in ("+", "-") and self.peek() != "":
            if not self._scan_number() or self.text[self.pos - 1] != "i":
                return self.fail(f"bad number syntax: {go_quote(self.text[self.start:self.pos])}")
            self.emit("complex")
        else:
            self.emit("number")
        return self.lex_inside_action

    def _accept(self, valid: str) -> bool:
        if self.peek() != "" and self.peek() in valid:
            self.pos += 1
            return True
        return False

    def _accept_run(self, valid: str) -> None:
        while self._accept(valid):
            pass

    def _scan_number(self) -> bool:
        self._accept("+-")
        digits = "0123456789_"
        if self._accept("0"):
            if self._accept("xX"):
                digits = "0123456789abcdefABCDEF_"
            elif self._accept("oO"):
                digits = "01234567_"
            elif self._accept("bB"):
                digits = "01_"
        self._accept_run(digits)
        if self._accept("."):
            self._accept_run(digits)
        if len(digits) == 11 and self._accept("eE"):
            self._accept("+-")
            self._accept_run("0123456789_")
        if len(digits) == 23 and self._accept("pP"):
            self._accept("+-")
            self._accept_run("0123456789_")
        self._accept("i")
        if is_alphanumeric(self.peek()):
            self.pos += 1
            return False
        return True

    def lex_quote(self):
        return self._lex_escaped_quote('"', "string", "unterminated quoted string")

    def _lex_escaped_quote(self, close: str, kind: str, unterminated: str):
        """Scan to `close`, skipping backslash escapes; a newline or the end of text first is an error."""
        while True:
            char = self.next()
            if char == "\\":
                char = self.next()
                if char not in ("", "\n"):
                    continue
            if char in ("", "\n"):
                return self.fail(unterminated)
            if char == close:
                break
        self.emit(kind)
        return self.lex_inside_action

    def lex_raw_quote(self):
        close = self.text.find("`", self.pos)
        if close < 0:
            return self.fail("unterminated raw quoted string")
        self.pos = close + 1
        self.emit("raw")
        return self.lex_inside_action


def _unicode_name(char: str) -> str:
    """Go's `%#U`: `U+007D '}'`."""
    if char == "":
        return "U+FFFFFFFFFFFFFFFF"  # Go's eof rune (-1) printed with %#U
    code = ord(char)
    text = f"U+{code:04X}"
    if char.isprintable():
        text += f" '{char}'"
    return text


def tokenize(text: str, name: str) -> list[Token]:
    """All tokens of `text`, ending with an `eof` token or, at a lexical error, an `error` token."""
    return _Lexer(text, name).run()
