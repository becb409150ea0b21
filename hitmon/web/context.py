"""What the handlers of one app instance share: settings, database sessions, templates, throttle."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from typing import Concatenate, ParamSpec, TypeVar

from sqlalchemy.orm import Session, sessionmaker
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.templating import Jinja2Templates

from hitmon.web.throttle import LoginThrottle
from models.db import session_scope
from pipeline.config import Settings
from pipeline.desk.accounts import Passwords
from pipeline.stages.relevance import RelevanceModel, load_relevance

P = ParamSpec("P")
T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class SignedIn:
    """The user of a request, detached from any database session."""

    username: str
    role: str

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"


@dataclass
class WebContext:
    settings: Settings
    sessions: sessionmaker[Session]
    templates: Jinja2Templates
    throttle: LoginThrottle

    @cached_property
    def passwords(self) -> Passwords:
        return Passwords(self.settings.web)

    @cached_property
    def relevance(self) -> RelevanceModel:
        """Built on first use: the same lexicon and rules the crawl scored with."""
        return load_relevance(self.settings.relevance)

    async def run(self, work: Callable[Concatenate[Session, P], T], *args: P.args, **kwargs: P.kwargs) -> T:
        """``work(session, ...)`` in a worker thread, committed when it returns (database calls block)."""

        def in_session() -> T:
            with session_scope(self.sessions) as session:
                return work(session, *args, **kwargs)

        return await run_in_threadpool(in_session)


def web_context(request: Request) -> WebContext:
    return request.app.state.web


def signed_in(request: Request) -> SignedIn:
    return request.state.user
