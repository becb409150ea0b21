"""The cookies and user agent the browser earned for each site, handed back to plain Scrapy requests.

One jar per crawl (the middleware owns it). A challenge cookie is bound to the user agent that computed
it, so the two are kept and sent together."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit


@dataclass(frozen=True)
class SitePass:
    cookies: dict[str, str]
    user_agent: str
    version: int  # grows each time the browser clears the site again

    def cookie_header(self) -> str:
        return "; ".join(f"{name}={value}" for name, value in self.cookies.items())


class SiteCookieJar:
    """site (scheme://host:port) -> the browser's pass for it."""

    def __init__(self) -> None:
        self._passes: dict[str, SitePass] = {}

    def get(self, url: str) -> SitePass | None:
        return self._passes.get(site_of(url))

    def update(self, url: str, cookies: dict[str, str], user_agent: str) -> SitePass:
        previous = self._passes.get(site_of(url))
        earned = SitePass(dict(cookies), user_agent, previous.version + 1 if previous else 1)
        self._passes[site_of(url)] = earned
        return earned


def site_of(url: str) -> str:
    """Browsers keep cookies per host; the port is kept too so two test servers on one host stay apart."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc.lower()}"
