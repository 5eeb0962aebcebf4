"""TICKscript source → AST, with Kapacitor's error positions and comment placement.

The grammar is `grammar/tickscript.lark` (installed as `tickpy.grammar`), parsed by Lark's LALR
parser with its contextual lexer; the tables are built once and cached on disk, so a cold
`tickpy lint` only loads them.

Comments are not part of the grammar: the lexer hands them to `_ParseRun`, and a node built from
a token asks for the comments standing right before that token. That is where Kapacitor's parser
attaches them (`consumeComment` in tick/ast/parser.go), and so where `tickfmt` prints them.

What Kapacitor's hand-written lexer and parser refuse, this parser refuses at the same place:
a number with two decimal points, a regex Go cannot compile (checked with tickpy.expr.goregex),
a lambda, list or chain inside a call that is an operand, a keyword used as a name, and what
Kapacitor's lexer reads differently right after an operand than elsewhere (see `_LexerMode`).
The tests compare this parser and `fmt` with Kapacitor's own tick/ast on hundreds of scripts
(tests/test_kapacitor_tick.py).
"""

from __future__ import annotations

import bisect
import contextvars
import os
import re
from functools import lru_cache
from importlib import resources
from pathlib import Path

from lark import Lark, Token, Transformer
from lark.exceptions import UnexpectedCharacters, UnexpectedInput, UnexpectedToken, VisitError

from tickpy.expr.goregex import GoRegexError, compile_go_regex
from tickpy.lang import ast
from tickpy.lang.errors import TickError, position_of

# Words used in error messages for each kind of token.
_TOKEN_NAMES = {
    "IDENT": "identifier", "NUMBER": "number", "DURATION": "duration", "STRING": "string",
    "REFERENCE": "field reference", "REGEX": "regex", "VAR": '"var"', "DBRP": '"dbrp"',
    "LAMBDA": '"lambda:"', "TRUE": "TRUE", "FALSE": "FALSE", "AND": "AND", "OR": "OR",
    "ASSIGN": '"="', "EQ": '"=="', "NE": '"!="', "REGEX_EQ": '"=~"', "REGEX_NE": '"!~"',
    "LT": '"<"', "LE": '"<="', "GT": '">"', "GE": '">="', "PLUS": '"+"', "MINUS": '"-"',
    "STAR": '"*"', "SLASH": '"/"', "PERCENT": '"%"', "BANG": '"!"', "PIPE": '"|"', "DOT": '"."',
    "AT": '"@"', "LPAR": '"("', "RPAR": '")"', "LSQB": '"["', "RSQB": '"]"', "COMMA": '","',
    "$END": "end of script",
}

_DURATION_UNITS_NS = {
    "u": 1_000, "µ": 1_000, "ms": 1_000_000, "s": 1_000_000_000, "m": 60_000_000_000,
    "h": 3_600_000_000_000, "d": 86_400_000_000_000, "w": 604_800_000_000_000,
}
_DURATION = re.compile(r"(\d+)(ms|[uµsmhdw])")
_MAX_INT64 = 2**63 - 1

# The parse in progress on this thread: the lexer callbacks and the transformer are shared by
# every parse (they are built into the cached Lark object), so they find their run here.
_current_run: contextvars.ContextVar["_ParseRun"] = contextvars.ContextVar("tickpy_parse_run")


def parse(text: str, source_name: str = "<script>") -> ast.Program:
    """Parse a whole script. Raises TickError at the line and column Kapacitor reports.

    Kapacitor's lexer starts a regex at a "/" in places where Lark reads something else: right
    after "=", "=~" or "!~" even when "//" follows (`var x = // note` is the empty regex "//",
    then the name `note`), and after a regex, a star or a comment, where Lark would read a
    division. Such a "/" is found on a first pass (see _LexerMode), marked with a \x01, which only
    the REGEX token reads, and the text parsed again.
    """
    regex_starts: set[int] = set()
    while True:
        marked = text
        for offset in regex_starts:
            marked = marked[:offset] + _REGEX_START + marked[offset + 1:]
        try:
            return _parse_once(marked, source_name)
        except _RegexAt as found:
            if found.offset in regex_starts:  # cannot happen: the marked "/" is a regex now
                line, column = position_of(text, found.offset)
                raise TickError('unexpected "/"', line, column, source_name) from None
            regex_starts.add(found.offset)


