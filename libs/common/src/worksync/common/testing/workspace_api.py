"""A stand-in for the workspace service's public API, served over real HTTP (`serve`).

It answers the four look-ups the directory falls back to, at the paths and in the shapes of
the directory's consumer contract (`tests/contract/consumers/directory-on-workspace.json`,
verified against the workspace service), from values a test registers, for the caller its
bearer token names (checked with the test minter's key); and it counts the calls. Whatever a
test did not register answers 404: the workspace service knows nothing the events did not
say. Tests keep apart by using fresh slugs, and count the calls about their own slug::

    newcomer = seeder.user("Nia Newcomer")
    workspace_api.add_member(world.workspace, newcomer)  # their event is still on the way
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Annotated, Any
from uuid import UUID

from fastapi import FastAPI, Header, Query
from fastapi.responses import JSONResponse
from starlette.types import ASGIApp

from worksync.common.auth import TokenVerifier
from worksync.common.errors import problem_for_status, problem_response
from worksync.common.testing.consumer_contracts import ConsumerContract, load_contract
from worksync.common.testing.directory import SeededUser, SeededWorkspace

CONTRACT: ConsumerContract = load_contract("directory-on-workspace")
MEMBERSHIP = CONTRACT.interactions["membership"]
MEMBERS = CONTRACT.interactions["members"]
PROJECT = CONTRACT.interactions["project"]
PROJECT_MEMBER = CONTRACT.interactions["project_member"]
# What a test registers about a member, as each look-up answers it.
MEMBERSHIP_FIELDS = ("workspace_id", "slug", "user_id", "role", "version")
LISTED_FIELDS = ("id", "workspace_id", "user_id", "role", "email", "display_name", "version")


@dataclass
class FakeWorkspaceApi:
    verifier: TokenVerifier
    # (slug, user id) -> what the workspace knows of the member: answered as `members/me`
    # to that user, and to any caller in `members?user_id=...` (the live members named)
    members: dict[tuple[str, UUID], dict[str, Any]] = field(default_factory=dict)
    # (slug, project id) -> the project answer (the contract's example, filled in)
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
        self.projects[slug, project_id] = PROJECT.answer(
            id=str(project_id),
            workspace_id=str(workspace_id),
            identifier=identifier,
            visibility=visibility,
            archived_at=archived_at.isoformat() if archived_at else None,
            version=version,
        )

    def add_project_member(
        self, slug: str, project_id: UUID, user_id: UUID, *, role: str, version: int = 1
    ) -> None:
        self.project_members[slug, project_id, user_id] = PROJECT_MEMBER.answer(
            id=str(uuid.uuid5(project_id, str(user_id))),
            project_id=str(project_id),
            user_id=str(user_id),
            role=role,
            version=version,
        )

    def calls_about(self, slug: str) -> int:
        return sum(1 for called_slug, _ in self.calls if called_slug == slug)

    def _membership(self, slug: str, user_id: UUID) -> dict[str, Any] | None:
        member = self.members.get((slug, user_id))
        if member is None:
            return None
        return MEMBERSHIP.answer(**{name: member[name] for name in MEMBERSHIP_FIELDS})

    def _listed(self, slug: str, user_ids: list[UUID]) -> dict[str, Any]:
        named = [self.members.get((slug, user_id)) for user_id in user_ids]
        items = [
            MEMBERS.answer_item("items", **{name: member[name] for name in LISTED_FIELDS})
            for member in named
            if member is not None
        ]
        return MEMBERS.answer(items=items, next_cursor=None)

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

        async def membership(ws: str, authorization: str | None = Header(None)) -> JSONResponse:
            return await answer(
                ws, "members/me", authorization, lambda caller: self._membership(ws, caller)
            )

        async def members(
            ws: str,
            user_id: Annotated[list[UUID], Query(max_length=100)],
            authorization: str | None = Header(None),
        ) -> JSONResponse:
            asked = ",".join(str(wanted) for wanted in user_id)
            return await answer(
                ws, f"members?user_id={asked}", authorization, lambda _: self._listed(ws, user_id)
            )

        async def project(
            ws: str, project_id: UUID, authorization: str | None = Header(None)
        ) -> JSONResponse:
            return await answer(
                ws,
                f"projects/{project_id}",
                authorization,
                lambda _: self.projects.get((ws, project_id)),
            )

        async def project_member(
            ws: str, project_id: UUID, user_id: UUID, authorization: str | None = Header(None)
        ) -> JSONResponse:
            return await answer(
                ws,
                f"projects/{project_id}/members/{user_id}",
                authorization,
                lambda _: self.project_members.get((ws, project_id, user_id)),
            )

        handlers: dict[str, Callable[..., Awaitable[JSONResponse]]] = {
            MEMBERSHIP.name: membership,
            MEMBERS.name: members,
            PROJECT.name: project,
            PROJECT_MEMBER.name: project_member,
        }
        for name, handler in handlers.items():
            interaction = CONTRACT.interactions[name]
            api.add_api_route(interaction.path, handler, methods=[interaction.method])
        return api
