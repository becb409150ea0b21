"""Every page behind sign-in: the session names the user, who must still exist, be active and have the
same password as when they signed in (changing a password ends the other sessions)."""

from __future__ import annotations

import hashlib
from urllib.parse import urlencode, urlsplit

from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.types import ASGIApp, Receive, Scope, Send

from hitmon.web.context import SignedIn, signed_in, web_context
from models.schema import User

HOME = "/week"


def password_mark(password_hash: str) -> str:
    """A short digest of the hash kept in the session: a new password no longer matches it."""
    return hashlib.sha256(password_hash.encode()).hexdigest()[:16]


def session_user(session: Session, username: str, mark: str) -> SignedIn | None:
    user = session.scalar(select(User).where(User.username == username))
    if user is None or not user.active or password_mark(user.password_hash) != mark:
        return None
    return SignedIn(user.username, user.role)


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
        request = Request(scope)
        username, mark = request.session.get("user"), request.session.get("mark")
        user = await web_context(request).run(session_user, username, mark) if username and mark else None
        if user is None:
            request.session.pop("user", None)
            await _to_sign_in(request)(scope, receive, send)
            return
        request.state.user = user
        await self.app(scope, receive, send)


def _to_sign_in(request: Request) -> Response:
    """To the sign-in page, remembering the page asked for (GET only: a form cannot be replayed)."""
    path = request.url.path
    wanted = path + (f"?{request.url.query}" if request.url.query else "")
    query = urlencode({"next": wanted}) if request.method == "GET" and path != "/" else ""
    return RedirectResponse("/login" + (f"?{query}" if query else ""), status_code=303)


def require_admin(request: Request) -> SignedIn:
    user = signed_in(request)
    if not user.is_admin:
        raise HTTPException(403, "只有管理员可以管理来源。")
    return user