_REGEX_START = "\x01"


class _RegexAt(Exception):
    def __init__(self, offset: int):
        super().__init__(offset)
        self.offset = offset


def _parse_once(text: str, source_name: str) -> ast.Program:
    run = _ParseRun(text, source_name)
    token = _current_run.set(run)
    try:
        program = _parser().parse(text)
    except UnexpectedInput as error:
        raise _syntax_error(error, run) from None
    except VisitError as error:  # a TickError raised while building a node
        if isinstance(error.orig_exc, TickError):
            raise error.orig_exc from None
        raise
    except RecursionError:
        raise TickError("script is nested too deeply", 1, 1, source_name) from None
    finally:
        _current_run.reset(token)
    program.statements.extend(run.trailing_comments())
    return program


# ---------------------------------------------------------------------------------------------
# Building and caching the Lark parser


def grammar_text() -> str:
    """The grammar from the source tree (grammar/), or from the installed package tickpy.grammar."""
    in_checkout = Path(__file__).resolve().parents[2] / "grammar" / "tickscript.lark"
    if in_checkout.is_file():
        return in_checkout.read_text(encoding="utf-8")
    return (resources.files("tickpy.grammar") / "tickscript.lark").read_text(encoding="utf-8")


@lru_cache(maxsize=1)
def _parser() -> Lark:
    return Lark(
        grammar_text(),
        parser="lalr",
        lexer="contextual",
        transformer=_AstBuilder(),
        maybe_placeholders=True,
        lexer_callbacks={name: _on_token for name in _ALL_TOKENS},
        cache=_cache_file(),
    )


def _cache_file() -> str | bool:
    """Where Lark keeps the built tables: a per-user cache dir, or nowhere if it is not writable."""
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(Path.home(), ".cache")
    directory = Path(base) / "tickpy"
    try:
        directory.mkdir(parents=True, exist_ok=True)
        (directory / ".writable").touch()
    except OSError:
        return False
    from tickpy import __version__

    return str(directory / f"grammar-{__version__}.lark-cache")


def _on_token(token: Token) -> Token:
    _current_run.get().see_token(token)
    return token


# Every token the grammar has (the lexer calls _on_token for each, comments included).
_ALL_TOKENS = (
    "VAR", "DBRP", "LAMBDA", "TRUE", "FALSE", "AND", "OR", "IDENT", "REFERENCE", "STRING", "REGEX",
    "DURATION", "NUMBER", "ASSIGN", "EQ", "NE", "REGEX_EQ", "REGEX_NE", "LT", "LE", "GT", "GE",
    "PLUS", "MINUS", "STAR", "SLASH", "PERCENT", "BANG", "PIPE", "DOT", "AT", "LPAR", "RPAR",
    "LSQB", "RSQB", "COMMA", "COMMENT",
)


_SPACES_THEN_TWO_SLASHES = re.compile(r"[^\S\x1c-\x1f]*//")  # Go's spaces (unicode.IsSpace)


