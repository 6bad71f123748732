"""Test support for identity (and for suites that run it): a capturing mailer, accounts
made through the API and cheap-hash settings."""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass, field
from typing import Any
from uuid import UUID

import httpx
from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from worksync.identity.mail.mailer import MailMessage
from worksync.identity.models import User

PASSWORD = "correct horse battery staple"


class CapturingMailer:
    """Keeps what would have been sent."""

    def __init__(self) -> None:
        self.messages: list[MailMessage] = []

    async def send(self, message: MailMessage) -> None:
        self.messages.append(message)

    def sent_to(self, email: str) -> list[MailMessage]:
        return [message for message in self.messages if message.to.lower() == email.lower()]

    def token_from_last(self, email: str, page: str) -> str:
        """The token of the last link to `page` mailed to `email`."""
        for message in reversed(self.sent_to(email)):
            match = re.search(rf"/{page}\?token=([A-Za-z0-9_\-]+)", message.text)
            if match:
                return match.group(1)
        raise AssertionError(f"no {page} link was mailed to {email}")


@dataclass
class Account:
    id: UUID
    email: str
    password: str
    access_token: str
    refresh_token: str
    user: dict[str, Any] = field(default_factory=dict)

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.access_token}"}


def unique_email(prefix: str = "user") -> str:
    return f"{prefix}-{uuid.uuid4().hex[:12]}@example.com"


class Accounts:
    """Makes users through the API, as a client would."""

    def __init__(self, client: httpx.AsyncClient, sessionmaker: async_sessionmaker[AsyncSession]):
        self.client = client
        self.sessionmaker = sessionmaker

    async def register(
        self, email: str | None = None, password: str = PASSWORD, display_name: str = "Ada"
    ) -> dict[str, Any]:
        response = await self.client.post(
            "/api/v1/auth/register",
            json={
                "email": email or unique_email(),
                "password": password,
                "display_name": display_name,
            },
        )
        assert response.status_code == 201, response.text
        user: dict[str, Any] = response.json()
        return user

    async def login(self, email: str, password: str = PASSWORD, **headers: str) -> httpx.Response:
        return await self.client.post(
            "/api/v1/auth/login", json={"email": email, "password": password}, headers=headers
        )

    async def create(
        self,
        *,
        admin: bool = False,
        display_name: str = "Ada",
        email: str | None = None,
        verified: bool = True,
    ) -> Account:
        """A signed-in account; `verified` marks its email verified before the login, as
        if its link had been followed (following it afterwards would end the session)."""
        user = await self.register(email=email, display_name=display_name)
        if verified:
            await self.set_verified(UUID(user["id"]))
            user["email_verified"] = True
        if admin:
            await self.promote(UUID(user["id"]))
        response = await self.login(user["email"])
        assert response.status_code == 200, response.text
        tokens = response.json()
        return Account(
            id=UUID(user["id"]),
            email=user["email"],
            password=PASSWORD,
            access_token=tokens["access_token"],
            refresh_token=tokens["refresh_token"],
            user=user,
        )

    async def set_verified(self, user_id: UUID) -> None:
        async with self.sessionmaker.begin() as session:
            await session.execute(
                update(User).where(User.id == user_id).values(email_verified=True)
            )

    async def promote(self, user_id: UUID) -> None:
        async with self.sessionmaker.begin() as session:
            await session.execute(
                update(User).where(User.id == user_id).values(is_platform_admin=True)
            )


# Identity's settings in tests, beside the kit's test defaults.
TEST_SETTINGS: dict[str, Any] = {
    # Cheap hashes keep the suite fast; one test checks the real defaults.
    "argon2_memory_cost_kib": 1024,
    "argon2_time_cost": 1,
    "own_jwks_refresh_min_interval_seconds": 0,
    "public_base_url": "https://app.worksync.test",
}
