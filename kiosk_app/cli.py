"""The ``vital5`` command: run the kiosk, migrate its database, score a check, devices."""

from __future__ import annotations

import sys

import typer

from kiosk_app.cli_devices import app as devices_app
from kiosk_app.cli_staff import app as staff_app
from kiosk_app.cli_sync import app as sync_app
from upstream.cli import upstream_app

app = typer.Typer(
    help="Vital 5 Check: kiosk, pharmacy and outreach health checks.", no_args_is_help=True
)
app.add_typer(devices_app, name="devices")
app.add_typer(staff_app, name="staff")
app.add_typer(upstream_app, name="upstream")
app.add_typer(sync_app)  # `vital5 enroll` and `vital5 sync …`


@app.command()
def serve(
    host: str = typer.Option("127.0.0.1", help="Address to listen on."),
    port: int = typer.Option(8000, help="Port to listen on."),
) -> None:
    """Start the kiosk web app (settings from VITAL5_* environment variables)."""
    import uvicorn

    from kiosk_app.main import create_app

    # One process: a resident's check in progress lives in this process only.
    uvicorn.run(create_app(), host=host, port=port, workers=1, log_level="info", access_log=False)


@app.command()
def migrate() -> None:
    """Bring the kiosk database up to the latest schema."""
    from kiosk_app.settings import Settings
    from kiosk_app.store import migrate as store_migrate

    settings = Settings()
    store_migrate.upgrade(settings.database_url)
    typer.echo("database is up to date")


@app.command()
def score() -> None:
    """Score one check: answers as JSON on stdin, the result as JSON on stdout."""
    from kiosk_app.cli_score import score_command

    code, output = score_command(sys.stdin.read())
    (sys.stdout if code == 0 else sys.stderr).write(output + "\n")
    raise typer.Exit(code)
