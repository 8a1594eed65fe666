"""The question pages: one step of the form per page, driven by forms/ data."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse

from kiosk_app.questionnaire import engine
from kiosk_app.questionnaire.engine import Problem
from kiosk_app.questionnaire.schema import FieldSpec, Form, Step
from kiosk_app.web.deps import SessionDep, StateDep, render
from kiosk_app.web.filters import shown_value
from kiosk_app.web.sessions import CheckSession
from kiosk_app.web.state import KioskState

router = APIRouter(prefix="/check", tags=["questions"])

REVIEW_URL = "/review"
CONFIRM_PREFIX = "confirm_"


def step_url(step: Step) -> str:
    return "/blood-pressure" if step.kind == "blood_pressure" else f"/check/{step.id}"


def where_next(form: Form, session: CheckSession) -> str:
    """The first unanswered step, or the review page once everything is answered."""
    step = engine.first_incomplete(form, session.answers, session.done)
    return step_url(step) if step else REVIEW_URL


def back_url(form: Form, session: CheckSession, step_id: str) -> str:
    previous = engine.previous_step(form, session.answers, step_id)
    return step_url(previous) if previous else "/consent"


def _message(state: KioskState, language: str, spec: FieldSpec, problem: Problem) -> str:
    template: str = getattr(spec.messages, problem.code.value) or spec.messages.required or ""
    return state.catalogs.gettext(language, template).format(**problem.params)


def render_step(
    request: Request,
    state: KioskState,
    session: CheckSession,
    step: Step,
    *,
    raw: dict[str, str] | None = None,
    problems: tuple[Problem, ...] = (),
    back: str | None = None,
    from_scale: bool = False,
    scale_failed: bool = False,
) -> HTMLResponse:
    by_field = {p.field_id: p for p in problems}
    errors = {
        spec.id: _message(state, session.language, spec, by_field[spec.id])
        for spec in step.fields
        if spec.id in by_field
    }
    unusual = {p.field_id for p in problems if p.code is engine.ProblemCode.UNUSUAL}
    values: dict[str, str] = {
        spec.id: shown_value(session.answers.get(spec.id)) for spec in step.fields
    }
    if raw is not None:
        values.update({k: v for k, v in raw.items() if k in values})
    return render(
        request,
        "question.html",
        language=session.language,
        status_code=400 if problems else 200,
        step=step,
        values=values,
        errors=errors,
        unusual=unusual,
        back_url=back or back_url(state.form, session, step.id),
        scale_available=state.scale is not None and step.id == "height_weight",
        from_scale=from_scale,
        scale_failed=scale_failed,
    )


@router.get("")
async def resume(state: StateDep, session: SessionDep) -> Response:
    return RedirectResponse(where_next(state.form, session), status_code=303)


def _visible_step(state: KioskState, session: CheckSession, step_id: str) -> Step | None:
    step = state.form.step(step_id)
    if step is None or step.kind != "questions":
        return None
    visible = {s.id for s in engine.visible_steps(state.form, session.answers)}
    return step if step.id in visible else None


@router.get("/{step_id}", response_class=HTMLResponse)
async def show_step(
    request: Request, state: StateDep, session: SessionDep, step_id: str
) -> Response:
    step = _visible_step(state, session, step_id)
    if step is None:
        return RedirectResponse(where_next(state.form, session), status_code=303)
    return render_step(request, state, session, step)


@router.post("/{step_id}")
async def answer_step(
    request: Request, state: StateDep, session: SessionDep, step_id: str
) -> Response:
    step = _visible_step(state, session, step_id)
    if step is None:
        return RedirectResponse(where_next(state.form, session), status_code=303)
    form = await request.form()
    raw = {k: v for k, v in form.items() if isinstance(v, str)}
    confirmed = {k.removeprefix(CONFIRM_PREFIX) for k in raw if k.startswith(CONFIRM_PREFIX)}
    outcome = engine.validate_step(step, raw, confirmed)
    # Keep every good answer even when another field on the page is wrong.
    session.answers.update(outcome.values)
    if not outcome.ok:
        return render_step(request, state, session, step, raw=raw, problems=outcome.problems)
    return RedirectResponse(where_next(state.form, session), status_code=303)
