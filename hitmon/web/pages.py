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


FIRST_YEAR, LAST_YEAR = 2000, 2100  # weeks a desk can mean; beyond them date arithmetic overflows
MAX_ROW_ID = 2**31 - 1  # the largest id a 32-bit INTEGER column holds (PostgreSQL)


def week_of(request: Request, value: object | None) -> IsoWeek:
    """The week named by a query or form field (this week when absent); 400 when it is no ISO week."""
    if not value:
        return current_week(web_context(request).settings.timezone)
    try:
        week = IsoWeek.parse(str(value))
    except ValueError:
        raise HTTPException(400, f"周次无效：{str(value)[:20]}（应为 2018-W17 这样的 ISO 周）") from None
    if not FIRST_YEAR <= week.year <= LAST_YEAR:
        raise HTTPException(400, f"周次无效：只能查看 {FIRST_YEAR} 至 {LAST_YEAR} 年的周")
    return week


def number(value: object | None, what: str = "编号", largest: int = MAX_ROW_ID) -> int:
    """A decimal number of ASCII digits up to ``largest`` (not "²", not 20 digits); 400 otherwise."""
    text = str(value if value is not None else "").strip()
    if not (text.isascii() and text.isdecimal()) or len(text) > len(str(largest)) or int(text) > largest:
        raise HTTPException(400, f"{what}无效：{text[:20]}")
    return int(text)


def optional_number(value: object | None, what: str = "编号") -> int | None:
    return None if value is None or str(value).strip() == "" else number(value, what)


def row_id(value: object, missing: str) -> int:
    """A path's row id; 404 (not 500) for one no table can hold."""
    if not isinstance(value, int) or not 0 < value <= MAX_ROW_ID:
        raise HTTPException(404, missing)
    return value


def back(form: FormData, fallback: str = "/week") -> RedirectResponse:
    """303 to the form's ``next`` when it is a local path (never off-site), else ``fallback``."""
    target = form.get("next")
    return RedirectResponse(safe_next(str(target)) if target else fallback, status_code=303)