class _LexerMode:
    """Kapacitor's lexer reads operator characters in one of two modes (tick/ast/lex.go).

    Right after an operand (a name, a value, a keyword, ")") it is in tryLexBinaryOperator:
    "/" is a division, "*" a multiplication, "!=" "!~" "==" "=~" one token each. Anywhere else
    (after "(", ",", an operator, a regex, a "*", a comment) it is in lexToken: "/" starts a
    regex, "*" is a star, and "+", "%", "=", "<", ">" are errors; "-", "!", AND and OR read the
    same in both. Lark's contextual lexer instead reads what the grammar accepts at that point,
    so this class follows the tokens and refuses, where Kapacitor does, what Kapacitor's lexer
    would have read otherwise: `.o/re/x()` (a division there), `'a')*` (a multiplication), an
    operator at the start of a line after a comment, `"h" =~ /x/ == TRUE`; and where Kapacitor
    reads a regex and Lark would not, it asks parse() for a second pass (_RegexAt).
    It also checks names, numbers and durations against Go's readers.
    """

    OPERAND_ENDS = {"IDENT", "NUMBER", "DURATION", "STRING", "REFERENCE", "RPAR",
                    "TRUE", "FALSE", "AND", "OR", "VAR", "DBRP", "LAMBDA"}
    # Operators Kapacitor's lexer only reads right after an operand.
    AFTER_OPERAND_ONLY = {"PLUS", "PERCENT", "EQ", "NE", "REGEX_EQ", "REGEX_NE", "LT", "LE", "GT",
                          "GE", "ASSIGN"}
    PREVIOUS_WORDS = {"COMMENT": "a comment", "REGEX": "a regex", "STAR": '"*"'}
    HINTS = {"COMMENT": "end the line before the comment with the operator",
             "REGEX": "put the regex match in parentheses"}

    def __init__(self, run: "_ParseRun"):
        self.run = run
        self.after_operand = False
        self.previous = ""
        self.multiplications: set[int] = set()  # "*" read as a multiplication, by offset
        self.unchecked_multiplication: Token | None = None  # the last, until the parser takes it
        self.recent_tokens: list[Token] = []  # the last two tokens (comments aside)

    def see(self, token: Token) -> None:
        self._check_mode(token)
        self._check_literal(token)
        kind = token.type
        self.after_operand = kind in self.OPERAND_ENDS
        self.previous = kind
        if kind != "COMMENT":
            self.recent_tokens = (self.recent_tokens + [token])[-2:]

    def _check_mode(self, token: Token) -> None:
        kind, text = token.type, self.run.text
        if self.after_operand:
            if kind == "REGEX":
                raise self.run.error('unexpected "/": after a name or a value Kapacitor reads "/" as '
                                     "a division, so a regex cannot start here", token)
            following = text[token.end_pos:token.end_pos + 1]
            if kind in ("BANG", "ASSIGN") and following in ("=", "~"):
                raise self.run.error(f'unexpected "{token.value}{following}"', token)
            if kind == "STAR":
                self.multiplications.add(token.start_pos)
                self.unchecked_multiplication = token
        elif kind == "SLASH":  # lexToken reads a regex here
            raise _RegexAt(token.start_pos)
        elif kind in self.AFTER_OPERAND_ONLY and self.previous in self.PREVIOUS_WORDS:
            hint = self.HINTS.get(self.previous)
            raise self.run.error(f'unexpected "{token.value}" after {self.PREVIOUS_WORDS[self.previous]}: '
                                 "Kapacitor does not read this operator there"
                                 + (f"; {hint}" if hint else ""), token)
        if kind in ("ASSIGN", "REGEX_EQ", "REGEX_NE"):  # then a "/" starts a regex, "//" too
            following = _SPACES_THEN_TWO_SLASHES.match(text, token.end_pos)
            if following:
                raise _RegexAt(following.end() - 2)

    def _check_literal(self, token: Token) -> None:
        """Names, numbers and durations as Go reads them."""
        kind, text = token.type, self.run.text
        if kind == "IDENT":
            # Go's letters and decimal digits; Python's \w also takes "²" or "ⅷ" (other numbers).
            for offset, char in enumerate(token.value):
                if not (char.isalpha() or char.isdecimal() or char == "_"):
                    line, column = position_of(text, token.start_pos + offset)
                    raise TickError(f"unexpected character {char!r}", line, column, self.run.source_name)
        if kind in ("NUMBER", "DURATION") and not token.value.replace("µ", "").isascii():
            # Kapacitor's lexer takes any Unicode digit, but Go's number and duration readers
            # only 0-9 ("illegal number syntax", "invalid duration").
            raise self.run.error(f"invalid number {token.value}: digits must be 0-9", token)
        if kind == "NUMBER" and token.value.count(".") > 1:
            # Kapacitor's lexer stops at the second decimal point, an error where the number starts.
            written = re.match(r"[\d.]+", text[token.start_pos:]).group()
            raise self.run.error(f"invalid number {written}: more than one decimal point", token)

    def check_star(self, token: Token, as_operator: bool) -> None:
        """A "*" is a multiplication or a star as Kapacitor's lexer read it, not as the grammar
        would take it: `'a')*` is not a statement `*`, `* * 2` not a product."""
        if token is self.unchecked_multiplication:
            self.unchecked_multiplication = None
        if (token.start_pos in self.multiplications) != as_operator:
            raise self.run.error('unexpected "*"', token)

    def misread_star(self, error: UnexpectedInput, acceptable: set[str]) -> Token | None:
        """The "*" Kapacitor read as a multiplication where the parser, stopped by a syntax error
        at the very next token, had taken it as a value (it would take an operator next):
        Kapacitor reports that "*" first."""
        star = self.unchecked_multiplication
        if star is None or "PLUS" not in acceptable:
            return None
        recent = self.recent_tokens
        if isinstance(error, UnexpectedToken):
            return star if len(recent) == 2 and recent[0] is star and recent[1] is error.token else None
        return star if recent and recent[-1] is star else None


