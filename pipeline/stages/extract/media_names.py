"""What a media name (媒体) can and cannot look like.

A 来源 line, a byline or a widget can hand the media finder an interface word (我要分享, 观看, 下载客户端),
a social network (Facebook, 微博), a count or a date. ``media_problem`` says why such a candidate is no
media name; tests/pipeline/extract/test_media_names.py holds the list of both kinds.
"""

from __future__ import annotations

import re

# Buttons and prompts: a media name never starts with a verb of the page's interface.
_INTERFACE = re.compile(
    r"^(?:我要|点击|一键|立即|马上)?(?:分享|收藏|点赞|评论|关注|订阅|下载|打开|观看|播放|阅读|打印|举报|投诉|登录|注册"
    r"|返回|扫码|扫一扫|复制|转发|赞赏|留言|写留言|在看|喜欢|听新闻|语音播报|朗读|查看|展开|收起|更多|纠错|加载)"
    r"|(?:抢先看|人参与|条评论|次阅读|次播放|阅读原文|写下你的想法|客户端下载|下载客户端|分享到|一键分享)"
    r"|^综合|、"  # 综合多家媒体, 新华社、人民网: compiled from several, not one media
    r"|^(?:原创|独家|首发|置顶|热门|推荐|视频|直播|图集|专题|正文|全文|责编|编辑|作者|记者|小编|来源|网友|用户)$",
    re.I,
)
# Social networks and sharing targets are where a page is shared, not who published it.
_SOCIAL = frozenset(
    name.lower()
    for name in (
        *("Facebook", "Twitter", "X", "Weibo", "WeChat", "LinkedIn", "WhatsApp", "Telegram", "Instagram"),
        *("YouTube", "Line", "Reddit", "Pinterest", "QQ", "QQ空间", "Qzone", "微博", "新浪微博", "腾讯微博"),
        *("微信", "微信好友", "朋友圈", "豆瓣", "抖音", "快手", "小红书", "哔哩哔哩", "B站", "知乎"),
        *("钉钉", "飞书"),
    )
)
_NOT_WORDS = re.compile(r"^[\d\W_]+$|^(?:19|20)\d\d[-/.年]|^\d+[:：]\d+|^https?://|^www\.", re.I)
_IP_LOCATION = re.compile(r"^(?:来自|发布于|IP属地)")
_SENTENCE = re.compile(r"[。！？!?，,；;]")
_MAX_CHARS = 30


def media_problem(name: str | None) -> str | None:
    """Why ``name`` cannot be a media name; None when it can."""
    text = " ".join((name or "").split())
    if len(text) < 2:
        return "too short"
    if len(text) > _MAX_CHARS or _SENTENCE.search(text):
        return "a sentence, not a name"
    if text.lower() in _SOCIAL:
        return "a social network"
    if _NOT_WORDS.search(text):
        return "a number, date or address"
    if _IP_LOCATION.search(text):
        return "an IP location"
    if _INTERFACE.search(text):
        return "an interface word"
    return None


def is_media_name(name: str | None) -> bool:
    return media_problem(name) is None
