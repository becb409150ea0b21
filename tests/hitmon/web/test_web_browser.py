"""The web app in a real browser: Debian's Chromium driven by Playwright against `hitmon serve`.

Skips when /usr/bin/chromium is absent, except with CI=true (then the browser is required). Never runs
`playwright install`: the browser is the system's.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import docx
import httpx2
import pytest
from sqlalchemy import Engine, select

from models.db import make_engine, session_factory, session_scope, upgrade_database
from models.schema import Issue, Review
from pipeline.desk.accounts import add_user
from tests.hitmon.web.webtools import CHEAP_HASHING, PASSWORD, SECRET, WEEK, cheap_passwords
from tests.pipeline.factories import record, store

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ARTIFACTS = Path(__file__).resolve().parents[3] / "test-artifacts"
HOSTILE_TITLE = '<script>window.pwned=1</script><img src=x onerror="alert(2)">" onmouseover="window.pwned=3'

pytestmark = pytest.mark.slow


def need_browser() -> None:
    reason = None
    if not CHROMIUM.exists():
        reason = f"{CHROMIUM} is absent (apt-get install -y chromium)"
    else:
        try:
            import playwright.sync_api  # noqa: F401
        except ImportError:
            reason = "the playwright package is not installed (pip install -e '.[dev]')"
    if reason and os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"browser tests must run in CI: {reason}")
    if reason:
        pytest.skip(reason)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def browser_db(tmp_path: Path) -> Iterator[Engine]:
    engine = make_engine(f"sqlite:///{tmp_path / 'web.db'}")
    upgrade_database(engine)
    store(
        engine,
        record(1, 23, score=9.0),
        record(2, 24, score=7.0, source="江南省卫生健康委", url="http://127.0.0.1:1/wsjkw/2.html"),
        record(3, 25, score=5.0, title=HOSTILE_TITLE),
    )
    with session_scope(session_factory(engine)) as session:
        add_user(session, "editor1", PASSWORD, cheap_passwords())
    yield engine
    engine.dispose()


@pytest.fixture
def server(browser_db: Engine, tmp_path: Path) -> Iterator[str]:
    """`hitmon serve` on a free loopback port, stopped after the test."""
    need_browser()
    port = free_port()
    cheap = {f"HITMON_WEB__{name.upper()}": str(value) for name, value in CHEAP_HASHING.items()}
    env = {**os.environ, "HITMON_WEB__SECRET_KEY": SECRET, **cheap}
    command = [
        str(Path(sys.executable).with_name("hitmon")),
        "--db",
        browser_db.url.render_as_string(hide_password=False),
        "serve",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
    ]
    log = (tmp_path / "serve.log").open("wb")
    process = subprocess.Popen(command, cwd=tmp_path, env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(base, process, tmp_path / "serve.log")
        yield base
    finally:
        process.terminate()
        process.wait(timeout=20)
        log.close()


def wait_until_up(base: str, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"hitmon serve exited: {log.read_text(errors='replace')}")
        try:
            if httpx2.get(f"{base}/login", timeout=1).status_code == 200:
                return
        except httpx2.TransportError:
            time.sleep(0.2)
    pytest.fail(f"hitmon serve did not answer within 30 s: {log.read_text(errors='replace')}")


def accepted_ids(page) -> list[str]:  # type: ignore[no-untyped-def]
    return page.locator("#accepted li").evaluate_all("items => items.map(item => item.dataset.id)")


def test_the_editors_friday_in_a_browser(server: str, browser_db: Engine) -> None:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(accept_downloads=True, viewport={"width": 1280, "height": 900})
            dialogs: list[str] = []
            page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))

            page.goto(f"{server}/week?week={WEEK}")
            assert "/login" in page.url
            page.fill("input[name=username]", "editor1")
            page.fill("input[name=password]", PASSWORD)
            with page.expect_navigation():
                page.click("button[type=submit]:has-text('登录')")
            assert page.url == f"{server}/week?week={WEEK}"

            # The hostile title is shown as text and nothing in it ran.
            assert page.get_by_text("<script>window.pwned=1</script>", exact=False).count() == 1
            page.get_by_text("window.pwned=3", exact=False).first.hover()
            assert page.evaluate("typeof window.pwned") == "undefined" and dialogs == []

            for article_id in (1, 2):
                with page.expect_navigation():
                    page.click(f"[data-testid=accept-{article_id}]")
            assert accepted_ids(page) == ["1", "2"]
            # Drag the second item above the first (the script posts the order form) ...
            first = page.locator('#accepted li[data-id="1"]')
            with page.expect_navigation():
                page.locator('#accepted li[data-id="2"]').drag_to(first, target_position={"x": 40, "y": 2})
            assert accepted_ids(page) == ["2", "1"]
            # ... and the buttons that work without JavaScript.
            with page.expect_navigation():
                page.click("[data-testid=down-2]")
            assert accepted_ids(page) == ["1", "2"]
            with page.expect_navigation():
                page.click("[data-testid=up-2]")
            assert accepted_ids(page) == ["2", "1"]
            ARTIFACTS.mkdir(exist_ok=True)
            page.screenshot(path=str(ARTIFACTS / "week.png"), full_page=True)

            page.goto(f"{server}/articles/1")
            assert page.locator("mark", has_text="电子病历").count() >= 1
            page.screenshot(path=str(ARTIFACTS / "article.png"), full_page=True)
            page.fill("[data-testid=edit-title]", "浏览器里改的标题")
            with page.expect_navigation():
                page.click("[data-testid=save-edit]")
            assert page.input_value("[data-testid=edit-title]") == "浏览器里改的标题"

            page.goto(f"{server}/preview?week={WEEK}")
            bulletin = page.frame_locator("[data-testid=bulletin-frame]")
            assert "浏览器里改的标题" in bulletin.locator("body").inner_text()
            with page.expect_download() as download_info:
                page.click("[data-testid=export-docx]")
            download = download_info.value
            assert download.suggested_filename == "weekly-1.docx"
            document = docx.Document(download.path())
            text = "\n".join(paragraph.text for paragraph in document.paragraphs)
            assert text.index("第2篇 电子病历") < text.index("浏览器里改的标题")  # the order chosen

            page.goto(f"{server}/articles/3")
            assert page.evaluate("typeof window.pwned") == "undefined" and dialogs == []
            page.goto(f"{server}/overview?week={WEEK}")
            assert page.locator("svg rect.bar").count() == 7 + 2  # seven days, two sources
            page.screenshot(path=str(ARTIFACTS / "overview.png"), full_page=True)
        finally:
            browser.close()

    with session_scope(session_factory(browser_db)) as session:
        issue = session.scalar(select(Issue))
        assert issue is not None and (issue.week, issue.exported_by) == (WEEK, "editor1")
        review = session.scalar(select(Review).where(Review.article_id == 1))
        assert review is not None and (review.title, review.updated_by) == ("浏览器里改的标题", "editor1")
