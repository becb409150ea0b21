"""The sample site's articles: typed and checked from articles.yaml, with their URLs on the site."""

from __future__ import annotations

import functools
import re
from datetime import datetime
from pathlib import Path
from typing import Literal
from zoneinfo import ZoneInfo

import yaml
from pydantic import BaseModel, ConfigDict, ValidationError, field_validator, model_validator

from hitmon.samplesite.sites import GOV_COLUMN, HIT_ROOT, WECHAT_ACCOUNTS, WECHAT_ROOT
from pipeline.errors import InputError

ARTICLES_FILE = Path(__file__).with_name("articles.yaml")
SHANGHAI = ZoneInfo("Asia/Shanghai")
WECHAT_ARTICLE_BASE = "https://mp.weixin.qq.com/s/"

_ID_SHAPES = {
    "gov": re.compile(r"t(\d{8})_\d+"),  # TRS: t + publish date + document number
    "hit": re.compile(r"\d+()"),
    "wechat": re.compile(r"[A-Za-z0-9_-]{22}()"),
}


class SampleArticle(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    site: Literal["gov", "wechat", "hit"]
    id: str
    title: str
    published: datetime  # aware, Asia/Shanghai
    media: str  # the 来源 or the WeChat account shown on the page
    author: str | None
    health_it: bool
    reprint_of: str | None
    paragraphs: tuple[str, ...]
    encoding: Literal["utf-8", "gbk"] = "utf-8"
    editor: str | None = None  # 责任编辑, shown on government pages

    @field_validator("published", mode="before")
    @classmethod
    def _local_time(cls, value: object) -> object:
        if isinstance(value, str):
            return datetime.strptime(value, "%Y-%m-%d %H:%M").replace(tzinfo=SHANGHAI)
        return value

    @model_validator(mode="after")
    def _id_fits_site(self) -> SampleArticle:
        shape = _ID_SHAPES[self.site].fullmatch(self.id)
        if not shape:
            raise ValueError(f"id {self.id!r} does not have the shape of a {self.site} URL")
        if shape.group(1) and shape.group(1) != self.published.strftime("%Y%m%d"):
            raise ValueError(f"id {self.id!r} does not carry the publish date")
        if self.encoding != "utf-8" and self.site != "gov":
            raise ValueError("only government pages are served in GBK")
        return self

    @property
    def path(self) -> str:
        """The article's URL path on the sample site."""
        if self.site == "gov":
            return f"{GOV_COLUMN}{self.published:%Y%m}/{self.id}.shtml"
        if self.site == "wechat":
            return f"{WECHAT_ROOT}s/{self.id}.html"
        return f"{HIT_ROOT}{self.id}.html"

    def url(self, base_url: str) -> str:
        return base_url.rstrip("/") + self.path

    def canonical_url(self, base_url: str) -> str:
        """The link the bulletin should print: WeChat pages declare mp.weixin.qq.com, others themselves."""
        if self.site == "wechat":
            return WECHAT_ARTICLE_BASE + self.id
        return self.url(base_url)

    @property
    def timestamp(self) -> int:
        """Unix seconds of the publish time (WeChat's ``var ct``)."""
        return int(self.published.timestamp())

    @property
    def iso_week(self) -> str:
        year, week, _ = self.published.isocalendar()
        return f"{year}-W{week:02d}"

    @property
    def text(self) -> str:
        return "\n".join(self.paragraphs)


def load_sample_articles(path: Path = ARTICLES_FILE) -> list[SampleArticle]:
    """The articles of ``path`` (the bundled articles.yaml by default), in file order.

    Raises InputError naming the entry and field of the first problem.
    """
    path = path.resolve()
    return list(_bundled_articles() if path == ARTICLES_FILE.resolve() else _load(path))


@functools.cache
def _bundled_articles() -> tuple[SampleArticle, ...]:
    return _load(ARTICLES_FILE.resolve())  # package data: parsed once per process


def _load(path: Path) -> tuple[SampleArticle, ...]:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        line = exc.problem_mark.line + 1 if getattr(exc, "problem_mark", None) else None
        raise InputError(path, f"not valid YAML: {exc}", line=line) from None
    entries = data.get("articles") if isinstance(data, dict) else None
    if not isinstance(entries, list):
        raise InputError(path, "expected a mapping with an 'articles' list")
    articles = tuple(_parse(path, index, entry) for index, entry in enumerate(entries))
    _check_links(path, articles)
    return articles


def _parse(path: Path, index: int, entry: object) -> SampleArticle:
    try:
        return SampleArticle.model_validate(entry)
    except ValidationError as exc:
        error = exc.errors()[0]
        field = ".".join(str(part) for part in (f"articles[{index}]", *error["loc"]))
        raise InputError(path, error["msg"], field=field) from None


def _check_links(path: Path, articles: tuple[SampleArticle, ...]) -> None:
    """Ids are unique, reprints point at an earlier article, WeChat media are the served accounts."""
    by_id: dict[str, SampleArticle] = {}
    accounts = {account.name for account in WECHAT_ACCOUNTS}
    for index, article in enumerate(articles):
        where = f"articles[{index}]"
        if article.id in by_id:
            raise InputError(path, f"duplicate id {article.id!r}", field=f"{where}.id")
        by_id[article.id] = article
        if article.site == "wechat" and article.media not in accounts:
            raise InputError(path, f"no WeChat account named {article.media!r}", field=f"{where}.media")
    for index, article in enumerate(articles):
        original = by_id.get(article.reprint_of) if article.reprint_of else None
        if article.reprint_of and (original is None or original.published >= article.published):
            message = f"reprint_of {article.reprint_of!r} is not an earlier article"
            raise InputError(path, message, field=f"articles[{index}].reprint_of")
