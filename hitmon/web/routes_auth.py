"""Sign in and out."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session
from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from hitmon.web.auth import DRAFT_FIELDS, EDIT_PATH, TOKEN, safe_next
from hitmon.web.client import client_address
from hitmon.web.context import web_context
from hitmon.web.csrf import checked_form, csrf_token, new_csrf_token
from pipeline.desk import signins
from pipeline.desk.accounts import Passwords, authenticate


def _sign_in(
    session: Session,
    username: str,
    password: str,
    passwords: Passwords,
    max_age: int,
    draft: dict[str, Any] | None,
) -> str | None:
    """A new sign-in's token, or None for a wrong name or password."""
    user = authenticate(session, username, password, passwords)
    if user is None:
        return None
    signins.forget_old(session, max_age)
    return signins.start(session, user.username, draft)


async def login_page(request: Request) -> Response:
    csrf_token(request)
    return _form(request, next_path=safe_next(request.query_params.get("next")))


async def login(request: Request) -> Response:
    form = await checked_form(request)
    web = web_context(request)
    username, password = str(form.get("username", "")).strip(), str(form.get("password", ""))
    next_path = safe_next(str(form.get("next", "")))
    draft = _draft(form)
    address = client_address(request, web.settings.web.trusted_proxies)
    if web.throttle.blocked(username, address):
        message = "登录失败次数过多，请过几分钟再试。"
        return _form(request, next_path, username, message, status_code=429, draft=draft)
    token = None
    if username and password:
        max_age = web.settings.web.session_max_age
        token = await web.run(_sign_in, username, password, web.passwords, max_age, draft)
    if token is None:
        web.throttle.failed(username, address)
        return _form(request, next_path, username, "用户名或密码错误。", status_code=400, draft=draft)
    web.throttle.succeeded(username, address)
    request.session.clear()
    request.session[TOKEN] = token
    new_csrf_token(request)
    return RedirectResponse(next_path, status_code=303)


async def logout(request: Request) -> Response:
    await checked_form(request)
    token = request.session.get(TOKEN)
    if token:
        await web_context(request).run(signins.end, token)  # every copy of the cookie stops working
    request.session.clear()
    return RedirectResponse("/login", status_code=303)


def _draft(form: FormData) -> dict[str, Any] | None:
    """The unsaved article edit the sign-in form carries after an expired sign-in, if any."""
    article = str(form.get("draft_article_id", ""))
    if not EDIT_PATH.fullmatch(f"/articles/{article}/edit"):
        return None
    return {"article_id": int(article), **{name: str(form.get(f"draft_{name}", "")) for name in DRAFT_FIELDS}}


def _form(
    request: Request,
    next_path: str,
    username: str = "",
    error: str | None = None,
    status_code: int = 200,
    draft: dict[str, Any] | None = None,
) -> Response:
    context = {"next": next_path, "username": username, "error": error, "draft": draft}
    return web_context(request).templates.TemplateResponse(
        request, "login.html", context, status_code=status_code
    )


ROUTES = [
    Route("/login", login_page, methods=["GET"]),
    Route("/login", login, methods=["POST"]),
    Route("/logout", logout, methods=["POST"]),
]
