"""Invitations: sending, listing, revoking, the public preview, and accepting."""

from __future__ import annotations

import hashlib
import uuid
from datetime import timedelta

import httpx
from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from worksync.common.testing.directory import SeededUser
from worksync.common.testing.problems import assert_problem
from worksync.common.testing.tokens import TokenMinter
from worksync.workspace.models import Invitation, idempotency_keys
from worksync.workspace.testing import (
    API,
    People,
    Workspaces,
    unique_email,
)


async def _invite(
    client: httpx.AsyncClient, slug: str, admin: SeededUser, email: str, role: str = "member"
) -> httpx.Response:
    return await client.post(
        f"{API}/workspaces/{slug}/invitations",
        json={"email": email, "role": role},
        headers=admin.headers,
    )


async def test_an_invitation_is_previewed_and_accepted_once(
    client: httpx.AsyncClient,
    people: People,
    workspaces: Workspaces,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    ada, bob = await people.register("Ada"), await people.register("Bob")
    workspace = await workspaces.create(ada, name="Acme")
    slug = workspace["slug"]
    response = await _invite(client, slug, ada, bob.email.upper(), role="admin")
    assert response.status_code == 201, response.text
    created = response.json()
    token = created["token"]
    assert len(token) >= 40
    assert created["role"] == "admin"
    assert created["invited_by_id"] == str(ada.id)

    async with sessionmaker() as session:
        row = await session.get(Invitation, uuid.UUID(created["id"]))
    assert row is not None
    assert row.token_hash == hashlib.sha256(token.encode()).digest()
    assert token not in repr(row.__dict__)

    preview = await client.get(f"{API}/invitations/{token}")
    assert preview.status_code == 200
    body = preview.json()
    local, domain = bob.email.upper().split("@")
    assert body == {
        "workspace_name": "Acme",
        "workspace_slug": slug,
        "inviter_name": "Ada",
        "role": "admin",
        "email": f"{local[0]}***@{domain.lower()}",
        "expires_at": created["expires_at"],
    }
    pending = await client.get(f"{API}/workspaces/{slug}/invitations", headers=ada.headers)
    assert [i["id"] for i in pending.json()["items"]] == [created["id"]]
    assert token not in pending.text

    accepted = await client.post(f"{API}/invitations/{token}/accept", headers=bob.headers)
    assert accepted.status_code == 200, accepted.text
    member = accepted.json()
    assert (member["user_id"], member["role"], member["display_name"]) == (
        str(bob.id),
        "admin",
        "Bob",
    )
    assert (await client.get(f"{API}/workspaces/{slug}", headers=bob.headers)).status_code == 200
    assert_problem(await client.get(f"{API}/invitations/{token}"), 404, "invitation_not_found")
    used = await client.post(f"{API}/invitations/{token}/accept", headers=bob.headers)
    assert_problem(used, 404, "invitation_not_found")
    pending = await client.get(f"{API}/workspaces/{slug}/invitations", headers=ada.headers)
    assert pending.json()["items"] == []


async def test_only_the_invited_address_may_accept(
    client: httpx.AsyncClient, people: People, workspaces: Workspaces, minter: TokenMinter
) -> None:
    ada, eve = await people.register(), await people.register()
    slug = (await workspaces.create(ada))["slug"]
    email = unique_email("invitee")
    token = (await _invite(client, slug, ada, email)).json()["token"]
    mismatch = await client.post(f"{API}/invitations/{token}/accept", headers=eve.headers)
    assert_problem(mismatch, 403, "invitation_email_mismatch")
    anonymous = await client.post(f"{API}/invitations/{token}/accept")
    assert_problem(anonymous, 401, "unauthorized")
    # The invitee signs up after the invitation; identity's event has not arrived yet.
    newcomer_id = uuid.uuid4()
    newcomer_token = minter.mint(newcomer_id, email=email.title(), name="New")
    accepted = await client.post(
        f"{API}/invitations/{token}/accept",
        headers={"Authorization": f"Bearer {newcomer_token}"},
    )
    assert accepted.status_code == 200, accepted.text
    assert accepted.json()["role"] == "member"


async def test_only_a_verified_address_may_accept(
    client: httpx.AsyncClient,
    people: People,
    workspaces: Workspaces,
    minter: TokenMinter,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    """Whoever registered someone else's address first must not join in their name."""
    ada = await people.register()
    slug = (await workspaces.create(ada))["slug"]
    email = unique_email("invitee")
    token = (await _invite(client, slug, ada, email)).json()["token"]
    squatter_id = uuid.uuid4()
    unverified = minter.mint(squatter_id, email=email, email_verified=False)
    refused = await client.post(
        f"{API}/invitations/{token}/accept", headers={"Authorization": f"Bearer {unverified}"}
    )
    assert_problem(refused, 403, "email_not_verified")
    async with sessionmaker() as session:
        row = await session.scalar(select(Invitation).where(Invitation.email == email))
    assert row is not None
    assert row.accepted_at is None
    verified = minter.mint(squatter_id, email=email)
    accepted = await client.post(
        f"{API}/invitations/{token}/accept", headers={"Authorization": f"Bearer {verified}"}
    )
    assert accepted.status_code == 200, accepted.text


async def test_expired_and_revoked_invitations_are_gone(
    client: httpx.AsyncClient,
    people: People,
    workspaces: Workspaces,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    ada, bob, cy = await people.register(), await people.register(), await people.register()
    slug = (await workspaces.create(ada))["slug"]
    expiring = (await _invite(client, slug, ada, bob.email)).json()
    async with sessionmaker.begin() as session:
        await session.execute(
            update(Invitation)
            .where(Invitation.id == uuid.UUID(expiring["id"]))
            .values(expires_at=func.now() - timedelta(seconds=1))
        )
    assert_problem(
        await client.get(f"{API}/invitations/{expiring['token']}"), 404, "invitation_not_found"
    )
    assert_problem(
        await client.post(f"{API}/invitations/{expiring['token']}/accept", headers=bob.headers),
        404,
        "invitation_not_found",
    )
    # An expired invitation does not block a new one to the same address.
    renewed = await _invite(client, slug, ada, bob.email)
    assert renewed.status_code == 201, renewed.text

    revoked = (await _invite(client, slug, ada, cy.email)).json()
    response = await client.delete(
        f"{API}/workspaces/{slug}/invitations/{revoked['id']}", headers=ada.headers
    )
    assert response.status_code == 204
    assert_problem(
        await client.get(f"{API}/invitations/{revoked['token']}"), 404, "invitation_not_found"
    )
    assert_problem(
        await client.delete(
            f"{API}/workspaces/{slug}/invitations/{revoked['id']}", headers=ada.headers
        ),
        404,
        "invitation_not_found",
    )
    assert_problem(await client.get(f"{API}/invitations/{'x' * 43}"), 404, "invitation_not_found")


async def test_invitations_conflict_with_members_and_pending_ones(
    client: httpx.AsyncClient, people: People, workspaces: Workspaces
) -> None:
    ada, bob, member = await people.register(), await people.register(), await people.register()
    slug = (await workspaces.create(ada))["slug"]
    await workspaces.add_member(slug, ada, member)
    assert_problem(await _invite(client, slug, ada, member.email.upper()), 409, "already_member")
    assert (await _invite(client, slug, ada, bob.email)).status_code == 201
    assert_problem(await _invite(client, slug, ada, bob.email.upper()), 409, "invitation_pending")
    assert_problem(await _invite(client, slug, member, unique_email()), 403, "insufficient_role")
    assert_problem(
        await _invite(client, slug, ada, "not-an-address", role="owner"),
        422,
        "validation_failed",
        fields={"email", "role"},
    )


async def test_accepting_while_already_a_member_conflicts(
    client: httpx.AsyncClient, people: People, workspaces: Workspaces
) -> None:
    ada, bob = await people.register(), await people.register()
    slug = (await workspaces.create(ada))["slug"]
    token = (await _invite(client, slug, ada, bob.email)).json()["token"]
    await workspaces.add_member(slug, ada, bob)
    accepted = await client.post(f"{API}/invitations/{token}/accept", headers=bob.headers)
    assert_problem(accepted, 409, "already_member")


async def test_a_replayed_invitation_never_repeats_its_token(
    client: httpx.AsyncClient,
    people: People,
    workspaces: Workspaces,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    ada = await people.register()
    slug = (await workspaces.create(ada))["slug"]
    headers = {**ada.headers, "Idempotency-Key": str(uuid.uuid4())}
    body = {"email": unique_email()}
    first = await client.post(f"{API}/workspaces/{slug}/invitations", json=body, headers=headers)
    replay = await client.post(f"{API}/workspaces/{slug}/invitations", json=body, headers=headers)
    assert first.status_code == replay.status_code == 201
    assert first.json()["token"]
    assert replay.json() == {**first.json(), "token": None}
    async with sessionmaker() as session:
        stored = await session.scalar(
            select(idempotency_keys.c.body).where(
                idempotency_keys.c.key == headers["Idempotency-Key"]
            )
        )
        count = await session.scalar(
            select(func.count())
            .select_from(Invitation)
            .where(Invitation.workspace_id == uuid.UUID(first.json()["workspace_id"]))
        )
    assert count == 1
    assert first.json()["token"] not in str(stored)
