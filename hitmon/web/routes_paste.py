"""Paste a link: the editor adds an article seen elsewhere; hitmon fetches, extracts, stores and accepts it
into the week (pipeline.desk.pasted). A site that answers with a JavaScript challenge is fetched again
through the crawl's browser (Debian's Chromium), under the same rules on where it may go."""

from __future__ import annotations

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from hitmon.web.context import signed_in, web_context
from hitmon.web.csrf import checked_form
from hitmon.web.pages import flash, week_of
from pipeline.config import Settings
from pipeline.desk.pasted import FetchedPage, NeedsBrowser, PasteRefused, add_pasted, fetch_page, refusal
from pipeline.desk.week import titles_of
from pipeline.stages.page import Stages


async def paste(request: Request) -> Response:
    form = await checked_form(request)
    web = web_context(request)
    week = week_of(request, form.get("week"))
    url = str(form.get("url", "")).strip()
    back = f"/week?week={week}"
    stages = Stages(relevance=web.relevance)
    editor = signed_in(request).username
    try:
        try:
            page = await run_in_threadpool(fetch_page, url, web.settings)
            article_id = await web.run(add_pasted, web.settings, stages, page, week, editor)
        except NeedsBrowser as challenged:
            page = await rendered_page(url, web.settings, challenged)
            article_id = await web.run(add_pasted, web.settings, stages, page, week, editor)
    except PasteRefused as exc:
        flash(request, f"未能添加：{exc}", "error")
        return RedirectResponse(back, status_code=303)
    titles = await web.run(titles_of, [article_id])
    flash(request, f"已添加并采用：{titles.get(article_id, url)}")
    return RedirectResponse(f"{back}&status=all#c{article_id}", status_code=303)


async def rendered_page(url: str, settings: Settings, challenged: NeedsBrowser) -> FetchedPage:
    """``url`` as the browser shows it once the challenge has cleared; PasteRefused saying why not."""
    from crawler.render.browser import BrowserUnavailable, RenderFailed, render_once  # only when needed

    allow_private = settings.web.allow_private_targets
    try:
        shown = await render_once(url, settings.browser, lambda target: refusal(target, allow_private))
    except BrowserUnavailable as exc:
        raise PasteRefused(f"{challenged}，而浏览器不可用（{exc}）：请复制正文后手工添加") from None
    except RenderFailed as exc:
        raise PasteRefused(f"{challenged}，浏览器也未能通过（{exc}）：请复制正文后手工添加") from None
    body = shown.html.encode("utf-8")
    if len(body) > settings.crawl.max_response_mb * 1024 * 1024:
        raise PasteRefused(f"页面超过 {settings.crawl.max_response_mb:g} MB，未保存")
    return FetchedPage(shown.url, body, "utf-8")


ROUTES = [Route("/week/paste", paste, methods=["POST"])]
