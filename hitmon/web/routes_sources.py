"""The sources to crawl: everyone sees them with their health; only an admin adds or switches them."""

from __future__ import annotations

from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from hitmon.web.auth import require_admin
from hitmon.web.context import web_context
from hitmon.web.csrf import checked_form
from hitmon.web.pages import flash, render, row_id
from hitmon.web.targets import target_refused
from models.schema import Source
from models.types import utcnow
from pipeline.errors import HitmonError
from pipeline.ops.health import SourceHealth, assess_sources
from pipeline.store.articles import save_sources
from pipeline.store.sources import SourceSpec

FIELDS = ("name", "kind", "url", "media", "link_pattern")


def add_source(session: Session, spec: SourceSpec) -> None:
    if session.scalar(select(Source).where(Source.name == spec.name)) is not None:
        raise HitmonError(f"已有名为 {spec.name} 的来源")
    save_sources(session, [spec])


def set_enabled(session: Session, source_id: int, enabled: bool) -> str:
    source = session.get(Source, source_id)
    if source is None:
        raise HTTPException(404, "没有这个来源")
    source.enabled = enabled
    return source.name


async def source_health(request: Request) -> list[SourceHealth]:
    """Each source's health as ``hitmon sources health`` shows it (stale included)."""
    web = web_context(request)
    return await web.run(assess_sources, utcnow(), web.settings.schedule.expect_new_within_days)


async def sources_page(request: Request) -> Response:
    health = await source_health(request)
    return render(request, "sources.html", {"sources": health, "draft": {}, "error": None})


async def add(request: Request) -> Response:
    require_admin(request)
    form = await checked_form(request)
    draft = {name: str(form.get(name, "")).strip() for name in FIELDS}
    web = web_context(request)
    try:
        spec = SourceSpec.model_validate({key: value for key, value in draft.items() if value})
        refused = await target_refused(web.settings.web, spec.url)
        if refused:
            return await _form_error(request, draft, refused)
        await web.run(add_source, spec)
    except ValidationError as exc:
        return await _form_error(request, draft, _first_error(exc))
    except HitmonError as exc:
        return await _form_error(request, draft, str(exc))
    flash(request, f"已添加来源 {spec.name}")
    return RedirectResponse("/sources", status_code=303)


async def switch(request: Request) -> Response:
    require_admin(request)
    form = await checked_form(request)
    enabled = form.get("enabled") == "1"
    source_id = row_id(request.path_params["source_id"], "没有这个来源")
    name = await web_context(request).run(set_enabled, source_id, enabled)
    flash(request, f"{name} 已{'启用' if enabled else '停用'}")
    return RedirectResponse("/sources", status_code=303)


async def _form_error(request: Request, draft: dict[str, str], message: str) -> Response:
    health = await source_health(request)
    return render(request, "sources.html", {"sources": health, "draft": draft, "error": message}, 400)


def _first_error(exc: ValidationError) -> str:
    error = exc.errors()[0]
    field = ".".join(str(part) for part in error["loc"])
    return f"{field}: {error['msg'].removeprefix('Value error, ')}"


ROUTES = [
    Route("/sources", sources_page, methods=["GET"]),
    Route("/sources", add, methods=["POST"]),
    Route("/sources/{source_id:int}/enabled", switch, methods=["POST"]),
]
