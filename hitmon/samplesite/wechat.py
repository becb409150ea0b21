"""A WeChat-to-RSS mirror (/wechat/): one feed per account and copies of mp.weixin.qq.com pages."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from email.utils import format_datetime

from hitmon.samplesite.articles import WECHAT_ARTICLE_BASE, SampleArticle
from hitmon.samplesite.page import Page, html_page, newest, xml_page
from hitmon.samplesite.sites import WECHAT_ACCOUNTS, WECHAT_ROOT, WechatAccount, wechat_account

SUMMARY_CHARS = 60
_IMAGE_BASE = "https://mmbiz.qpic.cn/mmbiz_jpg/"
_FEED_TYPES = {"atom": "application/atom+xml; charset=utf-8", "rss": "application/rss+xml; charset=utf-8"}


def render_wechat(base_url: str, articles: Sequence[SampleArticle]) -> dict[str, Page]:
    by_id = {article.id: article for article in articles}
    own = [article for article in articles if article.site == "wechat"]
    pages = {
        WECHAT_ROOT: html_page(
            "wechat_index.html.j2",
            newest(a.published for a in own),
            accounts=WECHAT_ACCOUNTS,
            base_url=base_url,
        )
    }
    for account in WECHAT_ACCOUNTS:
        posts = sorted((a for a in own if a.media == account.name), key=lambda a: a.published, reverse=True)
        pages[account.feed_path] = _feed(base_url, account, posts)
    for article in own:
        original = by_id.get(article.reprint_of) if article.reprint_of else None
        pages[article.path] = _article_page(base_url, article, original)
    return pages


def summary(article: SampleArticle) -> str:
    """The digest WeChat shows under a shared link: the opening of the first paragraph."""
    first = article.paragraphs[0]
    return first if len(first) <= SUMMARY_CHARS else first[:SUMMARY_CHARS] + "…"


def _feed(base_url: str, account: WechatAccount, posts: Sequence[SampleArticle]) -> Page:
    atom = account.feed_format == "atom"
    stamp = (lambda moment: moment.isoformat()) if atom else format_datetime
    entries = [
        {
            "title": post.title,
            "link": post.url(base_url),
            "published": stamp(post.published),
            "author": post.author or account.name,
            "summary": summary(post),
        }
        for post in posts
    ]
    updated = max(post.published for post in posts)
    return xml_page(
        f"wechat_feed.{account.feed_format}.xml.j2",
        _FEED_TYPES[account.feed_format],
        updated,
        account=account,
        entries=entries,
        updated=stamp(updated),
        feed_url=base_url + account.feed_path,
        home_url=base_url + WECHAT_ROOT,
    )


def _article_page(base_url: str, article: SampleArticle, original: SampleArticle | None) -> Page:
    digest = hashlib.sha1(article.id.encode()).hexdigest()  # stable stand-ins for WeChat's ids and counters
    account = wechat_account(article.media)
    return html_page(
        "wechat_article.html.j2",
        article.published,
        article=article,
        account=account,
        summary=summary(article),
        msg_link=WECHAT_ARTICLE_BASE + article.id,
        source_url=original.canonical_url(base_url) if original else "",
        cover=f"{_IMAGE_BASE}{digest[:32]}/640?wx_fmt=jpeg",
        qr_image=f"{_IMAGE_BASE}{digest[8:40]}/640?wx_fmt=png",
        head_image=f"http://wx.qlogo.cn/mmhead/{digest[:24]}/0",
        sn=digest[:32],
        mid=str(2247480000 + int(digest[:4], 16)),
        nonce=digest[32:40],
        reads=100 + int(digest[4:8], 16) % 9000,
        likes=int(digest[8:10], 16),
    )
