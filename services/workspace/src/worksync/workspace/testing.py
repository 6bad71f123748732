"""Test support for the workspace service (and suites that run it): users announced the way
identity announces them, tokens the app trusts, API shortcuts and problem+json checks."""

from __future__ import annotations

import itertools
import uuid
from typing import Any
from uuid import UUID

import httpx
from sqlalchemy import Integer, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from worksync.common.events.envelope import CloudEvent
from worksync.common.testing.directory import SeededUser
from worksync.common.testing.tokens import TokenMinter
from worksync.workspace.messaging.handlers import HANDLERS
from worksync.workspace.models import messaging

API = "/api/v1"


def unique_email(prefix: str = "user") -> str:
    return f"{prefix}-{uuid.uuid4().hex[:12]}@example.com"


def unique_slug(prefix: str = "ws") -> str:
    return f"{prefix}-{uuid.uuid4().hex[:12]}"


async def published_events(
    sessionmaker: async_sessionmaker[AsyncSession], subject: str
) -> list[dict[str, Any]]:
    """The outbox's envelopes about `subject`, in sequence order, then as written (ids are
    UUIDv7: a republished snapshot repeats its sequence after the original)."""
    outbox = messaging.outbox
    async with sessionmaker() as session:
        rows = await session.scalars(
            select(outbox.c.envelope)
            .where(outbox.c.envelope["subject"].astext == subject)
            .order_by(outbox.c.envelope["sequence"].astext.cast(Integer), outbox.c.id)
        )
        return list(rows)


def identity_event(event_type: str, user_id: UUID, sequence: int, **data: Any) -> CloudEvent:
    return CloudEvent(
        source="worksync/identity",
        type=event_type,
        subject=str(user_id),
        sequence=sequence,
        data={"user_id": str(user_id), **data},
    )


async def deliver(sessionmaker: async_sessionmaker[AsyncSession], event: CloudEvent) -> None:
    """Hand an event to its handler in a transaction of its own, as the consumer does."""
    async with sessionmaker.begin() as session:
        await HANDLERS[event.type](session, event)


class People:
    """Users as identity announced them (registered events), with tokens the app trusts."""

    def __init__(self, minter: TokenMinter, sessionmaker: async_sessionmaker[AsyncSession]) -> None:
        self.minter = minter
        self.sessionmaker = sessionmaker

    async def register(self, display_name: str = "Ada", *, announce: bool = True) -> SeededUser:
        """A new user; `announce=False` leaves identity's event unsent (not yet arrived)."""
        user_id, email = uuid.uuid4(), unique_email()
        if announce:
            event = identity_event(
                "identity.user.registered", user_id, 1, email=email, display_name=display_name
            )
            await deliver(self.sessionmaker, event)
        token = self.minter.mint(user_id, email=email, name=display_name)
        return SeededUser(id=user_id, email=email, display_name=display_name, token=token)


class Workspaces:
    """API shortcuts for arranging tests: each asserts its own success."""

    def __init__(self, client: httpx.AsyncClient) -> None:
        self.client = client
        # Short names and numbers of departments, distinct within a test's workspaces.
        self.department_numbers = itertools.count(1)

    async def create(self, owner: SeededUser, **body: Any) -> dict[str, Any]:
        payload = {"slug": unique_slug(), "name": "Acme", **body}
        response = await self.client.post(f"{API}/workspaces", json=payload, headers=owner.headers)
        assert response.status_code == 201, response.text
        workspace: dict[str, Any] = response.json()
        return workspace

    async def add_member(
        self, slug: str, admin: SeededUser, person: SeededUser, role: str = "member"
    ) -> dict[str, Any]:
        response = await self.client.post(
            f"{API}/workspaces/{slug}/members",
            json={"user_id": str(person.id), "role": role},
            headers=admin.headers,
        )
        assert response.status_code == 201, response.text
        member: dict[str, Any] = response.json()
        return member

    async def create_project(self, slug: str, person: SeededUser, **body: Any) -> dict[str, Any]:
        identifier = "".join(chr(ord("A") + int(c, 16) % 26) for c in uuid.uuid4().hex[:6])
        payload = {"identifier": identifier, "name": "Website", **body}
        response = await self.client.post(
            f"{API}/workspaces/{slug}/projects", json=payload, headers=person.headers
        )
        assert response.status_code == 201, response.text
        project: dict[str, Any] = response.json()
        return project

    async def create_department(
        self, slug: str, admin: SeededUser, code: str, **body: Any
    ) -> dict[str, Any]:
        """A department named after `code`, with a short name and number of its own."""
        number = next(self.department_numbers)
        payload = {
            "name": code.title(),
            "code": code,
            "short_name": f"D{number}",
            "dept_code": f"{number:04d}",
            **body,
        }
        return await self.post(f"/workspaces/{slug}/departments", admin, payload)

    async def create_staff(
        self, slug: str, admin: SeededUser, person: SeededUser, staff_id: str, **body: Any
    ) -> dict[str, Any]:
        payload = {"user_id": str(person.id), "staff_id": staff_id, **body}
        return await self.post(f"/workspaces/{slug}/staff", admin, payload)

    async def post(self, path: str, person: SeededUser, body: dict[str, Any]) -> dict[str, Any]:
        """POST under /api/v1 expecting 200 or 201."""
        response = await self.client.post(f"{API}{path}", json=body, headers=person.headers)
        assert response.status_code in (200, 201), response.text
        created: dict[str, Any] = response.json()
        return created
