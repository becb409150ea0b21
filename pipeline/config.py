"""The one typed configuration object, loaded at the entry points and passed down.

Precedence, lowest first: defaults < ``hitmon.toml`` < ``HITMON_*`` environment < command-line flags.
Nested settings take ``HITMON_SECTION__KEY`` in the environment (``HITMON_CRAWL__CONCURRENCY=4``).
"""

from __future__ import annotations

import json
import os
import re
import tomllib
from pathlib import Path
from typing import Any, Literal, get_origin

from pydantic import BaseModel, ConfigDict, Field, IPvAnyNetwork, SecretStr, ValidationError, model_validator
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)
from pydantic_settings.exceptions import SettingsError

from pipeline.errors import InputError
from pipeline.setting_types import MAX_SECONDS, DatabaseUrl, Seconds, TextFile, TimeZoneName

DEFAULT_CONFIG_FILE = Path("hitmon.toml")
MAX_CONFIG_BYTES = 1 << 20  # a config file is a few KB; more is a mistake (a log, a binary)
MAX_CONFIG_NESTING = 16  # tables and arrays within each other; hitmon's own settings go 3 deep


class _Section(BaseModel):
    # inf and nan are refused everywhere: `max_response_mb = inf` once overflowed at crawl time
    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)


class CrawlSettings(_Section):
    user_agent: str = "hitmon/0.1 (+health-IT media monitoring)"
    obey_robots: bool = True  # a source may override with ``obey_robots: false``
    concurrency: int = Field(16, ge=1, le=256)
    concurrency_per_domain: int = Field(4, ge=1, le=64)
    download_delay: float = Seconds(0.0)  # seconds between requests to one domain
    autothrottle: bool = True
    timeout: float = Seconds(30.0, positive=True)  # seconds per request
    retries: int = Field(2, ge=0, le=10)
    retry_backoff: float = Seconds(1.0)  # seconds before the first retry, doubling for each next one
    max_response_mb: float = Field(10.0, gt=0, le=4096)  # larger responses are dropped and recorded
    max_pages: int = Field(5, ge=1, le=1000)  # listing pagination depth unless a source sets its own
    max_links_per_page: int = Field(1000, ge=1, le=100_000)  # article links taken from one listing page
    max_feed_entries: int = Field(1000, ge=1, le=100_000)  # entries taken from one feed or sitemap
    extract_workers: int = Field(0, ge=0, le=256)  # processes for extraction; 0 = one per core
    store_batch: int = Field(50, ge=1, le=100_000)  # articles committed together
    # Hostile input (docs/configuration.md#crawl): what one source, page or feed may cost the crawl.
    max_pending_per_source: int = Field(
        8, ge=1, le=10_000
    )  # article requests of one source queued or in flight
    link_pattern_seconds: float = Field(1.0, gt=0, le=60)  # time a source's link_pattern may take on one page
    max_page_elements: int = Field(
        100_000, ge=100, le=10_000_000
    )  # pages with more elements are not extracted
    max_extract_seconds: float = Field(20.0, gt=0, le=600)  # time extraction may take on one page


class RelevanceSettings(_Section):
    threshold: float = Field(2.5, ge=0, le=1e6)  # score at or above which an article is flagged (recall)
    title_weight: float = Field(3.0, ge=0, le=1e6)  # a match in the title counts this many times a body match
    editor_weight: float = Field(6.0, ge=0, le=1e6)  # the editor model moves a candidate by up to half this
    editor_decision_weight: float = Field(5.0, gt=0, le=1000)  # labelled items one editor decision counts as
    editor_model_file: Path = Path("hitmon-editor-model.npz")  # the model fitted with the decisions, kept
    editor_min_decisions: int = Field(20, ge=2)  # accepted + rejected reviews before the editor model is used
    lexicon: TextFile | None = None  # extra lexicon (term<TAB>weight<TAB>category), added to the built-in
    rules: TextFile | None = None  # the editor's rules file
    learned: bool = True  # stage 2: the learned probability, what the week is ranked by
    # the probability (at the model's cross-validated threshold) decides what is flagged; off: the score does
    learned_flags: bool = True
    model: Path | None = None  # a model file from `hitmon relevance train`; unset: the one shipped in hitmon


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
    session_max_age: int = Field(8 * 3600, ge=60, le=int(MAX_SECONDS))  # seconds a sign-in lasts
    secure_cookies: bool = False  # send the session cookie over HTTPS only (set behind a TLS proxy)
    login_attempts_per_user: int = Field(5, ge=1)  # failed sign-ins per username within the window
    login_attempts_per_address: int = Field(20, ge=1)  # failed sign-ins per client address within the window
    login_window_seconds: int = Field(900, ge=1, le=int(MAX_SECONDS))
    # Addresses or networks of reverse proxies whose X-Forwarded-For names the client; [] = trust none
    # (a header from anyone else is ignored, so it cannot reset the sign-in throttle).
    trusted_proxies: list[IPvAnyNetwork] = []
    # Pasted links and admin-added sources may point at loopback, link-local or private addresses
    # (off: the server would fetch its own network for whoever signs in; on in tests and demos).
    allow_private_targets: bool = False
    week_page_size: int = Field(50, ge=5, le=1000)  # candidates per page of the week list
    # argon2id parameters of new password hashes (existing ones are rehashed at their next sign-in)
    password_time_cost: int = Field(3, ge=1, le=20)
    password_memory_kib: int = Field(65536, ge=64, le=4 * 1024 * 1024)
    password_parallelism: int = Field(4, ge=1, le=16)


