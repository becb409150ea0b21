"""The nightly service: APScheduler jobs (crawl, digest, maintenance), each crawl in a subprocess."""
