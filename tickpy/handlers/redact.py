"""Keeping secrets out of everything tickpy prints.

Pushover tokens and user keys, Discord webhook URLs (the URL *is* the credential) and HTTP basic
auth passwords must never show up in a log line, an error message, a dry-run listing or the run
summary. Rather than trusting every message to leave them out, each outgoing request carries the
list of secrets it was built from, and every text about that request passes through `redact()`.

A secret is also matched in its URL-encoded spellings, because that is how it appears inside a
form-encoded body or a query string.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass
from urllib.parse import quote, quote_plus, urlsplit

MASK = "***"


@dataclass(frozen=True)
class Secret:
    """A secret value and the text that stands for it in output."""

    value: str
    replacement: str = MASK


def secret(value: str | None) -> list[Secret]:
    """The secret as a list (empty when there is nothing to hide), ready to concatenate."""
    if not value:
        return []
    return [Secret(value)]


def url_secret(url: str | None) -> list[Secret]:
    """A URL whose path and query are the credential (a Discord webhook, a tokenised endpoint).

    It is shown as its scheme and host followed by `/***`, so a reader still sees where a request
    went, but not the part that lets anyone post to it.
    """
    if not url:
        return []
    try:
        parts = urlsplit(url)
    except ValueError:  # `http://[::1`: not a URL; hide all of it
        return [Secret(url)]
    found = [Secret(url, redact_url(url))]
    path_and_query = parts.path + (f"?{parts.query}" if parts.query else "")
    if len(path_and_query) > 1:
        found.append(Secret(path_and_query, "/" + MASK))
    # The last segment alone is the webhook token: it can come back quoted in an error body.
    last_segment = parts.path.rstrip("/").rsplit("/", 1)[-1]
    if len(last_segment) >= 8:
        found.append(Secret(last_segment))
    if parts.query:
        found.append(Secret(parts.query))
    return found


def basic_auth_secrets(username: str, password: str) -> list[Secret]:
    """The password and the base64 `Authorization` credential built from it."""
    if not password:
        return []
    token = base64.b64encode(f"{username}:{password}".encode()).decode()
    return [Secret(token), Secret(password)]


def redact_url(url: str) -> str:
    """`https://discord.com/***` for `https://discord.com/api/webhooks/1/abc`."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:  # an unclosed IPv6 bracket, a port out of range: nothing safe to show
        return MASK
    if not parts.scheme or not parts.hostname:
        return MASK
    host = parts.hostname
    if ":" in host:
        host = f"[{host}]"
    if port:
        host += f":{port}"
    return f"{parts.scheme}://{host}/{MASK}"


def redact(text: str, secrets: list[Secret] | tuple[Secret, ...]) -> str:
    """`text` with every spelling of every secret replaced; longest secrets first.

    Longest first, so that a webhook URL is replaced as a whole before a shorter secret that
    happens to be part of it.
    """
    if not text:
        return text
    spellings: list[tuple[str, str]] = []
    for item in secrets:
        for spelling in _spellings(item.value):
            spellings.append((spelling, item.replacement))
    for spelling, replacement in sorted(spellings, key=lambda pair: len(pair[0]), reverse=True):
        if spelling:
            text = text.replace(spelling, replacement)
    return text


def _spellings(value: str) -> set[str]:
    return {value, quote_plus(value, safe=""), quote(value, safe=""), quote(value, safe="/:")}
