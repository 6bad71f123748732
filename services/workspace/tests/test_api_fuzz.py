"""Schemathesis against the workspace API's own document, every check on (the kit's harness,
`worksync.common.testing.fuzzing`): what the document allows is accepted, what it forbids is
refused, and every answer is one the document declares."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from typing import Any

import httpx
import pytest
import schemathesis
from schemathesis import BaseSchema
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from worksync.common.testing.fuzzing import call_and_validate, load_fuzz_schema, stop_fuzzed_apps
from worksync.common.testing.service import ServiceUnderTest
from worksync.common.testing.tokens import TokenMinter
from worksync.workspace.testing import People, Workspaces

pytestmark = pytest.mark.fuzz


@pytest.fixture(scope="module")
async def fuzz_schema(
    service_under_test: ServiceUnderTest[Any],
    make_settings: Callable[..., Any],
    minter: TokenMinter,
    sessionmaker: async_sessionmaker[AsyncSession],
    client: httpx.AsyncClient,
) -> AsyncIterator[BaseSchema]:
    owner = await People(minter, sessionmaker).register("Olivia Owner")
    workspaces = Workspaces(client)
    workspace = await workspaces.create(owner)
    project = await workspaces.create_project(workspace["slug"], owner)
    schema = load_fuzz_schema(
        service_under_test.create_app(make_settings()),
        minter=minter,
        token=owner.token,
        path_parameters={"ws": workspace["slug"], "project_id": project["id"]},
    )
    # Deleting the seeded workspace would leave every later operation a 404; its deletion
    # is tested in workspaces/test_workspaces.py.
    yield schema.exclude(method="DELETE", path_regex=r"^/api/v1/workspaces/\{ws\}$")
    stop_fuzzed_apps()


schema = schemathesis.pytest.from_fixture("fuzz_schema")


@schema.parametrize()
def test_api_conforms_to_its_document(case: schemathesis.Case[Any]) -> None:
    call_and_validate(case)
