"""What one page may cost extraction: four 9.5 MB pages of about a million elements each took 2.6 GB and
six minutes. Pages with more elements than the bound are refused before they are parsed, and the whole
extraction of a page runs under a timer; either way the page is dropped as PageTooComplex and the worker
goes on with the next page."""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType

from pipeline.errors import PageTooComplex


def check_element_count(body: bytes, max_elements: int | None) -> None:
    """Refuse a page with more start tags than ``max_elements``, counted on the bytes (milliseconds even
    for 10 MB) before lxml builds a tree of them."""
    if max_elements is None:
        return
    start_tags = body.count(b"<") - body.count(b"</")
    if start_tags > max_elements:
        raise PageTooComplex(f"about {start_tags:,} elements, more than {max_elements:,}")


@contextmanager
def time_limit(seconds: float | None) -> Iterator[None]:
    """Raise PageTooComplex in the block after ``seconds``.

    A SIGALRM timer: it can stop pure-Python work anywhere (trafilatura's passes), and a long lxml call as
    soon as it returns. Signals reach the main thread only, where the extraction workers run their pages;
    elsewhere the block runs unbounded (the element bound still holds)."""
    if not seconds or threading.current_thread() is not threading.main_thread():
        yield
        return

    def expire(signum: int, frame: FrameType | None) -> None:
        raise PageTooComplex(f"extraction took more than {seconds:g} s")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
