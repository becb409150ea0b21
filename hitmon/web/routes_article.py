"""One article: its text with the matched terms marked, the relevance explanation, its copies, and the
edit form for what the bulletin prints."""

from __future__ import annotations

from urllib.parse import urlencode

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from hitmon.web.auth import safe_next
from hitmon.web.conflicts import changed_fields, digest, edit_conflict
from hitmon.web.context import signed_in, web_context
from hitmon.web.csrf import checked_form
from hitmon.web.highlight import highlight, match_spans
from hitmon.web.pages import back, flash, optional_number, render, row_id
from pipeline.desk import signins
from pipeline.desk.article import ReplacesHandWritten, article_view, edit_printed, summarise
from pipeline.desk.review import Conflict, UnknownArticle

EDITED = ("title", "media", "summary")


def _article_id(request: Request) -> int:
    return row_id(request.path_params["article_id"], "没有这篇文章")


async def article_page(request: Request) -> Response:
    web = web_context(request)
    article_id = _article_id(request)
    try:
        view = await web.run(article_view, article_id, web.relevance)
    except UnknownArticle:
        raise HTTPException(404, "没有这篇文章") from None
    draft = await web.run(signins.take_draft, request.state.signin, article_id)
    form = {"title": view.printed_title, "media": view.printed_media, "summary": view.summary}
    form["version"] = str(view.version)
    shown = {name: digest(form[name]) for name in EDITED}  # tells which fields the editor then changed
    if draft:
        form = {name: str(draft.get(name, "")) for name in (*EDITED, "version")}
        shown = {}  # what the draft's form showed is unknown: count every field as changed
        flash(request, "已恢复登录过期前未保存的修改：请检查后点“保存”。", "warning")
    contributions = view.explanation.contributions
    back_to = safe_next(request.query_params.get("back"))
    context = {
        "view": view,
        "form": form,
        "shown": shown,
        "title_marked": highlight(view.title, match_spans(view.title, "title", contributions)),
        "text_marked": highlight(view.text, match_spans(view.text, "body", contributions)),
        "back_to": back_to,
        # after a save, 返回列表 still leads where the editor came from
        "here": f"/articles/{article_id}?{urlencode({'back': back_to})}",
    }
    return render(request, "article.html", context)


async def edit(request: Request) -> Response:
    form = await checked_form(request)
    article_id = _article_id(request)
    # a field the form leaves out stays as it is (the conflict page sends only the editor's own changes)
    fields = {name: str(value) for name in EDITED if (value := form.get(name)) is not None}
    expected = optional_number(form.get("version"), "版本")
    web = web_context(request)
    try:
        await web.run(
            edit_printed, article_id, **fields, actor=signed_in(request).username, expected_version=expected
        )
    except UnknownArticle:
        raise HTTPException(404, "没有这篇文章") from None
    except Conflict as conflict:
        yours = {name: fields.get(name, "") for name in EDITED}
        mine = tuple(name for name in changed_fields(form, yours) if name in fields)
        return await edit_conflict(request, conflict, yours, mine, str(form.get("next", "")))
    flash(request, "已保存")
    return back(form, f"/articles/{article_id}")


async def summary(request: Request) -> Response:
    """主要内容 as an extractive summary, or back to the full text; asks before replacing typed text."""
    form = await checked_form(request)
    web = web_context(request)
    article_id = _article_id(request)
    full_text = form.get("mode") == "full"
    confirmed = form.get("confirm") == "yes"
    expected = optional_number(form.get("version"), "版本")
    try:
        view = await web.run(article_view, article_id, web.relevance)
        terms = view.explanation.matched
        await web.run(
            summarise,
            article_id,
            full_text,
            terms,
            signed_in(request).username,
            replace_hand_written=confirmed,
            expected_version=expected,
        )
    except UnknownArticle:
        raise HTTPException(404, "没有这篇文章") from None
    except ReplacesHandWritten:
        context = {"view": view, "mode": "full" if full_text else "auto", "next": str(form.get("next", ""))}
        return render(request, "confirm_summary.html", context, status_code=409)
    except Conflict:
        flash(request, "这篇文章刚被其他编辑修改过：请看过最新内容后再操作。", "error")
        return back(form, f"/articles/{article_id}")
    flash(
        request,
        "主要内容已恢复为全文"
        if full_text
        else "主要内容已换成摘要（摘自原文的句子），原文字保留在修改记录中",
    )
    return back(form, f"/articles/{article_id}")


ROUTES = [
    Route("/articles/{article_id:int}", article_page, methods=["GET"]),
    Route("/articles/{article_id:int}/edit", edit, methods=["POST"]),
    Route("/articles/{article_id:int}/summary", summary, methods=["POST"]),
]
