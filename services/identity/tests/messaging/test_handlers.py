"""Workspace membership events -> projection -> who may see whom."""

from __future__ import annotations

import uuid
from typing import Any

import httpx
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from worksync.common.events.envelope import CloudEvent
from worksync.common.testing.problems import assert_problem
from worksync.identity.messaging.handlers import HANDLERS
from worksync.identity.models import WorkspaceMembership
from worksync.identity.testing import Account, Accounts


def membership_event(
    event_type: str, workspace_id: uuid.UUID, user_id: uuid.UUID, sequence: int
) -> CloudEvent:
    data: dict[str, Any] = {"workspace_id": str(workspace_id), "user_id": str(user_id)}
    if event_type in {"workspace.member.added", "workspace.member.updated"}:
        data["role"] = "member"
    return CloudEvent(
        source="worksync/workspace",
        type=event_type,
        subject=str(workspace_id),
        workspaceid=str(workspace_id),
        sequence=sequence,
        data=data,
    )


async def deliver(sessionmaker: async_sessionmaker[AsyncSession], event: CloudEvent) -> None:
    async with sessionmaker.begin() as session:
        await HANDLERS[event.type](session, event)


async def _profile(client: httpx.AsyncClient, viewer: Account, user: Account) -> httpx.Response:
    return await client.get(f"/api/v1/users/{user.id}", headers=viewer.headers)


async def test_co_members_see_each_others_profile(
    client: httpx.AsyncClient,
    accounts: Accounts,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    alice, bob = await accounts.create(), await accounts.create()
    workspace = uuid.uuid4()
    await deliver(sessionmaker, membership_event("workspace.member.added", workspace, alice.id, 1))
    assert_problem(await _profile(client, alice, bob), 404, "user_not_found")
    added = membership_event("workspace.member.added", workspace, bob.id, 2)
    await deliver(sessionmaker, added)
    await deliver(sessionmaker, added)

    response = await _profile(client, alice, bob)
    assert response.status_code == 200
    assert response.json() == {
        "id": str(bob.id),
        "email": bob.email,
        "display_name": "Ada",
        "avatar_url": None,
        "is_active": True,
    }
    assert (await _profile(client, bob, alice)).status_code == 200

    await deliver(sessionmaker, membership_event("workspace.member.removed", workspace, bob.id, 3))
    assert_problem(await _profile(client, alice, bob), 404, "user_not_found")


async def test_a_removal_overtaking_its_addition_wins(
    accounts: Accounts,
    client: httpx.AsyncClient,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    alice, bob = await accounts.create(), await accounts.create()
    workspace = uuid.uuid4()
    await deliver(sessionmaker, membership_event("workspace.member.added", workspace, alice.id, 1))
    removed = membership_event("workspace.member.removed", workspace, bob.id, 3)
    added = membership_event("workspace.member.added", workspace, bob.id, 2)
    for event in (removed, added, removed, added):
        await deliver(sessionmaker, event)

    async with sessionmaker() as session:
        row = await session.scalar(
            select(WorkspaceMembership).where(
                WorkspaceMembership.workspace_id == workspace, WorkspaceMembership.user_id == bob.id
            )
        )
    assert row is not None
    assert (row.removed, row.sequence) == (True, 3)
    assert_problem(await _profile(client, alice, bob), 404, "user_not_found")

    await deliver(sessionmaker, membership_event("workspace.member.added", workspace, bob.id, 4))
    assert (await _profile(client, alice, bob)).status_code == 200


async def test_sharing_needs_the_same_workspace(
    accounts: Accounts,
    client: httpx.AsyncClient,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    alice, bob = await accounts.create(), await accounts.create()
    await deliver(
        sessionmaker, membership_event("workspace.member.added", uuid.uuid4(), alice.id, 1)
    )
    await deliver(sessionmaker, membership_event("workspace.member.added", uuid.uuid4(), bob.id, 1))
    assert_problem(await _profile(client, alice, bob), 404, "user_not_found")


async def test_republished_updates_refill_a_rebuilt_projection(
    accounts: Accounts,
    client: httpx.AsyncClient,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    """`ops rebuild identity memberships` clears the table; `republish workspace.member`
    sends every live member as `updated` at its sequence, removals as `removed`."""
    alice, bob, cy = await accounts.create(), await accounts.create(), await accounts.create()
    workspace = uuid.uuid4()
    updated = "workspace.member.updated"
    await deliver(sessionmaker, membership_event(updated, workspace, alice.id, 4))
    await deliver(sessionmaker, membership_event(updated, workspace, bob.id, 2))
    await deliver(sessionmaker, membership_event("workspace.member.removed", workspace, cy.id, 3))
    assert (await _profile(client, alice, bob)).status_code == 200
    assert_problem(await _profile(client, alice, cy), 404, "user_not_found")
    # An update older than the removal it follows changes nothing.
    await deliver(sessionmaker, membership_event(updated, workspace, cy.id, 2))
    assert_problem(await _profile(client, alice, cy), 404, "user_not_found")
