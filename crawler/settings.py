"""Scrapy settings derived from the one hitmon Settings object."""

from __future__ import annotations

from typing import Any

from scrapy.settings import default_settings

from pipeline.config import Settings

# Scrapy's list without refused connections and unknown hosts: a host that is down or gone is not back a
# second later, and each retry waits its backoff and the host's throttle delay. 2,000 feed entries linking
# to a dead host took minutes to fall back to their feed content.
RETRY_EXCEPTIONS = [
    exception
    for exception in default_settings.RETRY_EXCEPTIONS
    if exception
    not in ("scrapy.exceptions.CannotResolveHostError", "scrapy.exceptions.DownloadConnectionRefusedError")
]


def scrapy_settings(settings: Settings) -> dict[str, Any]:
    crawl = settings.crawl
    return {
        "HITMON_SETTINGS": settings,
        "BOT_NAME": "hitmon",
        "USER_AGENT": crawl.user_agent,
        # Always on: each request says whether its source obeys robots.txt (meta dont_obey_robotstxt),
        # so a source can override crawl.obey_robots either way.
        "ROBOTSTXT_OBEY": True,
        "CONCURRENT_REQUESTS": crawl.concurrency,
        "CONCURRENT_REQUESTS_PER_DOMAIN": crawl.concurrency_per_domain,
        "DOWNLOAD_DELAY": crawl.download_delay,
        "AUTOTHROTTLE_ENABLED": crawl.autothrottle,
        "AUTOTHROTTLE_START_DELAY": max(crawl.download_delay, 0.1),
        "AUTOTHROTTLE_TARGET_CONCURRENCY": float(crawl.concurrency_per_domain),
        "DOWNLOAD_TIMEOUT": crawl.timeout,
        "RETRY_TIMES": crawl.retries,
        "RETRY_EXCEPTIONS": RETRY_EXCEPTIONS,
        "HITMON_RETRY_BACKOFF": crawl.retry_backoff,
        # Only http(s) is ever fetched (pipeline.urls): no handler for file:, data:, ftp: or s3: at all,
        # and the policy applied to every request and redirect before anything else.
        "DOWNLOAD_HANDLERS": {"file": None, "data": None, "ftp": None, "s3": None},
        "DOWNLOADER_MIDDLEWARES": {
            "crawler.middlewares.UrlPolicyMiddleware": 50,
            "crawler.middlewares.RedirectPolicyMiddleware": 650,  # RedirectMiddleware is 600
            "scrapy.downloadermiddlewares.robotstxt.RobotsTxtMiddleware": None,
            "crawler.middlewares.SharedRobotsTxtMiddleware": 100,
            "crawler.middlewares.RetryBackoffMiddleware": 560,
            # Below HttpCompression (590): sees challenges decompressed; after the politeness waits.
            "crawler.render.middleware.BrowserMiddleware": 585,
        },
        "DUPEFILTER_CLASS": "crawler.middlewares.LoopRecordingDupeFilter",
        "DOWNLOAD_MAXSIZE": int(crawl.max_response_mb * 1024 * 1024),
        "DOWNLOAD_WARNSIZE": 0,
        "ITEM_PIPELINES": {"crawler.pipelines.StorePipeline": 300},
        "TELNETCONSOLE_ENABLED": False,
        "EXTENSIONS": {"crawler.progress.LiveProgress": 500},
        "LOG_LEVEL": "WARNING",
        "LOG_INSTALL_ROOT_HANDLER": False,
        "COOKIES_ENABLED": False,
    }
