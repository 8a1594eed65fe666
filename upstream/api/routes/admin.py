"""Administration over JSON: the device registry, the audit log, the public keys."""

from __future__ import annotations

import json
from typing import Annotated

from fastapi import APIRouter, Path, Query
from pydantic import BaseModel, ConfigDict, Field
from sqlmodel import Session

from upstream.api.deps import AdminActor, StateDep
from upstream.api.errors import ApiError
from upstream.api.schemas import AuditEventOut, DeviceIn, DeviceOut, Problem, PublicKeyOut
from upstream.enrolment import EnrolmentCodeError, parse_enrolment_code
from upstream.envelope import DEVICE_ID_PATTERN
from upstream.store import audit, devices
from upstream.store.db import as_utc
from upstream.store.tables import AuditEvent, Device

router = APIRouter(prefix="/api/v1", tags=["admin"])

_PROBLEMS: dict[int | str, dict[str, object]] = {
    401: {"model": Problem},
    403: {"model": Problem},
}


class AuditPage(BaseModel):
    model_config = ConfigDict(extra="forbid")

    after: int = Field(0, ge=0, le=2**63 - 1, description="The last event id already read")
    limit: int = Field(100, ge=1, le=1000)


def device_out(device: Device) -> DeviceOut:
    revoked = device.revoked_at
    return DeviceOut(
        device_id=device.device_id,
        key_id=device.key_id,
        public_key=device.public_key,
        site_id=device.site_id,
        enrolled_at=as_utc(device.enrolled_at),
        revoked_at=as_utc(revoked) if revoked is not None else None,
    )


@router.get("/devices", response_model=list[DeviceOut], responses=_PROBLEMS)
def list_devices(state: StateDep, _actor: AdminActor) -> list[DeviceOut]:
    with Session(state.engine) as session:
        return [device_out(device) for device in devices.list_devices(session=session)]


@router.post(
    "/devices",
    status_code=201,
    response_model=DeviceOut,
    responses={400: {"model": Problem}, 409: {"model": Problem}, **_PROBLEMS},
    summary="Enrol a device from the code its kiosk printed",
)
def enrol_device(body: DeviceIn, state: StateDep, actor: AdminActor) -> DeviceOut:
    try:
        code = parse_enrolment_code(body.code)
    except EnrolmentCodeError as error:
        raise ApiError(400, "bad_enrolment_code", str(error)) from error
    with Session(state.engine) as session:
        try:
            device = devices.enrol(
                session=session, code=code, site_id=body.site_id, now=state.clock()
            )
        except devices.DeviceRegistryError as error:
            raise ApiError(409, "device_conflict", str(error)) from error
        audit.add_event(
            session=session,
            actor=actor.label,
            action="device.enrol",
            at=state.clock(),
            target=device.device_id,
            detail={"site_id": device.site_id, "key_id": device.key_id},
        )
        session.commit()
        return device_out(device)


@router.post(
    "/devices/{device_id}:revoke",
    response_model=DeviceOut,
    responses={404: {"model": Problem}, **_PROBLEMS},
    summary="Refuse a device's records from now on",
)
def revoke_device(
    device_id: Annotated[str, Path(pattern=DEVICE_ID_PATTERN)], state: StateDep, actor: AdminActor
) -> DeviceOut:
    with Session(state.engine) as session:
        try:
            device = devices.revoke(session=session, device_id=device_id, now=state.clock())
        except LookupError as error:
            raise ApiError(404, "not_found", "no device with this id") from error
        audit.add_event(
            session=session,
            actor=actor.label,
            action="device.revoke",
            at=state.clock(),
            target=device_id,
        )
        session.commit()
        return device_out(device)


@router.get("/audit", response_model=list[AuditEventOut], responses=_PROBLEMS)
def audit_log(
    state: StateDep, _actor: AdminActor, page: Annotated[AuditPage, Query()]
) -> list[AuditEventOut]:
    with Session(state.engine) as session:
        events = audit.list_events(session=session, after_id=page.after, limit=page.limit)
        return [_event_out(event) for event in events]


@router.get("/keys", response_model=list[PublicKeyOut], tags=["records"])
def public_keys(state: StateDep) -> list[PublicKeyOut]:
    """The public keys records may be sealed to (public: nothing secret here)."""
    return [
        PublicKeyOut(key_id=k.key_id, public_key=k.public_key) for k in state.keyring.public_keys()
    ]


def _event_out(event: AuditEvent) -> AuditEventOut:
    assert event.id is not None
    return AuditEventOut(
        id=event.id,
        at=as_utc(event.at),
        actor=event.actor,
        action=event.action,
        target=event.target,
        detail=json.loads(event.detail),
    )
