"""The console crawl output and the CLI write to (rich only: importing it loads no Scrapy)."""

from __future__ import annotations

from rich.console import Console

PIPED_WIDTH = 200


def terminal(stderr: bool = False) -> Console:
    """Crawled text may hold [brackets]: never read it as rich markup.

    Piped output is not cut to 80 columns."""
    console = Console(stderr=stderr, markup=False, highlight=False)
    if not console.is_terminal:
        console.width = PIPED_WIDTH
    return console
