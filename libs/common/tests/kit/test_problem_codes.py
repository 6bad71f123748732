"""Every problem response of a service's document lists the codes its operation answers
(the kit's and the catalogue's), and the kit's test client refuses an answer it does not list,
or records it under `WORKSYNC_RECORD_PROBLEM_CODES`."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import pytest
from fastapi import APIRouter, FastAPI, Header

from worksync.common.app import create_service_app
from worksync.common.config import CommonSettings
from worksync.common.errors import PROBLEM_JSON, NotFound, error_responses, not_found
from worksync.common.problem_codes import CATALOGUE_FILE, PROBLEM_CODES, OperationFinder
from worksync.common.testing.clients import asgi_client
from worksync.common.testing.problem_codes import (
    RECORD_PROBLEM_CODES,
    Observation,
    read_observations,
)

PACKAGE = "problem_codes_sample"
GADGET = "/api/v1/gadgets/{name}"

router = APIRouter(tags=["gadgets"])


@router.get("/gadgets/{name}", responses=error_responses(404, 422))
async def find_gadget(name: str) -> dict[str, str]:
    """A gadget: `missing` is catalogued, `stray` is not."""
    if name == "missing":
        raise not_found("gadget")
    if name == "stray":
        raise NotFound("Not catalogued", code="gizmo_not_found")
    return {"name": name}


@router.put("/gadgets/{name}", responses=error_responses(422))
async def replace_gadget(
    name: str, if_match: Annotated[str | None, Header(alias="If-Match")] = None
) -> dict[str, str]:
    """Takes `If-Match`: the kit's 400 and 412 follow."""
    return {"name": name}


@pytest.fixture
def app(kit_settings: CommonSettings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> FastAPI:
    """A service whose package's catalogue lists `gadget_not_found` on `find_gadget`'s 404."""
    package = tmp_path / PACKAGE
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / CATALOGUE_FILE).write_text(
        json.dumps({"find_gadget": {"404": ["gadget_not_found"]}})
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    built = create_service_app(kit_settings, title="t", description="d", routers=[router])
    built.state.problem_codes_package = PACKAGE
    return built


def _response(app: FastAPI, method: str, status: str) -> dict[str, Any]:
    response: dict[str, Any] = app.openapi()["paths"][GADGET][method]["responses"][status]
    return response


def test_each_problem_response_lists_the_kits_codes_and_the_catalogues(app: FastAPI) -> None:
    not_found_response = _response(app, "get", "404")
    assert not_found_response[PROBLEM_CODES] == ["gadget_not_found"]
    example = not_found_response["content"][PROBLEM_JSON]["examples"]["gadget_not_found"]
    assert example["value"] == {
        "type": "https://worksync.dev/problems/gadget_not_found",
        "title": "Not Found",
        "status": 404,
        "detail": "Gadget not found",
        "code": "gadget_not_found",
    }
    assert _response(app, "get", "422")[PROBLEM_CODES] == ["invalid_value", "validation_failed"]
    assert _response(app, "put", "400")[PROBLEM_CODES] == ["malformed_if_match"]
    assert _response(app, "put", "412")[PROBLEM_CODES] == ["precondition_failed"]


def test_every_operation_declares_503_for_the_database_though_it_declared_none(
    app: FastAPI,
) -> None:
    for method in ("get", "put"):
        assert _response(app, method, "503")[PROBLEM_CODES] == [
            "database_unavailable",
            "transaction_conflict",
        ]


def test_the_most_specific_path_template_names_the_operation() -> None:
    document = {
        "paths": {
            "/a/{id}": {"get": {"operationId": "by_id"}},
            "/a/me": {"get": {"operationId": "mine"}},
        }
    }
    finder = OperationFinder(document)
    assert (finder.find("GET", "/a/me") or {}).get("operationId") == "mine"
    assert (finder.find("GET", "/a/7") or {}).get("operationId") == "by_id"
    assert finder.find("POST", "/a/7") is None
    assert finder.find("GET", "/b") is None


async def test_an_answer_the_document_does_not_list_fails_the_test(app: FastAPI) -> None:
    async with asgi_client(app) as client:
        assert (await client.get("/api/v1/gadgets/missing")).status_code == 404
        # Paths and methods the document lacks are not operations: nothing to check.
        assert (await client.get("/api/v1/nothing-here")).status_code == 404
        assert (await client.delete("/api/v1/gadgets/missing")).status_code == 405
        with pytest.raises(AssertionError, match=r"find_gadget answered 404 `gizmo_not_found`"):
            await client.get("/api/v1/gadgets/stray")


async def test_recording_writes_what_was_answered_instead(
    app: FastAPI, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    observed = tmp_path / "observed"
    monkeypatch.setenv(RECORD_PROBLEM_CODES, str(observed))
    async with asgi_client(app) as client:
        assert (await client.get("/api/v1/gadgets/stray")).status_code == 404
    assert Observation(PACKAGE, "find_gadget", "404", "gizmo_not_found") in read_observations(
        observed
    )
