"""Media (来源) and author: the article's own lines, then page metadata, then the source's configuration."""

from __future__ import annotations

import html
import re

from lxml import etree

from pipeline.stages.extract.dates import DATE_TIME
from pipeline.stages.extract.media_names import is_media_name
from pipeline.stages.extract.page import Page

_NAME = r"([^\s:：|｜/，,。;；()（）\[\]【】<>]{2,30}(?:[（(][^）)\s]{1,12}[）)])?)"
# ``来源：健康报``, ``来源 | 健康报``, ``稿源：``, ``信息来源：``, a line ``来源 健康报``,
# ``本文来源于健康报``, ``转自：``, ``转载自健康报``. Without a colon the label must open the line
# (or follow 本文), so a sentence such as 该词来源于古希腊语 is no 来源 line.
_SOURCE_LINE = re.compile(
    r"(?<![图片照据料像频])(?:来\s{0,3}源|稿源|出处|发文机关|发布机构|发布单位|原创|Source)\s*[:：|｜/]\s*[\[【]?\s*"
    + _NAME
    + r"|[【\[]\s*(?:来源|稿源)\s*[】\]]\s*[:：]?\s*"  # 【来源】健康报
    + _NAME
    + r"|^[(（【\[]?\s*(?:来源|稿源)\s+"
    + _NAME
    + r"\s*[)）】\]]?\s*$"
    + r"|(?:^|本文|文章|信息|内容|消息)[(（【\[]?\s*(?:来源于|转自|转载自|摘自)\s*[:：]?\s*"
    + _NAME,
    re.IGNORECASE | re.MULTILINE,
)
_AUTHOR_LINE = re.compile(
    r"(?<![责任编辑审核校对排版美原全正中英])(?:作者|记者|撰文|文|通讯员)\s*[:：/|｜]\s*(?:\n\s*)?"
    r"([^\s:：|｜/，,。;；()（）<>\d]{2,4}(?:[ 、][^\s:：|｜/，,。;；()（）<>\d]{2,4}){0,3})"
    # ``（记者张华）``: no colon, so the name must sit alone in brackets.
    r"|[(（]\s*(?:本报|新华社|特约)?记者\s*([\u4e00-\u9fff]{2,3}(?:[、 ][\u4e00-\u9fff]{2,3}){0,3})\s*[)）]"
)
# ``var nickname = htmlDecode("…")``; newer pages ``nick_name: JsDecode('…')``; video and image posts
# ``d.nick_name = "…"`` or ``window.nickname = "…"``.
_WECHAT_NICKNAME = re.compile(
    r"""(?:\bvar\s+nickname\s*=|\b(?:d|window|cgiData|data)\.nick_?name\s*=|\bnick_?name\s*:)\s*"""
    r"""(?:htmlDecode\(|JsDecode\()?\s*["']([^"']+)["']"""
)
_WECHAT_NAME_ELEMENTS = etree.XPath(
    "//*[@id='js_name' or @id='js_wx_follow_nickname']"
    " | //*[contains(concat(' ', normalize-space(@class), ' '), ' profile_nickname ')]"
    " | //*[contains(concat(' ', normalize-space(@class), ' '), ' wx_follow_nickname ')]"
)
_SITE_BRANDS = frozenset({"新华网", "中国新闻网", "人民网", "央视网", "光明网", "中国网", "央广网"})
# Words that end a name captured from a run-on line such as ``来源：人民日报作者：张三``.
_TRAILING = re.compile(
    r"(作者|记者|编辑|责任编辑|发布时间|时间|日期|浏览|点击|字号|分享|打印|阅读).*$|(?<=\D)(?:19|20)\d\d[-/.年].*$"
)
_NOT_A_NAME = re.compile(
    r"^(?:[\d\W]+|http.*|www\..*|本站|网络|网友|互联网|未知|佚名|admin|转载|转载文章|原创|于|自)$",
    re.IGNORECASE,
)
# A line next to the byline date names the media when it is short and not a widget or an IP location.
_BYLINE_NAME = re.compile(r"^(?=.*[^\d\W]{2})[^\s:：|｜/，,。;；!！?？]{2,15}$")
_BYLINE_NOISE = re.compile(
    r"^(?:来自|发布于|播报|语音|关注|分享|收藏|举报|评论|打印|字号|原创|正文|首页|下载|阅读|点击|作者|编辑|记者)"
    r"|(?:官方账号|人参与|播报文章|客户端下载)$"
)
_SEPARATORS = {"·", "|", "｜", "-", "/", "丨"}
_BYLINE_CHARS = 200
_HEAD_CHARS = 4000  # the 来源 line sits with the date above the body; 图片来源 further down is not it


