"""Commands over single pages and texts: extract, score, explain."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any
from zoneinfo import ZoneInfo

import click

from hitmon.cli.app import DAY, ROW_ID, URL, App, pass_app, user_errors
from pipeline.errors import DropArticle, HitmonError, InputError
from pipeline.record import ArticleRecord
from pipeline.weeks import local_midnight_utc

# The stages (trafilatura, jieba, datasketch) and the database load inside the commands that use them: every
# other command, and every extraction worker process that re-imports this CLI, starts without them.


@click.command()
@click.argument(
    "files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path)
)
@click.option(
    "--url", type=URL, help="The URL the page was fetched from (relative links and URL dates use it)."
)
@click.option(
    "--format", "fmt", type=click.Choice(["jsonl", "json", "text"]), default="jsonl", show_default=True
)
@pass_app
@user_errors
def extract(app: App, files: tuple[Path, ...], url: str | None, fmt: str) -> None:
    """Extract title, date, media, author and text from saved article pages.

    A page that is no article (empty, binary, a challenge) gives empty fields and a "reason".

    \b
    Example:
      hitmon extract page.html --url http://www.example.gov.cn/art/2018/4/23/art_1_2.html
    """
    results = [_extracted(path, url, app.settings.timezone) for path in files]
    if fmt == "json":
        click.echo(json.dumps(results, ensure_ascii=False, indent=2))
    elif fmt == "jsonl":
        for result in results:
            click.echo(json.dumps(result, ensure_ascii=False))
    else:
        for result in results:
            click.echo(_as_text(result))


def _extracted(path: Path, url: str | None, timezone: str) -> dict[str, Any]:
    from pipeline.stages.extract import extract_article

    record = ArticleRecord(
        url=url or path.resolve().as_uri(), source="", fetched_at=datetime.now(UTC), html=path.read_bytes()
    )
    result: dict[str, Any] = {"file": str(path), "url": record.url}
    try:
        record = extract_article(record)
    except DropArticle as exc:
        empty = dict.fromkeys(("title", "published_at", "media", "author", "text", "canonical_url"), None)
        return {**result, **empty, "reason": f"{exc.reason}: {exc}"}
    published = (
        record.published_at.astimezone(ZoneInfo(timezone)).isoformat() if record.published_at else None
    )
    return {
        **result,
        "title": record.title,
        "published_at": published,
        "media": record.media,
        "author": record.author,
        "text": record.text,
        "canonical_url": record.canonical_url,
    }


def _as_text(result: dict[str, Any]) -> str:
    head = [
        f"{name}: {result[name] or ''}"
        for name in ("file", "url", "title", "published_at", "media", "author")
    ]
    if result.get("reason"):
        head.append(f"reason: {result['reason']}")
    return "\n".join([*head, "", result["text"] or "", "─" * 40])


@click.command()
@click.argument("file", required=False, type=click.File(encoding="utf-8"))
@pass_app
@user_errors
def score(app: App, file: IO[str] | None) -> None:
    """Relevance of JSONL lines {title, text, media} (stdin if no file), echoed with flagged, score, matched.

    \b
    Example:
      echo '{"title": "互联网医院上线", "text": "电子病历……", "media": "某报"}' | hitmon score
    """
    from pipeline.stages.relevance import load_relevance, score_fields

    model = load_relevance(app.settings.relevance)
    stream = file or sys.stdin
    name = getattr(stream, "name", "stdin")
    for number, line in enumerate(_lines(stream, name), start=1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
            if not isinstance(item, dict):
                raise ValueError("expected a JSON object")
        except ValueError as exc:
            raise InputError(name, f"not a JSON object: {exc}", line=number) from None
        title, text, media = (str(item.get(key) or "") for key in ("title", "text", "media"))
        click.echo(json.dumps({**item, **score_fields(title, text, media, model)}, ensure_ascii=False))


def _lines(stream: IO[str], name: str) -> Iterator[str]:
    """The stream's lines; bytes that are not UTF-8 are an InputError (decoding runs ahead by blocks,
    so the line named is the last one read whole)."""
    read = 0
    try:
        for line in stream:
            read += 1
            yield line
    except UnicodeDecodeError:
        raise InputError(name, f"not UTF-8 text (after line {read})") from None


@click.command()
@click.argument("article_id", type=ROW_ID)
@pass_app
@user_errors
def explain(app: App, article_id: int) -> None:
    """Why an article scored as it did: each term and rule, where, its contribution; the learned probability
    and the labelled or editor-decided items nearest to it.

    \b
    Example:
      hitmon explain 12
    """
    from models.schema import Article
    from pipeline.stages.relevance import explain_verdict, load_relevance

    model = load_relevance(app.settings.relevance)
    with app.session() as session:
        article = session.get(Article, article_id)
        if article is None:
            raise HitmonError(f"no article with id {article_id}")
        record = ArticleRecord(
            url=article.url,
            source="",
            fetched_at=article.fetched_at,
            title=article.title,
            text=article.text,
            media=article.media,
        )
    click.echo(f"{article_id}: {record.title}")
    for line in explain_verdict(record, model):
        click.echo(line)


@click.command()
@click.option("--since", type=DAY, help="Only articles fetched on or after this day.")
@click.option("--source", "source_name", metavar="NAME", help="Only this source's articles.")
@pass_app
@user_errors
def reextract(app: App, since: datetime | None, source_name: str | None) -> None:
    """Re-run extraction and relevance over the stored raw HTML, updating the articles.

    Use it after an upgrade that improves extraction or after changing the rules; nothing is fetched.

    \b
    Example:
      hitmon reextract --since 2018-04-23 --source 江南省卫生健康委
    """
    from pipeline.stages.page import load_stages
    from pipeline.store.reextract import reextract_articles

    start = local_midnight_utc(since.date(), app.settings.timezone) if since else None
    with app.session() as session:
        result = reextract_articles(session, load_stages(app.settings), since=start, source=source_name)
    failed = ", ".join(f"{reason} {count}" for reason, count in result.failed.items()) or "none"
    click.echo(
        f"{result.updated} updated, {result.unchanged} unchanged, {result.no_html} without stored HTML, "
        f"not articles any more (kept as they were): {failed}"
    )
