"""A minimal consuming service: a FastAPI app built with the kit, its endpoints guarded by
the directory, trusting tokens of a test minter."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Depends, FastAPI
from pydantic import BaseModel

from worksync.common.app import create_service_app
from worksync.common.config import CommonSettings
from worksync.common.directory import (
    DIRECTORY_ERRORS,
    Directory,
    DirectoryTables,
    ProjectContext,
    ProjectRole,
    ProjectSetUp,
    WorkspaceContext,
    WorkspaceRole,
    project_context,
    workspace_context,
)
from worksync.common.testing.tokens import TokenMinter


class Caller(BaseModel):
    workspace_id: UUID
    user_id: UUID
    role: WorkspaceRole


class ProjectSummary(BaseModel):
    project_id: UUID
    identifier: str
    role: ProjectRole | None


router = APIRouter(prefix="/workspaces/{ws}")


@router.get("/whoami", responses=DIRECTORY_ERRORS)
async def whoami(
    workspace: Annotated[WorkspaceContext, Depends(workspace_context())],
) -> Caller:
    """The caller's membership; any member may ask."""
    return Caller(
        workspace_id=workspace.workspace_id, user_id=workspace.user_id, role=workspace.role
    )


@router.get("/reports", responses=DIRECTORY_ERRORS)
async def reports(
    workspace: Annotated[WorkspaceContext, Depends(workspace_context(WorkspaceRole.MEMBER))],
) -> Caller:
    """Something guests may not see."""
    return Caller(
        workspace_id=workspace.workspace_id, user_id=workspace.user_id, role=workspace.role
    )


@router.get("/projects/{pid}/summary", responses=DIRECTORY_ERRORS)
async def project_summary(
    context: Annotated[ProjectContext, Depends(project_context())],
) -> ProjectSummary:
    """A project the caller may see."""
    project = context.project
    return ProjectSummary(project_id=project.id, identifier=project.identifier, role=project.role)


def consuming_service(
    settings: CommonSettings,
    minter: TokenMinter,
    tables: DirectoryTables,
    workspace_api_url: str,
    project_set_up: ProjectSetUp | None = None,
) -> FastAPI:
    @asynccontextmanager
    async def directory_lifespan(app: FastAPI) -> AsyncIterator[None]:
        app.state.token_verifier = minter.verifier()
        app.state.directory = Directory(tables, app.state.http_client, workspace_api_url)
        yield

    return create_service_app(
        settings,
        title="Directory consumer",
        description="A minimal service authorising from the directory.",
        routers=[router],
        extra_lifespan=directory_lifespan,
        project_set_up=project_set_up,
    )
