"""Start, consent, language, keep-alive and the end of a check."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Form, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse

from kiosk_app.web.deps import SESSION_COOKIE, NewSessionDep, StateDep, render

router = APIRouter(tags=["start"])

EndReason = Literal["finish", "timeout", "declined", "expired"]


def _see_other(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303)


def _safe_next(target: str | None) -> str:
    # Only ever return to a path on this kiosk, never an outside address.
    if target and target.startswith("/") and not target.startswith("//"):
        return target
    return "/"


@router.get("/", response_class=HTMLResponse)
async def start_page(
    request: Request, state: StateDep, lang: str | None = None, cleared: EndReason | None = None
) -> HTMLResponse:
    language = lang if lang in state.catalogs.languages else state.settings.default_language
    return render(request, "start.html", language=language, cleared=cleared, personal=False)


@router.post("/start")
async def start_check(
    state: StateDep, request: Request, language: Annotated[str, Form()] = "en"
) -> Response:
    # A new person: forget anything a previous session left behind.
    state.sessions.end(request.cookies.get(SESSION_COOKIE))
    if language not in state.catalogs.languages:
        language = state.settings.default_language
    session = state.sessions.create(language)
    response = _see_other("/consent")
    response.set_cookie(SESSION_COOKIE, session.token, httponly=True, samesite="strict", path="/")
    return response


@router.get("/consent", response_class=HTMLResponse)
async def consent_page(
    request: Request, session: NewSessionDep, error: bool = False
) -> HTMLResponse:
    return render(request, "consent.html", language=session.language, error=error)


@router.post("/consent")
async def give_consent(
    request: Request,
    state: StateDep,
    session: NewSessionDep,
    consent: Annotated[str | None, Form()] = None,
) -> Response:
    if consent == "yes":
        session.consented = True
        return _see_other("/check")
    if consent == "no":
        language = session.language
        state.sessions.end(session.token)
        response = render(request, "declined.html", language=language, personal=False)
        response.delete_cookie(SESSION_COOKIE, path="/")
        return response
    return render(request, "consent.html", language=session.language, error=True, status_code=400)


@router.get("/language", response_class=HTMLResponse)
async def language_page(
    request: Request, state: StateDep, next: str = "/", lang: str | None = None
) -> HTMLResponse:
    """Every language by its own name; choosing one returns to ``next``.

    Before a check starts there is no session, so the page is shown in the
    language of the page the resident came from (``lang``).
    """
    session = state.sessions.get(request.cookies.get(SESSION_COOKIE))
    if session is not None:
        language = session.language
    elif lang in state.catalogs.languages:
        language = lang
    else:
        language = state.settings.default_language
    return render(
        request, "language.html", language=language, next=_safe_next(next), personal=bool(session)
    )


@router.get("/language/{code}")
async def change_language(
    request: Request, state: StateDep, code: str, next: str = "/"
) -> Response:
    """Switch language on any page; every answer stays where it was."""
    if code not in state.catalogs.languages:
        return _see_other(_safe_next(next))
    session = state.sessions.get(request.cookies.get(SESSION_COOKIE))
    if session is None:
        return _see_other(f"/?lang={code}")
    session.language = code
    return _see_other(_safe_next(next))


@router.post("/session/keepalive", status_code=204)
async def keep_alive(session: NewSessionDep) -> Response:
    # Reading the session through the dependency already marked it as seen.
    return Response(status_code=204)


@router.post("/session/end")
async def end_session(
    request: Request, state: StateDep, reason: Annotated[EndReason, Form()] = "finish"
) -> Response:
    state.sessions.end(request.cookies.get(SESSION_COOKIE))
    response = _see_other(f"/?cleared={reason}")
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response
