"""The web app's commands: serve it, and manage who may sign in."""

from __future__ import annotations

import sys

import click

from hitmon.cli.app import App, pass_app, user_errors


@click.command()
@click.option("--host", help="Address to listen on (default: the web.host setting, 127.0.0.1).")
@click.option("--port", type=click.IntRange(1, 65535), help="Port (default: the web.port setting, 8000).")
@pass_app
@user_errors
def serve(app: App, host: str | None, port: int | None) -> None:
    """Run the editor's web app (review, order, edit, preview and export the week's bulletin).

    Put it behind an HTTPS reverse proxy when it leaves localhost (and set web.secure_cookies).
    Add a user first with `hitmon users add`.

    \b
    Example:
      hitmon users add editor1 && hitmon serve --host 127.0.0.1 --port 8000
    """
    import uvicorn

    from hitmon.web import create_app

    web = app.settings.web
    application = create_app(app.settings)
    uvicorn.run(
        application,
        host=host or web.host,
        port=port or web.port,
        server_header=False,
        log_level="info",
        proxy_headers=False,  # the app reads X-Forwarded-For itself, from web.trusted_proxies only
    )


@click.group()
def users() -> None:
    """Manage who can sign in to the web app.

    \b
    Example:
      hitmon users add editor1 --role editor
    """


@users.command("add")
@click.argument("username")
@click.option("--role", type=click.Choice(["editor", "admin"]), default="editor", show_default=True)
@click.option("--password-stdin", is_flag=True, help="Read the password from the first line of stdin.")
@pass_app
@user_errors
def users_add(app: App, username: str, role: str, password_stdin: bool) -> None:
    """Add a user; the password is asked twice (or read from stdin) and stored as an argon2 hash.

    \b
    Example:
      hitmon users add lihua --role admin
      printf '%s\\n' "$PASSWORD" | hitmon users add wang --password-stdin
    """
    from pipeline.desk.accounts import Passwords, add_user

    password = _password(password_stdin)
    with app.session() as session:
        add_user(session, username, password, Passwords(app.settings.web), role)
    click.echo(f"added {username} ({role})")


@users.command("passwd")
@click.argument("username")
@click.option("--password-stdin", is_flag=True, help="Read the password from the first line of stdin.")
@pass_app
@user_errors
def users_passwd(app: App, username: str, password_stdin: bool) -> None:
    """Set a user's password (their signed-in sessions end).

    \b
    Example:
      hitmon users passwd lihua
    """
    from pipeline.desk.accounts import Passwords, set_password

    password = _password(password_stdin)
    with app.session() as session:
        set_password(session, username, password, Passwords(app.settings.web))
    click.echo(f"password changed for {username}")


@users.command("list")
@pass_app
@user_errors
def users_list(app: App) -> None:
    """List the users with their role and whether they are active.

    \b
    Example:
      hitmon users list
    """
    from sqlalchemy import select

    from models.schema import User

    with app.session() as session:
        for user in session.scalars(select(User).order_by(User.username)):
            state = "active" if user.active else "inactive"
            click.echo(f"{user.username}\t{user.role}\t{state}")


def _password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    return click.prompt("Password", hide_input=True, confirmation_prompt=True)
