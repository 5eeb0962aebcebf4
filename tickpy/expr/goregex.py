"""Go (RE2) regular expressions on top of Python's `re`.

Kapacitor compiles `/.../` literals with Go's `regexp`, so a pattern must mean here what it means
there. Most syntax is shared; `translate()` rewrites what differs and refuses what Go refuses:

- Go's `$` without the `m` flag matches only at the very end (Python's also before a final
  newline): written as `\\Z`. Go's `\\z` is Python's `\\Z`.
- `\\d`, `\\w`, `\\s` are ASCII in Go: written as explicit classes.
- flags set mid-pattern (`a(?i)b`) apply to the rest of the group in Go; Python only allows them
  at the start, so they become a scoped group `a(?i:b)`.
- `(?<name>...)` is Go's other spelling of `(?P<name>...)`; `[[:alpha:]]` classes are expanded;
  `\\Q...\\E` is quoted; octal `\\123` and `\\x{263a}` escapes are converted.
- RE2 has no lookaround, backreference, atomic group or possessive quantifier: those are errors,
  as they are in Kapacitor, never silently given Python's meaning.

`replace_all()` follows Go's `ReplaceAllString`: `$1`, `${name}` and `$name` in the replacement,
and no replacement of an empty match right after a previous match.
"""

from __future__ import annotations

import re


class GoRegexError(ValueError):
    """The pattern is not valid Go syntax, or uses syntax tickpy cannot give Go's meaning."""


_POSIX_CLASSES = {
    "alnum": "0-9A-Za-z", "alpha": "A-Za-z", "ascii": "\\x00-\\x7f", "blank": "\\t ",
    "cntrl": "\\x00-\\x1f\\x7f", "digit": "0-9", "graph": "!-~", "lower": "a-z",
    "print": " -~", "punct": "!-/:-@\\[-`{-~", "space": "\\t\\n\\v\\f\\r ", "upper": "A-Z",
    "word": "0-9A-Za-z_", "xdigit": "0-9A-Fa-f",
}
_PERL_CLASSES = {"d": "0-9", "w": "0-9A-Za-z_", "s": "\\t\\n\\f\\r "}
_SIMPLE_ESCAPES = set("afnrtv")
_GO_FLAGS = set("imsU")


def compile_go_regex(pattern: str) -> re.Pattern:
    """Compile a Go regular expression; GoRegexError with a Go-like message if it cannot be."""
    translated = translate(pattern)
    try:
        return re.compile(translated)
    except re.error as error:
        raise GoRegexError(f"error parsing regexp: {error.msg}: `{pattern}`") from None
    except (OverflowError, RecursionError):
        raise GoRegexError(f"error parsing regexp: expression too large: `{pattern}`") from None


def translate(pattern: str) -> str:
    return _Translator(pattern).run()


def _char(code: int) -> str:
    return f"\\U{code:08x}"


