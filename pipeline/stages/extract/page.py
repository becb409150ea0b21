"""One parse per page: the lxml tree plus the views every field reads (metas, scripts, visible text)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from lxml import etree, html

_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*>", re.IGNORECASE)
_PARSER = html.HTMLParser(remove_comments=True, remove_pis=True, collect_ids=False)
_INVISIBLE = ("script", "style", "noscript", "template", "textarea", "select")


@dataclass(frozen=True, slots=True)
class Page:
    """A parsed page. ``tree`` loses its scripts and styles once parsed; their text is kept in ``scripts``."""

    source: str  # the decoded HTML
    tree: html.HtmlElement
    metas: dict[str, str]  # lower-cased name/property/itemprop -> first non-empty content
    scripts: str  # the text of every <script>, joined
    text: str  # the visible text nodes of <body>, one per line


def parse_page(source: str) -> Page | None:
    """Parse decoded HTML; None when lxml finds no document in it."""
    source = _XML_DECLARATION.sub("", source.replace("\x00", ""), count=1)
    if not source.strip():
        return None
    try:
        tree = html.document_fromstring(source, parser=_PARSER)
    except (etree.ParserError, ValueError):
        return None
    scripts = "\n".join(script.text or "" for script in tree.iter("script"))
    metas = _metas(tree)
    etree.strip_elements(tree, *_INVISIBLE, with_tail=False)
    return Page(source=source, tree=tree, metas=metas, scripts=scripts, text=visible_text(tree))


def _metas(tree: html.HtmlElement) -> dict[str, str]:
    metas: dict[str, str] = {}
    for meta in tree.iter("meta"):
        key = meta.get("name") or meta.get("property") or meta.get("itemprop")
        content = (meta.get("content") or "").strip()
        if key and content:
            metas.setdefault(key.strip().lower(), content)
    return metas


def visible_text(element: html.HtmlElement) -> str:
    """The non-empty lines of the text nodes under ``element`` (its <body> if it has one), stripped."""
    body = element.find(".//body") if element.tag == "html" else element
    nodes = (body if body is not None else element).itertext()
    return "\n".join(line.strip() for node in nodes for line in node.splitlines() if line.strip())


def node_text(element: html.HtmlElement) -> str:
    """The text of an element on one line, whitespace collapsed."""
    return " ".join("".join(element.itertext()).split())
