"""A health-IT trade-media site (/hit/) shaped like WordPress: /hit/, /hit/page/2/, /hit/N.html."""

from __future__ import annotations

from collections.abc import Sequence

from hitmon.samplesite.articles import SampleArticle
from hitmon.samplesite.page import Page, html_page, newest
from hitmon.samplesite.sites import HIT_ROOT, HIT_SITE_NAME

ITEMS_PER_PAGE = 7
POPULAR_ITEMS = 5
RELATED_ITEMS = 4
NEWS_CATEGORY = f"{HIT_ROOT}category/news/"
ABOUT = f"{HIT_ROOT}about/"


def listing_path(number: int) -> str:
    """WordPress pagination: /hit/ then /hit/page/2/, /hit/page/3/, ..."""
    return HIT_ROOT if number == 1 else f"{HIT_ROOT}page/{number}/"


def render_hit(base_url: str, articles: Sequence[SampleArticle]) -> dict[str, Page]:
    own = sorted((a for a in articles if a.site == "hit"), key=lambda a: a.published, reverse=True)
    popular = [a for a in own if a.health_it][:POPULAR_ITEMS]
    common = {"base_url": base_url, "site_name": HIT_SITE_NAME, "popular": popular}
    chunks = [own[i : i + ITEMS_PER_PAGE] for i in range(0, len(own), ITEMS_PER_PAGE)]
    page_links = [(number, listing_path(number)) for number in range(1, len(chunks) + 1)]
    pages = {}
    for number, items in enumerate(chunks, start=1):
        pages[listing_path(number)] = html_page(
            "hit_listing.html.j2",
            newest(a.published for a in items),
            items=items,
            url=base_url + listing_path(number),
            page_number=number,
            page_links=page_links,
            previous_page=listing_path(number - 1) if number > 1 else None,
            next_page=listing_path(number + 1) if number < len(chunks) else None,
            **common,
        )
    pages[NEWS_CATEGORY] = html_page(
        "hit_listing.html.j2",
        newest(a.published for a in own),
        items=own,
        url=base_url + NEWS_CATEGORY,
        page_number=1,
        page_links=[],
        previous_page=None,
        next_page=None,
        **common,
    )
    pages[ABOUT] = html_page("hit_about.html.j2", newest(a.published for a in own), **common)
    for article in own:
        related = [a for a in own if a.health_it == article.health_it and a is not article][:RELATED_ITEMS]
        pages[article.path] = html_page(
            "hit_article.html.j2",
            article.published,
            article=article,
            url=article.canonical_url(base_url),
            keywords="医疗信息化,HIT" if article.health_it else "信息技术",
            related=related,
            **common,
        )
    return pages
