"""The bulletin's lines, built from the settings and the items the same way for every format.

Crawled strings are untrusted: characters XML cannot hold are removed here (python-docx refuses them and
browsers show them as boxes); escaping for a format is the renderer's job.
"""

from __future__ import annotations

import re
from string import Formatter

from pipeline.config import BulletinSettings
from pipeline.desk.export.model import Bulletin, BulletinItem
from pipeline.desk.export.numerals import chinese_date, dash_date
from pipeline.errors import InputError

# Characters outside XML 1.0 (C0 controls except tab/newline/CR, lone surrogates, U+FFFE/U+FFFF).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_SPACES = re.compile(r"\s+")
_INTRO_FIELDS = frozenset({"count", "start", "end", "scope"})


def clean(text: str) -> str:
    return _NOT_XML.sub("", text)


def one_line(text: str) -> str:
    """A title or media name on one line, whatever line breaks the page had."""
    return _SPACES.sub(" ", clean(text)).strip()


def paragraphs(body: str) -> list[str]:
    """The body's non-empty lines, stripped: one paragraph each."""
    lines = (line.strip() for line in clean(body).splitlines())
    return [line for line in lines if line]


def intro(bulletin: Bulletin, texts: BulletinSettings) -> str:
    """The 本期导语 sentence from the ``intro`` template."""
    _check_intro_template(texts.intro)
    return texts.intro.format(
        count=len(bulletin.items),
        start=chinese_date(bulletin.period_start),
        end=chinese_date(bulletin.period_end),
        scope=texts.scope,
    )


def toc_entry(item: BulletinItem) -> str:
    """``标题（媒体）``; just the title when the media is unknown."""
    title, media = one_line(item.title), one_line(item.media)
    return f"{title}（{media}）" if media else title


def media_value(item: BulletinItem) -> str:
    """What follows the 媒体 label: ``社会保障卡 2018-4-23``."""
    return " ".join(part for part in (one_line(item.media), dash_date(item.published)) if part)


def _check_intro_template(template: str) -> None:
    # The template is the user's setting: a typo there is an input error, not a KeyError traceback.
    try:
        names = {name for _, name, _, _ in Formatter().parse(template) if name is not None}
    except ValueError as exc:
        raise InputError("settings", f"bad template: {exc}", field="bulletin.intro") from None
    unknown = sorted("{" + name + "}" for name in names - _INTRO_FIELDS)
    if unknown:
        allowed = " ".join("{" + name + "}" for name in sorted(_INTRO_FIELDS))
        message = f"unknown placeholder {unknown[0]}; use {allowed}"
        raise InputError("settings", message, field="bulletin.intro")
