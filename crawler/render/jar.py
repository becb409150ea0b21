"""The cookies and user agent the browser earned for each site, handed back to plain Scrapy requests.

One jar per crawl (the middleware owns it). A challenge cookie is bound to the user agent that computed
it, so the two are kept and sent together. The workers of a distributed crawl share their passes through
the frontier (``SharedPasses``): a site one worker cleared goes out plainly from every other worker too,
instead of each worker starting Chromium and clearing it again."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from typing import Protocol
from urllib.parse import urlsplit


@dataclass(frozen=True)
class SitePass:
    cookies: dict[str, str]
    user_agent: str
    version: int  # grows each time the browser clears the site again

    def cookie_header(self) -> str:
        return "; ".join(f"{name}={value}" for name, value in self.cookies.items())

    def to_bytes(self) -> bytes:
        return json.dumps(asdict(self), ensure_ascii=False).encode("utf-8")

    @classmethod
    def from_bytes(cls, data: bytes) -> SitePass | None:
        """None for anything but a pass this class wrote (a key left by another version, say)."""
        try:
            fields = json.loads(data)
            return cls(dict(fields["cookies"]), str(fields["user_agent"]), int(fields["version"]))
        except (ValueError, TypeError, KeyError):
            return None


class SharedPasses(Protocol):
    """Where the workers of one distributed crawl keep their passes (crawler.redis_frontier.Frontier)."""

    def site_pass(self, site: str) -> bytes | None: ...

    def keep_site_pass(self, site: str, data: bytes) -> None: ...


class SiteCookieJar:
    """site (scheme://host:port) -> the browser's pass for it; with ``shared``, the newest any worker has."""

    def __init__(self, shared: SharedPasses | None = None) -> None:
        self._passes: dict[str, SitePass] = {}
        self.shared = shared

    def get(self, url: str) -> SitePass | None:
        site = site_of(url)
        if self.shared is not None and (data := self.shared.site_pass(site)) is not None:
            found = SitePass.from_bytes(data)
            if found is not None:
                self._passes[site] = found
        return self._passes.get(site)

    def update(self, url: str, cookies: dict[str, str], user_agent: str) -> SitePass:
        previous = self.get(url)
        earned = SitePass(dict(cookies), user_agent, previous.version + 1 if previous else 1)
        self._passes[site_of(url)] = earned
        if self.shared is not None:
            self.shared.keep_site_pass(site_of(url), earned.to_bytes())
        return earned


def site_of(url: str) -> str:
    """Browsers keep cookies per host; the port is kept too so two test servers on one host stay apart."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc.lower()}"
