"""Body text: the article container of site families trafilatura misses, else trafilatura; then clean-up."""

from __future__ import annotations

import re

import trafilatura
from lxml import html

from pipeline.stages.extract.page import Page, node_text
from pipeline.stages.extract.trim import clean_body

# Containers that hold exactly the article on TRS/gov.cn/WeChat pages, where trafilatura picks the menu
# or the account profile instead.
_CONTAINERS = tuple(
    html.etree.XPath(path)
    for path in (
        "//*[@id='js_content']",
        "//*[contains(concat(' ', normalize-space(@class), ' '), ' TRS_Editor ')]",
        "//*[contains(concat(' ', normalize-space(@class), ' '), ' TRS_UEDITOR ')]",
        "//*[contains(concat(' ', normalize-space(@class), ' '), ' pages_content ')]",
        "//*[@id='UCAP-CONTENT']",
        "//*[@id='zoom' or @id='Zoom']",
    )
)
_MIN_CONTAINER_CHARS = 40
_LINK_SHARE = 0.8
_BLOCKS = frozenset(
    {
        *("p", "div", "section", "article", "br", "li", "ul", "ol", "table", "tr", "hr", "dd", "dt"),
        *("h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre", "figure", "figcaption"),
    }
)
_TAGS = re.compile(r"<[^>]+>")


def find_body(page: Page, url: str, title: str) -> str:
    """Paragraphs as lines joined by "\\n"; empty when the page has no article body."""
    text = _container_text(page)
    if text:
        return clean_body(text, title)
    # Infinite-scroll portals append the next articles, each under its own <h1>.
    other_headings = frozenset(node_text(h1) for h1 in page.tree.iter("h1")) - {title}
    return clean_body(_trafilatura_text(page, url), title, other_headings)


def is_link_list(page: Page, text: str) -> bool:
    """Most of the body's characters are lines that are link texts: a listing page."""
    links = {node_text(anchor) for anchor in page.tree.iter("a")}
    lines = [line.lstrip("- ") for line in text.split("\n")]
    linked = sum(len(line) for line in lines if line in links)
    return linked > _LINK_SHARE * sum(len(line) for line in lines)


def feed_body(content: str, title: str) -> str:
    """The body a feed item carries (HTML), for pages that render their article with JavaScript."""
    try:
        text = block_text(html.fragment_fromstring(content, create_parent="div"))
    except (html.etree.ParserError, ValueError):
        text = _TAGS.sub("\n", content)
    return clean_body(text, title)


def _container_text(page: Page) -> str:
    for path in _CONTAINERS:
        for element in path(page.tree):
            text = block_text(element)
            if len(text) >= _MIN_CONTAINER_CHARS:
                return text
    return ""


def block_text(element: html.HtmlElement) -> str:
    """The element's text with a line break around every block element (WeChat nests <section><span>)."""
    parts: list[str] = []
    _walk(element, parts)
    return "\n".join(" ".join(line.split()) for line in "".join(parts).split("\n") if line.strip())


def _walk(element: html.HtmlElement, parts: list[str]) -> None:
    is_block = isinstance(element.tag, str) and element.tag in _BLOCKS
    if is_block:
        parts.append("\n")
    if element.text:
        parts.append(element.text)
    for child in element:
        _walk(child, parts)
        if child.tail:
            parts.append(child.tail)
    if is_block:
        parts.append("\n")


def _trafilatura_text(page: Page, url: str) -> str:
    document = trafilatura.bare_extraction(
        page.tree,
        url=url or None,
        include_comments=False,
        include_tables=False,  # layout tables on older portals pull in menus and ads; body <p>s stay
        deduplicate=False,
        with_metadata=False,
    )
    return (getattr(document, "text", None) or "") if document else ""
