"""The link printed in the bulletin: the URL the page declares for itself, made absolute."""

from __future__ import annotations

import html
import re
from urllib.parse import urljoin, urlsplit

from pipeline.stages.extract.page import Page

_WECHAT_MSG_LINK = re.compile(r"""var\s+msg_link\s*=\s*["']([^"']+)["']""")


def find_canonical(page: Page, url: str) -> str | None:
    """og:url, then <link rel=canonical>, then WeChat's ``msg_link``; None when none is an http(s) URL."""
    declared = [page.metas.get("og:url")]
    declared += page.tree.xpath(
        "//link[contains(concat(' ', normalize-space(@rel), ' '), ' canonical ')]/@href"
    )
    if found := _WECHAT_MSG_LINK.search(page.scripts):
        declared.append(_unescape_js(found.group(1)))
    for candidate in declared:
        absolute = _absolute(candidate, url)
        if absolute:
            return absolute
    return None


def _absolute(candidate: str | None, base: str) -> str | None:
    candidate = (candidate or "").strip()
    if not candidate:
        return None
    try:
        absolute = urljoin(base or "", candidate)
        parts = urlsplit(absolute)
    except ValueError:
        return None
    return absolute if parts.scheme in ("http", "https") and parts.netloc else None


def _unescape_js(value: str) -> str:
    """WeChat writes ``&`` in msg_link as ``\\x26amp;``."""
    return html.unescape(value.replace("\\x26", "&").replace("\\/", "/"))
