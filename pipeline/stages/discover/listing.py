"""The main list of a listing page: the block of sibling links with headline-like texts and dates.

Scored the way list extractors do it. Anchors are grouped by the repeated structure they sit in (the
``li`` of a ``ul``, the ``tr`` of a table, the ``div.item`` of a ``div.list``); groups whose containers
have the same path from the root are one list split in pieces. Each group is weighed by its size, how
headline-like its anchor texts are, how many items carry a date, what its URLs look like
(pipeline.stages.discover.urlshape), which hosts they lead to (pipeline.stages.discover.hosts), and
whether its container is named or headed like a sidebar, a menu or a footer. The best group is the main
list; every other link is left out with the reason, so ``hitmon sources probe`` can show it.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field
from urllib.parse import urljoin

import lxml.etree
import lxml.html

from pipeline.stages.discover.hosts import HostPolicy
from pipeline.stages.discover.urlshape import article_shape, non_article_shape
from pipeline.stages.link_pattern import LinkPattern, compile_link_pattern
from pipeline.urls import url_problem

_DATE = re.compile(
    r"(?:19|20)\d{2}\s*[-/.年]\s*[01]?\d\s*[-/.月]\s*[0-3]?\d|(?<![\d.])[01]?\d[-/月][0-3]?\d(?:日|(?![\d.]))"
    r"|(?<![\d.])[01]?\d\.[0-3]\d(?![\d.])"
    r"|\d+\s*(?:秒|分钟|小时|天)前|刚刚|昨天|前天"  # portals show recent items by age
)
_HEADLINE_CHARS = 8  # 工作动态, 通知公告: menu entries are words; headlines are sentences
_KEEP_CHARS = 5  # inside the main list, shorter anchors (评论, 更多, a tag) are kept only with an article URL
_SIDE_NAMES = re.compile(
    r"sidebar|aside|(?:^|[\s._#-])side(?:$|[\s._#-])|hot|rank|top10|nav|menu|foot|friend|links?(?:$|[-_\s])"
    r"|yqlj|tuijian|recommend|paihang|banner"
    r"|crumb|share|toolbar|header|copyright|related|xgwz|remen|slide|focus|swiper|carousel",
    re.I,
)
_SIDE_HEADINGS = re.compile(
    r"热门|热点|排行|推荐|相关|友情链接|猜你喜欢|点击榜|阅读榜|图片|视频|专题|精彩|最新|要闻|导读"
)
_LABEL_CHARS = 16  # a heading over a block is short
_MAX_LEVELS = 5  # an anchor's list item is at most this far above it (li > div > h3 > a)
_ITEM_TEXT = 200
_ITEM_SHARE = 0.6  # a second link in a list item is kept when its text is this long beside the headline
_MAX_ITEMS = 60  # beyond this, a bigger block is not more of a list
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*>")
# Hanweb (大汉) columns ship their list as CDATA records inside <script type="text/xml"><datastore>.
_DATASTORE = re.compile(r"<script[^>]*type=[\"']text/xml[\"'][^>]*>(.*?)</script>", re.I | re.S)
_CDATA = re.compile(r"<!\[CDATA\[(.*?)\]\]>", re.S)
_MIN_ITEMS = 3
_MIN_SCORE = 1.0  # below this the best block is no list: only article-shaped headlines are taken
_COLUMN_BOOST = 2.0  # the block headed 工作动态 on the page titled 工作动态_某某卫健委 is the column's list
_ANCHORS_PER_LINK = 20  # a hostile page with a million anchors is read up to 20 x max_links of them


@dataclass(slots=True)
class Link:
    url: str
    text: str
    item_text: str  # the text of the list item around the anchor (its date, its summary)
    order: int
    item: str  # which list item (its element's path): an item's headline outweighs its tags and buttons


@dataclass(slots=True)
class LinkGroup:
    """The links that sit in one repeated structure (one path from the root), with its score."""

    path: str
    label: str  # the class names and ids of the block and above it
    headings: tuple[str, ...] = ()  # the short texts heading the block (工作动态, 热点信息)
    links: list[Link] = field(default_factory=list)
    score: float = 0.0


@dataclass(frozen=True, slots=True)
class ListFinding:
    kept: tuple[tuple[str, str], ...]  # (url, why it is taken as an article link), page order
    left_out: tuple[tuple[str, str], ...]  # (url or href, why not)
    truncated: bool  # more article links than ``max_links`` were on the page


def find_main_list(
    html: str,
    base_url: str,
    policy: HostPolicy,
    link_pattern: str | LinkPattern | None = None,
    max_links: int = 500,
) -> ListFinding:
    """The article links of a listing page, in page order, with the reason for every link kept or not.

    ``link_pattern`` (a regex searched in the absolute URL, in linear time or within its time budget:
    ``PatternTimeout`` past it) overrides the list finder.
    """
    document = _parse(html)
    if document is None:
        return ListFinding((), (), False)
    anchors = list(itertools.islice(document.iter("a"), _ANCHORS_PER_LINK * max_links + 1))
    too_many = len(anchors) > _ANCHORS_PER_LINK * max_links
    groups, left_out = _groups(
        anchors[: _ANCHORS_PER_LINK * max_links], document, _base_href(document, base_url)
    )
    if link_pattern:
        chosen, rest = _by_pattern(groups, compile_link_pattern(link_pattern))
    else:
        title = document.find(".//title")
        chosen, rest = _main_list(groups, policy, _text(title) if title is not None else "")
    # link_pattern is the operator's word: it decides hosts and shapes too.
    found = _finish(chosen, left_out + rest, None if link_pattern else policy, max_links)
    return ListFinding(found.kept, found.left_out, found.truncated or too_many)


def _by_pattern(
    groups: list[LinkGroup], pattern: LinkPattern
) -> tuple[list[tuple[Link, str]], list[tuple[str, str]]]:
    chosen: list[tuple[Link, str]] = []
    rest: list[tuple[str, str]] = []
    for link in (link for group in groups for link in group.links):
        if pattern.search(link.url):
            chosen.append((link, "matches link_pattern"))
        else:
            rest.append((link.url, "does not match link_pattern"))
    return chosen, rest


def _main_list(
    groups: list[LinkGroup], policy: HostPolicy, page_title: str
) -> tuple[list[tuple[Link, str]], list[tuple[str, str]]]:
    for group in groups:
        group.score = _score(group, policy, page_title)
    best = max(groups, key=lambda group: group.score, default=None)
    if best is None or best.score < _MIN_SCORE:
        return _without_a_list(groups)
    chosen, rest = _headlines_of(best)
    for group in groups:
        if group is not best:
            where = " ".join((*group.headings, group.label)) or "block"
            reason = f"outside the main list ({where}, score {group.score:.1f})"
            rest += [(link.url, reason) for link in group.links]
    return chosen, rest


def _headlines_of(best: LinkGroup) -> tuple[list[tuple[Link, str]], list[tuple[str, str]]]:
    """The main list's links that are their item's headline (not its tags, counts or buttons)."""
    why = f"in the main list ({len(best.links)} links, score {best.score:.1f})"
    headline = _headline_chars(best.links)
    chosen: list[tuple[Link, str]] = []
    rest: list[tuple[str, str]] = []
    for link in best.links:
        shape = article_shape(link.url)
        if _chars(link.text) >= max(_KEEP_CHARS, _ITEM_SHARE * headline[link.item]):
            chosen.append((link, why + (f", {shape} URL" if shape else "")))
        else:
            rest.append(
                (link.url, f"{link.text!r} is not its list item's headline (a tag, a button, a count)")
            )
    return chosen, rest


def _without_a_list(groups: list[LinkGroup]) -> tuple[list[tuple[Link, str]], list[tuple[str, str]]]:
    """No block looks like a list (a page of two or three links): article-shaped links with a headline."""
    chosen: list[tuple[Link, str]] = []
    rest: list[tuple[str, str]] = []
    for link in (link for group in groups for link in group.links):
        shape = article_shape(link.url)
        if shape and _chars(link.text) >= _HEADLINE_CHARS:
            chosen.append((link, f"{shape} URL with a headline (no list on the page)"))
        else:
            rest.append((link.url, "no list on the page and no article URL with a headline"))
    return chosen, rest


def _headline_chars(links: list[Link]) -> dict[str, int]:
    """The length of the longest link text of each list item; the same URL counts with its best text."""
    best_text = {}
    for link in links:
        best_text[link.url] = max(best_text.get(link.url, 0), _chars(link.text))
    longest: dict[str, int] = {}
    for link in links:
        longest[link.item] = max(longest.get(link.item, 0), best_text[link.url])
    return longest


def _score(group: LinkGroup, policy: HostPolicy, page_title: str = "") -> float:
    """Size x headline texts x dates x article URLs x allowed hosts x (not a sidebar or menu) x (headed
    by the column the page is named after), over each list item's headline link (its tags, counts and
    buttons do not dilute the list)."""
    headlines: dict[str, Link] = {}
    for link in group.links:
        if link.item not in headlines or len(link.text) > len(headlines[link.item].text):
            headlines[link.item] = link
    links = list({link.url: link for link in headlines.values()}.values())
    if len(links) < _MIN_ITEMS:
        return 0.0  # two links are no list; the page's article-shaped headlines are taken instead

    def share(test: object) -> float:
        return sum(1 for link in links if test(link)) / len(links)  # type: ignore[operator]

    headline = share(lambda link: _chars(link.text) >= _HEADLINE_CHARS)
    dated = share(lambda link: _DATE.search(link.item_text.replace(link.text, "")) is not None)
    shaped = share(lambda link: article_shape(link.url) is not None)
    unwanted = share(lambda link: non_article_shape(link.url) is not None)
    hosted = share(lambda link: policy.problem(link.url) is None)
    # A 热点/推荐/最新 heading marks a sidebar, unless it is the column the page is named after.
    side_heading = any(_SIDE_HEADINGS.search(text) and text not in page_title for text in group.headings)
    side = 0.25 if _SIDE_NAMES.search(group.label) or side_heading else 1.0
    size = min(len(links), _MAX_ITEMS)
    named = _COLUMN_BOOST if any(len(text) >= 2 and text in page_title for text in group.headings) else 1.0
    shares = (0.1 + headline) * (0.7 + dated) * (0.3 + shaped) * (1 - unwanted) * (0.1 + hosted)
    return size * shares * side * named


def _finish(
    chosen: list[tuple[Link, str]], left_out: list[tuple[str, str]], policy: HostPolicy | None, max_links: int
) -> ListFinding:
    kept: dict[str, str] = {}
    unwanted: dict[str, str] = {}  # chosen by the list, refused by host or shape: that is the reason shown
    for link, why in sorted(chosen, key=lambda pair: pair[0].order):
        if link.url in kept:
            continue
        problem = policy and (policy.problem(link.url) or non_article_shape(link.url))
        if problem:
            unwanted[link.url] = problem
        else:
            kept[link.url] = why
    reasons: dict[str, str] = {}
    for url, why in left_out:
        if url not in kept:
            reasons.setdefault(url, why)
    reasons.update(unwanted)
    items = list(kept.items())
    return ListFinding(tuple(items[:max_links]), tuple(reasons.items()), len(items) > max_links)


def _groups(
    anchors: list[lxml.html.HtmlElement], document: lxml.html.HtmlElement, base_url: str
) -> tuple[list[LinkGroup], list[tuple[str, str]]]:
    groups: dict[str, LinkGroup] = {}
    left_out: list[tuple[str, str]] = []
    tree = document.getroottree()
    for order, anchor in enumerate(anchors):
        href = (anchor.get("href") or "").strip()
        if not href:
            continue
        url, problem = _absolute(href, base_url)
        if problem:
            left_out.append((href[:200], problem))
            continue
        item, container = _item_of(anchor)
        path = _signature(container) + ">" + str(item.tag)
        group = groups.get(path) or groups.setdefault(path, LinkGroup(path, *_label(container, item)))
        where = tree.getpath(item)
        text, dates = _anchor_text(anchor)
        group.links.append(Link(url, text, f"{_item_text(anchor, item)} {dates}", order, where))
    return list(groups.values()), left_out


def _absolute(href: str, base_url: str) -> tuple[str, str | None]:
    if href.lower().startswith("javascript:"):
        return href, "a script link (javascript:), not a page"
    if href.startswith("#"):
        return href, "an anchor on the same page"
    try:
        url = urljoin(base_url, href).split("#", 1)[0]
    except ValueError as exc:
        return href, f"malformed link ({exc})"
    return url, url_problem(url)


def _item_of(anchor: lxml.html.HtmlElement) -> tuple[lxml.html.HtmlElement, lxml.html.HtmlElement]:
    """The list item an anchor belongs to and the list container: the ancestor level (up to a few above
    the anchor) with the most same-tag siblings that also hold links."""
    best: tuple[int, lxml.html.HtmlElement, lxml.html.HtmlElement] | None = None
    element = anchor
    for _ in range(_MAX_LEVELS):
        parent = element.getparent()
        if parent is None or parent.tag in ("body", "html"):
            break
        peers = sum(1 for sibling in parent if sibling.tag == element.tag and _holds_link(sibling))
        if peers >= 2 and (best is None or peers > best[0]):
            best = (peers, element, parent)
        element = parent
    if best is not None:
        return best[1], best[2]
    parent = anchor.getparent()
    return anchor, parent if parent is not None else anchor


def _holds_link(element: lxml.html.HtmlElement) -> bool:
    return element.tag == "a" or next(element.iter("a"), None) is not None


def _signature(element: lxml.html.HtmlElement) -> str:
    """The element's path from the root by tag, first class and (digit-free) id."""
    names = []
    for node in (element, *element.iterancestors()):
        if node.tag in ("html", "body"):
            break
        names.append(_name(node))
    return "/".join(reversed(names))


