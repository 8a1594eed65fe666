"""``vital5 enroll`` and ``vital5 sync``: what staff run to connect a kiosk upstream.

Settings come from ``VITAL5_*`` variables like the app's (``VITAL5_KEYS_DIR``,
``VITAL5_DATABASE_URL`` …). Nothing printed here contains a resident's data:
counts, times, ids of devices and keys, and the upstream's error codes.
Heavy modules are imported inside the commands, so every other ``vital5``
command starts as fast as before.
"""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime
from typing import TYPE_CHECKING, NoReturn

import typer

if TYPE_CHECKING:
    from sqlalchemy import Engine

    from kiosk_app.settings import Settings
    from kiosk_app.sync.worker import PassOutcome

app = typer.Typer()
sync_app = typer.Typer(help="See and drive the sealed upload of checks.", no_args_is_help=True)
app.add_typer(sync_app, name="sync")


@app.command()
def enroll(
    upstream_url: str | None = typer.Option(
        None, help="The upstream's https:// address (http only to this machine)."
    ),
    upstream_key: str | None = typer.Option(
        None, help="The upstream's public key (base64), from its administrator."
    ),
    new_device_key: bool = typer.Option(
        False, "--new-device-key", help="Replace the device key (rotation: register again)."
    ),
) -> None:
    """Enrol this kiosk with an upstream and print its enrolment code.

    Without options, prints the current enrolment code again.
    """
    from kiosk_app.settings import Settings
    from kiosk_app.sync import enrolment as enrolments
    from kiosk_app.sync.errors import SyncError

    settings = Settings()
    try:
        current = enrolments.load_enrolment(settings.keys_dir)
        if current is None and (upstream_url is None or upstream_key is None):
            _fail("not enrolled yet: give both --upstream-url and --upstream-key", 2)
        if current is None or upstream_url or upstream_key or new_device_key:
            # Anything not given is kept from the current enrolment.
            current = enrolments.enroll(
                settings.keys_dir,
                upstream_url=upstream_url or (current.upstream_url if current else ""),
                upstream_public_key=upstream_key
                or (current.upstream_public_key if current else ""),
                now=datetime.now(UTC),
                new_device_key=new_device_key,
            )
    except SyncError as error:
        _fail(f"error: {error}", 2)
    except OSError as error:  # e.g. no permission to create the keys directory
        _fail(f"error: {error.strerror}: {error.filename}", 2)
    typer.echo(f"device:     {current.device_id}")
    typer.echo(f"upstream:   {current.upstream_url} (key {current.upstream_key_id})")
    typer.echo(f"keys:       {settings.keys_dir}")
    typer.echo("")
    typer.echo("Enrolment code (register it at the upstream:")
    typer.echo("  vital5 upstream devices add CODE --site SITE):")
    typer.echo("")
    typer.echo(current.code)
    typer.echo("")
    typer.echo(enrolments.qr_text(current.code))


@sync_app.command()
def status(
    as_json: bool = typer.Option(False, "--json", help="The figures as JSON, as in /healthz."),
) -> None:
    """Pending, sending, acknowledged and rejected records; last success and error."""
    from sqlmodel import Session

    from kiosk_app.sync import status as outbox_status
    from kiosk_app.sync.enrolment import EnrolmentCache

    settings, engine = _open()
    try:
        with Session(engine) as session:
            stats = outbox_status.stats(session=session)
    finally:
        engine.dispose()
    cache = EnrolmentCache(settings.keys_dir)
    enrolled = cache.current()
    figures: dict[str, object] = {
        "enrolled": enrolled is not None,
        "device_id": enrolled.enrolment.device_id if enrolled else None,
        "upstream_url": enrolled.enrolment.upstream_url if enrolled else None,
        "enrolment_error": cache.error,
        **stats.figures(datetime.now(UTC)),
    }
    if as_json:
        typer.echo(json.dumps(figures, indent=2))
        return
    for key, value in figures.items():
        label = key.replace("_", " ")
        if isinstance(value, dict):
            value = ", ".join(f"{code}: {n}" for code, n in value.items()) or "none"
        typer.echo(f"{label + ':':<22}{'-' if value is None else value}")


@sync_app.command()
def now() -> None:
    """Run one pass now: seal, send everything due, print what happened."""
    settings, engine = _open()
    try:
        outcome = asyncio.run(_one_pass(settings, engine))
    finally:
        engine.dispose()
    typer.echo(outcome.summary())
    if not outcome.enrolled:
        raise typer.Exit(2)
    if outcome.error:
        raise typer.Exit(1)


@sync_app.command()
def requeue(
    code: str | None = typer.Option(None, help="Only records rejected with this code."),
) -> None:
    """Send rejected records again, once the upstream has fixed the cause."""
    from sqlmodel import Session

    from kiosk_app.sync import status as outbox_status

    _settings, engine = _open()
    try:
        with Session(engine) as session:
            count = outbox_status.requeue_rejected(session=session, code=code)
    finally:
        engine.dispose()
    typer.echo(f"{count} rejected records are pending again")


def _open() -> tuple[Settings, Engine]:
    from kiosk_app.settings import Settings
    from kiosk_app.store import migrate
    from kiosk_app.store.db import make_engine

    settings = Settings()
    migrate.upgrade(settings.database_url)
    return settings, make_engine(settings.database_url)


async def _one_pass(settings: Settings, engine: Engine) -> PassOutcome:
    from kiosk_app.sync.enrolment import EnrolmentCache
    from kiosk_app.sync.worker import SyncWorker

    worker = SyncWorker(settings, engine, EnrolmentCache(settings.keys_dir))
    try:
        return await worker.drain()
    finally:
        await worker.aclose()


def _fail(message: str, code: int) -> NoReturn:
    typer.echo(message, err=True)
    raise typer.Exit(code)
