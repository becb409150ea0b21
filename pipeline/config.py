"""The one typed configuration object, loaded at the entry points and passed down.

Precedence, lowest first: defaults < ``hitmon.toml`` < ``HITMON_*`` environment < command-line flags.
Nested settings take ``HITMON_SECTION__KEY`` in the environment (``HITMON_CRAWL__CONCURRENCY=4``).
"""

from __future__ import annotations

import os
import re
import tomllib
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, SecretStr, ValidationError, model_validator
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)

from pipeline.errors import InputError

DEFAULT_CONFIG_FILE = Path("hitmon.toml")


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid")


class CrawlSettings(_Section):
    user_agent: str = "hitmon/0.1 (+health-IT media monitoring)"
    obey_robots: bool = True  # a source may override with ``obey_robots: false``
    concurrency: int = Field(16, ge=1, le=256)
    concurrency_per_domain: int = Field(4, ge=1, le=64)
    download_delay: float = Field(0.0, ge=0)  # seconds between requests to one domain
    autothrottle: bool = True
    timeout: float = Field(30.0, gt=0)  # seconds per request
    retries: int = Field(2, ge=0, le=10)
    retry_backoff: float = Field(1.0, ge=0)  # seconds before the first retry, doubling for each next one
    max_response_mb: float = Field(10.0, gt=0)  # larger responses are dropped and recorded
    max_pages: int = Field(5, ge=1)  # listing pagination depth unless a source sets its own
    extract_workers: int = Field(0, ge=0)  # processes for extraction; 0 = one per core
    store_batch: int = Field(50, ge=1)  # articles committed together


class RelevanceSettings(_Section):
    threshold: float = Field(2.5, ge=0)  # score at or above which an article is flagged (recall first)
    title_weight: float = Field(3.0, ge=0)  # a match in the title counts this many times a body match
    editor_weight: float = Field(6.0, ge=0)  # the editor model moves a candidate by up to half this
    editor_min_decisions: int = Field(20, ge=2)  # accepted + rejected reviews before the editor model is used
    lexicon: Path | None = (
        None  # extra lexicon file (term<TAB>weight<TAB>category), added to the built-in one
    )
    rules: Path | None = None  # the editor's rules file


class BulletinSettings(_Section):
    """Every fixed phrase of the bulletin (see docs/configuration.md for where each one appears)."""

    title: str = "全国卫生信息化舆情监测周报"
    organisation: str = "卫生健康委信息中心"
    scope: str = "监测范围包括全国主流媒体及政府网站等。"
    intro_heading: str = "本期导语："
    intro: str = "本期周报共收集 {count} 篇卫生信息化相关信息，时间从{start}到{end}，{scope}"
    toc_heading: str = "一、信息目录"
    content_heading: str = "二、具体内容"
    label_title: str = "标题："
    label_media: str = "媒体："
    label_link: str = "链接："
    label_body: str = "主要内容："
    publish_weekday: int = Field(5, ge=1, le=7)  # ISO weekday of the issue date (5 = Friday)


class WebSettings(_Section):
    """The editor's web app (``hitmon serve``); see docs/webapp.md for the security measures."""

    host: str = "127.0.0.1"
    port: int = Field(8000, ge=1, le=65535)
    # Signs the session cookie. Unset: generated once and kept in ``secret_file`` (mode 0600).
    secret_key: SecretStr | None = Field(None, min_length=32)
    secret_file: Path = Path("hitmon-web.secret")
    session_max_age: int = Field(8 * 3600, ge=60)  # seconds a sign-in lasts
    secure_cookies: bool = False  # send the session cookie over HTTPS only (set behind a TLS proxy)
    login_attempts_per_user: int = Field(5, ge=1)  # failed sign-ins per username within the window
    login_attempts_per_address: int = Field(20, ge=1)  # failed sign-ins per client address within the window
    login_window_seconds: int = Field(900, ge=1)
    # argon2id parameters of new password hashes (existing ones are rehashed at their next sign-in)
    password_time_cost: int = Field(3, ge=1, le=20)
    password_memory_kib: int = Field(65536, ge=64, le=4 * 1024 * 1024)
    password_parallelism: int = Field(4, ge=1, le=16)


