"""Which hosts a listing's links may lead to: registrable domain from the bundled Public Suffix List."""

from __future__ import annotations

import pytest

from pipeline.stages.discover import HostPolicy, is_wechat_article, registrable_domain


@pytest.mark.parametrize(
    ("host", "domain"),
    [
        ("news.qq.com", "qq.com"),
        ("new.qq.com", "qq.com"),
        ("money.163.com", "163.com"),
        ("wsjkw.sc.gov.cn", "sc.gov.cn"),
        ("www.nhc.gov.cn", "nhc.gov.cn"),
        ("www.example.com.cn", "example.com.cn"),
        ("127.0.0.1", "127.0.0.1"),
        ("localhost", "localhost"),
    ],
)
def test_registrable_domain(host: str, domain: str) -> None:
    assert registrable_domain(host) == domain


def test_sibling_subdomains_and_wechat_are_same_site_other_hosts_need_allow_domains() -> None:
    policy = HostPolicy.for_page("https://news.qq.com/ch/health/")
    assert policy.problem("https://new.qq.com/omn/20200816/x.html") is None
    assert policy.problem("https://mp.weixin.qq.com/s/AbCdEf") is None
    assert "not in allow_domains" in (policy.problem("https://www.163.com/a.html") or "")
    allowing = HostPolicy.for_page("https://news.qq.com/ch/health/", ["163.com"])
    assert allowing.problem("https://money.163.com/a.html") is None
    assert allowing.problem("https://not163.com/a.html") is not None


def test_wechat_article_links() -> None:
    assert is_wechat_article("https://mp.weixin.qq.com/s/AbCdEf")
    assert is_wechat_article("https://mp.weixin.qq.com/s?__biz=MzA5&mid=2650&idx=1&sn=ab")
    assert not is_wechat_article("https://mp.weixin.qq.com/mp/profile_ext?action=home")


def test_wechat_links_are_followed_from_any_source() -> None:
    policy = HostPolicy.for_page("http://127.0.0.1:8000/feed")
    assert policy.problem("http://mp.weixin.qq.com/s/AbCdEf") is None
