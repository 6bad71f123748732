"""RFC 9457 problem details for every error a service answers."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from http import HTTPStatus
from typing import Any

import psycopg
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from sqlalchemy.exc import DataError, DBAPIError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from starlette.exceptions import HTTPException as StarletteHTTPException

from worksync.common.outages import database_unavailable, transaction_conflict

PROBLEM_JSON = "application/problem+json"
PROBLEM_TYPE_BASE = "https://worksync.dev/problems/"
FASTAPI_VALIDATION_ERROR_REF = "#/components/schemas/HTTPValidationError"
# What a client is told to wait when the database is away: a failover takes seconds.
DATABASE_RETRY_AFTER_SECONDS = 5
# The concurrent transaction that won has usually committed by the time a client retries.
CONFLICT_RETRY_AFTER_SECONDS = 1

logger = logging.getLogger(__name__)


class FieldError(BaseModel):
    field: str
    message: str


class Problem(BaseModel):
    """The body of every error response."""

    type: str
    title: str
    status: int
    detail: str | None = None
    code: str
    errors: list[FieldError] | None = None


@dataclass
class AppError(Exception):
    """An error a client can act on; raised by services, rendered as problem+json."""

    detail: str | None = None
    code: str = "error"
    status: int = 400
    errors: list[FieldError] | None = None
    headers: dict[str, str] = field(default_factory=dict)

    def problem(self) -> Problem:
        return Problem(
            type=PROBLEM_TYPE_BASE + self.code,
            title=HTTPStatus(self.status).phrase,
            status=self.status,
            detail=self.detail,
            code=self.code,
            errors=self.errors,
        )


class RecordedFailure(AppError):
    """An error answered after its request's writes were committed.

    For failures that are themselves state: a failed login counts towards a lockout, a
    reused refresh token revokes its family. The request session commits, then answers.
    """


class BadRequest(AppError):
    def __init__(self, detail: str, code: str = "bad_request") -> None:
        super().__init__(detail=detail, code=code, status=400)


class Unauthorized(AppError):
    def __init__(self, detail: str = "Authentication required", code: str = "unauthorized"):
        super().__init__(
            detail=detail, code=code, status=401, headers={"WWW-Authenticate": "Bearer"}
        )


class Forbidden(AppError):
    def __init__(self, detail: str = "Not allowed", code: str = "forbidden") -> None:
        super().__init__(detail=detail, code=code, status=403)


class NotFound(AppError):
    def __init__(self, detail: str = "Not found", code: str = "not_found") -> None:
        super().__init__(detail=detail, code=code, status=404)


class Conflict(AppError):
    def __init__(self, detail: str, code: str = "conflict") -> None:
        super().__init__(detail=detail, code=code, status=409)


class NameTaken(Conflict):
    """`what` names the resource: `team` -> 409 `team_name_taken`; names ignore case."""

    def __init__(self, what: str, *, where: str = "of this workspace") -> None:
        super().__init__(
            f"Another {what.replace('_', ' ')} {where} has this name (names ignore case)",
            code=f"{what}_name_taken",
        )


class PreconditionFailed(AppError):
    """A conditional write (`If-Match`) whose resource moved on: nothing was changed."""

    def __init__(self, current_version: int) -> None:
        super().__init__(
            detail=f'The resource changed since: its ETag is now "{current_version}"',
            code="precondition_failed",
            status=412,
        )


class Unprocessable(AppError):
    def __init__(
        self,
        detail: str,
        code: str = "validation_failed",
        errors: list[FieldError] | None = None,
    ) -> None:
        super().__init__(detail=detail, code=code, status=422, errors=errors)


class TooManyRequests(AppError):
    def __init__(self, retry_after_seconds: int, detail: str = "Too many requests") -> None:
        super().__init__(
            detail=detail,
            code="rate_limited",
            status=429,
            headers={"Retry-After": str(max(1, retry_after_seconds))},
        )


def not_found(what: str) -> NotFound:
    """`what` is the snake_case name of the resource: `project` -> 404 `project_not_found`.

    Rows of other workspaces, and rows the caller may not see, answer the same.
    """
    return NotFound(f"No such {what.replace('_', ' ')}", code=f"{what}_not_found")


def invalid_field(field: str, message: str, code: str = "validation_failed") -> Unprocessable:
    """A 422 about one field of the request, shaped like request validation errors."""
    return Unprocessable(
        "The request is not valid", code=code, errors=[FieldError(field=field, message=message)]
    )


def unknown_reference(field: str, what: str, *, where: str = "in this workspace") -> Unprocessable:
    """The request names a row that does not exist `where` (or may not be used)."""
    return invalid_field(field, f"no such {what} {where}", code="unknown_reference")


def problem_response(problem: Problem, headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse(
        problem.model_dump(exclude_none=True),
        status_code=problem.status,
        media_type=PROBLEM_JSON,
        headers=headers,
    )


def problem_for_status(status: int, detail: str | None, code: str | None = None) -> Problem:
    phrase = HTTPStatus(status).phrase
    code = code or phrase.lower().replace(" ", "_").replace("-", "_")
    return Problem(
        type=PROBLEM_TYPE_BASE + code, title=phrase, status=status, detail=detail, code=code
    )


def _field_path(location: tuple[Any, ...] | list[Any]) -> str:
    parts = [str(p) for p in location]
    if parts and parts[0] in {"body", "query", "path", "header", "cookie"}:
        parts = parts[1:] or parts
    return ".".join(parts)


async def _app_error(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, AppError)
    return problem_response(exc.problem(), exc.headers)


async def _validation_error(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    errors = [
        FieldError(field=_field_path(err.get("loc", ())), message=str(err.get("msg", "")))
        for err in exc.errors()
    ]
    problem = Problem(
        type=PROBLEM_TYPE_BASE + "validation_failed",
        title=HTTPStatus.UNPROCESSABLE_ENTITY.phrase,
        status=422,
        detail="The request is not valid",
        code="validation_failed",
        errors=errors,
    )
    return problem_response(problem)


async def _http_error(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    detail = exc.detail if isinstance(exc.detail, str) else None
    return problem_response(problem_for_status(exc.status_code, detail), dict(exc.headers or {}))


async def _unstorable_value(request: Request, exc: Exception) -> JSONResponse:
    """A value that passed validation but that PostgreSQL cannot hold (a NUL character in
    text, a number out of a column's range): the client's input, so a 422; the request's
    transaction is rolled back, so nothing was written."""
    assert isinstance(exc, DataError)
    logger.info("unstorable value on %s %s: %s", request.method, request.url.path, exc.orig)
    return problem_response(
        problem_for_status(422, "A value cannot be stored as given", code="invalid_value")
    )


async def _database_error(request: Request, exc: Exception) -> JSONResponse:
    """503 with `Retry-After` while the database cannot be reached (a restart, a failover,
    an exhausted pool), and for a transaction PostgreSQL rolled back in favour of a concurrent
    one (a deadlock): one log line, no traceback; other database errors are bugs (500)."""
    if transaction_conflict(exc):
        logger.warning(
            "transaction conflict on %s %s: %s",
            request.method,
            request.url.path,
            type(exc).__name__,
        )
        return problem_response(
            problem_for_status(
                503,
                "The request ran into a concurrent one and changed nothing; send it again",
                code="transaction_conflict",
            ),
            {"Retry-After": str(CONFLICT_RETRY_AFTER_SECONDS)},
        )
    if not database_unavailable(exc):
        return await _unhandled_error(request, exc)
    logger.warning(
        "database unavailable on %s %s: %s", request.method, request.url.path, type(exc).__name__
    )
    return problem_response(
        problem_for_status(
            503, "The database is unavailable; try again shortly", code="database_unavailable"
        ),
        {"Retry-After": str(DATABASE_RETRY_AFTER_SECONDS)},
    )


async def _unhandled_error(request: Request, exc: Exception) -> JSONResponse:
    logger.exception("unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
    return problem_response(problem_for_status(500, "An unexpected error occurred"))


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(AppError, _app_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(DataError, _unstorable_value)
    for database_error in (DBAPIError, PoolTimeout, psycopg.OperationalError):
        app.add_exception_handler(database_error, _database_error)
    app.add_exception_handler(Exception, _unhandled_error)


def error_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI `responses=` entry declaring problem+json bodies for the given statuses.

    FastAPI files a response `model` under `application/json`; `problem_media_types` moves
    it to `application/problem+json` once the document is built.
    """
    return {
        status: {"model": Problem, "description": HTTPStatus(status).phrase} for status in statuses
    }


def problem_media_types(openapi: dict[str, Any]) -> dict[str, Any]:
    """Declare every error response's body as `application/problem+json`, and the 400
    answered to a body that is not JSON or a forged cursor on every operation taking one."""
    for item in openapi.get("paths", {}).values():
        for operation in item.values():
            if not isinstance(operation, dict):
                continue
            takes_cursor = any(p.get("name") == "cursor" for p in operation.get("parameters", []))
            if "requestBody" in operation or takes_cursor:
                operation["responses"].setdefault(
                    "400",
                    {
                        "description": "Malformed: a body that is not JSON, or a cursor "
                        "this list did not issue",
                        "content": {
                            "application/json": {"schema": {"$ref": "#/components/schemas/Problem"}}
                        },
                    },
                )
            for status, response in operation.get("responses", {}).items():
                content = response.get("content", {})
                if status[:1] in {"4", "5"} and "application/json" in content:
                    content[PROBLEM_JSON] = content.pop("application/json")
                # FastAPI's own 422 names its validation body; the handler answers a Problem.
                media = content.get(PROBLEM_JSON, {})
                if media.get("schema", {}).get("$ref") == FASTAPI_VALIDATION_ERROR_REF:
                    media["schema"] = {"$ref": "#/components/schemas/Problem"}
    return openapi