class ScheduleSettings(_Section):
    """The nightly service (``hitmon schedule``): crontab lines in ``timezone``; "" disables a job."""

    timezone: str | None = None  # default: the top-level timezone
    crawl: str = "0 2 * * *"  # the nightly crawl
    digest: str = "0 8 * * fri"  # the week's top candidates, as an alert (weekday names, not numbers)
    maintenance: str = "30 4 * * sun"  # SQLite VACUUM + ANALYZE; PostgreSQL ANALYZE
    misfire_grace: float = Field(12 * 3600, ge=0)  # seconds late a missed run still runs (machine was off)
    crawl_command: list[str] = []  # default: this Python's ``-m crawler``; flags are appended
    crawl_timeout: float = Field(4 * 3600, gt=0)  # seconds before a crawl is stopped and recorded as failed
    kill_grace: float = Field(30, ge=0)  # seconds between SIGTERM and SIGKILL when stopping a crawl
    stale_lock: float = Field(900, gt=0)  # seconds without heartbeat before an SQLite lock is taken over
    expect_new_within_days: int | None = Field(7, ge=1)  # a source bringing nothing newer is marked stale
    digest_size: int = Field(10, ge=1)  # candidates listed in the digest
    review_url: str | None = None  # linked from the digest (the review web app)


AlertEvent = Literal["crawl_failed", "source_broken", "source_recovered", "candidates_ready"]


class AlertChannel(_Section):
    """Where alerts go: a group-robot webhook, a generic JSON webhook, or e-mail through ``[alerts.smtp]``."""

    kind: Literal["wecom", "dingtalk", "feishu", "webhook", "email"]
    url: SecretStr | None = None  # the robot's webhook URL (its token is a secret)
    secret: SecretStr | None = None  # DingTalk / Feishu signing secret; generic webhook: HMAC header key
    format: Literal["markdown", "text"] = "markdown"  # Feishu: markdown sends a ``post``
    to: list[str] = []  # e-mail recipients (default: ``alerts.smtp.to``)
    events: list[AlertEvent] = []  # which alerts this channel gets; [] = all

    @model_validator(mode="after")
    def _webhooks_need_a_url(self) -> AlertChannel:
        if self.kind != "email" and self.url is None:
            raise ValueError(f"a {self.kind} channel needs a url")
        return self


class SmtpSettings(_Section):
    host: str | None = None
    port: int = Field(25, ge=1, le=65535)
    security: Literal["none", "starttls", "ssl"] = "none"
    user: str | None = None
    password: SecretStr | None = None
    sender: str = "hitmon@localhost"
    to: list[str] = []
    timeout: float = Field(30, gt=0)


class AlertSettings(_Section):
    channels: list[AlertChannel] = []
    smtp: SmtpSettings = SmtpSettings()
    retries: int = Field(3, ge=0, le=10)  # further attempts after a failed delivery
    backoff: float = Field(2.0, ge=0)  # seconds before the first retry, doubling each time
    timeout: float = Field(10, gt=0)  # seconds per webhook request


class DistributedSettings(_Section):
    """Distributed crawling (``hitmon worker``, ``hitmon crawl --distributed``): a Redis frontier shared by
    every worker; see docs/operations.md#distributed-crawling."""

    redis_url: str = "redis://127.0.0.1:6379/0"
    key_prefix: str = "hitmon"  # every key of the frontier starts with this (one prefix per deployment)
    bloom_capacity: int = Field(1_000_000, ge=1000)  # URLs one crawl may see before false positives rise
    bloom_error_rate: float = Field(0.001, gt=0, lt=0.5)  # chance a new URL is taken for one already seen
    idle_timeout: float = Field(60.0, gt=0)  # seconds a worker waits once the frontier is drained
    domain_interval: float = Field(0.0, ge=0)  # seconds between two requests to one host, across workers
    alive_ttl: float = Field(15.0, ge=1)  # a worker silent this long is dead: its requests are requeued


