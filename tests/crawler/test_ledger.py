"""The crawl ledger: which listings may keep their validators, and how a crawl ended."""

from __future__ import annotations

from crawler.ledger import CrawlLedger

LISTING = "http://gov.example/news/index.shtml"
PAGE_2 = "http://gov.example/news/index_1.shtml"
ARTICLES = [f"http://gov.example/news/t2018042{n}_1.shtml" for n in range(3)]


def read_two_pages(ledger: CrawlLedger) -> None:
    ledger.index_read(LISTING, LISTING, [ARTICLES[0], ARTICLES[1], PAGE_2])
    ledger.index_read(PAGE_2, PAGE_2, [ARTICLES[2]])


def settle_all(ledger: CrawlLedger, urls: list[str]) -> None:
    for url in urls:
        ledger.entered(url)
        ledger.settle(url)


def test_a_listing_is_complete_once_every_article_behind_it_is_settled() -> None:
    ledger = CrawlLedger()
    read_two_pages(ledger)
    settle_all(ledger, ARTICLES[:2])
    assert not ledger.complete(LISTING)  # page 2's article is still outstanding
    settle_all(ledger, ARTICLES[2:])
    assert ledger.complete(LISTING) and ledger.complete(PAGE_2)
    assert ledger.status("finished") == ("finished", None)


def test_a_failed_article_or_an_unread_next_page_keeps_the_listing_incomplete() -> None:
    ledger = CrawlLedger()
    read_two_pages(ledger)
    settle_all(ledger, ARTICLES[1:])
    ledger.entered(ARTICLES[0])
    ledger.fail(ARTICLES[0])
    assert not ledger.complete(LISTING) and ledger.complete(PAGE_2)

    unread = CrawlLedger()
    unread.index_read(LISTING, LISTING, [ARTICLES[0], PAGE_2])
    settle_all(unread, ARTICLES[:1])
    assert not unread.complete(LISTING)


def test_redirected_articles_and_pages_are_followed_and_cycles_end() -> None:
    ledger = CrawlLedger()
    moved = "http://gov.example/news/moved.shtml"
    ledger.index_read(LISTING, LISTING, [ARTICLES[0], PAGE_2])
    ledger.index_read(PAGE_2, PAGE_2 + "?redirected", [LISTING])  # page 2 links back to page 1
    ledger.article_fetched(ARTICLES[0], moved)  # the article answered from elsewhere
    ledger.entered(moved)
    ledger.settle(moved)
    assert ledger.complete(LISTING)


def test_how_a_crawl_ended() -> None:
    assert CrawlLedger().status(None)[0] == "failed"
    assert CrawlLedger().status("shutdown") == ("interrupted", "stopped (shutdown) with requests left")
    pending = CrawlLedger()
    pending.entered(ARTICLES[0])
    assert pending.status("finished") == ("interrupted", "1 fetched page(s) not processed")
    full = CrawlLedger()
    full.interrupt("storing articles failed: database or disk is full")
    assert full.status("finished") == ("interrupted", "storing articles failed: database or disk is full")


def test_a_distributed_worker_never_knows_a_listing_complete() -> None:
    ledger = CrawlLedger(tracks_listings=False)
    ledger.index_read(LISTING, LISTING, [])
    assert not ledger.complete(LISTING)
