"""The editor's week: which candidates are listed, in which order, and the bulletin order of the chosen.

The CLI (`hitmon candidates`), the web week page, the Friday digest and the demo all call
``week_candidates``, so the same database gives the same list in the same order everywhere."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy.orm import Session

from pipeline.config import Settings
from pipeline.desk import review
from pipeline.desk.candidates import Candidate, accepted_in_order, candidate_window, weekly_candidates
from pipeline.desk.overview import candidate_sources, filter_candidates
from pipeline.desk.review import UnknownArticle
from pipeline.weeks import IsoWeek


@dataclass(frozen=True, slots=True)
class WeekFilters:
    show_all: bool = False  # unflagged articles too
    source: str | None = None
    search: str | None = None


@dataclass(frozen=True, slots=True)
class WeekView:
    candidates: list[Candidate]
    accepted: list[Candidate]  # in bulletin order, whatever the filters
    sources: list[str]
    total: int  # before the source and title filters


def week_candidates(
    session: Session, settings: Settings, week: IsoWeek, *, show_all: bool = False
) -> list[Candidate]:
    """The week's candidates, ranked with the editor model once it has enough decisions: the flagged
    ones and whatever the editor accepted, or every stored article with ``show_all``."""
    every = _ranked(session, settings, week)
    return every if show_all else listed(every)


def listed(candidates: Sequence[Candidate]) -> list[Candidate]:
    """Flagged candidates, and accepted ones even when unflagged (the editor chose them)."""
    return [c for c in candidates if c.flagged or c.status == "accepted"]


def week_view(session: Session, settings: Settings, week: IsoWeek, filters: WeekFilters) -> WeekView:
    every = _ranked(session, settings, week)
    shown = every if filters.show_all else listed(every)
    filtered = filter_candidates(shown, source=filters.source, search=filters.search)
    return WeekView(filtered, accepted_in_order(every), candidate_sources(shown), len(shown))


def accepted_ids(session: Session, settings: Settings, week: IsoWeek) -> list[int]:
    """The week's accepted items in bulletin order."""
    every = weekly_candidates(session, week, settings.timezone, flagged_only=False)
    return [c.id for c in accepted_in_order(every)]


def move(session: Session, settings: Settings, week: IsoWeek, article_id: int, step: int, actor: str) -> None:
    """Move an accepted item ``step`` places in the bulletin order (-1 up, +1 down)."""
    review.order(session, moved(accepted_ids(session, settings, week), article_id, step), actor=actor)


def moved(ids: list[int], item: int, step: int) -> list[int]:
    """``ids`` with ``item`` moved ``step`` places, kept within the list."""
    if item not in ids:
        raise UnknownArticle(f"article {item} is not accepted this week")
    rest = [i for i in ids if i != item]
    place = min(max(ids.index(item) + step, 0), len(rest))
    return [*rest[:place], item, *rest[place:]]


def _ranked(session: Session, settings: Settings, week: IsoWeek) -> list[Candidate]:
    from pipeline.desk.editor_model import editor_model_for  # scikit-learn loads only here

    start, _ = candidate_window(session, week, settings.timezone)
    editor = editor_model_for(session, settings.relevance, before=start)
    return weekly_candidates(
        session,
        week,
        settings.timezone,
        flagged_only=False,
        editor=editor,
        editor_weight=settings.relevance.editor_weight,
    )
