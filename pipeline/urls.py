"""The one URL policy: what hitmon may ever fetch or store as a link.

Only absolute http(s) URLs with a host, a valid port and no whitespace or control characters. Every
place a URL enters (the sources file, discovered links, feed and sitemap entries, redirects, the
canonical link of a page, a pasted link) asks ``url_problem`` or ``fetchable_url``, so a hostile
feed can never make the crawl read ``file:///etc/passwd`` or a ``data:`` URI.
"""

from __future__ import annotations

import ipaddress
import re
import socket
from urllib.parse import urlsplit

ALLOWED_SCHEMES = frozenset({"http", "https"})
MAX_URL_LENGTH = 2048
_CONTROL_OR_SPACE = re.compile(r"[\x00-\x20\x7f]")


def url_problem(url: object) -> str | None:
    """Why ``url`` may not be fetched, in a few words; None when it may."""
    if not isinstance(url, str) or not url:
        return "empty URL"
    if len(url) > MAX_URL_LENGTH:
        return f"URL longer than {MAX_URL_LENGTH} characters"
    if _CONTROL_OR_SPACE.search(url):
        return "URL contains whitespace or a control character"
    try:
        parts = urlsplit(url)
        port = parts.port  # raises ValueError when out of range or not a number
    except ValueError as exc:
        return f"malformed URL ({exc})"
    scheme = parts.scheme.lower()
    if scheme not in ALLOWED_SCHEMES:
        return f"scheme {scheme + ':' if scheme else '(none)'} is not http or https"
    if not parts.hostname:
        return "URL has no host"
    if port == 0:
        return "port 0 is not a valid port"
    return None


def fetchable_url(url: object) -> str | None:
    """``url`` itself when the policy allows fetching it, else None (for filters over many links)."""
    return url if url_problem(url) is None else None  # type: ignore[return-value]


def is_fetchable(url: object) -> bool:
    return url_problem(url) is None


def private_target_problem(url: str) -> str | None:
    """Why ``url``'s host may not be fetched on an editor's say-so: it names or resolves to a loopback,
    link-local (cloud metadata), private, multicast or unspecified address. None when every address the
    host resolves to is public. Asked where a person types a URL (a pasted link, an admin-added source)
    unless ``web.allow_private_targets``; a name that does not resolve is a problem too."""
    host = urlsplit(url).hostname or ""
    try:
        infos = socket.getaddrinfo(host, None, proto=socket.IPPROTO_TCP)
    except (OSError, UnicodeError):
        return f"cannot resolve host {host!r}"
    for *_, address in infos:
        ip = ipaddress.ip_address(str(address[0]).split("%", 1)[0])
        if not ip.is_global or ip.is_multicast:
            return f"host {host!r} is a loopback, link-local or private address ({ip})"
    return None
