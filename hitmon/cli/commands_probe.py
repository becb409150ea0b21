"""``hitmon sources probe``: what a crawl would take from one source, and why the rest is left out."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from hitmon.cli.app import App, pass_app, user_errors
from pipeline.errors import HitmonError, InputError
from pipeline.urls import url_problem

if TYPE_CHECKING:  # the discovery stage and the database load when the command runs, not for --help
    from pipeline.config import Settings
    from pipeline.stages.discover.probe import Kind, ProbeReport

KINDS = ("listing", "feed", "sitemap")


@click.command("probe")
@click.argument("target", metavar="NAME|URL")
@click.option(
    "--kind", type=click.Choice(KINDS), help="What the URL is (default: the source's, else guessed)."
)
@click.option(
    "--html",
    "saved",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Read this saved page instead of fetching it (the URL stays its address).",
)
@click.option("--link-pattern", help="Regex that decides which links are articles (as in sources.yaml).")
@click.option("--allow-domain", "allow_domains", multiple=True, help="Another site whose links may be taken.")
@click.option(
    "--page", type=int, default=1, show_default=True, help="Which listing page this is (for pagers)."
)
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@pass_app
@user_errors
def sources_probe(
    app: App,
    target: str,
    kind: str | None,
    saved: Path | None,
    link_pattern: str | None,
    allow_domains: tuple[str, ...],
    page: int,
    fmt: str,
) -> None:
    """Fetch one listing page, feed or sitemap and show what a crawl would take: the article links found
    (and why), the links left out (and why), the next page, the feed entries.

    NAME is a loaded source (its kind and options apply); anything else is taken as a URL.

    \b
    Example:
      hitmon sources probe 四川省卫生健康委
      hitmon sources probe http://wsjkw.sc.gov.cn/scwsjkw/gzdt/index.shtml --format json
      hitmon sources probe http://www.nhc.gov.cn/xcs/list.shtml --html saved.html
    """
    from pipeline.stages.discover.probe import guess_kind, probe

    url, source_kind, options = _target(app, target)
    options = {**options, **({"link_pattern": link_pattern} if link_pattern else {})}
    if allow_domains:
        options["allow_domains"] = list(allow_domains)
    body, charset = saved.read_bytes() if saved else None, None
    if body is None:
        body, charset = _fetch(url, app.settings)
    chosen: Kind = kind or source_kind or guess_kind(body)  # type: ignore[assignment]
    text = _decode(body, charset) if chosen == "listing" else ""
    crawl = app.settings.crawl
    try:
        report = probe(
            body, text, url, chosen, options, page=page,
            max_links=crawl.max_links_per_page, max_entries=crawl.max_feed_entries,
        )  # fmt: skip
    except ValueError as exc:
        raise HitmonError(f"{url}: {exc}") from None
    if fmt == "json":
        click.echo(json.dumps(report.as_json(), ensure_ascii=False, indent=2))
    else:
        click.echo(_as_text(report))


def _target(app: App, target: str) -> tuple[str, str | None, dict[str, Any]]:
    """(url, kind, options) of a loaded source named ``target``, else of ``target`` as a URL."""
    if "://" not in target:
        from sqlalchemy import select

        from models.schema import Source

        with app.session() as session:
            source = session.scalar(select(Source).where(Source.name == target))
            if source is None:
                raise InputError("NAME|URL", f"no source named {target!r} and not a URL")
            return source.url, source.kind, dict(source.options or {})
    if problem := url_problem(target):
        raise InputError("NAME|URL", f"{target!r}: {problem}")
    return target, None, {}


def _fetch(url: str, settings: Settings) -> tuple[bytes, str | None]:
    request = urllib.request.Request(url, headers={"User-Agent": settings.crawl.user_agent})
    limit = int(settings.crawl.max_response_mb * 1024 * 1024)
    try:
        with urllib.request.urlopen(request, timeout=settings.crawl.timeout) as response:
            body = response.read(limit + 1)
            charset = response.headers.get_content_charset()
    except urllib.error.HTTPError as exc:
        raise HitmonError(f"{url}: HTTP {exc.code} {exc.reason}") from None
    except (urllib.error.URLError, OSError, ValueError) as exc:
        raise HitmonError(f"{url}: {getattr(exc, 'reason', exc)}") from None
    if len(body) > limit:
        raise HitmonError(f"{url}: larger than crawl.max_response_mb")
    return body, charset


def _decode(body: bytes, charset: str | None) -> str:
    from pipeline.stages.extract.decode import decode_html  # the extraction package loads only here

    return decode_html(body, charset)


def _as_text(report: ProbeReport) -> str:
    lines = [f"{report.kind} {report.url}"]
    if report.kind == "listing":
        lines.append(
            f"\narticle links ({len(report.links)}{', cut at the limit' if report.truncated else ''}):"
        )
        lines += [f"  {url}\n      {why}" for url, why in report.links] or ["  none"]
        lines.append(f"\nleft out ({len(report.left_out)}):")
        lines += [f"  {url}\n      {why}" for url, why in report.left_out] or ["  none"]
        following = report.next_page
        if following is not None:
            where = following.url or "none"
            lines.append(f"\nnext page: {where} ({following.how})")
            if following.problem:
                lines.append(f"  problem: {following.problem}")
        return "\n".join(lines)
    lines.append(f"\nentries ({len(report.entries)}{', cut at the limit' if report.truncated else ''}):")
    for entry in report.entries:
        when = entry.published.isoformat() if entry.published else "no date"
        body = "with content" if entry.content.strip() else "title only"
        lines.append(f"  {entry.title or '(no title)'}\n      {entry.link}\n      {when}, {body}")
    if not report.entries:
        lines.append("  none")
    if report.sitemaps:
        lines.append(f"\nchild sitemaps ({len(report.sitemaps)}):")
        lines += [f"  {child}" for child in report.sitemaps]
    if report.skipped:
        lines.append(f"\nleft out ({len(report.skipped)}):")
        lines += [f"  {why}" for why in report.skipped]
    return "\n".join(lines)
