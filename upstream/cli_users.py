"""``vital5 upstream users …``: who may sign in to the report pages. Every change is audited.

The password is never an argument (it would sit in shell history and the
process list): it is asked for twice at a terminal, or read as one line
from standard input when that is a pipe (``… users add EMAIL < file``).
"""

from __future__ import annotations

import typer

from kiosk_app.cli_secret import read_secret
from upstream.cli_registry import _actor, _fail, _session
from upstream.store import audit
from upstream.store.db import utcnow

users_app = typer.Typer(help="People who may sign in to the report pages.", no_args_is_help=True)


def _address_and_password_hash(email: str) -> tuple[str, str]:
    """The normalised address and the hash of a password read as documented above."""
    from upstream.users import UserError, hash_password, normalise_email

    try:
        return normalise_email(email), hash_password(read_secret("Password"))
    except UserError as error:
        raise _fail(str(error)) from error


@users_app.command("add")
def add_user(
    email: str = typer.Argument(..., help="Their e-mail address (the sign-in name)."),
) -> None:
    """Register someone; the password comes from a prompt or standard input."""
    from upstream.store import users

    address, password_hash = _address_and_password_hash(email)
    with _session() as session:
        try:
            users.add_user(
                session=session, email=address, password_hash=password_hash, now=utcnow()
            )
        except users.UserExistsError as error:
            raise _fail(f"{address} is already registered") from error
        audit.add_event(
            session=session, actor=_actor(), action="user.add", at=utcnow(), target=address
        )
        session.commit()
    typer.echo(f"added {address}")


@users_app.command("set-password")
def set_password(
    email: str = typer.Argument(..., help="The address whose password to replace."),
) -> None:
    """Replace someone's password (from a prompt or standard input); their sessions end."""
    from upstream.store import users

    address, password_hash = _address_and_password_hash(email)
    with _session() as session:
        user = users.find_user(session=session, email=address)
        if user is None:
            raise _fail(f"no user {address}")
        users.set_password_hash(session=session, user=user, password_hash=password_hash)
        users.end_sessions(session=session, email=address)
        audit.add_event(
            session=session, actor=_actor(), action="user.set_password", at=utcnow(), target=address
        )
        session.commit()
    typer.echo(f"new password set for {address}")


@users_app.command("list")
def list_users() -> None:
    """Every registered address, disabled ones marked (never the password hashes)."""
    from upstream.store import users

    with _session() as session:
        for user in users.list_users(session=session):
            state = f"disabled {user.disabled_at:%Y-%m-%d}" if user.disabled_at else "active"
            typer.echo(f"{user.email}  {state}")


@users_app.command("disable")
def disable_user(email: str = typer.Argument(..., help="The address to refuse.")) -> None:
    """Refuse someone's sign-ins from now on and end their sessions at once."""
    from upstream.store import users
    from upstream.users import UserError, normalise_email

    try:
        address = normalise_email(email)
    except UserError as error:
        raise _fail(str(error)) from error
    with _session() as session:
        try:
            users.disable_user(session=session, email=address, now=utcnow())
        except LookupError as error:
            raise _fail(f"no user {address}") from error
        audit.add_event(
            session=session, actor=_actor(), action="user.disable", at=utcnow(), target=address
        )
        session.commit()
    typer.echo(f"disabled {address}")
