"""The week's candidates and the editor's decisions on them."""

from __future__ import annotations

from datetime import timedelta

from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from hitmon.web.context import signed_in, web_context
from hitmon.web.csrf import checked_form
from hitmon.web.pages import back, flash, number, render, week_of
from pipeline.desk import review
from pipeline.desk.week import WeekFilters, week_view
from pipeline.desk.week import move as move_item
from pipeline.errors import HitmonError
from pipeline.weeks import IsoWeek

ACTIONS = {"accept": "已采用", "reject": "已不用", "reset": "已撤销决定"}


async def home(request: Request) -> Response:
    return RedirectResponse("/week", status_code=303)


async def week_page(request: Request) -> Response:
    web = web_context(request)
    params = request.query_params
    week = week_of(request, params.get("week"))
    filters = WeekFilters(
        show_all=params.get("show") == "all",
        source=params.get("source") or None,
        search=params.get("q") or None,
    )
    view = await web.run(week_view, web.settings, week, filters)
    here = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    following = IsoWeek.containing(week.monday + timedelta(days=7))
    context = {
        "week": week,
        "previous_week": week.previous(),
        "next_week": following,
        "filters": filters,
        "view": view,
        "here": here,
    }
    return render(request, "week.html", context)


async def decide(request: Request) -> Response:
    form = await checked_form(request)
    action = str(form.get("action"))
    if action not in ACTIONS:
        return _refused(request, form, "未知操作")
    article_id = number(form.get("article_id"))
    try:
        await web_context(request).run(review.decide, [article_id], action, actor=signed_in(request).username)
    except HitmonError as exc:
        return _refused(request, form, str(exc))
    flash(request, f"{ACTIONS[action]}：#{article_id}")
    return back(form)


async def move(request: Request) -> Response:
    form = await checked_form(request)
    web = web_context(request)
    step = -1 if form.get("direction") == "up" else 1
    week = week_of(request, form.get("week"))
    article_id = number(form.get("article_id"))
    try:
        await web.run(move_item, web.settings, week, article_id, step, signed_in(request).username)
    except HitmonError as exc:
        return _refused(request, form, str(exc))
    return back(form)


async def reorder(request: Request) -> Response:
    """The whole order at once (the drag-and-drop script posts it; ids comma-separated)."""
    form = await checked_form(request)
    ids = [number(part) for part in str(form.get("ids", "")).split(",") if part.strip()]
    try:
        await web_context(request).run(review.order, ids, actor=signed_in(request).username)
    except HitmonError as exc:
        return _refused(request, form, str(exc))
    return back(form)


def _refused(request: Request, form: FormData, message: str) -> Response:
    flash(request, message, "error")
    return back(form)


ROUTES = [
    Route("/", home, methods=["GET"]),
    Route("/week", week_page, methods=["GET"]),
    Route("/review/decide", decide, methods=["POST"]),
    Route("/review/move", move, methods=["POST"]),
    Route("/review/order", reorder, methods=["POST"]),
]
