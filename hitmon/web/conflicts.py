"""409 pages: another editor saved first. They show the other editor's change next to yours and let you
keep either (resubmitting yours against the version now saved, or leaving theirs)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from hitmon.web.auth import safe_next
from hitmon.web.context import web_context
from hitmon.web.pages import render
from pipeline.desk.article import STATUS_NAMES, article_view
from pipeline.desk.candidates import Candidate
from pipeline.desk.review import Conflict

FIELD_LABELS = {"title": "标题", "media": "媒体", "summary": "主要内容"}


async def edit_conflict(
    request: Request, conflict: Conflict, yours: dict[str, str], next_path: str
) -> Response:
    web = web_context(request)
    view = await web.run(article_view, conflict.saved.article_id, web.relevance)
    theirs = {"title": view.printed_title, "media": view.printed_media, "summary": view.summary}
    rows = [
        {
            "name": name,
            "label": label,
            "theirs": theirs[name],
            "yours": yours[name],
            "differs": _differs(theirs[name], yours[name]),
        }
        for name, label in FIELD_LABELS.items()
    ]
    context = {
        "kind": "edit",
        "view": view,
        "saved": conflict.saved,
        "rows": rows,
        "yours": yours,
        "next": safe_next(next_path) if next_path else f"/articles/{view.id}",
    }
    return render(request, "conflict.html", context, status_code=409)


async def decision_conflict(request: Request, conflict: Conflict, action: str, next_path: str) -> Response:
    wanted = {"accept": "采用", "reject": "不用", "reset": "待定"}[action]
    context = {
        "kind": "decision",
        "saved": conflict.saved,
        "theirs": STATUS_NAMES.get(conflict.saved.status, conflict.saved.status),
        "yours": wanted,
        "action": action,
        "next": safe_next(next_path),
    }
    return render(request, "conflict.html", context, status_code=409)


async def order_conflict(
    request: Request,
    current: list[Candidate],
    yours: list[int],
    titles: dict[int, str],
    week: str,
    next_path: str,
) -> Response:
    context = {
        "kind": "order",
        "current": current,
        "yours": [(article_id, titles.get(article_id, "（已不在采用中）")) for article_id in yours],
        "yours_ids": ",".join(str(i) for i in yours if i in {c.id for c in current}),
        "current_ids": ",".join(str(c.id) for c in current),
        "complete": sorted(yours) == sorted(c.id for c in current),
        "week": week,
        "next": safe_next(next_path),
    }
    return render(request, "conflict.html", context, status_code=409)


def _differs(theirs: str, yours: str) -> bool:
    return theirs.replace("\r\n", "\n").strip() != yours.replace("\r\n", "\n").strip()