class ScheduleSettings(_Section):
    """The nightly service (``hitmon schedule``): crontab lines in ``timezone``; "" disables a job."""

    timezone: TimeZoneName | None = None  # default: the top-level timezone
    crawl: str = "0 2 * * *"  # the nightly crawl
    digest: str = "0 8 * * fri"  # the week's top candidates, as an alert (weekday names, not numbers)
    maintenance: str = "30 4 * * sun"  # SQLite VACUUM + ANALYZE; PostgreSQL ANALYZE
    misfire_grace: float = Seconds(12 * 3600)  # seconds late a missed run still runs (machine was off)
    crawl_command: list[str] = []  # default: this Python's ``-m crawler``; flags are appended
    # seconds before a crawl is stopped and recorded as failed
    crawl_timeout: float = Seconds(4 * 3600, positive=True)
    kill_grace: float = Seconds(30)  # seconds between SIGTERM and SIGKILL when stopping a crawl
    # Seconds without heartbeat before an SQLite lock is taken over; a third of it (30 s at most) between
    # checks of the PostgreSQL lock's connection.
    stale_lock: float = Seconds(900, positive=True)
    # a source bringing nothing newer is marked stale
    expect_new_within_days: int | None = Field(7, ge=1, le=3650)
    digest_size: int = Field(10, ge=1, le=1000)  # candidates listed in the digest
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
    timeout: float = Seconds(30, positive=True)


class AlertSettings(_Section):
    channels: list[AlertChannel] = []
    smtp: SmtpSettings = SmtpSettings()
    retries: int = Field(3, ge=0, le=10)  # further attempts after a failed delivery
    backoff: float = Seconds(2.0)  # seconds before the first retry, doubling each time
    timeout: float = Seconds(10, positive=True)  # seconds per webhook request


class DistributedSettings(_Section):
    """Distributed crawling (``hitmon worker``, ``hitmon crawl --distributed``): a Redis frontier shared by
    every worker; see docs/operations.md#distributed-crawling."""

    redis_url: str = "redis://127.0.0.1:6379/0"
    key_prefix: str = "hitmon"  # every key of the frontier starts with this (one prefix per deployment)
    # URLs one crawl may see before false positives rise
    bloom_capacity: int = Field(1_000_000, ge=1000, le=10**10)
    bloom_error_rate: float = Field(0.001, gt=0, lt=0.5)  # chance a new URL is taken for one already seen
    idle_timeout: float = Seconds(60.0, positive=True)  # seconds a worker waits once the frontier is drained
    domain_interval: float = Seconds(0.0)  # seconds between two requests to one host, across workers
    # a worker silent this long is dead: its requests are requeued
    alive_ttl: float = Field(15.0, ge=1, le=MAX_SECONDS)


