"""The editor's commands: candidates, review, export."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import click

from crawler.console import terminal
from hitmon.cli.app import DAY, ISSUE_NUMBER, ROW_ID, WEEK, App, pass_app, user_errors
from hitmon.cli.show import candidates_table
from hitmon.cli.staged import staged_file
from pipeline import review as reviews
from pipeline.candidates import candidate_window, weekly_candidates
from pipeline.errors import InputError
from pipeline.export import FORMATS, render
from pipeline.issues import plan_issue, record_issue
from pipeline.weeks import IsoWeek, current_week


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
    week = _week(app, week)
    with app.session() as session:
        editor = _editor_model(session, app, week)
        rows = weekly_candidates(
            session,
            week,
            app.settings.timezone,
            flagged_only=not show_all,
            editor=editor,
            editor_weight=app.settings.relevance.editor_weight,
        )
    if fmt == "json":
        click.echo(json.dumps([row.as_json() for row in rows], ensure_ascii=False, indent=2))
    else:
        terminal().print(candidates_table(rows, app.settings.timezone, f"{week}: {len(rows)} candidates"))


def _editor_model(session, app: App, week: IsoWeek):  # type: ignore[no-untyped-def]
    """The model of the editor's earlier decisions, once there are enough of them (see docs/ranking)."""
    from pipeline.editor_model import editor_model_for  # scikit-learn loads only here

    start, _ = candidate_window(session, week, app.settings.timezone)
    return editor_model_for(session, app.settings.relevance, before=start)


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
    @pass_app
    @user_errors
    def command(app: App, ids: tuple[int, ...]) -> None:
        with app.session() as session:
            reviews.decide(session, ids, action)
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
@pass_app
@user_errors
def review_edit(app: App, article_id: int, title: str | None, media: str | None, summary_file) -> None:  # type: ignore[no-untyped-def]
    """Edit what the bulletin prints for an article.

    \b
    Example:
      hitmon review edit 12 --title "新标题" --summary-file summary.txt
    """
    summary = _read_all(summary_file) if summary_file else None
    with app.session() as session:
        reviews.edit(session, article_id, title=title, media=media, summary=summary)
    click.echo(f"edited {article_id}")


def _read_all(file) -> str:  # type: ignore[no-untyped-def]
    try:
        return file.read()
    except UnicodeDecodeError as exc:
        raise InputError(getattr(file, "name", "stdin"), f"not UTF-8 text (byte {exc.start})") from None


@review.command("order")
@click.argument("ids", nargs=-1, type=ROW_ID, required=True)
@pass_app
@user_errors
def review_order(app: App, ids: tuple[int, ...]) -> None:
    """Put accepted articles in bulletin order.

    \b
    Example:
      hitmon review order 15 12 9
    """
    with app.session() as session:
        reviews.order(session, ids)
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
@click.option("--format", "fmt", type=click.Choice(list(FORMATS)), default="docx", show_default=True)
@click.option(
    "--out", type=click.Path(path_type=Path), help="Output file (default: OUTPUT_DIR/weekly-<issue>.<fmt>)."
)
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
) -> None:
    """Export the week's accepted items as the bulletin, and record the issue.

    \b
    Example:
      hitmon export --week 2018-W17 --issue 296 --date 2018-04-27 --format docx --out weekly-296.docx
    """
    texts = app.settings.bulletin.model_copy(update={"organisation": org} if org else {})
    day: date | None = issued.date() if issued else None
    with app.session() as session:
        planned = plan_issue(session, app.settings, week, number=number, issued=day)
        if not planned.bulletin.items:
            raise click.ClickException(
                f"no accepted items for {week}: accept some with `hitmon review accept`"
            )
        # Never a file without its record nor a record without its file: the file is written aside,
        # put in place once the issue is recorded, and removed again if the record cannot be committed.
        option = "--out" if out else "output_dir"
        out = out or app.settings.output_dir / f"weekly-{planned.bulletin.number}.{fmt}"
        with staged_file(out, render(planned.bulletin, texts, fmt), option) as staged:
            record_issue(session, planned)
            session.flush()
            staged.publish()
            session.commit()
    click.echo(f"issue {planned.bulletin.number} ({week}, {len(planned.bulletin.items)} items): {out}")


COMMANDS = [candidates, review, export]
