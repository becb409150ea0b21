"""The editor's week: which candidates are listed, in which order, and the bulletin order of the chosen.

The CLI (`hitmon candidates`), the web week page, the Friday digest and the demo all call
``week_candidates``, so the same database gives the same list in the same order everywhere."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from models.schema import Article, Issue, ReviewStatus
from pipeline.config import RelevanceSettings, Settings
from pipeline.desk import review
from pipeline.desk.candidates import Candidate, accepted_in_order, candidate_window, weekly_candidates
from pipeline.desk.decisions import decision_count
from pipeline.desk.overview import candidate_sources, filter_candidates
from pipeline.desk.printed import printed
from pipeline.errors import HitmonError
from pipeline.weeks import IsoWeek

if TYPE_CHECKING:  # numpy and the relevance stages load only when there is an editor model to use
    from pipeline.desk.editor_model import EditorModel

# The week page's status filter (?status=...): "open" is the default, decided items folded away.
STATUS_FILTERS = {"open": (ReviewStatus.PENDING,), "all": tuple(ReviewStatus)}
STATUS_FILTERS |= {status.value: (status,) for status in ReviewStatus}
MAX_ORDER = 1000  # more ids than any week accepts: refused before anything is looked up


@dataclass(frozen=True, slots=True)
class WeekFilters:
    show_all: bool = False  # unflagged articles too
    source: str | None = None
    search: str | None = None  # in the title and the text
    status: str = "all"  # a key of STATUS_FILTERS; "open" is pending with the decided folded away
    page: int = 1
    page_size: int = 0  # 0: every candidate on one page


@dataclass(frozen=True, slots=True)
class Exported:
    """The issue a week was exported as: the week page says so, and re-exporting asks first."""

    number: int
    by: str | None
    at: datetime


@dataclass(frozen=True, slots=True)
class WeekView:
    candidates: list[Candidate]  # this page of the filtered list
    accepted: list[Candidate]  # in bulletin order, whatever the filters
    sources: list[str]
    total: int  # before the source, title and status filters
    matching: int  # after the filters, over every page
    counts: dict[str, int]  # pending / accepted / rejected among the listed (before the status filter)
    page: int
    pages: int
    exported: Exported | None

    @property
    def order_seen(self) -> str:
        """The bulletin order as shown: a move or reorder based on another order is stale."""
        return ",".join(str(c.id) for c in self.accepted)


class OrderConflict(HitmonError):
    """The bulletin order changed since the editor saw it."""

    def __init__(self, current: list[Candidate]):
        super().__init__("the bulletin order changed since it was shown")
        self.current = current


class BadOrder(HitmonError):
    """An order that is not the week's accepted items each named once."""


def week_candidates(
    session: Session, settings: Settings, week: IsoWeek, *, show_all: bool = False
) -> list[Candidate]:
    """The week's candidates, ranked with the editor model once it has enough decisions: the flagged
    ones and whatever the editor accepted, or every stored article with ``show_all``."""
    every = _ranked(session, settings, week)
    return every if show_all else listed(every)


def listed(candidates: Sequence[Candidate]) -> list[Candidate]:
    """Flagged candidates, and accepted ones even when unflagged (the editor chose them)."""
    return [c for c in candidates if c.flagged or c.status == ReviewStatus.ACCEPTED]


