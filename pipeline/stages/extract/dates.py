"""Publication time: the article's own metadata and 发布时间 line before dates found elsewhere on the page."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from pipeline.stages.extract.page import Page

PAGE_ZONE = ZoneInfo("Asia/Shanghai")  # pages state local time without a zone
# Clock skew between the site and us; a date later than the fetch by more is not the publication's.
FUTURE_TOLERANCE = timedelta(minutes=5)

DATE_TIME = re.compile(
    r"(?P<y>(?:19|20)\d\d)\s*[-/.年]\s*(?P<m>\d{1,2})\s*[-/.月]\s*(?P<d>\d{1,2})\s*日?"
    r"(?:\s*T?\s*(?P<H>\d{1,2})\s*[:：时]\s*(?P<M>\d{1,2})(?:\s*[:：分]\s*(?P<S>\d{1,2}))?"
    r"(?:\.\d+)?\s*(?P<tz>Z|[+-]\d\d:?\d\d)?)?"
)
_COMPACT = re.compile(
    r"^(?P<y>(?:19|20)\d\d)(?P<m>\d\d)(?P<d>\d\d)(?:\s*(?P<H>\d\d)(?P<M>\d\d)(?P<S>\d\d)?)?"
)
_META_NAMES = (
    "pubdate", "publishdate", "publish_date", "publishtime", "publish-date", "article:published_time",
    "datepublished", "og:release_date", "ptime", "firstpublishedtime", "og:article:published_time",
    "article:publish_time", "weibo:article:create_at", "dc.date.issued", "dc.date", "date",
)  # fmt: skip
_LABEL_TAIL = r"\s*[:：]?\s*[\[【(（]?\s*(?=(?:19|20)\d\d)"
# 发布时间 names the publication wherever it stands; a bare 时间/日期 can be an event's date inside the body.
_PUBLISHED_LABEL = re.compile(r"(?:发布|发表|发稿|Published)(?:时间|日期|于)?" + _LABEL_TAIL, re.IGNORECASE)
_ANY_LABEL = re.compile(r"(?:时间|日期|更新时间|Date)" + _LABEL_TAIL, re.IGNORECASE)
# WeChat: ``var ct = "1524450600"``; newer pages ``create_time: JsDecode('1524450600')``.
_WECHAT_CT = re.compile(
    r"""\bvar\s+ct\s*=\s*["']?(\d{9,10})|\bct\s*=\s*["'](\d{9,10})["']"""
    r"""|create_time\s*[:=]\s*(?:JsDecode\()?\s*["']?(\d{9,10})"""
)
_URL_DATE = re.compile(
    r"/(?P<y>(?:19|20)\d\d)[-/_]?(?P<m>[01]\d)[-/_]?(?P<d>[0-3]\d)(?=[/_.-]|$)"
    r"|/(?P<y2>(?:19|20)\d\d)-?(?P<m2>[01]\d)/(?:[a-z]?\d*/)?(?P<d2>[0-3]\d)/"
    r"|/t(?P<y3>(?:19|20)\d\d)(?P<m3>[01]\d)(?P<d3>[0-3]\d)_"
)
_JSON_LD_DATE = re.compile(r'"(?:datePublished|pubDate|dateCreated)"\s*:\s*"([^"]+)"')
_BYLINE_CHARS = 200
_HEAD_LINES = 80  # the article's own date line sits above the body, near the top of the visible text


def find_published(page: Page, url: str, fetched_at: datetime | None, title: str = "") -> datetime | None:
    """The first plausible candidate, upgraded to a same-day candidate that has a time of day."""
    if fetched_at and fetched_at.tzinfo is None:
        fetched_at = fetched_at.replace(tzinfo=UTC)  # the record says UTC; a naive value must not crash
    best: tuple[datetime, bool] | None = None
    for moment, has_time in _candidates(page, url, title):
        if fetched_at and moment > fetched_at + FUTURE_TOLERANCE:
            continue  # a date after the fetch belongs to something else (copyright, calendars)
        if best is None:
            best = (moment, has_time)
            if has_time:
                break
        elif has_time and _local_day(moment) == _local_day(best[0]):
            best = (moment, True)
            break
    return best[0] if best else None


def feed_published(value: str, fetched_at: datetime) -> datetime | None:
    """A feed item's date; one in the future (a feed claiming 2099) is not trusted: the fetch time, by
    which the item certainly was published, stands in for it."""
    parsed = parse_datetime(value or "")
    if parsed is None:
        return None
    return fetched_at if parsed[0] > fetched_at + FUTURE_TOLERANCE else parsed[0]


def parse_datetime(value: str) -> tuple[datetime, bool] | None:
    """An aware UTC datetime from a date string (local Shanghai time unless it names a zone)."""
    text = value.strip()
    found = DATE_TIME.search(text) or _COMPACT.match(text)
    if not found:
        return None
    parts = found.groupdict()
    try:
        has_time = parts.get("H") is not None
        local = datetime(
            int(parts["y"]), int(parts["m"]), int(parts["d"]),
            int(parts["H"] or 0), int(parts["M"] or 0), int(parts.get("S") or 0),
        )  # fmt: skip
    except ValueError:
        return None
    return local.replace(tzinfo=_zone(parts.get("tz"))).astimezone(UTC), has_time


def _candidates(page: Page, url: str, title: str) -> Iterator[tuple[datetime, bool]]:
    """WeChat's ``ct``, the byline under the title, metadata, labelled lines, the page head, the URL."""
    if found := _WECHAT_CT.search(page.scripts):
        seconds = int(next(group for group in found.groups() if group))
        yield datetime.fromtimestamp(seconds, UTC), True
    yield from _byline_dates(page.text, title)
    for name in _META_NAMES:
        if name in page.metas and (parsed := parse_datetime(page.metas[name])):
            yield parsed
    yield from _json_ld_dates(page)
    yield from _text_dates(page.text)
    yield from _url_dates(url)


def _byline_dates(text: str, title: str) -> Iterator[tuple[datetime, bool]]:
    """The first date in the lines right under the title (the 发布时间/来源 byline) beats metadata.

    The title can also appear in breadcrumbs and teaser lists, so every copy of it is tried.
    """
    if len(title) < 4:
        return
    for copy in re.finditer(re.escape(title), text):
        window = text[copy.end() : copy.end() + _BYLINE_CHARS]
        if (found := DATE_TIME.search(window)) and (parsed := parse_datetime(found.group())):
            yield parsed
            return


def _json_ld_dates(page: Page) -> Iterator[tuple[datetime, bool]]:
    """JSON-LD keys are distinctive enough to read from the scripts' text without parsing the JSON."""
    for found in _JSON_LD_DATE.finditer(page.scripts):
        if parsed := parse_datetime(found.group(1)):
            yield parsed


def _text_dates(text: str) -> Iterator[tuple[datetime, bool]]:
    """After a 发布时间 label anywhere, after a 时间/日期 label near the top, then any date near the top."""
    head = "\n".join(text.split("\n", _HEAD_LINES)[:_HEAD_LINES])
    for pattern, where in ((_PUBLISHED_LABEL, text), (_ANY_LABEL, head)):
        for label in pattern.finditer(where):
            if parsed := parse_datetime(where[label.end() : label.end() + 40]):
                yield parsed
    for found in DATE_TIME.finditer(head):
        if parsed := parse_datetime(found.group()):
            yield parsed


def _url_dates(url: str) -> Iterator[tuple[datetime, bool]]:
    found = _URL_DATE.search(url or "")
    if not found:
        return
    y, m, d = (found.group(k) or found.group(k + "2") or found.group(k + "3") for k in ("y", "m", "d"))
    try:
        yield datetime(int(y), int(m), int(d), tzinfo=PAGE_ZONE).astimezone(UTC), False
    except ValueError:
        return


def _zone(offset: str | None) -> timezone | ZoneInfo:
    if not offset:
        return PAGE_ZONE
    if offset == "Z":
        return UTC
    sign = -1 if offset[0] == "-" else 1
    digits = offset[1:].replace(":", "")
    return timezone(sign * timedelta(hours=int(digits[:2]), minutes=int(digits[2:])))


def _local_day(moment: datetime) -> str:
    return moment.astimezone(PAGE_ZONE).date().isoformat()