def find_media(page: Page, title: str, source_media: str | None, feed_author: str | None) -> str | None:
    """WeChat account, 来源 line, ContentSource meta, name by the byline date, og:site_name, config, feed.

    A WeChat article's media is the account that published this copy, as the bulletin lists it, even when
    the article names the outlet it reprints (``来源：某某卫健委``).
    """
    wechat = _wechat_account(page)
    if wechat:
        return wechat
    candidates = (
        _labelled(_SOURCE_LINE, page.text[:_HEAD_CHARS]),
        page.metas.get("contentsource"),
        page.metas.get("source"),
        _byline_name(page.text, title),
        _labelled(_SOURCE_LINE, page.text),
        page.metas.get("og:site_name"),
        source_media,
        feed_author,
    )
    found = next((name.strip() for name in candidates if name and is_media_name(name.strip())), None)
    return _agency_for_brand(page, found)


def _agency_for_brand(page: Page, media: str | None) -> str | None:
    """A name that is only the site's brand (新华网) gives way to the agency or outlet a 来源 line anywhere
    on the page names (新华社)."""
    brand = page.metas.get("og:site_name")
    if media is None or (media != brand and media not in _SITE_BRANDS):
        return media
    named = _labelled(_SOURCE_LINE, page.text)
    return named if named and named != media else media


def find_author(page: Page, media: str | None, feed_author: str | None) -> str | None:
    """An 作者/记者 line, else the author meta unless it only repeats the media; never 责任编辑."""
    meta = page.metas.get("author")
    return (
        _labelled(_AUTHOR_LINE, page.text[:_HEAD_CHARS]) or (meta if meta != media else None) or feed_author
    )


def _labelled(pattern: re.Pattern[str], text: str) -> str | None:
    for found in pattern.finditer(text):
        name = _TRAILING.sub("", next(group for group in found.groups() if group)).strip()
        if len(name) >= 2 and not _NOT_A_NAME.search(name) and is_media_name(name):
            return name
    return None


def _byline_name(text: str, title: str) -> str | None:
    """The unlabelled name beside the date under the title (``2024-05-10 00:26 · 新华社``)."""
    if len(title) < 4:
        return None
    for copy in re.finditer(re.escape(title), text):
        lines = text[copy.end() : copy.end() + _BYLINE_CHARS].split("\n")
        dated = next((number for number, line in enumerate(lines) if DATE_TIME.search(line)), None)
        if dated is None:
            continue
        after = [line for line in lines[dated + 1 : dated + 3] if line not in _SEPARATORS]
        names = [line for line in reversed(lines[1:dated]) if is_media_name(line)]
        before = [line for line in names if not _BYLINE_NOISE.search(line)][:1]
        for line in after[:1] + before:
            if _BYLINE_NAME.match(line) and not _BYLINE_NOISE.search(line) and is_media_name(line):
                return line
    return None


def _wechat_account(page: Page) -> str | None:
    """Every way a WeChat page names its account: the name elements, then the scripts' nickname."""
    for element in _WECHAT_NAME_ELEMENTS(page.tree):
        name = " ".join("".join(element.itertext()).split())
        if is_media_name(name):
            return name
    for found in _WECHAT_NICKNAME.finditer(page.scripts):
        name = html.unescape(found.group(1)).strip()
        if is_media_name(name):
            return name
    return None
