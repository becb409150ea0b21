"""How the CLI shows things: local times and rich tables."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from rich.console import Console
from rich.table import Table

from pipeline.candidates import Candidate

if TYPE_CHECKING:  # the crawler (Scrapy, Twisted) loads only for `hitmon crawl`
    from crawler.run import CrawlSummary


def local_time(moment: datetime | None, timezone: str) -> str:
    return moment.astimezone(ZoneInfo(timezone)).strftime("%Y-%m-%d %H:%M") if moment else ""


def summary_table(summary: CrawlSummary) -> Table:
    from crawler.progress import tally_table  # Scrapy loads only for `hitmon crawl`

    seconds = (summary.finished_at - summary.started_at).total_seconds()
    table = tally_table(summary.tally, f"crawl {summary.run_id} {summary.status} in {seconds:.1f} s")
    if summary.stories:
        table.caption = f"{summary.stories} article(s) joined a reprint story"
    return table


def candidates_table(candidates: list[Candidate], timezone: str, title: str) -> Table:
    table = Table("id", "score", "status", "published", "media", "title", "reprints", "matched", title=title)
    for c in candidates:
        table.add_row(
            str(c.id),
            f"{c.score:.1f}",
            c.status + (f" #{c.position}" if c.position else ""),
            local_time(c.published_at, timezone),
            c.media,
            c.title,
            str(c.reprints),
            "、".join(c.matched[:4]),
        )
    return table


def console(stderr: bool = False) -> Console:
    """Crawled text may hold [brackets]: never read it as rich markup.

    Piped output is not cut to 80 columns."""
    console = Console(stderr=stderr, markup=False, highlight=False)
    if not console.is_terminal:
        console.width = 200
    return console
