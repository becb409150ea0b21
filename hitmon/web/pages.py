"""Helpers every handler uses: render a template, read a week or an id, flash a message, redirect back."""

from __future__ import annotations

from typing import Any

from starlette.datastructures import FormData
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from hitmon.web.auth import safe_next
from hitmon.web.context import web_context
from pipeline.weeks import IsoWeek, current_week


def render(request: Request, name: str, context: dict[str, Any], status_code: int = 200) -> Response:
    context = {"messages": request.session.pop("flash", []), **context}
    return web_context(request).templates.TemplateResponse(request, name, context, status_code=status_code)


def flash(request: Request, text: str, kind: str = "info") -> None:
    request.session["flash"] = [*request.session.get("flash", []), [kind, text]]


def week_of(request: Request, value: object | None) -> IsoWeek:
    """The week named by a query or form field (this week when absent); 400 when it is no ISO week."""
    if not value:
        return current_week(web_context(request).settings.timezone)
    try:
        return IsoWeek.parse(str(value))
    except ValueError as exc:
        raise HTTPException(400, f"周次无效：{exc}") from None


def number(value: object | None, what: str = "id") -> int:
    try:
        return int(str(value))
    except ValueError:
        raise HTTPException(400, f"{what} 无效") from None


def back(form: FormData, fallback: str = "/week") -> RedirectResponse:
    """303 to the form's ``next`` when it is a local path (never off-site), else ``fallback``."""
    target = form.get("next")
    return RedirectResponse(safe_next(str(target)) if target else fallback, status_code=303)
