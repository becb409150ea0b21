"""The bulletin as Markdown, in the shape of the published issue's text conversion."""

from __future__ import annotations

import re

from pipeline.config import BulletinSettings
from pipeline.desk.export import phrases
from pipeline.desk.export.links import is_web_link
from pipeline.desk.export.model import Bulletin, BulletinItem
from pipeline.desk.export.numerals import chinese_date, issue_label

# Characters that start emphasis, code, links, HTML, headings, tables, strikethrough or entities anywhere.
_INLINE_MARKUP = re.compile(r"([\\`*_\[\]<>#|~&])")
# Line starts that make a list, a setext underline or a thematic break.
_BLOCK_START = re.compile(r"^([-+=])|^(\d+)([.)])")


def escape(text: str) -> str:
    """Crawled text that renders as itself, not as Markdown."""
    escaped = _INLINE_MARKUP.sub(r"\\\1", text)
    return _BLOCK_START.sub(_escape_block_start, escaped, count=1)


def render_markdown(bulletin: Bulletin, texts: BulletinSettings) -> str:
    blocks = [
        f"# {escape(texts.title)}",
        f"## {issue_label(bulletin.number)}",
        escape(texts.organisation),
        chinese_date(bulletin.issued),
        "---",
        f"### {escape(texts.intro_heading)}",
        escape(phrases.intro(bulletin, texts)),
        f"### {escape(texts.toc_heading)}",
    ]
    if bulletin.items:
        entries = enumerate(map(phrases.toc_entry, bulletin.items), 1)
        blocks.append("\n".join(f"{number}. {escape(entry)}" for number, entry in entries))
    blocks.append(f"### {escape(texts.content_heading)}")
    for number, item in enumerate(bulletin.items, 1):
        blocks.extend(_item_blocks(number, item, texts))
    return "\n\n".join(blocks) + "\n"


def _item_blocks(number: int, item: BulletinItem, texts: BulletinSettings) -> list[str]:
    return [
        f"{number}. {escape(texts.label_title)}{escape(phrases.one_line(item.title))}",
        f"{escape(texts.label_media)}{escape(phrases.media_value(item))}",
        f"{escape(texts.label_link)}{_link(item.link)}",
        escape(texts.label_body),
        *(escape(paragraph) for paragraph in phrases.paragraphs(item.body)),
    ]


def _link(url: str) -> str:
    url = phrases.one_line(url)
    return f"<{url}>" if is_web_link(url) else escape(url)


def _escape_block_start(found: re.Match[str]) -> str:
    if found.group(1):
        return "\\" + found.group(1)
    return found.group(2) + "\\" + found.group(3)
