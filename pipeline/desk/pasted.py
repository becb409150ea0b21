"""A link the editor pastes (seen elsewhere, e.g. a WeChat article): fetched with a plain HTTP client, run
through the crawl's own page stages (``process_page``), stored by ``save_articles`` against the "manual"
source, accepted and pinned to the week the editor is working on.

The crawl itself runs Scrapy in a process of its own; one page does not need it. The fetch honours the
URL policy at every redirect, the crawl's timeout, user agent and response size limit, and (unless
``web.allow_private_targets``) refuses hosts on this machine or its network.
"""

from __future__ import annotations

import urllib.error
import urllib.request
from dataclasses import dataclass
from email.message import Message

from sqlalchemy import select
from sqlalchemy.orm import Session

from models.schema import Article, Source
from models.types import utcnow
from pipeline.config import Settings
from pipeline.desk import review
from pipeline.errors import ChallengePage, DeletedArticle, DropArticle, HitmonError
from pipeline.record import ArticleRecord
from pipeline.stages.blocking import blocked_reason
from pipeline.stages.page import Stages, process_page
from pipeline.store.articles import save_articles
from pipeline.urls import private_target_problem, url_problem
from pipeline.weeks import IsoWeek

MANUAL_SOURCE = "手工添加"
MAX_REDIRECTS = 5


class PasteRefused(HitmonError):
    """A pasted link that cannot become an article; the message (Chinese) says why."""


class NeedsBrowser(PasteRefused):
    """The site answered with a challenge page: the web app may try again through the browser."""


@dataclass(frozen=True, slots=True)
class FetchedPage:
    url: str  # after redirects
    body: bytes
    charset: str | None


def refusal(url: str, allow_private: bool) -> str | None:
    """Why hitmon may not fetch ``url`` for an editor, or None."""
    problem = url_problem(url)
    if problem:
        return f"链接不可用：{problem}"
    if not allow_private:
        private = private_target_problem(url)
        if private:
            return f"不能指向本机或内网地址：{private}"
    return None


class _CheckedRedirects(urllib.request.HTTPRedirectHandler):
    """Every redirect target passes the same checks as the pasted link (no redirect to the intranet)."""

    max_redirections = MAX_REDIRECTS

    def __init__(self, allow_private: bool):
        self.allow_private = allow_private

    def redirect_request(self, req, fp, code, msg, headers, newurl):  # type: ignore[no-untyped-def]
        problem = refusal(newurl, self.allow_private)
        if problem:
            raise PasteRefused(f"跳转被拒绝：{problem}")
        return super().redirect_request(req, fp, code, msg, headers, newurl)


def fetch_page(url: str, settings: Settings) -> FetchedPage:
    """GET ``url`` as the crawl would (its user agent, timeout and size limit)."""
    allow_private = settings.web.allow_private_targets
    problem = refusal(url, allow_private)
    if problem:
        raise PasteRefused(problem)
    opener = urllib.request.build_opener(_CheckedRedirects(allow_private))
    request = urllib.request.Request(url, headers={"User-Agent": settings.crawl.user_agent})
    limit = int(settings.crawl.max_response_mb * 1024 * 1024)
    try:
        with opener.open(request, timeout=settings.crawl.timeout) as response:
            body = response.read(limit + 1)
            final, headers = response.geturl(), response.headers
    except urllib.error.HTTPError as exc:
        if blocked_reason(exc.code, _error_body(exc, limit)):
            raise NeedsBrowser(f"网站答复 HTTP {exc.code}，是一个验证页面") from None
        raise PasteRefused(f"网站答复 HTTP {exc.code}：无法取得这篇文章") from None
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        raise PasteRefused(f"无法连接该网站：{reason}") from None
    if len(body) > limit:
        raise PasteRefused(f"页面超过 {settings.crawl.max_response_mb:g} MB，未保存")
    return FetchedPage(final, body, _charset(headers))


def _error_body(error: urllib.error.HTTPError, limit: int) -> bytes:
    try:
        return error.read(limit)
    except OSError:
        return b""


def _charset(headers: Message) -> str | None:
    return headers.get_content_charset() if headers else None


def _stored_id(session: Session, record: ArticleRecord) -> int:
    found = session.scalar(select(Article.id).where(Article.canonical_url.in_({record.link, record.url})))
    if found is None:
        raise PasteRefused("这个链接的文章已在库中，且不能被替换")
    return found


def add_pasted(
    session: Session,
    settings: Settings,
    stages: Stages,
    page: FetchedPage,
    week: IsoWeek,
    actor: str,
) -> int:
    """Store the fetched page as an article of the manual source, accepted into ``week``; its id."""
    record = ArticleRecord(
        url=page.url,
        source=MANUAL_SOURCE,
        fetched_at=utcnow(),
        html=page.body,
        http_encoding=page.charset,
    )
    try:
        record = process_page(record, stages)
    except ChallengePage:
        raise NeedsBrowser("该网站返回了验证页面（需要浏览器或验证码）：请复制正文后手工添加") from None
    except DeletedArticle:
        raise PasteRefused("这篇文章已被删除") from None
    except DropArticle as exc:
        raise PasteRefused(f"这个页面不像一篇文章：{exc}") from None
    source_id = manual_source(session)
    saved = save_articles(session, [record], {MANUAL_SOURCE: source_id}).article_ids
    # An article already accepted or printed is never overwritten (pipeline.store.articles): take it as it is.
    article_id = saved[0] if saved else _stored_id(session, record)
    review.decide(session, [article_id], "accept", actor=actor)
    review.review_for(session, article_id).week = str(week)
    session.flush()
    return article_id


def manual_source(session: Session) -> int:
    """The "manual" source, created (disabled: there is nothing to crawl) on first use."""
    source = session.scalar(select(Source).where(Source.name == MANUAL_SOURCE))
    if source is None:
        source = Source(name=MANUAL_SOURCE, kind="manual", url="", media=None, options={}, enabled=False)
        session.add(source)
        session.flush()
    return source.id
