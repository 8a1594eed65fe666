"""What the web app shares with sync: storing a check, waking the worker, health.

``create_app`` builds one ``SyncHub`` and keeps it at ``app.state.sync``. The
submit route stores through ``store_check``: sealed at once when the device
is enrolled (no plaintext row is ever written), plaintext otherwise (the
``make run`` demo), which the worker seals as soon as an enrolment appears.
"""

from __future__ import annotations

import asyncio
import contextlib
from datetime import datetime

import httpx
from fastapi import FastAPI
from sqlalchemy import Connection, Engine
from sqlmodel import Session

from kiosk_app.settings import Settings
from kiosk_app.store import crud
from kiosk_app.store.tables import CheckRecordBase
from kiosk_app.sync import outbox_store, status
from kiosk_app.sync.enrolment import EnrolmentCache
from kiosk_app.sync.worker import Clock, SyncWorker, utc_now


class SyncHub:
    def __init__(
        self,
        settings: Settings,
        engine: Engine,
        *,
        transport: httpx.AsyncBaseTransport | None = None,
        clock: Clock = utc_now,
    ) -> None:
        self.engine = engine
        self.enrolments = EnrolmentCache(settings.keys_dir)
        # Set by every stored check: the worker sends it without waiting.
        self.wake = asyncio.Event()
        self.worker = SyncWorker(
            settings, engine, self.enrolments, wake=self.wake, transport=transport, clock=clock
        )
        self._clock = clock
        self._task: asyncio.Task[None] | None = None

    def store_check(
        self, *, connection: Connection, record: CheckRecordBase, completed_at: datetime
    ) -> str:
        """Durably store one completed check (sealed if enrolled); returns its id."""
        enrolled = self.enrolments.current()
        if enrolled is None:
            record_id = crud.store_completed_check(
                connection=connection, record=record, completed_at=completed_at
            )
        else:
            record_id = outbox_store.store_sealed_check(
                connection=connection,
                record=record,
                completed_at=completed_at,
                sealer=enrolled.sealer,
                now=self._clock(),
            )
        self.wake.set()
        return record_id

    def start(self) -> None:
        if self._task is None:
            self._task = asyncio.create_task(self.worker.run(), name="vital5-sync")

    async def stop(self) -> None:
        task, self._task = self._task, None
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        await self.worker.aclose()

    @property
    def running(self) -> bool:
        return self._task is not None and not self._task.done()

    def health(self) -> dict[str, object]:
        """The "sync" object of /healthz: counts, times, codes; no personal data."""
        with Session(self.engine) as session:
            stats = status.stats(session=session)
        enrolled = self.enrolments.current()
        return {
            "enrolled": enrolled is not None,
            "device_id": enrolled.enrolment.device_id if enrolled else None,
            "enrolment_error": self.enrolments.error,
            "worker": "running" if self.running else "stopped",
            **stats.figures(self._clock()),
        }


def hub_of(app: FastAPI) -> SyncHub:
    hub: SyncHub = app.state.sync
    return hub
