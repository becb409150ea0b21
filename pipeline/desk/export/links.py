"""Which crawled links may become clickable: http(s) only, so no ``javascript:`` reaches a reader."""

from __future__ import annotations

import re
from urllib.parse import quote, urlsplit

_UNSAFE_IN_LINK = re.compile(r"[\s<>\"'`\\]")


def is_web_link(url: str) -> bool:
    """An absolute http(s) URL with a host and nothing that could break out of a link's markup."""
    if not url or _UNSAFE_IN_LINK.search(url):
        return False
    try:
        parts = urlsplit(url)
    except ValueError:  # e.g. a malformed IPv6 host
        return False
    return parts.scheme.lower() in {"http", "https"} and bool(parts.netloc)


def ascii_target(url: str) -> str:
    """The URL with non-ASCII characters percent-encoded, as a Word relationship target wants it."""
    return quote(url, safe="".join(chr(code) for code in range(0x21, 0x7F)))
