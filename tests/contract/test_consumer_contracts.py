"""Consumer contracts (tests/contract/consumers): each says what the consuming code reads, is
honoured by the provider's OpenAPI document, and is what the stand-ins answer. (The
providers' running apps are checked in tests/contract/providers.)"""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any

import httpx
import pytest

from scripts.contracts.consumers import contract_paths, reader_model, refreshed, render
from scripts.contracts.openapi_snapshots import snapshot_path
from scripts.contracts.schema_compat import incompatibilities, resolve
from worksync.common.testing.tokens import TokenMinter
from worksync.common.testing.workspace_api import FakeWorkspaceApi
from worksync.timetracking.testing import FakeWorkItemsApi

from .validation import Validator, errors, in_document, standalone

pytestmark = pytest.mark.fast

CONTRACTS = {path.stem: json.loads(path.read_text()) for path in contract_paths()}
INTERACTIONS = [
    (name, key) for name, contract in CONTRACTS.items() for key in contract["interactions"]
]


def _ids(case: tuple[str, str]) -> str:
    return f"{case[0]}:{case[1]}"


@cache
def _openapi(provider: str) -> dict[str, Any]:
    document: dict[str, Any] = json.loads(snapshot_path(provider).read_text())
    return document


def _shape(path: str) -> str:
    return re.sub(r"\{[^}]+\}", "{}", path)


