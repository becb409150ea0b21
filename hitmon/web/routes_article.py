"""One article: its text with the matched terms marked, the relevance explanation, its copies, and the
edit form for what the bulletin prints."""

from __future__ import annotations

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from hitmon.web.auth import safe_next
from hitmon.web.context import signed_in, web_context
from hitmon.web.csrf import checked_form
from hitmon.web.highlight import highlight, match_spans
from hitmon.web.pages import back, flash, render
from pipeline.desk.article import article_view, edit_printed, summarise
from pipeline.desk.review import UnknownArticle


async def article_page(request: Request) -> Response:
    web = web_context(request)
    article_id = request.path_params["article_id"]
    try:
        view = await web.run(article_view, article_id, web.relevance)
    except UnknownArticle:
        raise HTTPException(404, "没有这篇文章") from None
    contributions = view.explanation.contributions
    context = {
        "view": view,
        "title_marked": highlight(view.title, match_spans(view.title, "title", contributions)),
        "text_marked": highlight(view.text, match_spans(view.text, "body", contributions)),
        "back_to": safe_next(request.query_params.get("back")),
        "here": f"/articles/{article_id}",
    }
    return render(request, "article.html", context)


async def edit(request: Request) -> Response:
    form = await checked_form(request)
    article_id = request.path_params["article_id"]
    fields = {name: str(form.get(name, "")) for name in ("title", "media", "summary")}
    try:
        await web_context(request).run(edit_printed, article_id, **fields, actor=signed_in(request).username)
    except UnknownArticle:
        raise HTTPException(404, "没有这篇文章") from None
    flash(request, "已保存")
    return back(form, f"/articles/{article_id}")


async def summary(request: Request) -> Response:
    """主要内容 as an extractive summary, or back to the full text."""
    form = await checked_form(request)
    web = web_context(request)
    article_id = request.path_params["article_id"]
    full_text = form.get("mode") == "full"
    try:
        view = await web.run(article_view, article_id, web.relevance)
        terms = view.explanation.matched
        await web.run(summarise, article_id, full_text, terms, signed_in(request).username)
    except UnknownArticle:
        raise HTTPException(404, "没有这篇文章") from None
    flash(request, "主要内容已恢复为全文" if full_text else "主要内容已换成摘要（摘自原文的句子）")
    return back(form, f"/articles/{article_id}")


ROUTES = [
    Route("/articles/{article_id:int}", article_page, methods=["GET"]),
    Route("/articles/{article_id:int}/edit", edit, methods=["POST"]),
    Route("/articles/{article_id:int}/summary", summary, methods=["POST"]),
]
