"""The URL policy: only absolute http(s) URLs with a host and a valid port are ever fetched."""

from __future__ import annotations

import pytest

from pipeline.urls import fetchable_url, is_fetchable, url_problem


@pytest.mark.parametrize(
    "url",
    [
        "http://www.nhc.gov.cn/xxzx/index.shtml",
        "https://mp.weixin.qq.com/s/abc",
        "HTTPS://Example.com:8443/a?b=1#c",
        "http://127.0.0.1:8000/",
        "http://[::1]:8080/x",
    ],
)
def test_http_and_https_urls_are_fetchable(url: str) -> None:
    assert url_problem(url) is None
    assert fetchable_url(url) == url


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("file:///etc/passwd", "scheme file:"),
        ("file:/etc/passwd", "scheme file:"),
        ("file://localhost/etc/passwd", "scheme file:"),
        ("data:text/html,<h1>x</h1>", "scheme data:"),
        ("javascript:alert(1)", "scheme javascript:"),
        ("ftp://example.com/a", "scheme ftp:"),
        ("//example.com/a", "scheme (none)"),
        ("/relative/path.html", "scheme (none)"),
        ("http://example.com:99999/", "malformed URL"),
        ("http://example.com:abc/", "malformed URL"),
        ("http://example.com:0/", "port 0"),
        ("http:///path-only", "no host"),
        ("http://example.com/a\nb", "control character"),
        ("http://exa mple.com/", "whitespace"),
        ("", "empty"),
        (None, "empty"),
        ("http://example.com/" + "a" * 3000, "longer than"),
    ],
)
def test_everything_else_is_refused_with_the_reason(url: object, reason: str) -> None:
    problem = url_problem(url)
    assert problem is not None and reason in problem
    assert fetchable_url(url) is None
    assert not is_fetchable(url)
