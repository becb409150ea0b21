"""CSRF protection: one random token per session, sent back by every form (or the X-CSRF-Token header)."""

from __future__ import annotations

import secrets

from starlette.datastructures import FormData
from starlette.exceptions import HTTPException
from starlette.requests import Request

FIELD = "csrf_token"
HEADER = "x-csrf-token"


def csrf_token(request: Request) -> str:
    token = request.session.get(FIELD)
    if not token:
        token = request.session[FIELD] = secrets.token_urlsafe(32)
    return token


def new_csrf_token(request: Request) -> str:
    """A fresh token, e.g. after signing in, so that a token seen before sign-in is worthless after it."""
    request.session[FIELD] = secrets.token_urlsafe(32)
    return request.session[FIELD]


async def checked_form(request: Request) -> FormData:
    """The POSTed form, or 403 when it does not carry this session's token."""
    form = await request.form()
    sent = form.get(FIELD) or request.headers.get(HEADER) or ""
    expected = request.session.get(FIELD) or ""
    if not (isinstance(sent, str) and expected and secrets.compare_digest(sent, expected)):
        raise HTTPException(403, "表单已过期或并非来自本站：请刷新页面后重试。")
    return form
