"""The background sync worker: seal, send, record receipts, back off, repeat.

One pass (``drain``): seal any checks stored before enrolment, then send due
records in batches until none is left or the upstream is unwell. ``run``
repeats passes forever: it sleeps until the next retry is due or a new check
is stored (the wake event), and never gives up. Clock, sleep, randomness and
the HTTP transport are injected, so tests drive it without a network or a
wall clock.
"""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import partial
from typing import Final, TypeVar

import httpx
from sqlalchemy import Engine
from sqlmodel import Session

from kiosk_app.settings import Settings
from kiosk_app.sync import client as upstream
from kiosk_app.sync import outbox, outbox_store
from kiosk_app.sync.enrolment import Enrolment, EnrolmentCache
from kiosk_app.sync.errors import BatchRefusedError, SyncError, TransientPushError

log = logging.getLogger(__name__)

T = TypeVar("T")
Clock = Callable[[], datetime]
Sleep = Callable[[float], Awaitable[None]]

_NOT_ENROLLED: Final = "not enrolled: run `vital5 enroll`"
# Retry jitter is not a secret, but SystemRandom needs no seeding and cannot be replayed.
_JITTER = random.SystemRandom()


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(slots=True)
class PassOutcome:
    """What one pass did; printed by ``vital5 sync now``. No personal data."""

    enrolled: bool = True
    sealed: int = 0
    sent: int = 0
    acknowledged: int = 0
    rejected: int = 0
    retrying: int = 0
    error: str | None = None

    def summary(self) -> str:
        if not self.enrolled:
            return self.error or _NOT_ENROLLED
        text = (
            f"sealed {self.sealed}; sent {self.sent}: {self.acknowledged} acknowledged, "
            f"{self.rejected} rejected, {self.retrying} to retry"
        )
        return f"{text}; error: {self.error}" if self.error else text


