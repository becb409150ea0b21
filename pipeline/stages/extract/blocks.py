"""Pages that stand in for an article: anti-bot challenges, WeChat verification, deleted posts."""

from __future__ import annotations

import re

from pipeline.errors import ChallengePage, DeletedArticle
from pipeline.stages.extract.page import Page

# A real article can quote these phrases, so they only count on a page with little visible text.
_SHORT_PAGE = 600
_CHALLENGE_TEXT = re.compile(
    "环境异常|完成验证后即可继续访问|请完成安全验证|人机验证|滑动验证|请输入验证码|访问验证|安全验证"
    "|Just a moment|Checking your browser|Verify you are human|Please enable JavaScript|enable cookies",
    re.IGNORECASE,
)
_DELETED_TEXT = re.compile(
    "该内容已被发布者删除|此内容已被删除|内容已被删除|该文章已被删除|此内容因违规无法查看|文章不存在或已被删除"
    # WeChat's violation and complaint pages, and accounts that are gone.
    "|涉嫌违反相关法律法规和政策|违反《微信公众平台运营规范》|此内容被多人投诉|该内容暂时无法查看"
    "|此帐号已被屏蔽|此账号已被屏蔽|此帐号已自主注销|此账号已自主注销|该公众号已迁移|已停止访问该网页"
)
# Markers that only challenge pages carry (Cloudflare, Jiasule 521, Ruishu 412 cookie scripts).
_CHALLENGE_SCRIPT = re.compile(
    r"__jsl_clearance|cf-browser-verification|/cdn-cgi/challenge-platform|\$_ts\s*="
)
_COOKIE_RELOAD = re.compile(r"document\.cookie\s*=.*?(location|reload|setTimeout)", re.DOTALL)


def check_blocked(page: Page) -> None:
    """Raise ChallengePage or DeletedArticle when the page is not the article itself."""
    text = page.text
    short = len(text) < _SHORT_PAGE
    if short and (found := _DELETED_TEXT.search(text)):
        raise DeletedArticle(f"the publisher deleted the article: {found.group()}")
    if short and (found := _CHALLENGE_TEXT.search(text)):
        raise ChallengePage(f"verification page: {found.group()}")
    if short and (found := _CHALLENGE_SCRIPT.search(page.scripts)):
        raise ChallengePage(f"JavaScript challenge: {found.group()}")
    if len(text) < 50 and _COOKIE_RELOAD.search(page.scripts):
        raise ChallengePage("JavaScript challenge: a script sets a cookie and reloads an empty page")
