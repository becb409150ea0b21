"""Server-side sign-ins: a random token in the (signed) cookie, its SHA-256 in ``web_sessions``.

A signed cookie alone cannot be taken back: a copy made before sign-out would work until it expires.
With the row, signing out, a password change or deactivating the user ends the sign-in for every copy.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from models.schema import User, WebSession
from models.types import utcnow


def _key(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def start(session: Session, username: str, draft: dict[str, Any] | None = None) -> str:
    """A new sign-in for ``username``; returns the token for the cookie (only its hash is stored)."""
    token = secrets.token_urlsafe(32)
    session.add(WebSession(id=_key(token), username=username, draft=draft))
    session.flush()
    return token


def active_user(session: Session, token: str, max_age_seconds: int) -> User | None:
    """The active user of a sign-in that has neither ended nor expired, else None."""
    row = session.get(WebSession, _key(token))
    if (
        row is None
        or row.ended_at is not None
        or row.created_at < utcnow() - timedelta(seconds=max_age_seconds)
    ):
        return None
    user = session.scalar(select(User).where(User.username == row.username))
    return user if user is not None and user.active else None


def end(session: Session, token: str) -> None:
    session.execute(update(WebSession).where(WebSession.id == _key(token)).values(ended_at=utcnow()))


def end_all(session: Session, username: str) -> int:
    """End every sign-in of ``username`` (a password change); returns how many were open."""
    result = session.execute(
        update(WebSession)
        .where(WebSession.username == username, WebSession.ended_at.is_(None))
        .values(ended_at=utcnow())
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


def take_draft(session: Session, token: str, article_id: int) -> dict[str, Any] | None:
    """The edit of ``article_id`` posted after a sign-in expired, handed over once."""
    row = session.get(WebSession, _key(token))
    if row is None or not row.draft or row.draft.get("article_id") != article_id:
        return None
    draft, row.draft = row.draft, None
    return draft


def forget_old(session: Session, max_age_seconds: int) -> None:
    """Delete sign-ins past their age, so the table holds only the living (called at each sign-in)."""
    horizon = utcnow() - timedelta(seconds=max_age_seconds)
    session.query(WebSession).filter(WebSession.created_at < horizon).delete()
