"""Schemathesis against the resources API's own document, every check on (the kit's harness,
`worksync.common.testing.fuzzing`): what the document allows is accepted, what it forbids is
refused, and every answer is one the document declares."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest
import schemathesis
from schemathesis.specs.openapi.schemas import OpenApiSchema

from worksync.common.testing.directory import DirectorySeeder
from worksync.common.testing.fuzzing import (
    call_and_validate,
    load_fuzz_schema,
    serve_in_thread,
    stop_fuzzed_apps,
)
from worksync.common.testing.service import ServiceUnderTest
from worksync.common.testing.tokens import TokenMinter
from worksync.common.testing.workspace_api import FakeWorkspaceApi
from worksync.resources.testing import SeededWorld, seed_world

pytestmark = pytest.mark.fuzz

WS = "/api/v1/workspaces/{ws}"
# Rules relating two fields, stated in the operations' words (see the harness).
PERIOD = "`end_date` not before `start_date`"
MILESTONES = f"{WS}/projects/{{pid}}/milestones"
TEMPLATES = f"{WS}/milestone-templates"
PLAN = "milestone keys unique, dependencies on keys of the template, no cycle"
RULES_ACROSS_FIELDS = {
    ("GET", f"{WS}/utilization"): "`to` not before `from`, one year at most",
    ("GET", f"{WS}/allocations"): "`to` not before `from`",
    ("GET", MILESTONES): "`due_to` not before `due_from`",
    ("POST", f"{WS}/team-members/{{profile_id}}/time-off"): PERIOD,
    ("POST", f"{WS}/allocations"): PERIOD,
    ("PATCH", f"{WS}/allocations/{{allocation_id}}"): PERIOD,
    ("PUT", f"{WS}/allocations/bulk"): PERIOD,
    ("POST", MILESTONES): "`due_date` not before `start_date`",
    ("PATCH", f"{MILESTONES}/{{milestone_id}}"): "`due_date` not before `start_date`",
    ("POST", TEMPLATES): PLAN,
    ("PATCH", f"{TEMPLATES}/{{template_id}}"): PLAN,
    ("POST", f"{WS}/optimize-allocations"): f"{PERIOD}, one year at most",
}


@pytest.fixture
async def fuzz_world(client: httpx.AsyncClient, seeder: DirectorySeeder) -> SeededWorld:
    return await seed_world(client, seeder)


@pytest.fixture
def fuzz_workspace_api_url(workspace_api: FakeWorkspaceApi) -> Iterator[str]:
    """The directory's fallback served from a thread: the fuzz test is synchronous, so the
    session's stand-in (on the test loop) would not answer."""
    with serve_in_thread(workspace_api.app()) as url:
        yield url


@pytest.fixture
def fuzz_schema(
    service_under_test: ServiceUnderTest[Any],
    make_settings: Callable[..., Any],
    minter: TokenMinter,
    fuzz_world: SeededWorld,
    fuzz_workspace_api_url: str,
) -> Iterator[OpenApiSchema]:
    """The workspace's admin calls its seeded profile, time off, allocation, conflict,
    milestones, deliverable and template."""
    schema = load_fuzz_schema(
        service_under_test.create_app(make_settings(workspace_api_url=fuzz_workspace_api_url)),
        minter=minter,
        token=fuzz_world.team.admin.token,
        path_parameters={"ws": fuzz_world.team.workspace.slug, **fuzz_world.ids},
        rules_across_fields=RULES_ACROSS_FIELDS,
    )
    yield schema
    stop_fuzzed_apps()


schema = schemathesis.pytest.from_fixture("fuzz_schema")


@schema.parametrize()
def test_api_conforms_to_its_document(
    case: schemathesis.Case[Any], fuzz_world: SeededWorld
) -> None:
    call_and_validate(case, references=fuzz_world.references)
