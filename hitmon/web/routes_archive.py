"""Archive search: earlier coverage of a topic, over every stored article (pipeline.desk.archive)."""

from __future__ import annotations

from datetime import date

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from hitmon.web.context import web_context
from hitmon.web.pages import render
from pipeline.desk.archive import search_archive


async def archive_page(request: Request) -> Response:
    web = web_context(request)
    params = request.query_params
    query = (params.get("q") or "").strip()[:200]
    start, end = _day(params.get("from"), "起始日期"), _day(params.get("to"), "截止日期")
    if start and end and start > end:
        raise HTTPException(400, "起始日期晚于截止日期")
    result = None
    if query:
        result = await web.run(search_archive, web.relevance, query, web.settings.timezone, start, end)
    context = {"query": query, "start": start or "", "end": end or "", "result": result}
    return render(request, "archive.html", context)


def _day(value: str | None, what: str) -> date | None:
    text = (value or "").strip()
    try:
        day = date.fromisoformat(text) if text else None
    except ValueError:
        raise HTTPException(400, f"{what}格式应为 2018-04-27") from None
    if day is not None and not 2000 <= day.year <= 2100:
        raise HTTPException(400, f"{what}须在 2000 至 2100 年之间")
    return day


ROUTES = [Route("/archive", archive_page, methods=["GET"])]
