"""Extraction stage: a fetched page in, the article's title, text, time, media, author and link out.

The only package of the project that imports trafilatura (in ``article``). See docs/extraction.md for the
order in which each field's candidates are tried. The names below load on first use: the crawl's main
process imports ``blocks``, ``decode`` and ``page`` from this package to recognise challenge pages, and
importing trafilatura with them cost it ~15 MB and half a second for nothing.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pipeline.stages.extract.article import extract_article, title_only_item
    from pipeline.stages.extract.decode import decode_html

__all__ = ["decode_html", "extract_article", "title_only_item"]
_WHERE = {"decode_html": "decode", "extract_article": "article", "title_only_item": "article"}


def __getattr__(name: str) -> object:
    if name not in _WHERE:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(import_module(f"{__name__}.{_WHERE[name]}"), name)
