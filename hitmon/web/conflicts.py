"""409 pages: another editor saved first. They show the other editor's change next to yours and let you
keep either (resubmitting yours against the version now saved, or leaving theirs)."""

from __future__ import annotations

import hashlib

from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import Response

from hitmon.web.auth import safe_next
from hitmon.web.context import web_context
from hitmon.web.pages import render
from pipeline.desk.article import STATUS_NAMES, article_view
from pipeline.desk.candidates import Candidate
from pipeline.desk.review import Conflict

FIELD_LABELS = {"title": "标题", "media": "媒体", "summary": "主要内容"}


def digest(text: str) -> str:
    """A short fingerprint of a field as shown, sent back by the edit form: which fields did the editor
    change? (主要内容 can be long; its digest is enough to tell.)"""
    return hashlib.sha256(_normalised(text).encode()).hexdigest()[:32]


def changed_fields(form: FormData, yours: dict[str, str]) -> tuple[str, ...]:
    """The fields the editor changed from what the form showed; all of them if the form did not say."""
    shown = {name: form.get(f"shown_{name}") for name in FIELD_LABELS}
    if any(value is None for value in shown.values()):
        return tuple(FIELD_LABELS)
    return tuple(name for name in FIELD_LABELS if digest(yours[name]) != shown[name])


async def edit_conflict(
    request: Request, conflict: Conflict, yours: dict[str, str], mine: tuple[str, ...], next_path: str
) -> Response:
    """``mine``: the fields this editor changed; keeping "mine" saves only those over the other's."""
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
            "mine": name in mine,
        }
        for name, label in FIELD_LABELS.items()
    ]
    context = {
        "kind": "edit",
        "view": view,
        "saved": conflict.saved,
        "rows": rows,
        "yours": {name: yours[name] for name in mine},
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
    return _normalised(theirs) != _normalised(yours)


def _normalised(text: str) -> str:
    return text.replace("\r\n", "\n").strip()
