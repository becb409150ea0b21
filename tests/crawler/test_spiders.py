"""The spider's parse methods on saved responses, without a crawl: what each index page leads to."""

from __future__ import annotations

from scrapy.http import HtmlResponse, Request, Response, XmlResponse

from crawler.spiders import CrawlSource, SourcesSpider, SpiderPlan
from crawler.tally import CrawlTally
from pipeline.store.sources import SourceOptions

SITE = "http://wsjkw.example.gov.cn"
LISTING = f"{SITE}/xxgk/gzdt/index.shtml"
HEADLINES = [f"省卫生健康委部署全民健康信息平台建设第{n}项工作" for n in range(1, 6)]


def spider(*sources: CrawlSource, known: set[str] | None = None) -> SourcesSpider:
    plan = SpiderPlan(list(sources), CrawlTally(), known or set(), {}, max_pages=3, obey_robots=True)
    return SourcesSpider(plan=plan)


def response(
    kind: type[Response], url: str, body: str, source: str, page: int = 1, status: int = 200
) -> Response:
    request = Request(url, meta={"source": source, "page": page})
    return kind(url=url, body=body.encode(), encoding="utf-8", request=request, status=status)


def listing_page() -> str:
    items = "".join(
        f"<li><a href='/xxgk/gzdt/2018{n:02d}/t2018042{n}_{n}.shtml'>{title}</a>"
        f"<span>2018-04-2{n}</span></li>"
        for n, title in enumerate(HEADLINES, start=1)
    )
    nav = "<div class='nav'><a href='/'>首页</a><a href='/xxgk/'>信息公开</a></div>"
    pager = "<script>createPageHTML(3, 0, 'index', 'shtml');</script>"
    body = f"{nav}<ul class='list'>{items}</ul>{pager}"
    return f"<html><head><title>工作动态</title></head><body>{body}</body></html>"


def test_a_listing_leads_to_its_articles_and_its_next_page() -> None:
    source = CrawlSource("江南省卫健委", "listing", LISTING)
    crawl = spider(source, known={f"{SITE}/xxgk/gzdt/201801/t20180421_1.shtml"})
    out = list(crawl.parse_listing(response(HtmlResponse, LISTING, listing_page(), source.name)))
    articles = [r.url for r in out if r.meta.get("article")]
    pages = [r for r in out if not r.meta.get("article")]
    # the stored article is not asked for again; the menu is no article
    assert articles == [f"{SITE}/xxgk/gzdt/2018{n:02d}/t2018042{n}_{n}.shtml" for n in range(2, 6)]
    assert [(r.url, r.meta["page"]) for r in pages] == [(f"{SITE}/xxgk/gzdt/index_1.shtml", 2)]
    assert crawl.tally[source.name].pages == 1


def test_a_link_pattern_decides_and_no_next_page_past_max_pages() -> None:
    options = SourceOptions(link_pattern=r"_[24]\.shtml$")
    source = CrawlSource("江南省卫健委", "listing", LISTING, options=options)
    last_page = response(HtmlResponse, LISTING, listing_page(), source.name, page=3)
    out = list(spider(source).parse_listing(last_page))
    assert [r.url.rsplit("/", 1)[1] for r in out] == ["t20180422_2.shtml", "t20180424_4.shtml"]


def test_a_feed_leads_to_its_entries_and_refuses_local_files() -> None:
    feed = f"""<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>健康江南</title>
    <item><title>{HEADLINES[0]}</title><link>https://mp.weixin.qq.com/s/abc</link></item>
    <item><title>本地文件</title><link>file:///etc/passwd</link></item>
    <item><title>{HEADLINES[1]}</title><link>https://mp.weixin.qq.com/s/def</link></item>
    </channel></rss>"""
    source = CrawlSource("健康江南", "feed", f"{SITE}/feed.xml")
    crawl = spider(source)
    out = list(crawl.parse_feed(response(XmlResponse, source.url, feed, source.name)))
    assert [r.url for r in out] == ["https://mp.weixin.qq.com/s/abc", "https://mp.weixin.qq.com/s/def"]
    assert out[0].meta["feed_entry"]["title"] == HEADLINES[0] and out[0].meta["feed_entry"]["title_only_ok"]
    assert crawl.tally[source.name].dropped["RefusedURL"] == 1


def test_a_challenge_leads_nowhere_and_blocks_its_source() -> None:
    source = CrawlSource("江南省卫健委", "listing", LISTING)
    crawl = spider(source)
    challenge = "<html><script>document.cookie='__jsl_clearance=1';location.reload()</script></html>"
    answered = response(HtmlResponse, LISTING, challenge, source.name, status=412)
    assert list(crawl.parse_listing(answered)) == []
    assert crawl.tally[source.name].blocked_reason
