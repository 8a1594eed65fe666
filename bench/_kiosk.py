"""Hermetic kiosk settings and an ASGI wrapper that times the server side."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from pydantic_settings import BaseSettings, PydanticBaseSettingsSource
from starlette.types import ASGIApp, Receive, Scope, Send

from kiosk_app.settings import Settings

# The simulated cuff at its fastest: benchmarks never wait for a pretend arm.
SIMULATOR_SPEED = 1000.0


class BenchSettings(Settings):
    """Settings from the arguments only: no ``VITAL5_*`` variables, no ``.env``.

    A developer's own environment must not change a benchmark's figures.
    """

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        return (init_settings,)


def sqlite_url(directory: Path) -> str:
    return f"sqlite:///{directory / 'kiosk.sqlite3'}"


def bench_settings(directory: Path, **overrides: Any) -> Settings:
    """A kiosk on a real SQLite file in ``directory`` (same pragmas as a kiosk)."""
    values: dict[str, Any] = {
        "database_url": sqlite_url(directory),
        "simulator_speed": SIMULATOR_SPEED,
        # Not enrolled and no worker: the benchmarks measure the kiosk alone.
        "keys_dir": directory / "keys",
        "sync_worker": False,
    }
    values.update(overrides)
    return BenchSettings(**values)


class ServerTimer:
    """Wraps an ASGI app and records how long the app took over each request.

    The clock starts when the app is called with the request and stops when
    it returns, after the last body chunk is sent: routing, middleware,
    dependencies, the threadpool hop of sync handlers, the handler and the
    template render, but none of the client's own work. Requests must be
    sent one at a time for :attr:`last_ns` to belong to the last request.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self.last_ns = 0

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        started = time.perf_counter_ns()
        try:
            await self.app(scope, receive, send)
        finally:
            self.last_ns = time.perf_counter_ns() - started
