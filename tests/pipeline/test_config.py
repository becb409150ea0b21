from __future__ import annotations

import re
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


@pytest.mark.parametrize(
    ("text", "line", "field", "message"),
    [
        ('timezone = "Nowhere/Land"\n', 1, "timezone", "unknown time zone"),
        ('[schedule]\ntimezone = "../../etc/passwd"\n', 2, "schedule.timezone", "unknown time zone"),
        ("[crawl]\nmax_response_mb = inf\n", 2, "crawl.max_response_mb", "finite number"),
        ("[crawl]\ntimeout = nan\n", 2, "crawl.timeout", "finite number"),
        ("[schedule]\ncrawl_timeout = 1e300\n", 2, "schedule.crawl_timeout", "less than or equal to 2592000"),
        ("[crawl]\nmax_response_mb = 1e12\n", 2, "crawl.max_response_mb", "less than or equal to 4096"),
        ('db = "mysql://u@127.0.0.1/hitmon"\n', 1, "db", "mysql is not supported"),
        ('db = "hitmon.db"\n', 1, "db", "not a database URL"),
        ('[relevance]\nlexicon = "absent.tsv"\n', 2, "relevance.lexicon", "absent.tsv is not a file"),
    ],
)
def test_values_that_would_fail_later_are_refused_at_load(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, text: str, line: int, field: str, message: str
) -> None:
    monkeypatch.chdir(tmp_path)
    config = write(tmp_path / "h.toml", text)
    with pytest.raises(InputError, match=message) as caught:
        load_settings(config)
    assert (caught.value.path, caught.value.line, caught.value.field) == (str(config), line, field)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (bytes(range(256)), "is not UTF-8 text (line 2, byte 128)"),
        (b"term\t1\tcat\n\0\0\0\n", "not a text file (it holds NUL bytes)"),
    ],
)
def test_a_binary_lexicon_is_refused_at_load(tmp_path: Path, content: bytes, message: str) -> None:
    (tmp_path / "extra.tsv").write_bytes(content)
    config = write(tmp_path / "h.toml", f'[relevance]\nlexicon = "{tmp_path / "extra.tsv"}"\n')
    with pytest.raises(InputError, match=re.escape(message)) as caught:
        load_settings(config)
    assert (caught.value.line, caught.value.field) == (2, "relevance.lexicon")


@pytest.mark.parametrize(
    ("content", "line", "message"),
    [
        (b'db = "sqlite:///x.db"\n# caf\xe9\n', 2, "not UTF-8 text"),
        (b"x = " + b"[" * 5000 + b"]" * 5000, None, "nested more than 16 deep"),
        (b"[a.b.c.d.e.f.g.h.i.j.k.l.m.n.o.p.q]\nx = 1\n", None, "a: nested more than 16 deep"),
        (b"#" * (2 << 20), None, "larger than 1024 KB"),
    ],
)
def test_a_config_that_cannot_be_a_config_is_refused(
    tmp_path: Path, content: bytes, line: int | None, message: str
) -> None:
    config = tmp_path / "h.toml"
    config.write_bytes(content)
    with pytest.raises(InputError, match=message) as caught:
        load_settings(config)
    assert caught.value.line == line


def test_a_folder_named_hitmon_toml_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "hitmon.toml").mkdir()
    with pytest.raises(InputError, match=r"hitmon\.toml: the config file is not a regular file"):
        load_settings(None)


@pytest.mark.parametrize(
    ("name", "value", "field"),
    [
        ("HITMON_ALERTS__CHANNELS", '[{"kind": "wecom"', "alerts.channels"),
        ("HITMON_CRAWL", "concurrency=4", "crawl"),
        ("HITMON_SCHEDULE__CRAWL_COMMAND", "python -m crawler", "schedule.crawl_command"),
    ],
)
def test_an_environment_variable_that_is_not_json_is_named(
    monkeypatch: pytest.MonkeyPatch, name: str, value: str, field: str
) -> None:
    monkeypatch.setenv("HITMON_SCHEDULE__CRAWL", "0 3 * * *")  # a plain string beside it, rightly not JSON
    monkeypatch.setenv(name, value)
    with pytest.raises(InputError, match="not valid JSON") as caught:
        load_settings(None)
    assert (caught.value.path, caught.value.field) == (f"environment {name}", field)


def test_a_bad_value_is_blamed_on_where_it_came_from(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HITMON_DB", "mysql://u@127.0.0.1/hitmon")
    with pytest.raises(InputError, match=r"^environment HITMON_DB: db: mysql is not supported"):
        load_settings(None)
    with pytest.raises(InputError, match=r"^command line --db: oracle is not supported"):
        load_settings(None, db="oracle://u@127.0.0.1/x")
    monkeypatch.setenv("HITMON_TIMEZONE", "Nowhere/Land")
    with pytest.raises(InputError, match=r"^environment HITMON_TIMEZONE: timezone: unknown time zone"):
        load_settings(None, db="sqlite:///x.db")
