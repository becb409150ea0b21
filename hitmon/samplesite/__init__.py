"""hitmon's bundled offline sample site: a 卫生健康委 TRS site, a WeChat RSS mirror and a trade-media site.

The demo (``hitmon demo``) and the tests crawl it on 127.0.0.1; ``python -m hitmon.samplesite`` serves it.
"""

from hitmon.samplesite.articles import SampleArticle, load_sample_articles
from hitmon.samplesite.page import Page
from hitmon.samplesite.render import render_site, serve_sample_site
from hitmon.samplesite.server import RequestLog, RequestRecord, RunningServer, serve_pages, serve_rendered
from hitmon.samplesite.sites import sources_yaml

__all__ = [
    "Page",
    "RequestLog",
    "RequestRecord",
    "RunningServer",
    "SampleArticle",
    "load_sample_articles",
    "render_site",
    "serve_pages",
    "serve_rendered",
    "serve_sample_site",
    "sources_yaml",
]
