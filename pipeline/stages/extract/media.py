"""Media (来源) and author: the article's own lines, then page metadata, then the source's configuration."""

from __future__ import annotations

import html
import re

from pipeline.stages.extract.dates import DATE_TIME
from pipeline.stages.extract.page import Page

_NAME = r"([^\s:：|｜/，,。;；()（）\[\]【】<>]{2,30}(?:[（(][^）)\s]{1,12}[）)])?)"
_SOURCE_LINE = re.compile(
    r"(?<![图片照据料像频])(?:(?:来源|稿源|出处|发文机关|发布机构|发布单位|原创|Source)\s*[:：]|本文来源于)\s*[\[【]?\s*"
    + _NAME,
    re.IGNORECASE,
)
_AUTHOR_LINE = re.compile(
    r"(?<![责任编辑审核校对排版美原全正中英])(?:作者|记者|撰文|文|通讯员)\s*[:：/|｜]\s*(?:\n\s*)?"
    r"([^\s:：|｜/，,。;；()（）<>\d]{2,4}(?:[ 、][^\s:：|｜/，,。;；()（）<>\d]{2,4}){0,3})"
    # ``（记者张华）``: no colon, so the name must sit alone in brackets.
    r"|[(（]\s*(?:本报|新华社|特约)?记者\s*([\u4e00-\u9fff]{2,3}(?:[、 ][\u4e00-\u9fff]{2,3}){0,3})\s*[)）]"
)
# ``var nickname = htmlDecode("…")``; newer pages ``nick_name: JsDecode('…')``.
_WECHAT_NICKNAME = re.compile(
    r"""(?:var\s+nickname\s*=|nick_name\s*:)\s*(?:htmlDecode\(|JsDecode\()?\s*["']([^"']+)["']"""
)
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
    candidates = (
        _wechat_account(page),
        _labelled(_SOURCE_LINE, page.text[:_HEAD_CHARS]),
        page.metas.get("contentsource"),
        page.metas.get("source"),
        _byline_name(page.text, title),
        _labelled(_SOURCE_LINE, page.text),
        page.metas.get("og:site_name"),
        source_media,
        feed_author,
    )
    return next((name.strip() for name in candidates if name and name.strip()), None)


def find_author(page: Page, media: str | None, feed_author: str | None) -> str | None:
    """An 作者/记者 line, else the author meta unless it only repeats the media; never 责任编辑."""
    meta = page.metas.get("author")
    return (
        _labelled(_AUTHOR_LINE, page.text[:_HEAD_CHARS]) or (meta if meta != media else None) or feed_author
    )


def _labelled(pattern: re.Pattern[str], text: str) -> str | None:
    for found in pattern.finditer(text):
        name = _TRAILING.sub("", next(group for group in found.groups() if group)).strip()
        if len(name) >= 2 and not _NOT_A_NAME.search(name):
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
        before = [line for line in reversed(lines[1:dated]) if not _BYLINE_NOISE.search(line)][:1]
        for line in after[:1] + before:
            if _BYLINE_NAME.match(line) and not _BYLINE_NOISE.search(line):
                return line
    return None


def _wechat_account(page: Page) -> str | None:
    element = page.tree.find(".//*[@id='js_name']")
    if element is not None and (name := " ".join("".join(element.itertext()).split())):
        return name
    found = _WECHAT_NICKNAME.search(page.scripts)
    return html.unescape(found.group(1)) if found else None
