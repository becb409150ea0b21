"""Extraction bounds: a page of too many elements, or one that takes too long, is dropped as
PageTooComplex, and the process goes on to the next page."""

from __future__ import annotations

import time

import pytest

from pipeline.config import Settings
from pipeline.errors import PageTooComplex
from pipeline.stages.extract import extract_article
from pipeline.stages.extract.bounds import check_element_count, time_limit
from pipeline.stages.page import load_stages, process_page

ARTICLE = (
    "<html><head><title>正常的文章标题在这里</title></head><body><h1>正常的文章标题在这里</h1>"
    + "<p>医院信息化建设持续推进，数据互联互通水平不断提升。</p>" * 10
    + "</body></html>"
).encode()


def many_elements(count: int) -> bytes:
    """A page of ``count`` nested-and-sibling elements, like the million-element pages of the issue."""
    cells = "<span><b>数据</b></span>" * (count // 2)
    return f"<html><body><h1>很多元素的页面标题</h1><div>{cells}</div></body></html>".encode()


def test_a_page_of_too_many_elements_is_refused_before_parsing(make_record):
    with pytest.raises(PageTooComplex, match="more than 100,000"):
        extract_article(make_record(many_elements(300_000)), max_elements=100_000)
    assert extract_article(make_record(ARTICLE), max_elements=100_000).title == "正常的文章标题在这里"


def test_the_element_count_is_of_start_tags():
    check_element_count(b"<p>a</p>" * 1000, 1000)
    with pytest.raises(PageTooComplex):
        check_element_count(b"<p>a</p>" * 1001, 1000)


def test_process_page_applies_the_settings_bounds(make_record):
    stages = load_stages(Settings(crawl={"max_page_elements": 1000}))
    with pytest.raises(PageTooComplex) as dropped:
        process_page(make_record(many_elements(5000)), stages)
    assert dropped.value.reason == "PageTooComplex"
    assert process_page(make_record(ARTICLE), stages).title == "正常的文章标题在这里"  # the next page


def test_extraction_past_its_time_is_stopped(make_record):
    stages = load_stages(Settings(crawl={"max_extract_seconds": 0.2, "max_page_elements": 10_000_000}))
    with pytest.raises(PageTooComplex, match=r"took more than 0\.2 s"):
        process_page(make_record(many_elements(400_000)), stages)
    assert process_page(make_record(ARTICLE), load_stages(Settings())).title == "正常的文章标题在这里"


def test_the_timer_is_gone_after_the_block():
    with time_limit(0.05):
        pass
    time.sleep(0.1)  # an alarm left armed would raise here
