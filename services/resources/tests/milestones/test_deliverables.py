"""Deliverables of a milestone: CRUD, who may write, bad input, and the rule that a
milestone is not completed while a required deliverable is open (unless an admin forces)."""

from __future__ import annotations

import httpx
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from worksync.common.ids import new_id
from worksync.common.testing.directory import SeededUser
from worksync.common.testing.problems import assert_problem
from worksync.resources.models import Deliverable
from worksync.resources.testing import Team

from .conftest import add_milestone, milestones_url


async def _deliverables(sessionmaker: async_sessionmaker[AsyncSession]) -> int:
    async with sessionmaker() as session:
        return int(await session.scalar(select(func.count()).select_from(Deliverable)) or 0)


async def test_a_deliverable_is_created_read_changed_and_deleted(
    client: httpx.AsyncClient, team: Team
) -> None:
    milestone = await add_milestone(client, team)
    url = f"{milestones_url(team)}/{milestone['id']}/deliverables"
    response = await client.post(
        url,
        json={
            "title": "Design review",
            "type": "review",
            "due_date": "2026-01-08",
            "owner_id": str(team.member.id),
            "required": True,
        },
        headers=team.admin.headers,
    )
    assert response.status_code == 201, response.text
    deliverable = response.json()
    assert (deliverable["type"], deliverable["status"], deliverable["required"]) == (
        "review",
        "pending",
        True,
    )
    one = f"{url}/{deliverable['id']}"
    assert (await client.get(one, headers=team.member.headers)).json() == deliverable
    changed = await client.patch(
        one, json={"status": "done", "owner_id": None}, headers=team.admin.headers
    )
    assert changed.status_code == 200, changed.text
    assert (changed.json()["status"], changed.json()["owner_id"], changed.json()["version"]) == (
        "done",
        None,
        2,
    )
    second = await client.post(url, json={"title": "Code"}, headers=team.admin.headers)
    page = await client.get(url, params={"limit": 1}, headers=team.member.headers)
    rest = await client.get(
        url,
        params={"limit": 1, "cursor": page.json()["next_cursor"]},
        headers=team.member.headers,
    )
    assert [d["id"] for d in page.json()["items"] + rest.json()["items"]] == [
        deliverable["id"],
        second.json()["id"],
    ]
    assert (await client.delete(one, headers=team.admin.headers)).status_code == 204
    assert_problem(await client.get(one, headers=team.admin.headers), 404, "deliverable_not_found")


async def test_bad_input_and_roles_are_refused(
    client: httpx.AsyncClient,
    team: Team,
    lead: SeededUser,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    milestone = await add_milestone(client, team)
    url = f"{milestones_url(team)}/{milestone['id']}/deliverables"
    by_lead = await client.post(url, json={"title": "Spec"}, headers=lead.headers)
    assert by_lead.status_code == 201, by_lead.text
    before = await _deliverables(sessionmaker)
    for body, code in (
        ({"title": ""}, "validation_failed"),
        ({"title": "X", "type": "video"}, "validation_failed"),
        ({"title": "X", "status": "open"}, "validation_failed"),
        ({"title": "X", "owner_id": str(new_id())}, "unknown_reference"),
        ({"title": "X", "extra": 1}, "validation_failed"),
    ):
        assert_problem(await client.post(url, json=body, headers=team.admin.headers), 422, code)
    one = f"{url}/{by_lead.json()['id']}"
    assert_problem(
        await client.patch(one, json={"required": None}, headers=team.admin.headers),
        422,
        "validation_failed",
    )
    for person in (team.member, team.guest):
        assert_problem(
            await client.post(url, json={"title": "No"}, headers=person.headers),
            403,
            "insufficient_role",
        )
        assert_problem(await client.delete(one, headers=person.headers), 403, "insufficient_role")
    assert_problem(
        await client.get(
            f"{milestones_url(team)}/{new_id()}/deliverables", headers=team.admin.headers
        ),
        404,
        "milestone_not_found",
    )
    assert await _deliverables(sessionmaker) == before


async def test_an_open_required_deliverable_blocks_completion_unless_forced(
    client: httpx.AsyncClient, team: Team, lead: SeededUser
) -> None:
    milestone = await add_milestone(client, team)
    url = f"{milestones_url(team)}/{milestone['id']}"
    required = await client.post(
        f"{url}/deliverables",
        json={"title": "Sign-off", "required": True},
        headers=team.admin.headers,
    )
    await client.post(
        f"{url}/deliverables", json={"title": "Nice to have"}, headers=team.admin.headers
    )
    complete = {"status": "completed"}
    assert_problem(
        await client.patch(url, json=complete, headers=lead.headers),
        409,
        "required_deliverables_open",
    )
    # Only a workspace admin forces it.
    assert_problem(
        await client.patch(url, json=complete, params={"force": "true"}, headers=lead.headers),
        403,
        "insufficient_role",
    )
    assert (await client.get(url, headers=team.admin.headers)).json()["status"] == "pending"
    forced = await client.patch(
        url, json=complete, params={"force": "true"}, headers=team.admin.headers
    )
    assert forced.status_code == 200, forced.text
    assert forced.json()["status"] == "completed"
    # Reopened; once the required deliverable is done, the lead completes it.
    await client.patch(url, json={"status": "in_progress"}, headers=team.admin.headers)
    await client.patch(
        f"{url}/deliverables/{required.json()['id']}",
        json={"status": "cancelled"},
        headers=team.admin.headers,
    )
    done = await client.patch(url, json=complete, headers=lead.headers)
    assert done.status_code == 200, done.text
