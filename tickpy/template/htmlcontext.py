"""html/template's contextual escaping, for Kapacitor's `.details()` template.

html/template reads the literal HTML around each action to decide how to escape its value: in
text, `"` becomes `&#34;`; inside `href="..."` the value is also URL-normalised, and a
`javascript:` URL becomes `#ZgotmplZ`; in an unquoted attribute, spaces are escaped. It also
rewrites the literal text: HTML comments are removed and a `<` that starts no tag becomes `&lt;`.
This module walks a parsed template once, at compile time, doing the same: it rewrites text
nodes and gives each action the list of escapers to apply to its value (`ActionNode.escapers`).

Covered: HTML text, RCDATA (`<title>`, `<textarea>`), tags, attribute names and values (quoted
and unquoted), URL attributes (`href`, `src`, ... by Go's list and name rules), `srcset`, CSS
(`<style>`, `style=`: values, strings, `url(...)`, comments), JavaScript (`<script>`, `on...=`:
values, strings, regular expressions, comments), and HTML comments. Not covered: actions inside
JavaScript template literals, HTML-style comments inside scripts (whose rules changed across Go
versions), and `{{template}}` calls outside HTML text; those are refused with a TemplateError
rather than escaped differently from Kapacitor.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from tickpy.template.errors import TemplateError
from tickpy.template.nodes import (ActionNode, BranchNode, IdentifierNode, ListNode, TemplateNode,
                                   TextNode)

# ---------------------------------------------------------------------------------------------
# Contexts


@dataclass(frozen=True)
class Context:
    state: str = "Text"  # Text Tag AttrName AfterName BeforeValue HTMLCmt RCDATA Attr URL Srcset JS CSS
    delim: str = "None"  # None DoubleQuote SingleQuote SpaceOrTagEnd
    url_part: str = "None"  # None PreQuery QueryOrFrag Unknown
    attr: str = "None"  # None Script ScriptType Style URL Srcset
    element: str = "None"  # None Script Style Textarea Title
    js_ctx: str = "Regexp"  # in JavaScript, whether a "/" would start a Regexp or be a DivOp
    error: str = ""

    def __str__(self) -> str:
        """Go's `%v` of its context struct, as its branch errors print it."""
        return (f"{{state{self.state} delim{self.delim} urlPart{self.url_part} jsCtx{self.js_ctx} "
                f"attr{self.attr} element{self.element} <nil>}}")


TEXT = Context()
_SPACE = " \t\n\f\r"
_ELEMENT_NAMES = {"script": "Script", "style": "Style", "textarea": "Textarea", "title": "Title"}
_ELEMENT_CONTENT = {"None": "Text", "Script": "JS", "Style": "CSS", "Textarea": "RCDATA", "Title": "RCDATA"}
_ATTR_START = {"None": "Attr", "Script": "JS", "ScriptType": "Attr", "Style": "CSS", "URL": "URL",
               "Srcset": "Srcset"}
_DELIM_ENDS = {"DoubleQuote": '"', "SingleQuote": "'", "SpaceOrTagEnd": " \t\n\f\r>"}

# attr.go's attribute types (only the non-plain ones matter here).
_URL_ATTRS = {"action", "archive", "background", "cite", "classid", "codebase", "data", "formaction",
              "href", "icon", "longdesc", "manifest", "poster", "profile", "src", "usemap", "xmlns"}
