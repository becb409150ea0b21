"""A rendered page of the sample site, and the Jinja2 templates that make them."""

from __future__ import annotations

import functools
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape


@dataclass(frozen=True, slots=True)
class Page:
    body: bytes
    content_type: str  # the HTTP Content-Type header
    last_modified: datetime  # aware, UTC


@functools.cache
def templates() -> Environment:
    return Environment(
        loader=PackageLoader("hitmon.samplesite", "templates"),
        autoescape=select_autoescape(enabled_extensions=("html.j2", "xml.j2")),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


def html_page(template: str, last_modified: datetime, *, encoding: str = "utf-8", **context: object) -> Page:
    """Render an HTML page. A GBK page declares its charset only in its <meta>, as old TRS sites do."""
    text = templates().get_template(template).render(charset=encoding, **context)
    content_type = "text/html; charset=utf-8" if encoding == "utf-8" else "text/html"
    return Page(text.encode(encoding), content_type, utc(last_modified))  # strict: unencodable is a bug


def xml_page(template: str, content_type: str, last_modified: datetime, **context: object) -> Page:
    text = templates().get_template(template).render(**context)
    return Page(text.encode("utf-8"), content_type, utc(last_modified))


def text_page(text: str, last_modified: datetime) -> Page:
    return Page(text.encode("utf-8"), "text/plain; charset=utf-8", utc(last_modified))


def utc(moment: datetime) -> datetime:
    return moment.astimezone(UTC)


def newest(moments: Iterable[datetime]) -> datetime:
    return max(utc(moment) for moment in moments)
