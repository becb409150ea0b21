"""One article at the desk: what the detail page shows, and the editor's edits of what it prints."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from models.schema import Article, Review
from pipeline.desk import review
from pipeline.desk.overview import story_copies
from pipeline.desk.printed import crawled_media, printed
from pipeline.desk.review import UnknownArticle
from pipeline.desk.summary import extractive_summary
from pipeline.errors import HitmonError
from pipeline.stages.relevance import Explanation, RelevanceModel, Verdict, judge

NEIGHBOURS = 3  # labelled or decided items shown as the nearest to an article ("accepted before: ...")


@dataclass(frozen=True, slots=True)
class Copy:
    id: int
    title: str
    media: str
    published_at: datetime | None


STATUS_NAMES = {"pending": "待定", "accepted": "采用", "rejected": "不用"}
ACTION_NAMES = {
    "accept": "采用",
    "reject": "不用",
    "reset": "撤销决定",
    "edit": "编辑",
    "summary": "生成摘要/恢复全文",
    "order": "调整顺序",
}
FIELD_NAMES = {"title": "标题", "media": "媒体", "summary": "主要内容", "status": "状态", "position": "位置"}


@dataclass(frozen=True, slots=True)
class FieldChange:
    """One field of one change, as the history shows it: its name and old and new value, in Chinese."""

    field: str
    old: str
    new: str


@dataclass(frozen=True, slots=True)
class Change:
    at: datetime
    actor: str | None
    action: str  # in Chinese
    fields: tuple[FieldChange, ...]


def change_of(at: datetime, actor: str | None, action: str, detail: dict[str, object]) -> Change:
    changes = detail.get("changes") if isinstance(detail.get("changes"), dict) else {}
    fields = tuple(
        FieldChange(FIELD_NAMES.get(name, name), _shown(name, pair[0]), _shown(name, pair[1]))
        for name, pair in changes.items()  # type: ignore[union-attr]
        if isinstance(pair, list) and len(pair) == 2
    )
    return Change(at, actor, ACTION_NAMES.get(action, action), fields)


def _shown(field: str, value: object) -> str:
    if field == "status":
        return STATUS_NAMES.get(str(value), str(value))
    if value is None or value == "":
        return "（原文）" if field in ("title", "media", "summary") else "—"
    return str(value)


@dataclass(frozen=True, slots=True)
class ArticleView:
    """An article as the detail page shows it: crawled fields, the printed ones, and its history."""

    id: int
    title: str  # as crawled
    text: str
    media: str  # as crawled (the source's media when the page named none)
    published_at: datetime | None
    source: str | None
    url: str
    status: str
    printed_title: str
    printed_media: str
    summary: str  # 主要内容 as it will print
    summary_is_full_text: bool
    summary_is_hand_written: bool  # 生成摘要 asks before replacing it
    version: int  # of the review (0: never reviewed); edit forms send it back
    explanation: Explanation
    verdict: Verdict  # both stages: the probability, the flag, and the nearest labelled or decided items
    copies: tuple[Copy, ...]
    changes: tuple[Change, ...]  # newest first


def article_view(session: Session, article_id: int, model: RelevanceModel) -> ArticleView:
    article = stored_article(session, article_id)
    media = crawled_media(article)
    saved = article.review
    shown = printed(article)
    verdict = judge([(article.title, article.text, media)], model, neighbours=NEIGHBOURS)[0]
    return ArticleView(
        id=article.id,
        title=article.title,
        text=article.text,
        media=media,
        published_at=article.published_at,
        source=article.source.name if article.source else None,
        url=article.canonical_url,
        status=saved.status if saved else "pending",
        printed_title=shown.title,
        printed_media=shown.media,
        summary=shown.summary,
        summary_is_full_text=shown.summary_is_full_text,
        summary_is_hand_written=hand_written_summary(saved),
        version=saved.version if saved else 0,
        explanation=verdict.explanation,
        verdict=verdict,
        copies=tuple(
            Copy(copy.id, copy.title, crawled_media(copy), copy.published_at)
            for copy in story_copies(session, article_id)
        ),
        changes=tuple(
            change_of(event.at, event.actor, event.action, dict(event.detail or {}))
            for event in reversed(saved.events if saved else [])
        ),
    )


def edit_printed(
    session: Session,
    article_id: int,
    *,
    title: str | None = None,
    media: str | None = None,
    summary: str | None = None,
    actor: str | None = None,
    expected_version: int | None = None,
) -> None:
    """Change what the bulletin prints. A value equal to the crawled one is stored as "the crawled value"
    (empty), so a later re-crawl or re-extraction still shows through; None leaves a field as it is.
    With ``expected_version``, a review saved by someone else since raises ``review.Conflict``."""
    article = stored_article(session, article_id)
    review.edit(
        session,
        article_id,
        title=None if title is None else _unless_same(title, article.title),
        media=None if media is None else _unless_same(media, crawled_media(article)),
        summary=None if summary is None else _unless_same(summary, article.text),
        actor=actor,
        expected_version=expected_version,
    )


class ReplacesHandWritten(HitmonError):
    """生成摘要 or 恢复全文 would replace 主要内容 the editor wrote: ask first."""


def summarise(
    session: Session,
    article_id: int,
    full_text: bool,
    terms: tuple[str, ...],
    actor: str,
    *,
    replace_hand_written: bool = False,
    expected_version: int | None = None,
) -> None:
    """主要内容 back to the full text, or an extractive summary of it. Hand-written text is replaced only
    with ``replace_hand_written`` (the editor confirmed); the history keeps it either way."""
    article = stored_article(session, article_id)
    if hand_written_summary(article.review) and not replace_hand_written:
        raise ReplacesHandWritten(f"article {article_id} has a hand-written 主要内容")
    summary = "" if full_text else extractive_summary(article.text, terms)
    review.edit(
        session, article_id, summary=summary, actor=actor, expected_version=expected_version, action="summary"
    )


def hand_written_summary(saved: Review | None) -> bool:
    """Whether 主要内容 holds text an editor typed (not the full text, not a generated summary)."""
    if saved is None or not saved.summary:
        return False
    for event in reversed(saved.events):
        changes = (event.detail or {}).get("changes") or {}
        if "summary" in changes:
            return event.action != "summary"
    return True  # edited before the history kept values: treat as hand-written, ask


def stored_article(session: Session, article_id: int) -> Article:
    article = session.get(Article, article_id)
    if article is None:
        raise UnknownArticle(f"no article with id {article_id}")
    return article


def _unless_same(value: str, crawled: str) -> str:
    return "" if _normalised(value) == _normalised(crawled) else value


def _normalised(text: str) -> str:
    return "\n".join(line.strip() for line in text.replace("\r\n", "\n").strip().splitlines())
