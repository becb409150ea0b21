"""Challenge, verification and deleted pages are recognised; articles that mention them are not."""

from __future__ import annotations

import pytest

from pipeline.errors import ChallengePage, DeletedArticle
from pipeline.stages.extract.blocks import check_blocked

LONG_ARTICLE = "<p>" + "医院信息系统升级改造后，门诊挂号和缴费等待时间明显缩短。" * 40 + "</p>"


@pytest.mark.parametrize(
    "html",
    [
        "<html><head><title>Just a moment...</title></head><body>"
        "<p>Checking your browser before accessing.</p>"
        "<script src='/cdn-cgi/challenge-platform/h/b/orchestrate/jsch/v1'></script></body></html>",
        "<html><body><script>$_ts=window['$_ts'];if(!$_ts)$_ts={};$_ts.nsd=12345;</script></body></html>",
        "<html><body><div>请输入验证码</div><img src='/captcha.jpg'><input name='code'></body></html>",
        "<html><body><h2>环境异常</h2><p>当前环境异常，完成验证后即可继续访问。</p></body></html>",
        "<html><body><script>document.cookie='x=1';setTimeout(function(){location.reload()},100)</script>"
        "</body></html>",
    ],
    ids=["cloudflare", "ruishu-412", "captcha", "wechat-verify", "cookie-reload"],
)
def test_challenges(html, page_of):
    with pytest.raises(ChallengePage) as raised:
        check_blocked(page_of(html))
    assert raised.value.reason == "ChallengePage"


@pytest.mark.parametrize("words", ["该内容已被发布者删除", "此内容因违规无法查看"])
def test_deleted(words, page_of):
    with pytest.raises(DeletedArticle, match=words):
        check_blocked(page_of(f"<html><body><h2>{words}</h2></body></html>"))


@pytest.mark.parametrize("words", ["该内容已被发布者删除", "请输入验证码", "环境异常"])
def test_long_article_mentioning_the_words_passes(words, page_of):
    check_blocked(page_of(f"<html><body><p>{words}</p>{LONG_ARTICLE}</body></html>"))


def test_ordinary_page_with_a_cookie_script_passes(page_of):
    script = "<script>document.cookie='seen=1';location.hash='#top'</script>"
    html = f"<html><body>{LONG_ARTICLE}{script}</body></html>"
    check_blocked(page_of(html))
