"""`POST /workspaces/{ws}/optimize-allocations`: a proposal, never applied, that the bulk
endpoint applies in one change."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from worksync.common.ids import new_id
from worksync.common.testing.directory import DirectorySeeder, SeededUser
from worksync.common.testing.problems import assert_problem
from worksync.resources.models import Allocation, messaging
from worksync.resources.testing import Team, allocate, profile_of, staff_event

MARCH = {"start_date": "2026-03-01", "end_date": "2026-03-31"}


async def _skills(
    client: httpx.AsyncClient, team: Team, user: SeededUser, skills: list[str]
) -> None:
    profile = await profile_of(client, team, user)
    response = await client.patch(
        f"{team.base}/team-members/{profile['id']}",
        json={"skills": skills},
        headers=team.admin.headers,
    )
    assert response.status_code == 200, response.text


async def _optimize(client: httpx.AsyncClient, team: Team, **body: Any) -> dict[str, Any]:
    response = await client.post(
        f"{team.base}/optimize-allocations", json={**MARCH, **body}, headers=team.admin.headers
    )
    assert response.status_code == 200, response.text
    result: dict[str, Any] = response.json()
    return result


async def _open_conflicts(client: httpx.AsyncClient, team: Team) -> list[dict[str, Any]]:
    response = await client.get(
        f"{team.base}/conflicts", params={"status": "open"}, headers=team.admin.headers
    )
    items: list[dict[str, Any]] = response.json()["items"]
    return items


async def _written(sessionmaker: async_sessionmaker[AsyncSession]) -> tuple[int, int]:
    async with sessionmaker() as session:
        allocations = await session.scalar(select(func.max(Allocation.version)))
        events = await session.scalar(select(func.count()).select_from(messaging.outbox))
    return int(allocations or 0), int(events or 0)


async def test_a_conflict_moves_to_the_free_skilled_member_and_the_bulk_change_resolves_it(
    client: httpx.AsyncClient, team: Team, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    await _skills(client, team, team.member, ["Python"])
    await _skills(client, team, team.admin, ["python"])
    await _skills(client, team, team.guest, ["design"])
    await allocate(client, team, 30, "2026-03-02", "2026-03-29")
    moved = await allocate(client, team, 20, "2026-03-02", "2026-03-29", other_project=True)
    assert len(await _open_conflicts(client, team)) == 1
    before = await _written(sessionmaker)

    result = await _optimize(client, team)
    assert result["status"] == "optimal"
    assert result["conflicts"] == 1
    assert result["objective"] > 0
    assert result["changes"] == [
        {
            "allocation_id": moved["id"],
            "project_id": str(team.other_project.id),
            "user_id": str(team.member.id),
            "new_user_id": str(team.admin.id),
            "hours_per_week": 20,
            "new_hours_per_week": 20,
        }
    ]
    # 20 hours a week for four weeks.
    assert (result["hours_moved"], result["hours_reduced"]) == (80, 0)
    assert result["unresolved"] == []
    assert result["bulk"] == {
        "operations": [
            {
                "action": "update",
                "id": moved["id"],
                "user_id": str(team.admin.id),
                "hours_per_week": 20,
            }
        ]
    }
    # A proposal only: nothing written, the conflict still open.
    assert await _written(sessionmaker) == before
    assert len(await _open_conflicts(client, team)) == 1

    applied = await client.put(
        f"{team.base}/allocations/bulk", json=result["bulk"], headers=team.admin.headers
    )
    assert applied.status_code == 200, applied.text
    assert await _open_conflicts(client, team) == []
    again = await _optimize(client, team)
    assert (again["status"], again["changes"], again["conflicts"]) == ("nothing_to_resolve", [], 0)


async def test_a_cut_is_proposed_as_a_reduction_or_a_deletion(
    client: httpx.AsyncClient, team: Team
) -> None:
    await _skills(client, team, team.member, ["Python"])
    await _skills(client, team, team.admin, ["design"])
    await allocate(client, team, 40, "2026-03-02", "2026-03-29")
    await allocate(client, team, 5, "2026-03-02", "2026-03-29", other_project=True)
    result = await _optimize(client, team)
    assert result["unresolved"] == []
    assert result["hours_reduced"] == 20
    applied = await client.put(
        f"{team.base}/allocations/bulk", json=result["bulk"], headers=team.admin.headers
    )
    assert applied.status_code == 200, applied.text
    assert await _open_conflicts(client, team) == []


async def test_what_cannot_be_resolved_is_reported_with_why(
    client: httpx.AsyncClient, team: Team
) -> None:
    await _skills(client, team, team.member, ["Python"])
    await _skills(client, team, team.admin, ["design"])
    await allocate(client, team, 30, "2026-03-02", "2026-03-29")
    other = await allocate(client, team, 20, "2026-03-02", "2026-03-29", other_project=True)
    result = await _optimize(client, team, allow_reductions=False)
    assert (result["changes"], result["bulk"]) == ([], {"operations": []})
    [left] = result["unresolved"]
    assert left["user_id"] == str(team.member.id)
    assert (left["start_date"], left["end_date"]) == ("2026-03-02", "2026-03-29")
    assert (left["capacity_hours_per_week"], left["allocated_hours_per_week"]) == (40, 50)
    assert other["id"] in left["allocation_ids"]
    assert "no member with the skill 'python' has free capacity" in left["reason"]
    assert "reductions were not allowed" in left["reason"]

    # Other skills allowed: the designer takes the smaller allocation.
    fallback = await _optimize(client, team, allow_reductions=False, allow_other_skills=True)
    assert [c["allocation_id"] for c in fallback["changes"]] == [other["id"]]
    assert fallback["unresolved"] == []


async def test_conflicts_outside_the_range_are_left_alone(
    client: httpx.AsyncClient, team: Team
) -> None:
    await allocate(client, team, 30, "2026-05-04", "2026-05-29")
    await allocate(client, team, 20, "2026-05-04", "2026-05-29", other_project=True)
    result = await _optimize(client, team)
    assert (result["status"], result["conflicts"], result["changes"]) == (
        "nothing_to_resolve",
        0,
        [],
    )


@pytest.mark.parametrize("role", ["member", "guest"])
async def test_only_workspace_admins_optimise(
    client: httpx.AsyncClient, team: Team, role: str
) -> None:
    person = team.member if role == "member" else team.guest
    response = await client.post(
        f"{team.base}/optimize-allocations", json=MARCH, headers=person.headers
    )
    assert_problem(response, 403, "insufficient_role")


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"start_date": "2026-03-31", "end_date": "2026-03-01"}, "end_date"),
        ({"start_date": "2026-01-01", "end_date": "2027-01-02"}, "end_date"),
        ({**MARCH, "apply": True}, "apply"),
        ({"start_date": "2026-03-01"}, "end_date"),
    ],
)
async def test_bad_requests_are_refused(
    client: httpx.AsyncClient, team: Team, body: dict[str, Any], field: str
) -> None:
    response = await client.post(
        f"{team.base}/optimize-allocations", json=body, headers=team.admin.headers
    )
    problem = assert_problem(response, 422, "validation_failed")
    assert [error["field"] for error in problem["errors"]] == [field]


async def test_the_time_limit_setting_bounds_the_solver(
    client: httpx.AsyncClient, team: Team, app: FastAPI
) -> None:
    await allocate(client, team, 30, "2026-03-02", "2026-03-29")
    await allocate(client, team, 20, "2026-03-02", "2026-03-29", other_project=True)
    settings = app.state.settings
    app.state.settings = settings.model_copy(update={"optimizer_time_limit_seconds": 1e-9})
    try:
        result = await _optimize(client, team)
    finally:
        app.state.settings = settings
    assert (result["status"], result["objective"], result["changes"]) == (
        "no_solution_within_limit",
        None,
        [],
    )
    [left] = result["unresolved"]
    assert left["reason"] == "the solver found no solution within 1e-09 s"


async def test_staff_skills_count_as_the_capacity_profiles_do(
    client: httpx.AsyncClient, team: Team, seeder: DirectorySeeder
) -> None:
    """The member and the admin share a skill known only from their staff profiles: the
    allocation goes to the admin, though the guest (another skill) is freer."""
    for user, skills in ((team.member, ["Rust"]), (team.admin, ["RUST"])):
        await seeder.deliver(
            staff_event(
                "created",
                staff_profile_id=new_id(),
                workspace_id=team.workspace.id,
                user_id=user.id,
                skills=skills,
                sequence=1,
            )
        )
    await _skills(client, team, team.guest, ["design"])
    await allocate(client, team, 5, "2026-03-02", "2026-03-29", user=team.admin)
    await allocate(client, team, 30, "2026-03-02", "2026-03-29")
    moved = await allocate(client, team, 20, "2026-03-02", "2026-03-29", other_project=True)

    result = await _optimize(client, team)
    assert [(c["allocation_id"], c["new_user_id"]) for c in result["changes"]] == [
        (moved["id"], str(team.admin.id))
    ]
