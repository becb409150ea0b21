"""The ``[browser]`` settings: defaults, and a bad value named by file, line and field."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.config import Settings, load_settings
from pipeline.errors import InputError


def test_browser_defaults_drive_debians_chromium_with_a_small_pool() -> None:
    browser = Settings().browser
    assert browser.enabled and browser.hand_back
    assert browser.executable == Path("/usr/bin/chromium")
    assert browser.pages == 2 and browser.timeout == 20.0


def test_a_bad_browser_setting_names_the_line(tmp_path: Path) -> None:
    config = tmp_path / "hitmon.toml"
    config.write_text('[crawl]\nretries = 1\n\n[browser]\nexecutable = "/opt/chromium"\npages = 0\n')
    with pytest.raises(InputError) as raised:
        load_settings(config)
    assert f"{config}:6" in str(raised.value) and "browser.pages" in str(raised.value)


def test_the_environment_sets_the_browser(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HITMON_BROWSER__ENABLED", "false")
    monkeypatch.setenv("HITMON_BROWSER__EXECUTABLE", "/opt/chromium/chrome")
    browser = load_settings().browser
    assert not browser.enabled and browser.executable == Path("/opt/chromium/chrome")