class RetentionSettings(_Section):
    """What old articles keep (see docs/operations.md#retention)."""

    # Days the raw page of an article is kept after its fetch (for ``hitmon reextract``); older pages are
    # dropped by the weekly maintenance and ``hitmon db vacuum``, the extracted text stays. None: forever.
    raw_html_days: int | None = Field(None, ge=1)


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
        env_prefix="HITMON_",
        env_nested_delimiter="__",
        extra="forbid",
        validate_default=True,
        allow_inf_nan=False,
    )

    db: DatabaseUrl = "sqlite:///hitmon.db"  # SQLAlchemy URL; HITMON_DB or --db
    db_busy_timeout: float = Field(
        30.0, gt=0, le=3600
    )  # seconds a command or web request waits on a busy SQLite file
    timezone: TimeZoneName = "Asia/Shanghai"  # where weeks and dates are read and shown
    sources_file: Path | None = None  # what ``hitmon sources load`` reads when no file is named
    output_dir: Path = Path("output")
    crawl: CrawlSettings = CrawlSettings()
    relevance: RelevanceSettings = RelevanceSettings()
    bulletin: BulletinSettings = BulletinSettings()
    schedule: ScheduleSettings = ScheduleSettings()
    alerts: AlertSettings = AlertSettings()
    web: WebSettings = WebSettings()
    distributed: DistributedSettings = DistributedSettings()
    retention: RetentionSettings = RetentionSettings()
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
    Raises InputError naming the file, line and field (or the variable, or the flag) of the first bad value.
    """
    path = _config_path(config_file)
    text = _read_toml(path) if path else ""
    file_bound = type(
        "FileSettings", (Settings,), {"model_config": {**Settings.model_config, "toml_file": path}}
    )
    flags = {key: value for key, value in overrides.items() if value is not None}
    try:
        return Settings.model_validate(file_bound(**flags).model_dump())
    except ValidationError as exc:
        raise _input_error(exc, path, text, flags) from None
    except SettingsError as exc:  # pydantic-settings could not parse a variable as JSON
        raise _environment_error(exc) from None


def _config_path(config_file: Path | None) -> Path | None:
    if config_file is None:
        if not DEFAULT_CONFIG_FILE.exists():
            return None
        config_file = DEFAULT_CONFIG_FILE
    if not config_file.exists():
        raise InputError(config_file, "no such config file")
    if not config_file.is_file():
        raise InputError(config_file, "the config file is not a regular file (a folder?)")
    return config_file


def _read_toml(path: Path) -> str:
    """The text of a TOML file that parses and is not absurdly large or deep; else an InputError."""
    try:
        if path.stat().st_size > MAX_CONFIG_BYTES:
            raise InputError(path, f"larger than {MAX_CONFIG_BYTES >> 10} KB: not a config file")
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(path, f"cannot read: {exc.strerror}") from None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise InputError(path, f"not UTF-8 text (byte {exc.start})", line=line) from None
    try:
        parsed = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        line = getattr(exc, "lineno", None) or _line_from_message(str(exc))
        raise InputError(path, f"not valid TOML: {exc}", line=line) from None
    except RecursionError:
        raise InputError(path, f"not valid TOML: nested more than {MAX_CONFIG_NESTING} deep") from None
    too_deep = _too_deep(parsed)
    if too_deep is not None:
        line = _toml_line(text, too_deep[:1])
        message = f"nested more than {MAX_CONFIG_NESTING} deep"
        raise InputError(path, message, line=line, field=too_deep[0] if too_deep else None)
    return text


def _too_deep(document: dict[str, Any]) -> list[str] | None:
    """The key path to the first value nested deeper than MAX_CONFIG_NESTING, or None (no recursion)."""
    stack: list[tuple[Any, list[str]]] = [(document, [])]
    while stack:
        value, where = stack.pop()
        if len(where) > MAX_CONFIG_NESTING:
            return where
        if isinstance(value, dict):
            stack.extend((child, [*where, str(key)]) for key, child in value.items())
        elif isinstance(value, list):
            stack.extend((child, [*where, str(index)]) for index, child in enumerate(value))
    return None


def _environment_error(exc: SettingsError) -> InputError:
    """Name the ``HITMON_*`` variable that holds a list or table and is not valid JSON."""
    found = re.search(r'field "([^"]+)"', str(exc))
    for name in sorted(os.environ):
        path = name.upper().removeprefix("HITMON_").lower().split("__")
        if not name.upper().startswith("HITMON_") or not found or path[0] != found.group(1):
            continue
        if _is_list_or_table(path):
            try:
                json.loads(os.environ[name])
            except ValueError as bad:
                return InputError(f"environment {name}", f"not valid JSON ({bad})", field=".".join(path))
    return InputError("environment", str(exc))


def _is_list_or_table(path: list[str]) -> bool:
    """Whether the setting at ``path`` (["alerts", "channels"]) is a list or a table, set as JSON."""
    model: type[BaseModel] = Settings
    for depth, part in enumerate(path, start=1):
        info = model.model_fields.get(part)
        if info is None:
            return False
        annotation = info.annotation
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            model = annotation
            continue
        return depth == len(path) and get_origin(annotation) in (list, dict)
    return True


def _line_from_message(message: str) -> int | None:
    found = re.search(r"line (\d+)", message)
    return int(found.group(1)) if found else None


def _input_error(exc: ValidationError, path: Path | None, text: str, flags: dict[str, Any]) -> InputError:
    error = exc.errors()[0]
    field = ".".join(str(part) for part in error["loc"])
    message = error["msg"].removeprefix("Value error, ")
    if error["loc"] and error["loc"][0] in flags:
        return InputError(f"command line --{error['loc'][0]}", message)
    env_name = "HITMON_" + "__".join(str(part) for part in error["loc"]).upper()
    if env_name in os.environ:
        return InputError(f"environment {env_name}", message, field=field)
    line = _toml_line(text, [str(part) for part in error["loc"]])
    return InputError(path or "settings", message, line=line, field=field)


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
