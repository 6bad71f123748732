"""/users: listing and searching, visibility, admin updates, deactivation."""

from __future__ import annotations

import uuid

import httpx
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from worksync.common.testing.problems import assert_problem
from worksync.identity.models import messaging
from worksync.identity.testing import Accounts, unique_email

USERS = "/api/v1/users"


async def _event_types(
    sessionmaker: async_sessionmaker[AsyncSession], user_id: uuid.UUID
) -> list[tuple[str, int]]:
    outbox = messaging.outbox
    async with sessionmaker() as session:
        rows = await session.execute(
            select(outbox.c.event_type, outbox.c.envelope["sequence"].as_integer())
            .where(outbox.c.envelope["subject"].as_string() == str(user_id))
            .order_by(outbox.c.created_at, outbox.c.id)
        )
        return [(row[0], row[1]) for row in rows]


async def test_admins_page_through_a_search(client: httpx.AsyncClient, accounts: Accounts) -> None:
    admin = await accounts.create(admin=True)
    marker = uuid.uuid4().hex[:10]
    emails = {unique_email(f"{marker}-{n}") for n in range(5)}
    for email in emails:
        await accounts.register(email=email)
    await accounts.register(display_name=f"Someone {marker.upper()}")

    seen: list[str] = []
    cursor: str | None = None
    pages = 0
    while True:
        params: dict[str, str | int] = {"search": marker, "limit": 2}
        if cursor:
            params["cursor"] = cursor
        response = await client.get(USERS, params=params, headers=admin.headers)
        assert response.status_code == 200
        page = response.json()
        assert len(page["items"]) <= 2
        seen += [item["email"] for item in page["items"]]
        pages += 1
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert pages == 3
    assert len(seen) == len(set(seen)) == 6
    assert emails < set(seen)
    assert "password_hash" not in response.text


async def test_the_list_sorts_oldest_first_on_request(
    client: httpx.AsyncClient, accounts: Accounts
) -> None:
    admin = await accounts.create(admin=True)
    marker = uuid.uuid4().hex[:10]
    first = await accounts.register(email=unique_email(f"{marker}-a"))
    second = await accounts.register(email=unique_email(f"{marker}-b"))
    oldest_first = await client.get(
        USERS, params={"search": marker, "sort": "created_at"}, headers=admin.headers
    )
    newest_first = await client.get(USERS, params={"search": marker}, headers=admin.headers)
    assert [u["id"] for u in oldest_first.json()["items"]] == [first["id"], second["id"]]
    assert [u["id"] for u in newest_first.json()["items"]] == [second["id"], first["id"]]


async def test_listing_is_for_admins_only(client: httpx.AsyncClient, accounts: Accounts) -> None:
    account = await accounts.create()
    assert_problem(await client.get(USERS, headers=account.headers), 403, "platform_admin_required")
    assert_problem(await client.get(USERS), 401, "unauthorized")
    admin = await accounts.create(admin=True)
    bad_cursor = await client.get(USERS, params={"cursor": "garbage"}, headers=admin.headers)
    assert_problem(bad_cursor, 400, "invalid_cursor")
    bad_limit = await client.get(USERS, params={"limit": 500}, headers=admin.headers)
    assert_problem(bad_limit, 422, "validation_failed", fields={"limit"})


async def test_who_sees_whom(client: httpx.AsyncClient, accounts: Accounts) -> None:
    alice, bob = await accounts.create(verified=False), await accounts.create()
    admin = await accounts.create(admin=True)
    own = await client.get(f"{USERS}/{alice.id}", headers=alice.headers)
    assert own.status_code == 200
    assert own.json()["preferences"]["timezone"] == "UTC"
    by_admin = await client.get(f"{USERS}/{alice.id}", headers=admin.headers)
    assert by_admin.status_code == 200
    assert by_admin.json()["email_verified"] is False
    stranger = await client.get(f"{USERS}/{alice.id}", headers=bob.headers)
    assert_problem(stranger, 404, "user_not_found")
    missing = await client.get(f"{USERS}/{uuid.uuid4()}", headers=admin.headers)
    assert_problem(missing, 404, "user_not_found")
    malformed = await client.get(f"{USERS}/not-a-uuid", headers=admin.headers)
    assert_problem(malformed, 422, "validation_failed", fields={"user_id"})


