"""Department and staff events: one per change, sequence = the row's version, the whole
aggregate in `data` (staff without phone or notes), nothing for a refused request."""

from __future__ import annotations

from typing import Any

import httpx
from sqlalchemy import Integer, func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from worksync.workspace.models import messaging
from worksync.workspace.testing import API, People, Workspaces

outbox = messaging.outbox


async def _events(
    sessionmaker: async_sessionmaker[AsyncSession], subject: str
) -> list[dict[str, Any]]:
    async with sessionmaker() as session:
        rows = await session.scalars(
            select(outbox.c.envelope)
            .where(outbox.c.envelope["subject"].astext == subject)
            .order_by(outbox.c.envelope["sequence"].astext.cast(Integer))
        )
        return list(rows)


async def test_department_events(
    client: httpx.AsyncClient,
    people: People,
    workspaces: Workspaces,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    ada, bob = await people.register(), await people.register()
    workspace = await workspaces.create(ada)
    slug = workspace["slug"]
    await workspaces.add_member(slug, ada, bob)
    project = await workspaces.create_project(slug, ada)
    parent = await workspaces.create_department(slug, ada, "PARENT")
    department = await workspaces.create_department(
        slug, ada, "ENG", manager_id=str(bob.id), linked_project_id=project["id"]
    )
    url = f"{API}/workspaces/{slug}/departments/{department['id']}"
    await client.patch(url, json={"is_active": False}, headers=ada.headers)
    await client.patch(url, json={"parent_id": parent["id"]}, headers=ada.headers)
    await client.delete(url, headers=ada.headers)
    await client.post(f"{url}/restore", headers=ada.headers)

    events = await _events(sessionmaker, department["id"])
    assert [(event["type"], event["sequence"]) for event in events] == [
        ("workspace.department.created", 1),
        ("workspace.department.updated", 2),
        ("workspace.department.moved", 3),
        ("workspace.department.deleted", 4),
        ("workspace.department.restored", 5),
    ]
    assert events[0]["workspaceid"] == workspace["id"]
    assert events[0]["actorid"] == str(ada.id)
    assert events[0]["data"] == {
        "department_id": department["id"],
        "workspace_id": workspace["id"],
        "name": "Eng",
        "code": "ENG",
        "short_name": department["short_name"],
        "dept_code": department["dept_code"],
        "parent_id": None,
        "level": 1,
        "manager_id": str(bob.id),
        "linked_project_id": project["id"],
        "is_active": True,
    }
    assert (events[2]["data"]["parent_id"], events[2]["data"]["level"]) == (parent["id"], 2)


async def test_staff_events_leave_private_fields_off_the_bus(
    client: httpx.AsyncClient,
    people: People,
    workspaces: Workspaces,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    ada, bob = await people.register(), await people.register()
    workspace = await workspaces.create(ada)
    slug = workspace["slug"]
    await workspaces.add_member(slug, ada, bob)
    first, second = [await workspaces.create_department(slug, ada, c) for c in ("ONE", "TWO")]
    profile = await workspaces.create_staff(
        slug,
        ada,
        bob,
        "B1",
        department_id=first["id"],
        position="Engineer",
        job_grade="L3",
        phone="+1 555 0100",
        notes="private",
        date_of_joining="2024-01-01",
        skills=["Python"],
    )
    url = f"{API}/workspaces/{slug}/staff/{profile['id']}"
    await client.patch(url, json={"job_grade": "L4"}, headers=ada.headers)
    await client.post(
        f"{url}/transfer",
        json={"department_id": second["id"], "effective_date": "2025-01-01"},
        headers=ada.headers,
    )
    # Made a manager: the derived flag changes, and says so.
    await client.patch(
        f"{API}/workspaces/{slug}/departments/{second['id']}",
        json={"manager_id": str(bob.id)},
        headers=ada.headers,
    )
    await client.post(
        f"{url}/deactivate", json={"date_of_leaving": "2025-02-01"}, headers=ada.headers
    )
    await client.delete(url, headers=ada.headers)

    events = await _events(sessionmaker, profile["id"])
    assert [(event["type"], event["sequence"]) for event in events] == [
        ("workspace.staff.created", 1),
        ("workspace.staff.updated", 2),
        ("workspace.staff.transferred", 3),
        ("workspace.staff.updated", 4),
        ("workspace.staff.deactivated", 5),
        ("workspace.staff.deleted", 6),
    ]
    assert events[0]["data"] == {
        "staff_profile_id": profile["id"],
        "workspace_id": workspace["id"],
        "user_id": str(bob.id),
        "staff_id": "B1",
        "department_id": first["id"],
        "position": "Engineer",
        "job_grade": "L3",
        "employment_status": "active",
        "is_department_manager": False,
        "date_of_joining": "2024-01-01",
        "date_of_leaving": None,
        "skills": ["Python"],
    }
    assert events[2]["data"]["department_id"] == second["id"]
    assert events[3]["data"]["is_department_manager"] is True
    assert {k: events[4]["data"][k] for k in ("employment_status", "is_department_manager")} == {
        "employment_status": "resigned",
        "is_department_manager": False,
    }
    assert events[4]["data"]["date_of_leaving"] == "2025-02-01"


async def test_refused_department_and_staff_requests_write_no_events(
    client: httpx.AsyncClient,
    people: People,
    workspaces: Workspaces,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    ada, bob = await people.register(), await people.register()
    slug = (await workspaces.create(ada))["slug"]
    await workspaces.add_member(slug, ada, bob)
    top = await workspaces.create_department(slug, ada, "TOP")
    below = await workspaces.create_department(slug, ada, "BELOW", parent_id=top["id"])
    await workspaces.create_staff(slug, ada, bob, "B1", department_id=below["id"])
    async with sessionmaker() as session:
        before = await session.scalar(select(func.count()).select_from(outbox))
    base = f"{API}/workspaces/{slug}"
    refused = [
        await client.patch(
            f"{base}/departments/{top['id']}", json={"parent_id": below["id"]}, headers=ada.headers
        ),
        await client.delete(
            f"{base}/departments/{top['id']}", params={"cascade": True}, headers=ada.headers
        ),
        await client.post(
            f"{base}/staff", json={"user_id": str(bob.id), "staff_id": "B2"}, headers=ada.headers
        ),
    ]
    assert [response.status_code for response in refused] == [409, 409, 409]
    async with sessionmaker() as session:
        assert await session.scalar(select(func.count()).select_from(outbox)) == before