class _Translator:
    def __init__(self, pattern: str):
        self.pattern = pattern
        self.i = 0
        self.out: list[str] = []
        # One entry per open group: [flags in force, number of scoped flag groups to close].
        self.groups: list[list] = [[set(), 0]]

    def fail(self, message: str, text: str) -> None:
        raise GoRegexError(f"error parsing regexp: {message}: `{text}`")

    def run(self) -> str:
        p = self.pattern
        while self.i < len(p):
            c = p[self.i]
            if c == "\\":
                self.escape(in_class=False)
            elif c == "[":
                self.char_class()
            elif c == "(":
                self.open_group()
            elif c == ")":
                if len(self.groups) == 1:
                    self.fail("unexpected )", p)
                self.out.append(")" * self.groups[-1][1] + ")")
                self.groups.pop()
                self.i += 1
            elif c == "$":
                self.out.append("$" if "m" in self.groups[-1][0] else "\\Z")
                self.i += 1
            elif c == "{" and p.startswith("{,", self.i):
                self.out.append("\\{")
                self.i += 1
            elif c in "*+?":
                self.out.append(c)
                self.i += 1
                self.check_repeat(c)
            else:
                self.out.append(c)
                self.i += 1
        if len(self.groups) > 1:
            self.fail("missing closing )", p)
        self.out.append(")" * self.groups[0][1])
        return "".join(self.out)

    def check_repeat(self, c: str) -> None:
        p = self.pattern
        if self.i < len(p) and p[self.i] == "?":  # lazy: fine in Go
            self.out.append("?")
            self.i += 1
        if self.i < len(p) and p[self.i] in "*+?":
            self.fail("invalid nested repetition operator", p[self.i - 1:self.i + 1])

    def open_group(self) -> None:
        p = self.pattern
        rest = p[self.i:]
        flags = set(self.groups[-1][0])
        if not rest.startswith("(?"):
            self.out.append("(")
            self.groups.append([flags, 0])
            self.i += 1
            return
        named = re.match(r"\(\?P?<([A-Za-z0-9_]+)>", rest)
        if named:
            self.out.append(f"(?P<{named.group(1)}>")
            self.groups.append([flags, 0])
            self.i += named.end()
            return
        flag_group = re.match(r"\(\?([imsU]*)(?:-([imsU]*))?([:)])", rest)
        if not flag_group or (flag_group.group(2) == "" and flag_group.group(0)[-1] != ":"):
            if rest.startswith(("(?=", "(?!", "(?<=", "(?<!")):
                self.fail("invalid or unsupported Perl syntax (RE2 has no lookaround)", rest[:4])
            self.fail("invalid or unsupported Perl syntax", rest[:3])
        on, off, end = flag_group.group(1), flag_group.group(2) or "", flag_group.group(3)
        if "U" in on or "U" in off:
            self.fail("the U (ungreedy) flag is not supported by tickpy", flag_group.group(0))
        flags |= set(on)
        flags -= set(off)
        python_flags = on + ("-" + off if off else "")
        self.i += flag_group.end()
        if end == ":":
            self.out.append(f"(?{python_flags}:" if python_flags else "(?:")
            self.groups.append([flags, 0])
        else:  # (?i) applies to the rest of the enclosing group
            if python_flags:
                self.out.append(f"(?{python_flags}:")
                self.groups[-1][1] += 1
            self.groups[-1][0] = flags

    def escape(self, in_class: bool) -> None:
        p = self.pattern
        if self.i + 1 >= len(p):
            self.fail("trailing backslash at end of expression", "")
        c = p[self.i + 1]
        self.i += 2
        if c.isdigit():
            self.octal(c)
        elif c == "x":
            self.hex_escape()
        elif c in _PERL_CLASSES or c.lower() in _PERL_CLASSES:
            body = _PERL_CLASSES[c.lower()]
            if in_class:
                self.out.append(body if c.islower() else "\\" + c)
            else:
                self.out.append(f"[{body}]" if c.islower() else f"[^{body}]")
        elif c in _SIMPLE_ESCAPES:
            self.out.append("\\" + c)
        elif c in "AbB" and not in_class:
            self.out.append("\\" + c)
        elif c == "z" and not in_class:
            self.out.append("\\Z")
        elif c == "Q":
            end = p.find("\\E", self.i)
            literal = p[self.i:] if end < 0 else p[self.i:end]
            self.i = len(p) if end < 0 else end + 2
            self.out.append("".join(re.escape(ch) if not in_class else "\\" + ch if not ch.isalnum() else ch
                                    for ch in literal))
        elif c in "pP":
            self.fail("Unicode classes (\\p, \\P) are not supported by tickpy", p[self.i - 2:self.i + 1])
        elif c.isascii() and not c.isalnum():
            self.out.append("\\" + c)
        else:
            self.fail("invalid escape sequence", "\\" + c)

    def octal(self, first: str) -> None:
        p = self.pattern
        if first in "89" or (first != "0" and (self.i >= len(p) or p[self.i] not in "01234567")):
            self.fail("invalid escape sequence (RE2 has no backreferences)", "\\" + first)
        digits = first
        while len(digits) < 3 and self.i < len(p) and p[self.i] in "01234567":
            digits += p[self.i]
            self.i += 1
        self.out.append(_char(int(digits, 8)))

    def hex_escape(self) -> None:
        p = self.pattern
        braced = re.match(r"\{([0-9A-Fa-f]{1,8})\}", p[self.i:])
        if braced:
            code = int(braced.group(1), 16)
            self.i += braced.end()
        else:
            two = re.match(r"[0-9A-Fa-f]{2}", p[self.i:])
            if not two:
                self.fail("invalid escape sequence", p[self.i - 2:self.i + 2])
            code = int(two.group(0), 16)
            self.i += 2
        if code > 0x10FFFF:
            self.fail("invalid escape sequence", p[self.i - 2:self.i])
        self.out.append(_char(code))

    def char_class(self) -> None:
        p = self.pattern
        start = self.i
        self.i += 1
        self.out.append("[")
        if self.i < len(p) and p[self.i] == "^":
            self.out.append("^")
            self.i += 1
        first = True
        while True:
            if self.i >= len(p):
                self.fail("missing closing ]", p[start:])
            c = p[self.i]
            if c == "]" and not first:
                self.out.append("]")
                self.i += 1
                return
            first = False
            if c == "\\":
                self.escape(in_class=True)
                continue
            posix = re.match(r"\[:(\^?)([a-z]+):\]", p[self.i:])
            if posix:
                if posix.group(2) not in _POSIX_CLASSES:
                    self.fail("invalid character class range", posix.group(0))
                if posix.group(1):
                    self.fail("negated POSIX classes are not supported by tickpy", posix.group(0))
                self.out.append(_POSIX_CLASSES[posix.group(2)])
                self.i += posix.end()
                continue
            self.out.append("\\" + c if c in "[]&~|" else c)
            self.i += 1


