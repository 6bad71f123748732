"""FastAPI dependencies: the caller's workspace (path `{ws}`) and project (path `{pid}`).

The app builds one `Directory` in its lifespan and keeps it at `app.state.directory`::

    @router.get("/workspaces/{ws}/projects/{pid}/report", responses=DIRECTORY_ERRORS)
    async def report(
        ctx: Annotated[ProjectContext, Depends(project_context(at_least=ProjectRole.MEMBER))],
        session: SessionDep,
    ) -> Report: ...

However many of these an endpoint declares, the membership is resolved once per request;
the directory's writes go into the request's session (the same `SessionDep`).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Annotated, Any
from uuid import UUID

from fastapi import Depends, Path, Request
from sqlalchemy.ext.asyncio import AsyncSession

from worksync.common.auth import CurrentPrincipal, Principal
from worksync.common.db import SessionDep
from worksync.common.directory.access import Directory, DirectoryProject, ensure_role
from worksync.common.directory.store import DirectoryMembership
from worksync.common.errors import error_responses
from worksync.common.roles import ProjectRole, WorkspaceRole

ProjectSetUp = Callable[[AsyncSession, DirectoryProject], Awaitable[bool]]
"""What a service prepares for a project the first time a request reaches it (e.g. default
states), race-safe, in the request's session; given to `create_service_app`. It answers
whether the project was set up already (committed): the app then remembers that and stops
asking (a set-up project stays set up), while a set-up done in this request's transaction
is asked about again until it is seen committed."""
# Beyond this many remembered projects the app forgets them all and asks again.
MAX_REMEMBERED_SET_UPS = 100_000

DIRECTORY_ERRORS: dict[int | str, dict[str, Any]] = error_responses(401, 403, 404, 503)
"""The errors an endpoint guarded by these dependencies may answer, for `responses=`."""
VIEWER_ERRORS: dict[int | str, dict[str, Any]] = error_responses(401, 404, 503)
"""The same for an endpoint guarded by `WorkspaceGuest` or `ProjectViewer` alone: whoever may
not see the resource is answered 404, never 403."""


@dataclass(frozen=True)
class WorkspaceContext:
    membership: DirectoryMembership
    principal: Principal
    # The caller's own header: later look-ups (a project) may need the fallback too.
    authorization: str

    @property
    def workspace_id(self) -> UUID:
        return self.membership.workspace_id

    @property
    def user_id(self) -> UUID:
        return self.membership.user_id

    @property
    def role(self) -> WorkspaceRole:
        return self.membership.role


@dataclass(frozen=True)
class ProjectContext:
    workspace: WorkspaceContext
    project: DirectoryProject


def directory_of(request: Request) -> Directory:
    directory: Directory = request.app.state.directory
    return directory


async def _resolve_workspace(
    ws: Annotated[str, Path(description="The workspace's slug")],
    request: Request,
    session: SessionDep,
    principal: CurrentPrincipal,
) -> WorkspaceContext:
    # A verified principal means a bearer `Authorization` header was sent.
    authorization = request.headers["authorization"]
    directory = directory_of(request)
    project_id = _named_project(request)
    if project_id is None:
        membership = await directory.membership(session, ws, principal, authorization)
    else:
        # The project the path names comes with the membership: one round trip, not two.
        membership, request.state.prefetched_project = await directory.membership_and_project(
            session, ws, principal, authorization, project_id
        )
    return WorkspaceContext(membership=membership, principal=principal, authorization=authorization)


def _named_project(request: Request) -> UUID | None:
    """The project id of the path's `{pid}`, if it has one and it is an id (otherwise the
    project dependency refuses it)."""
    pid = request.path_params.get("pid")
    if pid is None:
        return None
    try:
        return UUID(pid)
    except ValueError:
        return None


ResolvedWorkspace = Annotated[WorkspaceContext, Depends(_resolve_workspace)]


def workspace_context(
    at_least: WorkspaceRole = WorkspaceRole.GUEST,
) -> Callable[[WorkspaceContext], Awaitable[WorkspaceContext]]:
    """A dependency: the caller's membership of `{ws}`, holding at least `at_least`."""

    async def require_workspace_role(workspace: ResolvedWorkspace) -> WorkspaceContext:
        ensure_role(workspace.membership, at_least)
        return workspace

    return require_workspace_role


def project_context(
    at_least: ProjectRole | None = None,
) -> Callable[..., Awaitable[ProjectContext]]:
    """A dependency: project `{pid}` of `{ws}` as the caller may see it, and their role in
    it, which must hold `at_least` when given."""

    async def resolve_project(
        pid: Annotated[UUID, Path(description="The project's id")],
        request: Request,
        session: SessionDep,
        workspace: ResolvedWorkspace,
    ) -> ProjectContext:
        project = await directory_of(request).project(
            session,
            workspace.membership,
            pid,
            workspace.authorization,
            at_least=at_least,
            prefetched=getattr(request.state, "prefetched_project", None),
        )
        set_up: ProjectSetUp | None = getattr(request.app.state, "project_set_up", None)
        if set_up is not None:
            remembered: set[UUID] = request.app.state.projects_set_up
            if project.id not in remembered and await set_up(session, project):
                if len(remembered) >= MAX_REMEMBERED_SET_UPS:
                    remembered.clear()
                remembered.add(project.id)
        return ProjectContext(workspace=workspace, project=project)

    return resolve_project


async def request_directory(request: Request) -> Directory:
    """`directory_of` as a dependency, run on the event loop rather than in the thread pool."""
    return directory_of(request)


DirectoryDep = Annotated[Directory, Depends(request_directory)]

# The role guards, named by what the caller must be. Non-members get 404, members whose role
# falls short 403 (see `access`).
WorkspaceGuest = Annotated[WorkspaceContext, Depends(workspace_context())]
"""Anyone in the workspace, guests included."""
WorkspaceMember = Annotated[WorkspaceContext, Depends(workspace_context(WorkspaceRole.MEMBER))]
WorkspaceAdmin = Annotated[WorkspaceContext, Depends(workspace_context(WorkspaceRole.ADMIN))]
ProjectViewer = Annotated[ProjectContext, Depends(project_context())]
"""Anyone who sees the project: workspace owners and admins, its members (guests included),
and every workspace member when it is public (`roles.sees_project`)."""
ProjectMember = Annotated[ProjectContext, Depends(project_context(ProjectRole.MEMBER))]
ProjectAdmin = Annotated[ProjectContext, Depends(project_context(ProjectRole.ADMIN))]
