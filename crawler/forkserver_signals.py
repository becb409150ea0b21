"""Imported by the extraction pool's forkserver only (``crawler.workers.WORKER_PRELOAD``), never elsewhere.

The forkserver ignores SIGINT already; this makes it ignore SIGTERM too, as the workers do. A
process-group SIGTERM (systemd stop, the scheduler's crawl timeout) would otherwise end it, and with it
the pipes that report its workers' exits: the pool would then take its live workers for dead, break,
and process its pages again in a new one while the crawl drains. The forkserver still ends with the
crawl process: it exits when its pipe from the crawl closes, even after kill -9.
"""

import signal

signal.signal(signal.SIGTERM, signal.SIG_IGN)
