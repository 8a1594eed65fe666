"""The resident's check in progress, held in memory only.

Nothing a resident types is written to disk until the check is complete and
stored as a record. The session lives in this process: when the resident
finishes, walks away, or the kiosk restarts, it is gone. A kiosk runs one
server process, so one in-memory store is the whole truth, and every handler
that touches a session is ``async``: all changes happen on the one event-loop
thread, never concurrently.
"""

from __future__ import annotations

import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from kiosk_app.domain.answers import BloodPressureReading, CheckAnswers
from kiosk_app.questionnaire.engine import Value


@dataclass(slots=True)
class CheckSession:
    token: str
    language: str
    last_seen: float
    consented: bool = False
    answers: dict[str, Value] = field(default_factory=dict)
    bp_readings: list[BloodPressureReading] = field(default_factory=list)
    # Steps finished by something other than answers (the BP page).
    done: set[str] = field(default_factory=set)
    # Set once the check is stored: the answers as scored, the result shown
    # and the record's id.
    scored: CheckAnswers | None = None
    result: Any = None
    record_id: str | None = None


class SessionStore:
    """Sessions by unguessable token; each forgotten after ``ttl_s`` idle."""

    def __init__(self, ttl_s: float, clock: Callable[[], float] = time.monotonic) -> None:
        self._ttl_s = ttl_s
        self._clock = clock
        self._sessions: dict[str, CheckSession] = {}

    def __len__(self) -> int:
        return len(self._sessions)

    def create(self, language: str) -> CheckSession:
        self.sweep()
        session = CheckSession(
            token=secrets.token_urlsafe(32), language=language, last_seen=self._clock()
        )
        self._sessions[session.token] = session
        return session

    def get(self, token: str | None) -> CheckSession | None:
        """The live session for a token, touched; None if unknown or expired."""
        if not token:
            return None
        session = self._sessions.get(token)
        if session is None:
            return None
        now = self._clock()
        if now - session.last_seen > self._ttl_s:
            self.end(token)
            return None
        session.last_seen = now
        return session

    def end(self, token: str | None) -> None:
        if token:
            self._sessions.pop(token, None)

    def sweep(self) -> None:
        """Forget every session idle for longer than the limit."""
        cutoff = self._clock() - self._ttl_s
        for token in [t for t, s in self._sessions.items() if s.last_seen < cutoff]:
            del self._sessions[token]
