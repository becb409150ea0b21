from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.config import load_settings
from pipeline.errors import InputError


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_defaults() -> None:
    settings = load_settings(None)
    assert settings.db == "sqlite:///hitmon.db"
    assert settings.bulletin.title == "全国卫生信息化舆情监测周报"
    assert settings.timezone == "Asia/Shanghai"


def test_precedence_file_then_env_then_flags(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    config = write(tmp_path / "h.toml", 'db = "sqlite:///file.db"\n[crawl]\nconcurrency = 3\nretries = 4\n')
    assert load_settings(config).crawl.concurrency == 3
    monkeypatch.setenv("HITMON_CRAWL__CONCURRENCY", "5")
    monkeypatch.setenv("HITMON_DB", "sqlite:///env.db")
    settings = load_settings(config)
    assert (settings.crawl.concurrency, settings.crawl.retries, settings.db) == (5, 4, "sqlite:///env.db")
    assert load_settings(config, db="sqlite:///flag.db").db == "sqlite:///flag.db"


def test_bulletin_texts_are_settings(tmp_path: Path) -> None:
    config = write(tmp_path / "h.toml", '[bulletin]\norganisation = "某市卫生健康委信息中心"\n')
    assert load_settings(config).bulletin.organisation == "某市卫生健康委信息中心"


@pytest.mark.parametrize(
    ("text", "line", "field"),
    [
        ('db = "sqlite:///x.db"\n[crawl]\nconcurrency = "many"\n', 3, "crawl.concurrency"),
        ('[bulletin]\ntitle = "t"\nbogus = 1\n', 3, "bulletin.bogus"),
        ("[crawl]\nretries = -1\n", 2, "crawl.retries"),
    ],
)
def test_bad_value_names_file_line_and_field(tmp_path: Path, text: str, line: int, field: str) -> None:
    config = write(tmp_path / "bad.toml", text)
    with pytest.raises(InputError) as caught:
        load_settings(config)
    assert (caught.value.path, caught.value.line, caught.value.field) == (str(config), line, field)
    assert caught.value.exit_code == 2


def test_broken_toml_names_the_line(tmp_path: Path) -> None:
    config = write(tmp_path / "bad.toml", 'db = "sqlite:///x.db"\n[crawl\n')
    with pytest.raises(InputError, match="not valid TOML") as caught:
        load_settings(config)
    assert caught.value.line == 2


def test_bad_env_value_names_the_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HITMON_CRAWL__TIMEOUT", "soon")
    with pytest.raises(InputError, match="HITMON_CRAWL__TIMEOUT"):
        load_settings(None)


def test_missing_config_file(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no such config file"):
        load_settings(tmp_path / "absent.toml")
