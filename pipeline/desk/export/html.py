"""The bulletin as one printable HTML page: inline CSS, no external assets, every crawled string escaped."""

from __future__ import annotations

from jinja2 import Environment, PackageLoader, StrictUndefined

from pipeline.config import BulletinSettings
from pipeline.desk.export import phrases
from pipeline.desk.export.links import is_web_link
from pipeline.desk.export.model import Bulletin, BulletinItem
from pipeline.desk.export.numerals import chinese_date, issue_label

TEMPLATE = "bulletin.html.j2"


def render_html(bulletin: Bulletin, texts: BulletinSettings) -> str:
    template = _environment().get_template(TEMPLATE)
    return template.render(
        texts=texts,
        issue=issue_label(bulletin.number),
        issued=chinese_date(bulletin.issued),
        intro=phrases.intro(bulletin, texts),
        items=[_item_view(item) for item in bulletin.items],
    )


def _environment() -> Environment:
    # Built per call: cheap next to rendering, and no module-level state to share between threads.
    return Environment(
        loader=PackageLoader("pipeline.desk.export", "templates"),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


def _item_view(item: BulletinItem) -> dict[str, object]:
    link = phrases.one_line(item.link)
    return {
        "title": phrases.one_line(item.title),
        "toc_entry": phrases.toc_entry(item),
        "media": phrases.media_value(item),
        "link": link,
        "href": link if is_web_link(link) else None,
        "paragraphs": phrases.paragraphs(item.body),
    }
