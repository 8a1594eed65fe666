"""Request dependencies: the shared kiosk state and the resident's session."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi.responses import HTMLResponse

from kiosk_app.web.sessions import CheckSession
from kiosk_app.web.staff import STAFF_COOKIE
from kiosk_app.web.state import KioskState

SESSION_COOKIE = "v5check"


class NoSessionError(Exception):
    """The request needs a check in progress and there is none (ended or timed out)."""


class StaffSignInRequiredError(Exception):
    """A staff page without a live staff session: sign in, then come back to ``path``."""

    def __init__(self, path: str) -> None:
        super().__init__(path)
        self.path = path


# The dependencies are ``async`` only so FastAPI runs them on the event loop:
# they never block, and a sync dependency costs a threadpool hop per request.
async def get_state(request: Request) -> KioskState:
    return _state(request)


def _state(request: Request) -> KioskState:
    state: KioskState = request.app.state.kiosk
    return state


StateDep = Annotated[KioskState, Depends(get_state)]


def _session(request: Request) -> CheckSession:
    session = _state(request).sessions.get(request.cookies.get(SESSION_COOKIE))
    if session is None:
        raise NoSessionError
    return session


# Each reads the state itself rather than depending on ``get_state``: every
# nested dependency is another round of FastAPI's dependency solving on
# every request (docs/benchmarks.md).
async def get_check_session(request: Request) -> CheckSession:
    return _session(request)


async def get_consented_session(request: Request) -> CheckSession:
    session = _session(request)
    if not session.consented:
        raise NoSessionError
    return session


async def require_staff(request: Request) -> None:
    """For ``dependencies=[...]`` of every staff page (kiosk_app/web/staff.py)."""
    if not _state(request).staff.touch(request.cookies.get(STAFF_COOKIE)):
        raise StaffSignInRequiredError(request.scope["path"])


SessionDep = Annotated[CheckSession, Depends(get_consented_session)]
NewSessionDep = Annotated[CheckSession, Depends(get_check_session)]


def render(
    request: Request,
    template: str,
    *,
    language: str,
    status_code: int = 200,
    **context: Any,
) -> HTMLResponse:
    """Render a page in the resident's language."""
    state = _state(request)
    lang = state.catalogs.languages.get(language) or state.catalogs.languages["en"]
    env = state.catalogs.environment(lang.code)
    html = env.get_template(template).render(
        request=request,
        lang=lang,
        languages=state.catalogs.languages.values(),
        csp_nonce=request.scope.get("state", {}).get("csp_nonce", ""),
        settings=state.settings,
        path=request.scope["path"],
        **({"personal": True} | context),
    )
    return HTMLResponse(html, status_code=status_code)