# ---------------------------------------------------------------------------------------------
# Per-parse state: the text (for positions) and the comments seen so far


class _ParseRun:
    def __init__(self, text: str, source_name: str):
        self.text = text
        self.source_name = source_name
        self._comments: list[Token] = []
        self._comment_ends: list[int] = []
        self._line_starts: list[int] | None = None
        self.mode = _LexerMode(self)
        self.last_token: Token | None = None
        # The ")" ending each call or parenthesised expression (by id of its node), and the
        # ")" whose comment a unary node took.
        self.closing_paren: dict[int, Token] = {}
        self.taken_comment_tokens: set[int] = set()

    def see_token(self, token: Token) -> None:
        if token.type == "COMMENT":
            self._comments.append(token)
            self._comment_ends.append(token.end_pos)
        else:
            self.last_token = token
        self.mode.see(token)

    def comment_before(self, token: Token) -> ast.Comment | None:
        """The comments standing right before a token (only whitespace between), or None."""
        return self._comment_block_before(token.start_pos)

    def trailing_comments(self) -> list[ast.Comment]:
        """The comments after the last token, and the ones before the last token when that token
        takes none (a ")", "]" or ","): Kapacitor's parser still holds those two at the end of
        the script and adds them to the program (program() in tick/ast/parser.go); a comment
        before such a token anywhere else is dropped, as there."""
        comments = []
        last = self.last_token
        if last is not None and last.type in ("RPAR", "RSQB", "COMMA") \
                and last.start_pos not in self.taken_comment_tokens:
            comments.append(self.comment_before(last))
        comments.append(self._comment_block_before(len(self.text)))
        return [comment for comment in comments if comment is not None]

    def _comment_block_before(self, offset: int) -> ast.Comment | None:
        index = bisect.bisect_right(self._comment_ends, offset) - 1
        block: list[Token] = []
        while index >= 0 and not self.text[self._comments[index].end_pos:offset].strip():
            block.append(self._comments[index])
            offset = self._comments[index].start_pos
            index -= 1
        return self._comment_node(block[::-1]) if block else None

    def _comment_node(self, tokens: list[Token]) -> ast.Comment:
        """Kapacitor merges comment lines with nothing but one line break between them into one
        block, and the blocks before one token into one comment, a "\\n" line between blocks.
        A token may span lines (a line starting with "/" continues a comment, see the grammar);
        each line loses its "//" and one space after it (newComment in tick/ast/node.go)."""
        lines: list[str] = []
        previous_end = None
        for token in tokens:
            if previous_end is not None and self.text.count("\n", previous_end, token.start_pos) > 1:
                lines.append("\n")
            for line in token.value.split("\n"):
                line = line.strip()
                if not line:
                    continue
                body = line[2:] if line.startswith("//") else line
                lines.append(body[1:] if body.startswith(" ") else body)
            previous_end = token.end_pos
        return ast.Comment(tokens[0].line, tokens[0].column, lines)

    def spans_lines(self, start: ast.Node, end: ast.Node) -> bool:
        """True when a newline stands between the starts of two nodes (Kapacitor's MultiLine)."""
        return "\n" in self.text[self._offset(start):self._offset(end)]

    def _offset(self, node: ast.Node) -> int:
        if self._line_starts is None:
            self._line_starts = [0] + [m.end() for m in re.finditer("\n", self.text)]
        return self._line_starts[node.line - 1] + node.column - 1

    def error(self, message: str, token: Token) -> TickError:
        return TickError(message, token.line, token.column, self.source_name)