_PLAIN_OR_OTHER_ATTRS = {
    "accept", "accept-charset", "alt", "async", "autocomplete", "autofocus", "autoplay", "border",
    "checked", "challenge", "charset", "class", "cols", "colspan", "content", "contenteditable",
    "contextmenu", "controls", "coords", "crossorigin", "datetime", "default", "defer", "dir",
    "dirname", "disabled", "draggable", "dropzone", "enctype", "for", "form", "formenctype",
    "formmethod", "formnovalidate", "formtarget", "headers", "height", "hidden", "high", "hreflang",
    "http-equiv", "id", "ismap", "keytype", "kind", "label", "lang", "language", "list", "loop", "low",
    "max", "maxlength", "media", "mediagroup", "method", "min", "multiple", "name", "novalidate",
    "open", "optimum", "pattern", "placeholder", "preload", "pubdate", "radiogroup", "readonly", "rel",
    "required", "reversed", "rows", "rowspan", "sandbox", "spellcheck", "scope", "scoped", "seamless",
    "selected", "shape", "size", "sizes", "span", "srcdoc", "srclang", "start", "step", "tabindex",
    "target", "title", "type", "value", "width", "wrap"}


def attribute_type(name: str) -> str:
    """attr.go's attrType: URL, Style, Script, Srcset or plain (None)."""
    if name.startswith("data-"):
        name = name[5:]
    elif ":" in name:
        prefix, name = name.split(":", 1)
        if prefix == "xmlns":
            return "URL"
    if name in _URL_ATTRS:
        return "URL"
    if name == "style":
        return "Style"
    if name == "srcset":
        return "Srcset"
    if name in _PLAIN_OR_OTHER_ATTRS:
        return "None"
    if name.startswith("on"):
        return "Script"
    if "src" in name or "uri" in name or "url" in name:
        return "URL"
    return "None"


def nudge(c: Context) -> Context:
    if c.state == "Tag":
        return replace(c, state="AttrName")
    if c.state == "BeforeValue":
        return replace(c, state=_ATTR_START[c.attr], delim="SpaceOrTagEnd", attr="None")
    if c.state == "AfterName":
        return replace(c, state="AttrName", attr="None")
    return c


# ---------------------------------------------------------------------------------------------
# Transitions over literal text (transition.go)

def _eat_space(s: str, i: int) -> int:
    while i < len(s) and s[i] in _SPACE:
        i += 1
    return i


def _eat_tag_name(s: str, i: int) -> tuple[int, str]:
    if i >= len(s) or not (s[i].isascii() and s[i].isalpha()):
        return i, "None"
    j = i + 1
    while j < len(s):
        x = s[j]
        if x.isascii() and x.isalnum():
            j += 1
        elif x in ":-" and j + 1 < len(s) and s[j + 1].isascii() and s[j + 1].isalnum():
            j += 2
        else:
            break
    return j, _ELEMENT_NAMES.get(s[i:j].lower(), "None")


def _eat_attr_name(s: str, i: int) -> int:
    for j in range(i, len(s)):
        if s[j] in " \t\n\f\r=>":
            return j
        if s[j] in "'\"<":
            return -1 - j
    return len(s)


def _t_text(c: Context, s: str) -> tuple[Context, int]:
    k = 0
    while True:
        i = s.find("<", k)
        if i < 0 or i + 1 == len(s):
            return c, len(s)
        if s.startswith("<!--", i):
            return Context(state="HTMLCmt"), i + 4
        i += 1
        end = False
        if s[i] == "/":
            if i + 1 == len(s):
                return c, len(s)
            end, i = True, i + 1
        j, element = _eat_tag_name(s, i)
        if j != i:
            return Context(state="Tag", element="None" if end else element), j
        k = j


def _t_tag(c: Context, s: str) -> tuple[Context, int]:
    i = _eat_space(s, 0)
    if i == len(s):
        return c, len(s)
    if s[i] == ">":
        return Context(state=_ELEMENT_CONTENT[c.element], element=c.element), i + 1
    j = _eat_attr_name(s, i)
    if j < 0:
        bad = -1 - j
        return _error(f"{_go_q(s[bad])} in attribute name: {_go_q(s[:32])}"), len(s)
    if i == j:
        return _error(f"expected space, attr name, or end of tag, but got {_go_q(s[i:])}"), len(s)
    name = s[i:j].lower()
    if c.element == "Script" and name == "type":
        attr = "ScriptType"
    else:
        attr = attribute_type(name)
    return Context(state="AttrName" if j == len(s) else "AfterName", element=c.element, attr=attr), j


