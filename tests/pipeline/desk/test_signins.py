"""Server-side sign-ins: ended at sign-out and at a password change, expired after their age."""

from __future__ import annotations

from sqlalchemy import Engine

from models.db import session_factory, session_scope
from pipeline.config import WebSettings
from pipeline.desk import signins
from pipeline.desk.accounts import Passwords, add_user, set_password

CHEAP = WebSettings(password_time_cost=1, password_memory_kib=64, password_parallelism=1)


def test_sign_ins_end_at_sign_out_password_change_and_age(engine: Engine) -> None:
    passwords = Passwords(CHEAP)
    sessions = session_factory(engine)
    with session_scope(sessions) as session:
        add_user(session, "editor1", "a long password", passwords)
        laptop, desktop, phone = (signins.start(session, "editor1") for _ in range(3))
    with session_scope(sessions) as session:
        assert signins.active_user(session, laptop, 3600) is not None
        assert signins.active_user(session, "a forged token", 3600) is None
        signins.end(session, laptop)
    with session_scope(sessions) as session:
        assert signins.active_user(session, laptop, 3600) is None
        assert signins.active_user(session, desktop, 3600) is not None
        assert signins.active_user(session, desktop, 0) is None  # past its age
        set_password(session, "editor1", "another long password", passwords)
    with session_scope(sessions) as session:
        assert signins.active_user(session, desktop, 3600) is None
        assert signins.active_user(session, phone, 3600) is None


def test_a_draft_is_handed_over_once_to_its_article(engine: Engine) -> None:
    sessions = session_factory(engine)
    with session_scope(sessions) as session:
        token = signins.start(session, "editor1", {"article_id": 7, "title": "草稿"})
    with session_scope(sessions) as session:
        assert signins.take_draft(session, token, 8) is None
        assert signins.take_draft(session, token, 7) == {"article_id": 7, "title": "草稿"}
    with session_scope(sessions) as session:
        assert signins.take_draft(session, token, 7) is None
