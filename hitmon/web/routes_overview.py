"""The week at a glance: items per day and per source, and each source's crawl health."""

from __future__ import annotations

from sqlalchemy.orm import Session
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from hitmon.web.charts import bar_chart
from hitmon.web.context import web_context
from hitmon.web.pages import render, week_of
from hitmon.web.routes_sources import source_health
from pipeline.desk.overview import WeekCounts, week_counts
from pipeline.weeks import IsoWeek

WEEKDAYS = "一二三四五六日"


def _counts(session: Session, week: IsoWeek, timezone: str, flagged_only: bool) -> WeekCounts:
    return week_counts(session, week, timezone, flagged_only=flagged_only)


async def overview_page(request: Request) -> Response:
    web = web_context(request)
    week = week_of(request, request.query_params.get("week"))
    flagged_only = request.query_params.get("show") != "all"
    counts = await web.run(_counts, week, web.settings.timezone, flagged_only)
    health = await source_health(request)
    per_day = [(f"周{WEEKDAYS[day.weekday()]} {day.month}-{day.day}", count) for day, count in counts.per_day]
    context = {
        "week": week,
        "flagged_only": flagged_only,
        "day_chart": bar_chart("每日条数", per_day),
        "source_chart": bar_chart("各来源条数", list(counts.per_source)),
        "health": health,
    }
    return render(request, "overview.html", context)


ROUTES = [Route("/overview", overview_page, methods=["GET"])]
