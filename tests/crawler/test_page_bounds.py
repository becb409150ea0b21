"""Extraction bounds in the crawl's process pool: a page past them is dropped as PageTooComplex in the
worker, and the same workers go on with the next pages."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import pytest

from crawler.workers import PageProcessor
from pipeline.config import Settings
from pipeline.errors import PageTooComplex
from pipeline.record import ArticleRecord
from tests.crawler.hostile_site import article_html


def record(html: str, n: int) -> ArticleRecord:
    return ArticleRecord(
        url=f"http://127.0.0.1/a/{n}.html", source="s", fetched_at=datetime.now(UTC), html=html.encode()
    )


def heavy_page(elements: int) -> str:
    return "<html><body><h1>元素极多的页面标题</h1><div>" + "<span><b>数据</b></span>" * (elements // 2)


async def process_all(processor: PageProcessor, records: list[ArticleRecord]) -> list[object]:
    return await asyncio.gather(*(processor.process(r, None) for r in records), return_exceptions=True)


@pytest.mark.parametrize(
    ("bounds", "heavy", "reason"),
    [
        ({"max_page_elements": 10_000}, heavy_page(50_000), "elements, more than 10,000"),
        (
            {"max_extract_seconds": 0.2, "max_page_elements": 10**7},
            heavy_page(400_000),
            "took more than 0.2 s",
        ),
    ],
)
def test_a_page_past_the_bounds_is_dropped_and_the_workers_go_on(bounds, heavy, reason) -> None:
    settings = Settings(crawl={"extract_workers": 2, **bounds})
    processor = PageProcessor(settings)
    try:
        first = asyncio.run(
            process_all(processor, [record(heavy, 0), record(article_html("第一篇正常文章标题"), 1)])
        )
        later = asyncio.run(
            process_all(processor, [record(article_html(f"之后的第{n}篇文章标题"), n) for n in (2, 3)])
        )
    finally:
        processor.close()
    assert isinstance(first[0], PageTooComplex) and reason in str(first[0])
    assert first[0].reason == "PageTooComplex"
    assert [r.title for r in (first[1], *later)] == [
        "第一篇正常文章标题",
        "之后的第2篇文章标题",
        "之后的第3篇文章标题",
    ]
