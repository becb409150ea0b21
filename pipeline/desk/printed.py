"""What the bulletin prints for an article: the editor's override, else what was crawled.

Decided here once, for the candidate list, the article page and the exported issue alike."""

from __future__ import annotations

from dataclasses import dataclass

from models.schema import Article, Review


@dataclass(frozen=True, slots=True)
class Printed:
    title: str
    media: str
    summary: str  # 主要内容: the editor's text, else the full crawled text
    summary_is_full_text: bool


def crawled_media(article: Article) -> str:
    """The page's own media, else the source's (the sources file's ``media``, default its name)."""
    return article.media or (article.source.media if article.source else None) or ""


def printed(article: Article, review: Review | None = None) -> Printed:
    """``review`` defaults to the article's own; a story's decision may sit on another copy."""
    review = review if review is not None else article.review
    summary = review.summary if review else None
    return Printed(
        title=(review.title if review else None) or article.title,
        media=(review.media if review else None) or crawled_media(article),
        summary=summary or article.text,
        summary_is_full_text=not summary,
    )
