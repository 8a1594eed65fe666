"""Everything a request handler needs, built once per app and shared."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Engine

from kiosk_app.devices.service import ManagedCuff, ScaleDriver
from kiosk_app.questionnaire.schema import Form
from kiosk_app.settings import Settings
from kiosk_app.web.i18n import Catalogs
from kiosk_app.web.sessions import SessionStore
from kiosk_app.web.staff import StaffSessions
from kiosk_app.web.today import TodayList


@dataclass(frozen=True, slots=True)
class KioskState:
    settings: Settings
    form: Form
    catalogs: Catalogs
    sessions: SessionStore
    engine: Engine
    cuff: ManagedCuff
    scale: ScaleDriver | None
    staff: StaffSessions
    # The resident presses START on the cuff (Bluetooth, Omron), not on screen.
    bp_starts_on_device: bool = False
    # Pharmacy mode only: today's checks for the pharmacist (web/today.py).
    today: TodayList | None = None
