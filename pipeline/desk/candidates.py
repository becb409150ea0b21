"""The week's candidates: flagged stories published in the ISO week, one row per story, ranked."""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from sqlalchemy import func, select
from sqlalchemy.orm import Session, defer, joinedload, selectinload

from models.schema import Article, Issue, IssueItem, Relevance, Review, ReviewStatus
from pipeline.desk.printed import printed
from pipeline.desk.ranking import rank_score, rerank_score
from pipeline.weeks import IsoWeek, local_midnight_utc

if TYPE_CHECKING:  # scikit-learn loads only where an editor model is trained
    from pipeline.desk.editor_model import EditorModel


@dataclass(frozen=True, slots=True)
class Candidate:
    id: int  # the leading article of the story
    title: str
    media: str
    published_at: datetime | None
    url: str
    score: float  # relevance: how clearly health-IT it is
    rank_score: float  # what the list is ordered by (pipeline.desk.ranking)
    flagged: bool
    matched: tuple[str, ...]
    reprints: int  # how many other copies of the story were stored
    status: str  # pending | accepted | rejected
    position: int | None
    source: str | None
    version: int = 0  # of the decision's review row (0: never reviewed); forms send it back
    title_only: bool = False  # only the feed entry's title and link: the page could not be read (yet)
    probability: float | None = None  # the learned stage's (pipeline.stages.relevance.learned)

    @property
    def percent(self) -> int | None:
        """The probability in whole percent, rounded down, as the week page, the table and the digest show
        it: 0.998 is 99, not a certain-looking 100."""
        # rounded first: 0.29 * 100 is 28.999999999999996 in floating point
        return None if self.probability is None else math.floor(round(self.probability * 100, 6))

    def as_json(self) -> dict[str, object]:
        published = self.published_at.isoformat() if self.published_at else None
        fields = (
            *("id", "title", "media", "url", "score", "matched", "reprints", "status", "rank_score"),
            *("probability", "title_only"),
        )
        return {**{name: getattr(self, name) for name in fields}, "published_at": published}


def candidate_window(session: Session, week: IsoWeek, timezone: str) -> tuple[datetime, datetime]:
    """[start, end) in UTC: the ISO week, reaching back to the day after the last issue's period
    so that items published between two issues (a weekend) are not lost."""
    start_day = week.monday
    previous_end = session.scalar(select(func.max(Issue.period_end)).where(Issue.period_end < week.monday))
    if previous_end is not None and week.monday - previous_end <= timedelta(days=7):
        start_day = previous_end + timedelta(days=1)
    return local_midnight_utc(start_day, timezone), local_midnight_utc(
        week.day(7) + timedelta(days=1), timezone
    )


def weekly_candidates(
    session: Session,
    week: IsoWeek,
    timezone: str,
    *,
    flagged_only: bool = True,
    editor: EditorModel | None = None,
    editor_weight: float = 0.0,
) -> list[Candidate]:
    """The week's stories, ranked; with an ``editor`` model (pipeline.desk.editor_model) its leaning moves
    each candidate by up to ``editor_weight / 2``."""
    start, end = candidate_window(session, week, timezone)
    exported_elsewhere = (  # NOT EXISTS, not NOT IN: an anti-join the planner can drive by index
        select(IssueItem.id)
        .join(Issue)
        .where(Issue.week != str(week), IssueItem.article_id == Article.id)
        .exists()
    )
    # The week's articles by the published_at index, and the pasted ones by reviews.week: one id list
    # (an OR of the two would read the whole archive, as no index answers it).
    in_week = select(Article.id).where(Article.published_at >= start, Article.published_at < end)
    in_week = in_week.union(select(Review.article_id).where(Review.week == str(week)))
    query = (
        select(Article)
        .join(Relevance, isouter=not flagged_only)
        .options(
            joinedload(Article.relevance),
            joinedload(Article.review),
            # a few dozen sources and the week's stories, each read once rather than on every row
            selectinload(Article.source),
            selectinload(Article.story),  # the leader of each story, not one query per story
            defer(Article.html_gz),  # the raw pages are a week's largest column and the list never shows them
            defer(Article.fingerprint),
        )
        .where(Article.id.in_(in_week))  # pasted into this week by the editor, or published in it
        .where(~exported_elsewhere)
    )
    if flagged_only:
        query = query.where(Relevance.flagged.is_(True))
    articles = list(session.scalars(query).unique())
    copies = _story_sizes(session, {a.story_id for a in articles if a.story_id is not None})
    by_story: dict[object, list[Article]] = {}
    for article in articles:
        by_story.setdefault(article.story_id or ("article", article.id), []).append(article)
    candidates = [_candidate(group, copies) for group in by_story.values()]
    if editor is not None:
        candidates = _reranked(candidates, articles, editor, editor_weight)
    candidates.sort(key=_rank)
    return candidates