# ---------------------------------------------------------------------------------------------
# ReplaceAllString


def replace_all(pattern: re.Pattern, source: str, template: str) -> str:
    """Go's `Regexp.ReplaceAllString(source, template)`."""
    out: list[str] = []
    last_end = 0
    search_at = 0
    while search_at <= len(source):
        match = pattern.search(source, search_at)
        if match is None:
            break
        start, end = match.span()
        out.append(source[last_end:start])
        # An empty match right where the previous match ended is not replaced (Go's rule).
        if end > last_end or start == 0:
            out.append(_expand(template, match))
        last_end = end
        search_at = end if end > search_at else search_at + 1
    out.append(source[last_end:])
    return "".join(out)


_NAME = re.compile(r"[A-Za-z0-9_]+")


def _expand(template: str, match: re.Match) -> str:
    out: list[str] = []
    i = 0
    while i < len(template):
        dollar = template.find("$", i)
        if dollar < 0:
            out.append(template[i:])
            break
        out.append(template[i:dollar])
        i = dollar + 1
        if template.startswith("$", i):
            out.append("$")
            i += 1
            continue
        if template.startswith("{", i):
            close = template.find("}", i)
            name = template[i + 1:close] if close > 0 else ""
            if not name or not _NAME.fullmatch(name):
                out.append("$")
                continue
            i = close + 1
        else:
            found = _NAME.match(template, i)
            if not found:
                out.append("$")
                continue
            name = found.group(0)
            i = found.end()
        out.append(_group_text(match, name))
    return "".join(out)


def _group_text(match: re.Match, name: str) -> str:
    if name.isdigit() and len(name) <= 8:
        index = int(name)
        if index > (match.re.groups):
            return ""
        return match.group(index) or ""
    if name in match.re.groupindex:
        return match.group(name) or ""
    return ""