# ---------------------------------------------------------------------------------------------
# Parse tree → AST (runs inside the LALR parser, one callback per reduced rule)


class _AstBuilder(Transformer):
    @staticmethod
    def _run() -> _ParseRun:
        return _current_run.get()

    def _commented(self, token: Token) -> dict:
        return {"comment": self._run().comment_before(token)}

    # Statements ------------------------------------------------------------------------------

    def start(self, statements):
        return ast.Program(1, 1, list(statements))

    def declaration(self, children):
        var, name, _assign, value = children
        comment = self._commented(var)
        return ast.Declaration(var.line, var.column, self._identifier(name), value, **comment)

    def type_declaration(self, children):
        var, name, type_name = children
        comment = self._commented(var)
        return ast.TypeDeclaration(
            var.line, var.column, self._identifier(name), self._identifier(type_name), **comment
        )

    def dbrp(self, children):
        keyword, database, _dot, retention_policy = children
        comment = self._commented(keyword)
        return ast.DBRP(
            keyword.line, keyword.column, self.reference([database]), self.reference([retention_policy]),
            **comment,
        )

    # Chains ----------------------------------------------------------------------------------

    def chain(self, children):
        node = children[0]
        if isinstance(node, Token):
            node = self._identifier(node)
        for operator, right in children[1:]:
            node = ast.Chain(
                operator.line, operator.column, operator.value, node, right,
                comment=self._run().comment_before(operator),
            )
        return node

    def pipe_link(self, children):
        return self._link(children, ast.CHAIN)

    def dot_link(self, children):
        return self._link(children, ast.PROPERTY)

    def at_link(self, children):
        return self._link(children, ast.DYNAMIC)

    def _link(self, children, kind):
        operator, target = children
        if isinstance(target, Token):
            target = self._identifier(target)
        else:
            target.kind = kind
        return operator, target

    def call(self, children):
        name, _lpar, arguments, rpar = children
        comment = self._commented(name)
        arguments = arguments or []
        function = ast.Function(name.line, name.column, ast.GLOBAL, name.value, arguments, **comment)
        if arguments:
            function.multiline = self._run().spans_lines(function, arguments[-1])
        self._run().closing_paren[id(function)] = rpar
        return function

    def operand_call(self, children):
        """A call inside an expression (lfunction in tick/ast/parser.go) keeps no comment: one
        written right before it is dropped, and tickfmt does not print it."""
        function = self.call(children)
        function.comment = None
        return function

    def arguments(self, children):
        return [child for child in children if child is not None]

    def lambda_(self, children):
        keyword, expression = children
        comment = self._commented(keyword)
        return ast.Lambda(keyword.line, keyword.column, expression, **comment)

    def list(self, children):
        bracket = children[0]
        comment = self._commented(bracket)
        items = [self._list_item(child) for child in children[1:-1] if child is not None]
        return ast.List(bracket.line, bracket.column, items, **comment)

    def _list_item(self, token: Token) -> ast.Node:
        if token.type == "IDENT":
            return self._identifier(token)
        if token.type == "STRING":
            return self.string([token])
        return self.star([token])

    # Operators -------------------------------------------------------------------------------

    def binary(self, children):
        left, operator, right = children
        comment = self._commented(operator)
        if operator.type == "STAR":
            self._run().mode.check_star(operator, as_operator=True)
        return ast.Binary(
            operator.line, operator.column, operator.value, left, right,
            multiline=self._run().spans_lines(left, right), **comment,
        )

    def unary(self, children):
        """Kapacitor's parser reads a unary's operand before it asks for the comment (newUnary
        in parser.go's primary): the comment before "-" or "!" is gone by then, and what it gets
        is the one still pending, before the ")" that ends the operand, if any. tickfmt prints
        that one before the operator."""
        operator, operand = children
        run = self._run()
        rpar = run.closing_paren.get(id(operand))
        comment = None
        if rpar is not None:
            comment = run.comment_before(rpar)
            run.taken_comment_tokens.add(rpar.start_pos)
        return ast.Unary(operator.line, operator.column, operator.value, operand, comment=comment)

    def parens(self, children):
        lpar, inner, rpar = children
        if isinstance(inner, ast.Binary):
            inner.parens = True
        # Kapacitor gives the inner expression the comment found before "(" (even none).
        inner.comment = self._run().comment_before(lpar)
        self._run().closing_paren[id(inner)] = rpar
        return inner

    # Literals --------------------------------------------------------------------------------

    def number(self, children):
        (token,) = children
        text = token.value
        comment = self._commented(token)
        if "." in text:
            return ast.Number(token.line, token.column, float(text), False, **comment)
        octal = len(text) > 1 and text[0] == "0"
        try:
            value = int(text, 8 if octal else 10)
        except ValueError:
            raise self._run().error(f"invalid number {text}: a leading 0 means octal, digits 0-7", token)
        if value > _MAX_INT64:
            raise self._run().error(f"number {text} is too large for a 64-bit integer", token)
        return ast.Number(token.line, token.column, value, True, octal, **comment)

    def duration(self, children):
        (token,) = children
        amount, unit = _DURATION.fullmatch(token.value).groups()
        if int(amount) > _MAX_INT64:  # influxql.ParseDuration cannot read the number
            raise self._run().error(f"invalid duration {token.value}: the number is too large", token)
        # Go multiplies in int64 and wraps around silently: Kapacitor accepts 1577078476m.
        nanoseconds = (int(amount) * _DURATION_UNITS_NS[unit] + 2**63) % 2**64 - 2**63
        return ast.Duration(token.line, token.column, nanoseconds, token.value, **self._commented(token))

    def string(self, children):
        (token,) = children
        text = token.value
        comment = self._commented(token)
        if len(text) >= 6 and text.startswith("'''"):
            return ast.String(token.line, token.column, text[3:-3], True, **comment)
        return ast.String(token.line, token.column, text[1:-1].replace("\\'", "'"), **comment)

    def reference(self, children):
        (token,) = children
        name = token.value[1:-1].replace('\\"', '"')
        return ast.Reference(token.line, token.column, name, **self._commented(token))

    def regex(self, children):
        (token,) = children
        pattern = token.value[1:-1].replace("\\/", "/")
        # Kapacitor compiles the regex while parsing: a pattern Go refuses is a syntax error.
        try:
            compile_go_regex(pattern)
        except GoRegexError as error:
            raise self._run().error(str(error), token)
        return ast.Regex(token.line, token.column, pattern, **self._commented(token))

    def boolean(self, children):
        (token,) = children
        return ast.Bool(token.line, token.column, token.value == "TRUE", **self._commented(token))

    def star(self, children):
        (token,) = children
        self._run().mode.check_star(token, as_operator=False)
        return ast.Star(token.line, token.column, **self._commented(token))

    def identifier(self, children):
        return self._identifier(children[0])

    def _identifier(self, token: Token) -> ast.Identifier:
        return ast.Identifier(token.line, token.column, token.value, **self._commented(token))