def _t_attr_name(c: Context, s: str) -> tuple[Context, int]:
    i = _eat_attr_name(s, 0)
    if i < 0:
        bad = -1 - i
        return _error(f"{_go_q(s[bad])} in attribute name: {_go_q(s[:32])}"), len(s)
    if i != len(s):
        c = replace(c, state="AfterName")
    return c, i


def _t_after_name(c: Context, s: str) -> tuple[Context, int]:
    i = _eat_space(s, 0)
    if i == len(s):
        return c, len(s)
    if s[i] != "=":
        return replace(c, state="Tag"), i
    return replace(c, state="BeforeValue"), i + 1


def _t_before_value(c: Context, s: str) -> tuple[Context, int]:
    i = _eat_space(s, 0)
    if i == len(s):
        return c, len(s)
    delim = "SpaceOrTagEnd"
    if s[i] == "'":
        delim, i = "SingleQuote", i + 1
    elif s[i] == '"':
        delim, i = "DoubleQuote", i + 1
    return replace(c, state=_ATTR_START[c.attr], delim=delim), i


def _t_html_comment(c: Context, s: str) -> tuple[Context, int]:
    i = s.find("-->")
    if i >= 0:
        return Context(), i + 3
    return c, len(s)


def _index_tag_end(s: str, tag: str) -> int:
    """Where `</tag` (any case, followed by a separator) starts in s, or -1."""
    lowered = s.lower()
    start = 0
    while True:
        i = lowered.find("</" + tag, start)
        if i < 0:
            return -1
        after = i + 2 + len(tag)
        if after < len(s) and s[after] in "> \t\n\f/":
            return i
        start = i + 2


def _t_special_tag_end(c: Context, s: str) -> tuple[Context, int]:
    if c.element != "None":
        i = _index_tag_end(s, c.element.lower())
        if i >= 0:
            return Context(), i
    return c, len(s)


def _t_url(c: Context, s: str) -> tuple[Context, int]:
    if "#" in s or "?" in s:
        c = replace(c, url_part="QueryOrFrag")
    elif _eat_space(s, 0) != len(s) and c.url_part == "None":
        c = replace(c, url_part="PreQuery")
    return c, len(s)


def _t_consume_all(c: Context, s: str) -> tuple[Context, int]:
    return c, len(s)


_REGEXP_PRECEDER_KEYWORDS = {"break", "case", "continue", "delete", "do", "else", "finally", "in",
                             "instanceof", "return", "throw", "try", "typeof", "void"}


def _is_js_ident_part(char: str) -> bool:
    return char == "$" or char == "_" or (char.isascii() and char.isalnum())


def next_js_ctx(text: str, preceding: str) -> str:
    """Whether a "/" after this JavaScript would start a regular expression or divide."""
    text = text.rstrip("\t\n\f\r \u2028\u2029")
    if not text:
        return preceding
    last = text[-1]
    if last in "+-":
        run = len(text) - len(text.rstrip(last))
        return "Regexp" if run % 2 == 1 else "DivOp"
    if last == ".":
        return "DivOp" if len(text) > 1 and text[-2].isdigit() and text[-2].isascii() else "Regexp"
    if last in ",<>=*%&|^?!~([:;{}":
        return "Regexp"
    start = len(text)
    while start > 0 and _is_js_ident_part(text[start - 1]):
        start -= 1
    return "Regexp" if text[start:] in _REGEXP_PRECEDER_KEYWORDS else "DivOp"


