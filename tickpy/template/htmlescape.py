"""The escapers html/template puts at the end of an action's pipeline, by the names
`htmlcontext` chooses. Each takes the action's value and returns the text to write."""

from __future__ import annotations

from tickpy.template.funcs import html_escape_function, urlquery_function
from tickpy.template.gofmt import sprint_value

FILTER_FAILSAFE = "ZgotmplZ"  # what html/template writes for a value it refuses in a context


def stringify(value) -> str:
    """html/template's stringify of one value: nil prints nothing, anything else as %v."""
    if value is None:
        return ""
    return value if isinstance(value, str) else sprint_value(value)


def _table(mapping: dict) -> dict:
    return str.maketrans(mapping)


_HTML_NOSPACE = _table({"\0": "&#xfffd;", "\t": "&#9;", "\n": "&#10;", "\v": "&#11;", "\f": "&#12;",
                        "\r": "&#13;", " ": "&#32;", '"': "&#34;", "&": "&amp;", "'": "&#39;",
                        "+": "&#43;", "<": "&lt;", "=": "&#61;", ">": "&gt;", "`": "&#96;"})


def html_escaper(value) -> str:
    # A chain of replaces is several times faster than translate() on the long JSON texts of
    # Kapacitor's default details; `&` goes first so the entities it adds are not escaped again.
    text = stringify(value)
    if "&" in text:
        text = text.replace("&", "&amp;")
    return (text.replace('"', "&#34;").replace("'", "&#39;").replace("+", "&#43;")
            .replace("<", "&lt;").replace(">", "&gt;").replace("\0", "\ufffd"))


def nospace_escaper(value) -> str:
    return stringify(value).translate(_HTML_NOSPACE)


def is_safe_url(text: str) -> bool:
    """Only http, https and mailto schemes (or none) are safe to put in a URL attribute."""
    protocol, colon, _ = text.partition(":")
    if colon and "/" not in protocol:
        return protocol.lower() in ("http", "https", "mailto")
    return True


def url_filter(value) -> str:
    text = stringify(value)
    return text if is_safe_url(text) else "#" + FILTER_FAILSAFE


_URL_RESERVED = set("!#$&*+,/:;=?@[]")
_URL_UNRESERVED = set("-._~abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")
_HEX = set("0123456789abcdefABCDEF")


def process_url(text: str, normalize: bool) -> str:
    """Percent-encode a URL's bytes; when normalising, keep reserved characters and valid
    `%XX` escapes."""
    data = text.encode("utf-8")
    out: list[str] = []
    for i, byte in enumerate(data):
        char = chr(byte)
        if char in _URL_UNRESERVED or (normalize and char in _URL_RESERVED):
            out.append(char)
        elif normalize and char == "%" and i + 2 < len(data) and chr(data[i + 1]) in _HEX \
                and chr(data[i + 2]) in _HEX:
            out.append(char)
        else:
            out.append(f"%{byte:02x}")
    return "".join(out)


def url_normalizer(value) -> str:
    return process_url(stringify(value), normalize=True)


def url_escaper(value) -> str:
    return process_url(stringify(value), normalize=False)


def html_name_filter(value) -> str:
    from tickpy.template.htmlcontext import attribute_type
    text = stringify(value)
    if not text:
        return FILTER_FAILSAFE
    text = text.lower()
    if attribute_type(text) != "None" or not all(c.isascii() and c.isalnum() for c in text):
        return FILTER_FAILSAFE
    return text


def comment_escaper(value) -> str:
    return ""


_HTML_SPACE = set("\t\n\f\r ")


def srcset_escaper(value) -> str:
    text = stringify(value)
    return ",".join(_srcset_element(part) for part in text.split(","))


def _srcset_element(part: str) -> str:
    start = 0
    while start < len(part) and part[start] in _HTML_SPACE:
        start += 1
    end = len(part)
    for i in range(start, len(part)):
        if part[i] in _HTML_SPACE:
            end = i
            break
    url = part[start:end]
    metadata = part[end:]
    if is_safe_url(url) and all(c in _HTML_SPACE or (c.isascii() and c.isalnum()) for c in metadata):
        return part[:start] + process_url(url, normalize=True) + metadata
    return "#" + FILTER_FAILSAFE


_CSS_REPLACEMENTS = {"\0": "\\0", "\t": "\\9", "\n": "\\a", "\f": "\\c", "\r": "\\d", '"': "\\22",
                     "&": "\\26", "'": "\\27", "(": "\\28", ")": "\\29", "+": "\\2b", "/": "\\2f",
                     ":": "\\3a", ";": "\\3b", "<": "\\3c", ">": "\\3e", "\\": "\\\\", "{": "\\7b",
                     "}": "\\7d"}


