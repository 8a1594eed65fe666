"""Reading a password or passcode on the command line, never as an argument.

An argument would sit in shell history and the process list. At a terminal
the secret is asked for twice, hidden; from a pipe (provisioning scripts,
``… < file``) it is one line of standard input. Used by ``vital5 staff
set-passcode`` and ``vital5 upstream users``.
"""

from __future__ import annotations

import sys

import typer


def read_secret(label: str) -> str:
    if sys.stdin.isatty():
        entered: str = typer.prompt(label, hide_input=True, confirmation_prompt=True)
        return entered
    return sys.stdin.readline().rstrip("\r\n")
