"""Issue numbers: 1..9999, the next after the last, gaps and re-exports asked about, every export recorded."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import Engine, select

from models.db import session_factory, session_scope
from models.schema import Issue, IssueExport
from pipeline.config import Settings
from pipeline.desk import review
from pipeline.desk.issues import BadIssueNumber, NeedsConfirmation, export_issue, next_issue_number
from pipeline.weeks import IsoWeek
from tests.pipeline.factories import record, store

W17, W18 = IsoWeek(2018, 17), IsoWeek(2018, 18)


def test_numbers_are_checked_and_a_typo_from_before_is_passed_over(engine: Engine) -> None:
    (a,) = store(engine, record(1, 23))
    sessions = session_factory(engine)
    with session_scope(sessions) as session:
        review.decide(session, [a], "accept")
        for number in (0, 10_000, 9_223_372_036_854_775_807):
            with pytest.raises(BadIssueNumber):
                export_issue(session, Settings(), W17, "md", number=number)
        with pytest.raises(NeedsConfirmation) as asked:
            export_issue(session, Settings(), W17, "md", number=2970, confirmed=False)
        assert asked.value.kind == "gap"
        export_issue(session, Settings(), W17, "md", confirmed=False)  # the next number: no question
        with pytest.raises(NeedsConfirmation) as again:
            export_issue(session, Settings(), W17, "md", confirmed=False)
        assert again.value.kind == "again"
        export_issue(session, Settings(), W17, "md", actor="editor1")  # the CLI's default: confirmed
        # A number recorded before the check existed does not become "the last issue".
        session.add(
            Issue(
                number=99_999,
                week="2017-W01",
                issued_on=date(2017, 1, 6),
                period_start=date(2017, 1, 2),
                period_end=date(2017, 1, 6),
            )
        )
        session.flush()
        assert next_issue_number(session) == 2
    with session_scope(sessions) as session:
        kinds = [(row.number, row.kind, row.actor) for row in session.scalars(select(IssueExport))]
    assert kinds == [(1, "first", None), (1, "again", "editor1")]
