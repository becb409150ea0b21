"""The editor's web app: ``create_app(settings)`` builds one instance, with no state outside it."""

from __future__ import annotations

from datetime import datetime
from http import HTTPStatus
from pathlib import Path
from zoneinfo import ZoneInfo

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from sqlalchemy.exc import OperationalError
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.middleware.sessions import SessionMiddleware
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Mount
from starlette.staticfiles import StaticFiles
from starlette.templating import Jinja2Templates

from hitmon.web import (
    routes_archive,
    routes_article,
    routes_auth,
    routes_export,
    routes_overview,
    routes_paste,
    routes_sources,
    routes_week,
)
from hitmon.web.auth import SignInRequired
from hitmon.web.context import WebContext
from hitmon.web.csrf import csrf_token
from hitmon.web.headers import SecurityHeaders
from hitmon.web.secret import session_secret
from hitmon.web.throttle import LoginThrottle
from models.db import make_engine, require_current_schema, session_factory
from pipeline.config import Settings
from pipeline.desk.export.links import is_web_link

HERE = Path(__file__).parent
SESSION_COOKIE = "hitmon_session"
MAX_FORM_BYTES = 2_000_000  # the largest form is an edited 主要内容
BUSY_RETRY_AFTER = "5"  # seconds a browser is asked to wait when SQLite stayed locked past the busy timeout


def create_app(settings: Settings) -> Starlette:
    engine = make_engine(settings.db, busy_timeout=settings.db_busy_timeout)
    require_current_schema(engine)
    web = WebContext(
        settings=settings,
        sessions=session_factory(engine),
        templates=_templates(settings.timezone),
        throttle=LoginThrottle.from_settings(settings.web),
    )
    routes = [
        *routes_auth.ROUTES,
        *routes_week.ROUTES,
        *routes_paste.ROUTES,
        *routes_archive.ROUTES,
        *routes_article.ROUTES,
        *routes_export.ROUTES,
        *routes_overview.ROUTES,
        *routes_sources.ROUTES,
        Mount("/static", StaticFiles(directory=HERE / "static"), name="static"),
    ]
    middleware = [
        Middleware(SecurityHeaders),
        Middleware(
            SessionMiddleware,
            secret_key=session_secret(settings.web),
            session_cookie=SESSION_COOKIE,
            max_age=settings.web.session_max_age,
            same_site="lax",
            https_only=settings.web.secure_cookies,
        ),
        Middleware(SignInRequired),
    ]
    app = Starlette(
        routes=routes,
        middleware=middleware,
        exception_handlers={HTTPException: _error_page, OperationalError: _database_busy},
        max_body_size=MAX_FORM_BYTES,
    )
    app.router.redirect_slashes = False  # its redirect is built from the Host header: /week/ is a 404
    app.state.web = web
    return app


def _templates(timezone: str) -> Jinja2Templates:
    environment = Environment(
        loader=FileSystemLoader(HERE / "templates"),
        autoescape=True,  # every template, whatever its name: crawled text is untrusted
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    environment.filters["web_link"] = is_web_link  # only http(s) crawled URLs become links
    environment.filters["local"] = lambda moment, fmt="%Y-%m-%d %H:%M": _local(moment, timezone, fmt)
    return Jinja2Templates(env=environment, context_processors=[_page_context])


def _local(moment: datetime | None, timezone: str, fmt: str) -> str:
    return moment.astimezone(ZoneInfo(timezone)).strftime(fmt) if moment else "—"


def _page_context(request: Request) -> dict[str, object]:
    return {"csrf_token": csrf_token(request), "user": getattr(request.state, "user", None)}


ERRORS_IN_CHINESE = {
    400: "请求无效。",
    403: "没有权限。",
    404: "没有这个页面。",
    405: "不支持这种请求方式。",
    409: "内容已被其他编辑修改。",
    413: "提交的内容太大。",
}


def _chinese(status: int) -> str:
    return ERRORS_IN_CHINESE.get(status, "请求未能完成。")


async def _error_page(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    templates: Jinja2Templates = request.app.state.web.templates
    if "session" not in request.scope:  # failed before the session middleware ran
        return Response(exc.detail, status_code=exc.status_code, media_type="text/plain; charset=utf-8")
    detail = exc.detail if exc.detail != HTTPStatus(exc.status_code).phrase else _chinese(exc.status_code)
    context = {"status": exc.status_code, "detail": detail, "messages": []}
    return templates.TemplateResponse(request, "error.html", context, status_code=exc.status_code)


async def _database_busy(request: Request, exc: Exception) -> Response:
    """SQLite still locked after ``db_busy_timeout`` (a long write elsewhere): 503, try again; not a 500."""
    if not isinstance(exc, OperationalError) or "locked" not in str(exc.orig):
        raise exc
    detail = "数据库正忙（另一个进程正在写入），请稍后重试。"
    page = await _error_page(request, HTTPException(503, detail))
    page.headers["Retry-After"] = BUSY_RETRY_AFTER
    return page
