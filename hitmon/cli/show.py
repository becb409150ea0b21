"""How the CLI shows things: local times and rich tables."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from rich.table import Table

if TYPE_CHECKING:
    from pipeline.desk.candidates import Candidate


def local_time(moment: datetime | None, timezone: str) -> str:
    return moment.astimezone(ZoneInfo(timezone)).strftime("%Y-%m-%d %H:%M") if moment else ""


def candidates_table(candidates: list[Candidate], timezone: str, title: str) -> Table:
    """``prob``: the learned probability the week is ranked by (blank where stage 2 did not score the item);
    ``score``: the rules' score."""
    columns = ("id", "prob", "score", "status", "published", "media", "title", "reprints", "matched")
    table = Table(*columns, title=title)
    for c in candidates:
        table.add_row(
            str(c.id),
            "" if c.percent is None else f"{c.percent}%",
            f"{c.score:.1f}",
            c.status + (f" #{c.position}" if c.position else ""),
            local_time(c.published_at, timezone),
            c.media,
            ("[仅标题] " if c.title_only else "") + c.title,
            str(c.reprints),
            "、".join(c.matched[:4]),
        )
    return table
