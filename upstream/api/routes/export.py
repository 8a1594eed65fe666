"""Exports as FHIR: one record's Bundle, or NDJSON pages by sequence. Token + audit.

Every export writes an audit row in the same transaction that reads the
records, before any byte leaves: if the audit row cannot be written, nothing
is exported. Pages follow the server's sequence, never a timestamp
(peers.md §1.3); ``X-Next-Since`` is the ``since`` for the next page.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query
from fastapi.responses import Response
from pydantic import BaseModel, ConfigDict, Field
from sqlmodel import Session

from upstream.api.deps import ExportActor, StateDep
from upstream.api.errors import ApiError
from upstream.api.schemas import UUID_PATTERN, Problem
from upstream.export import CannotExportError
from upstream.store import audit, records

router = APIRouter(prefix="/api/v1", tags=["export"])

FHIR_JSON = "application/fhir+json"
FHIR_NDJSON = "application/fhir+ndjson"
MAX_SEQUENCE = 2**63 - 1  # PostgreSQL BIGINT


class Page(BaseModel):
    """Unknown parameters are refused: a typo such as ``sinse`` must not export from 0."""

    model_config = ConfigDict(extra="forbid")

    since: int = Field(0, ge=0, le=MAX_SEQUENCE, description="The last sequence already read")
    limit: int = Field(100, ge=1, le=10_000, description="Bundles at most (capped by settings)")


_PROBLEMS: dict[int | str, dict[str, object]] = {
    401: {"model": Problem},
    403: {"model": Problem},
}


@router.get(
    "/records/{record_id}/fhir",
    response_class=Response,
    responses={
        200: {"content": {FHIR_JSON: {"schema": {"type": "object"}}}, "description": "A Bundle"},
        404: {"model": Problem},
        422: {"model": Problem},
        **_PROBLEMS,
    },
    summary="One record as a FHIR R4 Bundle (type collection)",
)
def record_fhir(
    record_id: Annotated[str, Path(pattern=UUID_PATTERN)], state: StateDep, actor: ExportActor
) -> Response:
    with Session(state.engine) as session:
        row = records.get_record(session=session, record_id=record_id)
        if row is None:
            raise ApiError(404, "not_found", "no record with this id")
        try:
            bundle = state.exporter.bundle(row)
        except CannotExportError as error:
            raise ApiError(422, "cannot_export", str(error)) from error
        audit.add_event(
            session=session,
            actor=actor.label,
            action="export.record",
            at=state.clock(),
            target=record_id,
            detail={"sequence": row.sequence},
        )
        session.commit()
    return Response(bundle.model_dump_json(), media_type=FHIR_JSON)


@router.get(
    "/export.ndjson",
    response_class=Response,
    responses={
        200: {
            "content": {FHIR_NDJSON: {"schema": {"type": "string"}}},
            "description": "One Bundle per line, in sequence order",
            "headers": {
                "X-Next-Since": {
                    "description": "Pass as ?since= for the next page",
                    "schema": {"type": "integer"},
                }
            },
        },
        **_PROBLEMS,
    },
    summary="Records after sequence `since`, one FHIR Bundle per line",
)
def export_ndjson(state: StateDep, actor: ExportActor, page: Annotated[Page, Query()]) -> Response:
    since = page.since
    limit = min(page.limit, state.settings.export_max_limit)
    with Session(state.engine) as session:
        rows = records.records_since(session=session, since=since, limit=limit)
        lines = [state.exporter.ndjson_line(row) for row in rows]
        next_since = rows[-1].sequence if rows else since
        audit.add_event(
            session=session,
            actor=actor.label,
            action="export.ndjson",
            at=state.clock(),
            detail={"since": since, "limit": limit, "count": len(rows), "next_since": next_since},
        )
        session.commit()
    return Response(
        "".join(lines), media_type=FHIR_NDJSON, headers={"X-Next-Since": str(next_since)}
    )
