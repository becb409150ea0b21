"""Archive search over every stored article, by words (jieba) and published dates; SQLite FTS5 and
PostgreSQL full-text search alike."""

from __future__ import annotations

import re

from sqlalchemy import Engine
from starlette.testclient import TestClient

from tests.pipeline.factories import record, store


def titles(page: str) -> list[str]:
    table = page.split('data-testid="archive-results"', 1)[1].split("</table>", 1)[0]
    return re.findall(r'<a href="/articles/\d+\?back=[^"]*">([^<]+)</a>', table)


def test_the_archive_finds_earlier_coverage_by_words_and_dates(
    editor: tuple[TestClient, str], engine: Engine
) -> None:
    client, _ = editor
    store(
        engine,
        record(20, 2, title="互联网医院建设提速", text="多地推进互联网医院。"),
        record(21, 16, title="医保电子凭证全面推广", text="互联网医院可用医保电子凭证结算。"),
        record(22, 18, title="天气预报", text="明天有雨。"),
    )
    found = titles(client.get("/archive?q=互联网医院").text)
    assert found == ["医保电子凭证全面推广", "互联网医院建设提速"]  # newest first, title or text
    assert titles(client.get("/archive?q=互联网医院&from=2018-04-10&to=2018-04-30").text) == [
        "医保电子凭证全面推广"
    ]
    assert titles(client.get("/archive?q=电子凭证 互联网医院").text) == ["医保电子凭证全面推广"]  # every word
    assert titles(client.get("/archive?q=区块链").text) == []
    hostile = client.get('/archive?q="<script>alert(1)</script> OR *').text
    assert "<script>alert(1)" not in hostile and "找到" in hostile  # FTS syntax is taken as words


def test_bad_archive_dates_answer_400(editor: tuple[TestClient, str]) -> None:
    client, _ = editor
    for query in ("from=2018-13-01", "to=0001-01-01", "from=2018-05-01&to=2018-04-01"):
        assert client.get(f"/archive?q=医院&{query}").status_code == 400, query


def test_the_archive_says_when_articles_still_wait_to_be_indexed(
    editor: tuple[TestClient, str], engine: Engine, monkeypatch: object
) -> None:
    from pipeline.desk import archive

    client, _ = editor
    store(engine, *(record(30 + n, 10, title=f"互联网医院 第{n}篇") for n in range(5)))
    monkeypatch.setattr(archive, "INDEX_BATCH", 3)  # type: ignore[attr-defined]  (a small batch)
    first = client.get("/archive?q=互联网医院").text
    assert "未编入检索索引" in first
    client.get("/archive?q=互联网医院")
    client.get("/archive?q=互联网医院")
    last = client.get("/archive?q=互联网医院").text
    assert "未编入检索索引" not in last and len(titles(last)) == 5
