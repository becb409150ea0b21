"""One desk: the CLI, the web week page, the Friday digest and the demo's editor list the same
candidates in the same order for the same database, the editor model's re-ranking included."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime

from click.testing import CliRunner
from sqlalchemy import Engine
from starlette.testclient import TestClient

from hitmon.cli import cli
from hitmon.demo import accept_top_candidates
from hitmon.web import create_app
from models.db import session_factory, session_scope
from pipeline.desk import review
from pipeline.desk.week import week_candidates
from pipeline.weeks import IsoWeek
from scheduler.jobs import JobContext, run_job
from tests.hitmon.web.webtools import add_users, sign_in, web_settings
from tests.pipeline.factories import record, store
from tests.pipeline.ops.alerts.receivers import WebhookReceiver

WEEK = IsoWeek(2018, 17)
FRIDAY_MORNING = datetime(2018, 4, 27, 0, tzinfo=UTC)
DECIDED_BEFORE = datetime(2018, 4, 21, 9, tzinfo=UTC)


def _archive(engine: Engine) -> dict[str, int]:
    """Week 16: 24 decisions teaching that 互联网医院 items are accepted and 会议 items rejected.
    Week 17: candidates whose relevance order the editor model should overturn, and one unflagged
    item the editor accepted anyway."""
    past = [
        record(100 + n, 16 + n % 5, score=5.0, title=f"{topic}第{n}期", text=f"{topic}相关报道第{n}篇。")
        for n, topic in enumerate(["互联网医院上线"] * 12 + ["信息化培训会议召开"] * 12)
    ]
    week = [
        record(1, 23, score=9.0, title="信息化培训会议召开 甲", text="信息化培训会议召开。"),
        record(2, 24, score=6.0, title="互联网医院上线 乙", text="互联网医院上线。"),
        record(3, 25, score=8.0, title="信息化培训会议召开 丙", text="会议。"),
        record(4, 26, score=5.5, title="互联网医院上线 丁", text="互联网医院上线服务。"),
        record(5, 27, score=1.0, title="天气预报 戊", text="明天有雨。"),
        record(6, 28, score=1.0, title="不相干 己", text="无关。"),
    ]
    ids = store(engine, *past, *week)
    with session_scope(session_factory(engine)) as session:
        for article_id, item in zip(ids, past, strict=False):
            action = "accept" if item.title.startswith("互联网医院") else "reject"
            for decision in review.decide(session, [article_id], action, actor="history"):
                decision.events[-1].at = DECIDED_BEFORE  # the model learns from decisions before the week
        weather = ids[len(past) + 4]
        review.decide(session, [weather], "accept", actor="editor1")  # unflagged, but the editor chose it
    add_users(engine)
    return {item.title: article_id for item, article_id in zip((*past, *week), ids, strict=True)}


def test_cli_web_digest_and_demo_list_the_same_candidates_in_the_same_order(engine: Engine) -> None:
    titles = _archive(engine)
    settings = web_settings(engine)
    with session_scope(session_factory(engine)) as session:
        expected = [c.id for c in week_candidates(session, settings, WEEK)]
    by_score = [titles[t] for t in ("信息化培训会议召开 甲", "信息化培训会议召开 丙", "互联网医院上线 乙")]
    assert expected[:3] != by_score, "the editor model should have re-ranked the week"
    assert titles["天气预报 戊"] in expected and titles["不相干 己"] not in expected

    listed = CliRunner().invoke(
        cli,
        ["--db", settings.db, "candidates", "--week", str(WEEK), "--format", "json"],
        catch_exceptions=False,
    )
    assert [row["id"] for row in json.loads(listed.output)] == expected

    with TestClient(create_app(settings)) as client:
        sign_in(client)
        page = client.get(f"/week?week={WEEK}&status=all").text  # decided ones are folded by default
    table = page[page.index('data-testid="candidates"') :]
    assert [int(i) for i in re.findall(r'<tr class="\w+" data-id="(\d+)"', table)] == expected

    with WebhookReceiver() as robot:
        digest_settings = settings.model_copy(
            update={
                "schedule": settings.schedule.model_copy(update={"digest_size": 10}),
                "alerts": settings.alerts.model_validate(
                    {"channels": [{"kind": "wecom", "url": robot.url()}]}
                ),
            }
        )
        context = JobContext(digest_settings, engine, None, now=lambda: FRIDAY_MORNING)  # type: ignore[arg-type]
        assert run_job(context, "digest", trigger="once") == "finished"
    lines = robot.received[0].json["markdown"]["content"].splitlines()
    digest_titles = [
        re.sub(r"^\d+\. (.+?)（.*$", r"\1", line) for line in lines if re.match(r"^\d+\. ", line)
    ]
    assert [titles[t] for t in digest_titles] == expected

    with session_scope(session_factory(engine)) as session:
        chosen = accept_top_candidates(session, settings, WEEK, 3)
    assert [c.id for c in chosen] == expected[:3]