def _name(node: lxml.html.HtmlElement) -> str:
    classes = (node.get("class") or "").split()
    ident = node.get("id") or ""
    name = str(node.tag) + (f".{classes[0]}" if classes else "")
    return name + (f"#{ident}" if ident and not re.search(r"\d", ident) else "")


def _label(container: lxml.html.HtmlElement, item: lxml.html.HtmlElement) -> tuple[str, tuple[str, ...]]:
    """Class names and ids of the block and two levels above it, and the short headings over it."""
    names = [_name(item)]
    headings: list[str] = []
    node: lxml.html.HtmlElement | None = container
    for _ in range(3):
        if node is None or node.tag in ("body", "html"):
            break
        names.append(_name(node))
        heading = node.getprevious()
        if heading is not None and isinstance(heading.tag, str):
            text = _text(heading)
            if 0 < len(text) <= _LABEL_CHARS:
                headings.append(text)
        first = next((child for child in node if isinstance(child.tag, str)), None)
        if (
            first is not None
            and first.tag in ("h1", "h2", "h3", "h4", "h5", "strong", "b")
            and first.find(".//a") is None
        ):
            headings.append(_text(first)[:_LABEL_CHARS])
        node = node.getparent()
    return " ".join(names), tuple(headings)


def _anchor_text(anchor: lxml.html.HtmlElement) -> tuple[str, str]:
    """The anchor's headline (its text, or its longer ``title``) and the dates of elements inside it (a
    card whose whole block is the link: ``<a><div>标题</div><span>2020-07-02</span></a>``)."""
    dates = [
        _text(child)
        for child in anchor.iterdescendants()
        if isinstance(child.tag, str) and _DATE.fullmatch(_text(child).strip("[]()（） "))
    ]
    text = _text(anchor)
    for date in dates:
        text = text.replace(date, " ")
    text = " ".join(text.split())
    title = " ".join((anchor.get("title") or "").split())
    return (title if len(title) > len(text) else text), " ".join(dates)


