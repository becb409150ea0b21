from __future__ import annotations

import re
from datetime import UTC, datetime

from sqlalchemy import Engine, select
from starlette.testclient import TestClient

from hitmon.web.charts import BAR_WIDTH, bar_chart
from models.db import session_factory, session_scope
from models.schema import CrawlRun, CrawlSourceStats, Source
from tests.hitmon.web.webtools import WEEK


def test_the_overview_charts_the_week_and_shows_crawl_health(
    editor: tuple[TestClient, str], engine: Engine
) -> None:
    client, _ = editor
    with session_scope(session_factory(engine)) as session:
        blocked = session.scalar(select(Source).where(Source.name == "江南省卫生健康委"))
        assert blocked is not None
        blocked.health, blocked.health_reason = "blocked", "JavaScript challenge (HTTP 412)"
        run = CrawlRun(started_at=datetime(2018, 4, 27, 1, tzinfo=UTC), status="finished")
        run.sources.append(CrawlSourceStats(source_id=blocked.id, pages=3, new_articles=7, errors=2))
        session.add(run)
    page = client.get(f"/overview?week={WEEK}").text
    assert page.count("<svg") == 2
    day_bars = re.findall(r"<title>(周. \d+-\d+): (\d+)</title>", page)
    assert day_bars[:4] == [("周一 4-23", "1"), ("周二 4-24", "1"), ("周三 4-25", "1"), ("周四 4-26", "0")]
    assert "<title>HIT前哨网: 2</title>" in page and "<title>江南省卫生健康委: 1</title>" in page
    assert "被拦截" in page and "JavaScript challenge (HTTP 412)" in page
    assert "2018-04-27 09:00" in page  # the last run, in Asia/Shanghai
    everything = client.get(f"/overview?week={WEEK}&show=all").text
    assert "<title>周四 4-26: 1</title>" in everything


def test_bar_lengths_are_proportional_and_labels_kept_as_data() -> None:
    chart = bar_chart("t", [("<a>", 4), ("b", 2), ("c", 0)])
    assert [bar.width for bar in chart.bars] == [BAR_WIDTH, BAR_WIDTH // 2, 0]
    assert chart.bars[0].label == "<a>"  # escaped by the template, not here
    assert bar_chart("empty", []).bars == ()
