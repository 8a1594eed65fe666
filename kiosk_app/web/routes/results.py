"""Check your answers, store the check, then show what the results mean."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from fastapi import APIRouter, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse

from kiosk_app.domain.codec import answers_to_json, result_to_json
from kiosk_app.domain.vital5 import score_check
from kiosk_app.questionnaire import engine
from kiosk_app.questionnaire.assemble import build_check_answers
from kiosk_app.store.tables import CheckRecordBase
from kiosk_app.sync.hub import hub_of
from kiosk_app.web import result_text
from kiosk_app.web.deps import SessionDep, StateDep, render
from kiosk_app.web.routes.questions import step_url, where_next
from kiosk_app.web.routes.summary import compact_summary, qr_svg, support_for
from kiosk_app.web.today import TodayEntry

router = APIRouter(tags=["results"])


@router.get("/review", response_class=HTMLResponse)
async def review(request: Request, state: StateDep, session: SessionDep) -> Response:
    if session.result is not None:
        return RedirectResponse("/results", status_code=303)
    if engine.first_incomplete(state.form, session.answers, session.done) is not None:
        return RedirectResponse(where_next(state.form, session), status_code=303)
    steps = [s for s in engine.visible_steps(state.form, session.answers) if s.kind == "questions"]
    return render(
        request,
        "review.html",
        language=session.language,
        steps=steps,
        answers=session.answers,
        readings=session.bp_readings,
        step_url=step_url,
    )


@router.post("/submit")
async def submit(request: Request, state: StateDep, session: SessionDep) -> Response:
    if session.result is None:
        if engine.first_incomplete(state.form, session.answers, session.done) is not None:
            return RedirectResponse(where_next(state.form, session), status_code=303)
        # Functional core: assemble and score plain values ...
        relevant = engine.relevant_answers(state.form, session.answers)
        answers = build_check_answers(relevant, session.bp_readings)
        result = score_check(answers)
        # ... imperative shell: the record is durable *before* results show,
        # sealed to the upstream if the device is enrolled (docs/privacy.md).
        # Written on the event loop on purpose: one short local commit, and no
        # other resident's request can interleave with this one.
        completed_at = datetime.now(UTC)
        with state.engine.connect() as connection:
            record_id = hub_of(request.app).store_check(
                connection=connection,
                record=CheckRecordBase(
                    site_id=state.settings.site_id,
                    mode=state.settings.mode.value,
                    form_id=state.form.form_id,
                    form_version=state.form.version,
                    answers_json=json.dumps(answers_to_json(answers)),
                    result_json=json.dumps(result_to_json(result)),
                ),
                completed_at=completed_at,
            )
        session.scored, session.result, session.record_id = answers, result, record_id
        if state.today is not None:  # pharmacy mode: the pharmacist's list for today
            local = completed_at.astimezone()
            state.today.add(
                TodayEntry(
                    record_id,
                    local,
                    session.language,
                    result,
                    compact_summary(result, local.date()),
                )
            )
    target = "/results/urgent" if session.result.needs_urgent_page else "/results"
    return RedirectResponse(target, status_code=303)


def _result_or_review(session: SessionDep) -> Response | None:
    if session.result is None:
        return RedirectResponse("/review", status_code=303)
    return None


@router.get("/results/urgent", response_class=HTMLResponse)
async def urgent(request: Request, state: StateDep, session: SessionDep) -> Response:
    return _result_or_review(session) or render(
        request,
        "urgent.html",
        language=session.language,
        result=session.result,
        support=support_for(state, session),
        qr=qr_svg,
    )


@router.get("/results", response_class=HTMLResponse)
async def results(request: Request, state: StateDep, session: SessionDep) -> Response:
    return _result_or_review(session) or render(
        request,
        "results.html",
        language=session.language,
        result=session.result,
        t=result_text,
        support=support_for(state, session),
        qr=qr_svg,
    )
