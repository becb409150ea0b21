"""The next page of a listing: from its pager links, its pagination script or plug-in, in the site's own
URL convention (``index_N.shtml``, ``list_N.html``, ``?page=N``).

Tried in order: TRS ``createPageHTML`` (both the 4- and the 6-argument form), a 下一页 / next link, the
link numbered with the next page, a ``javascript:`` pager whose function builds the URL, then a page count
from a plug-in's options (``totalPage: 54``, ``pageCount``, ``countPage``) or a 共N页 line, with the URL
built from a template in the scripts or from the links the pager shows.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

import lxml.etree
import lxml.html

from pipeline.urls import fetchable_url

_NEXT_TEXT = re.compile(
    r"^\s*[\[【(（]?\s*(?:下一页|下一頁|下页|后一页|后页|加载更多|点击加载更多|next\s*(?:page)?)?\s*(?:›|»|>|>>|→)?"
    r"\s*[\]】)）]?\s*$",
    re.I,
)
_CREATE_PAGE = re.compile(r"createPageHTML\s*\(([^)]*)\)")
_PAGE_COUNT = re.compile(
    r"""["']?\b(?:totalPages?|pageCount|countPage|pageTotal|total_?page|pagecount|allPages?|pageSum|maxPage)"""
    r"""["']?\s*[:=]\s*["']?(\d{1,5})\b""",
    re.I,
)
_PAGE_COUNT_TEXT = re.compile(r"共\s*(\d{1,5})\s*页")
# ``"index_" + num + ".html"``, ``'list_' + (p - 1) + '.shtml'``, ``"?page=" + n``: a URL around a number.
_TEMPLATE = re.compile(
    r"""(["'])(?P<prefix>[^"'\s<>()+]*?[_\-=/])\1\s*\+\s*\(?\s*(?P<var>[A-Za-z_$][\w$]*)\s*"""
    r"""(?:(?P<sign>[+-])\s*(?P<delta>\d+))?\s*\)?\s*(?:\+\s*(["'])(?P<suffix>[^"'\s<>]*)\6)?"""
)
_ONCLICK_PREFIX = re.compile(r"^\s*(?:javascript:\s*)?(?:return\s+)?", re.I)
_JS_CALL = re.compile(r"^\s*javascript:\s*(?!void\b)([A-Za-z_$][\w$.]*)\s*\(\s*['\"]?(\d+)", re.I)
_NUMBERED = re.compile(r"(?<=[_\-=/])(\d{1,5})(?=(?:\.[a-z]{2,5})?(?:$|[&#]))", re.I)
_PAGE_FILE = re.compile(r"^(?P<stem>.+?)(?:_(?P<n>\d+))?\.(?P<ext>s?html?|jsp|aspx?|php)$", re.I)


@dataclass(frozen=True, slots=True)
class NextPage:
    url: str | None  # None on the last page, or when no pager could be resolved
    how: str  # how the URL was found, for ``sources probe``
    problem: str | None = None  # the page has a pager that could not be turned into a URL


NO_PAGER = NextPage(None, "no pager on the page")


def find_next_page(html: str, page_url: str, page_number: int) -> NextPage:
    """The listing page after ``page_number`` (1-based: the source's own URL is page 1)."""
    if found := _create_page_html(html, page_url, page_number):
        return found
    document = _parse(html)
    if document is None:
        return NO_PAGER
    scripts = "\n".join(script.text or "" for script in document.iter("script"))
    anchors = [(_text(a), (a.get("href") or "").strip(), a.get("onclick") or "") for a in document.iter("a")]
    total = _page_count(scripts, document)
    if total is not None and page_number >= total:
        return NextPage(None, f"last page ({total} pages)")
    for finder in (_next_link, _numbered_link):
        if found := finder(anchors, page_url, page_number, scripts):
            return found
    if found := _script_template(scripts, page_url, page_number, total):
        return found
    has_script_pager = any(
        _is_page_label(text) and (_JS_CALL.match(href) or _script_call(onclick))
        for text, href, onclick in anchors
    )
    if total is not None or has_script_pager:
        return _conventional(page_url, page_number, total, has_script_pager)
    return NO_PAGER