def _operation(contract: str, interaction: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """The provider's operation the interaction calls, and the interaction."""
    spec = CONTRACTS[contract]["interactions"][interaction]
    document = _openapi(CONTRACTS[contract]["provider"])
    request = spec["request"]
    matching = [
        item for path, item in document["paths"].items() if _shape(path) == _shape(request["path"])
    ]
    method = request["method"].lower()
    operations = [item[method] for item in matching if method in item]
    assert operations, f"{CONTRACTS[contract]['provider']} has no {method} {request['path']}"
    operation: dict[str, Any] = operations[0]
    return operation, spec


def _success_schema(operation: dict[str, Any]) -> dict[str, Any]:
    schema: dict[str, Any] = operation["responses"]["200"]["content"]["application/json"]["schema"]
    return schema


def _provider_validator(provider: str, schema: dict[str, Any]) -> Validator:
    return in_document(_openapi(provider), schema["$ref"])


@pytest.mark.parametrize("name", sorted(CONTRACTS))
def test_a_contract_says_what_the_consumer_code_reads(name: str) -> None:
    path = next(p for p in contract_paths() if p.stem == name)
    assert path.read_text() == render(refreshed(CONTRACTS[name])), (
        f"the consumer's models changed: run `make contracts` to refresh {path.name}"
    )


@pytest.mark.parametrize("case", INTERACTIONS, ids=_ids)
def test_the_provider_document_takes_the_request(case: tuple[str, str]) -> None:
    operation, spec = _operation(*case)
    request = spec["request"]
    document = _openapi(CONTRACTS[case[0]]["provider"])
    parameters = {(p["in"], p["name"]): p for p in operation.get("parameters", [])}
    for name, sent in request["query"].items():
        declared = parameters.get(("query", name))
        assert declared is not None, f"the provider reads no query parameter {name}"
        problems = incompatibilities(declared["schema"], [document], sent, [sent])
        assert not problems, f"query {name}: " + "; ".join(problems)
    unsent = [
        name
        for (where, name), parameter in parameters.items()
        if where != "path"
        and parameter.get("required")
        and name not in request["query"]
        and name not in request["headers"]
    ]
    assert not unsent, f"the provider requires {unsent}, which the consumer does not send"
    if "Authorization" in request["headers"]:
        schemes = document["components"]["securitySchemes"]
        named = [scheme for requirement in operation.get("security", []) for scheme in requirement]
        assert named, "the consumer sends the caller's token; the provider takes none"
        for scheme in named:
            assert schemes[scheme] == {"scheme": "bearer", "type": "http"}, scheme


@pytest.mark.parametrize("case", INTERACTIONS, ids=_ids)
def test_the_provider_document_declares_every_status_the_consumer_handles(
    case: tuple[str, str],
) -> None:
    operation, spec = _operation(*case)
    missing = set(spec["statuses"]) - set(operation["responses"])
    assert not missing, f"the provider never answers {sorted(missing)}"


@pytest.mark.parametrize("case", INTERACTIONS, ids=_ids)
def test_the_provider_document_sends_every_field_as_the_consumer_reads_it(
    case: tuple[str, str],
) -> None:
    operation, spec = _operation(*case)
    document = _openapi(CONTRACTS[case[0]]["provider"])
    read = spec["response"]
    problems = incompatibilities(read, [read], _success_schema(operation), [document])
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("case", INTERACTIONS, ids=_ids)
def test_the_example_answer_is_the_providers_and_the_consumer_reads_it(
    case: tuple[str, str],
) -> None:
    operation, spec = _operation(*case)
    provider = CONTRACTS[case[0]]["provider"]
    example = spec["example"]
    assert not errors(_provider_validator(provider, _success_schema(operation)), example)
    assert not errors(standalone(spec["response"]), example)
    reader_model(spec["reads"]).model_validate(example)
    # Every field the provider declares is in it: a stand-in answers in the full shape.
    declared = resolve(_success_schema(operation), [_openapi(provider)])["properties"]
    assert set(example) == set(declared)


# A stand-in with one of everything registered, the caller who may see it all, and where
# each interaction finds it.
Arranged = tuple[Any, uuid.UUID, dict[str, str]]


def _workspace_api(minter: TokenMinter) -> Arranged:
    fake = FakeWorkspaceApi(minter.verifier())
    slug, workspace_id, user_id, project_id = "acme", uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    fake.put_member(slug, workspace_id, user_id, role="admin", email="ada@example.com")
    fake.add_project(slug, project_id, workspace_id)
    fake.add_project_member(slug, project_id, user_id, role="member")
    base = f"/api/v1/workspaces/{slug}"
    return (
        fake,
        user_id,
        {
            "membership": f"{base}/members/me",
            "members": f"{base}/members?user_id={user_id}&limit=1",
            "project": f"{base}/projects/{project_id}",
            "project_member": f"{base}/projects/{project_id}/members/{user_id}",
        },
    )


def _work_items_api(minter: TokenMinter) -> Arranged:
    fake = FakeWorkItemsApi(FakeWorkspaceApi(minter.verifier()))
    project_id, issue_id = uuid.uuid4(), uuid.uuid4()
    fake.add_issue(issue_id, project_id)
    return (
        fake,
        uuid.uuid4(),
        {"issue": f"/api/v1/workspaces/acme/projects/{project_id}/issues/{issue_id}"},
    )


STAND_INS: dict[str, Callable[[TokenMinter], Arranged]] = {
    "directory-on-workspace": _workspace_api,
    "timetracking-on-work-items": _work_items_api,
}


def test_every_contract_has_its_stand_in() -> None:
    assert set(STAND_INS) == set(CONTRACTS)


@pytest.mark.parametrize("name", sorted(STAND_INS))
async def test_a_stand_in_serves_the_contracts_paths_in_the_providers_shapes(name: str) -> None:
    minter = TokenMinter()
    fake, caller, urls = STAND_INS[name](minter)
    app = fake.app()
    served = {
        (method, route.path) for route in app.routes for method in getattr(route, "methods", [])
    }
    contract = CONTRACTS[name]
    provider = contract["provider"]
    headers = {"Authorization": f"Bearer {minter.mint(caller)}"}
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://stand-in"
    ) as client:
        for key, spec in contract["interactions"].items():
            request = spec["request"]
            assert (request["method"], request["path"]) in served
            response = await client.request(request["method"], urls[key], headers=headers)
            assert response.status_code == 200, response.text
            operation, _ = _operation(name, key)
            body = response.json()
            assert not errors(_provider_validator(provider, _success_schema(operation)), body)
            assert not errors(standalone(spec["response"]), body)
            refused = await client.request(request["method"], urls[key])
            assert refused.status_code == 401


def test_contract_files_are_json_named_consumer_on_provider() -> None:
    for name, contract in CONTRACTS.items():
        assert name == f"{contract['consumer']}-on-{contract['provider']}", name
        assert Path(snapshot_path(contract["provider"])).exists()
