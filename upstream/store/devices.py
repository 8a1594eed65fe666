"""The device registry: enrol, look up, list and revoke.

Keyword-only functions. Changes are flushed, not committed: the caller
commits them together with their audit row.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import datetime

from sqlmodel import Session, col, select

from upstream.enrolment import EnrolmentCode
from upstream.store.tables import Device

SITE_ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$"
_SITE_ID = re.compile(SITE_ID_PATTERN)


class DeviceRegistryError(ValueError):
    """The registry refuses the change (the message says why)."""


def enrol(*, session: Session, code: EnrolmentCode, site_id: str, now: datetime) -> Device:
    """Register a device; enrolling the same code at the same site again is a no-op."""
    if not _SITE_ID.fullmatch(site_id):
        raise DeviceRegistryError(f"site id {site_id!r} does not match {SITE_ID_PATTERN}")
    existing = session.get(Device, code.device_id)
    if existing is not None:
        if existing.revoked_at is not None:
            raise DeviceRegistryError(f"{code.device_id} was revoked; it cannot be re-enrolled")
        if existing.public_key != code.public_key or existing.site_id != site_id:
            raise DeviceRegistryError(
                f"{code.device_id} is already enrolled with another key or site; "
                "a device with a new key enrols under its new device id"
            )
        return existing
    device = Device(
        device_id=code.device_id,
        key_id=code.key_id,
        public_key=code.public_key,
        site_id=site_id,
        enrolled_at=now,
    )
    session.add(device)
    session.flush()
    return device


def revoke(*, session: Session, device_id: str, now: datetime) -> Device:
    """Refuse the device's records from now on; the records it sent stay."""
    device = session.get(Device, device_id)
    if device is None:
        raise LookupError(device_id)
    if device.revoked_at is None:
        device.revoked_at = now
        session.add(device)
        session.flush()
    return device


def list_devices(*, session: Session) -> list[Device]:
    return list(session.exec(select(Device).order_by(col(Device.device_id))))


def find_devices(*, session: Session, device_ids: Iterable[str]) -> dict[str, Device]:
    wanted = sorted(set(device_ids))
    if not wanted:
        return {}
    found = session.exec(select(Device).where(col(Device.device_id).in_(wanted)))
    return {device.device_id: device for device in found}
