"""A title-only feed item is marked as such in the week's candidate list."""

from __future__ import annotations

import re

from sqlalchemy import Engine
from starlette.testclient import TestClient

from tests.hitmon.web.webtools import WEEK
from tests.pipeline.factories import record, store


def test_a_title_only_item_is_marked_in_the_candidate_list(
    engine: Engine, editor: tuple[TestClient, str]
) -> None:
    client, _ = editor
    store(
        engine,
        record(
            9,
            24,
            score=8.0,
            title="第9篇 互联网医院上线",
            text="",
            title_only="NotAnArticle: no article body found",
        ),
    )
    page = client.get(f"/week?week={WEEK}").text
    rows = re.findall(r"<tr class=\"\w+\" data-id=\"\d+\"[^>]*>.*?</tr>", page, flags=re.S)
    marked = [row for row in rows if 'class="title-only"' in row]
    assert len(marked) == 1 and "第9篇 互联网医院上线" in marked[0]
    assert sum("第1篇" in row and 'class="title-only"' not in row for row in rows) == 1
