"""Schemathesis against the work-items API's own document, every check on (the kit's harness,
`worksync.common.testing.fuzzing`): what the document allows is accepted, what it forbids is
refused, and every answer is one the document declares."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
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
from worksync.work_items.testing import API, Api, World

pytestmark = pytest.mark.fuzz

PROJECT = "/api/v1/workspaces/{ws}/projects/{pid}"
ISSUE = f"{PROJECT}/issues/{{iid}}"
BOARD = f"{PROJECT}/boards/{{board_id}}"
TEMPLATES = "/api/v1/workspaces/{ws}/templates"
# Rules no schema can state (see the harness), in the operations' words. Ids the body must
# take from what exists here are the seeded ones (`Seeded.references`); these are the rules
# that remain: `parent_id` (an issue, a label or a comment by operation), cycles, and fields
# that relate to each other.
ISSUE_RULES = (
    "`parent_id` names another issue of the project, without cycles; "
    "`due_date` not before `start_date`"
)
TEMPLATE_RULES = "every `depends_on` names a task key of the template, without cycles"
RULES_BEYOND_SCHEMA = {
    ("POST", f"{PROJECT}/issues"): ISSUE_RULES,
    ("PATCH", ISSUE): ISSUE_RULES,
    ("POST", f"{PROJECT}/labels"): "`parent_id` names a label of the project",
    ("PATCH", f"{PROJECT}/labels/{{label_id}}"): "`parent_id` names another label, no cycles",
    ("POST", f"{ISSUE}/comments"): "`parent_id` names a comment on the issue",
    ("POST", f"{BOARD}/columns/reorder"): "`column_ids` name every column of the board once",
    ("POST", f"{ISSUE}/move"): "a column or a state, not both; `after_id` before `before_id`",
    ("POST", TEMPLATES): TEMPLATE_RULES,
    ("PATCH", f"{TEMPLATES}/{{template_id}}"): TEMPLATE_RULES,
}


@pytest.fixture(scope="module")
def fuzz_workspace_api_url(workspace_api: FakeWorkspaceApi) -> Iterator[str]:
    """The workspace stand-in served from a thread: the fuzz tests are synchronous, so the
    session's stand-in (on the test loop) would not answer the directory's fallback."""
    with serve_in_thread(workspace_api.app()) as url:
        yield url


@dataclass(frozen=True)
class Seeded:
    # The path parameters: one of everything a path names.
    path: dict[str, str]
    # Ids for body fields that must name something here (see `call_and_validate`). Not
    # `parent_id`, which names an issue, a label or a comment by operation.
    references: dict[str, str]


@pytest.fixture
async def seeded(api: Api, world: World) -> Seeded:
    """Made afresh for each operation, so that one operation's deletions leave the others'
    ids standing."""
    states = await api.states(world)
    issue = await api.issue(world, title="Fuzzed issue")
    other = await api.issue(world, title="Related issue")
    label = await api.label(world, "Fuzzed label")
    comment = await api.post(
        world.url(f"/issues/{issue['id']}/comments"), world.owner, {"body": "A comment"}
    )
    board = await api.post(world.url("/boards"), world.owner, {"name": "Fuzzed board"})
    relation = await api.post(
        world.url(f"/issues/{issue['id']}/relations"),
        world.owner,
        {"type": "relates_to", "issue_id": other["id"]},
    )
    template = await api.post(
        f"{API}/workspaces/{world.slug}/templates",
        world.owner,
        {"name": "Fuzzed template", "phases": [{"title": "Only phase"}]},
    )
    path = {
        "ws": world.slug,
        "pid": str(world.project.id),
        "state_id": states["Todo"]["id"],
        "iid": issue["id"],
        "label_id": label["id"],
        "comment_id": comment["id"],
        "board_id": board["id"],
        "column_id": board["columns"][0]["id"],
        "relation_id": relation["id"],
        "template_id": template["id"],
    }
    member = str(world.member.id)
    references = {
        "state_id": path["state_id"],
        "state_ids": path["state_id"],
        "label_id": path["label_id"],
        "label_ids": path["label_id"],
        "assignee_id": member,
        "assignee_ids": member,
        "mention_ids": member,
        "issue_id": other["id"],
        "after_id": other["id"],
        "before_id": other["id"],
        "column_id": path["column_id"],
        "project_id": path["pid"],
    }
    return Seeded(path=path, references=references)


@pytest.fixture
def fuzz_schema(
    service_under_test: ServiceUnderTest[Any],
    make_settings: Callable[..., Any],
    minter: TokenMinter,
    world: World,
    seeded: Seeded,
    fuzz_workspace_api_url: str,
) -> Iterator[OpenApiSchema]:
    """The owner of a seeded world calls its workspace, project and everything in it."""
    schema = load_fuzz_schema(
        service_under_test.create_app(make_settings(workspace_api_url=fuzz_workspace_api_url)),
        minter=minter,
        token=world.owner.token,
        path_parameters=seeded.path,
        rules_across_fields=RULES_BEYOND_SCHEMA,
    )
    yield schema
    stop_fuzzed_apps()


schema = schemathesis.pytest.from_fixture("fuzz_schema")


@schema.parametrize()
def test_api_conforms_to_its_document(case: schemathesis.Case[Any], seeded: Seeded) -> None:
    call_and_validate(case, references=seeded.references)