async def test_admins_update_users_and_updates_are_published(
    client: httpx.AsyncClient,
    accounts: Accounts,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    admin = await accounts.create(admin=True)
    user = await accounts.create()
    response = await client.patch(
        f"{USERS}/{user.id}",
        json={"display_name": "Renamed", "email_verified": True, "is_platform_admin": True},
        headers=admin.headers,
    )
    assert response.status_code == 200
    updated = response.json()
    assert (updated["display_name"], updated["email_verified"], updated["is_platform_admin"]) == (
        "Renamed",
        True,
        True,
    )
    assert await _event_types(sessionmaker, user.id) == [
        ("identity.user.registered", 1),
        ("identity.user.updated", 2),
    ]
    not_admin = await accounts.create()
    forbidden = await client.patch(
        f"{USERS}/{admin.id}", json={"display_name": "x"}, headers=not_admin.headers
    )
    assert_problem(forbidden, 403, "platform_admin_required")
    missing = await client.patch(
        f"{USERS}/{uuid.uuid4()}", json={"display_name": "x"}, headers=admin.headers
    )
    assert_problem(missing, 404, "user_not_found")
    invalid = await client.patch(
        f"{USERS}/{user.id}", json={"is_active": None, "display_name": " "}, headers=admin.headers
    )
    assert_problem(invalid, 422, "validation_failed", fields={"is_active", "display_name"})
    # Flags are JSON booleans, as the document says: `0` or `"false"` are not taken for one.
    lax = await client.patch(
        f"{USERS}/{user.id}",
        json={"is_active": 0, "email_verified": "false", "is_platform_admin": 1},
        headers=admin.headers,
    )
    assert_problem(
        lax, 422, "validation_failed", fields={"is_active", "email_verified", "is_platform_admin"}
    )


async def test_admins_cannot_lock_themselves_out(
    client: httpx.AsyncClient, accounts: Accounts
) -> None:
    admin = await accounts.create(admin=True)
    demote = await client.patch(
        f"{USERS}/{admin.id}", json={"is_platform_admin": False}, headers=admin.headers
    )
    assert_problem(demote, 409, "own_admin_status")
    delete = await client.delete(f"{USERS}/{admin.id}", headers=admin.headers)
    assert_problem(delete, 409, "own_admin_status")


async def test_deactivation_ends_everything_and_is_published(
    client: httpx.AsyncClient,
    accounts: Accounts,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    admin = await accounts.create(admin=True)
    user = await accounts.create()
    token = await client.post("/api/v1/auth/api-tokens", json={"name": "ci"}, headers=user.headers)
    response = await client.delete(f"{USERS}/{user.id}", headers=admin.headers)
    assert response.status_code == 204
    assert (await client.delete(f"{USERS}/{user.id}", headers=admin.headers)).status_code == 204

    assert_problem(await accounts.login(user.email), 401, "account_inactive")
    refresh = await client.post("/api/v1/auth/refresh", json={"refresh_token": user.refresh_token})
    assert_problem(refresh, 401, "invalid_refresh_token")
    assert_problem(
        await client.get("/api/v1/auth/me", headers=user.headers), 401, "account_inactive"
    )
    exchange = await client.post(
        "/internal/api-tokens/exchange",
        json={"token": token.json()["token"]},
        headers={"X-Internal-Secret": "worksync-development-internal-secret"},
    )
    assert_problem(exchange, 401, "invalid_api_token")
    assert await _event_types(sessionmaker, user.id) == [
        ("identity.user.registered", 1),
        ("identity.user.deactivated", 2),
    ]
    listed = await client.get(USERS, params={"search": user.email}, headers=admin.headers)
    assert listed.json()["items"][0]["is_active"] is False


async def test_reactivation_publishes_an_update(
    client: httpx.AsyncClient,
    accounts: Accounts,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    admin = await accounts.create(admin=True)
    user = await accounts.create()
    deactivate = await client.patch(
        f"{USERS}/{user.id}",
        json={"is_active": False, "display_name": "Gone"},
        headers=admin.headers,
    )
    assert deactivate.json()["is_active"] is False
    reactivate = await client.patch(
        f"{USERS}/{user.id}", json={"is_active": True}, headers=admin.headers
    )
    assert reactivate.json()["is_active"] is True
    assert await _event_types(sessionmaker, user.id) == [
        ("identity.user.registered", 1),
        ("identity.user.updated", 2),
        ("identity.user.deactivated", 3),
        ("identity.user.updated", 4),
    ]
    assert (await accounts.login(user.email)).status_code == 200


async def test_deleting_is_for_admins_only(client: httpx.AsyncClient, accounts: Accounts) -> None:
    user = await accounts.create()
    other = await accounts.create()
    forbidden = await client.delete(f"{USERS}/{other.id}", headers=user.headers)
    assert_problem(forbidden, 403, "platform_admin_required")
    admin = await accounts.create(admin=True)
    missing = await client.delete(f"{USERS}/{uuid.uuid4()}", headers=admin.headers)
    assert_problem(missing, 404, "user_not_found")
