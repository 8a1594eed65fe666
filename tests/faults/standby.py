"""``vital5 serve`` with its imports done ahead: a kiosk restart in well under a second.

    python tests/faults/standby.py IMPORTED_FILE --host 127.0.0.1 --port 8000
    # creates IMPORTED_FILE once imported; then write "go" to its stdin

The ``vital5`` console script is ``kiosk_app.cli:app``; this imports it (and
what ``serve`` imports lazily), waits for a line ``go`` on stdin, then runs
``app(["serve", …])``: the same command, the same settings from the same
``VITAL5_*`` variables, in a process of its own. The SIGKILL run starts the
next kiosk this way while the current one still runs, so that each restart
does not pay the second of imports again. Any other line, or EOF, exits 0.
"""

from __future__ import annotations

import sys
from pathlib import Path

import uvicorn  # noqa: F401  (imported by `serve`; loaded ahead)

import kiosk_app.main  # noqa: F401  (imported by `serve`; loaded ahead)
from kiosk_app.cli import app


def main() -> None:
    Path(sys.argv[1]).touch()
    if sys.stdin.readline().strip() != "go":
        return
    app(["serve", *sys.argv[2:]])


if __name__ == "__main__":
    main()
