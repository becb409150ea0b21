"""The bulletin as a Word document in the form of the published issue, laid out as a 公文."""

from __future__ import annotations

import io
from pathlib import Path

import docx
from docx.document import Document
from docx.text.paragraph import Paragraph
from docx.text.run import Run

from pipeline.config import BulletinSettings
from pipeline.desk.export import phrases
from pipeline.desk.export.docx_styles import FONT_OF, LATIN_FONT, MASTHEAD, set_up_page, set_up_styles
from pipeline.desk.export.docx_xml import add_bottom_border, add_field, add_hyperlink, set_fonts
from pipeline.desk.export.links import ascii_target, is_web_link
from pipeline.desk.export.model import Bulletin, BulletinItem
from pipeline.desk.export.numerals import chinese_date, issue_label

MASTHEAD_RULE = ("C00000", 12)  # the red line under the date: colour, width in eighths of a point


def build_document(bulletin: Bulletin, texts: BulletinSettings) -> Document:
    document = docx.Document()
    set_up_page(document.sections[0])
    set_up_styles(document)
    _set_properties(document, bulletin, texts)
    _add_masthead(document, bulletin, texts)
    _add(document, "Heading 1", texts.intro_heading)
    _add(document, "Normal", phrases.intro(bulletin, texts))
    _add(document, "Heading 1", texts.toc_heading)
    for number, item in enumerate(bulletin.items, 1):
        _add(document, "Normal", f"{number}. {phrases.toc_entry(item)}")
    _add(document, "Heading 1", texts.content_heading)
    for number, item in enumerate(bulletin.items, 1):
        _add_item(document, number, item, texts)
    _add_page_number(document)
    return document


def docx_bytes(bulletin: Bulletin, texts: BulletinSettings) -> bytes:
    buffer = io.BytesIO()
    build_document(bulletin, texts).save(buffer)
    return buffer.getvalue()


def write_docx(bulletin: Bulletin, texts: BulletinSettings, path: str | Path) -> Path:
    path = Path(path)
    path.write_bytes(docx_bytes(bulletin, texts))
    return path


def _add_masthead(document: Document, bulletin: Bulletin, texts: BulletinSettings) -> None:
    _add(document, "Title", texts.title)
    _add(document, MASTHEAD, issue_label(bulletin.number))
    _add(document, MASTHEAD, texts.organisation)
    add_bottom_border(_add(document, MASTHEAD, chinese_date(bulletin.issued)), *MASTHEAD_RULE)


def _add_item(document: Document, number: int, item: BulletinItem, texts: BulletinSettings) -> None:
    _add(document, "Heading 2", f"{number}. {texts.label_title}{phrases.one_line(item.title)}")
    _add(document, "Normal", texts.label_media + phrases.media_value(item))
    link = _add(document, "Normal", texts.label_link)
    url = phrases.one_line(item.link)
    if is_web_link(url):
        _set_fonts(add_hyperlink(link, ascii_target(url), url), "Normal")
    else:
        _add_run(link, url, "Normal")
    _add(document, "Normal", texts.label_body)
    for paragraph in phrases.paragraphs(item.body):
        _add(document, "Normal", paragraph)


def _add(document: Document, style: str, text: str) -> Paragraph:
    paragraph = document.add_paragraph(style=style)
    _add_run(paragraph, phrases.clean(text), style)
    return paragraph


def _add_run(paragraph: Paragraph, text: str, style: str) -> None:
    # The style names the fonts too; runs repeat them so text pasted into another document keeps them.
    if text:
        _set_fonts(paragraph.add_run(text), style)


def _set_fonts(run: Run, style: str) -> None:
    set_fonts(run._r.get_or_add_rPr(), FONT_OF[style], LATIN_FONT)


def _add_page_number(document: Document) -> None:
    """``— 1 —`` centred in the footer, the page number a PAGE field."""
    footer = document.sections[0].footer
    footer.is_linked_to_previous = False
    paragraph = footer.paragraphs[0]
    paragraph.style = document.styles["Footer"]
    runs = [paragraph.add_run("— "), *add_field(paragraph, "PAGE", "1"), paragraph.add_run(" —")]
    for run in runs:
        _set_fonts(run, "Footer")


def _set_properties(document: Document, bulletin: Bulletin, texts: BulletinSettings) -> None:
    properties = document.core_properties
    properties.title = texts.title + issue_label(bulletin.number)
    properties.author = properties.last_modified_by = texts.organisation
    properties.language = "zh-CN"
    properties.subject = f"{chinese_date(bulletin.period_start)}—{chinese_date(bulletin.period_end)}"
