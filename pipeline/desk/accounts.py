"""Web-app users: argon2id password hashes, sign-in checks, and the changes ``hitmon users`` makes."""

from __future__ import annotations

import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from models.schema import User
from pipeline.config import WebSettings
from pipeline.desk import signins
from pipeline.errors import HitmonError

ROLES = ("editor", "admin")
MIN_PASSWORD = 10


class Passwords:
    """argon2id with the parameters of ``web.password_*`` (cheap ones in tests, strong ones in use)."""

    def __init__(self, settings: WebSettings):
        self.hasher = PasswordHasher(
            time_cost=settings.password_time_cost,
            memory_cost=settings.password_memory_kib,
            parallelism=settings.password_parallelism,
        )
        # Verified when the username is unknown, so that a wrong name takes as long as a wrong password.
        self.dummy_hash = self.hasher.hash(secrets.token_urlsafe(16))

    def hash(self, password: str) -> str:
        if len(password) < MIN_PASSWORD:
            raise HitmonError(f"a password needs at least {MIN_PASSWORD} characters")
        return self.hasher.hash(password)

    def verify(self, stored: str, password: str) -> bool:
        try:
            return self.hasher.verify(stored, password)
        except (VerificationError, InvalidHashError):
            return False


def authenticate(session: Session, username: str, password: str, passwords: Passwords) -> User | None:
    """The active user with this name and password, or None; rehashes with today's parameters."""
    user = session.scalar(select(User).where(User.username == username))
    if not passwords.verify(user.password_hash if user is not None else passwords.dummy_hash, password):
        return None
    if user is None or not user.active:
        return None
    if passwords.hasher.check_needs_rehash(user.password_hash):
        user.password_hash = passwords.hash(password)
    return user


def add_user(
    session: Session, username: str, password: str, passwords: Passwords, role: str = "editor"
) -> User:
    username = username.strip()
    if not username:
        raise HitmonError("a username cannot be empty")
    if role not in ROLES:
        raise HitmonError(f"unknown role {role!r}; choose one of {', '.join(ROLES)}")
    if session.scalar(select(User).where(User.username == username)) is not None:
        raise HitmonError(f"user {username!r} exists; use `hitmon users passwd` to change the password")
    user = User(username=username, password_hash=passwords.hash(password), role=role, active=True)
    session.add(user)
    session.flush()
    return user


def set_password(session: Session, username: str, password: str, passwords: Passwords) -> User:
    user = session.scalar(select(User).where(User.username == username))
    if user is None:
        raise HitmonError(f"no user {username!r}")
    user.password_hash = passwords.hash(password)
    signins.end_all(session, username)  # a new password ends every sign-in, wherever its cookie went
    session.flush()
    return user
