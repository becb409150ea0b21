"""The whole sample site rendered for one base URL, and a server that serves it."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from hitmon.samplesite.articles import load_sample_articles
from hitmon.samplesite.gov import render_gov
from hitmon.samplesite.hit import render_hit
from hitmon.samplesite.page import Page, html_page, newest, text_page
from hitmon.samplesite.server import RunningServer, serve_rendered
from hitmon.samplesite.sites import GOV_SITE_NAME, HIT_SITE_NAME
from hitmon.samplesite.wechat import render_wechat

ROBOTS_TXT = "User-agent: *\nDisallow: /private/\n"


def render_site(base_url: str) -> dict[str, Page]:
    """Every path of the site (``/wsjkw/...``, ``/wechat/...``, ``/hit/...``) rendered for ``base_url``.

    The same base URL gives the same bytes on every run.
    """
    base = base_url.rstrip("/")
    articles = load_sample_articles()
    updated = newest(article.published for article in articles)
    pages = {
        "/": html_page(
            "index.html.j2", updated, base_url=base, gov_name=GOV_SITE_NAME, hit_name=HIT_SITE_NAME
        ),
        "/robots.txt": text_page(ROBOTS_TXT, updated),
        "/private/": html_page("private.html.j2", updated),
    }
    for part in (render_gov(base, articles), render_wechat(base, articles), render_hit(base, articles)):
        clash = pages.keys() & part.keys()
        if clash:
            raise ValueError(f"two pages claim {sorted(clash)}")
        pages.update(part)
    return dict(sorted(pages.items()))


@contextmanager
def serve_sample_site(host: str = "127.0.0.1", port: int = 0) -> Iterator[RunningServer]:
    """Serve the sample site on ``host:port`` (0: any free port), rendered for the address it got."""
    with serve_rendered(render_site, host=host, port=port) as server:
        yield server
