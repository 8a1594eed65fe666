"""What staff and monitoring see of a kiosk: devices, sync, sessions; never a resident.

``/healthz`` is the JSON for monitoring; ``/admin/status`` shows the same
figures to staff as a page (English, after a staff sign-in, as for the
other admin pages). Both are built from one snapshot.
"""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, JSONResponse

from kiosk_app.sync.hub import hub_of
from kiosk_app.web.deps import StateDep, render, require_staff

router = APIRouter(tags=["health"])


def snapshot(request: Request, state: StateDep) -> dict[str, object]:
    sync = hub_of(request.app).health()
    cuff = state.cuff.health()
    return {
        "status": "ok",
        "mode": state.settings.mode.value,
        "site_id": state.settings.site_id,
        "active_sessions": len(state.sessions),
        # The same count as sync's own "pending", read once.
        "records_pending_sync": sync["pending"],
        "devices": [
            {
                "role": cuff.role,
                "name": cuff.name,
                "status": cuff.status.value,
                "last_failure": cuff.last_failure.value if cuff.last_failure else None,
            }
        ],
        "sync": sync,
    }


@router.get("/healthz")
def healthz(request: Request, state: StateDep) -> JSONResponse:
    return JSONResponse(snapshot(request, state))


@router.get("/admin/status", response_class=HTMLResponse, dependencies=[Depends(require_staff)])
def status_page(request: Request, state: StateDep) -> HTMLResponse:
    return render(
        request, "admin_status.html", language="en", personal=False, health=snapshot(request, state)
    )
