"""Every 4xx is ``{"code", "reason"}``: a stable code for programs, a reason for people."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.openapi.utils import get_openapi
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import BaseRoute, Match

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
    """Register the handlers, and make the OpenAPI document say what they do."""
    _document_malformed_requests(app)

    @app.exception_handler(ApiError)
    async def api_error(_request: Request, error: ApiError) -> JSONResponse:
        return problem(error.status, error.code, error.reason, error.headers)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, error: StarletteHTTPException) -> JSONResponse:
        headers = dict(error.headers or {})
        if error.status_code == 405:
            # Starlette answers from the first route with this path, so its Allow
            # names only that route's methods; list every route's instead.
            headers["Allow"] = ", ".join(_allowed_methods(request))
        code = _HTTP_CODES.get(error.status_code, "http_error")
        return problem(error.status_code, code, str(error.detail), headers)

    @app.exception_handler(RequestValidationError)
    async def invalid_request(_request: Request, error: RequestValidationError) -> JSONResponse:
        first = error.errors()[0] if error.errors() else {}
        where = ".".join(str(part) for part in first.get("loc", ()))
        return problem(400, RejectCode.MALFORMED.value, f"{where}: {first.get('msg', 'invalid')}")


_HTTP_CODES = {404: "not_found", 405: "method_not_allowed"}


def _allowed_methods(request: Request) -> list[str]:
    # Ask the router which methods would match this path in full (included
    # routers nest, so only a full match of the whole scope is trustworthy).
    routes: list[BaseRoute] = request.app.router.routes
    return [
        method
        for method in _METHODS
        if any(
            route.matches({**request.scope, "method": method})[0] is Match.FULL for route in routes
        )
    ]


_METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE")


def _document_malformed_requests(app: FastAPI) -> None:
    # FastAPI documents its own 422 for every operation with parameters; here
    # such requests get 400 {"code": "malformed", ...} instead (the protocol's
    # status for a malformed request). 422s an operation declares stay.
    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            document = get_openapi(
                title=app.title, version=app.version, summary=app.summary, routes=app.routes
            )
            for path in document.get("paths", {}).values():
                for operation in path.values():
                    _swap_validation_error(operation)
            document.get("components", {}).get("schemas", {}).pop("HTTPValidationError", None)
            document.get("components", {}).get("schemas", {}).pop("ValidationError", None)
            app.openapi_schema = document
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]


def _swap_validation_error(operation: dict[str, Any]) -> None:
    responses: dict[str, Any] = operation.setdefault("responses", {})
    validation = responses.get("422", {})
    schema = validation.get("content", {}).get("application/json", {}).get("schema", {})
    if schema.get("$ref", "").endswith("/HTTPValidationError"):
        del responses["422"]
    if "parameters" in operation or "requestBody" in operation:
        responses.setdefault("400", _PROBLEM_400)


_PROBLEM_400: dict[str, Any] = {
    "description": "Malformed request",
    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Problem"}}},
}
