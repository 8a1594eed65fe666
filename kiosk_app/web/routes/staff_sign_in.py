"""Staff sign-in and sign-out for the ``/admin`` pages (kiosk_app/web/staff.py).

In English, like the staff pages. Every outcome is a page a person can act
on: no passcode set yet (how to set one), a wrong passcode, too many tries
(how long to wait), or the page they asked for.
"""

from __future__ import annotations

import asyncio
import math
from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Form, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse

from kiosk_app.web.deps import StateDep, render
from kiosk_app.web.staff import (
    STAFF_COOKIE,
    PasscodeError,
    read_passcode_hash,
    verify_passcode,
)

router = APIRouter(prefix="/admin", tags=["admin"])

SIGN_IN = "/admin/sign-in"
HOME = "/admin/status"


def staff_sign_in_url(path: str) -> str:
    return f"{SIGN_IN}?{urlencode({'next': path})}"


# The pages a sign-in may return to: never outside the kiosk, never a
# resident's page, never anything a crafted path could resolve elsewhere.
STAFF_PAGES = frozenset({HOME, "/admin/languages", "/admin/today"})


def _staff_page(target: str | None) -> str:
    return target if target in STAFF_PAGES else HOME


def _page(
    request: Request, *, next_page: str, status_code: int = 200, **context: object
) -> HTMLResponse:
    return render(
        request,
        "admin_sign_in.html",
        language="en",
        personal=False,
        status_code=status_code,
        next_page=next_page,
        **context,
    )


@router.get("/sign-in", response_class=HTMLResponse)
async def sign_in_page(
    request: Request, state: StateDep, next: str | None = None, signed_out: bool = False
) -> HTMLResponse:
    try:
        ready = read_passcode_hash(state.settings.keys_dir) is not None
    except PasscodeError as error:
        return _page(request, next_page=_staff_page(next), problem=str(error), status_code=503)
    return _page(request, next_page=_staff_page(next), ready=ready, signed_out=signed_out)


@router.post("/sign-in", response_class=HTMLResponse)
async def sign_in(
    request: Request,
    state: StateDep,
    passcode: Annotated[str, Form()] = "",
    next: Annotated[str, Form()] = HOME,
) -> Response:
    next_page = _staff_page(next)
    wait_s = state.staff.locked_for()
    if wait_s > 0:
        minutes = math.ceil(wait_s / 60)
        return _page(
            request, next_page=next_page, ready=True, locked_minutes=minutes, status_code=429
        )
    if not passcode:
        return _page(
            request, next_page=next_page, ready=True, error="Enter the passcode", status_code=400
        )
    try:
        stored = read_passcode_hash(state.settings.keys_dir)
    except PasscodeError as error:
        return _page(request, next_page=next_page, problem=str(error), status_code=503)
    if stored is None:
        return _page(request, next_page=next_page, ready=False, status_code=400)
    # argon2 takes tens of milliseconds: off the event loop, residents' pages go on.
    if not await asyncio.to_thread(verify_passcode, stored, passcode):
        state.staff.failed()
        return _page(
            request,
            next_page=next_page,
            ready=True,
            error="The passcode is not right",
            status_code=400,
        )
    response = RedirectResponse(next_page, status_code=303)
    response.set_cookie(
        STAFF_COOKIE, state.staff.sign_in(), httponly=True, samesite="strict", path="/admin"
    )
    return response


@router.post("/sign-out")
async def sign_out(request: Request, state: StateDep) -> RedirectResponse:
    state.staff.sign_out(request.cookies.get(STAFF_COOKIE))
    response = RedirectResponse(f"{SIGN_IN}?signed_out=true", status_code=303)
    response.delete_cookie(STAFF_COOKIE, path="/admin")
    return response