class BrowserSettings(_Section):
    """The real browser that gets through JavaScript challenges (``render`` per source); see
    docs/operations.md#the-browser. Debian's Chromium is driven by path: nothing is ever downloaded."""

    enabled: bool = True  # false: challenged sources are recorded blocked ("needs a browser"), never rendered
    executable: Path = Path("/usr/bin/chromium")
    pages: int = Field(2, ge=1, le=16)  # pages rendering at once, over all domains (the page pool)
    timeout: float = Field(20.0, gt=0)  # seconds for one page: loading plus its challenge clearing
    launch_timeout: float = Field(30.0, gt=0)  # seconds for Chromium to start
    settle: float = Field(2.0, ge=0)  # ``render: always``: seconds at most to wait for scripts to go quiet
    hand_back: bool = True  # false: a domain that needed the browser is fetched through it from then on
    user_agent: str | None = None  # default: Chromium's own; handed back to plain requests with the cookies


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="HITMON_", env_nested_delimiter="__", extra="forbid", validate_default=True
    )

    db: str = "sqlite:///hitmon.db"  # SQLAlchemy URL; HITMON_DB or --db
    timezone: str = "Asia/Shanghai"  # where weeks and dates are read and shown
    sources_file: Path | None = None  # what ``hitmon sources load`` reads when no file is named
    output_dir: Path = Path("output")
    crawl: CrawlSettings = CrawlSettings()
    relevance: RelevanceSettings = RelevanceSettings()
    bulletin: BulletinSettings = BulletinSettings()
    schedule: ScheduleSettings = ScheduleSettings()
    alerts: AlertSettings = AlertSettings()
    web: WebSettings = WebSettings()
    distributed: DistributedSettings = DistributedSettings()
    browser: BrowserSettings = BrowserSettings()

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        toml = TomlConfigSettingsSource(settings_cls)  # the file named by the subclass load_settings makes
        return init_settings, env_settings, toml


def load_settings(config_file: Path | None = None, **overrides: Any) -> Settings:
    """Build the settings from a TOML file (``hitmon.toml`` if present), the environment and flags.

    ``overrides`` are the command-line flags; ``None`` values mean "not given".
    Raises InputError naming the file, line and field of the first bad value.
    """
    path = config_file or (DEFAULT_CONFIG_FILE if DEFAULT_CONFIG_FILE.exists() else None)
    if config_file is not None and not config_file.is_file():
        raise InputError(config_file, "no such config file")
    text = _read_toml(path) if path else ""
    file_bound = type(
        "FileSettings", (Settings,), {"model_config": {**Settings.model_config, "toml_file": path}}
    )
    flags = {key: value for key, value in overrides.items() if value is not None}
    try:
        return Settings.model_validate(file_bound(**flags).model_dump())
    except ValidationError as exc:
        raise _input_error(exc, path, text) from None


def _read_toml(path: Path) -> str:
    text = path.read_text(encoding="utf-8")
    try:
        tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        line = getattr(exc, "lineno", None) or _line_from_message(str(exc))
        raise InputError(path, f"not valid TOML: {exc}", line=line) from None
    return text


def _line_from_message(message: str) -> int | None:
    found = re.search(r"line (\d+)", message)
    return int(found.group(1)) if found else None


def _input_error(exc: ValidationError, path: Path | None, text: str) -> InputError:
    error = exc.errors()[0]
    field = ".".join(str(part) for part in error["loc"])
    env_name = "HITMON_" + "__".join(str(part) for part in error["loc"]).upper()
    if env_name in os.environ:
        return InputError(f"environment {env_name}", error["msg"], field=field)
    line = _toml_line(text, [str(part) for part in error["loc"]])
    return InputError(path or "command line", error["msg"], line=line, field=field)


def _toml_line(text: str, loc: list[str]) -> int | None:
    """The line of ``loc`` (e.g. ["crawl", "concurrency"]) in TOML text, by section and key."""
    *sections, key = loc or [""]
    wanted = ".".join(sections)
    current = ""
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        header = re.fullmatch(r"\[([^\[\]]+)\]", line)
        if header:
            current = header.group(1).strip()
            if current == ".".join(loc):
                return number
            continue
        name = line.split("=", 1)[0].strip().strip('"')
        if "=" in line and current == wanted and name == key:
            return number
        if "=" in line and not current and name == ".".join(loc):
            return number
    return None
