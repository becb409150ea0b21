"""The Scrapy settings made from Settings: what is never fetched, and what is retried."""

from __future__ import annotations

from crawler.settings import scrapy_settings
from pipeline.config import Settings


def test_only_http_handlers_exist() -> None:
    handlers = scrapy_settings(Settings())["DOWNLOAD_HANDLERS"]
    assert all(handlers[scheme] is None for scheme in ("file", "data", "ftp", "s3"))


def test_refused_connections_and_unknown_hosts_are_not_retried() -> None:
    retried = scrapy_settings(Settings())["RETRY_EXCEPTIONS"]
    assert "scrapy.exceptions.DownloadConnectionRefusedError" not in retried
    assert "scrapy.exceptions.CannotResolveHostError" not in retried
    assert "scrapy.exceptions.DownloadTimeoutError" in retried  # a slow site may answer next time
