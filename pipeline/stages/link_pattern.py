"""A source's ``link_pattern``, run in linear time or with a time bound.

Python's ``re`` backtracks without limit: ``(a+)+$`` against a long link took 35 s, holding the whole
crawl. RE2 (``google-re2``) matches in linear time, so it is used whenever it can compile the pattern. The
few patterns it cannot (backreferences, lookarounds) run on the ``regex`` engine (the syntax of ``re``)
with a timeout, one time budget for all the links of a page: a catastrophic pattern then costs a page
about that budget (the engine checks the clock now and then, so it can overrun it) and is reported
instead of hanging the crawl.
"""

from __future__ import annotations

import time

import re2
import regex

DEFAULT_BUDGET = 1.0  # seconds for one listing page's links (crawl.link_pattern_seconds)


class PatternTimeout(ValueError):
    """The pattern ran out of its time budget: the page's links are not trusted."""


class LinkPattern:
    """``search(url)`` over the links of one page, all within ``budget`` seconds."""

    def __init__(self, pattern: str, budget: float = DEFAULT_BUDGET):  # budget starts now
        self.source = pattern
        self.linear = _linear(pattern)
        try:
            self.compiled = regex.compile(pattern, regex.VERSION0)  # VERSION0: the syntax of ``re``
        except regex.error as exc:
            raise ValueError(f"link_pattern {pattern!r} is not a regular expression: {exc}") from None
        self.deadline = time.monotonic() + budget
        self.budget = budget

    def search(self, text: str) -> bool:
        if self.linear is not None:
            return self.linear.search(text) is not None
        remaining = self.deadline - time.monotonic()
        try:
            if remaining <= 0:
                raise TimeoutError
            return self.compiled.search(text, timeout=remaining) is not None
        except TimeoutError:
            raise PatternTimeout(
                f"link_pattern {self.source!r} took more than {self.budget:g} s on this page's links"
            ) from None


def _linear(pattern: str) -> re2._Regexp | None:
    """The pattern in RE2, or None when RE2 lacks what it uses (backreferences, lookarounds)."""
    options = re2.Options()
    options.log_errors = False  # a pattern RE2 refuses is normal here, not worth a line on stderr
    try:
        return re2.compile(pattern, options=options)
    except re2.error:
        return None


def compile_link_pattern(pattern: str | LinkPattern, budget: float = DEFAULT_BUDGET) -> LinkPattern:
    """``pattern`` with ``budget`` seconds from now (one already compiled is kept as it is, with its own
    budget); raises ValueError when ``pattern`` is no regular expression."""
    return pattern if isinstance(pattern, LinkPattern) else LinkPattern(pattern, budget)
