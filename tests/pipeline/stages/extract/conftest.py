"""Fixtures for the extraction tests: the project's own sample pages under tests/fixtures/pages."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from pipeline.record import ArticleRecord
from pipeline.stages.extract.decode import decode_html
from pipeline.stages.extract.page import Page, parse_page

PAGES = Path(__file__).parents[3] / "fixtures" / "pages"
FETCHED_AT = datetime(2018, 5, 1, 12, 0, tzinfo=UTC)


@pytest.fixture
def fetched_at() -> datetime:
    return FETCHED_AT


@pytest.fixture
def fixture_bytes():
    """``fixture_bytes("wechat")``: the raw bytes of tests/fixtures/pages/wechat.html."""
    return lambda name: (PAGES / f"{name}.html").read_bytes()


@pytest.fixture
def make_record():
    def make(html: bytes, url: str = "http://news.example/a/1.html", **fields: object) -> ArticleRecord:
        return ArticleRecord(url=url, source="test", fetched_at=FETCHED_AT, html=html, **fields)

    return make


@pytest.fixture
def page_of():
    """Parse an HTML string (or a fixture's bytes) into the Page the field finders read."""

    def parse(html: str | bytes) -> Page:
        page = parse_page(decode_html(html) if isinstance(html, bytes) else html)
        assert page is not None
        return page

    return parse
