"""Reading a bulletin in its Markdown form, ours or the published reference, into comparable parts.

The reference (../shared/reference/weekly-296.txt) is evaluation material: it is read at test time from
beside the checkout and never copied into the project. Its text conversion split some paragraphs at page
breaks and put spaces between Chinese and Latin text; `squash` folds both away for comparison.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

REFERENCE = Path(
    os.environ.get(
        "HITMON_REFERENCE", Path(__file__).resolve().parents[3] / "shared/reference/weekly-296.txt"
    )
)
ITEM_HEAD = re.compile(r"^(?:\*\*)?(\d+)\. 标题：(.*?)(?:\*\*)?$")
TOC_ENTRY = re.compile(r"^\d+\. (.+)（(.+)）$")
MEDIA_LINE = re.compile(r"^媒体：(.+) (\d{4})-(\d{1,2})-(\d{1,2})$")
LINK_LINE = re.compile(r"^链接：<(.+)>$")


def squash(text: str) -> str:
    """Text without white space or Markdown escapes: what a reader sees, give or take page breaks."""
    return re.sub(r"\s+", "", text.replace("\\", ""))


@dataclass
class Item:
    title: str = ""
    media: str = ""
    published: date | None = None
    link: str = ""
    paragraphs: list[str] = field(default_factory=list)

    @property
    def body(self) -> str:
        return squash("".join(self.paragraphs))


@dataclass
class Bulletin:
    lines: list[str]  # the non-empty lines before the contents (title, issue, organisation, date, intro)
    toc: list[tuple[str, str]]
    items: list[Item]


def parse_bulletin(text: str) -> Bulletin:
    lines = [line.strip() for line in text.splitlines() if line.strip() and line.strip() != "---"]
    toc_at = lines.index("### 一、信息目录")
    content_at = lines.index("### 二、具体内容")
    toc = [
        (squash(m.group(1)), squash(m.group(2)))
        for m in map(TOC_ENTRY.match, lines[toc_at + 1 : content_at])
        if m
    ]
    return Bulletin(lines=lines[:toc_at], toc=toc, items=_items(lines[content_at + 1 :]))


def _items(lines: list[str]) -> list[Item]:
    items: list[Item] = []
    in_body = False
    for line in lines:
        head = ITEM_HEAD.match(line)
        if head:
            items.append(Item(title=squash(head.group(2))))
            in_body = False
        elif not items:
            continue
        elif media := MEDIA_LINE.match(line):
            items[-1].media = squash(media.group(1))
            items[-1].published = date(int(media.group(2)), int(media.group(3)), int(media.group(4)))
        elif link := LINK_LINE.match(line):
            items[-1].link = link.group(1)
        elif line == "主要内容：":
            in_body = True
        elif in_body:
            items[-1].paragraphs.append(line.lstrip("#").strip())
        else:  # a title the page break split ("## 远及近")
            items[-1].title += squash(line.lstrip("#"))
    return items
