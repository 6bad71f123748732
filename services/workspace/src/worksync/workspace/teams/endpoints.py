"""`/workspaces/{ws}/teams` (teams and their members) and
`/workspaces/{ws}/projects/{project_id}/teams` (teams assigned to a project).

Members and above read; admins manage teams; project admins assign them.
"""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Depends, Query, Response, status
from fastapi.responses import JSONResponse

from worksync.common.clock import NowDep
from worksync.common.db import SessionDep
from worksync.common.errors import error_responses
from worksync.common.idempotency import IdempotencyKeyHeader, idempotent
from worksync.common.pagination import Page, PageParams, page_params
from worksync.common.preconditions import IfMatch
from worksync.common.responses import encoded
from worksync.workspace.access import ProjectAdmin, ProjectViewer, WorkspaceAdmin, WorkspaceMember
from worksync.workspace.dependencies import TeamServiceDep
from worksync.workspace.models import idempotency_keys
from worksync.workspace.teams.schemas import (
    AssignedTeam,
    Team,
    TeamAssignment,
    TeamCreate,
    TeamMember,
    TeamMemberCreate,
    TeamMemberUpdate,
    TeamSort,
    TeamUpdate,
)

router = APIRouter(prefix="/workspaces/{ws}/teams", tags=["teams"])
project_router = APIRouter(prefix="/workspaces/{ws}/projects/{project_id}/teams", tags=["teams"])

Paging = Annotated[PageParams, Depends(page_params)]


@router.get("", response_model=Page[Team], responses=error_responses(400, 401, 403, 404, 422))
async def list_teams(
    access: WorkspaceMember,
    service: TeamServiceDep,
    params: Paging,
    search: Annotated[str | None, Query(max_length=100, description="Part of the name")] = None,
    sort: TeamSort = TeamSort.NAME,
) -> Page[Team]:
    """The workspace's teams."""
    items, next_cursor = await service.page(access, search, sort, params)
    return Page(items=items, next_cursor=next_cursor)


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    response_model=Team,
    responses=error_responses(401, 403, 404, 409, 422),
)
async def create_team(
    request: TeamCreate,
    access: WorkspaceAdmin,
    service: TeamServiceDep,
    session: SessionDep,
    idempotency_key: IdempotencyKeyHeader = None,
) -> JSONResponse:
    """Create a team (admins)."""

    async def create() -> Team:
        return await service.create(access, request)

    return await idempotent(
        session,
        idempotency_keys,
        key=idempotency_key,
        scope=f"teams.create:{access.workspace_id}:{access.user_id}",
        payload=request,
        status_code=status.HTTP_201_CREATED,
        produce=create,
    )


@router.get("/{team_id}", response_model=Team, responses=error_responses(401, 403, 404, 422))
async def get_team(team_id: UUID, access: WorkspaceMember, service: TeamServiceDep) -> Response:
    """A team."""
    team = await service.get(access, team_id)
    return encoded(team, etag=team.version)


@router.patch("/{team_id}", response_model=Team, responses=error_responses(401, 403, 404, 409, 422))
async def update_team(
    team_id: UUID,
    request: TeamUpdate,
    access: WorkspaceAdmin,
    service: TeamServiceDep,
    if_match: IfMatch,
) -> Response:
    """Change a team's name, description or lead (admins)."""
    team = await service.update(access, team_id, request, if_match)
    return encoded(team, etag=team.version)


@router.delete(
    "/{team_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=error_responses(401, 403, 404, 422),
)
async def delete_team(
    team_id: UUID, access: WorkspaceAdmin, service: TeamServiceDep, if_match: IfMatch
) -> None:
    """Delete a team with its memberships and project assignments (admins)."""
    await service.delete(access, team_id, if_match)


@router.get(
    "/{team_id}/members",
    response_model=Page[TeamMember],
    responses=error_responses(400, 401, 403, 404, 422),
)
async def list_team_members(
    team_id: UUID, access: WorkspaceMember, service: TeamServiceDep, params: Paging
) -> Page[TeamMember]:
    """The team's members and their allocations."""
    items, next_cursor = await service.page_members(access, team_id, params)
    return Page(items=items, next_cursor=next_cursor)


@router.post(
    "/{team_id}/members",
    status_code=status.HTTP_201_CREATED,
    response_model=TeamMember,
    responses=error_responses(401, 403, 404, 409, 422),
)
async def add_team_member(
    team_id: UUID, request: TeamMemberCreate, access: WorkspaceAdmin, service: TeamServiceDep
) -> TeamMember:
    """Add a workspace member to the team (admins)."""
    return await service.add_member(access, team_id, request)


@router.patch(
    "/{team_id}/members/{user_id}",
    response_model=TeamMember,
    responses=error_responses(401, 403, 404, 422),
)
async def update_team_member(
    team_id: UUID,
    user_id: UUID,
    request: TeamMemberUpdate,
    access: WorkspaceAdmin,
    service: TeamServiceDep,
    if_match: IfMatch,
) -> Response:
    """Change a team member's allocation (admins); `If-Match` and `ETag`: the team's version."""
    member = await service.update_member(access, team_id, user_id, request, if_match)
    # The team's version, which the change moved on (the team is locked until commit).
    return encoded(member, etag=(await service.get(access, team_id)).version)


@router.delete(
    "/{team_id}/members/{user_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=error_responses(401, 403, 404, 422),
)
async def remove_team_member(
    team_id: UUID, user_id: UUID, access: WorkspaceAdmin, service: TeamServiceDep, if_match: IfMatch
) -> None:
    """Take a member off the team (admins); `If-Match`: a version of the team."""
    await service.remove_member(access, team_id, user_id, if_match)


@project_router.get(
    "", response_model=Page[AssignedTeam], responses=error_responses(400, 401, 403, 404, 422)
)
async def list_project_teams(
    access: ProjectViewer, service: TeamServiceDep, params: Paging
) -> Page[AssignedTeam]:
    """The teams assigned to the project (members and above)."""
    items, next_cursor = await service.page_assigned(access, params)
    return Page(items=items, next_cursor=next_cursor)


@project_router.post(
    "/{team_id}", response_model=TeamAssignment, responses=error_responses(401, 403, 404, 422)
)
async def assign_team(
    team_id: UUID, access: ProjectAdmin, service: TeamServiceDep, now: NowDep
) -> TeamAssignment:
    """Assign a team to the project and make its members project members (project admins);
    repeat to bring in members who joined the team since."""
    return await service.assign(access, team_id, now)


@project_router.delete(
    "/{team_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=error_responses(401, 403, 404, 422),
)
async def unassign_team(team_id: UUID, access: ProjectAdmin, service: TeamServiceDep) -> None:
    """Unassign a team from the project; project memberships stay (project admins)."""
    await service.unassign(access, team_id)
