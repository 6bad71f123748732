"""The `code`s each operation answers, per problem status, written into its OpenAPI document.

A client branches on `code`, so the document lists, on every problem response, the codes
that operation can answer with that status: one named example per code under
`application/problem+json` (a valid `Problem`), and the list itself as `x-problem-codes`.
They come from two places:

- `kit_codes`: what the kit itself answers on any operation that takes a token, a body,
  parameters, a cursor, `If-Match` or `Idempotency-Key`, read off the operation;
- the service's catalogue, `problem_codes.json` in its package (operationId -> status ->
  codes), for everything else. It is recorded, not written by hand: the kit's test client
  (`worksync.common.testing.problem_codes`) refuses an answer whose code the document does
  not list, and `make problem-codes` rewrites every catalogue from what the services' tests
  observed (`scripts/problem_codes.py`).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator, Sequence
from http import HTTPStatus
from importlib import resources
from typing import Any

from fastapi import APIRouter
from starlette.routing import compile_path

from worksync.common.errors import PROBLEM_JSON, problem_for_status
from worksync.common.idempotency import IDEMPOTENCY_KEY

CATALOGUE_FILE = "problem_codes.json"
PROBLEM_CODES = "x-problem-codes"
PROBLEM_SCHEMA_REF = "#/components/schemas/Problem"
HTTP_METHODS = frozenset({"get", "put", "post", "delete", "options", "head", "patch", "trace"})

Catalogue = dict[str, dict[str, list[str]]]
"""operationId -> problem status (`"404"`) -> the codes it answers, sorted."""

# The kit's own refusals, and what makes an operation meet them: a bearer token (a `security`
# requirement, `auth`); any input (request validation, a value PostgreSQL cannot hold); a body
# (FastAPI's 400 for one it cannot read); a `cursor` (`pagination`); `If-Match`
# (`preconditions`); `Idempotency-Key` (`idempotency`). The database away (`errors`) may meet
# any operation.
_TOKEN_CODES = ("invalid_token", "token_expired", "unauthorized")
_INPUT_CODES = ("invalid_value", "validation_failed")


def kit_codes(operation: dict[str, Any], status: str) -> set[str]:
    """The codes the kit answers with `status` on `operation` (as documented), whatever the
    service does."""
    parameters = {p.get("name") for p in operation.get("parameters", [])}
    takes_body = "requestBody" in operation
    by_status: dict[str, Iterable[str]] = {
        "400": [
            *(["bad_request"] if takes_body else []),
            *(["invalid_cursor"] if "cursor" in parameters else []),
            *(["malformed_if_match"] if "If-Match" in parameters else []),
        ],
        "401": _TOKEN_CODES if operation.get("security") else (),
        "409": ["idempotency_key_reused"] if IDEMPOTENCY_KEY in parameters else [],
        "412": ["precondition_failed"] if "If-Match" in parameters else [],
        "422": _INPUT_CODES if parameters or takes_body else (),
        "503": ["database_unavailable", "transaction_conflict"],
    }
    return set(by_status.get(status, ()))


def example_problem(status: int, code: str) -> dict[str, Any]:
    """A valid `Problem` body answering `code` with `status`, with a generic detail."""
    detail = code.replace("_", " ").capitalize()
    return problem_for_status(status, detail, code).model_dump(exclude_none=True)


def problem_response_object(status: int, codes: Iterable[str]) -> dict[str, Any]:
    """An OpenAPI response answering a `Problem` with `status` and one of `codes`."""
    response: dict[str, Any] = {
        "description": HTTPStatus(status).phrase,
        "content": {PROBLEM_JSON: {"schema": {"$ref": PROBLEM_SCHEMA_REF}}},
    }
    describe_codes(response, status, codes)
    return response


def describe_codes(response: dict[str, Any], status: int, codes: Iterable[str]) -> None:
    """List `codes` on a problem `response`: `x-problem-codes` and one example per code."""
    listed = sorted(set(codes) | set(response.get(PROBLEM_CODES, ())))
    if not listed:
        return
    response[PROBLEM_CODES] = listed
    response["content"][PROBLEM_JSON]["examples"] = {
        code: {"value": example_problem(status, code)} for code in listed
    }


def is_problem_response(status: str, response: dict[str, Any]) -> bool:
    """An error status answering the `Problem` schema (not, say, readiness's own body)."""
    schema = response.get("content", {}).get(PROBLEM_JSON, {}).get("schema", {})
    return status[:1] in {"4", "5"} and schema.get("$ref") == PROBLEM_SCHEMA_REF


def problem_responses(operation: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    """(status, response) of every problem response `operation` declares."""
    for status, response in operation.get("responses", {}).items():
        if is_problem_response(status, response):
            yield status, response


def operations(openapi: dict[str, Any]) -> Iterator[tuple[str, str, dict[str, Any]]]:
    """(method, path template, operation) of every operation of the document."""
    for path, item in openapi.get("paths", {}).items():
        for method, operation in item.items():
            if method in HTTP_METHODS and isinstance(operation, dict):
                yield method, path, operation


def document_problem_codes(openapi: dict[str, Any], catalogue: Catalogue) -> dict[str, Any]:
    """List, on every problem response of the document, the kit's codes and the catalogue's.
    Every operation declares 503: any of them may find the database unavailable or lose its
    transaction to a concurrent one."""
    for _, _, operation in operations(openapi):
        operation.setdefault("responses", {}).setdefault("503", problem_response_object(503, ()))
        recorded = catalogue.get(operation.get("operationId", ""), {})
        for status, response in problem_responses(operation):
            codes = kit_codes(operation, status) | set(recorded.get(status, ()))
            describe_codes(response, int(status), codes)
    return openapi


def service_package(routers: Sequence[APIRouter]) -> str | None:
    """The service's own package (`worksync.identity`), from the module of its endpoints."""
    for router in routers:
        for route in router.routes:
            parts = getattr(getattr(route, "endpoint", None), "__module__", "").split(".")
            if len(parts) > 2 and parts[0] == "worksync" and parts[1] != "common":
                return ".".join(parts[:2])
    return None


def has_catalogue(package: str | None) -> bool:
    return package is not None and resources.files(package).joinpath(CATALOGUE_FILE).is_file()


def load_catalogue(package: str | None) -> Catalogue:
    """The package's catalogue; empty where it has none (a service's first recording)."""
    if package is None or not has_catalogue(package):
        return {}
    catalogue: Catalogue = json.loads(resources.files(package).joinpath(CATALOGUE_FILE).read_text())
    return catalogue


def template_specificity(template: str) -> tuple[int, ...]:
    """Literal segments before templated ones, left to right (OpenAPI: `/members/me` is
    matched before `/members/{user_id}`)."""
    return tuple(0 if segment.startswith("{") else 1 for segment in template.split("/"))


class OperationFinder:
    """The document's operation a request reached, by method and path, the most specific
    path template winning as in OpenAPI."""

    def __init__(self, openapi: dict[str, Any]) -> None:
        by_path: dict[str, dict[str, dict[str, Any]]] = {}
        for method, path, operation in operations(openapi):
            by_path.setdefault(path, {})[method] = operation
        self._paths: list[tuple[re.Pattern[str], str, dict[str, dict[str, Any]]]] = sorted(
            ((compile_path(path)[0], path, methods) for path, methods in by_path.items()),
            key=lambda entry: template_specificity(entry[1]),
            reverse=True,
        )

    def find(self, method: str, path: str) -> dict[str, Any] | None:
        """The operation, or None for a path the document lacks or a method its path lacks."""
        for regex, _, methods in self._paths:
            if regex.match(path):
                return methods.get(method.lower())
        return None
