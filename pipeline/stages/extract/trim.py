"""Line clean-up of an extracted body: page furniture out, the title/byline head and the tail cut off."""

from __future__ import annotations

import re

from pipeline.stages.extract.dates import DATE_TIME

# Editor lines, widgets and ads: only on short lines, so an article sentence quoting them stays.
_FURNITURE = re.compile(
    r"^[\s(（\[【]*(?:责任编辑|责编|编辑|审核|审校|校对|终审|初审|一审|二审|三审|监制|排版|美编|值班编辑|本期编辑)\s*[:：]"
    r"|【(?:纠错|打印|关闭|收藏|字号|字体|我要纠错)[^】]*】|^\s*(?:\[|【)?(?:纠错|打印本页|关闭窗口|打印|关闭)(?:\]|】)?\s*$"
    r"|分享到|扫一扫|微信扫|字号\s*[:：]|^\s*[大中小\s]+$|^阅读原文$|^点赞|^在看$|^举报|^收藏$"
    r"|^(?:pdf|word|doc|附件)\s*下载|^当前位置[:：]|^.$|微信好友|^朋友圈$|^(?:关键字|关键词|标签)\s*[:：]"
)
_FURNITURE_MAX = 40
# The interface of a WeChat page, line by line (video and image posts show it around their caption).
_WECHAT_CHROME = re.compile(
    r"^(?:写下你的想法|写留言|留言|投诉|分享|收藏|在看|赞|听过|视频|小程序|取消|允许|知道了|已关注|关注|其他|分析"
    r"|继续滑动看下一个|向上滑动看下一个|轻触阅读原文|预览时标签不可点|喜欢此内容的人还喜欢|名称已清空"
    r"|微信扫一扫关注该公众号|微信扫一扫可打开此内容，使用完整服务|微信扫一扫使用小程序|轻点两下取消赞|轻点两下取消在看"
    r"|Got It|Scan to Follow|Cancel|Allow|[，。：、,.:]|原创|作者头像|观看|次观看|\d+次观看|留言\s*\d*)$",
    re.IGNORECASE,
)
# Where the article ends: disclaimers, copyright, related-article lists, comment sections, next-article links.
_END = re.compile(
    r"Copyright|©|版权所有|All Rights Reserved|ICP备|公网安备"
    r"|^(?:相关|延伸|推荐|热门|热点|更多|精彩|最新|往期|今日|猜你|为你|大家都在)"
    r"(?:阅读|新闻|文章|推荐|专题|链接|图片|视频|资讯|问答|喜欢|推送|在看)"
    r"|^(?:上一篇|下一篇|阅读下一篇|返回顶部|返回首页)|^(?:网友评论|发表评论|最新评论|热门评论|全部评论|我来说两句|评论列表)"
    r"|^[（(]?更多内容请|^原创版权|^转载申请|^[-—–_\s]*END[-—–_\s]*$|^(?:往期|精彩)(?:回顾|推荐)"
    r"|^(?:点击|长按)(?:蓝字|上方|下方|识别|二维码)"
    r"|^[-—–_\s]*(?:RECOMMEND(?:ED|ATIONS?)?|READ MORE|RELATED(?: ARTICLES| POSTS| READING)?|MORE)[-—–_\s]*$"
    r"|^(?:推荐阅读|往期推荐|精选推荐|猜你喜欢|热文推荐|相关推荐|往期回顾|精彩回顾|热门推荐)[:：]?$",
    re.IGNORECASE,
)
_END_MAX = 80
_DISCLAIMER = re.compile(r"^[\s(（\[【]*(?:特别声明|免责声明|版权声明)\s*[:：]")  # any length
_SHORT_SECTION = re.compile(r"^\S{2,10}(?:推荐|排行榜?|更多)$")  # 健康资讯推荐, 热门问答更多
_TEASER = re.compile(r"(?:\.\.\.|(?<!…)…)$")  # truncated summaries of other articles
_TEASER_MIN = 30
_LIST_ITEM = 30
_BYLINE = re.compile(
    r"^(?:来源|作者|记者|编辑|发布|时间|日期|浏览|点击)\s*[:：]|^(?:本报|新华社)?记者\s*\S{2,4}$"
)
_DATE_LINE = 30  # ``2018-04-23 10:00 来源：健康报`` and the like
_HEAD_LINES = 6  # the title, when the extractor kept it, is among the first lines
_TITLE_EXTRA = 10  # a title line may add a word (``……座谈会强调``); a paragraph quoting the title is longer
_DECK_LINES, _DECK_CHARS = 3, 30  # headline decks are a few short lines without a full stop
_SENTENCE_END = re.compile(r"[。！？!?…”」：:]$")
_LABEL_ONLY = re.compile(r"^\S(?:\s?\S){1,7}\s*[:：]$")


