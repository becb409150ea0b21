"""From the week's accepted candidates to a numbered bulletin, and the record of what was exported."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from models.schema import Article, Issue, IssueExport, IssueItem
from models.types import utcnow
from pipeline.config import BulletinSettings, Settings
from pipeline.desk.candidates import accepted_in_order, weekly_candidates
from pipeline.desk.export import render
from pipeline.desk.export.model import Bulletin, BulletinItem
from pipeline.desk.printed import printed
from pipeline.errors import HitmonError
from pipeline.weeks import IsoWeek, local_date

MAX_ISSUE_NUMBER = 9999  # a bulletin numbers its issues 1..9999: a larger number is a typo


class NothingToExport(HitmonError):
    """A week with no accepted item."""


class BadIssueNumber(HitmonError):
    """An issue number outside 1..9999, or one another week was exported as."""


class NeedsConfirmation(HitmonError):
    """An export that skips numbers (``gap``) or replaces an earlier export of the week (``again``)."""

    def __init__(self, kind: str, message: str):
        super().__init__(message)
        self.kind = kind


@dataclass(frozen=True, slots=True)
class PlannedIssue:
    week: IsoWeek
    bulletin: Bulletin
    article_ids: tuple[int, ...]


def next_issue_number(session: Session) -> int:
    """The last issue + 1; a number beyond 9999 recorded before numbers were checked is a typo, not a
    last issue, and is passed over."""
    last = session.scalar(select(func.max(Issue.number)).where(Issue.number <= MAX_ISSUE_NUMBER))
    return (last or 0) + 1


def check_issue_number(number: int) -> int:
    if not 1 <= number <= MAX_ISSUE_NUMBER:
        raise BadIssueNumber(f"期号须在 1 到 {MAX_ISSUE_NUMBER} 之间（收到 {number}）")
    return number


def export_kind(session: Session, week: IsoWeek, number: int) -> str:
    """``first`` (the next number), ``again`` (the week was exported before) or ``gap`` (numbers skipped or
    out of sequence); a number another week holds is refused."""
    holder = session.scalar(select(Issue).where(Issue.number == number))
    if holder is not None and holder.week != str(week):
        raise BadIssueNumber(f"第 {number} 期已用于 {holder.week}")
    if session.scalar(select(Issue).where(Issue.week == str(week))) is not None:
        return "again"
    return "first" if number == next_issue_number(session) else "gap"


def confirmation_needed(session: Session, week: IsoWeek, number: int) -> NeedsConfirmation | None:
    """Why exporting ``week`` as ``number`` needs the editor's confirmation, or None."""
    kind = export_kind(session, week, number)
    if kind == "again":
        issue = session.scalar(select(Issue).where(Issue.week == str(week)))
        assert issue is not None
        by = f"（{issue.exported_by}）" if issue.exported_by else ""
        return NeedsConfirmation(kind, f"{week} 已导出为第 {issue.number} 期{by}：再次导出会替换那次的记录。")
    if kind == "gap":
        expected = next_issue_number(session)
        return NeedsConfirmation(kind, f"下一期应为第 {expected} 期，你填的是第 {number} 期：期号将不连续。")
    return None


def plan_issue(
    session: Session,
    settings: Settings,
    week: IsoWeek,
    *,
    number: int | None = None,
    issued: date | None = None,
) -> PlannedIssue:
    """The bulletin for ``week``: its accepted items in the editor's order, numbered and dated."""
    existing = session.scalar(select(Issue).where(Issue.week == str(week)))
    if number is None:
        number = existing.number if existing else next_issue_number(session)
    else:
        check_issue_number(number)
    chosen = accepted_in_order(weekly_candidates(session, week, settings.timezone, flagged_only=False))
    items = tuple(_item(session, candidate.id, settings) for candidate in chosen)
    period_end = week.day(settings.bulletin.publish_weekday)
    bulletin = Bulletin(
        number=number,
        issued=issued or period_end,
        period_start=week.monday,
        period_end=period_end,
        items=items,
    )
    return PlannedIssue(week, bulletin, tuple(candidate.id for candidate in chosen))


def _item(session: Session, article_id: int, settings: Settings) -> BulletinItem:
    article = session.get_one(Article, article_id)
    shown = printed(article)
    published = article.published_at or article.fetched_at
    return BulletinItem(
        title=shown.title,
        media=shown.media,
        published=local_date(published, settings.timezone),
        link=article.canonical_url,
        body=shown.summary,
    )


def export_issue(
    session: Session,
    settings: Settings,
    week: IsoWeek,
    fmt: str,
    *,
    number: int | None = None,
    issued: date | None = None,
    actor: str | None = None,
    texts: BulletinSettings | None = None,
    confirmed: bool = True,
) -> tuple[PlannedIssue, bytes]:
    """The issue rendered as ``fmt`` and recorded as exported, in the caller's transaction: if the caller
    fails to deliver the file it rolls back, so nothing is recorded that was not delivered. Without
    ``confirmed``, an export that skips numbers or replaces an earlier one raises ``NeedsConfirmation``."""
    planned = plan_issue(session, settings, week, number=number, issued=issued)
    if not planned.bulletin.items:
        raise NothingToExport(
            f"no accepted items for {week}: accept some with `hitmon review accept` or in the web app"
        )
    asked = confirmation_needed(session, week, planned.bulletin.number)
    if asked is not None and not confirmed:
        raise asked
    body = render(planned.bulletin, texts or settings.bulletin, fmt)
    record_issue(session, planned, actor=actor)
    return planned, body


def record_issue(session: Session, planned: PlannedIssue, actor: str | None = None) -> Issue:
    """Store the issue as exported. Re-exporting the same week replaces its items; a number used by
    another week is refused."""
    bulletin = planned.bulletin
    kind = export_kind(session, planned.week, check_issue_number(bulletin.number))
    issue = session.scalar(select(Issue).where(Issue.number == bulletin.number))
    if issue is None:
        issue = session.scalar(select(Issue).where(Issue.week == str(planned.week))) or Issue()
        session.add(issue)
    issue.number, issue.week, issue.issued_on = bulletin.number, str(planned.week), bulletin.issued
    issue.exported_at = utcnow()
    issue.period_start, issue.period_end, issue.exported_by = (
        bulletin.period_start,
        bulletin.period_end,
        actor,
    )
    if issue.id is not None:
        session.execute(delete(IssueItem).where(IssueItem.issue_id == issue.id))
        session.expire(issue, ["items"])
    session.flush()
    session.add(IssueExport(issue_id=issue.id, number=bulletin.number, kind=kind, actor=actor))
    for position, (article_id, item) in enumerate(
        zip(planned.article_ids, bulletin.items, strict=True), start=1
    ):
        session.add(
            IssueItem(
                issue_id=issue.id,
                article_id=article_id,
                position=position,
                title=item.title,
                media=item.media,
                link=item.link,
                published_on=item.published,
                body=item.body,
            )
        )
    session.flush()
    return issue