def _t_js(c: Context, s: str) -> tuple[Context, int]:
    # Newer Go versions also read "<!--", "-->" and "#!" as JavaScript comments; tickpy refuses
    # them rather than guess which rules apply.
    if c.delim == "None" and ("<!--" in s or "-->" in s or s.startswith("#!")):
        return _error("tickpy does not support HTML-style comments inside <script> in a details "
                      "template"), len(s)
    i = next((j for j, char in enumerate(s) if char in "\"`'/"), -1)
    if i < 0:
        return replace(c, js_ctx=next_js_ctx(s, c.js_ctx)), len(s)
    c = replace(c, js_ctx=next_js_ctx(s[:i], c.js_ctx))
    char = s[i]
    if char == '"':
        return replace(c, state="JSDqStr", js_ctx="Regexp"), i + 1
    if char == "'":
        return replace(c, state="JSSqStr", js_ctx="Regexp"), i + 1
    if char == "`":
        return replace(c, state="JSBqStr", js_ctx="Regexp"), i + 1
    if i + 1 < len(s) and s[i + 1] == "/":
        return replace(c, state="JSLineCmt"), i + 2
    if i + 1 < len(s) and s[i + 1] == "*":
        return replace(c, state="JSBlockCmt"), i + 2
    if c.js_ctx == "Regexp":
        return replace(c, state="JSRegexp"), i + 1
    if c.js_ctx == "DivOp":
        return replace(c, js_ctx="Regexp"), i + 1
    return _error(f"'/' could start a division or regexp: {_go_q(s[i:i + 32])}"), len(s)


def _t_js_delimited(c: Context, s: str) -> tuple[Context, int]:
    """Inside a JavaScript string or regular expression, up to its closing delimiter."""
    specials = {"JSSqStr": "\\'", "JSBqStr": "`\\", "JSRegexp": "\\/[]"}.get(c.state, '\\"')
    k, in_charset = 0, False
    while True:
        i = next((j for j in range(k, len(s)) if s[j] in specials), -1)
        if i < 0:
            break
        char = s[i]
        if char == "\\":
            i += 1
            if i == len(s):
                return _error(f"unfinished escape sequence in JS string: {_go_q(s)}"), len(s)
        elif char == "[":
            in_charset = True
        elif char == "]":
            in_charset = False
        elif not in_charset:
            return replace(c, state="JS", js_ctx="DivOp"), i + 1
        k = i + 1
    if in_charset:
        return _error(f"unfinished JS regexp charset: {_go_q(s)}"), len(s)
    return c, len(s)


_CSS_SPACE = "\t\n\f\r "


def _is_css_name_char(char: str) -> bool:
    code = ord(char)
    return (char.isascii() and (char.isalnum() or char in "-_")) or 0x80 <= code <= 0xD7FF \
        or 0xE000 <= code <= 0xFFFD or 0x10000 <= code <= 0x10FFFF


def _ends_with_css_keyword(text: str, keyword: str) -> bool:
    i = len(text) - len(keyword)
    if i < 0:
        return False
    if i != 0 and _is_css_name_char(text[i - 1]):
        return False
    return text[i:].lower() == keyword


def _t_css(c: Context, s: str) -> tuple[Context, int]:
    """CSS: strings and url(...) are treated as URLs; comments are found."""
    k = 0
    while True:
        i = next((j for j in range(k, len(s)) if s[j] in "(\"'/"), -1)
        if i < 0:
            return c, len(s)
        char = s[i]
        if char == "(":
            if _ends_with_css_keyword(s[:i].rstrip(_CSS_SPACE), "url"):
                j = len(s) - len(s[i + 1:].lstrip(_CSS_SPACE))
                if j != len(s) and s[j] == '"':
                    return replace(c, state="CSSDqURL"), j + 1
                if j != len(s) and s[j] == "'":
                    return replace(c, state="CSSSqURL"), j + 1
                return replace(c, state="CSSURL"), j
        elif char == "/":
            if i + 1 < len(s) and s[i + 1] == "/":
                return replace(c, state="CSSLineCmt"), i + 2
            if i + 1 < len(s) and s[i + 1] == "*":
                return replace(c, state="CSSBlockCmt"), i + 2
        elif char == '"':
            return replace(c, state="CSSDqStr"), i + 1
        else:
            return replace(c, state="CSSSqStr"), i + 1
        k = i + 1


