"""Schemathesis against the time-tracking API's own document, every check on (the kit's
harness, `worksync.common.testing.fuzzing`): what the document allows is accepted, what it
forbids is refused, and every answer is one the document declares."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
import schemathesis
from schemathesis.specs.openapi.schemas import OpenApiSchema

from worksync.common.testing.fuzzing import (
    call_and_validate,
    load_fuzz_schema,
    serve_in_thread,
    stop_fuzzed_apps,
)
from worksync.common.testing.service import ServiceUnderTest
from worksync.common.testing.tokens import TokenMinter
from worksync.common.testing.workspace_api import FakeWorkspaceApi
from worksync.timetracking.testing import FakeWorkItemsApi, World

pytestmark = pytest.mark.fuzz

WS = "/api/v1/workspaces/{ws}"
# Rules relating two fields, stated in the operations' words (see the harness).
RULES_ACROSS_FIELDS = {
    ("GET", f"{WS}/time-tracking/report"): "`to` not before `from`, 366 days at most",
    ("GET", f"{WS}/time-tracking/report/csv"): "`to` not before `from`, 366 days at most",
    ("GET", f"{WS}/time-tracking/overtime"): "`to` not before `from`, 366 days at most",
    ("GET", f"{WS}/time-tracking/summary"): "`to` not before `from`",
    ("GET", f"{WS}/projects/{{pid}}/worklogs/summary"): "`to` not before `from`",
    ("GET", f"{WS}/time-entries"): "`to` not before `from`",
    ("GET", f"{WS}/time-entries/export"): "`to` not before `from`",
    ("GET", f"{WS}/timesheets"): "`to` not before `from`",
    ("POST", f"{WS}/time-entries/{{entry_id}}/modification-requests"): (
        "`change` names at least one field in `changes`; `delete` takes none"
    ),
}


@pytest.fixture(scope="module")
def fuzz_stand_ins(
    workspace_api: FakeWorkspaceApi, work_items_api: FakeWorkItemsApi
) -> Iterator[dict[str, str]]:
    """The workspace and work-items stand-ins served from threads: the fuzz tests are
    synchronous, so the session's stand-ins (on the test loop) would not answer."""
    with (
        serve_in_thread(workspace_api.app()) as workspace_api_url,
        serve_in_thread(work_items_api.app()) as work_items_api_url,
    ):
        yield {"workspace_api_url": workspace_api_url, "work_items_api_url": work_items_api_url}


@pytest.fixture
def fuzz_schema(
    service_under_test: ServiceUnderTest[Any],
    make_settings: Callable[..., Any],
    minter: TokenMinter,
    world: World,
    fuzz_stand_ins: dict[str, str],
) -> Iterator[OpenApiSchema]:
    """The owner of a seeded world calls its workspace, project and issue."""
    schema = load_fuzz_schema(
        service_under_test.create_app(make_settings(**fuzz_stand_ins)),
        minter=minter,
        token=world.owner.token,
        path_parameters={
            "ws": world.workspace.slug,
            "pid": str(world.project.id),
            "iid": str(world.issue_id),
        },
        rules_across_fields=RULES_ACROSS_FIELDS,
    )
    yield schema
    stop_fuzzed_apps()


schema = schemathesis.pytest.from_fixture("fuzz_schema")


@schema.parametrize()
def test_api_conforms_to_its_document(case: schemathesis.Case[Any]) -> None:
    call_and_validate(case)