def css_escaper(value) -> str:
    """A value inside a CSS string: special characters as CSS hex escapes, with a space after
    one when a hex digit or space follows (so the escape ends where it should)."""
    text = stringify(value)
    out: list[str] = []
    for i, char in enumerate(text):
        replacement = _CSS_REPLACEMENTS.get(char)
        if replacement is None:
            out.append(char)
            continue
        out.append(replacement)
        following = text[i + 1:i + 2]
        if replacement != "\\\\" and (not following or following in "0123456789abcdefABCDEF\t\n\f\r "):
            out.append(" ")
    return "".join(out)


def css_value_filter(value) -> str:
    """A value as a CSS property value: refused (ZgotmplZ) if it could break out of the value or
    run code. `<` and `>` are refused too, as Go has done since 1.20.4."""
    from tickpy.template.htmlcontext import decode_css
    text = decode_css(stringify(value))
    name_chars = []
    for i, char in enumerate(text):
        if char in "\0\"'()/;@[\\]`{}<>":
            return FILTER_FAILSAFE
        if char == "-" and i != 0 and text[i - 1] == "-":
            return FILTER_FAILSAFE
        if char.isascii() and (char.isalnum() or char in "-_"):
            name_chars.append(char)
    identifier = "".join(name_chars).lower()
    if "expression" in identifier or "mozbinding" in identifier:
        return FILTER_FAILSAFE
    return text


_LOW_UNICODE = {chr(code): f"\\u{code:04x}" for code in range(0x20)}
_LOW_UNICODE.update({"\t": "\\t", "\n": "\\n", "\f": "\\f", "\r": "\\r"})
_SEPARATORS = {"\u2028": "\\u2028", "\u2029": "\\u2029"}
_JS_STRING = str.maketrans({**_LOW_UNICODE, **_SEPARATORS, '"': "\\u0022", "`": "\\u0060", "&": "\\u0026",
                            "'": "\\u0027", "+": "\\u002b", "/": "\\/", "<": "\\u003c", ">": "\\u003e",
                            "\\": "\\\\"})
_JS_REGEXP = str.maketrans({**_LOW_UNICODE, **_SEPARATORS, '"': "\\u0022", "$": "\\$", "&": "\\u0026",
                            "'": "\\u0027", "(": "\\(", ")": "\\)", "*": "\\*", "+": "\\u002b", "-": "\\-",
                            ".": "\\.", "/": "\\/", "<": "\\u003c", ">": "\\u003e", "?": "\\?", "[": "\\[",
                            "\\": "\\\\", "]": "\\]", "^": "\\^", "{": "\\{", "|": "\\|", "}": "\\}"})


def js_string_escaper(value) -> str:
    """A value inside a JavaScript string literal."""
    return stringify(value).translate(_JS_STRING)


def js_regexp_escaper(value) -> str:
    """A value inside a JavaScript regular expression literal (`(?:)` when empty)."""
    return stringify(value).translate(_JS_REGEXP) or "(?:)"


def js_value_escaper(value) -> str:
    """A value where JavaScript expects an expression: its JSON (times as RFC3339 strings,
    durations by their String method), padded with spaces when it starts or ends like a name,
    so `x={{.N}}in y` cannot glue tokens together. Text typed as JavaScript (Kapacitor's json
    function) is written as it is."""
    from tickpy.handlers import gojson
    from tickpy.template.funcs import JSText, json_ready
    from tickpy.template.gofmt import is_stringer, stringer_text
    from tickpy.data.values import Timestamp
    if isinstance(value, JSText):
        return str(value)
    if is_stringer(value) and not isinstance(value, Timestamp):  # time.Time marshals itself
        value = stringer_text(value)
    try:
        text = gojson.marshal(json_ready(value))
    except gojson.GoJSONError as problem:
        return f" /* {str(problem).replace('*/', '* /')} */null "
    if not text:
        return " null "
    from tickpy.template.htmlcontext import _is_js_ident_part
    if _is_js_ident_part(text[0]) or _is_js_ident_part(text[-1]):
        return " " + text + " "
    return text


ESCAPERS = {
    "jsvalescaper": js_value_escaper,
    "jsstrescaper": js_string_escaper,
    "jsregexpescaper": js_regexp_escaper,
    "cssescaper": css_escaper,
    "cssvaluefilter": css_value_filter,
    "htmlescaper": html_escaper,
    "rcdataescaper": html_escaper,
    "attrescaper": html_escaper,
    "nospaceescaper": nospace_escaper,
    "urlfilter": url_filter,
    "urlnormalizer": url_normalizer,
    "urlescaper": url_escaper,
    "htmlnamefilter": html_name_filter,
    "commentescaper": comment_escaper,
    "srcsetescaper": srcset_escaper,
    # text/template's own escapers when a pipeline ends in them (see htmlcontext.merge_predefined)
    "html": lambda value: html_escape_function(value),
    "urlquery": lambda value: urlquery_function(value),
}
