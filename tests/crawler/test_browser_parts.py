"""The pieces of the browser path that need no browser: which answers go to it, and the cookie jar."""

from __future__ import annotations

import pytest

from crawler.render.challenge import script_challenge
from crawler.render.jar import SiteCookieJar, SitePass, site_of
from tests.crawler.challenge_site import challenge_page
from tests.crawler.fault_site import CHALLENGE_PAGE, VERIFY_PAGE, article


@pytest.mark.parametrize(
    ("status", "body", "expected"),
    [
        (412, challenge_page(1234), "HTTP 412: JavaScript challenge: __jsl_clearance"),
        (521, challenge_page(1234), "HTTP 521: JavaScript challenge: __jsl_clearance"),
        (202, CHALLENGE_PAGE, "HTTP 202: JavaScript challenge: __jsl_clearance"),
        (412, "<html><body></body></html>", "HTTP 412: anti-bot challenge"),
        (
            200,
            "<html><body><p>Please enable JavaScript</p><script>document.cookie='a=1';"
            "location.reload()</script></body></html>",
            "HTTP 200: verification page: Please enable JavaScript",
        ),
    ],
)
def test_script_challenges_go_to_the_browser(status: int, body: str, expected: str) -> None:
    assert script_challenge(status, body.encode("utf-8")) == expected


@pytest.mark.parametrize(
    ("status", "body"),
    [
        (200, article("省卫健委推进电子病历评级", 23)),  # an article
        (200, VERIFY_PAGE),  # WeChat verification: a person has to solve it
        (403, "<html><body>403 Forbidden</body></html>"),  # a refusal, no script
        (404, "<html><body>404 页面不存在</body></html>"),
    ],
)
def test_other_answers_do_not(status: int, body: str) -> None:
    assert script_challenge(status, body.encode("utf-8")) is None


def test_an_article_that_mentions_cookies_is_no_challenge() -> None:
    text = article("网站隐私政策更新", 23, extra="<script>document.cookie='seen=1';</script>")
    assert script_challenge(200, text.encode("utf-8")) is None


def test_the_jar_keeps_one_pass_per_site_and_counts_clearings() -> None:
    jar = SiteCookieJar()
    assert jar.get("http://www.nhc.gov.cn/xcs/yqtb/list.shtml") is None
    first = jar.update("http://www.nhc.gov.cn/a.html", {"__jsl_clearance_s": "1a2b", "sid": "x"}, "Chrome/1")
    again = jar.get("http://WWW.NHC.GOV.CN/b/c.html")
    assert again == first and again.version == 1
    assert again.cookie_header() == "__jsl_clearance_s=1a2b; sid=x" and again.user_agent == "Chrome/1"
    assert jar.get("https://www.nhc.gov.cn/a.html") is None  # another scheme, another site
    assert jar.get("http://www.nhc.gov.cn:8080/a.html") is None  # another port too
    assert jar.update("http://www.nhc.gov.cn/d.html", {"__jsl_clearance_s": "3c4d"}, "Chrome/1").version == 2
    assert site_of("http://www.nhc.gov.cn/x?y=1") == "http://www.nhc.gov.cn"


class SharedStore:
    """The frontier's two pass methods over a dict (tests/crawler/test_distributed_frontier.py has Redis)."""

    def __init__(self) -> None:
        self.kept: dict[str, bytes] = {}

    def site_pass(self, site: str) -> bytes | None:
        return self.kept.get(site)

    def keep_site_pass(self, site: str, data: bytes) -> None:
        self.kept[site] = data


def test_jars_of_two_workers_share_the_newest_pass() -> None:
    store = SharedStore()
    one, two = SiteCookieJar(store), SiteCookieJar(store)
    assert two.get("http://www.nhc.gov.cn/a.html") is None
    first = one.update("http://www.nhc.gov.cn/a.html", {"__jsl_clearance_s": "1a2b"}, "Chrome/1")
    assert two.get("http://www.nhc.gov.cn/b.html") == first  # cleared by one, used by two
    # Two meets the next challenge and clears it again: one picks the newer pass up.
    again = two.update("http://www.nhc.gov.cn/c.html", {"__jsl_clearance_s": "3c4d"}, "Chrome/1")
    assert again.version == 2 and one.get("http://www.nhc.gov.cn/d.html") == again


def test_a_shared_value_that_is_no_pass_is_ignored() -> None:
    store = SharedStore()
    jar = SiteCookieJar(store)
    jar.update("http://www.nhc.gov.cn/a.html", {"sid": "x"}, "Chrome/1")
    store.kept["http://www.nhc.gov.cn"] = b"not json"  # a key left by something else
    assert jar.get("http://www.nhc.gov.cn/b.html") == SitePass({"sid": "x"}, "Chrome/1", 1)
    assert SitePass.from_bytes(b'{"cookies": {}}') is None