def _create_page_html(html: str, page_url: str, page_number: int) -> NextPage | None:
    """TRS: ``createPageHTML(total, current, "index", "shtml")`` with ``current`` counted from 0 (page 2 is
    index_1), or ``createPageHTML('page_div', total, current, 'list', 'shtml', count)`` counted from 1."""
    calls = [call for call in _CREATE_PAGE.finditer(html) if re.search(r"\d", call.group(1))]
    if not calls:
        return None
    call = calls[0]
    args = [arg.strip().strip("'\"") for arg in call.group(1).split(",")]
    if args and not args[0].isdigit():
        args = args[1:]  # the 6-argument form starts with the pager's element id
    if len(args) < 4 or not (args[0].isdigit() and args[1].isdigit()):
        return NextPage(None, "createPageHTML", f"createPageHTML({call.group(1)[:60]}) not understood")
    total, current, name, ext = int(args[0]), int(args[1]), args[2], args[3]
    if page_number >= total:
        return NextPage(None, f"last page (createPageHTML: {total} pages)")
    zero_based = current == 0 or current == page_number - 1
    index = page_number if zero_based else page_number + 1
    url = fetchable_url(urljoin(page_url, f"{name}_{index}.{ext}"))
    return NextPage(url, f"createPageHTML script ({total} pages)", None if url else "bad page name")


def _next_link(
    anchors: list[tuple[str, str, str]], page_url: str, page_number: int, scripts: str
) -> NextPage | None:
    for text, href, onclick in anchors:
        if not text.strip() or not _NEXT_TEXT.match(text):
            continue
        if call := _JS_CALL.match(href) or _script_call(onclick):
            return _from_function(call.group(1), int(call.group(2)), scripts, page_url, "下一页 script link")
        if href and not href.startswith(("#", "javascript:")):
            url = fetchable_url(urljoin(page_url, href))
            if url and url != page_url:
                return NextPage(url, f"{text.strip()} link")
    return None


def _numbered_link(
    anchors: list[tuple[str, str, str]], page_url: str, page_number: int, scripts: str
) -> NextPage | None:
    """The pager's link labelled with the next page's number; failing that, another numbered link shows
    the convention (``index_3.html`` labelled 4 means page N is ``index_{N-1}``)."""
    wanted = page_number + 1
    for text, href, onclick in anchors:
        if text.strip() != str(wanted):
            continue
        if call := _JS_CALL.match(href) or _script_call(onclick):
            return _from_function(
                call.group(1), int(call.group(2)), scripts, page_url, "numbered script link"
            )
        if href and not href.startswith(("#", "javascript:")):
            url = fetchable_url(urljoin(page_url, href))
            if url and url != page_url:
                return NextPage(url, f"link numbered {wanted}")
    for text, href, _ in anchors:
        label = text.strip()
        numbered = _NUMBERED.search(href) if label.isdigit() and int(label) > 1 else None
        if numbered:
            offset = int(numbered.group(1)) - int(label)
            built = href[: numbered.start()] + str(wanted + offset) + href[numbered.end() :]
            if url := fetchable_url(urljoin(page_url, built)):
                return NextPage(url, f"convention of the pager's link numbered {label}")
    return None


def _script_call(onclick: str) -> re.Match[str] | None:
    """``onclick="goPage(2)"``, ``"javascript:goPage('2')"``, ``"return turnPage(2);"`` as a call."""
    return _JS_CALL.match("javascript:" + _ONCLICK_PREFIX.sub("", onclick))


def _from_function(name: str, argument: int, scripts: str, page_url: str, what: str) -> NextPage:
    """A ``javascript:goPage(3)`` link: the URL template inside ``function goPage``, with its number."""
    body = _function_body(scripts, name.split(".")[-1])
    template = _TEMPLATE.search(body) if body else None
    if template is None:
        return NextPage(None, what, f"script pager {name}() builds no URL that can be read")
    return _build(template, argument, page_url, f"{what} {name}({argument})")