def _t_css_string(c: Context, s: str) -> tuple[Context, int]:
    if c.state in ("CSSDqStr", "CSSDqURL"):
        ends = '\\"'
    elif c.state in ("CSSSqStr", "CSSSqURL"):
        ends = "\\'"
    else:
        ends = "\\\t\n\f\r )"
    k = 0
    while True:
        i = next((j for j in range(k, len(s)) if s[j] in ends), -1)
        if i < 0:
            c, consumed = _t_url(c, decode_css(s[k:]))
            return c, k + consumed
        if s[i] == "\\":
            i += 1
            if i == len(s):
                return _error(f"unfinished escape sequence in CSS string: {_go_q(s)}"), len(s)
        else:
            return replace(c, state="CSS"), i + 1
        c, _ = _t_url(c, decode_css(s[:i + 1]))
        k = i + 1


def _t_block_comment(c: Context, s: str) -> tuple[Context, int]:
    i = s.find("*/")
    if i < 0:
        return c, len(s)
    return replace(c, state="JS" if c.state == "JSBlockCmt" else "CSS"), i + 2


def _t_line_comment(c: Context, s: str) -> tuple[Context, int]:
    """A line comment ends before its line terminator, which belongs to what follows."""
    terminators = "\n\r\u2028\u2029" if c.state == "JSLineCmt" else "\n\f\r"
    i = next((j for j, char in enumerate(s) if char in terminators), -1)
    if i < 0:
        return c, len(s)
    return replace(c, state="JS" if c.state == "JSLineCmt" else "CSS"), i


def decode_css(text: str) -> str:
    """CSS escapes (`\\26 `, `\\;`) decoded, as Go reads a CSS string before looking at it."""
    if "\\" not in text:
        return text
    out: list[str] = []
    i = 0
    while i < len(text):
        j = text.find("\\", i)
        if j < 0:
            out.append(text[i:])
            break
        out.append(text[i:j])
        if j + 1 >= len(text):
            break
        if text[j + 1] in "0123456789abcdefABCDEF":
            end = j + 2
            while end < len(text) and end < j + 7 and text[end] in "0123456789abcdefABCDEF":
                end += 1
            code = int(text[j + 1:end], 16)
            if code > 0x10FFFF:
                code, end = code // 16, end - 1
            out.append(chr(code) if not 0xD800 <= code <= 0xDFFF else "\ufffd")
            i = end
            if text[i:i + 2] == "\r\n":
                i += 2
            elif text[i:i + 1] in ("\t", "\n", "\f", " ", "\r"):
                i += 1
        else:
            out.append(text[j + 1])
            i = j + 2
    return "".join(out)


_TRANSITIONS = {
    "Text": _t_text, "Tag": _t_tag, "AttrName": _t_attr_name, "AfterName": _t_after_name,
    "BeforeValue": _t_before_value, "HTMLCmt": _t_html_comment, "RCDATA": _t_special_tag_end,
    "Attr": _t_consume_all, "URL": _t_url, "Srcset": _t_url, "JS": _t_js, "JSDqStr": _t_js_delimited,
    "JSSqStr": _t_js_delimited, "JSBqStr": _t_js_delimited, "JSRegexp": _t_js_delimited,
    "JSBlockCmt": _t_block_comment, "JSLineCmt": _t_line_comment, "CSS": _t_css,
    "CSSDqStr": _t_css_string, "CSSSqStr": _t_css_string, "CSSDqURL": _t_css_string,
    "CSSSqURL": _t_css_string, "CSSURL": _t_css_string, "CSSBlockCmt": _t_block_comment,
    "CSSLineCmt": _t_line_comment,
}
_COMMENT_STATES = {"HTMLCmt", "CSSBlockCmt", "CSSLineCmt", "JSBlockCmt", "JSLineCmt"}


def _error(message: str) -> Context:
    return Context(state="Error", error=message)


