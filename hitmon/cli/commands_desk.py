"""The editor's commands: candidates, review, export."""

from __future__ import annotations

import getpass
import json
import os
from datetime import date
from pathlib import Path

import click

from hitmon.cli.app import DAY, ISSUE_NUMBER, ROW_ID, WEEK, App, pass_app, user_errors
from hitmon.cli.staged import staged_file
from pipeline.errors import InputError
from pipeline.weeks import IsoWeek, current_week

# The desk (SQLAlchemy), the exporters (python-docx) and rich load inside the commands that use them:
# `hitmon candidates` never loads the exporters, and `--help` none of them.

EXPORT_FORMATS = ("docx", "md", "html")  # pipeline.desk.export.FORMATS, which a test keeps equal

AS_OPTION = click.option(
    "--as",
    "actor",
    metavar="NAME",
    help="Who is deciding, for the history (default: the operating-system user).",
)


def _week(app: App, week: IsoWeek | None) -> IsoWeek:
    return week or current_week(app.settings.timezone)


@click.command()
@click.option("--week", type=WEEK, help="ISO week, e.g. 2018-W17 (default: this week).")
@click.option("--all", "show_all", is_flag=True, help="Include articles that are not flagged.")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
@pass_app
@user_errors
def candidates(app: App, week: IsoWeek | None, show_all: bool, fmt: str) -> None:
    """The week's ranked candidates: flagged stories, one row per story, reprints counted.

    \b
    Example:
      hitmon candidates --week 2018-W17 --format json
    """
    from crawler.console import terminal
    from hitmon.cli.show import candidates_table
    from pipeline.desk.week import week_candidates

    week = _week(app, week)
    with app.session() as session:
        rows = week_candidates(session, app.settings, week, show_all=show_all)
    if fmt == "json":
        click.echo(json.dumps([row.as_json() for row in rows], ensure_ascii=False, indent=2))
    else:
        terminal().print(candidates_table(rows, app.settings.timezone, f"{week}: {len(rows)} candidates"))


def _actor(actor: str | None) -> str:
    """The name recorded in the history: ``--as``, else the operating-system user."""
    if actor:
        return actor
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no passwd entry (some containers)
        return f"uid {os.getuid()}"


@click.group()
def review() -> None:
    """Accept, reject, reset, edit and order the week's items.

    \b
    Example:
      hitmon review accept 12 15 && hitmon review order 15 12
    """


def _decision(action: str, help_text: str) -> click.Command:
    @click.command(action, help=help_text)
    @click.argument("ids", nargs=-1, type=ROW_ID, required=True)
    @AS_OPTION
    @pass_app
    @user_errors
    def command(app: App, ids: tuple[int, ...], actor: str | None) -> None:
        from pipeline.desk import review as reviews

        with app.session() as session:
            reviews.decide(session, ids, action, actor=_actor(actor))
        click.echo(f"{action}: {', '.join(map(str, ids))}")

    return command


review.add_command(
    _decision("accept", "Accept articles for the bulletin.\n\n\b\nExample:\n  hitmon review accept 12 15")
)
review.add_command(_decision("reject", "Reject articles.\n\n\b\nExample:\n  hitmon review reject 7"))
review.add_command(_decision("reset", "Undo a decision.\n\n\b\nExample:\n  hitmon review reset 7"))


@review.command("edit")
@click.argument("article_id", type=ROW_ID)
@click.option("--title", help="The title to print (empty: back to the crawled title).")
@click.option("--media", help="The 媒体 to print.")
@click.option(
    "--summary-file", type=click.File(encoding="utf-8"), help="主要内容 from a file ('-' for stdin)."
)
@AS_OPTION
@pass_app
@user_errors
def review_edit(
    app: App, article_id: int, title: str | None, media: str | None, summary_file, actor: str | None
) -> None:  # type: ignore[no-untyped-def]
    """Edit what the bulletin prints for an article.

    \b
    Example:
      hitmon review edit 12 --title "新标题" --summary-file summary.txt
    """
    from pipeline.desk.article import edit_printed

    summary = _read_all(summary_file) if summary_file else None
    with app.session() as session:
        edit_printed(session, article_id, title=title, media=media, summary=summary, actor=_actor(actor))
    click.echo(f"edited {article_id}")


def _read_all(file) -> str:  # type: ignore[no-untyped-def]
    try:
        return file.read()
    except UnicodeDecodeError as exc:
        raise InputError(getattr(file, "name", "stdin"), f"not UTF-8 text (byte {exc.start})") from None


@review.command("order")
@click.argument("ids", nargs=-1, type=ROW_ID, required=True)
@AS_OPTION
@pass_app
@user_errors
def review_order(app: App, ids: tuple[int, ...], actor: str | None) -> None:
    """Put accepted articles in bulletin order.

    \b
    Example:
      hitmon review order 15 12 9
    """
    from pipeline.desk import review as reviews

    with app.session() as session:
        reviews.order(session, ids, actor=_actor(actor))
    click.echo(f"order: {', '.join(map(str, ids))}")


@click.command()
@click.option("--week", type=WEEK, required=True, help="ISO week of the issue, e.g. 2018-W17.")
@click.option(
    "--issue", "number", type=ISSUE_NUMBER, help="Issue number, 1-9999 (default: the last one + 1)."
)
@click.option("--date", "issued", type=DAY, help="Issue date (default: that week's Friday).")
@click.option(
    "--org", help="The organisation printed under the title (default: the bulletin.organisation setting)."
)
@click.option("--format", "fmt", type=click.Choice(EXPORT_FORMATS), default="docx", show_default=True)
@click.option(
    "--out", type=click.Path(path_type=Path), help="Output file (default: OUTPUT_DIR/weekly-<issue>.<fmt>)."
)
@AS_OPTION
@pass_app
@user_errors
def export(
    app: App,
    week: IsoWeek,
    number: int | None,
    issued,
    org: str | None,
    fmt: str,
    out: Path | None,  # type: ignore[no-untyped-def]
    actor: str | None,
) -> None:
    """Export the week's accepted items as the bulletin, and record the issue.

    \b
    Example:
      hitmon export --week 2018-W17 --issue 296 --date 2018-04-27 --format docx --out weekly-296.docx
    """
    from pipeline.desk.issues import export_issue

    texts = app.settings.bulletin.model_copy(update={"organisation": org} if org else {})
    day: date | None = issued.date() if issued else None
    with app.session() as session:
        planned, body = export_issue(
            session, app.settings, week, fmt, number=number, issued=day, actor=_actor(actor), texts=texts
        )
        # Never a file without its record nor a record without its file: the file is written aside,
        # put in place once the issue is recorded, and removed again if the record cannot be committed.
        option = "--out" if out else "output_dir"
        out = out or app.settings.output_dir / f"weekly-{planned.bulletin.number}.{fmt}"
        with staged_file(out, body, option) as staged:
            session.flush()
            staged.publish()
            session.commit()
    click.echo(f"issue {planned.bulletin.number} ({week}, {len(planned.bulletin.items)} items): {out}")
