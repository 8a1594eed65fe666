"""The upstream web app: ``create_app(settings)`` wires the shell around ingest and export.

Stateless by design: what this builds is configuration (settings, the key
ring read from files, the engine's pool). Devices, records, sequence numbers
and tokens all live in the database, so any number of instances can serve
the same PostgreSQL.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import datetime

from fastapi import FastAPI
from fastapi.responses import JSONResponse
from sqlalchemy import text
from sqlmodel import Session

from upstream.api import errors
from upstream.api.deps import StateDep, UpstreamState
from upstream.api.routes import admin, export, records
from upstream.crypto import KeyRing, Signer
from upstream.export import Exporter
from upstream.ingest import Ingest
from upstream.report import geography
from upstream.settings import UpstreamSettings
from upstream.store import migrate
from upstream.store.db import make_engine, utcnow
from upstream.web import auth, pages, reports


def create_app(
    settings: UpstreamSettings | None = None, *, clock: Callable[[], datetime] = utcnow
) -> FastAPI:
    settings = settings or UpstreamSettings()
    lookups = geography.LookupPaths(
        postcodes=settings.postcode_lookup,
        imd=settings.imd_lookup,
        sites=settings.site_boroughs,
        districts=settings.district_boroughs,
    )
    geography.check(lookups)  # a misnamed file or column fails now, not at the first report
    if settings.auto_migrate:
        migrate.ensure_current(settings.dsn)
    engine = make_engine(settings.dsn)
    keyring = KeyRing.load(settings.key_dir)
    state = UpstreamState(
        settings=settings,
        engine=engine,
        keyring=keyring,
        ingest=Ingest(engine, keyring, clock),
        exporter=Exporter(keyring, settings.fhir_base),
        clock=clock,
        # The cookie-signing key is read (or made) at the first sign-in, not here.
        signer=Signer(settings.session_key_file),
        lookups=lookups,
    )

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        yield
        engine.dispose()

    app = FastAPI(
        title="Vital 5 Check upstream",
        summary="Receives sealed records from enrolled kiosks; exports them as FHIR.",
        version="1",
        lifespan=lifespan,
        docs_url=None,
        redoc_url=None,
    )
    app.state.upstream = state
    errors.install(app)
    for module in (records, export, admin, auth, reports):
        app.include_router(module.router)
    pages.mount_static(app)

    @app.get("/healthz", tags=["health"])
    def healthz(state: StateDep) -> JSONResponse:
        with Session(state.engine) as session:
            session.execute(text("SELECT 1"))
        return JSONResponse({"status": "ok", "keys": len(state.keyring.key_ids())})

    return app


def app_from_env() -> FastAPI:
    """For ``uvicorn --factory`` and ``vital5 upstream serve``: settings from the environment."""
    return create_app()
