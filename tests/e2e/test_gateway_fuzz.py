"""Schemathesis against the gateway's merged OpenAPI document, through the real system (every
service's API and worker and the gateway as processes, as `make up` starts them), every check
on (the kit's harness, `worksync.common.testing.fuzzing`): what the document allows the
system accepts, what it forbids is refused, and every answer is one the document declares.

The caller is a user registered and signed in through the gateway, the owner of a workspace
seeded through it; a second user is the `user_id`. The services' own fuzz tests
(`services/*/tests/test_api_fuzz.py`) go deeper per service; this one checks the merge, the
gateway's own answers and the services' documents as the gateway serves them."""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
import schemathesis
from schemathesis import BaseSchema

from scripts.local_system import RunningSystem
from worksync.common.testing.fuzzing import (
    call_and_validate,
    load_fuzz_schema_from_url,
    run_stateful,
)
from worksync.gateway.routes import ROUTE_TABLE

from .people import Person, eventually

pytestmark = [pytest.mark.e2e, pytest.mark.fuzz, pytest.mark.xdist_group("e2e")]

# Examples per operation in the fuzzing phase, on every operation. The coverage phase (every
# boundary, negative variant and undeclared method: some 15,000 requests over the whole
# document, ten minutes on a loaded 2-core machine) runs only where the gateway answers
# itself rather than forwarding: the paths it serves without a token (`Route.public_only`).
# Each service's own fuzz test covers its whole document in-process.
MAX_EXAMPLES = 5
# The stateful phase: chains of calls along the links schemathesis infers (some 4,000, from
# every create's `id` to the operations naming it), a few seconds.
STATEFUL_SCENARIOS = 25
STATEFUL_STEPS = 8
GATEWAY_ANSWERS = "|".join(
    f"^{re.escape(route.pattern)}$" for route in ROUTE_TABLE if route.public_only
)
WS = "/api/v1/workspaces/{ws}"
PROJECT = f"{WS}/projects/{{pid}}"
# Rules the document states in words but no schema can (see the harness).
RULES_ACROSS_FIELDS = {
    ("POST", "/api/v1/auth/api-tokens"): "`expires_at` lies ahead",
}


@dataclass(frozen=True)
class Seeded:
    owner: Person
    path_parameters: dict[str, str]

    @property
    def token(self) -> str:
        return self.owner.headers["Authorization"].removeprefix("Bearer ")


def _created(response: httpx.Response) -> dict[str, Any]:
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


def _seed(client: httpx.Client) -> Seeded:
    """A workspace with a project, an issue, a milestone and a time entry, created through
    the gateway; the ids the paths name."""
    owner, bystander = Person(client, "fuzz-owner"), Person(client, "fuzz-bystander")
    slug = f"fuzz-{uuid.uuid4().hex[:8]}"
    ws = f"/api/v1/workspaces/{slug}"
    headers = owner.headers
    _created(
        client.post("/api/v1/workspaces", json={"slug": slug, "name": "Fuzz"}, headers=headers)
    )
    project = _created(
        client.post(f"{ws}/projects", json={"identifier": "FUZ", "name": "Fuzz"}, headers=headers)
    )
    project_url = f"{ws}/projects/{project['id']}"
    issue = _created(client.post(f"{project_url}/issues", json={"title": "Fuzz"}, headers=headers))
    milestone: dict[str, Any] = {}

    def milestone_created() -> bool:
        # Resources learns of the project by an event.
        response = client.post(
            f"{project_url}/milestones",
            json={"title": "Fuzz", "start_date": "2026-01-05", "due_date": "2026-01-09"},
            headers=headers,
        )
        milestone.update(response.json() if response.status_code == 201 else {})
        return response.status_code == 201

    eventually(milestone_created)
    entry = _created(
        client.post(
            f"{ws}/time-entries",
            json={
                "project_id": project["id"],
                "work_date": "2026-01-05",
                "duration_seconds": 3600,
                "description": "Fuzz",
            },
            headers=headers,
        )
    )
    return Seeded(
        owner=owner,
        path_parameters={
            "ws": slug,
            "pid": project["id"],
            "project_id": project["id"],
            "iid": issue["id"],
            "milestone_id": milestone["id"],
            "entry_id": entry["id"],
            "user_id": bystander.id,
        },
    )


# A path of each service: the merged document holds them all once each has answered.
EVERY_SERVICE = (
    "/api/v1/auth/login",
    "/api/v1/workspaces",
    f"{PROJECT}/issues",
    f"{WS}/time-entries",
    f"{WS}/allocations",
)


def _every_service_merged(client: httpx.Client) -> bool:
    # A service slow to build its document is left out until the gateway's next try.
    paths = client.get("/openapi.json").json()["paths"]
    return all(path in paths for path in EVERY_SERVICE)


@pytest.fixture(scope="module")
def gateway_fuzz_schema(system: RunningSystem) -> BaseSchema:
    with httpx.Client(base_url=system.gateway_url, timeout=30) as client:
        seeded = _seed(client)
        eventually(lambda: _every_service_merged(client))
    schema = load_fuzz_schema_from_url(
        f"{system.gateway_url}/openapi.json",
        token=seeded.token,
        path_parameters=seeded.path_parameters,
        max_examples=MAX_EXAMPLES,
        rules_across_fields=RULES_ACROSS_FIELDS,
        coverage_path_regex=GATEWAY_ANSWERS,
    )
    # Deleting the seeded workspace or project would leave every later operation a 404;
    # their deletion is tested by workspace's own tests.
    return schema.exclude(method="DELETE", path_regex=r"^/api/v1/workspaces/\{ws\}$").exclude(
        method="DELETE", path_regex=r"^/api/v1/workspaces/\{ws\}/projects/\{project_id\}$"
    )


schema = schemathesis.pytest.from_fixture("gateway_fuzz_schema")


@schema.parametrize()
def test_the_gateways_document_holds_for_the_running_system(
    case: schemathesis.Case[Any],
) -> None:
    call_and_validate(case)


def test_calls_chained_along_the_documents_links_hold(
    gateway_fuzz_schema: BaseSchema,
) -> None:
    run_stateful(gateway_fuzz_schema, scenarios=STATEFUL_SCENARIOS, steps=STATEFUL_STEPS)
