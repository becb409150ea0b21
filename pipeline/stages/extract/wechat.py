"""WeChat article pages in their variants: video posts, image-only posts (图片消息 / 小绿书), reprints
(转载, 分享) and the ordinary ``#js_content`` article.

A video or image post has no ``#js_content`` body: what it says is its description (``d.desc``,
``msg_desc``, the description meta), and the rest of its visible text is interface (分享, 写下你的想法,
投诉). A reprint carries the original article in ``#js_share_content`` under a 以下文章来源于 line.
"""

from __future__ import annotations

import html
import re

from lxml import etree

from pipeline.stages.extract.body import block_text
from pipeline.stages.extract.page import Page

_WECHAT_MARKERS = re.compile(r"mp\.weixin\.qq\.com|微信公众平台|rich_media|js_content|msg_link|__biz")
_REPRINT_BODY = etree.XPath("//*[@id='js_share_content' or @id='js_share_article']")
_REPRINT_HEAD = re.compile(r"^(?:以下文章来源于|本文转载自|转载自|文章来源于)")
# ``d.desc = "…"``, ``var msg_desc = htmlDecode("…")``, ``desc: JsDecode('…')``, ``window.desc = '…'``.
_DESCRIPTION = re.compile(
    r"""(?:\b(?:d|window|cgiData)\.(?:desc|content_noencode)\s*=|\bvar\s+msg_desc\s*=|\bdesc\s*:)\s*"""
    r"""(?:htmlDecode\(|JsDecode\()?\s*(["'])((?:\\.|(?!\1).){2,5000}?)\1"""
)
_VARIANT_ELEMENTS = etree.XPath(
    "//*[@id='js_mpvideo' or @id='js_video_page' or @id='js_image_content' or @id='js_image_desc'"
    " or contains(@class, 'video_page') or contains(@class, 'share_content_page')"
    " or contains(@class, 'wx_video') or @id='js_mpvideo_desc']"
)


def is_wechat_page(page: Page) -> bool:
    url = page.metas.get("og:url", "") + " " + page.metas.get("og:site_name", "")
    if _WECHAT_MARKERS.search(url):
        return True
    return bool(page.tree.xpath("//*[@id='js_content' or @id='js_article']"))


def reprint_body(page: Page) -> str:
    """The reprinted article of a 转载/分享 page, without its 以下文章来源于 line; "" when none."""
    for element in _REPRINT_BODY(page.tree):
        lines = [line for line in block_text(element).split("\n") if not _REPRINT_HEAD.search(line)]
        if len("".join(lines)) >= 20:
            return "\n".join(lines)
    return ""


def post_description(page: Page) -> str:
    """What a video or image-only post says: its description in the scripts or the metadata."""
    for found in _DESCRIPTION.finditer(page.scripts):
        text = _js_string(found.group(2))
        if text.strip():
            return text.strip()
    for name in ("og:description", "description", "twitter:description"):
        if page.metas.get(name, "").strip():
            return html.unescape(page.metas[name]).strip()
    return ""


def is_media_post(page: Page) -> bool:
    """A video or image-only post: its markup says so, or it has no ``#js_content`` with text."""
    if _VARIANT_ELEMENTS(page.tree):
        return True
    content = page.tree.xpath("//*[@id='js_content']")
    return not content or not "".join(content[0].itertext()).strip()


def _js_string(value: str) -> str:
    """A JavaScript string literal's text: ``\\x26`` escapes, ``\\n``, and HTML entities."""
    value = re.sub(r"\\x([0-9a-fA-F]{2})", lambda m: chr(int(m.group(1), 16)), value)
    value = re.sub(r"\\u([0-9a-fA-F]{4})", lambda m: chr(int(m.group(1), 16)), value)
    value = value.replace("\\n", "\n").replace("\\r", "").replace("\\'", "'").replace('\\"', '"')
    return html.unescape(html.unescape(value)).replace("<br/>", "\n").replace("<br>", "\n")
