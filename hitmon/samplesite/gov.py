"""The provincial 卫生健康委 site (/wsjkw/): a TRS column paginated index.shtml, index_1.shtml, ..."""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

from hitmon.samplesite.articles import SampleArticle
from hitmon.samplesite.page import Page, html_page, newest
from hitmon.samplesite.sites import GOV_COLUMN, GOV_ROOT, GOV_SITE_NAME

ITEMS_PER_PAGE = 8
RELATED_LINKS = 3


class Link(NamedTuple):
    href: str
    text: str


class Category(NamedTuple):
    path: str
    title: str
    lines: tuple[str, ...]
    links: tuple[Link, ...] = ()


_COLUMN = Link(f"{GOV_COLUMN}index.shtml", "工作动态")
_CATEGORIES = (
    Category(GOV_ROOT, GOV_SITE_NAME, ("健康江南，共建共享。",), (_COLUMN, Link("/wsjkw/xxgk/", "信息公开"))),
    Category(
        "/wsjkw/xxgk/",
        "信息公开",
        ("依据《中华人民共和国政府信息公开条例》，主动公开本机关政府信息。",),
        (_COLUMN, Link("/wsjkw/zwgk/index.shtml", "政务公开")),
    ),
    Category(
        "/wsjkw/zwgk/index.shtml", "政务公开", ("机构职能、领导信息、规划计划、财政预决算。",), (_COLUMN,)
    ),
    Category("/wsjkw/bsfw/index.shtml", "办事服务", ("行政许可、办事指南、表格下载。",)),
    Category("/wsjkw/hdjl/index.shtml", "互动交流", ("主任信箱、在线访谈、意见征集。",)),
    Category(
        "/wsjkw/wzdt/index.shtml",
        "网站地图",
        ("本站栏目一览。",),
        (
            Link(GOV_ROOT, "首页"),
            Link("/wsjkw/xxgk/", "信息公开"),
            _COLUMN,
            Link("/wsjkw/zwgk/index.shtml", "政务公开"),
            Link("/wsjkw/bsfw/index.shtml", "办事服务"),
            Link("/wsjkw/hdjl/index.shtml", "互动交流"),
        ),
    ),
    Category("/wsjkw/lxwm/index.shtml", "联系我们", ("地址：临江市健康路1号", "咨询电话：12320")),
    Category("/wsjkw/wzsm/index.shtml", "网站声明", ("本网站所载内容，未经许可不得转载。",)),
)


def render_gov(base_url: str, articles: Sequence[SampleArticle]) -> dict[str, Page]:
    own = sorted((a for a in articles if a.site == "gov"), key=lambda a: a.published, reverse=True)
    pages = _column_pages(own)
    for index, article in enumerate(own):
        neighbours = [*own[max(index - 1, 0) : index], *own[index + 1 :]][:RELATED_LINKS]
        pages[article.path] = _article_page(base_url, article, neighbours)
    for category in _CATEGORIES:
        latest = own[:6] if category.path == GOV_ROOT else []
        pages[category.path] = html_page(
            "gov_category.html.j2",
            newest(a.published for a in own),
            site_name=GOV_SITE_NAME,
            title=category.title,
            lines=category.lines,
            links=category.links,
            latest=latest,
        )
    return pages


def column_page_name(index: int) -> str:
    """TRS numbering: the first page is index.shtml, then index_1.shtml, index_2.shtml, ..."""
    return "index.shtml" if index == 0 else f"index_{index}.shtml"


def _column_pages(newest_first: Sequence[SampleArticle]) -> dict[str, Page]:
    chunks = [newest_first[i : i + ITEMS_PER_PAGE] for i in range(0, len(newest_first), ITEMS_PER_PAGE)]
    pages = {}
    for index, items in enumerate(chunks):
        pages[GOV_COLUMN + column_page_name(index)] = html_page(
            "gov_column.html.j2",
            newest(a.published for a in items),
            site_name=GOV_SITE_NAME,
            items=items,
            page_index=index,
            page_count=len(chunks),
            previous_page=column_page_name(index - 1) if index > 0 else None,
            next_page=column_page_name(index + 1) if index + 1 < len(chunks) else None,
        )
    return pages


def _article_page(base_url: str, article: SampleArticle, related: Sequence[SampleArticle]) -> Page:
    return html_page(
        "gov_article.html.j2",
        article.published,
        encoding=article.encoding,
        site_name=GOV_SITE_NAME,
        article=article,
        description=article.paragraphs[0][:80],
        url=article.url(base_url),
        related=related,
    )
