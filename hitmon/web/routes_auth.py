"""Sign in and out."""

from __future__ import annotations

from sqlalchemy.orm import Session
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from hitmon.web.auth import password_mark, safe_next
from hitmon.web.context import SignedIn, web_context
from hitmon.web.csrf import checked_form, csrf_token, new_csrf_token
from pipeline.desk.accounts import Passwords, authenticate


def _sign_in(
    session: Session, username: str, password: str, passwords: Passwords
) -> tuple[SignedIn, str] | None:
    user = authenticate(session, username, password, passwords)
    return (SignedIn(user.username, user.role), password_mark(user.password_hash)) if user else None


async def login_page(request: Request) -> Response:
    csrf_token(request)
    return _form(request, next_path=safe_next(request.query_params.get("next")))


async def login(request: Request) -> Response:
    form = await checked_form(request)
    web = web_context(request)
    username, password = str(form.get("username", "")).strip(), str(form.get("password", ""))
    next_path = safe_next(str(form.get("next", "")))
    address = request.client.host if request.client else "unknown"
    if web.throttle.blocked(username, address):
        message = "登录失败次数过多，请过几分钟再试。"
        return _form(request, next_path, username, message, status_code=429)
    signed = await web.run(_sign_in, username, password, web.passwords) if username and password else None
    if signed is None:
        web.throttle.failed(username, address)
        return _form(request, next_path, username, "用户名或密码错误。", status_code=400)
    web.throttle.succeeded(username)
    user, mark = signed
    request.session.clear()
    request.session.update({"user": user.username, "mark": mark})
    new_csrf_token(request)
    return RedirectResponse(next_path, status_code=303)


async def logout(request: Request) -> Response:
    await checked_form(request)
    request.session.clear()
    return RedirectResponse("/login", status_code=303)


def _form(
    request: Request, next_path: str, username: str = "", error: str | None = None, status_code: int = 200
) -> Response:
    context = {"next": next_path, "username": username, "error": error}
    return web_context(request).templates.TemplateResponse(
        request, "login.html", context, status_code=status_code
    )


ROUTES = [
    Route("/login", login_page, methods=["GET"]),
    Route("/login", login, methods=["POST"]),
    Route("/logout", logout, methods=["POST"]),
]