def week_view(session: Session, settings: Settings, week: IsoWeek, filters: WeekFilters) -> WeekView:
    every = _ranked(session, settings, week)
    shown = every if filters.show_all else listed(every)
    by_source = filter_candidates(shown, source=filters.source)
    searched = _searched(session, by_source, filters.search)
    counts = {status: sum(c.status == status for c in searched) for status in ReviewStatus}
    wanted = STATUS_FILTERS.get(filters.status, STATUS_FILTERS["all"])
    matching = [c for c in searched if c.status in wanted]
    size = filters.page_size or max(len(matching), 1)
    pages = max((len(matching) + size - 1) // size, 1)
    page = min(max(filters.page, 1), pages)
    return WeekView(
        candidates=matching[(page - 1) * size : page * size],
        accepted=accepted_in_order(every),
        sources=candidate_sources(shown),
        total=len(shown),
        matching=len(matching),
        counts=counts,
        page=page,
        pages=pages,
        exported=exported_as(session, week),
    )


def exported_as(session: Session, week: IsoWeek) -> Exported | None:
    issue = session.scalar(select(Issue).where(Issue.week == str(week)))
    return Exported(issue.number, issue.exported_by, issue.exported_at) if issue else None


def _searched(session: Session, candidates: list[Candidate], search: str | None) -> list[Candidate]:
    """Candidates whose title (as printed or crawled) or text contains ``search``."""
    needle = (search or "").strip()
    if not needle or not candidates:
        return candidates
    pattern = "%" + needle.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    ids = [c.id for c in candidates]
    query = select(Article.id).where(
        Article.id.in_(ids),
        or_(Article.title.ilike(pattern, escape="\\"), Article.text.ilike(pattern, escape="\\")),
    )
    found = set(session.scalars(query))
    in_title = {c.id for c in filter_candidates(candidates, search=needle)}
    return [c for c in candidates if c.id in found or c.id in in_title]


def accepted_ids(session: Session, settings: Settings, week: IsoWeek) -> list[int]:
    """The week's accepted items in bulletin order."""
    return [c.id for c in accepted_in_week(session, settings, week)]


def accepted_in_week(session: Session, settings: Settings, week: IsoWeek) -> list[Candidate]:
    every = weekly_candidates(session, week, settings.timezone, flagged_only=False)
    return accepted_in_order(every)


def decide(
    session: Session, article_id: int, action: str, actor: str, expected_version: int | None = None
) -> str:
    """One decision from a front end that showed version ``expected_version``; returns the printed title
    (what the editor's message names, not an id)."""
    decided = review.decide(session, [article_id], action, actor=actor, expected_version=expected_version)
    return printed(decided[0].article).title


def titles_of(session: Session, article_ids: Sequence[int]) -> dict[int, str]:
    articles = session.scalars(select(Article).where(Article.id.in_(list(article_ids)[:MAX_ORDER])))
    return {article.id: printed(article).title for article in articles}


def move(
    session: Session,
    settings: Settings,
    week: IsoWeek,
    article_id: int,
    step: int,
    actor: str,
    seen: list[int] | None = None,
) -> None:
    """Move an accepted item ``step`` places in the bulletin order (-1 up, +1 down). With ``seen`` (the
    order the editor was shown), a changed order raises ``OrderConflict`` instead of moving."""
    current = _current_order(session, settings, week, seen)
    review.order(session, moved(current, article_id, step), actor=actor)


def reorder(
    session: Session,
    settings: Settings,
    week: IsoWeek,
    article_ids: Sequence[int],
    actor: str,
    seen: list[int] | None = None,
) -> None:
    """The whole bulletin order at once: exactly the week's accepted items, each once."""
    if len(article_ids) > MAX_ORDER:
        raise BadOrder(f"一次最多排序 {MAX_ORDER} 条")
    current = _current_order(session, settings, week, seen)
    if len(article_ids) != len(set(article_ids)) or sorted(article_ids) != sorted(current):
        raise BadOrder("新的顺序须恰好包含本周已采用的每一条，且每条一次")
    review.order(session, article_ids, actor=actor)


def _current_order(session: Session, settings: Settings, week: IsoWeek, seen: list[int] | None) -> list[int]:
    accepted = accepted_in_week(session, settings, week)
    current = [c.id for c in accepted]
    if seen is not None and seen != current:
        raise OrderConflict(accepted)
    return current


def moved(ids: list[int], item: int, step: int) -> list[int]:
    """``ids`` with ``item`` moved ``step`` places, kept within the list."""
    if item not in ids:
        raise review.NotAccepted(f"article {item} is not accepted this week")
    rest = [i for i in ids if i != item]
    place = min(max(ids.index(item) + step, 0), len(rest))
    return [*rest[:place], item, *rest[place:]]


def _ranked(session: Session, settings: Settings, week: IsoWeek) -> list[Candidate]:
    start, _ = candidate_window(session, week, settings.timezone)
    return weekly_candidates(
        session,
        week,
        settings.timezone,
        flagged_only=False,
        editor=_editor_model(session, settings.relevance, before=start),
        editor_weight=settings.relevance.editor_weight,
    )


def _editor_model(session: Session, settings: RelevanceSettings, before: datetime) -> EditorModel | None:
    """The editor model for a week starting at ``before``; None when it would move nothing (weight 0, no
    learned stage) or there are too few decisions: counted first, so that numpy, the relevance stages and
    the embedder load only when a model is used."""
    if not settings.learned or settings.editor_weight == 0:
        return None
    if decision_count(session, before=before) < settings.editor_min_decisions:
        return None
    from pipeline.desk.editor_model import editor_model_for

    return editor_model_for(session, settings, before=before)