def _go_q(text: str) -> str:
    from tickpy.template.gofmt import go_quote
    return go_quote(text)


def _context_after_text(c: Context, s: str) -> tuple[Context, int]:
    if c.delim == "None":
        c1, i = _t_special_tag_end(c, s)
        if i == 0:
            return c1, 0
        return _TRANSITIONS[c.state](c, s[:i])
    ends = _DELIM_ENDS[c.delim]
    i = next((k for k, char in enumerate(s) if char in ends), len(s))
    if c.delim == "SpaceOrTagEnd":
        bad = next((k for k, char in enumerate(s[:i]) if char in "\"'<=`"), -1)
        if bad >= 0:
            return _error(f"{_go_q(s[bad])} in unquoted attr: {_go_q(s[:i])}"), len(s)
    if i == len(s):
        import html
        decoded = html.unescape(s)
        while decoded:
            c, consumed = _TRANSITIONS[c.state](c, decoded)
            decoded = decoded[consumed:]
        return c, len(s)
    element = c.element
    if c.state == "Attr" and c.element == "Script" and c.attr == "ScriptType" \
            and not _is_js_type(s[:i]):
        element = "None"
    if c.delim != "SpaceOrTagEnd":
        i += 1
    return Context(state="Tag", element=element), i


def _is_js_type(mime: str) -> bool:
    mime = mime.split(";", 1)[0].strip().lower()
    return mime in {"application/ecmascript", "application/javascript", "application/json",
                    "application/ld+json", "application/x-ecmascript", "application/x-javascript",
                    "module", "text/ecmascript", "text/javascript", "text/javascript1.0",
                    "text/javascript1.1", "text/javascript1.2", "text/javascript1.3",
                    "text/javascript1.4", "text/javascript1.5", "text/jscript", "text/livescript",
                    "text/x-ecmascript", "text/x-javascript"}


def escape_text(c: Context, text: str) -> tuple[Context, str]:
    """The context after `text`, and the text as html/template writes it (stray `<` escaped in
    HTML text, HTML comments removed)."""
    out: list[str] = []
    written = i = 0
    while i != len(text):
        c1, consumed = _context_after_text(c, text[i:])
        i1 = i + consumed
        if c.state in ("Text", "RCDATA"):
            end = i1
            if c1.state != c.state:
                last = text.rfind("<", i, end)
                if last >= 0:
                    end = last
            for j in range(i, end):
                if text[j] == "<" and not text[j:j + 9].upper().startswith("<!DOCTYPE"):
                    out.append(text[written:j])
                    out.append("&lt;")
                    written = j + 1
        elif c.state in _COMMENT_STATES and c.delim == "None":
            if c.state == "CSSBlockCmt":
                out.append(" ")  # a CSS block comment is kept as a space
            elif c.state == "JSBlockCmt":  # as a line break if it held one, else a space
                held = text[written:i1]
                out.append("\n" if any(t in held for t in "\n\r\u2028\u2029") else " ")
            written = i1
        if c.state != c1.state and c1.state in _COMMENT_STATES and c1.delim == "None":
            out.append(text[written:i1 - (4 if c1.state == "HTMLCmt" else 2)])
            written = i1
        if i == i1 and c == c1:
            raise AssertionError(f"no progress escaping {text!r} at {i}")
        c, i = c1, i1
        if c.state == "Error":
            return c, text
    if written == 0:
        return c, text
    if not (c.state in _COMMENT_STATES and c.delim == "None"):
        out.append(text[written:])
    return c, "".join(out)


# ---------------------------------------------------------------------------------------------
# Choosing escapers for actions (escape.go's escapeAction)

_EQUIVALENT = {"attrescaper": "html", "htmlescaper": "html", "rcdataescaper": "html",
               "urlescaper": "urlquery", "urlnormalizer": "urlquery"}


