"""From the week's accepted candidates to a numbered bulletin, and the record of what was exported."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from models.schema import Article, Issue, IssueItem
from pipeline.config import BulletinSettings, Settings
from pipeline.desk.candidates import accepted_in_order, weekly_candidates
from pipeline.desk.export import render
from pipeline.desk.export.model import Bulletin, BulletinItem
from pipeline.desk.printed import printed
from pipeline.errors import HitmonError
from pipeline.weeks import IsoWeek, local_date


class NothingToExport(HitmonError):
    """A week with no accepted item."""


@dataclass(frozen=True, slots=True)
class PlannedIssue:
    week: IsoWeek
    bulletin: Bulletin
    article_ids: tuple[int, ...]


def next_issue_number(session: Session) -> int:
    return (session.scalar(select(func.max(Issue.number))) or 0) + 1


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
) -> tuple[PlannedIssue, bytes]:
    """The issue rendered as ``fmt`` and recorded as exported, in the caller's transaction: if the caller
    fails to deliver the file it rolls back, so nothing is recorded that was not delivered."""
    planned = plan_issue(session, settings, week, number=number, issued=issued)
    if not planned.bulletin.items:
        raise NothingToExport(
            f"no accepted items for {week}: accept some with `hitmon review accept` or in the web app"
        )
    body = render(planned.bulletin, texts or settings.bulletin, fmt)
    record_issue(session, planned, actor=actor)
    return planned, body


def record_issue(session: Session, planned: PlannedIssue, actor: str | None = None) -> Issue:
    """Store the issue as exported. Re-exporting the same week replaces its items; a number used by
    another week is refused."""
    bulletin = planned.bulletin
    issue = session.scalar(select(Issue).where(Issue.number == bulletin.number))
    if issue is not None and issue.week != str(planned.week):
        raise HitmonError(f"issue {bulletin.number} was already exported for {issue.week}")
    if issue is None:
        issue = session.scalar(select(Issue).where(Issue.week == str(planned.week))) or Issue()
        session.add(issue)
    issue.number, issue.week, issue.issued_on = bulletin.number, str(planned.week), bulletin.issued
    issue.period_start, issue.period_end, issue.exported_by = (
        bulletin.period_start,
        bulletin.period_end,
        actor,
    )
    if issue.id is not None:
        session.execute(delete(IssueItem).where(IssueItem.issue_id == issue.id))
        session.expire(issue, ["items"])
    session.flush()
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
