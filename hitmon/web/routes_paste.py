"""Paste a link: the editor adds an article seen elsewhere; hitmon fetches, extracts, stores and accepts it
into the week (pipeline.desk.pasted)."""

from __future__ import annotations

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from hitmon.web.context import signed_in, web_context
from hitmon.web.csrf import checked_form
from hitmon.web.pages import flash, week_of
from pipeline.desk.pasted import PasteRefused, add_pasted, fetch_page
from pipeline.desk.week import titles_of
from pipeline.stages.page import Stages


async def paste(request: Request) -> Response:
    form = await checked_form(request)
    web = web_context(request)
    week = week_of(request, form.get("week"))
    url = str(form.get("url", "")).strip()
    back = f"/week?week={week}"
    try:
        page = await run_in_threadpool(fetch_page, url, web.settings)
        stages = Stages(relevance=web.relevance)
        article_id = await web.run(add_pasted, web.settings, stages, page, week, signed_in(request).username)
    except PasteRefused as exc:
        flash(request, f"未能添加：{exc}", "error")
        return RedirectResponse(back, status_code=303)
    titles = await web.run(titles_of, [article_id])
    flash(request, f"已添加并采用：{titles.get(article_id, url)}")
    return RedirectResponse(f"{back}&status=all#c{article_id}", status_code=303)


ROUTES = [Route("/week/paste", paste, methods=["POST"])]
