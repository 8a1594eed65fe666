"""Dependencies: the app's state, request bodies read under a limit, and bearer tokens."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy import Engine
from sqlmodel import Session

from upstream.api.errors import ApiError
from upstream.crypto import KeyRing, Signer
from upstream.export import Exporter
from upstream.ingest import Ingest
from upstream.report.geography import LookupPaths
from upstream.settings import UpstreamSettings
from upstream.store import tokens as token_store
from upstream.tokens import Scope, parse_scopes, parse_token, verify_secret


@dataclass(frozen=True, slots=True)
class UpstreamState:
    """Built once by ``create_app``; read-only afterwards (nothing here is a cache)."""

    settings: UpstreamSettings
    engine: Engine
    keyring: KeyRing
    ingest: Ingest
    exporter: Exporter
    clock: Callable[[], datetime]
    signer: Signer  # session cookies and CSRF tokens of the report pages
    lookups: LookupPaths  # the equity report's area files


@dataclass(frozen=True, slots=True)
class Actor:
    """Who is calling, as the audit log names them."""

    token_id: str
    name: str

    @property
    def label(self) -> str:
        return f"token:{self.token_id} ({self.name})"


def get_state(request: Request) -> UpstreamState:
    state: UpstreamState = request.app.state.upstream
    return state


StateDep = Annotated[UpstreamState, Depends(get_state)]

_bearer = HTTPBearer(auto_error=False, description="An API token: `vital5 upstream tokens create`")


def require(scope: Scope) -> Callable[..., Actor]:
    """A dependency that admits only a live token holding ``scope``."""

    def check(
        state: StateDep,
        credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
    ) -> Actor:
        unauthorised = {"WWW-Authenticate": "Bearer"}
        if credentials is None:
            raise ApiError(401, "unauthorized", "send Authorization: Bearer <token>", unauthorised)
        presented = parse_token(credentials.credentials)
        if presented is None:
            raise ApiError(401, "invalid_token", "not a Vital 5 upstream token", unauthorised)
        with Session(state.engine) as session:
            row = token_store.find_token(session=session, token_id=presented.token_id)
        live = row if row is not None and row.revoked_at is None else None
        if live is None:
            # As much work as a real check: timing does not tell which ids exist.
            verify_secret(None, presented.secret)
            raise ApiError(401, "invalid_token", "unknown or revoked token", unauthorised)
        if not verify_secret(live.secret_hash, presented.secret):
            raise ApiError(401, "invalid_token", "unknown or revoked token", unauthorised)
        if scope not in parse_scopes(live.scopes):
            raise ApiError(403, "insufficient_scope", f"this token lacks the {scope.value!r} scope")
        return Actor(live.token_id, live.name)

    return check


ExportActor = Annotated[Actor, Depends(require(Scope.EXPORT))]
AdminActor = Annotated[Actor, Depends(require(Scope.ADMIN))]


async def read_body(request: Request, limit: int) -> bytes:
    """The request body, refused with 413 as soon as it passes ``limit`` bytes."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise ApiError(413, "too_large", f"{declared} bytes; at most {limit}")
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise ApiError(413, "too_large", f"more than {limit} bytes")
        chunks.append(chunk)
    return b"".join(chunks)


def parse_json(body: bytes) -> object:
    """Parsed JSON, or 400 malformed (NaN and Infinity are not JSON)."""
    try:
        return json.loads(body, parse_constant=_refuse_constant)
    except (UnicodeDecodeError, ValueError, RecursionError) as error:
        raise ApiError(400, "malformed", "the body is not JSON") from error


def _refuse_constant(name: str) -> object:
    raise ValueError(f"{name} is not JSON")
