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
    seconds = (summary.finished_at - summary.started_at).total_seconds()
    table = Table(
        "source",
        "pages",
        "new",
        "updated",
        "dropped",
        "errors",
        "health",
        "note",
        title=f"crawl {summary.run_id} {summary.status} in {seconds:.1f} s",
        title_justify="left",
    )
    for name, tally in summary.tally.sources.items():
        dropped = ", ".join(f"{reason} {count}" for reason, count in tally.dropped.items()) or "0"
        note = tally.blocked_reason or tally.last_error or ""
        table.add_row(
            name,
            str(tally.pages),
            str(tally.new_articles),
            str(tally.updated_articles),
            dropped,
            str(tally.errors),
            tally.health,
            note[:70],
        )
    totals = summary.tally.totals()
    table.add_section()
    table.add_row(
        "total", *(str(totals[k]) for k in ("pages", "new_articles", "updated_articles", "dropped", "errors"))
    )
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
    """Crawled text may hold [brackets]: never read it as rich markup. Piped output is not cut to 80 columns."""
    console = Console(stderr=stderr, markup=False, highlight=False)
    if not console.is_terminal:
        console.width = 200
    return console