def _story_sizes(session: Session, story_ids: set[int]) -> dict[int, int]:
    if not story_ids:
        return {}
    query = (
        select(Article.story_id, func.count())
        .where(Article.story_id.in_(story_ids))
        .group_by(Article.story_id)
    )
    return {story_id: count for story_id, count in session.execute(query)}


def _candidate(group: list[Article], copies: dict[int, int]) -> Candidate:
    lead = _leader(group)
    relevance = lead.relevance
    review = next(
        (a.review for a in group if a.review and a.review.status != ReviewStatus.PENDING), lead.review
    )
    best = max(group, key=lambda a: a.relevance.score if a.relevance else 0.0)
    score = best.relevance.score if best.relevance else 0.0
    probability = _probability(group)
    reprints = copies.get(lead.story_id, 1) - 1 if lead.story_id else 0
    shown = printed(lead, review)
    return Candidate(
        id=review.article_id if review else lead.id,
        title=shown.title,
        media=shown.media,
        published_at=lead.published_at,
        url=lead.canonical_url,
        score=round(score, 3),
        rank_score=rank_score(score, lead.title, lead.text, reprints, probability),
        flagged=bool(relevance and relevance.flagged),
        matched=tuple(relevance.matched) if relevance else (),
        reprints=reprints,
        status=review.status if review else ReviewStatus.PENDING,
        position=review.position if review else None,
        source=lead.source.name if lead.source else None,
        version=review.version if review else 0,
        title_only=lead.title_only,
        probability=probability,
    )


def _probability(group: list[Article]) -> float | None:
    """The story's learned probability: its likeliest copy's (None when no copy was scored by stage 2)."""
    known = [a.relevance.probability for a in group if a.relevance and a.relevance.probability is not None]
    return round(max(known), 4) if known else None


def _reranked(
    candidates: list[Candidate], articles: list[Article], editor: EditorModel, weight: float
) -> list[Candidate]:
    """The flagged and accepted candidates (the week's list) moved by the editor model's leaning, in one
    batch (it embeds); the rest, listed only with ``--all``, keep their rank: a week holds many times more
    of them, and scoring them would cost the list most of its time."""
    by_id = {article.id: article for article in articles}
    moved = [c for c in candidates if c.flagged or c.status == ReviewStatus.ACCEPTED]
    leads = [by_id[c.id] for c in moved]
    items = [(lead.title, lead.text, c.media) for lead, c in zip(leads, moved, strict=True)]
    verdicts = [(a.relevance.score, a.relevance.flagged) if a.relevance else None for a in leads]
    leanings = dict(zip((c.id for c in moved), editor.accept_probabilities(items, verdicts), strict=True))
    return [
        replace(c, rank_score=round(rerank_score(c.rank_score, leanings[c.id], weight), 3))
        if c.id in leanings
        else c
        for c in candidates
    ]


def _leader(group: list[Article]) -> Article:
    story = group[0].story if group[0].story_id else None
    for article in group:
        if story is not None and article.id == story.leader_id:
            return article
    return min(group, key=lambda a: (a.published_at, a.id))


def _rank(candidate: Candidate) -> tuple[object, ...]:
    published = candidate.published_at.timestamp() if candidate.published_at else 0.0
    return (-candidate.rank_score, -candidate.score, -published, candidate.id)


def accepted_in_order(candidates: list[Candidate]) -> list[Candidate]:
    """Accepted candidates in the editor's order: positioned ones first, then by rank."""
    accepted = [c for c in candidates if c.status == ReviewStatus.ACCEPTED]
    return sorted(accepted, key=lambda c: (c.position is None, c.position or 0))
