"""Which hosts a source's links may lead to: its own site, WeChat articles, and the domains it allows.

"Same site" is the registrable domain (``news.qq.com`` and ``new.qq.com`` are both ``qq.com``), read from
the Public Suffix List snapshot that ships inside ``tldextract``; nothing is downloaded at run time.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from urllib.parse import urlsplit

import tldextract

WECHAT_HOSTS = frozenset({"mp.weixin.qq.com", "weixin.qq.com"})


@functools.cache
def _suffix_list() -> tldextract.TLDExtract:
    # suffix_list_urls=() and no cache: the bundled snapshot only, never a fetch or a write.
    return tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None)


def registrable_domain(host: str) -> str:
    """``qq.com`` for ``news.qq.com``; the host itself for IP addresses, ``localhost`` and bare names."""
    host = host.lower().rstrip(".")
    parts = _suffix_list()(host)
    # tldextract 5.3 renamed registered_domain to top_domain_under_public_suffix.
    if hasattr(parts, "top_domain_under_public_suffix"):
        return parts.top_domain_under_public_suffix or host
    return parts.registered_domain or host


def is_wechat_article(url: str) -> bool:
    parts = urlsplit(url)
    return (parts.hostname or "") in WECHAT_HOSTS and (
        parts.path.startswith("/s/") or parts.path == "/s" or parts.path.startswith("/mp/appmsg")
    )


@dataclass(frozen=True, slots=True)
class HostPolicy:
    """The hosts a listing's article links may be on, decided once per listing page."""

    site_host: str
    allow_domains: tuple[str, ...] = ()

    @classmethod
    def for_page(cls, page_url: str, allow_domains: tuple[str, ...] | list[str] = ()) -> HostPolicy:
        domains = tuple(domain.lower().strip(".") for domain in allow_domains if domain.strip("."))
        return cls(site_host=(urlsplit(page_url).hostname or "").lower(), allow_domains=domains)

    def problem(self, url: str) -> str | None:
        """Why ``url``'s host is not followed from this source; None when it is."""
        host = (urlsplit(url).hostname or "").lower()
        if host == self.site_host or is_wechat_article(url):
            return None
        if registrable_domain(host) == registrable_domain(self.site_host):
            return None
        if any(host == domain or host.endswith("." + domain) for domain in self.allow_domains):
            return None
        return f"another site ({host}), not in allow_domains"
