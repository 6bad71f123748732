"""The work-items service honours time tracking's consumer contract
(consumers/timetracking-on-work-items.json), and time tracking's client reads its answers."""

from __future__ import annotations

from uuid import UUID

import httpx

from worksync.common.ids import new_id
from worksync.common.testing.directory import DirectorySeeder
from worksync.timetracking.issues.work_items_api import WorkItemsApi
from worksync.work_items.testing import Api, arrange_world

from ..verify import verify_provider


async def test_the_work_items_service_answers_time_tracking(
    client: httpx.AsyncClient, seeder: DirectorySeeder, api: Api
) -> None:
    world = await arrange_world(seeder)
    issue = await api.issue(world, estimate_minutes=90)
    issue_id = UUID(issue["id"])

    await verify_provider(
        client,
        "timetracking-on-work-items",
        headers=world.member.headers,
        answered={"issue": world.url(f"/issues/{issue_id}")},
        absent={"issue": world.url(f"/issues/{new_id()}")},
    )

    # The consumer's own client, on the provider's running app.
    work_items = WorkItemsApi(client, str(client.base_url))
    authorization = world.member.headers["Authorization"]
    found = await work_items.issue(world.slug, world.project.id, issue_id, authorization)
    assert found is not None
    assert (found.id, found.key, found.estimate_minutes) == (issue_id, issue["key"], 90)
    assert found.project_id == world.project.id
    elsewhere = await work_items.issue(world.slug, new_id(), issue_id, authorization)
    assert elsewhere is None
