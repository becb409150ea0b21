"""The bundled sample site: its data, its pages as a crawler sees them over HTTP, and the static server."""

from __future__ import annotations

import http.client
import re
import urllib.error
import urllib.request
import urllib.robotparser
import xml.etree.ElementTree as ET
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest
import yaml

from hitmon.samplesite import (
    Page,
    RunningServer,
    load_sample_articles,
    render_site,
    serve_pages,
    serve_sample_site,
    sources_yaml,
)
from hitmon.samplesite.articles import ARTICLES_FILE, SampleArticle
from pipeline.errors import InputError

ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture(scope="module")
def site() -> Iterator[RunningServer]:
    with serve_sample_site() as running:
        yield running


@pytest.fixture(scope="module")
def articles() -> list[SampleArticle]:
    return load_sample_articles()


def fetch(url: str, headers: dict[str, str] | None = None, method: str = "GET") -> tuple[int, dict, bytes]:
    request = urllib.request.Request(url, headers=headers or {}, method=method)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[tuple[str, str]] = []  # (href, text)
        self._open: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        href = dict(attrs).get("href")
        if tag == "a" and href:
            self.links.append((href, ""))
            self._open = [href]

    def handle_data(self, data: str) -> None:
        if self._open is not None:
            href, text = self.links[-1]
            self.links[-1] = (href, text + data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "a":
            self._open = None


def links_of(page_url: str, body: bytes) -> list[tuple[str, str]]:
    """Absolute link targets and their texts, as a crawler resolves them."""
    parser = _Links()
    parser.feed(body.decode("utf-8"))
    return [(urljoin(page_url, href), text.strip()) for href, text in parser.links]


def crawl_listing(start: str, pattern: str, max_pages: int) -> tuple[set[str], int]:
    """Follow 下一页 from ``start``; the article links (matching ``pattern``) found, and pages visited."""
    found: set[str] = set()
    url: str | None = start
    visited = 0
    while url and visited < max_pages:
        status, _, body = fetch(url)
        assert status == 200, url
        visited += 1
        links = links_of(url, body)
        found |= {href for href, _ in links if re.search(pattern, urlsplit(href).path)}
        url = next((href for href, text in links if text == "下一页"), None)
    return found, visited


def feed_links(url: str) -> list[str]:
    status, _, body = fetch(url)
    assert status == 200
    root = ET.fromstring(body)
    if root.tag == f"{ATOM}feed":
        return [entry.find(f"{ATOM}link").get("href") for entry in root.iter(f"{ATOM}entry")]
    return [item.findtext("link") for item in root.iter("item")]


# ---------------------------------------------------------------- the data


def test_articles_span_two_iso_weeks_with_a_weekend_item(articles):
    assert 44 <= len(articles) <= 50
    weeks = Counter(article.iso_week for article in articles)
    assert set(weeks) == {"2018-W16", "2018-W17"}
    assert min(weeks.values()) >= 15
    assert any(article.published.isoweekday() >= 6 for article in articles)


def test_about_half_are_health_it_and_w17_has_six_to_nine(articles):
    flagged = [article for article in articles if article.health_it]
    assert 0.4 <= len(flagged) / len(articles) <= 0.6
    assert 6 <= sum(article.iso_week == "2018-W17" for article in flagged) <= 9


def test_every_site_kind_has_articles_of_realistic_length(articles):
    assert Counter(article.site for article in articles).keys() == {"gov", "wechat", "hit"}
    for article in articles:
        assert 3 <= len(article.paragraphs) <= 8, article.id
        assert 300 <= len(article.text) <= 1500, article.id


def test_reprints_follow_their_original_within_two_days(articles):
    by_id = {article.id: article for article in articles}
    reprints = [article for article in articles if article.reprint_of]
    kinds = {(by_id[r.reprint_of].site, r.site) for r in reprints}
    assert {("gov", "hit"), ("hit", "wechat")} <= kinds
    for reprint in reprints:
        original = by_id[reprint.reprint_of]
        assert timedelta(0) < reprint.published - original.published <= timedelta(days=2)
        assert reprint.health_it == original.health_it
    gov_to_hit = next(r for r in reprints if (by_id[r.reprint_of].site, r.site) == ("gov", "hit"))
    assert gov_to_hit.media == by_id[gov_to_hit.reprint_of].media


def test_exactly_one_gbk_page_and_it_is_a_government_page(articles):
    assert [(a.site, a.encoding) for a in articles if a.encoding != "utf-8"] == [("gov", "gbk")]


def test_loader_names_the_entry_of_a_bad_reprint(tmp_path: Path):
    data = yaml.safe_load(ARTICLES_FILE.read_text(encoding="utf-8"))
    data["articles"][3]["reprint_of"] = "no-such-id"
    broken = tmp_path / "articles.yaml"
    broken.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(InputError) as caught:
        load_sample_articles(broken)
    assert caught.value.field == "articles[3].reprint_of"


def test_loader_rejects_a_gov_id_that_does_not_carry_the_date(tmp_path: Path):
    data = yaml.safe_load(ARTICLES_FILE.read_text(encoding="utf-8"))
    first_gov = next(i for i, entry in enumerate(data["articles"]) if entry["site"] == "gov")
    data["articles"][first_gov]["id"] = "t20170101_1"
    broken = tmp_path / "articles.yaml"
    broken.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(InputError, match="publish date"):
        load_sample_articles(broken)


# ---------------------------------------------------------------- rendering


def test_rendering_is_deterministic_and_uses_the_base_url():
    first, second = render_site("http://127.0.0.1:1234"), render_site("http://127.0.0.1:1234/")
    assert first == second
    other = render_site("http://127.0.0.1:4321")
    assert b"127.0.0.1:4321" in other["/hit/"].body and b"127.0.0.1:1234" not in other["/hit/"].body


def test_every_article_is_reachable_from_a_listing_or_feed(site, articles):
    sources = yaml.safe_load(sources_yaml(site.base_url))["sources"]
    found: set[str] = set()
    for source in sources:
        if source["kind"] == "listing":
            links, visited = crawl_listing(source["url"], source["link_pattern"], source["max_pages"])
            assert visited >= 2, source["name"]
            found |= links
        else:
            found |= set(feed_links(source["url"]))
    assert found == {article.url(site.base_url) for article in articles}


def test_gov_column_paginates_the_trs_way(site):
    status, _, body = fetch(f"{site.base_url}/wsjkw/xxgk/gzdt/index.shtml")
    text = body.decode("utf-8")
    assert status == 200
    assert 'createPageHTML(3, 0, "index", "shtml");' in text
    assert re.search(
        r'<li><a href="\./201804/t20180427_\d+\.shtml"[^>]*>[^<]+</a><span>2018-04-27</span></li>', text
    )
    assert fetch(f"{site.base_url}/wsjkw/xxgk/gzdt/index_2.shtml")[0] == 200
    assert fetch(f"{site.base_url}/wsjkw/xxgk/gzdt/index_3.shtml")[0] == 404


def test_site_navigation_is_served_but_never_matches_the_article_pattern(site):
    url = f"{site.base_url}/wsjkw/xxgk/gzdt/index.shtml"
    pattern = yaml.safe_load(sources_yaml(site.base_url))["sources"][0]["link_pattern"]
    _, _, body = fetch(url)
    navigation = [href for href, _ in links_of(url, body) if not re.search(pattern, href)]
    for text in ("网站地图", "联系我们"):
        assert any(label == text for _, label in links_of(url, body))
    for href in {href for href in navigation if href.startswith(site.base_url)}:
        assert fetch(href)[0] == 200, href


def test_gov_article_carries_trs_metadata(site, articles):
    article = next(a for a in articles if a.site == "gov" and a.encoding == "utf-8")
    _, headers, body = fetch(article.url(site.base_url))
    text = body.decode("utf-8")
    stamp = article.published.strftime("%Y-%m-%d %H:%M")
    assert f'<meta name="PubDate" content="{stamp}" />' in text
    assert f'<meta name="ContentSource" content="{article.media}" />' in text
    assert f"<title>{article.title}_江南省卫生健康委员会</title>" in text
    assert f"发布时间：{stamp}　来源：{article.media}　字号：" in text
    assert '<div class="TRS_Editor">' in text and "【<a" in text and "责任编辑：" in text
    assert headers["Content-Type"] == "text/html; charset=utf-8"


def test_the_gbk_page_is_gbk_declared_only_in_its_meta(site, articles):
    article = next(a for a in articles if a.encoding == "gbk")
    status, headers, body = fetch(article.url(site.base_url))
    assert status == 200
    assert headers["Content-Type"] == "text/html"
    with pytest.raises(UnicodeDecodeError):
        body.decode("utf-8")
    text = body.decode("gbk")
    assert '<meta http-equiv="Content-Type" content="text/html; charset=gbk" />' in text
    assert article.title in text and article.paragraphs[-1] in text


def test_wechat_pages_look_like_mp_weixin_and_carry_the_publish_time(site, articles):
    for article in (a for a in articles if a.site == "wechat"):
        _, _, body = fetch(article.url(site.base_url))
        text = body.decode("utf-8")
        canonical = f"https://mp.weixin.qq.com/s/{article.id}"
        assert int(re.search(r'var ct = "(\d+)";', text).group(1)) == int(article.published.timestamp())
        assert f'var nickname = "{article.media}";' in text
        assert f'var msg_link = "{canonical}";' in text
        assert f'<meta property="og:url" content="{canonical}">' in text
        assert article.canonical_url(site.base_url) == canonical
        assert re.search(rf'id="js_name">\s*{article.media}\s*</a>', text)
        assert '<div class="rich_media_content" id="js_content"' in text and "data-src=" in text


def test_feeds_are_titled_by_account_and_dated(site, articles):
    feeds = [s for s in yaml.safe_load(sources_yaml(site.base_url))["sources"] if s["kind"] == "feed"]
    assert [urlsplit(feed["url"]).path.rsplit(".", 1)[1] for feed in feeds] == ["atom", "rss"]
    atom = ET.fromstring(fetch(feeds[0]["url"])[2])
    assert atom.findtext(f"{ATOM}title") == feeds[0]["name"]
    published = [e.findtext(f"{ATOM}published") for e in atom.iter(f"{ATOM}entry")]
    expected = [a for a in articles if a.media == feeds[0]["name"]]
    assert sorted(datetime.fromisoformat(p) for p in published) == sorted(a.published for a in expected)
    rss = ET.fromstring(fetch(feeds[1]["url"])[2])
    assert rss.findtext("channel/title") == feeds[1]["name"]
    assert all(item.findtext("pubDate") and item.findtext("author") for item in rss.iter("item"))


def test_hit_article_declares_itself_canonical_and_names_its_source(site, articles):
    by_id = {a.id: a for a in articles}
    reprint = next(a for a in articles if a.site == "hit" and a.reprint_of)
    _, _, body = fetch(reprint.url(site.base_url))
    text = body.decode("utf-8")
    assert f'<link rel="canonical" href="{reprint.canonical_url(site.base_url)}">' in text
    assert f"来源：{by_id[reprint.reprint_of].media}" in text
    assert '<div class="article-content">' in text and "相关阅读" in text and 'id="comments"' in text


def test_listing_of_hit_has_a_second_page(site):
    status, _, body = fetch(f"{site.base_url}/hit/")
    links = links_of(f"{site.base_url}/hit/", body)
    assert status == 200
    assert (f"{site.base_url}/hit/page/2/", "下一页") in links


# ---------------------------------------------------------------- the server


def test_repeated_conditional_requests_get_304(site):
    url = f"{site.base_url}/hit/31078.html"
    status, headers, body = fetch(url)
    assert status == 200 and body
    assert fetch(url, {"If-None-Match": headers["ETag"]})[0] == 304
    assert fetch(url, {"If-Modified-Since": headers["Last-Modified"]})[0] == 304
    assert fetch(url, {"If-None-Match": '"stale"'})[0] == 200
    earlier = format_datetime(datetime(2018, 4, 1, tzinfo=UTC), usegmt=True)
    assert fetch(url, {"If-Modified-Since": earlier})[0] == 200


def test_unknown_paths_get_404_and_head_gets_no_body(site):
    assert fetch(f"{site.base_url}/no/such/page.html")[0] == 404
    status, headers, body = fetch(f"{site.base_url}/hit/", method="HEAD")
    assert status == 200 and body == b"" and int(headers["Content-Length"]) > 1000


def test_a_directory_without_its_slash_redirects(site):
    connection = http.client.HTTPConnection(site.host, site.port, timeout=10)
    connection.request("GET", "/wsjkw")
    response = connection.getresponse()
    assert (response.status, response.getheader("Location")) == (301, "/wsjkw/")
    connection.close()


def test_robots_txt_disallows_private_only(site):
    status, _, body = fetch(f"{site.base_url}/robots.txt")
    robots = urllib.robotparser.RobotFileParser()
    robots.parse(body.decode("utf-8").splitlines())
    assert status == 200
    assert not robots.can_fetch("hitmon", f"{site.base_url}/private/")
    assert robots.can_fetch("hitmon", f"{site.base_url}/hit/31078.html")
    assert fetch(f"{site.base_url}/private/")[0] == 200  # served, so a crawler that ignores robots shows


def test_serve_pages_counts_each_request():
    moment = datetime(2018, 4, 23, tzinfo=UTC)
    pages = {
        "/a.html": Page(b"<p>a</p>", "text/html; charset=utf-8", moment),
        "/b.html": Page(b"<p>b</p>", "text/html; charset=utf-8", moment),
    }
    with serve_pages(pages) as server:
        assert server.base_url == f"http://127.0.0.1:{server.port}"
        assert fetch(server.base_url + "/a.html")[2] == b"<p>a</p>"
        fetch(server.base_url + "/a.html?x=1", {"User-Agent": "counting-test"})
        fetch(server.base_url + "/b.html", method="HEAD")
        fetch(server.base_url + "/c.html")
        assert server.requests.paths == ["/a.html", "/a.html", "/b.html", "/c.html"]
        assert server.requests.count("/a.html") == 2
        assert server.requests.count(method="HEAD") == 1
        assert server.requests.count(status=404) == 1
        assert server.requests.records()[1].header("user-agent") == "counting-test"
    with pytest.raises(OSError):
        urllib.request.urlopen(server.base_url + "/a.html", timeout=2)


def test_sources_file_names_the_three_sites(site):
    sources = yaml.safe_load(sources_yaml(site.base_url))["sources"]
    assert [s["name"] for s in sources] == ["江南省卫生健康委", "健康信息化前沿", "数字医院观察", "HIT前哨网"]
    assert [s["kind"] for s in sources] == ["listing", "feed", "feed", "listing"]
    assert [s.get("link_pattern") for s in sources if s["kind"] == "listing"] == [
        r"/t\d{8}_\d+\.shtml$",
        r"/\d+\.html$",
    ]
    assert all(s["url"].startswith(site.base_url + "/") and s["media"] for s in sources)
