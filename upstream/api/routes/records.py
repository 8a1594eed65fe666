"""Device uploads: ``POST /api/v1/records:batch`` and ``PUT /api/v1/records/{id}``.

No bearer token here: the Ed25519 signature of an enrolled, unrevoked
device is the authentication (docs/sync-protocol.md). The verification and
storing run in a worker thread (libsodium and the database both block).
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse

from upstream.api.deps import StateDep, parse_json, read_body
from upstream.api.errors import REJECTION_STATUS, ApiError, problem
from upstream.api.schemas import (
    UUID_PATTERN,
    BatchOut,
    Problem,
    ReceiptOut,
    batch_schema,
    envelope_schema,
)
from upstream.envelope import (
    MAX_BATCH_BYTES,
    MAX_BATCH_RECORDS,
    MAX_ENVELOPE_BYTES,
    RejectCode,
    claimed_id,
    encoded_size,
)
from upstream.ingest import Submitted
from upstream.receipts import Status

router = APIRouter(prefix="/api/v1", tags=["records"])


def _json_body(schema: dict[str, Any]) -> dict[str, Any]:
    content = {"application/json": {"schema": schema}}
    return {"requestBody": {"required": True, "content": content}}


def _problems(*statuses: int) -> dict[int | str, dict[str, Any]]:
    return {status: {"model": Problem} for status in statuses}


@router.post(
    "/records:batch",
    response_model=BatchOut,
    responses=_problems(400, 413),
    openapi_extra=_json_body(batch_schema()),
    summary="Upload up to 100 sealed records; one receipt each, in order",
)
async def upload_batch(request: Request, state: StateDep) -> JSONResponse:
    body = parse_json(await read_body(request, MAX_BATCH_BYTES))
    if not isinstance(body, dict) or set(body) != {"records"}:
        raise ApiError(400, "malformed", 'expected {"records": [envelope, …]}')
    records = body["records"]
    if not isinstance(records, list):
        raise ApiError(400, "malformed", "records: expected a JSON array")
    if len(records) > MAX_BATCH_RECORDS:
        raise ApiError(413, "too_large", f"{len(records)} records; at most {MAX_BATCH_RECORDS}")
    submitted = [Submitted(value, encoded_size(value)) for value in records]
    receipts = await run_in_threadpool(state.ingest.submit, submitted)
    return JSONResponse({"receipts": [receipt.to_json() for receipt in receipts]})


@router.put(
    "/records/{record_id}",
    status_code=201,
    response_model=ReceiptOut,
    responses={
        200: {"model": ReceiptOut, "description": "Duplicate: already stored"},
        **_problems(400, 403, 409, 413, 422),
    },
    openapi_extra=_json_body(envelope_schema()),
    summary="Upload one sealed record: 201 stored, 200 duplicate, 409 conflict",
)
async def put_record(
    record_id: Annotated[str, Path(pattern=UUID_PATTERN)], request: Request, state: StateDep
) -> JSONResponse:
    raw = await read_body(request, MAX_ENVELOPE_BYTES)
    value = parse_json(raw)
    claimed = claimed_id(value)
    if claimed is not None and claimed != record_id:
        code = RejectCode.ID_MISMATCH
        return problem(REJECTION_STATUS[code], code.value, "the envelope's id differs from the URL")
    [receipt] = await run_in_threadpool(state.ingest.submit, [Submitted(value, len(raw))])
    if receipt.status is Status.REJECTED:
        assert receipt.code is not None
        assert receipt.reason is not None
        return problem(REJECTION_STATUS[receipt.code], receipt.code.value, receipt.reason)
    status = 201 if receipt.status is Status.STORED else 200
    return JSONResponse(receipt.to_json(), status_code=status)