def _item_text(anchor: lxml.html.HtmlElement, item: lxml.html.HtmlElement) -> str:
    """The anchor's text with what stands beside it: its item's text, or its tail and next sibling."""
    if item is not anchor:
        return _text(item)[:_ITEM_TEXT]
    following = anchor.getnext()
    beside = _text(following) if following is not None and following.tag != "a" else ""
    return " ".join((_text(anchor), anchor.tail or "", beside))[:_ITEM_TEXT]


def _text(element: lxml.html.HtmlElement) -> str:
    return " ".join("".join(element.itertext()).split())


def _chars(text: str) -> int:
    return len("".join(text.split()))


def _base_href(document: lxml.html.HtmlElement, page_url: str) -> str:
    base = document.find(".//base[@href]")
    return urljoin(page_url, base.get("href").strip()) if base is not None else page_url


def _records(script: re.Match[str]) -> str:
    return '<div class="datastore">' + "".join(_CDATA.findall(script.group(1))) + "</div>"


def _parse(html: str) -> lxml.html.HtmlElement | None:
    try:
        document = lxml.html.fromstring(_DATASTORE.sub(_records, _XML_DECLARATION.sub("", html, count=1)))
    except (ValueError, lxml.etree.ParserError):
        return None
    lxml.etree.strip_elements(document, "script", "style", "noscript", "template", with_tail=False)
    return document