def escapers_for(c: Context, node: ActionNode) -> tuple[Context, tuple[str, ...], str | None]:
    """The context after the action, the escapers for its value, and an error message."""
    c = nudge(c)
    names: list[str] = []
    if c.state in ("URL", "CSSDqStr", "CSSSqStr", "CSSDqURL", "CSSSqURL", "CSSURL"):
        if c.url_part == "Unknown":
            return c, (), f"{node} appears in an ambiguous context within a URL"
        if c.url_part == "None":
            names.append("urlfilter")
        if c.url_part == "QueryOrFrag":
            names.append("urlescaper")
        else:
            names.append("cssescaper" if c.state in ("CSSDqStr", "CSSSqStr") else "urlnormalizer")
    elif c.state == "JS":
        names.append("jsvalescaper")
        c = replace(c, js_ctx="DivOp")  # a "/" after a value divides
    elif c.state in ("JSDqStr", "JSSqStr"):
        names.append("jsstrescaper")
    elif c.state == "JSRegexp":
        names.append("jsregexpescaper")
    elif c.state in ("JSBlockCmt", "JSLineCmt"):
        names.append("commentescaper")
    elif c.state == "CSS":
        names.append("cssvaluefilter")
    elif c.state in ("CSSBlockCmt", "CSSLineCmt"):
        names.append("commentescaper")
    elif c.state == "Text":
        names.append("htmlescaper")
    elif c.state == "RCDATA":
        names.append("rcdataescaper")
    elif c.state == "Attr":
        pass
    elif c.state in ("AttrName", "Tag"):
        c = replace(c, state="AttrName")
        names.append("htmlnamefilter")
    elif c.state == "Srcset":
        names.append("srcsetescaper")
    elif c.state == "HTMLCmt":
        names.append("commentescaper")
    else:
        return c, (), (f"tickpy does not support {node} inside a JavaScript template literal "
                       "in a details template")
    if c.delim == "SpaceOrTagEnd":
        names.append("nospaceescaper")
    elif c.delim != "None":
        names.append("attrescaper")
    return c, tuple(names), None


# ---------------------------------------------------------------------------------------------
# Walking the tree


class _HTMLError(TemplateError):
    """An html/template error, keeping its location prefix apart from its description (a range
    loop re-entry error puts words between them)."""

    def __init__(self, location: str, description: str, offset: int):
        super().__init__(location + description, offset)
        self.location = location
        self.description = description


