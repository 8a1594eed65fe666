"""Pharmacy mode: today's completed checks, for the pharmacist, in memory only.

A pharmacist running guided checks needs to see, later the same day, what a
resident's check found: to record it in the pharmacy's own system or follow
up a red result. Issue #4 allows such a staff list if it is protected at
rest and expires at the end of the day. This one never touches the disk: it
lives in the kiosk process's memory (like a resident's session), is shown
only on a staff page behind the staff sign-in, is emptied when the kiosk's
local date changes, and is gone when the kiosk restarts. Kiosk and outreach
modes keep no list at all.

Each entry holds the scored result and the compact summary line (the same
codes as the take-home summary's QR code: no postcode, no free text, not
the self-harm answer), never the answers themselves.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Final

from kiosk_app.domain.vital5 import Vital5Result

# A busy pharmacy does tens of checks a day; the bound keeps memory flat
# whatever happens.
MAX_ENTRIES: Final = 500


@dataclass(frozen=True, slots=True)
class TodayEntry:
    record_id: str
    completed_at: datetime  # the kiosk's local time
    language: str
    result: Vital5Result
    summary_code: str


class TodayList:
    def __init__(self, *, today: Callable[[], date], max_entries: int = MAX_ENTRIES) -> None:
        self._today = today
        self._day = today()
        self._entries: deque[TodayEntry] = deque(maxlen=max_entries)

    def add(self, entry: TodayEntry) -> None:
        self._forget_other_days()
        self._entries.append(entry)

    def entries(self) -> list[TodayEntry]:
        """Today's checks, newest first."""
        self._forget_other_days()
        return list(reversed(self._entries))

    def __len__(self) -> int:
        self._forget_other_days()
        return len(self._entries)

    def _forget_other_days(self) -> None:
        day = self._today()
        if day != self._day:
            self._entries.clear()
            self._day = day