def _script_template(scripts: str, page_url: str, page_number: int, total: int | None) -> NextPage | None:
    """A pager plug-in's callback with a URL template (``location.href = "index_" + num + ".html"``)."""
    if total is None:
        return None
    for template in _TEMPLATE.finditer(scripts):
        if _looks_like_page_url(template):
            return _build(template, page_number + 1, page_url, f"pager script ({total} pages)")
    return None


def _continues(template: re.Match[str]) -> bool:
    """The literal is the tail of an expression (``base + "_" + n``), not the start of the URL."""
    before = template.string[: template.start()].rstrip()
    return before.endswith("+") and template.group("prefix")[:1] in "_-"


def _looks_like_page_url(template: re.Match[str]) -> bool:
    prefix, suffix = template.group("prefix"), template.group("suffix") or ""
    if re.search(r"\.(?:s?html?|jsp|aspx?|php)$", suffix, re.I):
        return True
    return not suffix and re.search(r"[?&](?:page|pageNo|p|pn|pageIndex|curPage)=$", prefix, re.I) is not None


def _build(template: re.Match[str], number: int, page_url: str, how: str) -> NextPage:
    delta = int(template.group("delta") or 0) * (-1 if template.group("sign") == "-" else 1)
    built = f"{template.group('prefix')}{number + delta}{template.group('suffix') or ''}"
    if _continues(template):
        # ``url + "_" + n + ".html"``: the part before is the page's own name (index, list_gzbd).
        filename = urlsplit(page_url).path.rpartition("/")[2]
        found = _PAGE_FILE.match(filename)
        built = (found.group("stem") if found else "index") + built
    url = fetchable_url(urljoin(page_url, built))
    return NextPage(url, how, None if url else f"script builds an unusable URL {built!r}")


def _conventional(page_url: str, page_number: int, total: int | None, scripted: bool) -> NextPage:
    """No link and no template: ``stem_N.ext`` beside the page (the common CMS convention), else
    ``?page=N``; recorded as a guess."""
    wanted = page_number + 1
    parts = urlsplit(page_url)
    folder, _, filename = parts.path.rpartition("/")
    what = f"{total} pages" if total is not None else "script page links"
    if found := _PAGE_FILE.match(filename):
        path = f"{folder}/{found.group('stem')}_{wanted}.{found.group('ext')}"
        url = urlunsplit((parts.scheme, parts.netloc, path, parts.query, ""))
        return NextPage(url, f"pager ({what}); URL by the {found.group('stem')}_N convention")
    if parts.query or not scripted:
        query = [(key, value) for key, value in parse_qsl(parts.query) if key != "page"] + [
            ("page", str(wanted))
        ]
        url = urlunsplit((parts.scheme, parts.netloc, parts.path, urlencode(query), ""))
        return NextPage(url, f"pager ({what}); URL by the ?page=N convention")
    return NextPage(None, f"pager ({what})", "script pager with no URL convention to follow")


def _is_page_label(text: str) -> bool:
    return text.strip().isdigit() or (bool(text.strip()) and _NEXT_TEXT.match(text) is not None)


def _page_count(scripts: str, document: lxml.html.HtmlElement) -> int | None:
    found = _PAGE_COUNT.search(scripts)
    if found:
        return int(found.group(1))
    text = _PAGE_COUNT_TEXT.search(" ".join(document.itertext()))
    return int(text.group(1)) if text else None


def _function_body(scripts: str, name: str) -> str:
    found = re.search(
        rf"(?:function\s+{re.escape(name)}\s*\(|\b{re.escape(name)}\s*[:=]\s*function\s*\()", scripts
    )
    return scripts[found.end() : found.end() + 600] if found else ""


def _text(element: lxml.html.HtmlElement) -> str:
    return " ".join("".join(element.itertext()).split())


def _parse(html: str) -> lxml.html.HtmlElement | None:
    try:
        return lxml.html.fromstring(re.sub(r"^\s*<\?xml[^>]*>", "", html, count=1))
    except (ValueError, lxml.etree.ParserError):
        return None