class _Escaper:
    def __init__(self, template_name: str, text: str, definitions: dict):
        self.name = template_name
        self.text = text
        self.definitions = definitions
        self.escaped_definitions: set[str] = set()

    def error(self, node, message: str) -> TemplateError:
        """Go's html/template error at a node: `html/template:NAME:LINE:COL: message`."""
        before = self.text[:node.pos]
        line = before.count("\n") + 1
        column = len(before[before.rfind("\n") + 1:].encode("utf-8"))
        return _HTMLError(f"html/template:{self.name}:{line}:{column}: ", message, node.pos)

    def plain_error(self, message: str, pos: int) -> TemplateError:
        return _HTMLError(f"html/template:{self.name}: ", message, pos)

    def escape_list(self, c: Context, items: ListNode | None, commit: bool = True) -> Context:
        if items is None:
            return c
        for node in items.nodes:
            c = self.escape_node(c, node, commit)
        return c

    def escape_node(self, c: Context, node, commit: bool) -> Context:
        if isinstance(node, TextNode):
            c1, text = escape_text(c, node.text)
            if c1.state == "Error":
                raise self.plain_error(c1.error, node.pos)
            if commit:
                node.text = text
            return c1
        if isinstance(node, ActionNode):
            if node.pipe.declarations:
                return c
            self.check_predefined_escapers(nudge(c), node)
            c1, names, problem = escapers_for(c, node)
            if problem:
                raise self.error(node, problem)
            if commit:
                node.escapers, node.drop_last_command = self.merge_predefined(node, names)
            return c1
        if isinstance(node, BranchNode):
            return self.escape_branch(c, node, commit)
        if isinstance(node, TemplateNode):
            if c != TEXT:
                raise self.error(node, f"tickpy does not support {node} outside HTML text in a details template")
            body = self.definitions.get(node.name)
            if body is not None and node.name not in self.escaped_definitions:
                self.escaped_definitions.add(node.name)
                end = self.escape_list(TEXT, body, commit)
                if end != TEXT:
                    raise self.plain_error(f"ends in a non-text context: {end}", node.pos)
            return c
        return c

    def escape_branch(self, c: Context, node: BranchNode, commit: bool) -> Context:
        body_end = self.escape_list(c, node.body, commit)
        if node.keyword == "range":
            try:
                again = self.escape_list(body_end, node.body, commit=False)
            except _HTMLError as problem:
                location = problem.location
                if location == f"html/template:{self.name}: ":  # no node: Go gives the range's line
                    line = self.text[:node.pos].count("\n") + 1
                    location = f"html/template:{self.name}:{line}: "
                raise _HTMLError(location, "on range loop re-entry: " + problem.description,
                                 problem.offset) from None
            joined = self.join(body_end, again, node)
            if joined.state == "Error":
                raise self.error(node, "on range loop re-entry: " + joined.error)
            body_end = joined
        else_end = self.escape_list(c, node.else_body, commit)
        joined = self.join(body_end, else_end, node)
        if joined.state == "Error":
            raise self.error(node, joined.error)
        return joined

    def join(self, a: Context, b: Context, node: BranchNode) -> Context:
        if a == b:
            return a
        if replace(a, url_part=b.url_part) == b:
            return replace(a, url_part="Unknown")
        if replace(a, js_ctx=b.js_ctx) == b:
            return replace(a, js_ctx="Unknown")
        nudged_a, nudged_b = nudge(a), nudge(b)
        if not (nudged_a == a and nudged_b == b):
            joined = self.join(nudged_a, nudged_b, node)
            if joined.state != "Error":
                return joined
        return _error(f"{{{{{node.keyword}}}}} branches end in different contexts: {a}, {b}")

    def check_predefined_escapers(self, c: Context, node: ActionNode) -> None:
        commands = node.pipe.commands
        for position, command in enumerate(commands):
            first = command.args[0]
            if isinstance(first, IdentifierNode) and first.name in ("html", "urlquery"):
                if position < len(commands) - 1 or (
                        c.state == "Attr" and c.delim == "SpaceOrTagEnd" and first.name == "html"):
                    raise self.error(node, f'predefined escaper "{first.name}" disallowed in template')

    def merge_predefined(self, node: ActionNode, names: tuple[str, ...]) -> tuple[tuple[str, ...], bool]:
        """A pipeline ending in `html`/`urlquery` hands that call to the escapers (the renderer
        drops it from the pipeline; `{{html .X}}` becomes the printed arguments piped to it).
        Where the context needs an equivalent escaper, the call takes its place, so
        `{{.X | html}}` is not escaped twice. Returns the escapers and whether to drop it."""
        last = node.pipe.commands[-1].args[0]
        if not isinstance(last, IdentifierNode) or last.name not in ("html", "urlquery"):
            return names, False
        if not any(_EQUIVALENT.get(name) == last.name for name in names):
            return (last.name,) + names, True
        return tuple(last.name if _EQUIVALENT.get(name) == last.name else name for name in names), True


def escape_template(name: str, text: str, root: ListNode, definitions: dict) -> None:
    """Rewrite `root` for html/template: text nodes in place, `escapers` on each action.

    Raises TemplateError where html/template would fail to escape (a branch ending in another
    context, a template ending inside a tag) or where tickpy does not follow it (JS, CSS).
    """
    escaper = _Escaper(name, text, definitions)
    end = escaper.escape_list(TEXT, root)
    if end != TEXT:
        raise escaper.plain_error(f"ends in a non-text context: {end}", len(text))
