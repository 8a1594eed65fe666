"""Every 4xx is ``{"code", "reason"}``: a stable code for programs, a reason for people."""

from __future__ import annotations

from collections.abc import Mapping

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse

from upstream.envelope import RejectCode

# A rejected record sent alone (PUT) gets the HTTP status that fits its code.
REJECTION_STATUS: Mapping[RejectCode, int] = {
    RejectCode.MALFORMED: 400,
    RejectCode.UNKNOWN_DEVICE: 403,
    RejectCode.REVOKED_DEVICE: 403,
    RejectCode.BAD_SIGNATURE: 403,
    RejectCode.CONFLICT: 409,
    RejectCode.TOO_LARGE: 413,
    RejectCode.UNKNOWN_UPSTREAM_KEY: 422,
    RejectCode.CANNOT_DECRYPT: 422,
    RejectCode.ID_MISMATCH: 422,
}


class ApiError(Exception):
    def __init__(
        self, status: int, code: str, reason: str, headers: Mapping[str, str] | None = None
    ) -> None:
        super().__init__(f"{status} {code}: {reason}")
        self.status = status
        self.code = code
        self.reason = reason
        self.headers = dict(headers or {})


def problem(
    status: int, code: str, reason: str, headers: Mapping[str, str] | None = None
) -> JSONResponse:
    return JSONResponse({"code": code, "reason": reason}, status_code=status, headers=headers)


def install(app: FastAPI) -> None:
    @app.exception_handler(ApiError)
    async def api_error(_request: Request, error: ApiError) -> JSONResponse:
        return problem(error.status, error.code, error.reason, error.headers)

    @app.exception_handler(RequestValidationError)
    async def invalid_request(_request: Request, error: RequestValidationError) -> JSONResponse:
        first = error.errors()[0] if error.errors() else {}
        where = ".".join(str(part) for part in first.get("loc", ()))
        return problem(400, RejectCode.MALFORMED.value, f"{where}: {first.get('msg', 'invalid')}")
