"""The desk for real weeks in Chromium against `hitmon serve`: a big week on a 1366x768 screen, keyboard
shortcuts, the accepted list with long titles, and two editors at once. Screenshots go to test-artifacts/."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, select

from models.db import make_engine, session_factory, session_scope, upgrade_database
from models.schema import Review
from pipeline.desk.accounts import add_user
from tests.hitmon.web.test_web_browser import (
    ARTIFACTS,
    CHROMIUM,
    CHROMIUM_ARGS,
    free_port,
    need_browser,
    wait_until_up,
)
from tests.hitmon.web.test_web_paste import site  # noqa: F401 (a fixture: a news site on loopback)
from tests.hitmon.web.webtools import CHEAP_HASHING, PASSWORD, SECRET, WEEK, cheap_passwords
from tests.pipeline.factories import record, store

pytestmark = pytest.mark.slow
SCREEN = {"width": 1366, "height": 768}
LONG = "关于进一步推进以电子病历为核心的医疗机构信息化建设和互联互通标准化成熟度测评工作的通知（长标题）"


@pytest.fixture
def big_week(tmp_path: Path) -> Iterator[Engine]:
    """120 flagged candidates in 2018-W17, three of them with long titles; editors 1 and 2."""
    engine = make_engine(f"sqlite:///{tmp_path / 'desk.db'}")
    upgrade_database(engine)
    records = [
        record(n, 23 + n % 5, score=9.0 - n / 100, title=(LONG if n <= 3 else f"第{n}篇 电子病历"))
        for n in range(1, 121)
    ]
    store(engine, *records)
    with session_scope(session_factory(engine)) as session:
        for name in ("editor1", "editor2"):
            add_user(session, name, PASSWORD, cheap_passwords())
    yield engine
    engine.dispose()


@pytest.fixture
def desk(big_week: Engine, tmp_path: Path) -> Iterator[str]:
    need_browser()
    port = free_port()
    cheap = {f"HITMON_WEB__{name.upper()}": str(value) for name, value in CHEAP_HASHING.items()}
    # the pasted-link test fetches from a server on loopback
    env = {
        **os.environ,
        "HITMON_WEB__SECRET_KEY": SECRET,
        "HITMON_WEB__ALLOW_PRIVATE_TARGETS": "true",
        **cheap,
    }
    url = big_week.url.render_as_string(hide_password=False)
    command = [str(Path(sys.executable).with_name("hitmon")), "--db", url, "serve", "--port", str(port)]
    log_path = tmp_path / "serve.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(command, cwd=tmp_path, env=env, stdout=log, stderr=subprocess.STDOUT)
        base = f"http://127.0.0.1:{port}"
        try:
            wait_until_up(base, process, log_path)
            yield base
        finally:
            process.terminate()
            process.wait(timeout=20)


def signed_in_page(browser, base: str, username: str):  # type: ignore[no-untyped-def]
    page = browser.new_context(viewport=SCREEN).new_page()
    page.goto(f"{base}/login?next=/week%3Fweek%3D{WEEK}")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    with page.expect_navigation():
        page.click("button[type=submit]:has-text('登录')")
    return page


def visible_rows(page) -> int:  # type: ignore[no-untyped-def]
    return page.evaluate(
        """() => Array.from(document.querySelectorAll('table.candidates tr[data-id]'))
            .filter(row => { const box = row.getBoundingClientRect();
                             return box.top >= 0 && box.bottom <= window.innerHeight; }).length"""
    )


def test_a_big_week_fits_the_screen_and_works_from_the_keyboard(desk: str, big_week: Engine) -> None:
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        try:
            page = signed_in_page(browser, desk, "editor1")
            assert visible_rows(page) >= 10
            assert "第 1 / 3 页" in page.inner_text("[data-testid=pages]")
            page.screenshot(path=str(ARTIFACTS / "desk-week-1366x768.png"))
            # j j a: the third candidate is accepted, and the page comes back to where the editor was.
            third = page.locator("table.candidates tr[data-id]").nth(2).get_attribute("data-id")
            page.keyboard.press("j")
            page.keyboard.press("j")
            with page.expect_navigation():
                page.keyboard.press("a")
            assert page.locator(f'#accepted li[data-id="{third}"]').count() == 1
            assert page.url.endswith(f"#c{int(third or 0) + 1}")  # the next row, not the top of the list
            assert "已采用：" in page.inner_text("[role=status]") and "#" not in page.inner_text(
                "[role=status]"
            )
            # Long titles in the accepted list: each row's buttons sit beside that row.
            for article_id in ("1", "2"):
                with page.expect_navigation():
                    page.click(f"[data-testid=accept-{article_id}]")
            for row in page.locator("#accepted li").all():
                box, buttons = row.bounding_box(), row.locator(".actions").bounding_box()
                assert (
                    box
                    and buttons
                    and box["y"] <= buttons["y"]
                    and buttons["y"] + buttons["height"] <= box["y"] + box["height"]
                )
            page.screenshot(path=str(ARTIFACTS / "desk-accepted-long-titles-1366x768.png"))
        finally:
            browser.close()


def test_two_editors_at_once_in_two_browsers(desk: str, big_week: Engine) -> None:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        try:
            first, second = signed_in_page(browser, desk, "editor1"), signed_in_page(browser, desk, "editor2")
            for page in (first, second):
                page.goto(f"{desk}/articles/5")
            first.fill("[data-testid=edit-title]", "编辑一的标题")
            with first.expect_navigation():
                first.click("[data-testid=save-edit]")
            second.fill("[data-testid=edit-summary]", "编辑二写的主要内容")
            with second.expect_navigation():
                second.click("[data-testid=save-edit]")
            conflict = second.inner_text("[data-testid=conflict]")
            assert "editor1" in conflict and "编辑一的标题" in conflict and "编辑二写的主要内容" in conflict
            second.screenshot(path=str(ARTIFACTS / "desk-conflict-1366x768.png"), full_page=True)
            with second.expect_navigation():
                second.click("[data-testid=keep-mine]")
            assert second.input_value("[data-testid=edit-summary]") == "编辑二写的主要内容"
            history = second.inner_text("table.history")
            assert "编辑一的标题" in history and "{" not in history
        finally:
            browser.close()
    with session_scope(session_factory(big_week)) as session:
        review = session.scalar(select(Review).where(Review.article_id == 5))
        assert review is not None and review.summary == "编辑二写的主要内容"


def test_sign_out_paste_a_link_archive_and_issue_numbers_in_a_browser(desk: str, site: str) -> None:  # noqa: F811
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        try:
            page = signed_in_page(browser, desk, "editor1")
            # Paste a link: fetched, extracted, accepted into the week.
            page.fill("[data-testid=paste-url]", f"{site}/wechat/1")
            with page.expect_navigation():
                page.click("[data-testid=paste-submit]")
            assert "已添加并采用：粘贴来的电子病历文章" in page.inner_text("[role=status]")
            assert "粘贴来的电子病历文章" in page.inner_text("[data-testid=accepted]")
            page.screenshot(path=str(ARTIFACTS / "desk-pasted-link-1366x768.png"))
            # Archive search finds it among everything stored.
            page.goto(f"{desk}/archive")
            page.fill("[data-testid=archive-q]", "互联网医院")
            with page.expect_navigation():
                page.press("[data-testid=archive-q]", "Enter")
            assert "粘贴来的电子病历文章" in page.inner_text("[data-testid=archive-results]")
            page.screenshot(path=str(ARTIFACTS / "desk-archive-1366x768.png"))
            # An absurd issue number is refused in Chinese, and the desk still works.
            page.goto(f"{desk}/preview?week={WEEK}")
            page.evaluate("document.querySelector('[data-testid=issue-number]').removeAttribute('pattern')")
            page.fill("[data-testid=issue-number]", "9223372036854775807")
            with page.expect_navigation():
                page.click("[data-testid=export-md]")
            assert "期号须为 1 到 9999 之间的整数" in page.content()
            page.goto(f"{desk}/preview?week={WEEK}")
            assert page.input_value("[data-testid=issue-number]") == "1"
            # 退出 ends the sign-in for a copy of the cookie too.
            copy = browser.new_context(viewport=SCREEN)
            copy.add_cookies(page.context.cookies())
            other = copy.new_page()
            other.goto(f"{desk}/week?week={WEEK}")
            assert "/login" not in other.url
            with page.expect_navigation():
                page.click("button:has-text('退出')")
            other.goto(f"{desk}/week?week={WEEK}")
            assert "/login" in other.url
        finally:
            browser.close()
