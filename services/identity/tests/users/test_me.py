"""GET and PATCH /auth/me."""

from __future__ import annotations

from typing import Any

import httpx
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from worksync.common.testing.problems import assert_problem
from worksync.identity.models import messaging
from worksync.identity.testing import Accounts

ME = "/api/v1/auth/me"


async def _events(
    sessionmaker: async_sessionmaker[AsyncSession], user_id: str
) -> list[dict[str, Any]]:
    outbox = messaging.outbox
    async with sessionmaker() as session:
        envelopes = await session.scalars(
            select(outbox.c.envelope)
            .where(outbox.c.envelope["subject"].as_string() == user_id)
            .order_by(outbox.c.created_at, outbox.c.id)
        )
        return list(envelopes)


async def test_me_is_the_callers_account(client: httpx.AsyncClient, accounts: Accounts) -> None:
    account = await accounts.create(display_name="Grace")
    response = await client.get(ME, headers=account.headers)
    assert response.status_code == 200
    me = response.json()
    assert me["id"] == str(account.id)
    assert me["display_name"] == "Grace"
    assert "password_hash" not in me


async def test_updating_the_profile_publishes_an_update(
    client: httpx.AsyncClient,
    accounts: Accounts,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    account = await accounts.create()
    response = await client.patch(
        ME,
        json={
            "display_name": "Ada L.",
            "avatar_url": "https://cdn.example.com/ada.png",
            "preferences": {"timezone": "Europe/Berlin", "week_start": "sunday"},
        },
        headers=account.headers,
    )
    assert response.status_code == 200
    me = response.json()
    assert me["display_name"] == "Ada L."
    assert me["avatar_url"] == "https://cdn.example.com/ada.png"
    assert me["preferences"] == {
        "timezone": "Europe/Berlin",
        "locale": "en",
        "date_format": "YYYY-MM-DD",
        "week_start": "sunday",
    }
    events = await _events(sessionmaker, str(account.id))
    assert [(e["type"], e["sequence"]) for e in events] == [
        ("identity.user.registered", 1),
        ("identity.user.updated", 2),
    ]
    assert events[1]["data"] == {
        "user_id": str(account.id),
        "email": account.email,
        "display_name": "Ada L.",
        "avatar_url": "https://cdn.example.com/ada.png",
        "is_active": True,
    }


async def test_an_avatar_url_is_kept_as_written_up_to_the_stated_length(
    client: httpx.AsyncClient, accounts: Accounts
) -> None:
    """Stored as given: normalised, a URL of the document's maximum length (2048) would gain
    a `/`; and only what the document's pattern allows is taken."""
    account = await accounts.create()
    longest = "https://" + "a" * 2040
    kept = await client.patch(ME, json={"avatar_url": longest}, headers=account.headers)
    assert kept.status_code == 200, kept.text
    assert kept.json()["avatar_url"] == longest
    for refused in ("https://" + "a" * 2041, "https://\u00cf.example/a.png", "http://a b/c"):
        response = await client.patch(ME, json={"avatar_url": refused}, headers=account.headers)
        assert_problem(response, 422, "validation_failed", fields={"avatar_url"})


async def test_preferences_alone_publish_nothing_and_null_removes_the_avatar(
    client: httpx.AsyncClient,
    accounts: Accounts,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    account = await accounts.create()
    await client.patch(ME, json={"preferences": {"locale": "de-CH"}}, headers=account.headers)
    assert len(await _events(sessionmaker, str(account.id))) == 1
    await client.patch(ME, json={"avatar_url": "https://a.example/x.png"}, headers=account.headers)
    cleared = await client.patch(ME, json={"avatar_url": None}, headers=account.headers)
    assert cleared.json()["avatar_url"] is None
    assert cleared.json()["preferences"]["locale"] == "de-CH"
    sequences = [e["sequence"] for e in await _events(sessionmaker, str(account.id))]
    # The preferences took version 2 (the account's ETag) without an event.
    assert sequences == [1, 3, 4]


async def test_profile_updates_are_validated(client: httpx.AsyncClient, accounts: Accounts) -> None:
    account = await accounts.create()
    response = await client.patch(
        ME,
        json={
            "display_name": None,
            "avatar_url": "ftp://example.com/a.png",
            "preferences": {
                "timezone": "Mars/Olympus",
                "locale": "english!",
                "week_start": "friday",
            },
        },
        headers=account.headers,
    )
    assert_problem(
        response,
        422,
        "validation_failed",
        fields={
            "display_name",
            "avatar_url",
            "preferences.timezone",
            "preferences.locale",
            "preferences.week_start",
        },
    )
    unknown_field = await client.patch(ME, json={"email": "x@example.com"}, headers=account.headers)
    assert_problem(unknown_field, 422, "validation_failed", fields={"email"})


async def test_me_needs_a_token(client: httpx.AsyncClient) -> None:
    assert_problem(await client.get(ME), 401, "unauthorized")
    assert_problem(await client.patch(ME, json={}), 401, "unauthorized")
