"""Preview the bulletin as it will print, and export it (which records the issue)."""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from hitmon.web.context import signed_in, web_context
from hitmon.web.csrf import checked_form
from hitmon.web.pages import flash, render, week_of
from pipeline.config import Settings
from pipeline.desk.export import FORMATS, render_html
from pipeline.desk.issues import (
    MAX_ISSUE_NUMBER,
    BadIssueNumber,
    NeedsConfirmation,
    NothingToExport,
    PlannedIssue,
    export_issue,
    plan_issue,
)
from pipeline.desk.week import Exported, exported_as
from pipeline.weeks import IsoWeek

MEDIA_TYPES = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "md": "text/markdown; charset=utf-8",
    "html": "text/html; charset=utf-8",
}
# The bulletin page carries its own inline CSS and no script; it may only be framed by this site.
BULLETIN_CSP = (
    "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'self'; "
    "base-uri 'none'; form-action 'none'"
)


def _preview(session: Session, settings: Settings, week: IsoWeek) -> tuple[PlannedIssue, Exported | None]:
    return plan_issue(session, settings, week), exported_as(session, week)


async def preview_page(request: Request) -> Response:
    web = web_context(request)
    week = week_of(request, request.query_params.get("week"))
    planned, exported = await web.run(_preview, web.settings, week)
    context = {"week": week, "bulletin": planned.bulletin, "formats": FORMATS, "exported": exported}
    return render(request, "preview.html", context)


async def bulletin_page(request: Request) -> Response:
    web = web_context(request)
    week = week_of(request, request.query_params.get("week"))
    planned = await web.run(plan_issue, web.settings, week)
    html = render_html(planned.bulletin, web.settings.bulletin)
    return Response(
        html, media_type="text/html; charset=utf-8", headers={"Content-Security-Policy": BULLETIN_CSP}
    )


async def export(request: Request) -> Response:
    form = await checked_form(request)
    web = web_context(request)
    week = week_of(request, form.get("week"))
    fmt = str(form.get("format", "docx"))
    if fmt not in FORMATS:
        raise HTTPException(400, f"未知格式 {fmt}")
    number, issued = _optional_number(form.get("number")), _optional_date(form.get("issued"))
    actor = signed_in(request).username
    confirmed = form.get("confirm") == "yes"
    try:
        planned, body = await web.run(
            export_issue,
            web.settings,
            week,
            fmt,
            number=number,
            issued=issued,
            actor=actor,
            confirmed=confirmed,
        )
    except NothingToExport:
        flash(request, f"{week} 还没有采用的条目：请先在本周列表中采用", "error")
        return RedirectResponse(f"/preview?week={week}", status_code=303)
    except NeedsConfirmation as asked:
        context = {"week": week, "fmt": fmt, "number": number, "issued": issued, "question": str(asked)}
        return render(request, "confirm_export.html", context, status_code=409)
    except BadIssueNumber as exc:
        raise HTTPException(400, str(exc)) from None
    flash(request, f"已导出第 {planned.bulletin.number} 期（.{fmt}）")
    filename = f"weekly-{planned.bulletin.number}.{fmt}"
    disposition = f'attachment; filename="{filename}"'
    return Response(body, media_type=MEDIA_TYPES[fmt], headers={"Content-Disposition": disposition})


def _optional_number(value: object) -> int | None:
    """期号: ASCII digits, 1..9999 (not "²", not 9223372036854775807)."""
    text = str(value or "").strip()
    if not text:
        return None
    digits = text.isascii() and text.isdecimal() and len(text) <= len(str(MAX_ISSUE_NUMBER))
    if not digits or not 1 <= int(text) <= MAX_ISSUE_NUMBER:
        raise HTTPException(400, f"期号须为 1 到 {MAX_ISSUE_NUMBER} 之间的整数（收到 {text[:20]}）")
    return int(text)


def _optional_date(value: object) -> date | None:
    text = str(value or "").strip()
    try:
        return date.fromisoformat(text) if text else None
    except ValueError:
        raise HTTPException(400, "日期格式应为 2018-04-27") from None


ROUTES = [
    Route("/preview", preview_page, methods=["GET"]),
    Route("/preview/bulletin", bulletin_page, methods=["GET"]),
    Route("/export", export, methods=["POST"]),
]
