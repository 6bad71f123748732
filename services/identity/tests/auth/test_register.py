"""POST /auth/register."""

from __future__ import annotations

import uuid

import httpx
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from worksync.common.testing.problems import assert_problem
from worksync.identity.models import User, messaging
from worksync.identity.testing import PASSWORD, CapturingMailer, unique_email

REGISTER = "/api/v1/auth/register"


async def _outbox_types(
    sessionmaker: async_sessionmaker[AsyncSession], user_id: str
) -> list[tuple[str, int]]:
    outbox = messaging.outbox
    async with sessionmaker() as session:
        rows = await session.execute(
            select(outbox.c.event_type, outbox.c.envelope["sequence"].as_integer())
            .where(outbox.c.envelope["subject"].as_string() == user_id)
            .order_by(outbox.c.created_at, outbox.c.id)
        )
        return [(row[0], row[1]) for row in rows]


async def test_register_creates_a_user_and_mails_a_verification_link(
    client: httpx.AsyncClient,
    mailer: CapturingMailer,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    email = unique_email()
    response = await client.post(
        REGISTER, json={"email": email, "password": PASSWORD, "display_name": " Ada Lovelace "}
    )
    assert response.status_code == 201
    user = response.json()
    assert user["email"] == email
    assert user["display_name"] == "Ada Lovelace"
    assert user["is_active"] is True
    assert user["email_verified"] is False
    assert user["is_platform_admin"] is False
    assert user["preferences"] == {
        "timezone": "UTC",
        "locale": "en",
        "date_format": "YYYY-MM-DD",
        "week_start": "monday",
    }
    assert "password" not in response.text
    assert "hash" not in response.text
    assert mailer.token_from_last(email, "verify-email")
    assert await _outbox_types(sessionmaker, user["id"]) == [("identity.user.registered", 1)]


async def test_the_registered_event_carries_the_profile_and_no_secret(
    client: httpx.AsyncClient, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    email = unique_email()
    user = (
        await client.post(
            REGISTER, json={"email": email, "password": PASSWORD, "display_name": "Ada"}
        )
    ).json()
    async with sessionmaker() as session:
        envelope = await session.scalar(
            select(messaging.outbox.c.envelope).where(
                messaging.outbox.c.envelope["subject"].as_string() == user["id"]
            )
        )
    assert envelope is not None
    assert envelope["source"] == "worksync/identity"
    assert envelope["type"] == "identity.user.registered"
    assert envelope["actorid"] == user["id"]
    assert envelope["data"] == {"user_id": user["id"], "email": email, "display_name": "Ada"}
    assert PASSWORD not in str(envelope)


async def test_an_email_is_taken_whatever_its_case_and_nothing_is_published(
    client: httpx.AsyncClient, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    email = unique_email()
    first = await client.post(
        REGISTER, json={"email": email, "password": PASSWORD, "display_name": "Ada"}
    )
    assert first.status_code == 201
    second = await client.post(
        REGISTER, json={"email": email.upper(), "password": PASSWORD, "display_name": "Eve"}
    )
    assert_problem(second, 409, "email_taken")
    async with sessionmaker() as session:
        outbox = messaging.outbox
        published = await session.scalar(
            select(func.count())
            .select_from(outbox)
            .where(outbox.c.envelope["data"]["email"].as_string().ilike(email))
        )
    assert published == 1


async def test_registration_is_validated(client: httpx.AsyncClient) -> None:
    response = await client.post(
        REGISTER, json={"email": "not-an-email", "password": "short", "display_name": ""}
    )
    body = assert_problem(response, 422, "validation_failed", fields={"email", "password"})
    assert {error["field"] for error in body["errors"]} == {"email", "password", "display_name"}
    too_long = await client.post(
        REGISTER, json={"email": unique_email(), "password": "x" * 129, "display_name": "Ada"}
    )
    assert_problem(too_long, 422, "validation_failed", fields={"password"})


async def test_a_replayed_registration_answers_the_same_and_creates_one_user(
    client: httpx.AsyncClient, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    email = unique_email()
    body = {"email": email, "password": PASSWORD, "display_name": "Ada"}
    headers = {"Idempotency-Key": str(uuid.uuid4())}
    first = await client.post(REGISTER, json=body, headers=headers)
    replay = await client.post(REGISTER, json=body, headers=headers)
    assert first.status_code == replay.status_code == 201
    assert replay.json() == first.json()
    assert replay.headers["Idempotent-Replayed"] == "true"
    async with sessionmaker() as session:
        count = await session.scalar(
            select(func.count()).select_from(User).where(func.lower(User.email) == email)
        )
    assert count == 1
    assert await _outbox_types(sessionmaker, first.json()["id"]) == [
        ("identity.user.registered", 1)
    ]


async def test_an_idempotency_key_cannot_be_reused_for_another_registration(
    client: httpx.AsyncClient,
) -> None:
    headers = {"Idempotency-Key": str(uuid.uuid4())}
    first = await client.post(
        REGISTER,
        json={"email": unique_email(), "password": PASSWORD, "display_name": "Ada"},
        headers=headers,
    )
    assert first.status_code == 201
    other = await client.post(
        REGISTER,
        json={"email": unique_email(), "password": PASSWORD, "display_name": "Ada"},
        headers=headers,
    )
    assert_problem(other, 422, "idempotency_key_reused")
