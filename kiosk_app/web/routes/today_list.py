"""``/admin/today``: the pharmacist's list of today's checks (pharmacy mode only).

A staff page behind the staff sign-in, in English. Each check shows its time,
the resident's language, a word for each Vital 5 result and the compact
summary line with its QR code, for the pharmacy's own records
(kiosk_app/web/today.py says what is kept and for how long).
"""

from __future__ import annotations

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import HTMLResponse

from kiosk_app.web import result_text
from kiosk_app.web.deps import StateDep, render, require_staff
from kiosk_app.web.routes.summary import qr_svg

router = APIRouter(prefix="/admin", tags=["admin"], dependencies=[Depends(require_staff)])


@router.get("/today", response_class=HTMLResponse)
async def today_page(request: Request, state: StateDep) -> HTMLResponse:
    if state.today is None:
        raise HTTPException(status_code=404, detail="only in pharmacy mode")
    return render(
        request,
        "admin_today.html",
        language="en",
        personal=False,
        entries=state.today.entries(),
        languages_by_code=state.catalogs.languages,
        t=result_text,
        qr=qr_svg,
    )