class SyncWorker:
    def __init__(
        self,
        settings: Settings,
        engine: Engine,
        enrolments: EnrolmentCache,
        *,
        wake: asyncio.Event | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
        clock: Clock = utc_now,
        sleep: Sleep = asyncio.sleep,
        rand: Callable[[], float] = _JITTER.random,
    ) -> None:
        self.settings, self.engine, self.enrolments = settings, engine, enrolments
        self.wake = wake or asyncio.Event()
        self._transport, self._clock, self._sleep, self._rand = transport, clock, sleep, rand
        self._client: httpx.AsyncClient | None = None
        self._client_url: str | None = None
        self._failed_passes = 0

    async def run(self) -> None:
        """Forever: recover, then pass, wait, pass … (cancel to stop)."""
        recovered = await self._in_db(outbox_store.recover_sending)
        if recovered:
            log.info("sync: %d records left sending by a restart are pending again", recovered)
        while True:
            self.wake.clear()
            try:
                outcome = await self.drain()
                delay = await self._delay_after(outcome)
            except Exception as error:  # never die; log the kind only (SQL errors carry values)
                log.error("sync: pass failed: %s", type(error).__name__)
                self._failed_passes += 1
                delay = self.backoff(self._failed_passes)
            await self._wait(delay)

    async def drain(self) -> PassOutcome:
        """One pass: seal what needs sealing, send until nothing is due."""
        enrolled = self.enrolments.current()
        if enrolled is None:
            return PassOutcome(enrolled=False, error=self.enrolments.error or _NOT_ENROLLED)
        outcome = PassOutcome()
        outcome.sealed = await self._in_db(
            partial(outbox_store.seal_plaintext_rows, sealer=enrolled.sealer, now=self._clock())
        )
        try:
            client = await self._client_for(enrolled.enrolment)
        except SyncError as error:
            outcome.error = str(error)
            return outcome
        while outcome.error is None:
            claim = partial(
                outbox_store.claim_batch, now=self._clock(), limit=self.settings.sync_batch_size
            )
            claimed = await self._in_db(claim)
            if not claimed:
                break
            batch = [row for row, _ in claimed]
            changes, outcome.error = await self._send(client, claimed)
            apply = partial(
                outbox_store.apply_changes,
                batch=batch,
                changes=changes,
                now=self._clock(),
                delay_for=self.backoff,
            )
            await self._in_db(apply)
            _tally(outcome, changes)
        if outcome.sealed or outcome.sent or outcome.error:
            log.info("sync: %s", outcome.summary())
        return outcome

    def backoff(self, attempt: int) -> float:
        return outbox.backoff_for(
            attempt,
            base=self.settings.sync_backoff_base_s,
            cap=self.settings.sync_backoff_cap_s,
            rand=self._rand,
        )

    async def aclose(self) -> None:
        if self._client is not None:
            await self._client.aclose()
            self._client = self._client_url = None

    async def _send(
        self, client: httpx.AsyncClient, claimed: list[tuple[outbox.OutboxRow, str]]
    ) -> tuple[list[outbox.Change], str | None]:
        batch = [row for row, _ in claimed]
        try:
            receipts = await upstream.push(client, [envelope for _, envelope in claimed])
        except BatchRefusedError as error:
            log.warning("sync: %s for a batch of %d; sending one by one", error, len(batch))
            return await self._send_each(client, claimed)
        except TransientPushError as error:
            return outbox.defer_all(batch, str(error)), str(error)
        changes = outbox.apply_receipts(batch, receipts)
        missing = sum(isinstance(change, outbox.Retry) for change in changes)
        # End the pass on a partial reply: the rest wait for their retry time.
        return changes, (f"{missing} records got no receipt" if missing else None)

    async def _send_each(
        self, client: httpx.AsyncClient, claimed: list[tuple[outbox.OutboxRow, str]]
    ) -> tuple[list[outbox.Change], str | None]:
        changes: list[outbox.Change] = []
        for index, (row, envelope) in enumerate(claimed):
            try:
                receipt = await upstream.put_one(client, row.id, envelope)
            except TransientPushError as error:
                rest = [other for other, _ in claimed[index:]]
                return [*changes, *outbox.defer_all(rest, str(error))], str(error)
            changes.extend(outbox.apply_receipts([row], [receipt]))
        return changes, None

    async def _client_for(self, enrolment: Enrolment) -> httpx.AsyncClient:
        if self._client is None or self._client_url != enrolment.upstream_url:
            await self.aclose()
            self._client = upstream.make_client(self.settings, self._transport)
            self._client_url = enrolment.upstream_url
        return self._client

    async def _delay_after(self, outcome: PassOutcome) -> float:
        idle = self.settings.sync_idle_poll_s
        if not outcome.enrolled:
            return idle
        due = await self._in_db(outbox_store.next_due_at)
        delay = idle if due is None else (due - self._clock()).total_seconds()
        delay = min(max(delay, 0.0), idle)
        if outcome.error is None:
            self._failed_passes = 0
            return delay
        # A failure that scheduled no record (say, an unreadable CA bundle)
        # must not turn into a busy loop: back off on failed passes as well.
        self._failed_passes += 1
        return max(delay, self.backoff(self._failed_passes))

    async def _wait(self, delay: float) -> None:
        if self.wake.is_set():
            return
        woken = asyncio.ensure_future(self.wake.wait())
        slept = asyncio.ensure_future(self._sleep(delay))
        try:
            await asyncio.wait({woken, slept}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for task in (woken, slept):
                task.cancel()
            await asyncio.gather(woken, slept, return_exceptions=True)

    async def _in_db(self, work: Callable[..., T]) -> T:
        def run() -> T:
            with Session(self.engine) as session:
                return work(session=session)

        # Off the event loop: sealing a backlog or a checkpoint must not stall pages.
        return await asyncio.to_thread(run)


def _tally(outcome: PassOutcome, changes: list[outbox.Change]) -> None:
    outcome.sent += len(changes)
    for change in changes:
        if isinstance(change, outbox.Acknowledged):
            outcome.acknowledged += 1
        elif isinstance(change, outbox.Rejected):
            outcome.rejected += 1
        else:  # Retry or Deferred
            outcome.retrying += 1
