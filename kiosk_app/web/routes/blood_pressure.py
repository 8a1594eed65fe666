"""The blood pressure page: cuff readings with live progress, or typed in.

The NICE NG136 repeat-reading rule (clinical.md §1.3, §9 B1–B2) decides, after
each reading, whether a second or third is needed; the decision is the pure
``next_bp_step`` and this module only gathers readings and shows them.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator

from fastapi import APIRouter, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse
from fastapi.sse import EventSourceResponse, ServerSentEvent

from device_drivers.events import (
    BloodPressureMeasured,
    CuffPressure,
    FailureReason,
    MeasurementFailed,
    Provenance,
)
from kiosk_app.domain.answers import BloodPressureReading, ReadingProvenance
from kiosk_app.domain.scoring.blood_pressure import BpStep, next_bp_step
from kiosk_app.questionnaire import engine
from kiosk_app.questionnaire.schema import Step
from kiosk_app.web.deps import SessionDep, StateDep, render
from kiosk_app.web.routes.questions import CONFIRM_PREFIX, render_step, where_next
from kiosk_app.web.sessions import CheckSession

router = APIRouter(prefix="/blood-pressure", tags=["blood pressure"])

STEP_ID = "blood_pressure"
PAGE = "/blood-pressure"
# NG136 uses at most three readings (clinical.md §9 B2); a page never needs more.
MAX_READINGS = 3


def _provenance(source: Provenance | None) -> ReadingProvenance | None:
    if source is None:
        return None
    device_time = source.device_time.isoformat() if source.device_time else None
    return ReadingProvenance(
        device_model=source.device_model,
        device_id=source.device_id,
        firmware=source.firmware,
        device_time=device_time,
        status_bits=source.status_bits,
        raw_frame_hex=source.raw_frame_hex,
    )


def _record(session: CheckSession, measured: BloodPressureMeasured) -> None:
    if len(session.bp_readings) < MAX_READINGS:
        session.bp_readings.append(
            BloodPressureReading(
                systolic=measured.systolic,
                diastolic=measured.diastolic,
                pulse=measured.pulse,
                irregular_pulse=measured.irregular_pulse,
                source=measured.device,
                provenance=_provenance(measured.provenance),
            )
        )


@router.get("", response_class=HTMLResponse)
async def show(
    request: Request, state: StateDep, session: SessionDep, failed: FailureReason | None = None
) -> HTMLResponse:
    return render(
        request,
        "blood_pressure.html",
        language=session.language,
        readings=session.bp_readings,
        next_step=next_bp_step(session.bp_readings),
        BpStep=BpStep,
        failed=failed,
        starts_on_device=state.bp_starts_on_device,
    )


@router.post("/measure")
async def measure_without_script(state: StateDep, session: SessionDep) -> Response:
    """The same measurement for a browser without JavaScript: wait, then show."""
    failed: MeasurementFailed | None = None
    async for event in state.cuff.measure():
        if isinstance(event, BloodPressureMeasured):
            _record(session, event)
        elif isinstance(event, MeasurementFailed):
            failed = event
    suffix = f"?failed={failed.reason.value}" if failed else ""
    return RedirectResponse(PAGE + suffix, status_code=303)


@router.get("/live", response_class=EventSourceResponse)
async def measure_live(state: StateDep, session: SessionDep) -> AsyncIterator[ServerSentEvent]:
    """Server-sent events: cuff pressure as it changes, then the outcome."""
    async for event in state.cuff.measure():
        if isinstance(event, CuffPressure):
            yield ServerSentEvent(event="pressure", raw_data=str(event.mmhg))
        elif isinstance(event, BloodPressureMeasured):
            _record(session, event)
            yield ServerSentEvent(event="done", raw_data=PAGE)
        else:
            yield ServerSentEvent(
                event="failed", raw_data=json.dumps({"url": f"{PAGE}?failed={event.reason.value}"})
            )


def _manual_step(state: StateDep) -> Step:
    step = state.form.step(STEP_ID)
    if step is None:
        raise RuntimeError("the form has no blood_pressure step")
    return step


@router.get("/manual", response_class=HTMLResponse)
async def manual_form(request: Request, state: StateDep, session: SessionDep) -> HTMLResponse:
    return render_step(request, state, session, _manual_step(state), back=PAGE)


@router.post("/manual")
async def manual_entry(request: Request, state: StateDep, session: SessionDep) -> Response:
    step = _manual_step(state)
    form = await request.form()
    raw = {k: v for k, v in form.items() if isinstance(v, str)}
    confirmed = {k.removeprefix(CONFIRM_PREFIX) for k in raw if k.startswith(CONFIRM_PREFIX)}
    outcome = engine.validate_step(step, raw, confirmed)
    problems = outcome.problems or engine.check_blood_pressure_pair(outcome.values)
    if problems:
        return render_step(request, state, session, step, raw=raw, problems=problems, back=PAGE)
    systolic, diastolic, pulse = (outcome.values.get(k) for k in ("systolic", "diastolic", "pulse"))
    if isinstance(systolic, int) and isinstance(diastolic, int):
        _record(
            session,
            BloodPressureMeasured(
                systolic, diastolic, pulse if isinstance(pulse, int) else None, False, "manual"
            ),
        )
    return RedirectResponse(PAGE, status_code=303)


@router.post("/done")
async def finish_readings(state: StateDep, session: SessionDep) -> Response:
    """Move on: the sequence is complete, or the resident chose to skip the rest."""
    session.done.add(STEP_ID)
    return RedirectResponse(where_next(state.form, session), status_code=303)


@router.post("/restart")
async def restart_readings(session: SessionDep) -> Response:
    session.bp_readings.clear()
    session.done.discard(STEP_ID)
    return RedirectResponse(PAGE, status_code=303)
