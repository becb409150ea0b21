"""The weekly bulletin (全国卫生信息化舆情监测周报) written as Word, Markdown or HTML."""

from __future__ import annotations

from pipeline.config import BulletinSettings
from pipeline.desk.export.docx import build_document, docx_bytes, write_docx
from pipeline.desk.export.html import render_html
from pipeline.desk.export.markdown import render_markdown
from pipeline.desk.export.model import Bulletin, BulletinItem
from pipeline.desk.export.numerals import chinese_date, dash_date, issue_label

FORMATS = ("docx", "md", "html")


def render(bulletin: Bulletin, texts: BulletinSettings, fmt: str) -> bytes:
    """The issue in ``fmt`` (one of FORMATS) as the bytes of a file; text formats are UTF-8."""
    if fmt == "docx":
        return docx_bytes(bulletin, texts)
    if fmt == "md":
        return render_markdown(bulletin, texts).encode("utf-8")
    if fmt == "html":
        return render_html(bulletin, texts).encode("utf-8")
    raise ValueError(f"unknown bulletin format {fmt!r}; choose one of {', '.join(FORMATS)}")


__all__ = [
    "FORMATS",
    "Bulletin",
    "BulletinItem",
    "build_document",
    "chinese_date",
    "dash_date",
    "docx_bytes",
    "issue_label",
    "render",
    "render_html",
    "render_markdown",
    "write_docx",
]
