"""Milestone templates: CRUD, validation of the plan, who may write, and applying one to a
project (all milestones, dependencies and deliverables in one transaction)."""

from __future__ import annotations

from typing import Any

import httpx
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from worksync.common.ids import new_id
from worksync.common.testing.problems import assert_problem
from worksync.resources.models import Deliverable, Milestone, MilestoneTemplate
from worksync.resources.testing import Team, outbox_events

RELEASE = [
    {
        "key": "design",
        "title": "Design",
        "offset_days": 0,
        "duration_days": 5,
        "deliverables": [{"title": "Spec", "type": "document", "required": True}],
    },
    {
        "key": "build",
        "title": "Build",
        "offset_days": 5,
        "duration_days": 10,
        "priority": "high",
        "depends_on": [{"key": "design", "lag_days": 1}],
    },
    {
        "key": "launch",
        "title": "Launch",
        "offset_days": 16,
        "duration_days": 1,
        "depends_on": [{"key": "build"}],
    },
]


async def _template(client: httpx.AsyncClient, team: Team, name: str = "Release") -> Any:
    response = await client.post(
        f"{team.base}/milestone-templates",
        json={"name": name, "milestones": RELEASE},
        headers=team.admin.headers,
    )
    assert response.status_code == 201, response.text
    return response.json()


async def _count(sessionmaker: async_sessionmaker[AsyncSession], model: Any) -> int:
    async with sessionmaker() as session:
        return int(await session.scalar(select(func.count()).select_from(model)) or 0)


async def test_a_template_is_created_read_changed_and_deleted(
    client: httpx.AsyncClient, team: Team
) -> None:
    template = await _template(client, team)
    assert [m["key"] for m in template["milestones"]] == ["design", "build", "launch"]
    assert template["milestones"][0]["deliverables"][0]["required"] is True
    url = f"{team.base}/milestone-templates/{template['id']}"
    assert (await client.get(url, headers=team.member.headers)).json() == template
    listed = await client.get(f"{team.base}/milestone-templates", headers=team.member.headers)
    assert [t["id"] for t in listed.json()["items"]] == [template["id"]]
    changed = await client.patch(url, json={"name": "Release v2"}, headers=team.admin.headers)
    assert (changed.json()["name"], changed.json()["version"]) == ("Release v2", 2)
    assert_problem(
        await client.post(
            f"{team.base}/milestone-templates",
            json={"name": "release V2", "milestones": RELEASE},
            headers=team.admin.headers,
        ),
        409,
        "milestone_template_name_taken",
    )
    assert (await client.delete(url, headers=team.admin.headers)).status_code == 204
    assert_problem(
        await client.get(url, headers=team.admin.headers), 404, "milestone_template_not_found"
    )


async def test_a_template_is_not_renamed_to_a_taken_name(
    client: httpx.AsyncClient, team: Team
) -> None:
    await _template(client, team)
    hotfix = await _template(client, team, "Hotfix")
    url = f"{team.base}/milestone-templates/{hotfix['id']}"
    assert_problem(
        await client.patch(url, json={"name": "RELEASE"}, headers=team.admin.headers),
        409,
        "milestone_template_name_taken",
    )
    assert (await client.get(url, headers=team.admin.headers)).json() == hotfix


async def test_bad_plans_and_roles_are_refused(
    client: httpx.AsyncClient, team: Team, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    url = f"{team.base}/milestone-templates"
    before = await _count(sessionmaker, MilestoneTemplate)
    one = {"key": "a", "title": "A", "offset_days": 0, "duration_days": 1}
    for milestones in (
        [],
        [one, one],
        [{**one, "depends_on": [{"key": "zzz"}]}],
        [{**one, "depends_on": [{"key": "a"}]}],
        [{**one, "key": "b", "depends_on": [{"key": "a"}]}, {**one, "depends_on": [{"key": "b"}]}],
        [{**one, "duration_days": 0}],
        [{**one, "key": "no spaces"}],
        [one] * 101,
    ):
        response = await client.post(
            url, json={"name": "Bad", "milestones": milestones}, headers=team.admin.headers
        )
        assert_problem(response, 422, "validation_failed")
    response = await client.post(
        url, json={"name": "By a member", "milestones": [one]}, headers=team.member.headers
    )
    assert_problem(response, 403, "insufficient_role")
    assert await _count(sessionmaker, MilestoneTemplate) == before


async def test_a_template_applied_to_a_project(
    client: httpx.AsyncClient, team: Team, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    template = await _template(client, team)
    url = f"{team.base}/projects/{team.project.id}/milestones/from-template"
    # Friday 9 January 2026 as the anchor.
    response = await client.post(
        url,
        json={"template_id": template["id"], "anchor_date": "2026-01-09"},
        headers={**team.admin.headers, "Idempotency-Key": "apply-1"},
    )
    assert response.status_code == 201, response.text
    made = response.json()["milestones"]
    assert [(m["title"], m["start_date"], m["due_date"]) for m in made] == [
        ("Design", "2026-01-09", "2026-01-15"),
        ("Build", "2026-01-16", "2026-01-29"),
        ("Launch", "2026-02-02", "2026-02-02"),
    ]
    assert made[1]["depends_on"] == [{"depends_on_id": made[0]["id"], "lag_days": 1}]
    assert made[1]["priority"] == "high"
    deliverables = await client.get(
        f"{team.base}/projects/{team.project.id}/milestones/{made[0]['id']}/deliverables",
        headers=team.member.headers,
    )
    assert [(d["title"], d["required"]) for d in deliverables.json()["items"]] == [("Spec", True)]
    events = await outbox_events(sessionmaker, made[1]["id"])
    assert [(e["type"], e["data"]["depends_on"]) for e in events] == [
        ("resources.milestone.created", [{"depends_on_id": made[0]["id"], "lag_days": 1}])
    ]
    # A retry with the key creates nothing more.
    milestones_before = await _count(sessionmaker, Milestone)
    again = await client.post(
        url,
        json={"template_id": template["id"], "anchor_date": "2026-01-09"},
        headers={**team.admin.headers, "Idempotency-Key": "apply-1"},
    )
    assert again.json() == response.json()
    assert await _count(sessionmaker, Milestone) == milestones_before
    # Refusals: an unknown template, a project the member does not lead.
    deliverables_before = await _count(sessionmaker, Deliverable)
    assert_problem(
        await client.post(
            url,
            json={"template_id": str(new_id()), "anchor_date": "2026-01-09"},
            headers=team.admin.headers,
        ),
        404,
        "milestone_template_not_found",
    )
    assert_problem(
        await client.post(
            url,
            json={"template_id": template["id"], "anchor_date": "2026-01-09"},
            headers=team.member.headers,
        ),
        403,
        "insufficient_role",
    )
    assert await _count(sessionmaker, Milestone) == milestones_before
    assert await _count(sessionmaker, Deliverable) == deliverables_before