# The grammar calls the rule "lambda", a Python keyword.
setattr(_AstBuilder, "lambda", _AstBuilder.lambda_)


# ---------------------------------------------------------------------------------------------
# Syntax errors


def _syntax_error(error: UnexpectedInput, run: _ParseRun) -> TickError:
    text, source_name = run.text, run.source_name
    acceptable = _acceptable(error) if isinstance(error, UnexpectedToken) else set(error.allowed or ())
    star = run.mode.misread_star(error, acceptable)
    if star is not None:
        return TickError('unexpected "*": after a name or a value Kapacitor reads "*" as a '
                         "multiplication", star.line, star.column, source_name)
    if isinstance(error, UnexpectedCharacters):
        lambda_start = _misplaced_lambda(text, error.pos_in_stream)
        if lambda_start is not None:
            line, column = position_of(text, lambda_start)
            return TickError(f'unexpected "lambda:", expected {_VALUE}: a lambda cannot be part of an '
                             "expression", line, column, source_name)
        return TickError(_bad_character_message(text, error.pos_in_stream), error.line, error.column,
                         source_name)
    if isinstance(error, UnexpectedToken):
        token = error.token
        expected = acceptable
        if token.type == "$END":
            line, column = position_of(text, len(text))
            return TickError(f"unexpected end of script, expected {_expected(expected)}",
                             line, column, source_name)
        if token.type == "SLASH" and "REGEX" in error.expected:
            return TickError("unterminated regex: no closing /", token.line, token.column, source_name)
        found = _TOKEN_NAMES.get(token.type, token.type)
        if token.type in ("IDENT", "NUMBER", "DURATION"):
            found += f" {token.value!r}"
        return TickError(f"unexpected {found}, expected {_expected(expected)}",
                         token.line, token.column, source_name)
    line, column = getattr(error, "line", 1), getattr(error, "column", 1)
    return TickError("syntax error", line, column, source_name)


