"""``vital5 upstream devices …`` and ``vital5 upstream tokens …``; every change is audited."""

from __future__ import annotations

import getpass
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated

import typer
from sqlalchemy import inspect
from sqlmodel import Session

from upstream.settings import UpstreamSettings
from upstream.store import audit
from upstream.store.db import make_engine, utcnow

devices_app = typer.Typer(help="Enrol, list and revoke kiosks.", no_args_is_help=True)
tokens_app = typer.Typer(help="API tokens for exports and administration.", no_args_is_help=True)


def _actor() -> str:
    return f"cli:{getpass.getuser()}"


@contextmanager
def _session() -> Iterator[Session]:
    engine = make_engine(UpstreamSettings().dsn)
    try:
        # A fresh database (or the wrong DSN) would otherwise end in a raw
        # "no such table" traceback.
        if not inspect(engine).has_table("alembic_version"):
            raise _fail(
                "the upstream database has no tables yet (or VITAL5_UPSTREAM_DSN points "
                "at the wrong one): run `vital5 upstream migrate` first"
            )
        with Session(engine) as session:
            yield session
    finally:
        engine.dispose()


def _fail(message: str) -> typer.Exit:
    typer.echo(f"error: {message}", err=True)
    return typer.Exit(2)


@devices_app.command("add")
def add_device(
    code: str = typer.Argument(..., help="The v5enrol:1:… code the kiosk printed."),
    site: str = typer.Option(..., "--site", help="The site the kiosk stands at."),
) -> None:
    """Enrol a kiosk: its records are accepted from now on."""
    from upstream.enrolment import EnrolmentCodeError, parse_enrolment_code
    from upstream.store import devices

    try:
        parsed = parse_enrolment_code(code)
    except EnrolmentCodeError as error:
        raise _fail(str(error)) from error
    with _session() as session:
        try:
            device = devices.enrol(session=session, code=parsed, site_id=site, now=utcnow())
        except devices.DeviceRegistryError as error:
            raise _fail(str(error)) from error
        audit.add_event(
            session=session,
            actor=_actor(),
            action="device.enrol",
            at=utcnow(),
            target=device.device_id,
            detail={"site_id": device.site_id, "key_id": device.key_id},
        )
        session.commit()
        typer.echo(f"enrolled {device.device_id} (key {device.key_id}) at {device.site_id}")


@devices_app.command("list")
def list_devices() -> None:
    """Every enrolled device, revoked ones marked."""
    from upstream.store import devices

    with _session() as session:
        for device in devices.list_devices(session=session):
            state = f"revoked {device.revoked_at:%Y-%m-%d}" if device.revoked_at else "active"
            typer.echo(f"{device.device_id}  key {device.key_id}  site {device.site_id}  {state}")


@devices_app.command("revoke")
def revoke_device(device_id: str = typer.Argument(..., help="The device to refuse.")) -> None:
    """Refuse a device's records from now on (what it already sent stays)."""
    from upstream.store import devices

    with _session() as session:
        try:
            devices.revoke(session=session, device_id=device_id, now=utcnow())
        except LookupError as error:
            raise _fail(f"no device {device_id}") from error
        audit.add_event(
            session=session, actor=_actor(), action="device.revoke", at=utcnow(), target=device_id
        )
        session.commit()
        typer.echo(f"revoked {device_id}")


@tokens_app.command("create")
def create_token(
    scope: Annotated[list[str], typer.Option("--scope", help="export and/or admin (repeat).")],
    name: Annotated[str, typer.Option(help="Who or what holds it, for the audit log.")] = "",
) -> None:
    """Make a token; it is printed once and only its hash is kept."""
    from upstream.store import tokens
    from upstream.tokens import Scope

    try:
        scopes = [Scope(value) for value in scope]
    except ValueError as error:
        raise _fail(f"scopes are {', '.join(s.value for s in Scope)}") from error
    with _session() as session:
        row, text = tokens.create_token(
            session=session, name=name or _actor(), scopes=scopes, now=utcnow()
        )
        audit.add_event(
            session=session,
            actor=_actor(),
            action="token.create",
            at=utcnow(),
            target=row.token_id,
            detail={"scopes": row.scopes, "name": row.name},
        )
        session.commit()
    typer.echo(text)


@tokens_app.command("list")
def list_tokens() -> None:
    """Token ids, names and scopes (never the secrets)."""
    from upstream.store import tokens

    with _session() as session:
        for row in tokens.list_tokens(session=session):
            state = "revoked" if row.revoked_at else "active"
            typer.echo(f"{row.token_id}  [{row.scopes}]  {row.name}  {state}")


@tokens_app.command("revoke")
def revoke_token(token_id: str = typer.Argument(..., help="The token id (second part).")) -> None:
    """Stop a token working at once."""
    from upstream.store import tokens

    with _session() as session:
        try:
            tokens.revoke_token(session=session, token_id=token_id, now=utcnow())
        except LookupError as error:
            raise _fail(f"no token {token_id}") from error
        audit.add_event(
            session=session, actor=_actor(), action="token.revoke", at=utcnow(), target=token_id
        )
        session.commit()
        typer.echo(f"revoked {token_id}")
