"""A stand-in for the workspace service's public API, served over real HTTP (`serve`).

It answers the four look-ups the directory falls back to, in the documented shapes, from
dicts a test fills, for the caller its bearer token names (checked with the test minter's
key); and it counts the calls. Whatever a test did not register answers 404: the workspace
service knows nothing the events did not say. Tests keep apart by using fresh slugs, and
count the calls about their own slug::

    newcomer = seeder.user("Nia Newcomer")
    workspace_api.add_member(world.workspace, newcomer)  # their event is still on the way
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Annotated, Any
from uuid import UUID

from fastapi import FastAPI, Header, Query
from fastapi.responses import JSONResponse
from starlette.types import ASGIApp

from worksync.common.auth import TokenVerifier
from worksync.common.errors import problem_for_status, problem_response
from worksync.common.testing.directory import SeededUser, SeededWorkspace

JOINED_AT = "2030-01-01T00:00:00Z"


@dataclass
class FakeWorkspaceApi:
    verifier: TokenVerifier
    # (slug, user id) -> the member: answered as `members/me` to that user, and to any
    # caller in `members?user_id=...` (a list of the live members among those named)
    members: dict[tuple[str, UUID], dict[str, Any]] = field(default_factory=dict)
    # (slug, project id) -> the project answer
    projects: dict[tuple[str, UUID], dict[str, Any]] = field(default_factory=dict)
    # (slug, project id, user id) -> the project member answer
    project_members: dict[tuple[str, UUID, UUID], dict[str, Any]] = field(default_factory=dict)
    # slugs whose look-ups answer 500
    failing: set[str] = field(default_factory=set)
    # (slug, path below the workspace) of every call, in order; a list of members as
    # `members?user_id=<id>,<id>...` in the order asked
    calls: list[tuple[str, str]] = field(default_factory=list)

    def add_member(
        self,
        workspace: SeededWorkspace,
        user: SeededUser,
        *,
        role: str = "member",
        version: int = 1,
    ) -> None:
        """A member the workspace service has, whose event has not arrived."""
        self.put_member(
            workspace.slug,
            workspace.id,
            user.id,
            role=role,
            version=version,
            email=user.email,
            display_name=user.display_name,
        )

    def put_member(
        self,
        slug: str,
        workspace_id: UUID,
        user_id: UUID,
        *,
        role: str,
        version: int = 1,
        email: str | None = None,
        display_name: str = "Newly Added",
    ) -> None:
        """`add_member` by ids, for tests without seeded workspaces and users."""
        self.members[slug, user_id] = {
            "id": str(uuid.uuid5(workspace_id, str(user_id))),
            "workspace_id": str(workspace_id),
            "slug": slug,
            "user_id": str(user_id),
            "role": role,
            "email": email or f"{user_id.hex[-10:]}@example.com",
            "display_name": display_name,
            "joined_at": JOINED_AT,
            "version": version,
        }

    def add_project(
        self,
        slug: str,
        project_id: UUID,
        workspace_id: UUID,
        identifier: str = "APL",
        *,
        version: int = 1,
        archived_at: datetime | None = None,
        visibility: str = "public",
    ) -> None:
        """A project the workspace service has, whose event has not arrived."""
        self.projects[slug, project_id] = {
            "id": str(project_id),
            "workspace_id": str(workspace_id),
            "identifier": identifier,
            "name": "Apollo",
            "description": "To the moon",
            "status": "active",
            "priority": "high",
            "is_time_tracking_enabled": True,
            "visibility": visibility,
            "currency": "EUR",
            "default_hourly_rate": "80.00",
            "budget_amount": None,
            "budget_hours": None,
            "archived_at": archived_at.isoformat() if archived_at else None,
            "version": version,
        }

    def add_project_member(
        self, slug: str, project_id: UUID, user_id: UUID, *, role: str, version: int = 1
    ) -> None:
        self.project_members[slug, project_id, user_id] = {
            "project_id": str(project_id),
            "user_id": str(user_id),
            "role": role,
            "hourly_rate": "95.00",
            "version": version,
        }

    def calls_about(self, slug: str) -> int:
        return sum(1 for called_slug, _ in self.calls if called_slug == slug)

    def app(self) -> ASGIApp:
        api = FastAPI()

        async def answer(
            slug: str,
            path: str,
            authorization: str | None,
            look_up: Callable[[UUID], dict[str, Any] | None],
        ) -> JSONResponse:
            """Count the call, check the token, then answer what `look_up(caller)` finds."""
            self.calls.append((slug, path))
            if authorization is None or not authorization.startswith("Bearer "):
                return problem_response(problem_for_status(401, "No token"))
            principal = await self.verifier.verify(authorization.removeprefix("Bearer "))
            if slug in self.failing:
                return problem_response(problem_for_status(500, "Broken on purpose"))
            found = look_up(principal.user_id)
            if found is None:
                return problem_response(problem_for_status(404, "Not found"))
            return JSONResponse(found)

        @api.get("/api/v1/workspaces/{slug}/members/me")
        async def members_me(slug: str, authorization: str | None = Header(None)) -> JSONResponse:
            return await answer(
                slug, "members/me", authorization, lambda caller: self.members.get((slug, caller))
            )

        @api.get("/api/v1/workspaces/{slug}/members")
        async def members(
            slug: str,
            user_id: Annotated[list[UUID], Query(max_length=100)],
            authorization: str | None = Header(None),
        ) -> JSONResponse:
            def look_up(_caller: UUID) -> dict[str, Any]:
                named = [self.members.get((slug, wanted)) for wanted in user_id]
                return {"items": [m for m in named if m is not None], "next_cursor": None}

            asked = ",".join(str(wanted) for wanted in user_id)
            return await answer(slug, f"members?user_id={asked}", authorization, look_up)

        @api.get("/api/v1/workspaces/{slug}/projects/{project_id}")
        async def project(
            slug: str, project_id: UUID, authorization: str | None = Header(None)
        ) -> JSONResponse:
            return await answer(
                slug,
                f"projects/{project_id}",
                authorization,
                lambda _: self.projects.get((slug, project_id)),
            )

        @api.get("/api/v1/workspaces/{slug}/projects/{project_id}/members/{user_id}")
        async def project_member(
            slug: str, project_id: UUID, user_id: UUID, authorization: str | None = Header(None)
        ) -> JSONResponse:
            return await answer(
                slug,
                f"projects/{project_id}/members/{user_id}",
                authorization,
                lambda _: self.project_members.get((slug, project_id, user_id)),
            )

        return api
