"""Scrapy settings derived from the one hitmon Settings object."""

from __future__ import annotations

from typing import Any

from pipeline.config import Settings


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
        "HITMON_RETRY_BACKOFF": crawl.retry_backoff,
        "DOWNLOADER_MIDDLEWARES": {
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
