"""Everything a request handler needs, built once per app and shared."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Protocol

from sqlalchemy import Engine

from device_drivers.events import DeviceEvent
from kiosk_app.questionnaire.schema import Form
from kiosk_app.settings import Settings
from kiosk_app.web.i18n import Catalogs
from kiosk_app.web.sessions import SessionStore


class BloodPressureDevice(Protocol):
    name: str

    def measure(self) -> AsyncIterator[DeviceEvent]: ...


@dataclass(frozen=True, slots=True)
class KioskState:
    settings: Settings
    form: Form
    catalogs: Catalogs
    sessions: SessionStore
    engine: Engine
    bp_device: BloodPressureDevice
