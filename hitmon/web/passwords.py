"""Web-app users: argon2id password hashes, sign-in checks, and the changes ``hitmon users`` makes."""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from models.schema import User
from pipeline.errors import HitmonError

ROLES = ("editor", "admin")
MIN_PASSWORD = 10
# Verified when the username is unknown, so that a wrong name takes as long as a wrong password.
_HASHER = PasswordHasher()
_DUMMY_HASH = (
    "$argon2id$v=19$m=65536,t=3,p=4$4LTPGtRD3UvhswWSCvCYLQ$JeglfRkBIW0JGqZUmARbcegQ4tY8o23jv3nbnAVpOHM"
)


def hash_password(password: str) -> str:
    if len(password) < MIN_PASSWORD:
        raise HitmonError(f"a password needs at least {MIN_PASSWORD} characters")
    return _HASHER.hash(password)


def authenticate(session: Session, username: str, password: str) -> User | None:
    """The active user with this name and password, or None; rehashes with today's parameters."""
    user = session.scalar(select(User).where(User.username == username))
    stored = user.password_hash if user is not None else _DUMMY_HASH
    try:
        _HASHER.verify(stored, password)
    except (VerificationError, InvalidHashError):
        return None
    if user is None or not user.active:
        return None
    if _HASHER.check_needs_rehash(user.password_hash):
        user.password_hash = _HASHER.hash(password)
    return user


def add_user(session: Session, username: str, password: str, role: str = "editor") -> User:
    username = username.strip()
    if not username:
        raise HitmonError("a username cannot be empty")
    if role not in ROLES:
        raise HitmonError(f"unknown role {role!r}; choose one of {', '.join(ROLES)}")
    if session.scalar(select(User).where(User.username == username)) is not None:
        raise HitmonError(f"user {username!r} exists; use `hitmon users passwd` to change the password")
    user = User(username=username, password_hash=hash_password(password), role=role, active=True)
    session.add(user)
    session.flush()
    return user


def set_password(session: Session, username: str, password: str) -> User:
    user = session.scalar(select(User).where(User.username == username))
    if user is None:
        raise HitmonError(f"no user {username!r}")
    user.password_hash = hash_password(password)
    session.flush()
    return user
