"""Every page behind sign-in: the cookie carries a sign-in token whose row must not have ended or expired,
and whose user must still exist and be active (pipeline.desk.signins)."""

from __future__ import annotations

import re
from urllib.parse import urlencode, urlsplit

from sqlalchemy.orm import Session
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.types import ASGIApp, Receive, Scope, Send

from hitmon.web.context import SignedIn, signed_in, web_context
from pipeline.desk import signins

HOME = "/week"
TOKEN = "signin"  # the session-cookie key of the sign-in token
EDIT_PATH = re.compile(r"/articles/(\d{1,9})/edit")
DRAFT_FIELDS = ("title", "media", "summary", "version")


def session_user(session: Session, token: str, max_age: int) -> SignedIn | None:
    user = signins.active_user(session, token, max_age)
    return SignedIn(user.username, user.role) if user else None


def safe_next(target: str | None) -> str:
    """``target`` if it is a path on this site, else the home page: no open redirects."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return HOME
    if any(ord(char) < 0x20 or ord(char) == 0x7F for char in target):
        return HOME
    parts = urlsplit(target)
    return target if not parts.scheme and not parts.netloc else HOME


class SignInRequired:
    """Pure ASGI (not BaseHTTPMiddleware), so that errors such as a too-large body pass through unwrapped."""

    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"] == "/login" or scope["path"].startswith("/static/"):
            await self.app(scope, receive, send)
            return
        request = Request(scope, receive)
        web = web_context(request)
        token = request.session.get(TOKEN)
        user = await web.run(session_user, token, web.settings.web.session_max_age) if token else None
        if user is None:
            request.session.pop(TOKEN, None)
            response = await _to_sign_in(request)
            await response(scope, receive, send)
            return
        request.state.user = user
        request.state.signin = token
        await self.app(scope, receive, send)


async def _to_sign_in(request: Request) -> Response:
    """To the sign-in page, remembering the page asked for. An article edit posted after the sign-in
    expired comes back in the sign-in form, which hands it to the new sign-in (pipeline.desk.signins)."""
    path = request.url.path
    edit = EDIT_PATH.fullmatch(path) if request.method == "POST" else None
    if edit:
        form = await request.form()
        draft = {name: str(form.get(name, "")) for name in DRAFT_FIELDS}
        return _login_with_draft(request, {"article_id": int(edit.group(1)), **draft})
    wanted = path + (f"?{request.url.query}" if request.url.query else "")
    query = urlencode({"next": wanted}) if request.method == "GET" and path != "/" else ""
    return RedirectResponse("/login" + (f"?{query}" if query else ""), status_code=303)


def _login_with_draft(request: Request, draft: dict[str, object]) -> Response:
    """The sign-in form itself (401), carrying the unsaved edit so that signing in keeps it."""
    from hitmon.web.csrf import csrf_token

    csrf_token(request)
    context = {
        "next": f"/articles/{draft['article_id']}",
        "username": "",
        "error": "登录已过期：请重新登录，你刚才的修改会保留为草稿。",
        "draft": draft,
    }
    return web_context(request).templates.TemplateResponse(request, "login.html", context, status_code=401)


def require_admin(request: Request) -> SignedIn:
    user = signed_in(request)
    if not user.is_admin:
        raise HTTPException(403, "只有管理员可以管理来源。")
    return user
