"""The week's candidates and the editor's decisions on them."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import urlencode

from starlette.datastructures import FormData
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from hitmon.web.conflicts import decision_conflict, order_conflict
from hitmon.web.context import signed_in, web_context
from hitmon.web.csrf import checked_form
from hitmon.web.pages import back, flash, number, optional_number, render, week_of
from pipeline.desk.review import Conflict, NotAccepted, UnknownArticle
from pipeline.desk.week import (
    MAX_ORDER,
    STATUS_FILTERS,
    BadOrder,
    OrderConflict,
    WeekFilters,
    moved,
    titles_of,
    week_view,
)
from pipeline.desk.week import (
    decide as decide_one,
)
from pipeline.desk.week import (
    move as move_item,
)
from pipeline.desk.week import (
    reorder as reorder_items,
)
from pipeline.errors import HitmonError
from pipeline.weeks import IsoWeek

ACTIONS = {"accept": "已采用", "reject": "已标为不用", "reset": "已撤销决定"}
STATUS_LABELS = {
    "open": "待定（已决定的折叠）",
    "pending": "待定",
    "accepted": "采用",
    "rejected": "不用",
    "all": "全部",
}


async def home(request: Request) -> Response:
    return RedirectResponse("/week", status_code=303)


def _filters(request: Request) -> WeekFilters:
    params = request.query_params
    status = params.get("status") or "open"  # decided items folded away unless asked for
    if status not in STATUS_FILTERS:
        raise HTTPException(400, f"状态筛选无效：{status[:20]}")
    return WeekFilters(
        show_all=params.get("show") == "all",
        source=params.get("source") or None,
        search=(params.get("q") or "").strip()[:100] or None,
        status=status,
        page=number(params.get("page") or "1", "页码", largest=100_000),
        page_size=web_context(request).settings.web.week_page_size,
    )


async def week_page(request: Request) -> Response:
    web = web_context(request)
    week = week_of(request, request.query_params.get("week"))
    filters = _filters(request)
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
        "status_labels": STATUS_LABELS,
        "page_base": _without(request, "page"),
        "all_statuses": _without(request, "status") + "&status=all",
    }
    return render(request, "week.html", context)


def _without(request: Request, name: str) -> str:
    """This page's URL without the query parameter ``name`` (ends so that ``&name=...`` can follow)."""
    kept = [(key, value) for key, value in request.query_params.multi_items() if key != name]
    return request.url.path + "?" + urlencode(kept)


async def decide(request: Request) -> Response:
    form = await checked_form(request)
    action = str(form.get("action"))
    if action not in ACTIONS:
        raise HTTPException(400, "未知操作")
    article_id = number(form.get("article_id"), "文章编号")
    expected = optional_number(form.get("version"), "版本")
    web = web_context(request)
    try:
        title = await web.run(decide_one, article_id, action, signed_in(request).username, expected)
    except UnknownArticle:
        raise HTTPException(404, "没有这篇文章") from None
    except Conflict as conflict:
        return await decision_conflict(request, conflict, action, str(form.get("next", "")))
    flash(request, f"{ACTIONS[action]}：{title}")
    return back(form)


async def move(request: Request) -> Response:
    form = await checked_form(request)
    web = web_context(request)
    step = -1 if form.get("direction") == "up" else 1
    week = week_of(request, form.get("week"))
    article_id = number(form.get("article_id"), "文章编号")
    seen = _ids(form.get("seen")) if form.get("seen") is not None else None
    try:
        await web.run(move_item, web.settings, week, article_id, step, signed_in(request).username, seen)
    except OrderConflict as conflict:
        wanted = moved(seen, article_id, step) if seen and article_id in seen else seen or []
        return await _order_conflict(request, form, conflict, wanted, str(week))
    except NotAccepted:
        return _refused(request, form, "这一条已不在本周采用的条目中：列表已刷新。")
    flash(request, "已上移" if step < 0 else "已下移")
    return back(form)


async def reorder(request: Request) -> Response:
    """The whole order at once (the drag-and-drop script posts it; ids comma-separated)."""
    form = await checked_form(request)
    web = web_context(request)
    week = week_of(request, form.get("week"))
    ids = _ids(form.get("ids"))
    seen = _ids(form.get("seen")) if form.get("seen") is not None else None
    try:
        await web.run(reorder_items, web.settings, week, ids, signed_in(request).username, seen)
    except OrderConflict as conflict:
        return await _order_conflict(request, form, conflict, ids, str(week))
    except (BadOrder, NotAccepted, HitmonError) as exc:
        raise HTTPException(400, str(exc)) from None
    flash(request, "已保存新的顺序")
    return back(form)


def _ids(value: object) -> list[int]:
    """Comma-separated ids, refused (400) beyond MAX_ORDER before any is parsed or looked up."""
    parts = [part for part in str(value or "").split(",", MAX_ORDER + 1) if part.strip()]
    if len(parts) > MAX_ORDER:
        raise HTTPException(400, f"一次最多排序 {MAX_ORDER} 条")
    return [number(part, "文章编号") for part in parts]


async def _order_conflict(
    request: Request, form: FormData, conflict: OrderConflict, yours: list[int], week: str
) -> Response:
    titles = await web_context(request).run(titles_of, yours)
    return await order_conflict(request, conflict.current, yours, titles, week, str(form.get("next", "")))


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
