"""Errors that name what is wrong and where, and drop reasons that read well in crawl stats."""

from __future__ import annotations


class HitmonError(Exception):
    """An error for the user: printed as one line, no traceback."""

    exit_code = 1


class InputError(HitmonError):
    """A file the user wrote is wrong: names the file, line and field. Exit status 2."""

    exit_code = 2

    def __init__(self, path: object, message: str, *, line: int | None = None, field: str | None = None):
        self.path, self.line, self.field, self.message = str(path), line, field, message
        where = self.path + (f":{line}" if line else "")
        what = f"{field}: " if field else ""
        super().__init__(f"{where}: {what}{message}")


class DropArticle(Exception):
    """Base of the reasons a fetched page does not become an article."""

    @property
    def reason(self) -> str:
        return type(self).__name__


class NotAnArticle(DropArticle):
    """The page has no article body (a listing, an empty or binary page)."""


class ChallengePage(DropArticle):
    """An anti-bot JavaScript challenge, captcha or WeChat verification page."""


class DeletedArticle(DropArticle):
    """The publisher deleted the article (该内容已被发布者删除)."""


class TooOld(DropArticle):
    """Published before the source's ``max_age_days``."""


class UndecodablePage(DropArticle):
    """The page's bytes cannot be read as text safely (it declares UTF-7)."""


class PageTooComplex(DropArticle):
    """Too many elements, or extraction took too long (crawl.max_page_elements, max_extract_seconds)."""