def _bad_character_message(text: str, offset: int) -> str:
    char = text[offset]
    if char == "'":
        return "unterminated string: no closing '"
    if char == '"':
        return 'unterminated field reference: no closing "'
    if char in ("/", _REGEX_START):
        return "unterminated regex: no closing /"
    return f"unexpected character {char!r}"


def _misplaced_lambda(text: str, offset: int) -> int | None:
    """Where "lambda:" starts when the unexpected character is its colon. The lexer only reads
    the keyword where a lambda may stand; elsewhere (inside an expression) it reads the word as an
    identifier and stops at the colon, but Kapacitor reports the keyword, so tickpy does too."""
    start = offset - len("lambda")
    if text[offset] != ":" or start < 0 or text[start:offset] != "lambda":
        return None
    if start and (text[start - 1].isalnum() or text[start - 1] == "_"):
        return None
    return start


def _acceptable(error: UnexpectedToken) -> set[str]:
    """The tokens the parser could take at the error. Lark's `expected` may include tokens that
    would only lead to another error after a few reductions; `accepts()` tries each one."""
    try:
        return error.interactive_parser.accepts()
    except Exception:  # no parser state to ask (an error raised by the lexer): Lark's own set
        return set(error.expected)


_VALUE = "a value (number, string, duration, field reference or identifier)"
_OPERATORS = {"PLUS", "MINUS", "STAR", "SLASH", "PERCENT", "EQ", "NE", "REGEX_EQ", "REGEX_NE",
              "LT", "LE", "GT", "GE", "AND", "OR"}


def _expected(expected: set[str]) -> str:
    names = set(expected) - {"COMMENT"}
    if {"NUMBER", "STRING", "REFERENCE", "IDENT"} <= names:
        return _VALUE
    operators = names & _OPERATORS
    if operators == {"STAR"}:  # a star in a list or a groupBy, not a multiplication
        operators = set()
    words = sorted(_TOKEN_NAMES.get(name, name) for name in names - operators)
    if operators:
        words.append("an operator")
    if len(words) == 1:
        return words[0]
    return ", ".join(words[:-1]) + " or " + words[-1]
