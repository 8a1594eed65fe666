"""``vital5 staff set-passcode``: the passcode for this device's staff pages.

The passcode is never an argument (it would sit in shell history and the
process list): it is asked for twice at a terminal, or read as one line
from standard input when that is a pipe. Only its argon2id hash is kept,
in ``VITAL5_KEYS_DIR`` beside the device keys (kiosk_app/web/staff.py).
"""

from __future__ import annotations

import typer

from kiosk_app.cli_secret import read_secret

app = typer.Typer(help="Staff access to this device's /admin pages.", no_args_is_help=True)


@app.command("set-passcode")
def set_passcode() -> None:
    """Set (or replace) the staff passcode; staff signed in now stay until idle or restart."""
    from kiosk_app.settings import Settings
    from kiosk_app.web.staff import PasscodeError, write_passcode

    settings = Settings()
    try:
        path = write_passcode(settings.keys_dir, read_secret("Staff passcode"))
    except PasscodeError as error:
        typer.echo(f"error: {error}", err=True)
        raise typer.Exit(2) from error
    typer.echo(f"staff passcode set: only its hash is kept, in {path}")
