"""What a URL's shape says about the page behind it: an article, or a page that is none.

Evidence only: the list finder (pipeline.stages.discover.listing) weighs it with the shape of the block a link
sits in, so an article URL of a shape never seen here is still found in a list of dated headlines.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from pipeline.stages.discover.hosts import is_wechat_article

# Article URLs on Chinese sites carry a date or an id: /t20180423_123456.shtml, /2018-04/23/c_1122.htm,
# /31078.html, /202507/<hex>.shtml, /20/0816/22/FK6F0U6D0001899O.html, /contents/2020/7/2-<hex>.html,
# /v2/article/detail/<id>.html.
_ARTICLE_SHAPES = (
    ("TRS dated id", re.compile(r"/t(?:19|20)\d{6}_\d+\.s?html?$", re.I)),
    ("dated folder", re.compile(r"/(?:19|20)\d{2}(?:[-_/]?[01]?\d)(?:[-_/]?[0-3]?\d)?/(?:.+/)?[^/]+$")),
    ("short-year dated folder", re.compile(r"/\d{2}/[01]\d[0-3]\d/(?:\d{2}/)?[^/]+\.s?html?$")),
    (
        "article id",
        re.compile(r"/(?:content|art|c|a|n|detail|article|news|info|doc)[_-]?[\w-]*?\d{4,}[^/]*$", re.I),
    ),
    (
        "detail page",
        re.compile(r"/(?:detail|details|article|content|show|view)s?/[\w-]{4,}(?:\.s?html?)?$", re.I),
    ),
    ("numeric id", re.compile(r"/\d{4,}(?:[_-]\d+)?(?:\.s?html?)?$")),
    ("hex or letter-digit id", re.compile(r"/(?=[\w-]*\d)[0-9A-Za-z_-]{10,}\.s?html?$")),
    ("dated file", re.compile(r"/[^/]*(?:19|20)\d{6}[^/]*\.s?html?$")),
)
# show.aspx?id=12345, content.jsp?newsid=998: an id in the query of a script page.
_DYNAMIC = re.compile(r"\.(?:aspx?|jsp|php|do)\?(?:.*&)?(?:\w*id|no)=\w{3,}", re.I)
_NOT_ARTICLE_SHAPES = (
    (
        "photo gallery",
        re.compile(r"/(?:photoview|photos?|pics?|tupian|gallery|album|slides?|tuji|image)s?/", re.I),
    ),
    ("video page", re.compile(r"/(?:video|videos|shipin|vod|live|tv)/|\.(?:mp4|flv|m3u8)$", re.I)),
    ("file download", re.compile(r"\.(?:pdf|docx?|xlsx?|pptx?|wps|zip|rar|7z|jpe?g|png|gif|apk|exe)$", re.I)),
    (
        "column or index page",
        re.compile(r"/(?:index|default|list|more|node)(?:_\d+)?\.(?:s?html?|jsp|aspx?|php)$", re.I),
    ),
    (
        "site page",
        re.compile(r"/(?:login|register|search|sitemap|about|contact|lxwm|wzdt|rss)(?:[/.?]|$)", re.I),
    ),
)
# A topic's own page is no article; an article filed under a topic folder (/zt/2020/t20200702_1.html) is.
_TOPIC = re.compile(r"/(?:special|zt|zhuanti|topics?|subject)/", re.I)
_GALLERY_HOSTS = re.compile(r"^(?:photo|pic|image|img|video|v|tv|live)s?\.", re.I)


def article_shape(url: str) -> str | None:
    """The name of the article shape ``url`` has, or None."""
    if is_wechat_article(url):
        return "WeChat article"
    parts = urlsplit(url)
    found = next((name for name, shape in _ARTICLE_SHAPES if shape.search(parts.path)), None)
    return found or ("dynamic page with an id" if _DYNAMIC.search(f"{parts.path}?{parts.query}") else None)


def non_article_shape(url: str) -> str | None:
    """Why ``url`` is no article whatever the list around it says (gallery, video, topic, file, index)."""
    if is_wechat_article(url):
        return None
    parts = urlsplit(url)
    if _GALLERY_HOSTS.match(parts.hostname or ""):
        return "photo or video site"
    if parts.path in ("", "/") and not parts.query:
        return "a site's home page"
    if parts.path.endswith("/") and not parts.query:
        return "column or index page"
    found = next((name for name, shape in _NOT_ARTICLE_SHAPES if shape.search(parts.path)), None)
    if found is None and _TOPIC.search(parts.path) and article_shape(url) is None:
        return "special topic"
    return found
