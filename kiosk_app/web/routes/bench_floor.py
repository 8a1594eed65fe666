"""A floor for the benchmarks: the least a results page could possibly cost.

Only mounted when ``VITAL5_BENCH_FLOOR=true``. It does one durable SQLite
insert (same engine, same pragmas as real records) and renders a trivial
template, so bench/ can report the real submit path as a ratio against it
on the same machine in the same run. Like the real submit it posts, then
redirects to the page it renders (post-redirect-get).
"""

from __future__ import annotations

import os

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from sqlalchemy import text

from kiosk_app.web.deps import StateDep, render

router = APIRouter(prefix="/_bench", tags=["bench"], include_in_schema=False)

CREATE = "CREATE TABLE IF NOT EXISTS bench_floor (id INTEGER PRIMARY KEY, payload TEXT NOT NULL)"


def prepare(state: StateDep) -> None:
    with state.engine.begin() as connection:
        connection.execute(text(CREATE))


@router.post("/floor")
async def store(state: StateDep) -> RedirectResponse:
    with state.engine.begin() as connection:
        connection.execute(
            text("INSERT INTO bench_floor (payload) VALUES (:p)"), {"p": os.urandom(16).hex()}
        )
    return RedirectResponse("/_bench/floor", status_code=303)


@router.get("/floor", response_class=HTMLResponse)
async def page(request: Request) -> HTMLResponse:
    return render(request, "bench_floor.html", language="en", personal=False)
