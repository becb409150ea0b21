"""Refuse regular expressions that can take exponential time (catastrophic backtracking).

A sources file's ``link_pattern`` runs against every link of every listing page; ``(a+)+$`` on a long
link would hang the crawl. Python's ``re`` cannot be interrupted, so the check is structural, on the
parsed pattern, and errs on the side of refusing:

- a variable-length repeat inside an unbounded repeat (nested quantifiers: ``(a+)+``, ``(\\w*/?)*``,
  ``(\\d{1,3}x)+``);
- an alternation inside an unbounded repeat whose branches can start with the same character
  (``(a|ab)+``).

Possessive repeats (``a++``) and atomic groups (``(?>...)``) never backtrack, so they are the way to
write such a pattern safely: ``(?:\\w++/)+`` passes.
"""

from __future__ import annotations

import re
from re import _constants as sre  # the parsed form of a pattern; stable across 3.11-3.13
from re import _parser as sre_parse
from typing import Any

MAX_PATTERN_LENGTH = 1000
_REPEATS = (sre.MAX_REPEAT, sre.MIN_REPEAT)


def regex_problem(pattern: str) -> str | None:
    """Why ``pattern`` may not be used as a link pattern, in a few words; None when it may."""
    if len(pattern) > MAX_PATTERN_LENGTH:
        return f"longer than {MAX_PATTERN_LENGTH} characters"
    try:
        re.compile(pattern)
        parsed = sre_parse.parse(pattern)
    except (re.error, RecursionError, OverflowError) as exc:
        return f"not a regular expression: {exc}"
    return _backtracking_problem(list(parsed), in_unbounded_repeat=False)


def _backtracking_problem(items: list[tuple[Any, Any]], *, in_unbounded_repeat: bool) -> str | None:
    for op, av in items:
        problem = _item_problem(op, av, in_unbounded_repeat)
        if problem:
            return problem
    return None


def _item_problem(op: Any, av: Any, in_unbounded_repeat: bool) -> str | None:
    if op in _REPEATS:
        low, high, body = av
        if in_unbounded_repeat and low != high:
            return (
                "nested quantifiers (a repeat inside an unbounded repeat, as in (a+)+) can take "
                "exponential time; use a possessive quantifier (a++) or an atomic group (?>...)"
            )
        return _backtracking_problem(
            list(body), in_unbounded_repeat=in_unbounded_repeat or high == sre.MAXREPEAT
        )
    if op is sre.BRANCH:
        if in_unbounded_repeat and _branches_overlap(av[1]):
            return (
                "a repeated alternation whose branches start alike (as in (a|ab)+) can take exponential "
                "time; make the branches start differently or use an atomic group (?>...)"
            )
        return _first(_backtracking_problem(list(b), in_unbounded_repeat=in_unbounded_repeat) for b in av[1])
    if op is sre.SUBPATTERN:
        return _backtracking_problem(list(av[3]), in_unbounded_repeat=in_unbounded_repeat)
    if op in (sre.ASSERT, sre.ASSERT_NOT):
        return _backtracking_problem(list(av[1]), in_unbounded_repeat=in_unbounded_repeat)
    if op is sre.GROUPREF_EXISTS:
        branches = [b for b in av[1:] if b is not None]
        return _first(
            _backtracking_problem(list(b), in_unbounded_repeat=in_unbounded_repeat) for b in branches
        )
    return None  # literals, classes, anchors; possessive repeats and atomic groups never backtrack


def _branches_overlap(branches: list[Any]) -> bool:
    """Whether two branches begin with the same literal character, or one is empty."""
    firsts: list[int] = []
    for branch in branches:
        items = list(branch)
        if not items:
            return True  # an empty branch matches where any other one does
        op, value = items[0]
        if op is sre.LITERAL:
            if value in firsts:
                return True
            firsts.append(value)
    return False


def _first(problems: Any) -> str | None:
    return next((problem for problem in problems if problem), None)
