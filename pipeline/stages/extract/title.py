"""Title: a heading the page's own metadata confirms, else the metadata title without its site suffix."""

from __future__ import annotations

import html
import re

from pipeline.stages.extract.page import Page, node_text

# ``标题_频道_网站``, ``标题--人民网``, ``标题|关键词|关键词_新浪新闻``, ``标题 - 某某人民政府网``.
# ``——`` stays: in Chinese titles it introduces a subtitle, not a site name.
_SUFFIX = re.compile(r"\s*(?:[_|｜]|-{1,2}|\s—\s)\s*([^_|｜—-]{1,24}|【[^】]+】)\s*$")
_SEPARATOR_CHARS = "_-|｜— "
_SITE_WORDS = re.compile(r"网|站|频道|新闻|政府|门户|首页|报|中心|平台|在线|资讯|官方|委员会|局$|厅$|部$|【")
_TITLE_CLASS = re.compile(r"title|heading|biaoti|bt_|headline", re.IGNORECASE)
_TAGS = re.compile(r"<[^>]+>")
_NON_WORD = re.compile(r"[\W_]+")
_MAX_HEADINGS = 60  # a portal can carry hundreds of h1 teasers; the title comes early
_HEADING_CHARS = (4, 100)
_MIN_COVERAGE = 0.5  # a heading must cover half the metadata title (rules out logos in <h1>)
_SITE_NAME_ONLY = 8  # a cleaned metadata title this short is the site's name, not the article's title


def find_title(page: Page) -> str:
    metadata = _metadata_titles(page)
    cleaned = [strip_site_suffix(title) for title in metadata]
    headings = _headings(page)
    cleaned_keys = [_key(title) for title in cleaned]
    for keys in (cleaned_keys, [_key(title) for title in metadata]):
        confirmed = [heading for heading in headings if _confirmed(_key(heading), keys, cleaned_keys)]
        if confirmed:
            return max(confirmed, key=len)
    if cleaned and len(_key(cleaned[0])) >= _SITE_NAME_ONLY:
        return cleaned[0]
    return _unconfirmed_heading(page, headings) or (cleaned[0] if cleaned else "")


def _unconfirmed_heading(page: Page, headings: list[str]) -> str:
    """Without metadata to confirm it: the first long <h1>, else the first long title element
    (column names such as 人物聚焦 are short; related-article titles come after the article's)."""
    h1s = (text for text in map(node_text, page.tree.iter("h1")))
    long_ones = (text for text in (*h1s, *headings) if len(text) >= _SITE_NAME_ONLY)
    return next(long_ones, headings[0] if headings else "")


def strip_site_suffix(title: str) -> str:
    """Remove trailing ``_网站名`` / ``--频道--网站`` / ``|关键词`` pieces that look like site furniture."""
    title = " ".join(title.split()).rstrip(_SEPARATOR_CHARS)
    while found := _SUFFIX.search(title):
        piece = found.group(1)
        rest = title[: found.start()].rstrip(_SEPARATOR_CHARS)
        if len(rest) < 4 or (len(piece) > 8 and not _SITE_WORDS.search(piece)):
            break
        title = rest
    return title


def _metadata_titles(page: Page) -> list[str]:
    element = page.tree.find(".//title")
    found = [page.metas.get(name, "") for name in ("articletitle", "og:title", "twitter:title")]
    found.append(node_text(element) if element is not None else "")
    # Some CMSs put markup (``<div>——副题</div>``) inside the meta's content.
    found = [_TAGS.sub("", html.unescape(title)) for title in found]
    return [" ".join(title.split()) for title in found if title.strip()]


def _headings(page: Page) -> list[str]:
    """h1-h3 and elements whose class or id says title, in document order."""
    headings: list[str] = []
    body = page.tree.find(".//body")
    for element in body.iter() if body is not None else ():
        if not isinstance(element.tag, str):
            continue
        if element.tag in ("h1", "h2", "h3") or _TITLE_CLASS.search(
            (element.get("class") or "") + " " + (element.get("id") or "")
        ):
            text = node_text(element)
            if _HEADING_CHARS[0] <= len(text) <= _HEADING_CHARS[1]:
                headings.append(text)
                if len(headings) >= _MAX_HEADINGS:
                    break
    return headings


def _confirmed(heading: str, keys: list[str], cleaned_keys: list[str]) -> bool:
    """The heading's letters appear in a metadata title and cover half of it once the suffix is gone."""
    return len(heading) >= 4 and any(
        heading in key and len(heading) >= _MIN_COVERAGE * len(short)
        for key, short in zip(keys, cleaned_keys, strict=True)
    )


def _key(text: str) -> str:
    """Letters and digits only: sites swap ``——`` for ``-`` or drop spaces between the two copies."""
    return _NON_WORD.sub("", text).lower()