def clean_body(text: str, title: str = "", stop_lines: frozenset[str] = frozenset()) -> str:
    """Paragraph lines without furniture, without the title/byline head, cut where the article ends.

    ``stop_lines`` are headings of other articles on the page (infinite-scroll portals append them).
    """
    lines = [" ".join(line.split()) for line in text.split("\n")]
    lines = [line for line in lines if line and not _is_furniture(line)]
    lines = _drop_head(lines, title)
    return "\n".join(_cut_tail(lines, stop_lines))


def _is_furniture(line: str) -> bool:
    return len(line) <= _FURNITURE_MAX and (
        _FURNITURE.search(line) is not None or _WECHAT_CHROME.match(line) is not None
    )


def _drop_head(lines: list[str], title: str) -> list[str]:
    """Drop the title with its deck (引题/副题 lines), then the byline and gov.cn metadata-table lines."""
    key = _key(title)
    start = 0
    for number, line in enumerate(lines[:_HEAD_LINES]):
        if len(key) >= 4 and key in _key(line) and len(_key(line)) <= len(key) + _TITLE_EXTRA:
            start = number + 1
            while start < len(lines) - 1 and _is_deck(lines[start]) and start - number <= _DECK_LINES:
                start += 1
            break
    while start < len(lines) - 1:
        if _LABEL_ONLY.match(lines[start]):
            start += 2  # ``发文机关：`` with its value on the next line
        elif _is_byline(lines[start]):
            start += 1
        else:
            break
    return lines[start:]


def _is_deck(line: str) -> bool:
    return len(line) <= _DECK_CHARS and not _SENTENCE_END.search(line)


def _key(text: str) -> str:
    return "".join(text.split())


def _is_byline(line: str) -> bool:
    if len(line) > _FURNITURE_MAX or _SENTENCE_END.search(line):
        return False  # a short first paragraph that opens with a date ends with a full stop
    return _BYLINE.search(line) is not None or (
        DATE_TIME.search(line) is not None and len(line) <= _DATE_LINE
    )


def _cut_tail(lines: list[str], stop_lines: frozenset[str]) -> list[str]:
    for number, line in enumerate(lines[1:], start=1):
        if _ends_article(line) or line in stop_lines or _starts_list_section(lines, number):
            return lines[:number]
    return lines


def _ends_article(line: str) -> bool:
    return _DISCLAIMER.search(line) is not None or (len(line) <= _END_MAX and _END.search(line) is not None)


def _starts_list_section(lines: list[str], start: int) -> bool:
    """A ``健康资讯推荐`` heading over a list, or two truncated teaser summaries in a row, is a block of other
    articles; alone, such a line may be the author's (a 饮食推荐 subheading, a sentence ending in ``...``)."""
    pair = lines[start + 1 : start + 3]
    if _SHORT_SECTION.match(lines[start]):
        return len(pair) == 2 and all(len(line) <= _LIST_ITEM or line.startswith("- ") for line in pair)
    pair = lines[start : start + 2]
    return len(pair) == 2 and all(len(line) >= _TEASER_MIN and _TEASER.search(line) for line in pair)
