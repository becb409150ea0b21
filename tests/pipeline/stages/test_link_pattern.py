"""link_pattern runs with a time budget: a catastrophic pattern costs a page at most that, then says so."""

from __future__ import annotations

import pytest

from pipeline.stages.discover import article_links
from pipeline.stages.link_pattern import PatternTimeout, compile_link_pattern

LONG_LINK = "http://127.0.0.1/" + "a" * 5000 + "!"


def test_a_pattern_matches_like_re() -> None:
    pattern = compile_link_pattern(r"/a/\d{8}/\d+\.html")
    assert pattern.search("http://x/a/20180423/1.html") and not pattern.search("http://x/b/1.html")


def test_catastrophic_patterns_run_in_linear_time() -> None:
    # (a+)+$ against a long link took 35 s with re; RE2 answers at once, even with no time at all.
    assert not compile_link_pattern(r"(a+)+$", 1e-9).search("http://x/" + "a" * 100_000 + "!")
    assert compile_link_pattern(r"(\w+\s?)*$", 1e-9).search(LONG_LINK)


def test_what_re2_cannot_compile_runs_with_the_budget() -> None:
    lookahead = compile_link_pattern(r"^(?!.*index)http://x/\d+\.html$")
    assert lookahead.search("http://x/1.html") and not lookahead.search("http://x/index1.html")
    with pytest.raises(PatternTimeout, match=r"took more than 0\.2 s"):
        compile_link_pattern(r"(?=x|y)?(\w+\s?)*$", 0.2).search(LONG_LINK)


def test_article_links_fails_a_page_whose_pattern_times_out() -> None:
    # Links over 2,048 characters never reach a pattern (pipeline.urls): this one is just under.
    catastrophic = "http://127.0.0.1/" + "a" * 2000 + "!"
    html = f"<a href='{catastrophic}'>x</a><a href='/a/1.html'>y</a>"
    assert article_links(html, "http://127.0.0.1/", r"(a+)+$") == []  # linear: no budget needed
    with pytest.raises(PatternTimeout):
        article_links(html, "http://127.0.0.1/", compile_link_pattern(r"(?=x|y)?(\w+\s?)*$", 0.2))


def test_not_a_regex_is_a_value_error() -> None:
    with pytest.raises(ValueError, match="not a regular expression"):
        compile_link_pattern("(unclosed")
