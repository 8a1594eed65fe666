"""``vital5 upstream``: run the upstream, migrate it, make keys; devices, tokens and users.

Settings come from ``VITAL5_UPSTREAM_*`` variables (upstream/settings.py).
"""

from __future__ import annotations

import typer

from upstream.cli_registry import devices_app, tokens_app
from upstream.cli_users import users_app

upstream_app = typer.Typer(
    help="The upstream: receives sealed records from kiosks, exports FHIR.",
    no_args_is_help=True,
)
upstream_app.add_typer(devices_app, name="devices")
upstream_app.add_typer(tokens_app, name="tokens")
upstream_app.add_typer(users_app, name="users")


@upstream_app.command()
def serve(
    host: str = typer.Option("127.0.0.1", help="Address to listen on."),
    port: int = typer.Option(8100, help="Port to listen on."),
    workers: int = typer.Option(1, min=1, help="Worker processes (they share the database)."),
) -> None:
    """Start the upstream API (migrates first unless VITAL5_UPSTREAM_AUTO_MIGRATE=false)."""
    import uvicorn

    from upstream.settings import UpstreamSettings
    from upstream.store import migrate as store_migrate

    settings = UpstreamSettings()
    if settings.auto_migrate:
        store_migrate.ensure_current(settings.dsn)
    uvicorn.run(
        "upstream.main:app_from_env",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        log_level="info",
    )


@upstream_app.command()
def migrate() -> None:
    """Bring the upstream database up to the latest schema."""
    from upstream.settings import UpstreamSettings
    from upstream.store import migrate as store_migrate

    store_migrate.upgrade(UpstreamSettings().dsn)
    typer.echo("upstream database is up to date")


@upstream_app.command()
def keygen() -> None:
    """Make a new sealing key pair; prints what a kiosk is enrolled with."""
    from upstream.crypto import generate_key
    from upstream.settings import UpstreamSettings

    settings = UpstreamSettings()
    info = generate_key(settings.key_dir)
    typer.echo(f"key id:     {info.key_id}")
    typer.echo(f"public key: {info.public_key}")
    typer.echo(f"private key written to {settings.key_dir}/ (keep it; back it up offline)")
    typer.echo(
        f"enrol kiosks with: vital5 enroll --upstream-url URL --upstream-key {info.public_key}"
    )


@upstream_app.command("keys")
def list_keys() -> None:
    """List the public halves of the keys held (records sealed to others cannot open)."""
    from upstream.crypto import KeyRing
    from upstream.settings import UpstreamSettings

    for info in KeyRing.load(UpstreamSettings().key_dir).public_keys():
        typer.echo(f"{info.key_id}  {info.public_key}")
