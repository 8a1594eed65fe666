"""The kiosk web app: ``create_app(settings)`` wires the shell around the core."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import date
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.responses import RedirectResponse
from fastapi.staticfiles import StaticFiles

from kiosk_app.devices.factory import (
    bp_spec,
    make_bp_driver,
    make_scale_driver,
    starts_on_the_device,
)
from kiosk_app.devices.service import ManagedCuff
from kiosk_app.questionnaire.schema import load_form
from kiosk_app.settings import Mode, Settings
from kiosk_app.store import migrate
from kiosk_app.store.db import make_engine
from kiosk_app.sync.hub import SyncHub
from kiosk_app.web.deps import SESSION_COOKIE, NoSessionError, StaffSignInRequiredError
from kiosk_app.web.i18n import Catalogs
from kiosk_app.web.routes import (
    admin,
    bench_floor,
    blood_pressure,
    health,
    questions,
    results,
    scale,
    staff_sign_in,
    start,
    summary,
    today_list,
)
from kiosk_app.web.routes.staff_sign_in import staff_sign_in_url
from kiosk_app.web.security import SecurityHeaders
from kiosk_app.web.sessions import SessionStore
from kiosk_app.web.staff import StaffSessions
from kiosk_app.web.state import KioskState
from kiosk_app.web.today import TodayList

APP_STATIC = Path(__file__).parent / "web" / "static"


def create_app(
    settings: Settings | None = None,
    *,
    clock: Callable[[], float] = time.monotonic,
    today: Callable[[], date] = date.today,
) -> FastAPI:
    settings = settings or Settings()
    if not (settings.assets_dir / "nhsuk-frontend.min.css").is_file():
        raise RuntimeError(
            f"NHS.UK frontend assets missing in {settings.assets_dir}: run `make assets`"
        )
    migrate.ensure_current(settings.database_url)
    spec = bp_spec(settings)
    engine = make_engine(settings.database_url)
    state = KioskState(
        settings=settings,
        form=load_form(settings.forms_dir / "vital5.yaml"),
        catalogs=Catalogs(settings.locale_dir),
        sessions=SessionStore(
            ttl_s=settings.inactivity_timeout_s + settings.server_session_grace_s, clock=clock
        ),
        engine=engine,
        cuff=ManagedCuff(make_bp_driver(settings, spec)),
        scale=make_scale_driver(settings),
        staff=StaffSessions(idle_s=settings.staff_idle_s, clock=clock),
        bp_starts_on_device=starts_on_the_device(spec),
        today=TodayList(today=today) if settings.mode is Mode.PHARMACY else None,
    )

    sync = SyncHub(settings, engine)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        if settings.sync_worker:
            sync.start()
        try:
            yield
        finally:
            # Also when another part's start-up fails after the worker began.
            await sync.stop()
            await state.cuff.close()
            engine.dispose()

    app = FastAPI(title="Vital 5 Check kiosk", lifespan=lifespan, docs_url=None, redoc_url=None)
    app.state.kiosk = state
    app.state.sync = sync
    app.add_middleware(SecurityHeaders)
    app.mount("/assets", StaticFiles(directory=settings.assets_dir / "assets"), name="assets")
    app.mount("/static/nhsuk", StaticFiles(directory=settings.assets_dir), name="nhsuk")
    app.mount("/static/app", StaticFiles(directory=APP_STATIC), name="app-static")
    # The scale's route comes before the generic /check/{step_id} routes.
    for module in (
        start,
        scale,
        questions,
        blood_pressure,
        results,
        staff_sign_in,
        admin,
        today_list,
        summary,
        health,
    ):
        app.include_router(module.router)
    if settings.bench_floor:
        bench_floor.prepare(state)
        app.include_router(bench_floor.router)

    @app.exception_handler(NoSessionError)
    async def no_session(_request: Request, _exc: NoSessionError) -> RedirectResponse:
        # Ended, timed out, or never started: back to a clean start page.
        response = RedirectResponse("/?cleared=expired", status_code=303)
        response.delete_cookie(SESSION_COOKIE, path="/")
        return response

    @app.exception_handler(StaffSignInRequiredError)
    async def to_staff_sign_in(
        _request: Request, exc: StaffSignInRequiredError
    ) -> RedirectResponse:
        return RedirectResponse(staff_sign_in_url(exc.path), status_code=303)

    return app
