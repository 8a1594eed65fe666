"""The scale fills height and weight; the resident checks them, then continues.

A reading from the scale is never saved straight into the answers: it fills
the form, and goes through the same checks as typed numbers when the
resident presses Continue. A scale that fails says so in plain words and the
numbers can still be typed.
"""

from __future__ import annotations

import asyncio
from decimal import Decimal

from fastapi import APIRouter, Request, Response
from fastapi.responses import RedirectResponse

from device_drivers.errors import DeviceError
from kiosk_app.web.deps import SessionDep, StateDep
from kiosk_app.web.routes.questions import render_step

router = APIRouter(tags=["scale"])

STEP_ID = "height_weight"
# A person standing on the plate settles within seconds; past this, say so.
WEIGH_TIMEOUT_S = 60.0


@router.post(f"/check/{STEP_ID}/scale")
async def weigh(request: Request, state: StateDep, session: SessionDep) -> Response:
    step = state.form.step(STEP_ID)
    if state.scale is None or step is None:
        return RedirectResponse(f"/check/{STEP_ID}", status_code=303)
    try:
        async with asyncio.timeout(WEIGH_TIMEOUT_S):
            reading = await state.scale.weigh()
    except (DeviceError, TimeoutError):
        return render_step(request, state, session, step, scale_failed=True)
    raw = {"weight_kg": format(reading.weight_kg.quantize(Decimal("0.1")), "f")}
    if reading.height_cm is not None:
        raw["height_cm"] = format(reading.height_cm.normalize(), "f")
    return render_step(request, state, session, step, raw=raw, from_scale=True)
