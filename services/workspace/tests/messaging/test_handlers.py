"""Identity's user events -> the users projection, member names, and departures.

Every event is delivered twice and some out of order: only news changes anything.
"""

from __future__ import annotations

import logging
import uuid
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from worksync.common.testing.directory import SeededUser
from worksync.common.testing.problems import assert_problem
from worksync.workspace.models import User, messaging
from worksync.workspace.testing import (
    API,
    People,
    Workspaces,
    deliver,
    identity_event,
    unique_email,
)


async def _user(sessionmaker: async_sessionmaker[AsyncSession], user_id: uuid.UUID) -> User:
    async with sessionmaker() as session:
        user = await session.get(User, user_id)
    assert user is not None
    return user


async def _member_event_count(
    sessionmaker: async_sessionmaker[AsyncSession], membership_id: str
) -> int:
    outbox = messaging.outbox
    async with sessionmaker() as session:
        count = await session.scalar(
            select(func.count())
            .select_from(outbox)
            .where(outbox.c.envelope["subject"].astext == membership_id)
        )
    return int(count or 0)


async def _member(
    client: httpx.AsyncClient, slug: str, viewer: SeededUser, user_id: uuid.UUID
) -> dict[str, Any]:
    response = await client.get(f"{API}/workspaces/{slug}/members", headers=viewer.headers)
    return next(m for m in response.json()["items"] if m["user_id"] == str(user_id))


async def test_registration_fills_in_members_who_came_first(
    client: httpx.AsyncClient,
    people: People,
    workspaces: Workspaces,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    grace = await people.register("Grace", announce=False)
    slug = (await workspaces.create(grace))["slug"]
    membership = await _member(client, slug, grace, grace.id)
    registered = identity_event(
        "identity.user.registered",
        grace.id,
        1,
        email=grace.email,
        display_name="Grace Hopper",
    )
    for _ in range(2):
        await deliver(sessionmaker, registered)
    user = await _user(sessionmaker, grace.id)
    assert (user.email, user.display_name, user.is_active, user.sequence) == (
        grace.email,
        "Grace Hopper",
        True,
        1,
    )
    updated = await _member(client, slug, grace, grace.id)
    assert (updated["display_name"], updated["version"]) == ("Grace Hopper", 2)
    assert await _member_event_count(sessionmaker, membership["id"]) == 2


async def test_profile_updates_reach_members_once_and_in_order(
    client: httpx.AsyncClient,
    people: People,
    workspaces: Workspaces,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    ada, bob = await people.register(), await people.register("Bob")
    slug = (await workspaces.create(ada))["slug"]
    membership = await workspaces.add_member(slug, ada, bob)
    new_email = unique_email("bob")
    renamed = identity_event(
        "identity.user.updated",
        bob.id,
        3,
        email=new_email,
        display_name="Robert",
        avatar_url=None,
        is_active=True,
    )
    stale = identity_event(
        "identity.user.updated",
        bob.id,
        2,
        email=bob.email,
        display_name="Bobby",
        avatar_url=None,
        is_active=True,
    )
    for event in (renamed, renamed, stale, stale):
        await deliver(sessionmaker, event)
    member = await _member(client, slug, ada, bob.id)
    assert (member["email"], member["display_name"], member["version"]) == (
        new_email,
        "Robert",
        2,
    )
    assert (await _user(sessionmaker, bob.id)).sequence == 3
    assert await _member_event_count(sessionmaker, membership["id"]) == 2


async def test_deactivated_users_leave_every_workspace_but_the_last_owned(
    client: httpx.AsyncClient,
    people: People,
    workspaces: Workspaces,
    sessionmaker: async_sessionmaker[AsyncSession],
    caplog: pytest.LogCaptureFixture,
) -> None:
    ada, bob = await people.register(), await people.register()
    shared = (await workspaces.create(ada))["slug"]
    await workspaces.add_member(shared, ada, bob, role="owner")
    only_bobs = (await workspaces.create(bob))["slug"]
    member_of = (await workspaces.create(ada))["slug"]
    await workspaces.add_member(member_of, ada, bob)
    project = await workspaces.create_project(member_of, bob)

    deactivated = identity_event("identity.user.deactivated", bob.id, 2)
    reactivated_earlier = identity_event(
        "identity.user.updated",
        bob.id,
        1,
        email=bob.email,
        display_name="Bob",
        avatar_url=None,
        is_active=True,
    )
    with caplog.at_level(logging.WARNING):
        for event in (deactivated, deactivated, reactivated_earlier):
            await deliver(sessionmaker, event)
    assert "stays the last owner" in caplog.text

    for slug in (shared, member_of):
        assert_problem(
            await client.get(f"{API}/workspaces/{slug}", headers=bob.headers),
            404,
            "workspace_not_found",
        )
    assert (await client.get(f"{API}/workspaces/{only_bobs}", headers=bob.headers)).is_success
    project_members = await client.get(
        f"{API}/workspaces/{member_of}/projects/{project['id']}/members", headers=ada.headers
    )
    assert project_members.json()["items"] == []
    assert (await _user(sessionmaker, bob.id)).is_active is False
    readd = await client.post(
        f"{API}/workspaces/{shared}/members", json={"user_id": str(bob.id)}, headers=ada.headers
    )
    assert_problem(readd, 404, "user_not_found")


async def test_a_deactivation_overtaking_the_registration(
    client: httpx.AsyncClient,
    people: People,
    workspaces: Workspaces,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    ada = await people.register()
    slug = (await workspaces.create(ada))["slug"]
    user_id = uuid.uuid4()
    registered = identity_event(
        "identity.user.registered", user_id, 1, email=unique_email(), display_name="Late"
    )
    deactivated = identity_event("identity.user.deactivated", user_id, 2)
    for event in (deactivated, registered, deactivated, registered):
        await deliver(sessionmaker, event)
    user = await _user(sessionmaker, user_id)
    assert (user.is_active, user.sequence, user.email) == (False, 2, None)
    added = await client.post(
        f"{API}/workspaces/{slug}/members", json={"user_id": str(user_id)}, headers=ada.headers
    )
    assert_problem(added, 404, "user_not_found")
